use hearth_stark::column_layout;

use crate::CELL;

/// Preprocessed columns of the arithmetic table: one instruction per row.
#[repr(C)]
pub struct AluPreprocessedCols<T> {
    /// First operand's address.
    pub a: T,
    /// Second operand's address.
    pub b: T,
    /// Third operand's address (multiply-add rows).
    pub c: T,
    /// Result's address.
    pub out: T,
    /// Reads of the result.
    pub out_mult: T,
    /// `out = a + b`.
    pub is_add: T,
    /// `out = a - b`.
    pub is_sub: T,
    /// `out = a * b`.
    pub is_mul: T,
    /// `out = a * b + c`.
    pub is_mul_add: T,
    /// `a == b`.
    pub is_eq: T,
}

column_layout!(AluPreprocessedCols, NUM_ALU_PREPROCESSED_COLS, ALU_PREPROCESSED_COL_MAP);

/// Main columns of the arithmetic table.
#[repr(C)]
pub struct AluCols<T> {
    /// First operand, read from memory.
    pub a: [T; CELL],
    /// Second operand, read from memory.
    pub b: [T; CELL],
    /// Third operand, read from memory on multiply-add rows.
    pub c: [T; CELL],
    /// Result, written to memory.
    pub out: [T; CELL],
}

column_layout!(AluCols, NUM_ALU_COLS, ALU_COL_MAP);
