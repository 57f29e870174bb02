use hearth_stark::column_layout;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};

use crate::CELL;

/// Preprocessed columns of the opening table: one sponge permutation per row.
#[repr(C)]
pub struct OpeningPreprocessedCols<T> {
    /// The row is an instruction (0 on padding rows).
    pub is_real: T,
    /// The hash's first permutation: its state starts at zero.
    pub first: T,
    /// Per rate slot: a value that starts a matrix row (its sum restarts there).
    pub restart: [T; SPONGE_RATE],
    /// Per rate slot: a value that continues the matrix row of the slot before it (the
    /// previous row's last slot for slot 0).
    pub chain: [T; SPONGE_RATE],
    /// Per rate slot: where the sum is written when a matrix row ends there.
    pub sum: [T; SPONGE_RATE],
    /// Reads of each sum.
    pub sum_mults: [T; SPONGE_RATE],
    /// The digest cells' addresses (on the hash's last row).
    pub digest: [T; DIGEST_ELEMS],
    /// Reads of each digest cell.
    pub digest_mults: [T; DIGEST_ELEMS],
    /// The address of the extension cell the sums are folded with.
    pub factor: T,
}

column_layout!(OpeningPreprocessedCols, NUM_OPENING_PREPROCESSED_COLS, OPENING_PREPROCESSED_COL_MAP);

/// Main columns of the opening table.
#[repr(C)]
pub struct OpeningCols<T> {
    /// The permutation's input: absorbed values in the rate slots that hold one, the previous
    /// permutation's output (zero on a hash's first row) elsewhere.
    pub input: [T; POSEIDON2_WIDTH],
    /// Its output.
    pub output: [T; POSEIDON2_WIDTH],
    /// The folding factor, read from memory.
    pub factor: [T; CELL],
    /// Per rate slot: the running sum of the matrix row after this slot's value.
    pub sums: [[T; CELL]; SPONGE_RATE],
}

column_layout!(OpeningCols, NUM_OPENING_COLS, OPENING_COL_MAP);
