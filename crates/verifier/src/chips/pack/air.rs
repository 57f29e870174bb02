use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::CELL;
use crate::bus::MEMORY;

/// The pack table.
///
/// # Soundness
/// - Addresses, counts and direction flags are preprocessed (at most one flag per row, none
///   on padding rows; a packing row writes no base cell and an unpacking row no extension
///   cell, so their counts there are zero).
/// - The extension message and the eight base messages share the row's `value` columns, the
///   base ones with seven zero limbs: the extension cell is exactly the element whose
///   coordinates are the base cells, whichever side is read and whichever is written.
#[derive(Clone, Debug, Default)]
pub struct PackChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for PackChip {
    fn width(&self) -> usize {
        NUM_PACK_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_PACK_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for PackChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &PackCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &PackPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        let mut ext_message = vec![e(p.ext)];
        ext_message.extend(local.value.map(e));
        builder.push_interaction(MEMORY, ext_message.clone(), Count::bounded(e(p.is_unpack), 1));
        builder.push_interaction(MEMORY, ext_message, Count::provided(-e(p.ext_mult)));

        for i in 0..CELL {
            let mut message = vec![e(p.felts[i]), e(local.value[i])];
            message.resize(CELL + 1, AB::Expr::ZERO);
            builder.push_interaction(MEMORY, message.clone(), Count::bounded(e(p.is_pack), 1));
            builder.push_interaction(MEMORY, message, Count::provided(-e(p.felt_mults[i])));
        }
    }
}
