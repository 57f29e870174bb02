use core::borrow::BorrowMut;

use hearth_isa::Opcode;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::DIVREM_OPS;
use super::columns::*;
use crate::bus::ByteOp;
use crate::chips::cpu::{AluEvent, alu_rows};
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Whether this table proves `op`.
pub fn handles(op: Opcode) -> bool {
    DIVREM_OPS.contains(&op)
}

/// One row per division request. Returns the table and the requests it sends to the add and
/// comparison tables (negations and `|r| < |b|`), which those tables must answer.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> (RowMajorMatrix<F>, Vec<AluEvent>) {
    let (events, height) = alu_rows(events, handles, index::DIVREM, heights);
    let mut requests = Vec::new();
    let values = crate::cols::fill_rows(
        height,
        NUM_DIVREM_COLS,
        events,
        |_| {},
        |event, row| {
            let r: &mut DivRemCols<u64> = row.borrow_mut();
            let index = DIVREM_OPS.iter().position(|&op| op == event.op).unwrap_or(0);
            r.op[index] = 1;
            let signed = index % 2 == 0;
            let word = index >= 4;
            let (a, b) = (bytes(event.a), bytes(event.b));
            r.a = a.map(u64::from);
            r.b = b.map(u64::from);
            r.c = bytes(event.result()).map(u64::from);
            let top = if word { 3 } else { 7 };
            r.a_top = a[top] as u64;
            r.b_top = b[top] as u64;
            let extend = |v: u64| match (word, signed) {
                (false, _) => v,
                (true, true) => v as i32 as i64 as u64,
                (true, false) => v as u32 as u64,
            };
            let (dividend, divisor) = (extend(event.a), extend(event.b));
            let overflow = signed && !word && dividend == i64::MIN as u64 && divisor == u64::MAX;
            let (q, rem) = if divisor == 0 {
                (u64::MAX, dividend)
            } else if overflow {
                (i64::MIN as u64, 0)
            } else if signed {
                ((dividend as i64 / divisor as i64) as u64, (dividend as i64 % divisor as i64) as u64)
            } else {
                (dividend / divisor, dividend % divisor)
            };
            let (qb, rb, bb) = (bytes(q), bytes(rem), bytes(divisor));
            r.b_divisor = bb.map(u64::from);
            r.q = qb.map(u64::from);
            r.r = rb.map(u64::from);
            if signed {
                r.a_sign = counts.add(ByteOp::Msb, a[top], 0) as u64;
                r.b_sign = counts.add(ByteOp::Msb, b[top], 0) as u64;
                r.q_sign = counts.add(ByteOp::Msb, qb[7], 0) as u64;
                r.r_sign = counts.add(ByteOp::Msb, rb[7], 0) as u64;
            }
            r.overflow = overflow as u64;
            r.q_fill = r.q_sign - r.overflow;
            r.b_zero = (divisor == 0) as u64;

            // Carries of b' * q + r = a' over 16 bytes.
            let extend16 = |v: [u8; 8], fill: u64| -> [u64; 16] {
                core::array::from_fn(|i| if i < 8 { v[i] as u64 } else { 255 * fill })
            };
            let (bx, qx, rx) = (extend16(bb, r.b_sign), extend16(qb, r.q_fill), extend16(rb, r.r_sign));
            let ax = extend16(bytes(dividend), r.a_sign);
            let mut carry = 0u64;
            for k in 0..16 {
                let total = (0..=k).map(|i| bx[i] * qx[k - i]).sum::<u64>() + rx[k] + carry;
                debug_assert_eq!(total & 0xff, ax[k], "{event:?}");
                carry = (total - ax[k]) >> 8;
                r.carry_lo[k] = carry & 0xff;
                r.carry_hi[k] = carry >> 8;
                counts.range_pair(r.carry_lo[k] as u8, r.carry_hi[k] as u8);
            }
            counts.range_bytes(&qb);
            counts.range_bytes(&rb);

            // Absolute values and the comparison.
            let abs = |v: u64, negative: u64| if negative == 1 { v.wrapping_neg() } else { v };
            let (r_abs, b_abs) = (abs(rem, r.r_sign), abs(divisor, r.b_sign));
            r.r_abs = bytes(r_abs).map(u64::from);
            r.b_abs = bytes(b_abs).map(u64::from);
            counts.range_bytes(&bytes(r_abs));
            counts.range_bytes(&bytes(b_abs));
            if r.r_sign == 1 {
                requests.push(AluEvent { op: Opcode::Add, a: rem, b: r_abs });
            }
            if r.b_sign == 1 {
                requests.push(AluEvent { op: Opcode::Add, a: divisor, b: b_abs });
            }
            if divisor != 0 {
                requests.push(AluEvent { op: Opcode::Sltu, a: r_abs, b: b_abs });
            }
            if word {
                r.result_sign = counts.add(ByteOp::Msb, (event.result() >> 24) as u8, 0) as u64;
            }
            debug_assert_eq!(
                event.result(),
                match (index / 2) % 2 {
                    0 if word => q as u32 as i32 as i64 as u64,
                    0 => q,
                    _ if word => rem as u32 as i32 as i64 as u64,
                    _ => rem,
                },
                "{event:?}"
            );
        },
    );
    (crate::cols::field_matrix(values, NUM_DIVREM_COLS), requests)
}
