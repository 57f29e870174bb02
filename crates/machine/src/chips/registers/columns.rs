use crate::cols::column_layout;

/// Columns of the register table.
#[repr(C)]
pub struct RegistersCols<T> {
    /// Register number (the row index).
    pub reg: T,
    /// Value at the start of the shard (equal to the boundary's, a periodic column).
    pub initial_value: [T; 8],
    /// Value at the end of the shard (equal to the boundary's, a periodic column).
    pub final_value: [T; 8],
    /// Timestamp of the last access (0 if none).
    pub final_ts: T,
}

column_layout!(RegistersCols, NUM_REGISTERS_COLS, REGISTERS_COL_MAP);
