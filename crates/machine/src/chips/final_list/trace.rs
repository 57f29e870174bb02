use core::borrow::BorrowMut;
use core::ops::Range;

use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE, POSEIDON2_WIDTH};
use hearth_stark::{Challenge, Val};
use hearth_verifier::chips::poseidon2::{NUM_ROUND_COLS, round_rows};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;

use super::air::FinalListChip;
use super::columns::*;
use crate::chips::memory_boundary::WORD_TOP_BYTE;
use crate::lookups::ByteCounts;
use crate::memory_argument::{Challenges, FinalWord, final_sum, pack_value};

/// The inputs of the list sponge's permutations, one per row of a table of `height` rows
/// (padding rows absorb nothing), and the digest: the first elements of the last output.
pub fn final_list_sponge(
    words: &[FinalWord],
    image: &Range<u32>,
    height: usize,
) -> (Vec<[Val; POSEIDON2_WIDTH]>, [Val; DIGEST_ELEMS]) {
    crate::list_table::list_sponge_rows(words.iter().map(|w| w.cells(image)), height)
}

/// The table's public values for `words` (sorted, each once) of a program whose image covers
/// the addresses `image`, in a table of `height` rows.
pub fn final_list_public_values(
    words: &[FinalWord],
    image: &Range<u32>,
    challenges: &Challenges,
    height: usize,
) -> Vec<Val> {
    let (_, digest) = final_list_sponge(words, image, height);
    let sum = final_sum(words, challenges);
    let mut values = challenges.gamma.to_vec();
    values.extend(challenges.alpha);
    values.extend([image.start / 8, image.end / 8].map(Val::from_u32));
    values.extend(digest);
    values.extend_from_slice(BasedVectorSpace::<Val>::as_basis_coefficients_slice(&sum));
    values
}

/// One row per word of the final list (sorted, each once), with its tokens' terms under
/// `challenges` and the list sponge's permutations.
pub fn generate_trace(
    words: &[FinalWord],
    image: &Range<u32>,
    challenges: &Challenges,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<Val> {
    let height = FinalListChip::height(words.len());
    let (lo, hi) = (image.start / 8, image.end / 8);
    let mut values = vec![Val::ZERO; height * NUM_FINAL_LIST_COLS];
    let mut sum = Challenge::ZERO;
    let mut previous_word: Option<u32> = None;
    let coordinates = |c: Challenge| -> [Val; EXTENSION_DEGREE] {
        core::array::from_fn(|i| c.as_basis_coefficients_slice()[i])
    };
    for (row, cells) in values.chunks_exact_mut(NUM_FINAL_LIST_COLS).enumerate() {
        let r: &mut FinalListCols<Val> = cells.borrow_mut();
        if let Some(w) = words.get(row) {
            let word = w.addr / 8;
            let gap = previous_word.map_or(0, |p| word.wrapping_sub(p).wrapping_sub(1));
            previous_word = Some(word);
            let below = !w.in_image && word < lo;
            // `outside_bound` is a field element on every real row (negative inside the image).
            let f = Val::from_u32;
            let outside = if below { f(lo) - Val::ONE - f(word) } else { f(word) - f(hi) };
            let (first, second) = if w.in_image {
                (word.wrapping_sub(lo), hi.wrapping_sub(1).wrapping_sub(word))
            } else if below {
                (lo.wrapping_sub(1).wrapping_sub(word), 0)
            } else {
                (word.wrapping_sub(hi), 0)
            };
            r.is_real = Val::ONE;
            r.addr = Val::from_u32(w.addr);
            r.value = pack_value(w.value);
            r.last = Val::from_u32(w.last);
            r.in_image = Val::from_bool(w.in_image);
            r.below = Val::from_bool(below);
            r.word = counts.range_word(word, WORD_TOP_BYTE).map(Val::from_u8);
            r.gap = counts.range_word(gap, WORD_TOP_BYTE).map(Val::from_u8);
            r.outside_bound = outside;
            r.first_bound = counts.range_word(first, WORD_TOP_BYTE).map(Val::from_u8);
            r.second_bound = counts.range_word(second, WORD_TOP_BYTE).map(Val::from_u8);
            let produced = challenges.term(&w.initial_token());
            let consumed = challenges.term(&w.final_token());
            sum += produced - consumed;
            r.produced_inverse = coordinates(produced);
            r.consumed_inverse = coordinates(consumed);
        }
        r.sum = coordinates(sum);
    }
    let (inputs, _) = final_list_sponge(words, image, height);
    let rounds = round_rows(inputs);
    let sponge = NUM_FINAL_LIST_COLS - NUM_ROUND_COLS;
    for (cells, round) in
        values.chunks_exact_mut(NUM_FINAL_LIST_COLS).zip(rounds.values.chunks_exact(NUM_ROUND_COLS))
    {
        cells[sponge..].copy_from_slice(round);
    }
    RowMajorMatrix::new(values, NUM_FINAL_LIST_COLS)
}
