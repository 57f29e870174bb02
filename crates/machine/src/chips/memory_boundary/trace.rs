use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::MemoryBoundaryChip;
use super::columns::*;
use crate::boundary::BoundaryWord;
use crate::lookups::bytes;

/// One row per listed word, with the timestamp of the shard's last access to it.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    words: &[BoundaryWord],
    final_timestamps: &[u64],
) -> RowMajorMatrix<F> {
    let height = MemoryBoundaryChip::height(words.len());
    let mut values = vec![0u64; height * NUM_MEMORY_BOUNDARY_COLS];
    for ((w, &ts), row) in
        words.iter().zip(final_timestamps).zip(values.chunks_exact_mut(NUM_MEMORY_BOUNDARY_COLS))
    {
        let r: &mut MemoryBoundaryCols<u64> = row.borrow_mut();
        r.is_real = 1;
        r.fresh = u64::from(!w.from_image);
        r.addr = u64::from(w.addr);
        r.before = bytes(w.before).map(u64::from);
        r.after = bytes(w.after).map(u64::from);
        r.final_ts = ts;
    }
    crate::cols::field_matrix(values, NUM_MEMORY_BOUNDARY_COLS)
}
