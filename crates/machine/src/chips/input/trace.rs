use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::chips::stream::Streams;
use crate::lookups::ByteCounts;
use crate::lookups::padded_height;

/// The input table of a shard: each byte it reads, once, at its position (empty when the
/// streams keep the input in the stream table).
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    streams: &Streams,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let read = streams.private_input_read();
    let values = crate::cols::fill_rows(
        padded_height(read.len()),
        NUM_INPUT_COLS,
        read.iter().enumerate(),
        |_| {},
        |(i, &byte), out| {
            let r: &mut InputCols<u64> = out.borrow_mut();
            r.position = (streams.input_read.start + i) as u64;
            r.byte = u64::from(byte);
            r.multiplicity = 1;
            counts.range_bytes(&[byte]);
        },
    );
    crate::cols::field_matrix(values, NUM_INPUT_COLS)
}
