use core::borrow::Borrow;

use hearth_isa::memory::{GUARD_END, MEMORY_TOP};
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::MEMORY;
use crate::lookups::{range_word, token};

/// Regions are at most this many bytes, so the two gaps of an address to its region's ends
/// (each range-checked below 2^29) cannot add up to a multiple of `p`.
pub const REGION_BYTES: u64 = 1 << 28;
/// Top byte bound of the gaps' range checks: below 2^29.
pub(crate) const GAP_TOP_BYTE: u8 = 32;
/// Top byte bound of the low gap counted in words: below 2^26 words, 2^29 bytes.
pub(crate) const GAP_WORDS_TOP_BYTE: u8 = 4;
/// Accessible memory outside the image, `[GUARD_END, lo)` and `[hi, MEMORY_TOP)`, in regions of
/// at most [`REGION_BYTES`]: at most `MEMORY_TOP / REGION_BYTES` full ones plus two partial.
pub const MAX_REGIONS: usize = (MEMORY_TOP / REGION_BYTES) as usize + 2;

/// The regions of memory outside the image `[lo, hi)`, in address order, each as its first and
/// last word address; unused slots are empty (`start > end`).
pub fn regions(lo: u64, hi: u64) -> [(u64, u64); MAX_REGIONS] {
    let mut out = [(8, 0); MAX_REGIONS];
    let mut slots = out.iter_mut();
    for (from, to) in [(GUARD_END, lo), (hi, MEMORY_TOP)] {
        let mut start = from;
        while start < to {
            let end = (start + REGION_BYTES).min(to);
            if let Some(slot) = slots.next() {
                *slot = (start, end - 8);
            }
            start = end;
        }
    }
    out
}

/// The memory boundary table.
///
/// # Soundness
/// Real rows come first (`is_real` never rises again). Each real row names one region (one-hot
/// `region`); `addr - start` is 8 times a number below 2^26 and `end - addr` is below 2^29, and
/// they add up to `end - start < 2^28`, so as integers (no wrap around `p`)
/// `start <= addr <= end` and `addr` is a multiple of 8 (as `start` is): the word is aligned,
/// accessible and outside the image `[lo, hi)`, whose words the image table provides. (Every
/// token on the memory bus is thus at an aligned address, so an accelerator handed an unaligned
/// pointer finds no word to read.) From one
/// real row to the next either the region stays and the address grows by at least 8, or the
/// region index grows; regions are disjoint and in address order, so no address repeats. Each
/// row produces the token `(addr, 0, 0)` (memory starts zeroed) and consumes the final one.
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
        let map = &MEMORY_BOUNDARY_COL_MAP;
        let mut columns = vec![map.is_real, map.addr];
        columns.extend(map.region);
        columns
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
        builder.assert_bool(local.has_next);
        builder.assert_bool(local.same_region);
        builder.when_transition().assert_eq(local.has_next, next.is_real);
        builder.when_last_row().assert_zero(local.has_next);
        builder.assert_zero((AB::Expr::ONE - is_real.clone()) * e(local.has_next));
        builder.assert_zero((AB::Expr::ONE - e(local.has_next)) * e(local.same_region));

        let regions = regions(self.image_lo as u64, self.image_hi as u64);
        let (mut chosen, mut start, mut end) = (AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO);
        let (mut index, mut next_index) = (AB::Expr::ZERO, AB::Expr::ZERO);
        for (i, &(s, t)) in regions.iter().enumerate() {
            builder.assert_bool(local.region[i]);
            chosen += e(local.region[i]);
            start += e(local.region[i]) * c(s);
            end += e(local.region[i]) * c(t);
            index += e(local.region[i]) * c(i as u64);
            next_index += e(next.region[i]) * c(i as u64);
        }
        builder.assert_eq(chosen, is_real.clone());
        let addr = e(local.addr);
        let eighth = AB::Expr::from(AB::F::from_u8(8).inverse());
        range_word(
            builder,
            (addr.clone() - start) * eighth,
            local.low_gap,
            GAP_WORDS_TOP_BYTE,
            is_real.clone(),
        );
        range_word(builder, end - addr.clone(), local.high_gap, GAP_TOP_BYTE, is_real.clone());

        // Sorted: same region and a higher address, or a later region.
        let same = e(local.same_region);
        builder.assert_zero(same.clone() * (next_index.clone() - index.clone()));
        let step = same.clone() * (e(next.addr) - addr.clone() - c(8))
            + (AB::Expr::ONE - same) * (next_index - index - AB::Expr::ONE);
        range_word(builder, step, local.step, GAP_TOP_BYTE, e(local.has_next));
        for &byte in &local.step {
            builder.assert_zero((AB::Expr::ONE - e(local.has_next)) * e(byte));
        }

        let zero = (0..8).map(|_| AB::Expr::ZERO);
        let initial = token::<AB>(addr.clone(), zero, AB::Expr::ZERO);
        builder.push_interaction(MEMORY, initial, Count::bounded(is_real.clone(), 1));
        let last = token::<AB>(addr, local.final_value.map(e), e(local.final_ts));
        builder.push_interaction(MEMORY, last, Count::bounded(-is_real, 1));
    }
}
