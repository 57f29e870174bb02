use hearth_stark::column_layout;

use crate::CELL;

/// Preprocessed columns of the pack table: one instruction per row.
#[repr(C)]
pub struct PackPreprocessedCols<T> {
    /// The extension cell's address.
    pub ext: T,
    /// Reads of the extension cell (packing rows write it).
    pub ext_mult: T,
    /// The base cells' addresses, coordinate 0 first.
    pub felts: [T; CELL],
    /// Reads of each base cell (unpacking rows write them).
    pub felt_mults: [T; CELL],
    /// The row reads the base cells and writes the extension cell.
    pub is_pack: T,
    /// The row reads the extension cell and writes the base cells.
    pub is_unpack: T,
}

column_layout!(PackPreprocessedCols, NUM_PACK_PREPROCESSED_COLS, PACK_PREPROCESSED_COL_MAP);

/// Main columns of the pack table.
#[repr(C)]
pub struct PackCols<T> {
    /// The coordinates: the extension cell is `value`, base cell `i` is `(value[i], 0, ...)`.
    pub value: [T; CELL],
}

column_layout!(PackCols, NUM_PACK_COLS, PACK_COL_MAP);
