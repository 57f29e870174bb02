use crate::cols::column_layout;

/// Columns of the input table.
#[repr(C)]
pub struct InputCols<T> {
    /// The byte's position in the input.
    pub position: T,
    /// The byte (range-checked where looked up).
    pub byte: T,
    /// Times it is looked up: 0 or 1.
    pub multiplicity: T,
}

column_layout!(InputCols, NUM_INPUT_COLS, INPUT_COL_MAP);
