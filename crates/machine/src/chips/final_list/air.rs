use core::borrow::Borrow;

use hearth_stark::Val;
use hearth_verifier::chips::poseidon2::NUM_ROUND_COLS;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::*;
use crate::chips::memory_boundary::WORD_TOP_BYTE;
use crate::list_table::{
    Ext, SpongeRounds, SpongeRow, eval_inverses, eval_list_sponge, eval_running_sum, fingerprint,
};
use crate::lookups::{byte_below, compose, padded_height, range_bytes};
use crate::memory_argument::FINAL_WORD_CELLS;

/// Public values of the final list table, in order.
pub mod public {
    use core::ops::Range;

    use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE};

    /// `gamma`.
    pub const GAMMA: Range<usize> = 0..EXTENSION_DEGREE;
    /// `alpha`.
    pub const ALPHA: Range<usize> = GAMMA.end..GAMMA.end + EXTENSION_DEGREE;
    /// The image's first word index.
    pub const IMAGE_LO: usize = ALPHA.end;
    /// The word index past the image.
    pub const IMAGE_HI: usize = IMAGE_LO + 1;
    /// The list sponge's digest.
    pub const DIGEST: Range<usize> = IMAGE_HI + 1..IMAGE_HI + 1 + DIGEST_ELEMS;
    /// The list's sum: initial tokens' terms minus final tokens' terms.
    pub const SUM: Range<usize> = DIGEST.end..DIGEST.end + EXTENSION_DEGREE;
    /// Public values of the table.
    pub const LEN: usize = SUM.end;
}

/// First column of the sponge's permutation.
const SPONGE: usize = NUM_FINAL_LIST_COLS - NUM_ROUND_COLS;

/// The final list table.
///
/// # Soundness
/// - Rows: `is_real`, `in_image` and `below` boolean, the last two only on real rows and never
///   both; real rows first. Word indices (`addr = 8 word`, `word < 2^28` by its bytes)
///   strictly increase over the real rows (each next index is the last plus one plus a gap
///   below 2^28, zero on the first row), so no word is listed twice. Padding rows are zero but
///   for `sum` and the sponge, so every cell of the trace is determined.
/// - Image: with `lo` and `hi` the public word indices (below 2^28, as every word index), a
///   real row inside the image has `word - lo` and `hi - 1 - word` below 2^28, so
///   `lo <= word < hi`; outside, `lo - 1 - word` (below) or `word - hi` (above) is below 2^28.
///   Differences of values below 2^28 cannot wrap in a field of order above 2^31.
/// - Tokens: each real row's `produced_inverse` and `consumed_inverse` are the inverses of
///   `gamma` minus the fingerprints (by `alpha`) of `(addr, 0, 0, 0, 0, in_image)` and
///   `(addr, value, last, 0)`; padding rows' are zero. `sum` accumulates `produced - consumed`
///   from the first row and ends at the public sum. The value and `last` need no range check:
///   a final token that no shard produced leaves the run's sum nonzero.
/// - The list sponge: row `r`'s permutation input is row `r - 1`'s output (zero before the
///   first row) with the row's cells (`is_real, addr, value, last, in_image, below`) added to
///   its first elements; the last output's first elements are the public digest, from which
///   the run's challenges are drawn, so the list is fixed before them.
#[derive(Clone, Default)]
pub struct FinalListChip {
    rounds: SpongeRounds,
}

impl core::fmt::Debug for FinalListChip {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FinalListChip")
    }
}

impl FinalListChip {
    /// Rows of the table for a list of `len` words.
    pub fn height(len: usize) -> usize {
        padded_height(len)
    }
}

impl<F: p3_field::Field> BaseAir<F> for FinalListChip {
    fn width(&self) -> usize {
        NUM_FINAL_LIST_COLS
    }

    fn num_public_values(&self) -> usize {
        public::LEN
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        let map = &FINAL_LIST_COL_MAP;
        let mut columns = vec![map.is_real, map.addr, map.last, map.in_image, map.below];
        columns.extend(map.value);
        columns.extend(map.word);
        columns.extend(map.gap);
        columns.extend(map.produced_inverse);
        columns.extend(map.consumed_inverse);
        columns.extend(map.sum);
        columns.extend(map.sponge.inputs);
        columns.sort_unstable();
        columns
    }
}

