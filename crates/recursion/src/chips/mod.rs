//! The recursion chips, and one type for all of them as the batch prover needs.

pub mod alu;
pub mod bits;
pub mod merkle_path;
pub mod pack;
pub mod poseidon2;
pub mod poseidon2_call;
pub mod public;
pub mod var;

use p3_air::{Air, BaseAir};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use hearth_stark::Val;

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
