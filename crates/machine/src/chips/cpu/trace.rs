use core::borrow::BorrowMut;
use std::collections::HashMap;

use hearth_executor::ShardRecord;
use hearth_isa::Opcode;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::ProveError;
use crate::bus::ByteOp;
use crate::chips::program::{INSTR_COL_MAP, NUM_INSTR_COLS, decode};
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// One request on the ALU bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AluEvent {
    /// The operation.
    pub op: Opcode,
    /// First operand.
    pub a: u64,
    /// Second operand.
    pub b: u64,
}

impl AluEvent {
    /// The result the ALU chips must return.
    pub fn result(&self) -> u64 {
        let (a, b) = (self.a, self.b);
        let sext = |v: u64| v as i32 as i64 as u64;
        match self.op {
            Opcode::Add => a.wrapping_add(b),
            Opcode::Sub => a.wrapping_sub(b),
            Opcode::Addw => sext(a.wrapping_add(b)),
            Opcode::Subw => sext(a.wrapping_sub(b)),
            Opcode::And => a & b,
            Opcode::Or => a | b,
            Opcode::Xor => a ^ b,
            Opcode::Slt | Opcode::Blt => ((a as i64) < (b as i64)) as u64,
            Opcode::Sltu | Opcode::Bltu => (a < b) as u64,
            Opcode::Bge => ((a as i64) >= (b as i64)) as u64,
            Opcode::Bgeu => (a >= b) as u64,
            Opcode::Beq => (a == b) as u64,
            Opcode::Bne => (a != b) as u64,
            Opcode::Sll => a << (b & 63),
            Opcode::Srl => a >> (b & 63),
            Opcode::Sra => ((a as i64) >> (b & 63)) as u64,
            Opcode::Sllw => sext((a as u32).wrapping_shl(b as u32 & 31) as u64),
            Opcode::Srlw => sext(((a as u32) >> (b & 31)) as u64),
            Opcode::Sraw => ((a as i32) >> (b & 31)) as i64 as u64,
            Opcode::Mul => a.wrapping_mul(b),
            Opcode::Mulh => ((a as i64 as i128 * b as i64 as i128) >> 64) as u64,
            Opcode::Mulhsu => ((a as i64 as i128).wrapping_mul(b as i128) >> 64) as u64,
            Opcode::Mulhu => ((a as u128 * b as u128) >> 64) as u64,
            Opcode::Mulw => sext(a.wrapping_mul(b)),
            // Division by zero and overflow follow the RISC-V rules (no traps).
            Opcode::Div => match b {
                0 => u64::MAX,
                _ => (a as i64).wrapping_div(b as i64) as u64,
            },
            Opcode::Divu => a.checked_div(b).unwrap_or(u64::MAX),
            Opcode::Rem => match b {
                0 => a,
                _ => (a as i64).wrapping_rem(b as i64) as u64,
            },
            Opcode::Remu => a.checked_rem(b).unwrap_or(a),
            Opcode::Divw => match b as i32 {
                0 => u64::MAX,
                d => (a as i32).wrapping_div(d) as i64 as u64,
            },
            Opcode::Divuw => match b as u32 {
                0 => u64::MAX,
                d => sext(((a as u32) / d) as u64),
            },
            Opcode::Remw => match b as i32 {
                0 => sext(a),
                d => (a as i32).wrapping_rem(d) as i64 as u64,
            },
            Opcode::Remuw => match b as u32 {
                0 => sext(a),
                d => sext(((a as u32) % d) as u64),
            },
            _ => 0,
        }
    }
}

/// The requests a chip proving the operations `handles` accepts receives, and the height of its
/// table (machine index `table`) at `heights`.
pub fn alu_rows(
    events: &[AluEvent],
    handles: impl Fn(Opcode) -> bool,
    table: usize,
    heights: TableHeights,
) -> (Vec<&AluEvent>, usize) {
    let rows: Vec<&AluEvent> = events.iter().filter(|e| handles(e.op)).collect();
    let height = heights.rows(table, padded_height(rows.len()));
    (rows, height)
}

