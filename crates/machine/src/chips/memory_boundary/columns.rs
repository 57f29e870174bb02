use super::air::MAX_REGIONS;
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
    /// One-hot: the region of accessible memory outside the image the address lies in.
    pub region: [T; MAX_REGIONS],
    /// The next row's address lies in the same region.
    pub same_region: T,
    /// Bytes of `(addr - start) / 8`, the words from its region's start.
    pub low_gap: [T; 4],
    /// Bytes of `end - addr` of its region (`end` its last word).
    pub high_gap: [T; 4],
    /// Bytes of `next.addr - addr - 8` (same region) or of `next.region - region - 1`.
    pub step: [T; 4],
}

column_layout!(MemoryBoundaryCols, NUM_MEMORY_BOUNDARY_COLS, MEMORY_BOUNDARY_COL_MAP);
