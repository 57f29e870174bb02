//! The public table's preprocessed width depends on the number of public values, so its
//! columns are indices rather than a struct.

/// Preprocessed column: the address of the row's cell.
pub const PUBLIC_ADDR: usize = 0;
/// Preprocessed column: the row is public value number `row` (0 on padding rows).
pub const PUBLIC_IS_REAL: usize = 1;
/// Preprocessed columns from here: `select[j]` is 1 on row `j` only.
pub const PUBLIC_SELECT: usize = 2;

/// Preprocessed columns for `num_public` public values.
pub fn num_public_preprocessed_cols(num_public: usize) -> usize {
    PUBLIC_SELECT + num_public
}

/// Main column: the cell's value.
pub const PUBLIC_VALUE: usize = 0;
/// Main columns.
pub const NUM_PUBLIC_COLS: usize = 1;
