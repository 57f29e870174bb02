use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector, range_bytes};

/// Operations of the shift table, in flag order.
pub const SHIFT_OPS: [Opcode; 6] =
    [Opcode::Sll, Opcode::Srl, Opcode::Sra, Opcode::Sllw, Opcode::Srlw, Opcode::Sraw];

/// The shift table.
///
/// # Soundness
/// - The amount: `b[0]` is six boolean bits plus `64 * rest` with `rest < 4` (byte table), so
///   the bits are the low six of a byte; `q` (one-hot `byte_shift`) is bits 3..6 (3..5 for W)
///   and `pow = 2^r` for `r` = bits 0..3.
/// - `multiplier` is `2^r` (left) or the field element with `multiplier * 2^r = 256`, which is
///   the integer `2^(8-r)` (right). Every input byte `x` is a byte (operands are bytes; the W
///   fill is `0` or `255`), so `x * multiplier < 2^16` and its split into range-checked bytes
///   `lo + 256 hi` is the integer one: `lo` holds the bits that stay in the byte, `hi` those
///   that move to the neighbouring byte. Their sums per byte are disjoint bit fields, hence
///   bytes, and moving whole bytes by `q` gives the shifted value.
/// - Arithmetic shifts fill with `255 * sign`, `sign` the byte-table msb of the top input byte
///   (`a[3]` for W); other shifts fill with zero (`sign` is forced to 0).
/// - W results are the low four bytes sign-extended from the msb of `c[3]` (byte table).
#[derive(Clone, Copy, Debug, Default)]
pub struct ShiftChip;

impl<F: p3_field::Field> BaseAir<F> for ShiftChip {
    fn width(&self) -> usize {
        NUM_SHIFT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for ShiftChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ShiftCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let [sll, srl, sra, sllw, srlw, sraw] = local.op.map(e);
        for f in local.op.iter().chain(&local.amount_bits).chain(&local.byte_shift) {
            builder.assert_bool(*f);
        }
        let is_real = local.op.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());
        let is_left = sll.clone() + sllw.clone();
        let is_right = srl.clone() + sra.clone() + srlw.clone() + sraw.clone();
        let is_word = sllw.clone() + srlw.clone() + sraw.clone();
        let is_arith = sra.clone() + sraw.clone();

        // The amount.
        let bits = local.amount_bits.map(e);
        let low_six = (0..6).fold(AB::Expr::ZERO, |acc, i| acc + bits[i].clone() * c(1 << i));
        builder.assert_eq(local.b[0], low_six + e(local.amount_rest) * c(64));
        byte_lookup(builder, c(ByteOp::Ltu as u32), local.amount_rest, c(4), AB::Expr::ONE, is_real.clone());
        builder.assert_eq(
            local.pow,
            (AB::Expr::ONE + bits[0].clone())
                * (AB::Expr::ONE + bits[1].clone() * c(3))
                * (AB::Expr::ONE + bits[2].clone() * c(15)),
        );
        builder.assert_zero(is_left.clone() * (e(local.multiplier) - e(local.pow)));
        builder.assert_zero(is_right.clone() * (e(local.multiplier) * e(local.pow) - c(256)));
        let shift_sum = local.byte_shift.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_eq(shift_sum, is_real.clone());
        let q =
            local.byte_shift.iter().enumerate().fold(AB::Expr::ZERO, |acc, (k, &f)| acc + e(f) * c(k as u32));
        builder.assert_eq(
            q,
            bits[3].clone()
                + bits[4].clone() * c(2)
                + bits[5].clone() * c(4) * (AB::Expr::ONE - is_word.clone()),
        );

        // The sign of arithmetic shifts.
        builder.assert_eq(local.top, e(local.a[7]) + is_word.clone() * (e(local.a[3]) - e(local.a[7])));
        byte_lookup(builder, c(ByteOp::Msb as u32), local.top, AB::Expr::ZERO, local.sign, is_arith.clone());
        builder.assert_zero((AB::Expr::ONE - is_arith) * e(local.sign));
        let fill = e(local.sign) * c(255);

        // Bits within bytes.
        for j in 0..8 {
            let x = if j < 4 {
                e(local.a[j])
            } else {
                e(local.a[j]) + is_word.clone() * (fill.clone() - e(local.a[j]))
            };
            builder.assert_eq(x * e(local.multiplier), e(local.lo[j]) + e(local.hi[j]) * c(256));
        }
        range_bytes(builder, &local.lo, is_real.clone());
        range_bytes(builder, &local.hi, is_real.clone());
        // The bits a right shift brings into the top byte.
        builder.assert_eq(local.fill_lo, e(local.sign) * (c(256) - e(local.multiplier)));
        let fill_lo = e(local.fill_lo);
        let left = |j: usize| e(local.lo[j]) + if j > 0 { e(local.hi[j - 1]) } else { AB::Expr::ZERO };
        let right = |j: usize| e(local.hi[j]) + if j < 7 { e(local.lo[j + 1]) } else { fill_lo.clone() };

        // Whole bytes.
        for j in 0..8 {
            let shifted_left =
                (0..=j).fold(AB::Expr::ZERO, |acc, k| acc + e(local.byte_shift[k]) * left(j - k));
            let shifted_right = (0..8).fold(AB::Expr::ZERO, |acc, k| {
                let byte = if j + k < 8 { right(j + k) } else { fill.clone() };
                acc + e(local.byte_shift[k]) * byte
            });
            builder.assert_zero(sll.clone() * (e(local.c[j]) - shifted_left.clone()));
            builder.assert_zero((srl.clone() + sra.clone()) * (e(local.c[j]) - shifted_right.clone()));
            if j < 4 {
                builder.assert_zero(sllw.clone() * (e(local.c[j]) - shifted_left));
                builder.assert_zero((srlw.clone() + sraw.clone()) * (e(local.c[j]) - shifted_right));
            } else {
                builder.when(is_word.clone()).assert_eq(local.c[j], e(local.result_sign) * c(255));
            }
        }
        byte_lookup(
            builder,
            c(ByteOp::Msb as u32),
            local.c[3],
            AB::Expr::ZERO,
            local.result_sign,
            is_word.clone(),
        );
        builder.assert_zero((AB::Expr::ONE - is_word) * e(local.result_sign));

        let op = op_selector::<AB>(&local.op, &SHIFT_OPS);
        let message = alu_message::<AB>(op, &local.a, &local.b, local.c.map(e));
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
