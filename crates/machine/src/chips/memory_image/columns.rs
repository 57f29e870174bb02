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
    /// The shard takes the word's initial value from the image: the run touches it for the
    /// first time in this shard (boolean).
    pub used: T,
}

column_layout!(MemoryImageCols, NUM_MEMORY_IMAGE_COLS, MEMORY_IMAGE_COL_MAP);
