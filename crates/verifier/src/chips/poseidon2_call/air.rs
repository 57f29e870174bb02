use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH};
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::CELL;
use crate::bus::{MEMORY, POSEIDON2};

/// The Poseidon2 call table.
///
/// # Soundness
/// - Addresses, counts and `is_real` are preprocessed: fixed by the program's commitment.
/// - A real row reads its 24 input cells, looks `(input', output)` up on the Poseidon2 bus
///   (whose provider computes the permutation), and provides each output cell as many times
///   as the program reads it: every output cell holds the permutation's output.
/// - `input'` is the input with its first two digest-sized blocks exchanged when `swap_bit`
///   is 1 (`x + bit (y - x)` per element). The bit is boolean, read from the program's swap
///   cell where the row has one, and zero where it has none.
#[derive(Clone, Debug, Default)]
pub struct Poseidon2CallChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for Poseidon2CallChip {
    fn width(&self) -> usize {
        NUM_POSEIDON2_CALL_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_POSEIDON2_CALL_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for Poseidon2CallChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &Poseidon2CallCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &Poseidon2CallPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let cell = |addr: AB::Var, value: AB::Var| {
            let mut message = vec![e(addr), e(value)];
            message.resize(CELL + 1, AB::Expr::ZERO);
            message
        };

        builder.assert_bool(local.swap_bit);
        builder.assert_zero((AB::Expr::ONE - e(p.has_swap)) * e(local.swap_bit));
        builder.push_interaction(MEMORY, cell(p.swap, local.swap_bit), Count::bounded(e(p.has_swap), 1));

        for i in 0..POSEIDON2_WIDTH {
            builder.push_interaction(
                MEMORY,
                cell(p.input[i], local.input[i]),
                Count::bounded(e(p.is_real), 1),
            );
            builder.push_interaction(
                MEMORY,
                cell(p.output[i], local.output[i]),
                Count::provided(-e(p.output_mults[i])),
            );
        }
        let bit = e(local.swap_bit);
        let mut permutation: Vec<AB::Expr> = (0..POSEIDON2_WIDTH)
            .map(|i| {
                let other = match i {
                    i if i < DIGEST_ELEMS => local.input[i + DIGEST_ELEMS],
                    i if i < 2 * DIGEST_ELEMS => local.input[i - DIGEST_ELEMS],
                    i => local.input[i],
                };
                e(local.input[i]) + bit.clone() * (e(other) - e(local.input[i]))
            })
            .collect();
        permutation.extend(local.output.iter().map(|&v| e(v)));
        builder.push_interaction(POSEIDON2, permutation, Count::bounded(e(p.is_real), 1));
    }
}
