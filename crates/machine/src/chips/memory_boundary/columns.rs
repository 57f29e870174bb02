use crate::cols::column_layout;

/// Columns of the memory boundary table. All but `final_ts` equal periodic columns the verifier
/// computes from the shard's memory list (interactions cannot read periodic columns).
#[repr(C)]
pub struct MemoryBoundaryCols<T> {
    /// The row is a word of the list.
    pub is_real: T,
    /// The row produces the word's initial token (a listed word not taken from the image).
    pub fresh: T,
    /// Word address.
    pub addr: T,
    /// Bytes at the shard's start.
    pub before: [T; 8],
    /// Bytes at the shard's end.
    pub after: [T; 8],
    /// Timestamp of the shard's last access to the word (witness: the final token exists only
    /// at a real access's timestamp).
    pub final_ts: T,
}

column_layout!(MemoryBoundaryCols, NUM_MEMORY_BOUNDARY_COLS, MEMORY_BOUNDARY_COL_MAP);
