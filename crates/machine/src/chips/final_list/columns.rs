use hearth_stark::config::EXTENSION_DEGREE;
use hearth_verifier::chips::poseidon2::RoundCols;

use crate::cols::column_layout;

/// Columns of the final list table: one touched word per row (real rows first, strictly
/// increasing addresses), its two tokens and one permutation of the list's sponge.
#[repr(C)]
pub struct FinalListCols<T> {
    /// The row is a word of the list (boolean; real rows first).
    pub is_real: T,
    /// Word address: `8 * word`.
    pub addr: T,
    /// The value the run leaves, packed three bytes to an element.
    pub value: [T; 3],
    /// Stamp of the last shard that wrote the word.
    pub last: T,
    /// The program image covers the word (boolean).
    pub in_image: T,
    /// Outside the image, the word lies below it (boolean, zero inside).
    pub below: T,
    /// Bytes of the word index `addr / 8`, below 2^28.
    pub word: [T; 4],
    /// Bytes of `word - previous word - 1`, below 2^28 (zero on the first row).
    pub gap: [T; 4],
    /// Outside the image: `lo - 1 - word` below it, `word - hi` above it.
    pub outside_bound: T,
    /// Bytes of `word - lo` inside the image, `outside_bound` outside; below 2^28.
    pub first_bound: [T; 4],
    /// Bytes of `hi - 1 - word` inside the image, zero outside; below 2^28.
    pub second_bound: [T; 4],
    /// `1 / (gamma - fingerprint)` of the produced initial token `(addr, 0, 0, in_image)`.
    pub produced_inverse: [T; EXTENSION_DEGREE],
    /// `1 / (gamma - fingerprint)` of the consumed final token `(addr, value, last, 0)`.
    pub consumed_inverse: [T; EXTENSION_DEGREE],
    /// Sum of `produced_inverse - consumed_inverse` over the rows up to this one.
    pub sum: [T; EXTENSION_DEGREE],
    /// The list sponge's permutation for this row: its input is the previous row's output
    /// (zero before the first) with this row's cells added to the first elements.
    pub sponge: RoundCols<T>,
}

column_layout!(FinalListCols, NUM_FINAL_LIST_COLS, FINAL_LIST_COL_MAP);

impl<T> FinalListCols<T> {
    /// The sponge permutation's output.
    pub fn sponge_output(&self) -> &[T; hearth_stark::config::POSEIDON2_WIDTH] {
        &self.sponge.ending_full_rounds[hearth_verifier::chips::poseidon2::HALF_FULL_ROUNDS - 1].post
    }
}
