use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::Streams;
use super::columns::*;

/// The stream table: every row but padding used once (its input rows are exactly the bytes the
/// shard reads).
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    streams: &Streams,
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
            // Output bytes are looked up once each, and so are the input bytes: the table holds
            // only those the shard reads.
            r.multiplicity = 1;
        },
    );
    crate::cols::field_matrix(values, NUM_STREAM_COLS)
}
