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
    matches!(op, Opcode::And | Opcode::Or | Opcode::Xor)
}

/// One row per bitwise request.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let (events, height) = alu_rows(events, handles, index::BITWISE, heights);
    let mut values = vec![0u64; height * NUM_BITWISE_COLS];
    for (event, row) in events.iter().zip(values.chunks_exact_mut(NUM_BITWISE_COLS)) {
        let r: &mut BitwiseCols<u64> = row.borrow_mut();
        let op = match event.op {
            Opcode::And => {
                r.is_and = 1;
                ByteOp::And
            }
            Opcode::Or => {
                r.is_or = 1;
                ByteOp::Or
            }
            _ => {
                r.is_xor = 1;
                ByteOp::Xor
            }
        };
        let (a, b) = (bytes(event.a), bytes(event.b));
        for j in 0..8 {
            r.a[j] = a[j] as u64;
            r.b[j] = b[j] as u64;
            r.c[j] = counts.add(op, a[j], b[j]) as u64;
        }
    }
    crate::cols::field_matrix(values, NUM_BITWISE_COLS)
}
