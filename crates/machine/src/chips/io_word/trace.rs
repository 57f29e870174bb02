use core::borrow::BorrowMut;
use core::ops::Range;

use hearth_executor::ShardRecord;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::trace::fill_access;
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes, padded_height};

/// One `read` or `write` (to the output) as the syscall table proved it.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// Cycle of the `ecall`.
    pub clk: u64,
    /// Buffer address.
    pub buf: u64,
    /// Bytes moved.
    pub len: u64,
    /// Stream position of the first byte.
    pub position: u64,
    /// A `write` (else a `read`).
    pub is_write: bool,
    /// Its memory accesses, as a range of [`ShardRecord::memory_accesses`] (one per word, in
    /// address order).
    pub accesses: Range<u32>,
}

/// One row per word each transfer touches.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    record: &ShardRecord,
    transfers: &[Transfer],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> Result<RowMajorMatrix<F>, ProveError> {
    let mut rows = Vec::new();
    for t in transfers {
        let accesses = &record.memory_accesses[t.accesses.start as usize..t.accesses.end as usize];
        let end = t.buf + t.len;
        let mut covered = 0;
        for a in accesses {
            let lo = t.buf.max(a.addr) - a.addr;
            let hi = end.min(a.addr + 8) - a.addr;
            if a.addr + 8 <= t.buf || a.addr >= end || hi <= lo {
                return Err(ProveError::Unsupported {
                    pc: 0,
                    what: format!("a transfer's memory access at {:#x} outside its buffer", a.addr),
                });
            }
            let mut row = [0u64; NUM_IO_WORD_COLS];
            let r: &mut IoWordCols<u64> = row.as_mut_slice().borrow_mut();
            r.is_real = 1;
            r.is_write = u64::from(t.is_write);
            r.clk = t.clk;
            r.word = a.addr;
            r.first[lo as usize] = 1;
            r.last[hi as usize - 1] = 1;
            r.position = t.position + covered;
            r.remaining = t.len - covered;
            r.prev = bytes(a.prev_value).map(u64::from);
            r.value = bytes(a.value).map(u64::from);
            fill_access(&mut r.access, a.prev_timestamp, a.timestamp, counts);
            covered += hi - lo;
            rows.push(row);
        }
        if covered != t.len {
            return Err(ProveError::Unsupported {
                pc: 0,
                what: format!("a transfer of {} bytes with {covered} bytes of memory accesses", t.len),
            });
        }
    }
    let height = heights.rows(index::IO_WORD, padded_height(rows.len()));
    let values =
        crate::cols::fill_rows(height, NUM_IO_WORD_COLS, rows, |_| {}, |row, out| out.copy_from_slice(&row));
    Ok(crate::cols::field_matrix(values, NUM_IO_WORD_COLS))
}
