use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_koala_bear::{
    GenericPoseidon2LinearLayersKoalaBear, KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL,
    KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL, KOALABEAR_POSEIDON2_RC_24_INTERNAL,
};
use p3_lookup::{Count, InteractionBuilder};
use p3_poseidon2_air::{Poseidon2Air, RoundConstants};
use p3_uni_stark::SubAirBuilder;

use super::columns::*;
use crate::bus::POSEIDON2;

/// `p3-poseidon2-air` instantiated for Hearth's permutation.
pub type RoundAir = Poseidon2Air<
    Val,
    GenericPoseidon2LinearLayersKoalaBear,
    WIDTH,
    SBOX_DEGREE,
    SBOX_REGISTERS,
    HALF_FULL_ROUNDS,
    PARTIAL_ROUNDS,
>;

/// The published round constants of `default_koalabear_poseidon2_24`, the permutation the
/// proofs being verified hash with.
pub fn round_constants() -> RoundConstants<Val, WIDTH, HALF_FULL_ROUNDS, PARTIAL_ROUNDS> {
    RoundConstants::new(
        KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL,
        KOALABEAR_POSEIDON2_RC_24_INTERNAL,
        KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL,
    )
}

/// The round columns of the permutation of each of `inputs`, one row each (`p3-poseidon2-air`'s
/// trace generation with Hearth's constants): the tables that embed permutations fill their
/// round columns from it.
pub fn round_rows(inputs: Vec<[Val; WIDTH]>) -> p3_matrix::dense::RowMajorMatrix<Val> {
    p3_poseidon2_air::generate_trace_rows::<
        Val,
        GenericPoseidon2LinearLayersKoalaBear,
        WIDTH,
        SBOX_DEGREE,
        SBOX_REGISTERS,
        HALF_FULL_ROUNDS,
        PARTIAL_ROUNDS,
    >(inputs, &round_constants(), 0)
}

/// The Poseidon2 table.
///
/// # Soundness
/// - `p3-poseidon2-air` constrains every row's round columns to be the permutation of its
///   `inputs` with the given constants, the last full round's state being the output; every
///   row, padding included, is a true permutation.
/// - A row provides `(inputs, output)` `multiplicity` times. The multiplicity is free, as a
///   provider's is: a row can only answer lookups of the pair it computes, so a false pair has
///   nothing to balance against.
#[derive(Clone)]
pub struct Poseidon2Chip {
    rounds: Arc<RoundAir>,
}

impl core::fmt::Debug for Poseidon2Chip {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Poseidon2Chip")
    }
}

impl Default for Poseidon2Chip {
    fn default() -> Self {
        Self { rounds: Arc::new(RoundAir::new(round_constants())) }
    }
}

impl BaseAir<Val> for Poseidon2Chip {
    fn width(&self) -> usize {
        NUM_POSEIDON2_COLS
    }

    /// A row is one whole permutation: no constraint reads the next row, so a proof opens
    /// these 240 columns at the out-of-domain point only, not at its successor too.
    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for Poseidon2Chip {
    fn eval(&self, builder: &mut AB) {
        self.rounds.eval(&mut SubAirBuilder::<AB, RoundAir, AB::Var>::new(builder, 0..NUM_ROUND_COLS));
        let main = builder.main();
        let local: &Poseidon2Cols<AB::Var> = main.current_slice().borrow();
        let message: Vec<AB::Expr> =
            local.rounds.inputs.iter().chain(local.output()).map(|&v| v.into()).collect();
        builder.push_interaction(POSEIDON2, message, Count::provided(-AB::Expr::from(local.multiplicity)));
    }
}
