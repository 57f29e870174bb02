use core::borrow::BorrowMut;

use hearth_isa::Opcode;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::air::SHIFT_OPS;
use super::columns::*;
use crate::bus::ByteOp;
use crate::chips::cpu::{AluEvent, alu_rows};
use crate::chips::index;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Whether this table proves `op`.
pub fn handles(op: Opcode) -> bool {
    SHIFT_OPS.contains(&op)
}

/// One row per shift request.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    events: &[AluEvent],
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> RowMajorMatrix<F> {
    let (events, height) = alu_rows(events, handles, index::SHIFT, heights);
    let pad = |row: &mut [u64]| {
        let r: &mut ShiftCols<u64> = row.borrow_mut();
        r.pow = 1;
    };
    let values = crate::cols::fill_rows(height, NUM_SHIFT_COLS, events, pad, |event, row| {
        let r: &mut ShiftCols<u64> = row.borrow_mut();
        let index = SHIFT_OPS.iter().position(|&op| op == event.op).unwrap_or(0);
        r.op[index] = 1;
        let is_word = index >= 3;
        let is_left = index % 3 == 0;
        let is_arith = index % 3 == 2;
        let (a, b, c) = (bytes(event.a), bytes(event.b), bytes(event.result()));
        r.a = a.map(u64::from);
        r.b = b.map(u64::from);
        r.c = c.map(u64::from);
        for i in 0..6 {
            r.amount_bits[i] = (b[0] as u64 >> i) & 1;
        }
        r.amount_rest = b[0] as u64 >> 6;
        counts.add(ByteOp::Ltu, b[0] >> 6, 4);
        let bit_shift = b[0] & 7;
        let byte_shift = ((b[0] >> 3) & if is_word { 3 } else { 7 }) as usize;
        r.pow = 1 << bit_shift;
        r.multiplier = if is_left { r.pow } else { 256 >> bit_shift };
        r.byte_shift[byte_shift] = 1;
        r.top = a[if is_word { 3 } else { 7 }] as u64;
        if is_arith {
            r.sign = counts.add(ByteOp::Msb, r.top as u8, 0) as u64;
        }
        r.fill_lo = r.sign * (256 - r.multiplier);
        for (j, &byte) in a.iter().enumerate() {
            let x = if j < 4 || !is_word { byte as u64 } else { 255 * r.sign };
            let product = x * r.multiplier;
            r.lo[j] = product & 0xff;
            r.hi[j] = product >> 8;
        }
        counts.range_bytes(&r.lo.map(|v| v as u8));
        counts.range_bytes(&r.hi.map(|v| v as u8));
        if is_word {
            r.result_sign = counts.add(ByteOp::Msb, c[3], 0) as u64;
        }
    });
    crate::cols::field_matrix(values, NUM_SHIFT_COLS)
}
