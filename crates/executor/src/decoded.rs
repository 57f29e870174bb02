//! The interpreter's pre-decoded instruction form.
//!
//! Hand-written rather than interpreting [`Instruction`] directly because it makes the hot loop
//! cheaper: each entry is 8 bytes, writes to `x0` are redirected to a sink register so no
//! instruction needs a `rd != 0` test, and branch and `jal` targets are resolved to code indices
//! when the program loads, so taken branches need no bounds or alignment check. Whatever cannot be
//! handled that way (illegal words, `ebreak`, jumps to bad static targets) becomes [`Op::Slow`],
//! which the slow path decodes again and reports precisely.

use hearth_isa::{Opcode, decode};

use crate::program::has_static_target;

/// Register index that absorbs writes to `x0`.
pub(crate) const SINK: u8 = 32;

/// The operation of a pre-decoded instruction.
///
/// It repeats [`Opcode`]'s variants on purpose: one flat enum dispatches through a single jump
/// table, while `enum { Run(Opcode), Slow, OutOfCode }` measured 15-20% slower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub(crate) enum Op {
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Ld,
    Lbu,
    Lhu,
    Lwu,
    Sb,
    Sh,
    Sw,
    Sd,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Addiw,
    Slliw,
    Srliw,
    Sraiw,
    Addw,
    Subw,
    Sllw,
    Srlw,
    Sraw,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    Mulw,
    Divw,
    Divuw,
    Remw,
    Remuw,
    /// `fence`: no effect on one hart.
    Nop,
    Ecall,
    /// Needs the slow path: illegal, `ebreak`, or a jump whose static target is bad.
    Slow,
    /// Not code: reaching it is an instruction-fetch fault.
    OutOfCode,
}

/// One pre-decoded instruction. For `jal` and branches `imm` is the target's code index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(8))]
pub(crate) struct Decoded {
    pub op: Op,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub imm: i32,
}

impl Decoded {
    /// Whether control may leave the straight line after this instruction.
    pub fn ends_block(&self) -> bool {
        matches!(
            self.op,
            Op::Jal
                | Op::Jalr
                | Op::Beq
                | Op::Bne
                | Op::Blt
                | Op::Bge
                | Op::Bltu
                | Op::Bgeu
                | Op::Ecall
                | Op::Slow
                | Op::OutOfCode
        )
    }

    pub const OUT_OF_CODE: Decoded = Decoded { op: Op::OutOfCode, rd: 0, rs1: 0, rs2: 0, imm: 0 };
    const SLOW: Decoded = Decoded { op: Op::Slow, rd: 0, rs1: 0, rs2: 0, imm: 0 };

    /// Pre-decodes `word`, found at code index `index` of a program with `len` slots.
    pub fn new(word: u32, index: usize, len: usize) -> Decoded {
        let Ok(ins) = decode(word) else {
            return Self::SLOW;
        };
        let mut imm = ins.imm;
        if has_static_target(ins.opcode) {
            let target = index as i64 + (ins.imm as i64 >> 2);
            if ins.imm % 4 != 0 || target < 0 || target >= len as i64 {
                return Self::SLOW;
            }
            imm = target as i32;
        }
        let rd = if ins.opcode.writes_rd() && ins.rd == 0 { SINK } else { ins.rd };
        let op = match ins.opcode {
            Opcode::Lui => Op::Lui,
            Opcode::Auipc => Op::Auipc,
            Opcode::Jal => Op::Jal,
            Opcode::Jalr => Op::Jalr,
            Opcode::Beq => Op::Beq,
            Opcode::Bne => Op::Bne,
            Opcode::Blt => Op::Blt,
            Opcode::Bge => Op::Bge,
            Opcode::Bltu => Op::Bltu,
            Opcode::Bgeu => Op::Bgeu,
            Opcode::Lb => Op::Lb,
            Opcode::Lh => Op::Lh,
            Opcode::Lw => Op::Lw,
            Opcode::Ld => Op::Ld,
            Opcode::Lbu => Op::Lbu,
            Opcode::Lhu => Op::Lhu,
            Opcode::Lwu => Op::Lwu,
            Opcode::Sb => Op::Sb,
            Opcode::Sh => Op::Sh,
            Opcode::Sw => Op::Sw,
            Opcode::Sd => Op::Sd,
            Opcode::Addi => Op::Addi,
            Opcode::Slti => Op::Slti,
            Opcode::Sltiu => Op::Sltiu,
            Opcode::Xori => Op::Xori,
            Opcode::Ori => Op::Ori,
            Opcode::Andi => Op::Andi,
            Opcode::Slli => Op::Slli,
            Opcode::Srli => Op::Srli,
            Opcode::Srai => Op::Srai,
            Opcode::Add => Op::Add,
            Opcode::Sub => Op::Sub,
            Opcode::Sll => Op::Sll,
            Opcode::Slt => Op::Slt,
            Opcode::Sltu => Op::Sltu,
            Opcode::Xor => Op::Xor,
            Opcode::Srl => Op::Srl,
            Opcode::Sra => Op::Sra,
            Opcode::Or => Op::Or,
            Opcode::And => Op::And,
            Opcode::Addiw => Op::Addiw,
            Opcode::Slliw => Op::Slliw,
            Opcode::Srliw => Op::Srliw,
            Opcode::Sraiw => Op::Sraiw,
            Opcode::Addw => Op::Addw,
            Opcode::Subw => Op::Subw,
            Opcode::Sllw => Op::Sllw,
            Opcode::Srlw => Op::Srlw,
            Opcode::Sraw => Op::Sraw,
            Opcode::Mul => Op::Mul,
            Opcode::Mulh => Op::Mulh,
            Opcode::Mulhsu => Op::Mulhsu,
            Opcode::Mulhu => Op::Mulhu,
            Opcode::Div => Op::Div,
            Opcode::Divu => Op::Divu,
            Opcode::Rem => Op::Rem,
            Opcode::Remu => Op::Remu,
            Opcode::Mulw => Op::Mulw,
            Opcode::Divw => Op::Divw,
            Opcode::Divuw => Op::Divuw,
            Opcode::Remw => Op::Remw,
            Opcode::Remuw => Op::Remuw,
            Opcode::Fence => Op::Nop,
            Opcode::Ecall => Op::Ecall,
            Opcode::Ebreak => return Self::SLOW,
        };
        Decoded { op, rd, rs1: ins.rs1, rs2: ins.rs2, imm }
    }
}