/// What generating the CPU table yields besides the table.
#[derive(Debug, Default)]
pub struct CpuTraceOutput {
    /// Requests to the ALU chips, in row order.
    pub alu_events: Vec<AluEvent>,
    /// Executions per pc, for the program table's multiplicities.
    pub executed: HashMap<u64, u32>,
    /// The exit code.
    pub exit_code: u32,
}

/// Operations some ALU chip of this machine proves.
pub fn alu_supported(op: Opcode) -> bool {
    use crate::chips::{add_sub, bitwise, divrem, lt, mul, shift};
    [add_sub::handles, bitwise::handles, lt::handles, shift::handles, mul::handles, divrem::handles]
        .iter()
        .any(|handles| handles(op))
}

/// Fills an access's columns (previous timestamp, bytes of the gap) and records the gap's range
/// checks. Timestamps are below 2^24, so every cell fits in a `u32`.
pub(crate) fn fill_access<T: From<u32>>(
    access: &mut AccessCols<T>,
    prev_ts: u64,
    ts: u64,
    counts: &mut ByteCounts,
) {
    access.prev_ts = T::from(prev_ts as u32);
    let d = (ts - prev_ts - 1).to_le_bytes();
    access.dts = [0, 1, 2].map(|i| T::from(d[i] as u32));
    counts.range_bytes(&d[..3]);
}

