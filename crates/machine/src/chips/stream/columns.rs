use crate::cols::column_layout;

/// Columns of the stream table; the first four equal the verifier's periodic columns.
#[repr(C)]
pub struct StreamCols<T> {
    /// The row holds an input byte.
    pub is_input: T,
    /// The row holds an output byte.
    pub is_output: T,
    /// Its position in its stream.
    pub position: T,
    /// The byte.
    pub byte: T,
    /// Times it is looked up: 0 or 1 for input bytes, exactly 1 for output bytes, 0 on padding.
    pub multiplicity: T,
}

/// The verifier's periodic columns, in order.
pub const NUM_STREAM_PERIODIC_COLS: usize = 4;

column_layout!(StreamCols, NUM_STREAM_COLS, STREAM_COL_MAP);
