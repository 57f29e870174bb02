//! RV64IM instructions: decoding from and encoding to 32-bit words.
//!
//! The target has no compressed, atomic or floating-point instructions, so every instruction is
//! one aligned 32-bit word. Anything outside RV64IM (including `fence.i`, CSR instructions and
//! the all-zero word) decodes to a [`DecodeError`]; the executor turns that into an
//! illegal-instruction fault when, and only when, the word is executed.

use core::fmt;

/// Every RV64IM operation, plus `fence` (a no-op on one hart) and the two environment calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[allow(missing_docs, reason = "the variants are the RISC-V mnemonics")]
pub enum Opcode {
    // RV64I: upper immediates and jumps.
    Lui,
    Auipc,
    Jal,
    Jalr,
    // Branches.
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    // Loads.
    Lb,
    Lh,
    Lw,
    Ld,
    Lbu,
    Lhu,
    Lwu,
    // Stores.
    Sb,
    Sh,
    Sw,
    Sd,
    // Register-immediate ALU.
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    // Register-register ALU.
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
    // 32-bit (W) variants.
    Addiw,
    Slliw,
    Srliw,
    Sraiw,
    Addw,
    Subw,
    Sllw,
    Srlw,
    Sraw,
    // M extension.
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
    // Misc and system.
    Fence,
    Ecall,
    Ebreak,
}

impl Opcode {
    /// All opcodes, in declaration order.
    pub const ALL: [Opcode; 65] = {
        use Opcode::*;
        [
            Lui, Auipc, Jal, Jalr, Beq, Bne, Blt, Bge, Bltu, Bgeu, Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu, Sb, Sh, Sw,
            Sd, Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai, Add, Sub, Sll, Slt, Sltu, Xor, Srl,
            Sra, Or, And, Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw, Mul, Mulh, Mulhsu, Mulhu,
            Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw, Fence, Ecall, Ebreak,
        ]
    };

