use core::borrow::Borrow;
use std::borrow::Cow;
use std::sync::Arc;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::boundary::{BoundaryWord, NUM_MEMORY_PUBLIC_VALUES};
use crate::bus::MEMORY;
use crate::lookups::{padded_height, token};

/// Periodic columns: every column but `final_ts`.
pub const NUM_MEMORY_BOUNDARY_PERIODIC_COLS: usize = NUM_MEMORY_BOUNDARY_COLS - 1;

/// The memory boundary table.
///
/// # Soundness
/// Its columns (but `final_ts`) equal periodic columns the verifier computes from the shard's
/// memory list, whose digest is a public value, so the rows are exactly the list. Each listed
/// word's final token `(addr, after, final_ts)` is consumed once; its initial token
/// `(addr, before, 0)` is produced here unless the word is `from_image`, when the image table
/// must produce it from the committed image. Accesses consume one token and produce one, so
/// every word has one chain: a word with two initial tokens, or accessed without being listed,
/// leaves a token unmatched. The verifier checks the list's addresses are aligned, strictly
/// increasing and accessible, and that each `before` is what the run left there.
#[derive(Clone, Debug, Default)]
pub struct MemoryBoundaryChip {
    /// The shard's memory list (`None` for shape queries).
    pub words: Option<Arc<[BoundaryWord]>>,
}

impl MemoryBoundaryChip {
    /// Rows of the table for a list of `len` words.
    pub fn height(len: usize) -> usize {
        padded_height(len)
    }
}

impl<F: p3_field::Field> BaseAir<F> for MemoryBoundaryChip {
    fn width(&self) -> usize {
        NUM_MEMORY_BOUNDARY_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_MEMORY_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn num_periodic_columns(&self) -> usize {
        NUM_MEMORY_BOUNDARY_PERIODIC_COLS
    }

    fn periodic_columns(&self) -> Cow<'_, [Vec<F>]> {
        let words = self.words.as_deref().unwrap_or(&[]);
        let height = Self::height(words.len());
        let mut columns = vec![vec![F::ZERO; height]; NUM_MEMORY_BOUNDARY_PERIODIC_COLS];
        let map = &MEMORY_BOUNDARY_COL_MAP;
        for (row, w) in words.iter().enumerate() {
            columns[map.is_real][row] = F::ONE;
            columns[map.fresh][row] = F::from_bool(!w.from_image);
            columns[map.addr][row] = F::from_u32(w.addr);
            for j in 0..8 {
                columns[map.before[j]][row] = F::from_u8(w.before.to_le_bytes()[j]);
                columns[map.after[j]][row] = F::from_u8(w.after.to_le_bytes()[j]);
            }
        }
        Cow::Owned(columns)
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for MemoryBoundaryChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MemoryBoundaryCols<AB::Var> = main.current_slice().borrow();
        let periodic: Vec<AB::Expr> = builder.periodic_values().iter().map(|&v| v.into()).collect();
        for (k, expected) in periodic.into_iter().enumerate() {
            builder.assert_eq(local.as_slice()[k], expected);
        }
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let initial = token::<AB>(e(local.addr), local.before.map(e), AB::Expr::ZERO);
        builder.push_interaction(MEMORY, initial, Count::bounded(e(local.fresh), 1));
        let last = token::<AB>(e(local.addr), local.after.map(e), e(local.final_ts));
        builder.push_interaction(MEMORY, last, Count::bounded(-e(local.is_real), 1));
    }
}
