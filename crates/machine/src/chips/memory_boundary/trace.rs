use core::borrow::BorrowMut;

use hearth_stark::Val;
use hearth_verifier::chips::poseidon2::{NUM_ROUND_COLS, round_rows};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;

use super::air::{MemoryBoundaryChip, WORD_TOP_BYTE};
use super::columns::*;
use crate::boundary::BoundaryWord;
use crate::lookups::{ByteCounts, bytes};
use crate::memory_argument::{MemoryContext, consumed_token, list_sponge, produced_token};

/// One row per listed word, with the timestamp of the shard's last access to it, its part of
/// the run's memory argument in `context`, and the list sponge's permutations, in a table of
/// `height` rows (at least [`MemoryBoundaryChip::height`] of the list: the run's memory
/// argument is drawn with the same height).
pub fn generate_trace(
    words: &[BoundaryWord],
    final_timestamps: &[u64],
    context: &MemoryContext,
    height: usize,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<Val> {
    debug_assert!(height >= MemoryBoundaryChip::height(words.len()) && height.is_power_of_two());
    let prev = |row: usize| context.prev.get(row).copied().unwrap_or(0);
    let mut values = vec![Val::ZERO; height * NUM_MEMORY_BOUNDARY_COLS];
    let mut sum = hearth_stark::Challenge::ZERO;
    let mut previous_word: Option<u32> = None;
    for (row, cells) in values.chunks_exact_mut(NUM_MEMORY_BOUNDARY_COLS).enumerate() {
        let r: &mut MemoryBoundaryCols<Val> = cells.borrow_mut();
        if let (Some(w), Some(&ts)) = (words.get(row), final_timestamps.get(row)) {
            let word = w.addr / 8;
            let gap = previous_word.map_or(0, |p| word.wrapping_sub(p).wrapping_sub(1));
            previous_word = Some(word);
            let age = context.stamp.wrapping_sub(1).wrapping_sub(prev(row));
            r.is_real = Val::ONE;
            r.fresh = Val::from_bool(!w.from_image);
            r.addr = Val::from_u32(w.addr);
            r.before = bytes(w.before).map(Val::from_u8);
            r.after = bytes(w.after).map(Val::from_u8);
            r.final_ts = Val::from_u64(ts);
            r.prev = Val::from_u32(prev(row));
            r.word = counts.range_word(word, WORD_TOP_BYTE).map(Val::from_u8);
            r.gap = counts.range_word(gap, WORD_TOP_BYTE).map(Val::from_u8);
            let age = [age as u8, (age >> 8) as u8];
            counts.range_pair(age[0], age[1]);
            r.age = age.map(Val::from_u8);
            counts.range_bytes(&bytes(w.before));
            counts.range_bytes(&bytes(w.after));
            let consumed = context.challenges.term(&consumed_token(w, prev(row)));
            let produced = context.challenges.term(&produced_token(w, context.stamp));
            sum += produced - consumed;
            let coordinates = |c: hearth_stark::Challenge| -> [Val; hearth_stark::config::EXTENSION_DEGREE] {
                core::array::from_fn(|i| c.as_basis_coefficients_slice()[i])
            };
            r.consumed_inverse = coordinates(consumed);
            r.produced_inverse = coordinates(produced);
        }
        r.sum = core::array::from_fn(|i| sum.as_basis_coefficients_slice()[i]);
    }
    let (inputs, _) = list_sponge(words, &context.prev, height);
    let rounds = round_rows(inputs);
    let sponge = NUM_MEMORY_BOUNDARY_COLS - NUM_ROUND_COLS;
    for (cells, round) in
        values.chunks_exact_mut(NUM_MEMORY_BOUNDARY_COLS).zip(rounds.values.chunks_exact(NUM_ROUND_COLS))
    {
        cells[sponge..].copy_from_slice(round);
    }
    RowMajorMatrix::new(values, NUM_MEMORY_BOUNDARY_COLS)
}