    /// The assembler mnemonic.
    pub const fn mnemonic(self) -> &'static str {
        use Opcode::*;
        match self {
            Lui => "lui",
            Auipc => "auipc",
            Jal => "jal",
            Jalr => "jalr",
            Beq => "beq",
            Bne => "bne",
            Blt => "blt",
            Bge => "bge",
            Bltu => "bltu",
            Bgeu => "bgeu",
            Lb => "lb",
            Lh => "lh",
            Lw => "lw",
            Ld => "ld",
            Lbu => "lbu",
            Lhu => "lhu",
            Lwu => "lwu",
            Sb => "sb",
            Sh => "sh",
            Sw => "sw",
            Sd => "sd",
            Addi => "addi",
            Slti => "slti",
            Sltiu => "sltiu",
            Xori => "xori",
            Ori => "ori",
            Andi => "andi",
            Slli => "slli",
            Srli => "srli",
            Srai => "srai",
            Add => "add",
            Sub => "sub",
            Sll => "sll",
            Slt => "slt",
            Sltu => "sltu",
            Xor => "xor",
            Srl => "srl",
            Sra => "sra",
            Or => "or",
            And => "and",
            Addiw => "addiw",
            Slliw => "slliw",
            Srliw => "srliw",
            Sraiw => "sraiw",
            Addw => "addw",
            Subw => "subw",
            Sllw => "sllw",
            Srlw => "srlw",
            Sraw => "sraw",
            Mul => "mul",
            Mulh => "mulh",
            Mulhsu => "mulhsu",
            Mulhu => "mulhu",
            Div => "div",
            Divu => "divu",
            Rem => "rem",
            Remu => "remu",
            Mulw => "mulw",
            Divw => "divw",
            Divuw => "divuw",
            Remw => "remw",
            Remuw => "remuw",
            Fence => "fence",
            Ecall => "ecall",
            Ebreak => "ebreak",
        }
    }

    /// The operand layout of this opcode's encoding.
    pub const fn format(self) -> Format {
        use Opcode::*;
        match self {
            Lui | Auipc => Format::U,
            Jal => Format::J,
            Beq | Bne | Blt | Bge | Bltu | Bgeu => Format::B,
            Sb | Sh | Sw | Sd => Format::S,
            Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addw | Subw | Sllw | Srlw | Sraw
            | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw | Remw | Remuw => {
                Format::R
            }
            Fence | Ecall | Ebreak => Format::System,
            Jalr | Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu | Addi | Slti | Sltiu | Xori | Ori | Andi | Slli
            | Srli | Srai | Addiw | Slliw | Srliw | Sraiw => Format::I,
        }
    }

    /// Loads read memory into `rd`.
    pub const fn is_load(self) -> bool {
        matches!(
            self,
            Opcode::Lb | Opcode::Lh | Opcode::Lw | Opcode::Ld | Opcode::Lbu | Opcode::Lhu | Opcode::Lwu
        )
    }

    /// Stores write `rs2` to memory.
    pub const fn is_store(self) -> bool {
        matches!(self, Opcode::Sb | Opcode::Sh | Opcode::Sw | Opcode::Sd)
    }

    /// Conditional branches.
    pub const fn is_branch(self) -> bool {
        matches!(self, Opcode::Beq | Opcode::Bne | Opcode::Blt | Opcode::Bge | Opcode::Bltu | Opcode::Bgeu)
    }

    /// Width in bytes of a load or store, 0 for other opcodes.
    pub const fn access_width(self) -> u8 {
        match self {
            Opcode::Lb | Opcode::Lbu | Opcode::Sb => 1,
            Opcode::Lh | Opcode::Lhu | Opcode::Sh => 2,
            Opcode::Lw | Opcode::Lwu | Opcode::Sw => 4,
            Opcode::Ld | Opcode::Sd => 8,
            _ => 0,
        }
    }

    /// Whether the instruction writes `rd`.
    pub const fn writes_rd(self) -> bool {
        !matches!(self.format(), Format::B | Format::S | Format::System)
    }

    /// Whether the instruction reads `rs1`.
    pub const fn reads_rs1(self) -> bool {
        !matches!(self.format(), Format::U | Format::J | Format::System)
    }

    /// Whether the instruction reads `rs2`.
    pub const fn reads_rs2(self) -> bool {
        matches!(self.format(), Format::R | Format::B | Format::S)
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// RISC-V encoding formats, as far as operands are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `rd, rs1, rs2`.
    R,
    /// `rd, rs1, imm` (loads, ALU immediates, shifts, `jalr`).
    I,
    /// `rs2, imm(rs1)`.
    S,
    /// `rs1, rs2, offset`.
    B,
    /// `rd, imm` with the immediate in bits 31..12.
    U,
    /// `rd, offset`.
    J,
    /// No operands (`fence` keeps its raw immediate only so that it re-encodes exactly).
    System,
}

/// One decoded instruction.
///
/// `imm` holds the immediate already sign-extended and shifted into place: the byte offset for
/// branches and jumps, the shift amount for shift-immediates, `imm << 12` for `lui`/`auipc`, and
/// the raw 12-bit field for `fence`. Registers that the format does not use are 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// The operation.
    pub opcode: Opcode,
    /// Destination register (0..32).
    pub rd: u8,
    /// First source register (0..32).
    pub rs1: u8,
    /// Second source register (0..32).
    pub rs2: u8,
    /// Immediate, see the type's documentation.
    pub imm: i32,
}

impl Instruction {
    /// An R-type instruction.
    pub const fn r(opcode: Opcode, rd: u8, rs1: u8, rs2: u8) -> Self {
        Self { opcode, rd, rs1, rs2, imm: 0 }
    }

    /// An I-type (or U/J-type when `rs1` is 0) instruction.
    pub const fn i(opcode: Opcode, rd: u8, rs1: u8, imm: i32) -> Self {
        Self { opcode, rd, rs1, rs2: 0, imm }
    }

    /// An S/B-type instruction.
    pub const fn s(opcode: Opcode, rs1: u8, rs2: u8, imm: i32) -> Self {
        Self { opcode, rd: 0, rs1, rs2, imm }
    }
}

/// Why a 32-bit word is not an RV64IM instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The offending word.
    pub word: u32,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x} is not an RV64IM instruction", self.word)
    }
}

impl core::error::Error for DecodeError {}

#[inline]
const fn bits(word: u32, hi: u32, lo: u32) -> u32 {
    (word >> lo) & ((1 << (hi - lo + 1)) - 1)
}

