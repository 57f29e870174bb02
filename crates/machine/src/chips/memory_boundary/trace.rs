use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::{GAP_TOP_BYTE, GAP_WORDS_TOP_BYTE, regions};
use super::columns::*;
use crate::chips::memory_image::MemoryImage;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// Rows for the touched words outside the image: `(addr, final value, final timestamp)`,
/// sorted by address (every address accessible and outside the image).
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    image: &MemoryImage,
    words: &[(u64, u64, u64)],
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let regions = regions(image.lo, image.hi);
    let region_of = |addr: u64| regions.iter().position(|&(s, e)| (s..=e).contains(&addr)).unwrap_or(0);
    // At least one padding row: the last real row has no successor to be sorted against.
    let height = padded_height(words.len() + 1);
    let mut values = vec![0u64; height * NUM_MEMORY_BOUNDARY_COLS];
    for (i, row) in values.chunks_exact_mut(NUM_MEMORY_BOUNDARY_COLS).enumerate().take(words.len()) {
        let (addr, value, ts) = words[i];
        let r: &mut MemoryBoundaryCols<u64> = row.borrow_mut();
        r.is_real = 1;
        r.addr = addr;
        r.final_value = bytes(value).map(u64::from);
        r.final_ts = ts;
        let region = region_of(addr);
        let (start, end) = regions[region];
        r.region[region] = 1;
        r.low_gap = counts.range_word(((addr - start) / 8) as u32, GAP_WORDS_TOP_BYTE).map(u64::from);
        r.high_gap = counts.range_word((end - addr) as u32, GAP_TOP_BYTE).map(u64::from);
        if let Some(&(next, _, _)) = words.get(i + 1) {
            r.has_next = 1;
            let next_region = region_of(next);
            let step = if next_region == region {
                r.same_region = 1;
                next - addr - 8
            } else {
                (next_region - region - 1) as u64
            };
            r.step = counts.range_word(step as u32, GAP_TOP_BYTE).map(u64::from);
        }
    }
    crate::cols::field_matrix(values, NUM_MEMORY_BOUNDARY_COLS)
}
