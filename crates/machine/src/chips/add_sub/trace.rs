use core::borrow::BorrowMut;

use hearth_isa::Opcode;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::ByteOp;
use crate::chips::cpu::{AluEvent, alu_rows};
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Whether this table proves `op`.
pub fn handles(op: Opcode) -> bool {
    matches!(op, Opcode::Add | Opcode::Sub | Opcode::Addw | Opcode::Subw)
}

/// One row per add/sub request.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let (events, height) = alu_rows(events, handles, index::ADD_SUB, heights);
    let values = crate::cols::fill_rows(
        height,
        NUM_ADD_SUB_COLS,
        events,
        |_| {},
        |event, row| {
            let r: &mut AddSubCols<u64> = row.borrow_mut();
            let c = event.result();
            let is_sub = matches!(event.op, Opcode::Sub | Opcode::Subw);
            match event.op {
                Opcode::Add => r.is_add = 1,
                Opcode::Sub => r.is_sub = 1,
                Opcode::Addw => r.is_addw = 1,
                _ => r.is_subw = 1,
            }
            let (ab, bb, cb) = (bytes(event.a), bytes(event.b), bytes(c));
            r.a = ab.map(u64::from);
            r.b = bb.map(u64::from);
            r.c = cb.map(u64::from);
            let (x, z) = if is_sub { (cb, ab) } else { (ab, cb) };
            let mut carry = 0u64;
            for j in 0..8 {
                let total = x[j] as u64 + bb[j] as u64 + carry;
                carry = (total >= 256) as u64;
                debug_assert!(
                    j >= 4 && matches!(event.op, Opcode::Addw | Opcode::Subw) || total & 0xff == z[j] as u64
                );
                r.carry[j] =
                    if j >= 4 && matches!(event.op, Opcode::Addw | Opcode::Subw) { 0 } else { carry };
            }
            counts.range_bytes(&cb);
            if matches!(event.op, Opcode::Addw | Opcode::Subw) {
                r.sign = counts.add(ByteOp::Msb, cb[3], 0) as u64;
            }
        },
    );
    crate::cols::field_matrix(values, NUM_ADD_SUB_COLS)
}