/// Sign-extends the low `width` bits of `value`.
#[inline]
const fn sext(value: u32, width: u32) -> i32 {
    let shift = 32 - width;
    ((value << shift) as i32) >> shift
}

const fn imm_i(word: u32) -> i32 {
    (word as i32) >> 20
}

const fn imm_s(word: u32) -> i32 {
    sext((bits(word, 31, 25) << 5) | bits(word, 11, 7), 12)
}

const fn imm_b(word: u32) -> i32 {
    sext(
        (bits(word, 31, 31) << 12)
            | (bits(word, 7, 7) << 11)
            | (bits(word, 30, 25) << 5)
            | (bits(word, 11, 8) << 1),
        13,
    )
}

const fn imm_j(word: u32) -> i32 {
    sext(
        (bits(word, 31, 31) << 20)
            | (bits(word, 19, 12) << 12)
            | (bits(word, 20, 20) << 11)
            | (bits(word, 30, 21) << 1),
        21,
    )
}

/// Decodes one instruction word.
pub const fn decode(word: u32) -> Result<Instruction, DecodeError> {
    use Opcode::*;
    let err = Err(DecodeError { word });
    let rd = bits(word, 11, 7) as u8;
    let rs1 = bits(word, 19, 15) as u8;
    let rs2 = bits(word, 24, 20) as u8;
    let funct3 = bits(word, 14, 12);
    let funct7 = bits(word, 31, 25);
    let opcode = match bits(word, 6, 0) {
        0x37 => return Ok(Instruction::i(Lui, rd, 0, (word & 0xffff_f000) as i32)),
        0x17 => return Ok(Instruction::i(Auipc, rd, 0, (word & 0xffff_f000) as i32)),
        0x6f => return Ok(Instruction::i(Jal, rd, 0, imm_j(word))),
        0x67 => {
            if funct3 != 0 {
                return err;
            }
            return Ok(Instruction::i(Jalr, rd, rs1, imm_i(word)));
        }
        0x63 => {
            let opcode = match funct3 {
                0 => Beq,
                1 => Bne,
                4 => Blt,
                5 => Bge,
                6 => Bltu,
                7 => Bgeu,
                _ => return err,
            };
            return Ok(Instruction::s(opcode, rs1, rs2, imm_b(word)));
        }
        0x03 => {
            let opcode = match funct3 {
                0 => Lb,
                1 => Lh,
                2 => Lw,
                3 => Ld,
                4 => Lbu,
                5 => Lhu,
                6 => Lwu,
                _ => return err,
            };
            return Ok(Instruction::i(opcode, rd, rs1, imm_i(word)));
        }
        0x23 => {
            let opcode = match funct3 {
                0 => Sb,
                1 => Sh,
                2 => Sw,
                3 => Sd,
                _ => return err,
            };
            return Ok(Instruction::s(opcode, rs1, rs2, imm_s(word)));
        }
        0x13 => {
            let shamt = bits(word, 25, 20) as i32;
            let opcode = match (funct3, bits(word, 31, 26)) {
                (0, _) => Addi,
                (2, _) => Slti,
                (3, _) => Sltiu,
                (4, _) => Xori,
                (6, _) => Ori,
                (7, _) => Andi,
                (1, 0) => return Ok(Instruction::i(Slli, rd, rs1, shamt)),
                (5, 0) => return Ok(Instruction::i(Srli, rd, rs1, shamt)),
                (5, 0x10) => return Ok(Instruction::i(Srai, rd, rs1, shamt)),
                _ => return err,
            };
            return Ok(Instruction::i(opcode, rd, rs1, imm_i(word)));
        }
        0x1b => {
            let shamt = bits(word, 24, 20) as i32;
            return match (funct3, funct7) {
                (0, _) => Ok(Instruction::i(Addiw, rd, rs1, imm_i(word))),
                (1, 0) => Ok(Instruction::i(Slliw, rd, rs1, shamt)),
                (5, 0) => Ok(Instruction::i(Srliw, rd, rs1, shamt)),
                (5, 0x20) => Ok(Instruction::i(Sraiw, rd, rs1, shamt)),
                _ => err,
            };
        }
        0x33 => match (funct7, funct3) {
            (0, 0) => Add,
            (0x20, 0) => Sub,
            (0, 1) => Sll,
            (0, 2) => Slt,
            (0, 3) => Sltu,
            (0, 4) => Xor,
            (0, 5) => Srl,
            (0x20, 5) => Sra,
            (0, 6) => Or,
            (0, 7) => And,
            (1, 0) => Mul,
            (1, 1) => Mulh,
            (1, 2) => Mulhsu,
            (1, 3) => Mulhu,
            (1, 4) => Div,
            (1, 5) => Divu,
            (1, 6) => Rem,
            (1, 7) => Remu,
            _ => return err,
        },
        0x3b => match (funct7, funct3) {
            (0, 0) => Addw,
            (0x20, 0) => Subw,
            (0, 1) => Sllw,
            (0, 5) => Srlw,
            (0x20, 5) => Sraw,
            (1, 0) => Mulw,
            (1, 4) => Divw,
            (1, 5) => Divuw,
            (1, 6) => Remw,
            (1, 7) => Remuw,
            _ => return err,
        },
        0x0f => {
            // `fence` orders memory between harts and devices; with one hart and no devices it
            // is a no-op. `fence.i` (funct3 = 1) is Zifencei, outside the target.
            if funct3 != 0 {
                return err;
            }
            return Ok(Instruction { opcode: Fence, rd, rs1, rs2: 0, imm: imm_i(word) });
        }
        0x73 => {
            return match word {
                0x0000_0073 => Ok(Instruction::i(Ecall, 0, 0, 0)),
                0x0010_0073 => Ok(Instruction::i(Ebreak, 0, 0, 0)),
                _ => err,
            };
        }
        _ => return err,
    };
    Ok(Instruction::r(opcode, rd, rs1, rs2))
}

