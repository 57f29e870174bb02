use crate::cols::column_layout;

/// Columns of the register table.
#[repr(C)]
pub struct RegistersCols<T> {
    /// Register number (the row index).
    pub reg: T,
    /// Value at the end of the shard.
    pub final_value: [T; 8],
    /// Timestamp of the last access.
    pub final_ts: T,
}

column_layout!(RegistersCols, NUM_REGISTERS_COLS, REGISTERS_COL_MAP);
