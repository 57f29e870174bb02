use hearth_stark::column_layout;

use crate::CELL;

/// Preprocessed columns of the var table: one instruction per row.
#[repr(C)]
pub struct VarPreprocessedCols<T> {
    /// The cell written.
    pub addr: T,
    /// How many times the program reads it (0 on padding rows).
    pub mult: T,
    /// The value is `constant`.
    pub is_const: T,
    /// The value is a base element (limbs 1..8 zero).
    pub is_base: T,
    /// The constant, on constant rows.
    pub constant: [T; CELL],
}

column_layout!(VarPreprocessedCols, NUM_VAR_PREPROCESSED_COLS, VAR_PREPROCESSED_COL_MAP);

/// Main columns of the var table.
#[repr(C)]
pub struct VarCols<T> {
    /// The cell's value: the constant, or the prover's input.
    pub value: [T; CELL],
}

column_layout!(VarCols, NUM_VAR_COLS, VAR_COL_MAP);
