//! The recursion chips' constraints (their trace generation is the prover's, in
//! `hearth-recursion`), and one type for all of them as the batch STARK needs.

pub mod alu;
pub mod bits;
pub mod merkle_path;
pub mod opening;
pub mod pack;
pub mod poseidon2;
pub mod poseidon2_call;
pub mod public;
pub mod var;

use p3_air::{Air, BaseAir};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use hearth_stark::Val;

/// Each table's index in a recursion program's proof.
pub mod table {
    /// Constants and inputs.
    pub const VAR: usize = 0;
    /// Arithmetic.
    pub const ALU: usize = 1;
    /// Pack and unpack.
    pub const PACK: usize = 2;
    /// Poseidon2 calls.
    pub const POSEIDON2_CALL: usize = 3;
    /// Binary decompositions.
    pub const BITS: usize = 4;
    /// Public values.
    pub const PUBLIC: usize = 5;
    /// The Poseidon2 permutations the calls look up (the one table without preprocessed rows:
    /// the ones before it are the program).
    pub const POSEIDON2: usize = 6;
    /// Opened rows hashed and summed (only in programs that verify openings with it: its
    /// columns would lengthen every query of a size-tuned last layer).
    pub const OPENING: usize = 7;
    /// The tables' names, in proof order.
    pub const NAMES: [&str; 8] =
        ["var", "alu", "pack", "poseidon2_call", "bits", "public", "poseidon2", "opening"];
}

/// One table of the recursive verifier.
#[derive(Clone, Debug)]
pub enum RecursionChip {
    /// Poseidon2 permutations.
    Poseidon2(poseidon2::Poseidon2Chip),
    /// Merkle authentication paths.
    MerklePath(merkle_path::MerklePathChip),
    /// A recursion program's constants and inputs.
    Var(var::VarChip),
    /// A recursion program's extension-field arithmetic.
    Alu(alu::AluChip),
    /// A recursion program's conversions between extension and base cells.
    Pack(pack::PackChip),
    /// A recursion program's Poseidon2 permutations.
    Poseidon2Call(poseidon2_call::Poseidon2CallChip),
    /// A recursion program's binary decompositions.
    Bits(bits::BitsChip),
    /// A recursion program's public values.
    Public(public::PublicChip),
    /// A recursion program's opened rows.
    Opening(opening::OpeningChip),
}

macro_rules! delegate {
    ($self:ident, $chip:ident => $body:expr) => {
        match $self {
            RecursionChip::Poseidon2($chip) => $body,
            RecursionChip::MerklePath($chip) => $body,
            RecursionChip::Var($chip) => $body,
            RecursionChip::Alu($chip) => $body,
            RecursionChip::Pack($chip) => $body,
            RecursionChip::Poseidon2Call($chip) => $body,
            RecursionChip::Bits($chip) => $body,
            RecursionChip::Public($chip) => $body,
            RecursionChip::Opening($chip) => $body,
        }
    };
}

impl BaseAir<Val> for RecursionChip {
    fn width(&self) -> usize {
        delegate!(self, c => BaseAir::<Val>::width(c))
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        delegate!(self, c => BaseAir::<Val>::preprocessed_trace(c))
    }

    fn preprocessed_width(&self) -> usize {
        delegate!(self, c => BaseAir::<Val>::preprocessed_width(c))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        delegate!(self, c => BaseAir::<Val>::preprocessed_next_row_columns(c))
    }

    fn num_public_values(&self) -> usize {
        delegate!(self, c => BaseAir::<Val>::num_public_values(c))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        delegate!(self, c => BaseAir::<Val>::main_next_row_columns(c))
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for RecursionChip {
    fn eval(&self, builder: &mut AB) {
        delegate!(self, c => c.eval(builder))
    }
}

/// A recursion program's tables in proof order, as a verifier sees them: constraints only, the
/// preprocessed rows known by their commitment (the program's key). `num_tables` is 7, or 8 for
/// a program with the opening table (a proof names its tables by their heights).
pub fn program_airs(num_public_values: usize, num_tables: usize) -> Vec<RecursionChip> {
    let mut airs = vec![
        RecursionChip::Var(var::VarChip::default()),
        RecursionChip::Alu(alu::AluChip::default()),
        RecursionChip::Pack(pack::PackChip::default()),
        RecursionChip::Poseidon2Call(poseidon2_call::Poseidon2CallChip::default()),
        RecursionChip::Bits(bits::BitsChip::default()),
        RecursionChip::Public(public::PublicChip { num_public: num_public_values, preprocessed: None }),
        RecursionChip::Poseidon2(poseidon2::Poseidon2Chip::default()),
    ];
    if num_tables > table::OPENING {
        airs.push(RecursionChip::Opening(opening::OpeningChip::default()));
    }
    airs
}
