use core::borrow::BorrowMut;

use std::collections::HashMap;

use hearth_executor::ShardRecord;
use hearth_executor::trace::{InstructionEvent, RegisterAccess, timestamp};
use hearth_isa::syscall::{FD_DEBUG, FD_PUBLIC_OUTPUT};
use hearth_isa::{Opcode, Syscall};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::COUNT_TOP_BYTE;
use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::AluEvent;
use crate::chips::cpu::trace::fill_access;
use crate::chips::index;
use crate::chips::io_word::Transfer;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// Syscalls this table performs (`write` only to the output and debug streams).
pub fn is_performed_here(number: u64) -> bool {
    [Syscall::InputLen, Syscall::ProfileScope, Syscall::Read, Syscall::Write]
        .iter()
        .any(|s| s.number() == number)
}

/// A shard's `ecall`s by cycle, for the accelerator tables (built once per shard).
pub struct Ecalls<'a>(HashMap<u64, &'a InstructionEvent>);

impl<'a> Ecalls<'a> {
    /// Indexes the `ecall`s of `record`.
    pub fn of(record: &'a ShardRecord) -> Self {
        let ecalls = record.instructions.iter().filter(|e| e.instruction.opcode == Opcode::Ecall);
        Self(ecalls.map(|e| (e.clk, e)).collect())
    }

    /// The `ecall` behind an accelerator call (`name`) at cycle `clk`.
    pub fn at(&self, clk: u64, name: &str) -> Result<&'a InstructionEvent, ProveError> {
        self.0.get(&clk).copied().ok_or_else(|| ProveError::Unsupported {
            pc: 0,
            what: format!("a {name} call at cycle {clk} without its ecall"),
        })
    }
}

/// The access to register `reg` in access slot `slot` of `event`'s cycle.
pub fn register_access<'r>(
    record: &'r ShardRecord,
    event: &InstructionEvent,
    reg: u8,
    slot: u64,
) -> Option<&'r RegisterAccess> {
    let ts = timestamp(event.clk, slot);
    record.registers_of(event).iter().find(|a| a.reg == reg && a.timestamp == ts)
}

/// What the syscall table hands to the other tables.
#[derive(Debug, Default)]
pub struct SyscallOutputs {
    /// Comparisons `read` asks of the comparison table.
    pub alu_events: Vec<AluEvent>,
    /// Every `read` and output `write`, for the I/O word table.
    pub transfers: Vec<Transfer>,
    /// Final `(position, timestamp)` of the input and the output stream.
    pub positions: [(u64, u64); 2],
}

/// One row per `ecall` other than `exit`.
/// `start_positions` are the input and output positions at the shard's start.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    input_len: u64,
    start_positions: [u64; 2],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> Result<(RowMajorMatrix<F>, SyscallOutputs), ProveError> {
    let mut out = SyscallOutputs { positions: start_positions.map(|p| (p, 0)), ..Default::default() };
    let mut rows = Vec::new();
    for event in record.instructions.iter().filter(|e| e.instruction.opcode == Opcode::Ecall) {
        let reg = |r: u8, slot: u64| register_access(record, event, r, slot);
        let unsupported = |what: String| ProveError::Unsupported { pc: event.pc, what };
        let Some(number) = reg(17, 0).map(|a| a.value) else { continue };
        if number == Syscall::Exit.number()
            || crate::chips::keccak_f::is_performed_here(number)
            || crate::chips::sha256::is_performed_here(number)
            || crate::chips::secp256k1::is_performed_here(number)
        {
            continue;
        }
        if !is_performed_here(number) {
            return Err(unsupported(format!("syscall {number:#x}")));
        }
        let mut row = [0u64; NUM_SYSCALL_COLS];
        let r: &mut SyscallCols<u64> = row.as_mut_slice().borrow_mut();
        r.clk = event.clk;
        let a0 = reg(10, 1).map_or(0, |a| a.value);
        r.a0 = bytes(a0).map(u64::from);
        if number != Syscall::InputLen.number() {
            for (value, access, register) in
                [(&mut r.a1, &mut r.a1_access, 11u8), (&mut r.a2, &mut r.a2_access, 12)]
            {
                let a =
                    reg(register, 1).ok_or_else(|| unsupported(format!("syscall without x{register}")))?;
                *value = bytes(a.value).map(u64::from);
                fill_access(access, a.prev_timestamp, a.timestamp, counts);
            }
        }
        let result = if number == Syscall::ProfileScope.number() {
            r.is_profile_scope = 1;
            None
        } else {
            let write = reg(10, 3).ok_or_else(|| unsupported("syscall without a result".into()))?;
            r.result = bytes(write.value).map(u64::from);
            Some(write.value)
        };
        let (buf, len) = (reg(11, 1).map_or(0, |a| a.value), reg(12, 1).map_or(0, |a| a.value));
        let n = result.unwrap_or(0);
        let stream = if number == Syscall::InputLen.number() {
            r.is_input_len = 1;
            None
        } else if number == Syscall::Read.number() {
            r.is_read = 1;
            r.short = u64::from(n < len);
            out.alu_events.push(AluEvent { op: Opcode::Sltu, a: n, b: len });
            Some(0)
        } else if number == Syscall::Write.number() && a0 == FD_PUBLIC_OUTPUT {
            r.is_write_output = 1;
            Some(1)
        } else if number == Syscall::Write.number() && a0 == FD_DEBUG {
            r.is_write_debug = 1;
            None
        } else if number == Syscall::Write.number() {
            return Err(unsupported(format!("write to fd {a0}")));
        } else {
            None
        };
        if r.is_input_len == 1 || stream.is_some() {
            if n >= 1 << 30 {
                return Err(unsupported(format!("a count of {n} bytes (at most 2^30 - 1 are provable)")));
            }
            let b = bytes(n);
            counts.range_bytes(&b[..3]);
            counts.add(crate::bus::ByteOp::Ltu, b[3], COUNT_TOP_BYTE);
        }
        if r.is_input_len == 1 && n != input_len {
            return Err(unsupported("input_len returned another length".into()));
        }
        if let Some(stream) = stream {
            if buf + n > hearth_isa::memory::MEMORY_TOP {
                return Err(unsupported(format!("a buffer at {buf:#x} past the top of memory")));
            }
            counts.below_memory_top(buf);
            let (position, last_ts) = &mut out.positions[stream];
            r.position = *position;
            let ts = 4 * event.clk + 6;
            fill_access(&mut r.position_access, *last_ts, ts, counts);
            out.transfers.push(Transfer {
                clk: event.clk,
                buf,
                len: n,
                position: *position,
                is_write: stream == 1,
                accesses: event.memory.clone(),
            });
            *position += n;
            *last_ts = ts;
        }
        rows.push(row);
    }
    let height = heights.rows(index::SYSCALL, padded_height(rows.len()));
    let values =
        crate::cols::fill_rows(height, NUM_SYSCALL_COLS, rows, |_| {}, |row, out| out.copy_from_slice(&row));
    Ok((crate::cols::field_matrix(values, NUM_SYSCALL_COLS), out))
}
