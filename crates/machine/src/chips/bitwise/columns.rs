use crate::cols::column_layout;

/// Columns of the bitwise table.
#[repr(C)]
pub struct BitwiseCols<T> {
    /// First operand bytes.
    pub a: [T; 8],
    /// Second operand bytes.
    pub b: [T; 8],
    /// Result bytes.
    pub c: [T; 8],
    /// `and`.
    pub is_and: T,
    /// `or`.
    pub is_or: T,
    /// `xor`.
    pub is_xor: T,
}

column_layout!(BitwiseCols, NUM_BITWISE_COLS, BITWISE_COL_MAP);