/// Builds the CPU table of a shard that runs from the entry point to `exit`.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    counts: &mut ByteCounts,
) -> Result<(RowMajorMatrix<F>, CpuTraceOutput), ProveError> {
    let n = record.instructions.len();
    let height = padded_height(n);
    let mut out = CpuTraceOutput::default();
    let mut rows = vec![0u32; height * NUM_CPU_COLS];
    let p = hearth_stark::KOALA_BEAR_MODULUS as i64;
    for (event, row) in record.instructions.iter().zip(rows.chunks_exact_mut(NUM_CPU_COLS)) {
        let ins = event.instruction;
        let unsupported =
            |what: &str| ProveError::Unsupported { pc: event.pc, what: format!("{what} ({:?})", ins.opcode) };
        let decoded = decode(&ins).ok_or_else(|| unsupported("instruction"))?;
        let r: &mut CpuCols<u32> = row.borrow_mut();
        r.is_real = 1;
        r.clk = event.clk as u32;
        r.pc = event.pc as u32;
        r.next_pc = event.next_pc as u32;
        let instr: &mut [u32] = &mut row[CPU_COL_MAP.instr.opcode..CPU_COL_MAP.instr.opcode + NUM_INSTR_COLS];
        for (cell, v) in instr.iter_mut().zip(&decoded.fields) {
            *cell = v.rem_euclid(p) as u32;
        }
        let r: &mut CpuCols<u32> = row.borrow_mut();
        *out.executed.entry(event.pc).or_default() += 1;

        // Registers, by slot.
        let base_ts = 4 * (event.clk + 1);
        let m = &INSTR_COL_MAP;
        let field = |f: usize| decoded.fields[f];
        for access in record.registers_of(event) {
            // Accesses beyond the instruction's own (a syscall's other arguments and result)
            // belong to the syscall table.
            let reg = access.reg as i64;
            match access.timestamp - base_ts {
                0 if reg == field(m.rs1) => {
                    r.rs1_val = bytes(access.value).map(u32::from);
                    fill_access(&mut r.rs1_access, access.prev_timestamp, access.timestamp, counts);
                }
                1 if reg == field(m.rs2) => {
                    r.rs2_val = bytes(access.value).map(u32::from);
                    fill_access(&mut r.rs2_access, access.prev_timestamp, access.timestamp, counts);
                }
                3 if reg == field(m.rd) && field(m.writes_rd) == 1 => {
                    r.rd_prev = bytes(access.prev_value).map(u32::from);
                    r.rd_val = bytes(access.value).map(u32::from);
                    fill_access(&mut r.rd_access, access.prev_timestamp, access.timestamp, counts);
                }
                _ if field(m.is_ecall) == 1 => {}
                _ => return Err(unsupported("register access outside the instruction's slots")),
            }
        }
        let rs1 = u64::from_le_bytes(r.rs1_val.map(|b| b as u8));
        let rs2 = u64::from_le_bytes(r.rs2_val.map(|b| b as u8));
        let imm = ins.imm as i64 as u64;
        let class = |f: usize| decoded.fields[f] == 1;
        let (is_auipc, is_jal, is_jalr) = (class(m.is_auipc), class(m.is_jal), class(m.is_jalr));

        let pc_word = (event.pc + if is_jal || is_jalr { 4 } else { 0 }) as u32;
        r.pc_bytes = counts.range_word(pc_word, 128).map(u32::from);

        let a = if is_auipc { event.pc } else { rs1 };
        let b = if class(m.alu_imm) { imm } else { rs2 };
        r.alu_a = bytes(a).map(u32::from);
        r.alu_b = bytes(b).map(u32::from);
        if class(m.sends_alu) {
            let op = hearth_isa::Opcode::ALL[decoded.fields[m.alu_op] as usize];
            if !alu_supported(op) {
                return Err(unsupported("operation"));
            }
            let alu = AluEvent { op, a, b };
            let result = alu.result();
            r.alu_out = bytes(result).map(u32::from);
            out.alu_events.push(alu);
            if is_jalr {
                r.jalr_bit = (result & 1) as u32;
                counts.add(ByteOp::Ltu, (result >> 24) as u8, 128);
            }
        }

        if class(m.is_load) || class(m.is_store) {
            let accesses = record.memory_of(event);
            let (access, next) = match accesses {
                [access] => (access, None),
                [access, next] => (access, Some(next)),
                _ => return Err(unsupported("memory access of more than two words")),
            };
            let addr = u64::from_le_bytes(r.alu_out.map(|b| b as u8));
            let offset = (addr & 7) as usize;
            r.mem_offset[offset] = 1;
            r.mem_q = ((addr & 0xff) >> 3) as u32;
            counts.range_pair(r.mem_q as u8, 0);
            counts.add(ByteOp::Ltu, (addr >> 24) as u8, 0x78);
            r.mem_prev = bytes(access.prev_value).map(u32::from);
            r.mem_new = bytes(access.value).map(u32::from);
            fill_access(&mut r.mem_access, access.prev_timestamp, access.timestamp, counts);
            if let Some(next) = next {
                r.mem_cross = 1;
                r.mem2_prev = bytes(next.prev_value).map(u32::from);
                r.mem2_new = bytes(next.value).map(u32::from);
                fill_access(&mut r.mem2_access, next.prev_timestamp, next.timestamp, counts);
            }
            for j in 0..8 {
                let m = offset + j;
                r.loaded[j] = if m < 8 { r.mem_prev[m] } else { r.mem2_prev[m - 8] };
            }
            if class(m.is_load) {
                let w =
                    [1usize, 2, 4, 8][(0..4).find(|&k| decoded.fields[m.load_width[k]] == 1).unwrap_or(0)];
                r.load_top = r.loaded[w - 1];
                if class(m.load_signed) {
                    r.load_sign = counts.add(ByteOp::Msb, r.load_top as u8, 0) as u32;
                }
            }
        }

        if class(m.is_ecall) && rs1 == super::air::SYSCALL_EXIT as u64 {
            r.is_exit = 1;
            out.exit_code = rs2 as u32;
        }
    }
    // Padding rows repeat nothing: all zero (not real), which every constraint accepts.
    Ok((crate::cols::field_matrix(rows, NUM_CPU_COLS), out))
}
