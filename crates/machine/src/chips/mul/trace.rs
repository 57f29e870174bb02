use core::borrow::BorrowMut;

use hearth_isa::Opcode;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::MUL_OPS;
use super::columns::*;
use crate::bus::ByteOp;
use crate::chips::cpu::{AluEvent, alu_rows};
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Whether this table proves `op`.
pub fn handles(op: Opcode) -> bool {
    MUL_OPS.contains(&op)
}

/// One row per multiplication request.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let (events, height) = alu_rows(events, handles, index::MUL, heights);
    let values = crate::cols::fill_rows(
        height,
        NUM_MUL_COLS,
        events,
        |_| {},
        |event, row| {
            let r: &mut MulCols<u64> = row.borrow_mut();
            let index = MUL_OPS.iter().position(|&op| op == event.op).unwrap_or(0);
            r.op[index] = 1;
            let (a, b, c) = (bytes(event.a), bytes(event.b), bytes(event.result()));
            r.a = a.map(u64::from);
            r.b = b.map(u64::from);
            r.c = c.map(u64::from);
            if matches!(event.op, Opcode::Mulh | Opcode::Mulhsu) {
                r.a_sign = counts.add(ByteOp::Msb, a[7], 0) as u64;
            }
            if event.op == Opcode::Mulh {
                r.b_sign = counts.add(ByteOp::Msb, b[7], 0) as u64;
            }
            let extend = |v: [u8; 8], sign: u64| -> [u64; 16] {
                core::array::from_fn(|i| if i < 8 { v[i] as u64 } else { 255 * sign })
            };
            let (ax, bx) = (extend(a, r.a_sign), extend(b, r.b_sign));
            let mut carry = 0u64;
            for k in 0..16 {
                let total = (0..=k).map(|i| ax[i] * bx[k - i]).sum::<u64>() + carry;
                r.product[k] = total & 0xff;
                carry = total >> 8;
                r.carry_lo[k] = carry & 0xff;
                r.carry_hi[k] = carry >> 8;
                counts.range_pair(r.carry_lo[k] as u8, r.carry_hi[k] as u8);
            }
            counts.range_bytes(&r.product.map(|v| v as u8));
            if event.op == Opcode::Mulw {
                r.result_sign = counts.add(ByteOp::Msb, c[3], 0) as u64;
            }
        },
    );
    crate::cols::field_matrix(values, NUM_MUL_COLS)
}
