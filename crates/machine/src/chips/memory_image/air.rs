use core::borrow::Borrow;
use std::sync::Arc;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::MEMORY;
use crate::lookups::token;

/// The memory image table.
///
/// # Soundness
/// Rows are fixed by the verifier (part of the program's identity): every word of the image
/// range `[lo, hi)` with its loaded value. A row produces the word's initial token
/// `(addr, value, 0)` once when `used` (boolean), for a word the shard's memory list marks as
/// taken from the image; the boundary table consumes its final token. A token produced for a
/// word not so listed has no final consumer, so the bus does not balance.
#[derive(Clone, Debug)]
pub struct MemoryImageChip {
    /// Preprocessed rows; `None` for a verifier that knows the program only by its descriptor
    /// (verification reads the commitment, never the rows).
    pub rows: Option<Arc<RowMajorMatrix<u32>>>,
}

impl<F: p3_field::Field> BaseAir<F> for MemoryImageChip {
    fn width(&self) -> usize {
        NUM_MEMORY_IMAGE_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let rows = self.rows.as_ref()?;
        Some(RowMajorMatrix::new(
            rows.values.iter().map(|&v| F::from_u32(v)).collect(),
            NUM_MEMORY_IMAGE_PREPROCESSED_COLS,
        ))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_MEMORY_IMAGE_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for MemoryImageChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MemoryImageCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &MemoryImagePreprocessedCols<AB::Var> = prep.current_slice().borrow();
        builder.assert_bool(local.used);
        let initial = token::<AB>(p.addr.into(), p.init.map(Into::into), AB::Expr::ZERO);
        builder.push_interaction(MEMORY, initial, p3_lookup::Count::bounded(local.used.into(), 1));
    }
}
