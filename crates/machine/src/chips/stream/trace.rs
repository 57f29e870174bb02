use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::Streams;
use super::columns::*;

/// The stream table, with the input bytes at positions `input_read` marked as read.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    streams: &Streams,
    input_read: core::ops::Range<usize>,
) -> RowMajorMatrix<F> {
    let values = crate::cols::fill_rows(
        streams.height(),
        NUM_STREAM_COLS,
        streams.rows(),
        |_| {},
        |(is_output, position, byte), out| {
            let r: &mut StreamCols<u64> = out.borrow_mut();
            r.is_input = u64::from(!is_output);
            r.is_output = u64::from(is_output);
            r.position = position as u64;
            r.byte = u64::from(byte);
            // Output bytes are looked up once each, input bytes once each from where the
            // shard's reading started to where it stopped.
            r.multiplicity = u64::from(is_output || input_read.contains(&position));
        },
    );
    crate::cols::field_matrix(values, NUM_STREAM_COLS)
}
