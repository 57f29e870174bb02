use hearth_stark::column_layout;

use crate::{NUM_BIT_BLOCKS, NUM_BITS};

/// Preprocessed columns of the bits table: one instruction per row.
#[repr(C)]
pub struct BitsPreprocessedCols<T> {
    /// The decomposed cell's address.
    pub input: T,
    /// The bit blocks' addresses (eight bits per cell).
    pub blocks: [T; NUM_BIT_BLOCKS],
    /// Reads of each block.
    pub block_mults: [T; NUM_BIT_BLOCKS],
    /// The row is an instruction (0 on padding rows).
    pub is_real: T,
}

column_layout!(BitsPreprocessedCols, NUM_BITS_PREPROCESSED_COLS, BITS_PREPROCESSED_COL_MAP);

/// Main columns of the bits table.
#[repr(C)]
pub struct BitsCols<T> {
    /// The bits, least significant first.
    pub bits: [T; NUM_BITS],
    /// Inverse of (number of set bits among the top seven) - 7, where that is not zero: shows
    /// the value is below `2^31 - 2^24` unless all seven are set.
    pub top_inv: T,
}

column_layout!(BitsCols, NUM_BITS_COLS, BITS_COL_MAP);
