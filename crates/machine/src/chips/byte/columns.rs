use crate::cols::column_layout;

/// Preprocessed columns: the pair and every operation's answer.
#[repr(C)]
pub struct BytePreprocessedCols<T> {
    /// First operand.
    pub x: T,
    /// Second operand.
    pub y: T,
    /// `x & y`.
    pub and: T,
    /// `x | y`.
    pub or: T,
    /// `x ^ y`.
    pub xor: T,
    /// `x < y`.
    pub ltu: T,
    /// `x >> 7`.
    pub msb: T,
}

column_layout!(BytePreprocessedCols, NUM_BYTE_PREPROCESSED_COLS, BYTE_PREPROCESSED_COL_MAP);

/// Main columns: how often each operation is looked up at this row, in [`crate::bus::ByteOp`]
/// order.
#[repr(C)]
pub struct ByteCols<T> {
    /// Multiplicity per operation.
    pub multiplicity: [T; 6],
}

column_layout!(ByteCols, NUM_BYTE_COLS, BYTE_COL_MAP);