const fn encode_r(opcode: u32, funct3: u32, funct7: u32, rd: u8, rs1: u8, rs2: u8) -> u32 {
    (funct7 << 25)
        | ((rs2 as u32) << 20)
        | ((rs1 as u32) << 15)
        | (funct3 << 12)
        | ((rd as u32) << 7)
        | opcode
}

const fn encode_i(opcode: u32, funct3: u32, rd: u8, rs1: u8, imm: i32) -> u32 {
    ((imm as u32 & 0xfff) << 20) | ((rs1 as u32) << 15) | (funct3 << 12) | ((rd as u32) << 7) | opcode
}

const fn encode_s(opcode: u32, funct3: u32, rs1: u8, rs2: u8, imm: i32) -> u32 {
    let imm = imm as u32;
    (bits(imm, 11, 5) << 25)
        | ((rs2 as u32) << 20)
        | ((rs1 as u32) << 15)
        | (funct3 << 12)
        | (bits(imm, 4, 0) << 7)
        | opcode
}

const fn encode_b(funct3: u32, rs1: u8, rs2: u8, imm: i32) -> u32 {
    let imm = imm as u32;
    (bits(imm, 12, 12) << 31)
        | (bits(imm, 10, 5) << 25)
        | ((rs2 as u32) << 20)
        | ((rs1 as u32) << 15)
        | (funct3 << 12)
        | (bits(imm, 4, 1) << 8)
        | (bits(imm, 11, 11) << 7)
        | 0x63
}

const fn encode_j(rd: u8, imm: i32) -> u32 {
    let imm = imm as u32;
    (bits(imm, 20, 20) << 31)
        | (bits(imm, 10, 1) << 21)
        | (bits(imm, 11, 11) << 20)
        | (bits(imm, 19, 12) << 12)
        | ((rd as u32) << 7)
        | 0x6f
}

