use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector, range_bytes, range_pair};

/// Operations of the division table, in flag order.
pub const DIVREM_OPS: [Opcode; 8] = [
    Opcode::Div,
    Opcode::Divu,
    Opcode::Rem,
    Opcode::Remu,
    Opcode::Divw,
    Opcode::Divuw,
    Opcode::Remw,
    Opcode::Remuw,
];

/// The division table.
///
/// # Soundness
/// Let `a'`, `b'` be the operands as divided (W: the low words sign- or zero-extended) and
/// `q`, `r` range-checked bytes. Signs come from byte-table msbs (zero for unsigned operations).
/// - `b' * q + r = a'` holds modulo `2^128` byte by byte with range-checked carries below `2^16`
///   (every term is below `2^21`, so over the integers), all four extended to 16 bytes. Signed
///   values are below `2^63` in magnitude and unsigned ones below `2^64`, so both sides lie in
///   one window of width `2^128` and the equation holds over the integers. The one exception
///   is `i64::MIN / -1`, whose quotient `2^63` is not a signed 64-bit value: there `overflow`
///   (allowed only for exactly those operands of `div`/`rem`) extends `q` as unsigned, which
///   makes `q = i64::MIN, r = 0` the only solution; without the flag no solution exists.
/// - `b_zero` forces `b' = 0` and `q` all ones, and then `r = a'` by the equation. Otherwise the
///   comparison table proves `|r| < |b'|` (so `b' != 0`), the absolute values being the value
///   itself or, for a negative one, its negation through the add table; they are range-checked
///   here because the tables they are sent to assume bytes.
/// - A negative `r` needs a negative `a'`, and a negative `a'` with `r >= 0` needs `r = 0`.
///   With `|r| < |b'|` this leaves exactly the truncating quotient and remainder of RISC-V.
/// - The result is `q` or `r`; W results are their low four bytes sign-extended from `c[3]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DivRemChip;

impl<F: p3_field::Field> BaseAir<F> for DivRemChip {
    fn width(&self) -> usize {
        NUM_DIVREM_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for DivRemChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &DivRemCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let [div, divu, rem, remu, divw, divuw, remw, remuw] = local.op.map(e);
        for f in local.op.iter().chain([&local.b_zero, &local.overflow, &local.q_fill]) {
            builder.assert_bool(*f);
        }
        let is_real = local.op.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());
        let is_signed = div.clone() + rem.clone() + divw.clone() + remw.clone();
        let is_word = divw.clone() + divuw.clone() + remw.clone() + remuw.clone();

        // Signs.
        let msb = c(ByteOp::Msb as u32);
        builder.assert_eq(local.a_top, e(local.a[7]) + is_word.clone() * (e(local.a[3]) - e(local.a[7])));
        builder.assert_eq(local.b_top, e(local.b[7]) + is_word.clone() * (e(local.b[3]) - e(local.b[7])));
        for (byte, sign) in [
            (local.a_top, local.a_sign),
            (local.b_top, local.b_sign),
            (local.q[7], local.q_sign),
            (local.r[7], local.r_sign),
        ] {
            byte_lookup(builder, msb.clone(), byte, AB::Expr::ZERO, sign, is_signed.clone());
            builder.assert_zero((AB::Expr::ONE - is_signed.clone()) * e(sign));
        }

        // The operands as divided.
        let a_fill = e(local.a_sign) * c(255);
        let a_divided = |j: usize| {
            if j < 4 {
                e(local.a[j])
            } else {
                e(local.a[j]) + is_word.clone() * (a_fill.clone() - e(local.a[j]))
            }
        };
        for j in 0..8 {
            if j < 4 {
                builder.assert_eq(local.b_divisor[j], local.b[j]);
            } else {
                builder
                    .assert_zero((AB::Expr::ONE - is_word.clone()) * (e(local.b_divisor[j]) - e(local.b[j])));
                builder.when(is_word.clone()).assert_eq(local.b_divisor[j], e(local.b_sign) * c(255));
            }
        }

