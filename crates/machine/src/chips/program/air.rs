use core::borrow::Borrow;
use std::sync::Arc;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::PROGRAM;

/// The program table.
///
/// # Soundness
/// Every preprocessed row is fixed by the verifier (its commitment is part of the program's
/// identity), so any `(pc, instruction)` the CPU looks up is an instruction of the program at
/// that address. Padding rows carry an opcode number no instruction has and no class flag, so
/// the CPU, which needs exactly one class on every real row, cannot use them.
#[derive(Clone, Debug)]
pub struct ProgramChip {
    /// The preprocessed rows; `None` for a verifier that knows the program only by its
    /// descriptor (verification reads the commitment, never the rows).
    pub rows: Option<Arc<RowMajorMatrix<u32>>>,
}

impl<F: p3_field::Field> BaseAir<F> for ProgramChip {
    fn width(&self) -> usize {
        NUM_PROGRAM_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let rows = self.rows.as_ref()?;
        Some(RowMajorMatrix::new(
            rows.values.iter().map(|&v| F::from_u32(v)).collect(),
            NUM_PROGRAM_PREPROCESSED_COLS,
        ))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_PROGRAM_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for ProgramChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ProgramCols<AB::Var> = main.current_slice().borrow();
        let multiplicity: AB::Expr = local.multiplicity.into();
        let prep = builder.preprocessed().clone();
        let p: &ProgramPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        builder.push_interaction(
            PROGRAM,
            p.as_slice().iter().map(|&v| v.into()).collect::<Vec<AB::Expr>>(),
            Count::provided(-multiplicity),
        );
    }
}
