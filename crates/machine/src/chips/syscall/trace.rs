use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use hearth_isa::{Opcode, Syscall};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::trace::fill_access;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// Syscalls this table performs.
pub fn is_performed_here(number: u64) -> bool {
    number == Syscall::InputLen.number() || number == Syscall::ProfileScope.number()
}

/// One row per `ecall` other than `exit`.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    counts: &mut ByteCounts,
) -> Result<RowMajorMatrix<F>, ProveError> {
    let ecalls: Vec<_> =
        record.instructions.iter().filter(|e| e.instruction.opcode == Opcode::Ecall).collect();
    let mut rows = Vec::new();
    for event in ecalls {
        let accesses =
            &record.register_accesses[event.registers.start as usize..event.registers.end as usize];
        let reg = |r: u8, slot: u64| {
            accesses.iter().find(|a| a.reg == r && a.timestamp == 4 * event.clk + 4 + slot)
        };
        let Some(number) = reg(17, 0).map(|a| a.value) else { continue };
        if number == Syscall::Exit.number() {
            continue;
        }
        if !is_performed_here(number) {
            return Err(ProveError::Unsupported { pc: event.pc, what: format!("syscall {number:#x}") });
        }
        let mut row = [0u64; NUM_SYSCALL_COLS];
        let r: &mut SyscallCols<u64> = row.as_mut_slice().borrow_mut();
        r.clk = event.clk;
        r.a0 = bytes(reg(10, 1).map_or(0, |a| a.value)).map(u64::from);
        if number == Syscall::InputLen.number() {
            r.is_input_len = 1;
            let write = reg(10, 3).ok_or_else(|| ProveError::Unsupported {
                pc: event.pc,
                what: "input_len without a result".into(),
            })?;
            r.result = bytes(write.value).map(u64::from);
            counts.range_bytes(&bytes(write.value));
        } else {
            r.is_profile_scope = 1;
            for (value, access, register) in
                [(&mut r.a1, &mut r.a1_access, 11u8), (&mut r.a2, &mut r.a2_access, 12)]
            {
                if let Some(a) = reg(register, 1) {
                    *value = bytes(a.value).map(u64::from);
                    fill_access(access, a.prev_timestamp, a.timestamp, counts);
                }
            }
        }
        rows.push(row);
    }
    let height = padded_height(rows.len());
    let values =
        crate::cols::fill_rows(height, NUM_SYSCALL_COLS, rows, |_| {}, |row, out| out.copy_from_slice(&row));
    Ok(crate::cols::field_matrix(values, NUM_SYSCALL_COLS))
}