/// Encodes an instruction. Fields the format does not use are ignored; immediates are truncated
/// to the width of their field, so `decode(encode(i)) == i` exactly when `i` is representable.
pub const fn encode(ins: &Instruction) -> u32 {
    use Opcode::*;
    let Instruction { opcode, rd, rs1, rs2, imm } = *ins;
    let shamt6 = imm & 0x3f;
    let shamt5 = imm & 0x1f;
    match opcode {
        Lui => (imm as u32 & 0xffff_f000) | ((rd as u32) << 7) | 0x37,
        Auipc => (imm as u32 & 0xffff_f000) | ((rd as u32) << 7) | 0x17,
        Jal => encode_j(rd, imm),
        Jalr => encode_i(0x67, 0, rd, rs1, imm),
        Beq => encode_b(0, rs1, rs2, imm),
        Bne => encode_b(1, rs1, rs2, imm),
        Blt => encode_b(4, rs1, rs2, imm),
        Bge => encode_b(5, rs1, rs2, imm),
        Bltu => encode_b(6, rs1, rs2, imm),
        Bgeu => encode_b(7, rs1, rs2, imm),
        Lb => encode_i(0x03, 0, rd, rs1, imm),
        Lh => encode_i(0x03, 1, rd, rs1, imm),
        Lw => encode_i(0x03, 2, rd, rs1, imm),
        Ld => encode_i(0x03, 3, rd, rs1, imm),
        Lbu => encode_i(0x03, 4, rd, rs1, imm),
        Lhu => encode_i(0x03, 5, rd, rs1, imm),
        Lwu => encode_i(0x03, 6, rd, rs1, imm),
        Sb => encode_s(0x23, 0, rs1, rs2, imm),
        Sh => encode_s(0x23, 1, rs1, rs2, imm),
        Sw => encode_s(0x23, 2, rs1, rs2, imm),
        Sd => encode_s(0x23, 3, rs1, rs2, imm),
        Addi => encode_i(0x13, 0, rd, rs1, imm),
        Slti => encode_i(0x13, 2, rd, rs1, imm),
        Sltiu => encode_i(0x13, 3, rd, rs1, imm),
        Xori => encode_i(0x13, 4, rd, rs1, imm),
        Ori => encode_i(0x13, 6, rd, rs1, imm),
        Andi => encode_i(0x13, 7, rd, rs1, imm),
        Slli => encode_i(0x13, 1, rd, rs1, shamt6),
        Srli => encode_i(0x13, 5, rd, rs1, shamt6),
        Srai => encode_i(0x13, 5, rd, rs1, shamt6 | 0x400),
        Add => encode_r(0x33, 0, 0, rd, rs1, rs2),
        Sub => encode_r(0x33, 0, 0x20, rd, rs1, rs2),
        Sll => encode_r(0x33, 1, 0, rd, rs1, rs2),
        Slt => encode_r(0x33, 2, 0, rd, rs1, rs2),
        Sltu => encode_r(0x33, 3, 0, rd, rs1, rs2),
        Xor => encode_r(0x33, 4, 0, rd, rs1, rs2),
        Srl => encode_r(0x33, 5, 0, rd, rs1, rs2),
        Sra => encode_r(0x33, 5, 0x20, rd, rs1, rs2),
        Or => encode_r(0x33, 6, 0, rd, rs1, rs2),
        And => encode_r(0x33, 7, 0, rd, rs1, rs2),
        Addiw => encode_i(0x1b, 0, rd, rs1, imm),
        Slliw => encode_i(0x1b, 1, rd, rs1, shamt5),
        Srliw => encode_i(0x1b, 5, rd, rs1, shamt5),
        Sraiw => encode_i(0x1b, 5, rd, rs1, shamt5 | 0x400),
        Addw => encode_r(0x3b, 0, 0, rd, rs1, rs2),
        Subw => encode_r(0x3b, 0, 0x20, rd, rs1, rs2),
        Sllw => encode_r(0x3b, 1, 0, rd, rs1, rs2),
        Srlw => encode_r(0x3b, 5, 0, rd, rs1, rs2),
        Sraw => encode_r(0x3b, 5, 0x20, rd, rs1, rs2),
        Mul => encode_r(0x33, 0, 1, rd, rs1, rs2),
        Mulh => encode_r(0x33, 1, 1, rd, rs1, rs2),
        Mulhsu => encode_r(0x33, 2, 1, rd, rs1, rs2),
        Mulhu => encode_r(0x33, 3, 1, rd, rs1, rs2),
        Div => encode_r(0x33, 4, 1, rd, rs1, rs2),
        Divu => encode_r(0x33, 5, 1, rd, rs1, rs2),
        Rem => encode_r(0x33, 6, 1, rd, rs1, rs2),
        Remu => encode_r(0x33, 7, 1, rd, rs1, rs2),
        Mulw => encode_r(0x3b, 0, 1, rd, rs1, rs2),
        Divw => encode_r(0x3b, 4, 1, rd, rs1, rs2),
        Divuw => encode_r(0x3b, 5, 1, rd, rs1, rs2),
        Remw => encode_r(0x3b, 6, 1, rd, rs1, rs2),
        Remuw => encode_r(0x3b, 7, 1, rd, rs1, rs2),
        Fence => encode_i(0x0f, 0, rd, rs1, imm),
        Ecall => 0x0000_0073,
        Ebreak => 0x0010_0073,
    }
}

