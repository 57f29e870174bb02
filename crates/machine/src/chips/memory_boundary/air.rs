use core::borrow::Borrow;

use hearth_isa::memory::{GUARD_END, MEMORY_TOP};
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::MEMORY;
use crate::lookups::{range30, token};

/// The memory boundary table.
///
/// # Soundness
/// Real rows come first (`is_real` never rises again). Each real row's address lies in
/// `[GUARD_END, lo - 8]` or in `[hi, MEMORY_TOP - 8]` (two 30-bit range checks, so neither
/// difference is negative), i.e. in accessible memory and outside the image `[lo, hi)`, whose
/// words the image table already provides. Consecutive real rows increase by at least 8, so
/// no address repeats. Each row produces the token `(addr, 0, 0)` — memory starts zeroed —
/// and consumes the final one.
#[derive(Clone, Copy, Debug)]
pub struct MemoryBoundaryChip {
    /// First address of the image.
    pub image_lo: u32,
    /// One past the image.
    pub image_hi: u32,
}

impl<F: p3_field::Field> BaseAir<F> for MemoryBoundaryChip {
    fn width(&self) -> usize {
        NUM_MEMORY_BOUNDARY_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![MEMORY_BOUNDARY_COL_MAP.is_real, MEMORY_BOUNDARY_COL_MAP.addr]
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for MemoryBoundaryChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MemoryBoundaryCols<AB::Var> = main.current_slice().borrow();
        let next: &MemoryBoundaryCols<AB::Var> = main.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u64| AB::Expr::from_u64(v);
        let is_real = e(local.is_real);
        builder.assert_bool(local.is_real);
        builder.assert_bool(local.above);
        builder.assert_bool(local.has_next);
        builder.when_transition().assert_eq(local.has_next, next.is_real);
        builder.when_last_row().assert_zero(local.has_next);
        builder.assert_zero((AB::Expr::ONE - is_real.clone()) * e(local.has_next));

        let (lo, hi) = (self.image_lo as u64, self.image_hi as u64);
        let above = e(local.above);
        let low_gap = e(local.addr) - c(GUARD_END) - above.clone() * c(hi - GUARD_END);
        let high_gap = c(lo - 8) - e(local.addr) + above * c((MEMORY_TOP - 8) - (lo - 8));
        range30(builder, low_gap, local.low_gap, is_real.clone());
        range30(builder, high_gap, local.high_gap, is_real.clone());
        let step = e(next.addr) - e(local.addr) - c(8);
        range30(builder, step, local.next_gap, e(local.has_next));
        for &byte in &local.next_gap {
            builder.assert_zero((AB::Expr::ONE - e(local.has_next)) * e(byte));
        }

        let zero = (0..8).map(|_| AB::Expr::ZERO);
        let initial = token::<AB>(e(local.addr), zero, AB::Expr::ZERO);
        builder.push_interaction(MEMORY, initial, Count::bounded(is_real.clone(), 1));
        let last = token::<AB>(e(local.addr), local.final_value.map(e), e(local.final_ts));
        builder.push_interaction(MEMORY, last, Count::bounded(-is_real, 1));
    }
}
