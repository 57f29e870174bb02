use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector, range_bytes, range_pair};

/// Operations of the multiplication table, in flag order.
pub const MUL_OPS: [Opcode; 5] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu, Opcode::Mulw];

/// The multiplication table.
///
/// # Soundness
/// Operands are bytes (every sender's are); signed operands are extended to 16 bytes with
/// `255 * sign`, the sign being the byte-table msb of the top byte. For each product byte `k`,
/// `sum_{i+j=k} a_i b_j + carry_{k-1} = product_k + 256 carry_k` with `product_k` a byte and
/// `carry_k < 2^16` (two range-checked bytes): every term is below `2^21`, so the equations hold
/// over the integers and `product` is the extended product modulo `2^128`, which is the signed,
/// mixed or unsigned 128-bit product. `mul` takes its low eight bytes, the `mulh*` operations
/// the high eight, and `mulw` the low four sign-extended from the msb of `c[3]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct MulChip;

impl<F: p3_field::Field> BaseAir<F> for MulChip {
    fn width(&self) -> usize {
        NUM_MUL_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for MulChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MulCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let [mul, mulh, mulhsu, mulhu, mulw] = local.op.map(e);
        for f in local.op {
            builder.assert_bool(f);
        }
        let is_real = local.op.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());

        // Signs of the operands treated as signed.
        let msb = c(ByteOp::Msb as u32);
        let a_signed = mulh.clone() + mulhsu.clone();
        byte_lookup(builder, msb.clone(), local.a[7], AB::Expr::ZERO, local.a_sign, a_signed.clone());
        builder.assert_zero((AB::Expr::ONE - a_signed) * e(local.a_sign));
        byte_lookup(builder, msb.clone(), local.b[7], AB::Expr::ZERO, local.b_sign, mulh.clone());
        builder.assert_zero((AB::Expr::ONE - mulh.clone()) * e(local.b_sign));
        let extended = |bytes: &[AB::Var; 8], sign: AB::Var, i: usize| {
            if i < 8 { e(bytes[i]) } else { e(sign) * c(255) }
        };

        // The product, byte by byte.
        for k in 0..16 {
            let terms = (0..=k).fold(AB::Expr::ZERO, |acc, i| {
                acc + extended(&local.a, local.a_sign, i) * extended(&local.b, local.b_sign, k - i)
            });
            let carry = |k: usize| e(local.carry_lo[k]) + e(local.carry_hi[k]) * c(256);
            let carry_in = if k == 0 { AB::Expr::ZERO } else { carry(k - 1) };
            builder.assert_eq(terms + carry_in, e(local.product[k]) + carry(k) * c(256));
            range_pair(builder, local.carry_lo[k], local.carry_hi[k], is_real.clone());
        }
        range_bytes(builder, &local.product, is_real.clone());

        // The result.
        let high = mulh + mulhsu + mulhu;
        for j in 0..8 {
            builder.when(mul.clone()).assert_eq(local.c[j], local.product[j]);
            builder.when(high.clone()).assert_eq(local.c[j], local.product[j + 8]);
            if j < 4 {
                builder.when(mulw.clone()).assert_eq(local.c[j], local.product[j]);
            } else {
                builder.when(mulw.clone()).assert_eq(local.c[j], e(local.result_sign) * c(255));
            }
        }
        byte_lookup(builder, msb, local.c[3], AB::Expr::ZERO, local.result_sign, mulw.clone());
        builder.assert_zero((AB::Expr::ONE - mulw) * e(local.result_sign));

        let op = op_selector::<AB>(&local.op, &MUL_OPS);
        let message = alu_message::<AB>(op, &local.a, &local.b, local.c.map(e));
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