/// What a row absorbs into the list sponge (the order of `FinalWord::cells`).
fn absorbed<AB: AirBuilder>(row: &FinalListCols<AB::Var>) -> [AB::Expr; FINAL_WORD_CELLS] {
    let [v0, v1, v2] = row.value.map(Into::into);
    [row.is_real.into(), row.addr.into(), v0, v1, v2, row.last.into(), row.in_image.into(), row.below.into()]
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for FinalListChip {
    fn eval(&self, builder: &mut AB) {
        self.rounds.eval(builder, SPONGE..NUM_FINAL_LIST_COLS);
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();
        let main = builder.main();
        let local: &FinalListCols<AB::Var> = main.current_slice().borrow();
        let next: &FinalListCols<AB::Var> = main.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let one = AB::Expr::ONE;
        let is_real = e(local.is_real);
        let padding = one.clone() - is_real.clone();

        // The list's rows.
        for flag in [local.is_real, local.in_image, local.below] {
            builder.assert_bool(flag);
        }
        builder.assert_zero(e(local.in_image) * e(local.below));
        builder.when_transition().assert_zero(e(next.is_real) * padding.clone());
        let word = compose::<AB>(&local.word);
        builder.assert_eq(local.addr, word.clone() * AB::Expr::from_u8(8));
        range_bytes(builder, &local.word[..3], is_real.clone());
        byte_below(builder, local.word[3], WORD_TOP_BYTE, is_real.clone());
        for gap in local.gap {
            builder.when_first_row().assert_zero(gap);
        }
        range_bytes(builder, &local.gap[..3], is_real.clone());
        byte_below(builder, local.gap[3], WORD_TOP_BYTE, is_real.clone());
        builder
            .when_transition()
            .when(next.is_real)
            .assert_eq(compose::<AB>(&next.word), word.clone() + compose::<AB>(&next.gap) + one.clone());

        // Inside or outside the image.
        let (lo, hi) = (public[public::IMAGE_LO].clone(), public[public::IMAGE_HI].clone());
        let below = e(local.below);
        builder.when(is_real.clone()).assert_eq(
            local.outside_bound,
            below.clone() * (lo.clone() - one.clone() - word.clone())
                + (one.clone() - below) * (word.clone() - hi.clone()),
        );
        let in_image = e(local.in_image);
        let first = in_image.clone() * (word.clone() - lo)
            + (one.clone() - in_image.clone()) * e(local.outside_bound);
        builder.when(is_real.clone()).assert_eq(compose::<AB>(&local.first_bound), first);
        builder
            .when(is_real.clone())
            .assert_eq(compose::<AB>(&local.second_bound), in_image * (hi - one.clone() - word));
        for bound in [&local.first_bound, &local.second_bound] {
            range_bytes(builder, &bound[..3], is_real.clone());
            byte_below(builder, bound[3], WORD_TOP_BYTE, is_real.clone());
        }
        // Padding rows are zero (but for the sum and the sponge).
        let zero_on_padding = [local.addr, local.last, local.in_image, local.below, local.outside_bound]
            .into_iter()
            .chain(local.value)
            .chain(local.word)
            .chain(local.gap)
            .chain(local.first_bound)
            .chain(local.second_bound);
        for cell in zero_on_padding {
            builder.assert_zero(padding.clone() * cell);
        }

        // The tokens' inverses and their running sum.
        let gamma: Ext<AB::Expr> = core::array::from_fn(|i| public[public::GAMMA.start + i].clone());
        let alpha: Ext<AB::Expr> = core::array::from_fn(|i| public[public::ALPHA.start + i].clone());
        let [v0, v1, v2] = local.value.map(e);
        let zero = AB::Expr::ZERO;
        let produced = fingerprint(
            &alpha,
            &[e(local.addr), zero.clone(), zero.clone(), zero.clone(), zero.clone(), e(local.in_image)],
        );
        let consumed = fingerprint(&alpha, &[e(local.addr), v0, v1, v2, e(local.last), zero]);
        let inverses = [(local.produced_inverse, produced), (local.consumed_inverse, consumed)];
        eval_inverses(builder, &gamma, &is_real, inverses);
        let row = |r: &FinalListCols<AB::Var>| [r.produced_inverse, r.consumed_inverse, r.sum];
        eval_running_sum(builder, (row(local), row(next)), &public[public::SUM]);

        // The list sponge.
        let (local_data, next_data) = (absorbed::<AB>(local), absorbed::<AB>(next));
        eval_list_sponge(
            builder,
            (
                SpongeRow { inputs: &local.sponge.inputs, output: local.sponge_output() },
                SpongeRow { inputs: &next.sponge.inputs, output: next.sponge_output() },
            ),
            (&local_data, &next_data),
            &public[public::DIGEST],
        );
    }
}
