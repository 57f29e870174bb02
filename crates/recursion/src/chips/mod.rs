//! The recursion chips, and one type for all of them as the batch prover needs.

pub mod merkle_path;
pub mod poseidon2;

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
}

macro_rules! delegate {
    ($self:ident, $chip:ident => $body:expr) => {
        match $self {
            RecursionChip::Poseidon2($chip) => $body,
            RecursionChip::MerklePath($chip) => $body,
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
