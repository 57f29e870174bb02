use crate::cols::column_layout;

/// Preprocessed columns: the word's address and initial value.
#[repr(C)]
pub struct MemoryImagePreprocessedCols<T> {
    /// Word address.
    pub addr: T,
    /// Initial value bytes.
    pub init: [T; 8],
}

column_layout!(
    MemoryImagePreprocessedCols,
    NUM_MEMORY_IMAGE_PREPROCESSED_COLS,
    MEMORY_IMAGE_PREPROCESSED_COL_MAP
);

/// Main columns.
#[repr(C)]
pub struct MemoryImageCols<T> {
    /// Value at the end of the shard.
    pub final_value: [T; 8],
    /// Timestamp of the last access (0 if untouched).
    pub final_ts: T,
}

column_layout!(MemoryImageCols, NUM_MEMORY_IMAGE_COLS, MEMORY_IMAGE_COL_MAP);