        // Overflow: only i64::MIN / -1, where the quotient extends as unsigned.
        let overflow = e(local.overflow);
        builder.assert_zero(overflow.clone() * (AB::Expr::ONE - div.clone() - rem.clone()));
        for j in 0..8 {
            builder.when(overflow.clone()).assert_eq(local.b[j], c(255));
            builder.when(overflow.clone()).assert_eq(local.a[j], c(if j == 7 { 0x80 } else { 0 }));
        }
        builder.assert_eq(local.q_fill, e(local.q_sign) - overflow);

        // b' * q + r = a', byte by byte over 16 bytes.
        let extend = |bytes: &[AB::Var; 8], fill: AB::Var, i: usize| {
            if i < 8 { e(bytes[i]) } else { e(fill) * c(255) }
        };
        for k in 0..16 {
            let product = (0..=k).fold(AB::Expr::ZERO, |acc, i| {
                acc + extend(&local.b_divisor, local.b_sign, i) * extend(&local.q, local.q_fill, k - i)
            });
            let carry = |k: usize| e(local.carry_lo[k]) + e(local.carry_hi[k]) * c(256);
            let carry_in = if k == 0 { AB::Expr::ZERO } else { carry(k - 1) };
            let dividend = if k < 8 { a_divided(k) } else { a_fill.clone() };
            builder.assert_eq(
                product + extend(&local.r, local.r_sign, k) + carry_in,
                dividend + carry(k) * c(256),
            );
            range_pair(builder, local.carry_lo[k], local.carry_hi[k], is_real.clone());
        }
        range_bytes(builder, &local.q, is_real.clone());
        range_bytes(builder, &local.r, is_real.clone());

        // Division by zero (on real rows only: the flag lowers the comparison's count).
        builder.assert_zero(e(local.b_zero) * (AB::Expr::ONE - is_real.clone()));
        for j in 0..8 {
            builder.assert_zero(e(local.b_zero) * e(local.b_divisor[j]));
            builder.when(e(local.b_zero)).assert_eq(local.q[j], c(255));
        }

        // |r| < |b'| unless b' = 0, and r has the sign of a'.
        for (value, sign, abs) in
            [(&local.r, local.r_sign, &local.r_abs), (&local.b_divisor, local.b_sign, &local.b_abs)]
        {
            for j in 0..8 {
                builder.assert_zero((AB::Expr::ONE - e(sign)) * (e(abs[j]) - e(value[j])));
            }
            let negation = alu_message::<AB>(
                c(crate::bus::op_id(Opcode::Add)),
                value,
                abs,
                (0..8).map(|_| AB::Expr::ZERO),
            );
            builder.push_interaction(ALU, negation, Count::bounded(e(sign), 1));
            range_bytes(builder, abs, is_real.clone());
        }
        let less = (0..8).map(|j| if j == 0 { AB::Expr::ONE } else { AB::Expr::ZERO });
        let compare = alu_message::<AB>(c(crate::bus::op_id(Opcode::Sltu)), &local.r_abs, &local.b_abs, less);
        builder.push_interaction(ALU, compare, Count::bounded(is_real.clone() - e(local.b_zero), 1));
        builder.assert_zero(e(local.r_sign) * (AB::Expr::ONE - e(local.a_sign)));
        for j in 0..8 {
            builder.assert_zero(e(local.a_sign) * (AB::Expr::ONE - e(local.r_sign)) * e(local.r[j]));
        }

        // The result.
        for j in 0..8 {
            let quotient = div.clone() + divu.clone();
            let remainder = rem.clone() + remu.clone();
            builder.when(quotient).assert_eq(local.c[j], local.q[j]);
            builder.when(remainder).assert_eq(local.c[j], local.r[j]);
            if j < 4 {
                builder.when(divw.clone() + divuw.clone()).assert_eq(local.c[j], local.q[j]);
                builder.when(remw.clone() + remuw.clone()).assert_eq(local.c[j], local.r[j]);
            } else {
                builder.when(is_word.clone()).assert_eq(local.c[j], e(local.result_sign) * c(255));
            }
        }
        byte_lookup(builder, msb, local.c[3], AB::Expr::ZERO, local.result_sign, is_word.clone());
        builder.assert_zero((AB::Expr::ONE - is_word) * e(local.result_sign));

        let op = op_selector::<AB>(&local.op, &DIVREM_OPS);
        let message = alu_message::<AB>(op, &local.a, &local.b, local.c.map(e));
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
