use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::{INPUT_POSITION, NUM_REGISTERS};
use super::columns::*;
use crate::boundary::ShardBoundary;

/// The register table from the shard's boundary, its final register timestamps and the final
/// timestamps of the input and output positions.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    boundary: &ShardBoundary,
    position_timestamps: [u64; 2],
) -> RowMajorMatrix<F> {
    let mut values = vec![0u64; NUM_REGISTERS * NUM_REGISTERS_COLS];
    for (reg, row) in values.chunks_exact_mut(NUM_REGISTERS_COLS).enumerate() {
        let r: &mut RegistersCols<u64> = row.borrow_mut();
        r.reg = reg as u64;
        if let (Some(&initial), Some(&last)) =
            (boundary.registers_in.get(reg), boundary.registers_out.get(reg))
        {
            r.initial_value = ShardBoundary::cells(reg, initial);
            r.final_value = ShardBoundary::cells(reg, last);
            r.final_ts = if reg < 32 {
                record.end.register_timestamps[reg]
            } else {
                position_timestamps[reg - INPUT_POSITION as usize]
            };
        }
    }
    crate::cols::field_matrix(values, NUM_REGISTERS_COLS)
}
