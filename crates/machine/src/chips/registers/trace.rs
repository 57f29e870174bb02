use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::NUM_REGISTERS;
use super::columns::*;
use crate::lookups::bytes;

/// The register table from the shard's final register state.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
) -> RowMajorMatrix<F> {
    let mut values = vec![0u64; NUM_REGISTERS * NUM_REGISTERS_COLS];
    for (reg, row) in values.chunks_exact_mut(NUM_REGISTERS_COLS).enumerate() {
        let r: &mut RegistersCols<u64> = row.borrow_mut();
        r.reg = reg as u64;
        r.final_value = bytes(record.end.registers[reg]).map(u64::from);
        r.final_ts = record.end.register_timestamps[reg];
    }
    crate::cols::field_matrix(values, NUM_REGISTERS_COLS)
}
