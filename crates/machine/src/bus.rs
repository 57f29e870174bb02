//! Names of the buses the tables talk on, and the codes of the byte table's operations.
//!
//! Convention: a looking side contributes a positive count, the providing side a negative one;
//! memory-style buses produce a token with `+1` and consume it with `-1`.

use hearth_isa::Opcode;

/// `(pc, decoded instruction fields…)`: the CPU looks up every executed instruction in the
/// committed program table.
pub const PROGRAM: &str = "program";
/// `(op, x, y, z)`: byte-level facts from the byte table.
pub const BYTE: &str = "byte";
/// `(op, a[8], b[8], c[8])`: the CPU hands arithmetic to the ALU chips.
pub const ALU: &str = "alu";
/// `(reg, value[8], timestamp)`: register tokens for offline memory checking.
pub const REGISTER: &str = "register";
/// `(word address, value[8], timestamp)`: memory word tokens for offline memory checking.
pub const MEMORY: &str = "memory";
/// `(clk, a7[8], a0[8])`: the CPU hands every `ecall` but `exit` to the syscall table.
pub const SYSCALL: &str = "syscall";

/// `(clk, address, position, remaining, is_write)`: a `read` or `write` walks its buffer word by
/// word; the syscall table produces the first token and consumes the last, each I/O word row
/// consumes one and produces the next.
pub const IO_CHAIN: &str = "io_chain";
/// `(stream, position, byte)`: bytes of the input (stream 0) and the public output (stream 1),
/// provided by the stream table, whose columns the verifier computes from the bytes themselves.
pub const STREAM: &str = "stream";

/// Every bus.
pub const ALL: [&str; 8] = [PROGRAM, BYTE, ALU, REGISTER, MEMORY, SYSCALL, IO_CHAIN, STREAM];

/// Operations of the byte table. Each row `(x, y)` for `x, y < 256` answers all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ByteOp {
    /// `(x, y, 0)`: both `x` and `y` are bytes.
    Range = 0,
    /// `(x, y, x & y)`.
    And = 1,
    /// `(x, y, x | y)`.
    Or = 2,
    /// `(x, y, x ^ y)`.
    Xor = 3,
    /// `(x, y, x < y)`.
    Ltu = 4,
    /// `(x, y, x >> 7)`: the top bit of `x` (looked up with `y = 0`).
    Msb = 5,
}

impl ByteOp {
    /// All operations, in code order.
    pub const ALL: [ByteOp; 6] = [Self::Range, Self::And, Self::Or, Self::Xor, Self::Ltu, Self::Msb];

    /// The answer `z` for `(x, y)`.
    pub fn eval(self, x: u8, y: u8) -> u8 {
        match self {
            Self::Range => 0,
            Self::And => x & y,
            Self::Or => x | y,
            Self::Xor => x ^ y,
            Self::Ltu => (x < y) as u8,
            Self::Msb => x >> 7,
        }
    }

    /// Whether `(op, x, y, z)` (as numbers) is a row of the byte table.
    pub fn holds(op: u32, x: u32, y: u32, z: u32) -> bool {
        let Some(&op) = Self::ALL.get(op as usize) else { return false };
        x < 256 && y < 256 && op.eval(x as u8, y as u8) as u32 == z
    }
}

/// The number an opcode travels as on the ALU bus.
pub const fn op_id(op: Opcode) -> u32 {
    op as u32
}
