use core::borrow::BorrowMut;

use hearth_isa::Opcode;
use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::air::LT_OPS;
use super::columns::*;
use crate::bus::ByteOp;
use crate::chips::cpu::{AluEvent, alu_rows};
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Whether this table proves `op`.
pub fn handles(op: Opcode) -> bool {
    LT_OPS.contains(&op)
}

/// One row per comparison request.
pub fn generate_trace<F: Field>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let (events, height) = alu_rows(events, handles, index::LT, heights);
    let mut values = F::zero_vec(height * NUM_LT_COLS);
    for (event, row) in events.iter().zip(values.chunks_exact_mut(NUM_LT_COLS)) {
        let r: &mut LtCols<F> = row.borrow_mut();
        let (a, b) = (bytes(event.a), bytes(event.b));
        r.a = a.map(F::from_u8);
        r.b = b.map(F::from_u8);
        r.c = F::from_u64(event.result());
        let index = LT_OPS.iter().position(|&op| op == event.op).unwrap_or(0);
        r.op[index] = F::ONE;
        let (mut a_at, mut b_at) = (0u8, 0u8);
        if let Some(i) = (0..8).rev().find(|&i| a[i] != b[i]) {
            r.diff_byte[i] = F::ONE;
            r.diff_inv = (F::from_u8(a[i]) - F::from_u8(b[i])).inverse();
            (a_at, b_at) = (a[i], b[i]);
        }
        r.a_at = F::from_u8(a_at);
        r.b_at = F::from_u8(b_at);
        let ltu = counts.add(ByteOp::Ltu, a_at, b_at);
        let sa = counts.add(ByteOp::Msb, a[7], 0);
        let sb = counts.add(ByteOp::Msb, b[7], 0);
        r.ltu = F::from_u8(ltu);
        r.sign_a = F::from_u8(sa);
        r.sign_b = F::from_u8(sb);
        r.signs_differ = F::from_u8(sa ^ sb);
        let signed = matches!(event.op, Opcode::Slt | Opcode::Blt | Opcode::Bge);
        r.lt = F::from_u8(if signed && sa != sb { sa } else { ltu });
    }
    RowMajorMatrix::new(values, NUM_LT_COLS)
}
