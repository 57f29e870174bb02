use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::{INPUT_POSITION, NUM_REGISTERS};
use super::columns::*;
use crate::lookups::bytes;

/// The register table from the shard's final register state and the final `(value, timestamp)`
/// of the input and output positions.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    positions: [(u64, u64); 2],
) -> RowMajorMatrix<F> {
    let mut values = vec![0u64; NUM_REGISTERS * NUM_REGISTERS_COLS];
    for (reg, row) in values.chunks_exact_mut(NUM_REGISTERS_COLS).enumerate() {
        let r: &mut RegistersCols<u64> = row.borrow_mut();
        r.reg = reg as u64;
        if reg < 32 {
            r.final_value = bytes(record.end.registers[reg]).map(u64::from);
            r.final_ts = record.end.register_timestamps[reg];
        } else if let Some(&(position, ts)) = positions.get(reg - INPUT_POSITION as usize) {
            // A position is one field element in the first value cell.
            r.final_value[0] = position;
            r.final_ts = ts;
        }
    }
    crate::cols::field_matrix(values, NUM_REGISTERS_COLS)
}
