use core::borrow::BorrowMut;

use hearth_isa::memory::{GUARD_END, MEMORY_TOP};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::chips::memory_image::MemoryImage;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// Rows for the touched words outside the image: `(addr, final value, final timestamp)`,
/// sorted by address.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    image: &MemoryImage,
    words: &[(u64, u64, u64)],
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    // At least one padding row: the last real row has no successor to be sorted against.
    let height = padded_height(words.len() + 1);
    let mut values = vec![0u64; height * NUM_MEMORY_BOUNDARY_COLS];
    for (i, row) in values.chunks_exact_mut(NUM_MEMORY_BOUNDARY_COLS).enumerate().take(words.len()) {
        let (addr, value, ts) = words[i];
        let r: &mut MemoryBoundaryCols<u64> = row.borrow_mut();
        r.is_real = 1;
        r.has_next = (i + 1 < words.len()) as u64;
        r.addr = addr;
        r.final_value = bytes(value).map(u64::from);
        r.final_ts = ts;
        let above = addr >= image.hi;
        r.above = above as u64;
        let (low, high) = if above {
            (addr - image.hi, MEMORY_TOP - 8 - addr)
        } else {
            (addr - GUARD_END, image.lo - 8 - addr)
        };
        r.low_gap = counts.range30(low as u32).map(u64::from);
        r.high_gap = counts.range30(high as u32).map(u64::from);
        if i + 1 < words.len() {
            r.next_gap = counts.range30((words[i + 1].0 - addr - 8) as u32).map(u64::from);
        }
    }
    crate::cols::field_matrix(values, NUM_MEMORY_BOUNDARY_COLS)
}
