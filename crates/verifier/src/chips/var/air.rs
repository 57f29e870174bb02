use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::MEMORY;

/// The var table.
///
/// # Soundness
/// - Addresses, counts, kinds and constants are preprocessed: fixed by the program's
///   commitment.
/// - A constant row's value equals its constant; a base row's limbs past the first are zero;
///   an input row's value is free (the prover's input: the program's other instructions are
///   what check it).
/// - Each row provides its cell on the memory bus exactly as many times as the program reads
///   it; the program writes every address in one row only, so every read of it gets this value.
#[derive(Clone, Debug, Default)]
pub struct VarChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for VarChip {
    fn width(&self) -> usize {
        NUM_VAR_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_VAR_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for VarChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &VarCols<AB::Var> = main.current_slice().borrow();
        let value = local.value;
        let prep = builder.preprocessed().clone();
        let p: &VarPreprocessedCols<AB::Var> = prep.current_slice().borrow();

        for (&v, &c) in value.iter().zip(&p.constant) {
            builder.when(p.is_const).assert_eq(v, c);
        }
        for &v in &value[1..] {
            builder.when(p.is_base).assert_zero(v);
        }

        let mut message: Vec<AB::Expr> = vec![p.addr.into()];
        message.extend(value.iter().map(|&v| v.into()));
        builder.push_interaction(MEMORY, message, Count::provided(-AB::Expr::from(p.mult)));
    }
}
