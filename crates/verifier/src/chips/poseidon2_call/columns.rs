use hearth_stark::column_layout;
use hearth_stark::config::POSEIDON2_WIDTH;

/// Preprocessed columns of the Poseidon2 call table: one instruction per row.
#[repr(C)]
pub struct Poseidon2CallPreprocessedCols<T> {
    /// The input cells' addresses.
    pub input: [T; POSEIDON2_WIDTH],
    /// The output cells' addresses.
    pub output: [T; POSEIDON2_WIDTH],
    /// Reads of each output cell.
    pub output_mults: [T; POSEIDON2_WIDTH],
    /// The row is an instruction (0 on padding rows).
    pub is_real: T,
    /// The row reads a swap bit (a Merkle compression in index order).
    pub has_swap: T,
    /// The swap bit's address.
    pub swap: T,
}

column_layout!(
    Poseidon2CallPreprocessedCols,
    NUM_POSEIDON2_CALL_PREPROCESSED_COLS,
    POSEIDON2_CALL_PREPROCESSED_COL_MAP
);

/// Main columns of the Poseidon2 call table.
#[repr(C)]
pub struct Poseidon2CallCols<T> {
    /// The permutation's input, read from memory.
    pub input: [T; POSEIDON2_WIDTH],
    /// Its output, written to memory.
    pub output: [T; POSEIDON2_WIDTH],
    /// The swap bit read from memory (0 without one): when set, the permuted input has its
    /// first two 9-element blocks exchanged.
    pub swap_bit: T,
}

column_layout!(Poseidon2CallCols, NUM_POSEIDON2_CALL_COLS, POSEIDON2_CALL_COL_MAP);
