use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::CELL;
use crate::bus::MEMORY;

/// The public table.
///
/// # Soundness
/// - Addresses and the selectors are preprocessed: row `j` of a program with `n` public
///   values has `select[j] = 1` and no other selector set; padding rows none.
/// - `sum_j select[j] (value - public[j]) = 0` makes row `j`'s value public value `j`, and the
///   row reads that value from its address as a base cell: the public values are the cells
///   the program names, in its order.
#[derive(Clone, Debug, Default)]
pub struct PublicChip {
    /// How many public values the program has.
    pub num_public: usize,
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for PublicChip {
    fn width(&self) -> usize {
        NUM_PUBLIC_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        num_public_preprocessed_cols(self.num_public)
    }

    fn num_public_values(&self) -> usize {
        self.num_public
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for PublicChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let value: AB::Expr = main.current_slice()[PUBLIC_VALUE].into();
        let prep = builder.preprocessed().clone();
        let p = prep.current_slice();
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();

        let mismatch: AB::Expr = public
            .iter()
            .enumerate()
            .map(|(j, pv)| p[PUBLIC_SELECT + j].into() * (value.clone() - pv.clone()))
            .sum();
        builder.assert_zero(mismatch);

        let mut message = vec![p[PUBLIC_ADDR].into(), value];
        message.resize(CELL + 1, AB::Expr::ZERO);
        builder.push_interaction(MEMORY, message, Count::bounded(p[PUBLIC_IS_REAL].into(), 1));
    }
}
