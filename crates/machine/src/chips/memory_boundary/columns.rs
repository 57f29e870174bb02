use hearth_stark::config::EXTENSION_DEGREE;
use hearth_verifier::chips::poseidon2::RoundCols;

use crate::cols::column_layout;

/// Columns of the memory boundary table: one listed word per row (real rows first, strictly
/// increasing addresses), its part of the run-wide memory argument and one permutation of the
/// list's sponge.
#[repr(C)]
pub struct MemoryBoundaryCols<T> {
    /// The row is a word of the list (boolean; real rows come first).
    pub is_real: T,
    /// The row produces the word's initial local token (a listed word not taken from the
    /// image; boolean, only on real rows).
    pub fresh: T,
    /// Word address: `8 * word`.
    pub addr: T,
    /// Bytes at the shard's start (range-checked).
    pub before: [T; 8],
    /// Bytes at the shard's end (range-checked).
    pub after: [T; 8],
    /// Timestamp of the shard's last access to the word (witness: the final token exists only
    /// at a real access's timestamp).
    pub final_ts: T,
    /// Stamp of the shard that wrote `before` (0: the run's initial memory), below the stamp.
    pub prev: T,
    /// Bytes of the word index `addr / 8`, below 2^28.
    pub word: [T; 4],
    /// Bytes of `word - previous word - 1`, below 2^28 (zero on the first row).
    pub gap: [T; 4],
    /// Bytes of `stamp - 1 - prev`.
    pub age: [T; 2],
    /// `1 / (gamma - fingerprint)` of the consumed token `(addr, before, prev, !fresh)`.
    pub consumed_inverse: [T; EXTENSION_DEGREE],
    /// `1 / (gamma - fingerprint)` of the produced token `(addr, after, stamp, 0)`.
    pub produced_inverse: [T; EXTENSION_DEGREE],
    /// Sum of `produced_inverse - consumed_inverse` over the real rows up to this one.
    pub sum: [T; EXTENSION_DEGREE],
    /// The list sponge's permutation for this row: its input is the previous row's output
    /// (zero before the first) with this row's data added to the first elements.
    pub sponge: RoundCols<T>,
}

column_layout!(MemoryBoundaryCols, NUM_MEMORY_BOUNDARY_COLS, MEMORY_BOUNDARY_COL_MAP);

impl<T> MemoryBoundaryCols<T> {
    /// The sponge permutation's output.
    pub fn sponge_output(&self) -> &[T; hearth_stark::config::POSEIDON2_WIDTH] {
        &self.sponge.ending_full_rounds[hearth_verifier::chips::poseidon2::HALF_FULL_ROUNDS - 1].post
    }
}