/// ABI names of the integer registers, indexed by register number.
pub const REGISTER_NAMES: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6",
    "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

fn reg(r: u8) -> &'static str {
    REGISTER_NAMES[(r & 31) as usize]
}

/// Disassembly in the GNU assembler's syntax (without pseudo-instructions).
impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Instruction { opcode, rd, rs1, rs2, imm } = *self;
        let m = opcode.mnemonic();
        match opcode.format() {
            Format::R => write!(f, "{m} {}, {}, {}", reg(rd), reg(rs1), reg(rs2)),
            Format::I if opcode.is_load() || opcode == Opcode::Jalr => {
                write!(f, "{m} {}, {imm}({})", reg(rd), reg(rs1))
            }
            Format::I => write!(f, "{m} {}, {}, {imm}", reg(rd), reg(rs1)),
            Format::S => write!(f, "{m} {}, {imm}({})", reg(rs2), reg(rs1)),
            Format::B => write!(f, "{m} {}, {}, {imm}", reg(rs1), reg(rs2)),
            Format::U => write!(f, "{m} {}, {:#x}", reg(rd), (imm as u32) >> 12),
            Format::J => write!(f, "{m} {}, {imm}", reg(rd)),
            Format::System => f.write_str(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::string::ToString;

    #[test]
    fn decode_is_total_and_reencodes_every_valid_word() {
        // Every word either fails to decode or decodes to an instruction that encodes back to it.
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut valid = 0;
        for _ in 0..1_000_000 {
            let word: u32 = rng.random();
            if let Ok(ins) = decode(word) {
                valid += 1;
                assert_eq!(encode(&ins), word, "{ins}");
            }
        }
        assert!(valid > 1000, "random words should hit valid encodings");
    }

    #[test]
    fn known_encodings() {
        // Words from the GNU assembler (`riscv64-unknown-elf-as -march=rv64im`).
        let cases: &[(u32, &str)] = &[
            (0x00000013, "addi zero, zero, 0"),
            (0xfff00093, "addi ra, zero, -1"),
            (0x00a50533, "add a0, a0, a0"),
            (0x40b50533, "sub a0, a0, a1"),
            (0x02b50533, "mul a0, a0, a1"),
            (0x02b5453b, "divw a0, a0, a1"),
            (0x43f55513, "srai a0, a0, 63"),
            (0x4015551b, "sraiw a0, a0, 1"),
            (0xfe0008e3, "beq zero, zero, -16"),
            (0x008000ef, "jal ra, 8"),
            (0x00008067, "jalr zero, 0(ra)"),
            (0xff813503, "ld a0, -8(sp)"),
            (0x00a13423, "sd a0, 8(sp)"),
            (0x000122b7, "lui t0, 0x12"),
            (0x0ff0000f, "fence"),
            (0x00000073, "ecall"),
        ];
        for &(word, text) in cases {
            let ins = decode(word).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ins.to_string(), text);
            assert_eq!(encode(&ins), word);
        }
    }

    #[test]
    fn rejects_instructions_outside_rv64im() {
        for word in [
            0x0000_0000, // all zeros: defined illegal
            0xffff_ffff, // all ones
            0xc000_1073, // unimp (csrrw zero, cycle, zero)
            0x0000_100f, // fence.i
            0x00b5_202f, // amoadd.w (A extension)
            0x0005_2007, // flw (F extension)
            0x0000_4501, // c.li (compressed, upper half zero)
            0x0800_1013, // slli with imm[11:6] != 0
            0x0200_101b, // slliw with shamt[5] set
            0x0000_1067, // jalr with funct3 != 0
        ] {
            assert_eq!(decode(word), Err(DecodeError { word }), "{word:#010x}");
        }
    }
}
