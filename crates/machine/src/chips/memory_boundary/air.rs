use core::borrow::Borrow;

use hearth_stark::Val;
use hearth_verifier::chips::poseidon2::NUM_ROUND_COLS;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::MEMORY;
use crate::list_table::{
    Ext, SpongeRounds, SpongeRow, eval_inverses, eval_list_sponge, eval_running_sum, fingerprint,
};
use crate::lookups::{byte_below, compose, padded_height, range_bytes, range_pair, token};
use crate::memory_argument::{LIST_ABSORB, public};

/// Bound of a word index's top byte: word indices are below 2^28 (addresses below 2^31).
pub const WORD_TOP_BYTE: u8 = 16;

/// First column of the sponge's permutation.
const SPONGE: usize = NUM_MEMORY_BOUNDARY_COLS - NUM_ROUND_COLS;

/// The memory boundary table: the words a shard touches, one per row, and the shard's part of
/// the run-wide memory argument (`crate::memory_argument`).
///
/// # Soundness
/// - Rows: `is_real` and `fresh` boolean, `fresh` only on real rows, real rows first. Word
///   indices (`addr = 8 word`, `word < 2^28` by its bytes) strictly increase over the real rows:
///   each next index is the last plus one plus a gap below 2^28 (zero on the first row, so the
///   trace is unique), so no word is listed twice.
/// - Local bus: each listed word's final token `(addr, after, final_ts)` is consumed once; its
///   initial token `(addr, before, 0)` is produced here when `fresh`, by the image table
///   otherwise. Accesses consume one token and produce one, so every touched word must be
///   listed, once, with the values the shard's accesses start from and end with.
/// - Run-wide: `before` and `after` are range-checked bytes; `prev` lies below the stamp
///   (`stamp - 1 - prev` is two bytes). Each real row's `consumed_inverse` and
///   `produced_inverse` are the inverses of `gamma` minus the fingerprints (by `alpha`) of
///   `(addr, before, prev, !fresh)` and `(addr, after, stamp, 0)`, the values packed three bytes
///   to an element; padding rows' are zero. `sum` accumulates `produced - consumed` from the
///   first row and ends at the public sum.
/// - The list sponge: row `r`'s permutation input is row `r - 1`'s output (zero before the
///   first row) with the row's data (`is_real, fresh, addr, before, after, prev`, packed) added
///   to its first elements; the last output's first elements are the public digest. So the
///   digest, from which the run's challenges are drawn, fixes every row's data.
#[derive(Clone, Default)]
pub struct MemoryBoundaryChip {
    rounds: SpongeRounds,
}

impl core::fmt::Debug for MemoryBoundaryChip {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MemoryBoundaryChip")
    }
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
        public::LEN
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        let map = &MEMORY_BOUNDARY_COL_MAP;
        let mut columns = vec![map.is_real, map.fresh, map.addr, map.prev];
        columns.extend(map.before);
        columns.extend(map.after);
        columns.extend(map.word);
        columns.extend(map.gap);
        columns.extend(map.consumed_inverse);
        columns.extend(map.produced_inverse);
        columns.extend(map.sum);
        columns.extend(map.sponge.inputs);
        columns.sort_unstable();
        columns
    }
}

/// The three packed elements of eight bytes (bytes 0-2, 3-5, 6-7).
fn packed<AB: AirBuilder>(bytes: &[AB::Var; 8]) -> [AB::Expr; 3] {
    [compose::<AB>(&bytes[0..3]), compose::<AB>(&bytes[3..6]), compose::<AB>(&bytes[6..8])]
}

/// What a row absorbs into the list sponge (the order of `memory_argument::absorbed`).
fn absorbed<AB: AirBuilder>(row: &MemoryBoundaryCols<AB::Var>) -> [AB::Expr; LIST_ABSORB] {
    let [b0, b1, b2] = packed::<AB>(&row.before);
    let [a0, a1, a2] = packed::<AB>(&row.after);
    [row.is_real.into(), row.fresh.into(), row.addr.into(), b0, b1, b2, a0, a1, a2, row.prev.into()]
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for MemoryBoundaryChip {
    fn eval(&self, builder: &mut AB) {
        self.rounds.eval(builder, SPONGE..NUM_MEMORY_BOUNDARY_COLS);
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();
        let main = builder.main();
        let local: &MemoryBoundaryCols<AB::Var> = main.current_slice().borrow();
        let next: &MemoryBoundaryCols<AB::Var> = main.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let one = AB::Expr::ONE;
        let is_real = e(local.is_real);

        // The list's rows.
        builder.assert_bool(local.is_real);
        builder.assert_bool(local.fresh);
        builder.assert_zero(e(local.fresh) * (one.clone() - is_real.clone()));
        builder.when_transition().assert_zero(e(next.is_real) * (one.clone() - is_real.clone()));
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
            .assert_eq(compose::<AB>(&next.word), word + compose::<AB>(&next.gap) + one.clone());
        range_bytes(builder, &local.before, is_real.clone());
        range_bytes(builder, &local.after, is_real.clone());
        let stamp = public[public::STAMP].clone();
        builder
            .when(is_real.clone())
            .assert_eq(stamp.clone() - one.clone() - e(local.prev), compose::<AB>(&local.age));
        range_pair(builder, local.age[0], local.age[1], is_real.clone());
        // Padding rows' gap and age are zero, so every cell of the trace is determined.
        for cell in local.gap.into_iter().chain(local.age) {
            builder.assert_zero((one.clone() - is_real.clone()) * cell);
        }

        // The shard's local tokens.
        let initial = token::<AB>(e(local.addr), local.before.map(e), AB::Expr::ZERO);
        builder.push_interaction(MEMORY, initial, Count::bounded(e(local.fresh), 1));
        let last = token::<AB>(e(local.addr), local.after.map(e), e(local.final_ts));
        builder.push_interaction(MEMORY, last, Count::bounded(-is_real.clone(), 1));

        // The run-wide tokens' inverses and their running sum.
        let gamma: Ext<AB::Expr> = core::array::from_fn(|i| public[public::GAMMA.start + i].clone());
        let alpha: Ext<AB::Expr> = core::array::from_fn(|i| public[public::ALPHA.start + i].clone());
        let [b0, b1, b2] = packed::<AB>(&local.before);
        let [a0, a1, a2] = packed::<AB>(&local.after);
        let consumed =
            fingerprint(&alpha, &[e(local.addr), b0, b1, b2, e(local.prev), one.clone() - e(local.fresh)]);
        let produced = fingerprint(&alpha, &[e(local.addr), a0, a1, a2, stamp, AB::Expr::ZERO]);
        let inverses = [(local.consumed_inverse, consumed), (local.produced_inverse, produced)];
        eval_inverses(builder, &gamma, &is_real, inverses);
        let row = |r: &MemoryBoundaryCols<AB::Var>| [r.produced_inverse, r.consumed_inverse, r.sum];
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
