use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;

/// Columns of the I/O word table.
#[repr(C)]
pub struct IoWordCols<T> {
    /// A real row (padding rows are all zero).
    pub is_real: T,
    /// The transfer is a `write` to the output (else a `read` from the input).
    pub is_write: T,
    /// Cycle of the `ecall`.
    pub clk: T,
    /// Address of the word.
    pub word: T,
    /// One-hot: the first byte of the word the transfer covers.
    pub first: [T; 8],
    /// One-hot: the last byte of the word the transfer covers.
    pub last: [T; 8],
    /// Stream position of the first covered byte.
    pub position: T,
    /// Bytes of the transfer left from the first covered byte on.
    pub remaining: T,
    /// The word before the access.
    pub prev: [T; 8],
    /// The word after it (covered bytes replaced by input for a `read`; unchanged for `write`).
    pub value: [T; 8],
    /// The memory access.
    pub access: AccessCols<T>,
}

column_layout!(IoWordCols, NUM_IO_WORD_COLS, IO_WORD_COL_MAP);
