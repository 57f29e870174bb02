use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::BYTE_TABLE_HEIGHT;
use super::columns::*;
use crate::bus::ByteOp;
use crate::lookups::ByteCounts;

/// The multiplicity columns from the counts every other table recorded.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    counts: &ByteCounts,
) -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(BYTE_TABLE_HEIGHT * NUM_BYTE_COLS);
    for (row_index, row) in values.chunks_exact_mut(NUM_BYTE_COLS).enumerate() {
        let row: &mut ByteCols<F> = row.borrow_mut();
        let (x, y) = ((row_index >> 8) as u8, row_index as u8);
        for op in ByteOp::ALL {
            row.multiplicity[op as usize] = F::from_u32(counts.get(op, x, y));
        }
    }
    RowMajorMatrix::new(values, NUM_BYTE_COLS)
}
