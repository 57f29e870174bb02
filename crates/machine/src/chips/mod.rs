//! The chip registry: every table of the machine, in proof order.

pub mod add_sub;
pub mod bitwise;
pub mod byte;
pub mod cpu;
pub mod divrem;
pub mod final_list;
pub mod input;
pub mod io_word;
pub mod keccak_f;
pub mod lt;
pub mod memory_boundary;
pub mod memory_image;
pub mod mul;
pub mod program;
pub mod registers;
pub mod secp256k1;
pub mod sha256;
pub mod shift;
pub mod stream;
pub mod syscall;
#[cfg(test)]
pub(crate) mod testing;

use p3_air::{Air, BaseAir};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

/// One table of the machine. A single type for all of them, as the batch prover needs.
#[derive(Clone, Debug)]
pub enum Chip {
    /// Committed program.
    Program(program::ProgramChip),
    /// Byte facts.
    Byte(byte::ByteChip),
    /// Instruction execution.
    Cpu(cpu::CpuChip),
    /// Addition and subtraction.
    AddSub(add_sub::AddSubChip),
    /// `and`, `or`, `xor`.
    Bitwise(bitwise::BitwiseChip),
    /// Comparisons and branch conditions.
    Lt(lt::LtChip),
    /// Shifts.
    Shift(shift::ShiftChip),
    /// Multiplication.
    Mul(mul::MulChip),
    /// Division and remainder.
    DivRem(divrem::DivRemChip),
    /// Syscalls other than `exit`.
    Syscall(syscall::SyscallChip),
    /// Keccak-f permutations.
    KeccakF(keccak_f::KeccakFChip),
    /// SHA-256 compressions.
    Sha256(sha256::Sha256Chip),
    /// secp256k1 point additions, doublings or decompressions (one table each).
    Secp256k1(secp256k1::Secp256k1Chip),
    /// Memory words `read` and `write` move.
    IoWord(io_word::IoWordChip),
    /// Input and output bytes.
    Stream(stream::StreamChip),
    /// Register file boundary.
    Registers(registers::RegistersChip),
    /// Initial memory image.
    MemoryImage(memory_image::MemoryImageChip),
    /// Memory outside the image.
    MemoryBoundary(memory_boundary::MemoryBoundaryChip),
    /// Input bytes read, as private witness.
    Input(input::InputChip),
    /// A run's final memory list (in its own proof, not a shard's: no index).
    FinalList(final_list::FinalListChip),
}

/// Table order in a proof.
pub const CHIP_NAMES: [&str; 21] = [
    "program",
    "byte",
    "cpu",
    "add_sub",
    "bitwise",
    "lt",
    "shift",
    "mul",
    "divrem",
    "syscall",
    "keccak_f",
    "sha256",
    "secp256k1_add",
    "secp256k1_double",
    "secp256k1_decompress",
    "io_word",
    "stream",
    "registers",
    "memory_image",
    "memory_boundary",
    "input",
];

/// Index of each table in a proof.
pub mod index {
    /// Program table.
    pub const PROGRAM: usize = 0;
    /// Byte table.
    pub const BYTE: usize = 1;
    /// CPU table.
    pub const CPU: usize = 2;
    /// Addition and subtraction table.
    pub const ADD_SUB: usize = 3;
    /// Bitwise operations table.
    pub const BITWISE: usize = 4;
    /// Comparison table.
    pub const LT: usize = 5;
    /// Shift table.
    pub const SHIFT: usize = 6;
    /// Multiplication table.
    pub const MUL: usize = 7;
    /// Division and remainder table.
    pub const DIVREM: usize = 8;
    /// Syscall table.
    pub const SYSCALL: usize = 9;
    /// Keccak-f table.
    pub const KECCAK_F: usize = 10;
    /// SHA-256 table.
    pub const SHA256: usize = 11;
    /// secp256k1 addition table.
    pub const SECP256K1_ADD: usize = 12;
    /// secp256k1 doubling table.
    pub const SECP256K1_DOUBLE: usize = 13;
    /// secp256k1 decompression table.
    pub const SECP256K1_DECOMPRESS: usize = 14;
    /// I/O word table.
    pub const IO_WORD: usize = 15;
    /// Stream table.
    pub const STREAM: usize = 16;
    /// Register table.
    pub const REGISTERS: usize = 17;
    /// Memory image table.
    pub const MEMORY_IMAGE: usize = 18;
    /// Memory boundary table.
    pub const MEMORY_BOUNDARY: usize = 19;
    /// Input table (shards proven for aggregation).
    pub const INPUT: usize = 20;
}

macro_rules! delegate {
    ($self:ident, $chip:ident => $body:expr) => {
        match $self {
            Chip::Program($chip) => $body,
            Chip::Byte($chip) => $body,
            Chip::Cpu($chip) => $body,
            Chip::AddSub($chip) => $body,
            Chip::Bitwise($chip) => $body,
            Chip::Lt($chip) => $body,
            Chip::Shift($chip) => $body,
            Chip::Mul($chip) => $body,
            Chip::DivRem($chip) => $body,
            Chip::Syscall($chip) => $body,
            Chip::KeccakF($chip) => $body,
            Chip::Sha256($chip) => $body,
            Chip::Secp256k1($chip) => $body,
            Chip::IoWord($chip) => $body,
            Chip::Stream($chip) => $body,
            Chip::Registers($chip) => $body,
            Chip::MemoryImage($chip) => $body,
            Chip::MemoryBoundary($chip) => $body,
            Chip::Input($chip) => $body,
            Chip::FinalList($chip) => $body,
        }
    };
}

impl<F: p3_field::Field> BaseAir<F> for Chip {
    fn width(&self) -> usize {
        delegate!(self, c => BaseAir::<F>::width(c))
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        delegate!(self, c => BaseAir::<F>::preprocessed_trace(c))
    }

    fn preprocessed_width(&self) -> usize {
        delegate!(self, c => BaseAir::<F>::preprocessed_width(c))
    }

    fn num_public_values(&self) -> usize {
        delegate!(self, c => BaseAir::<F>::num_public_values(c))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        delegate!(self, c => BaseAir::<F>::main_next_row_columns(c))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        delegate!(self, c => BaseAir::<F>::preprocessed_next_row_columns(c))
    }

    fn num_periodic_columns(&self) -> usize {
        delegate!(self, c => BaseAir::<F>::num_periodic_columns(c))
    }

    fn periodic_columns(&self) -> std::borrow::Cow<'_, [Vec<F>]> {
        delegate!(self, c => BaseAir::<F>::periodic_columns(c))
    }
}

impl<AB: InteractionBuilder<F = hearth_stark::Val>> Air<AB> for Chip {
    fn eval(&self, builder: &mut AB) {
        delegate!(self, c => c.eval(builder))
    }
}
