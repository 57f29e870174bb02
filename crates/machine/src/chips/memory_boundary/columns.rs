use crate::cols::column_layout;

/// Columns of the memory boundary table.
#[repr(C)]
pub struct MemoryBoundaryCols<T> {
    /// 1 for a touched word, 0 on padding (all padding rows come last).
    pub is_real: T,
    /// The next row is real.
    pub has_next: T,
    /// Word address.
    pub addr: T,
    /// Value at the end of the shard.
    pub final_value: [T; 8],
    /// Timestamp of the last access.
    pub final_ts: T,
    /// The address lies above the image (else below it).
    pub above: T,
    /// Bytes of the distance to the lower bound of its region.
    pub low_gap: [T; 4],
    /// Bytes of the distance to the upper bound of its region.
    pub high_gap: [T; 4],
    /// Bytes of `next.addr - addr - 8`.
    pub next_gap: [T; 4],
}

column_layout!(MemoryBoundaryCols, NUM_MEMORY_BOUNDARY_COLS, MEMORY_BOUNDARY_COL_MAP);
