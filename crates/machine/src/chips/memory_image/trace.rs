use core::borrow::BorrowMut;

use hearth_executor::Program;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::lookups::{bytes, padded_height};

/// The initial image of a program: every word from `lo` to `hi` (8-byte aligned, a power of two
/// of words), zero where no segment loads bytes. Only the bytes segments load from the file
/// count: zero-filled memory (`.bss`, the stack) starts as zero outside the image anyway, and
/// leaving it out keeps the image table (and the verifier's commitment to it) small.
#[derive(Clone, Debug)]
pub struct MemoryImage {
    /// First word address.
    pub lo: u64,
    /// One past the last word address.
    pub hi: u64,
    /// Initial word values from `lo` on.
    pub words: Vec<u64>,
}

impl MemoryImage {
    /// Builds the image from the program's loadable segments.
    pub fn of(program: &Program) -> Self {
        let loaded = || program.segments().iter().filter(|s| !s.data.is_empty());
        let lo = loaded().map(|s| s.vaddr).min().unwrap_or(hearth_isa::memory::PROGRAM_START) & !7;
        let end = loaded().map(|s| s.vaddr + s.data.len() as u64).max().unwrap_or(lo);
        let count = padded_height((end - lo).div_ceil(8) as usize);
        let mut image = vec![0u8; count * 8];
        for s in loaded() {
            let start = (s.vaddr - lo) as usize;
            image[start..start + s.data.len()].copy_from_slice(&s.data);
        }
        let words =
            image.chunks_exact(8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default())).collect();
        Self { lo, hi: lo + 8 * count as u64, words }
    }

    /// Whether the word at `addr` is in the image range.
    pub fn contains(&self, addr: u64) -> bool {
        (self.lo..self.hi).contains(&addr)
    }

    /// Preprocessed rows (`addr`, initial bytes).
    pub fn preprocessed_rows(&self) -> RowMajorMatrix<u32> {
        let mut values = Vec::with_capacity(self.words.len() * NUM_MEMORY_IMAGE_PREPROCESSED_COLS);
        for (i, &w) in self.words.iter().enumerate() {
            values.push((self.lo + 8 * i as u64) as u32);
            values.extend(bytes(w).map(u32::from));
        }
        RowMajorMatrix::new(values, NUM_MEMORY_IMAGE_PREPROCESSED_COLS)
    }
}

/// Marks the image words the shard takes from the image (`from_image`: their addresses).
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    image: &MemoryImage,
    from_image: impl IntoIterator<Item = u64>,
) -> RowMajorMatrix<F> {
    let mut values = vec![0u64; image.words.len() * NUM_MEMORY_IMAGE_COLS];
    for addr in from_image {
        let row = ((addr - image.lo) / 8) as usize;
        let r: &mut MemoryImageCols<u64> =
            values[row * NUM_MEMORY_IMAGE_COLS..][..NUM_MEMORY_IMAGE_COLS].borrow_mut();
        r.used = 1;
    }
    crate::cols::field_matrix(values, NUM_MEMORY_IMAGE_COLS)
}
