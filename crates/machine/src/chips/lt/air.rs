use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector};

/// Operations of the comparison table, in flag order.
pub const LT_OPS: [Opcode; 8] = [
    Opcode::Slt,
    Opcode::Sltu,
    Opcode::Beq,
    Opcode::Bne,
    Opcode::Blt,
    Opcode::Bge,
    Opcode::Bltu,
    Opcode::Bgeu,
];

/// The comparison table.
///
/// # Soundness
/// `diff_byte` has at most one flag; every byte at or above no flag is equal in `a` and `b`;
/// at the flagged byte the difference has an inverse, so it is nonzero. Hence `a = b` iff no
/// flag, and otherwise the flag marks the most significant differing byte, whose unsigned
/// comparison (byte table) is the unsigned comparison of `a` and `b`. A signed comparison
/// differs only when the signs (byte-table msb of the top bytes) differ, where `a < b` iff `a`
/// is negative.
#[derive(Clone, Copy, Debug, Default)]
pub struct LtChip;

impl<F: p3_field::Field> BaseAir<F> for LtChip {
    fn width(&self) -> usize {
        NUM_LT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for LtChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &LtCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let [slt, sltu, beq, bne, blt, bge, bltu, bgeu] = local.op.map(e);
        for f in local.op.iter().chain(&local.diff_byte) {
            builder.assert_bool(*f);
        }
        let is_real = local.op.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());
        let is_ne = local.diff_byte.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_ne.clone());

        let mut flagged_above = AB::Expr::ZERO;
        let (mut diff, mut a_at, mut b_at) = (AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO);
        for i in (0..8).rev() {
            flagged_above += e(local.diff_byte[i]);
            builder.assert_zero((AB::Expr::ONE - flagged_above.clone()) * (e(local.a[i]) - e(local.b[i])));
            diff += e(local.diff_byte[i]) * (e(local.a[i]) - e(local.b[i]));
            a_at += e(local.diff_byte[i]) * e(local.a[i]);
            b_at += e(local.diff_byte[i]) * e(local.b[i]);
        }
        builder.assert_eq(diff * e(local.diff_inv), is_ne.clone());
        builder.assert_zero((AB::Expr::ONE - is_ne.clone()) * e(local.diff_inv));
        builder.assert_eq(local.a_at, a_at);
        builder.assert_eq(local.b_at, b_at);
        byte_lookup(
            builder,
            AB::Expr::from_u8(ByteOp::Ltu as u8),
            local.a_at,
            local.b_at,
            local.ltu,
            is_real.clone(),
        );
        let msb = AB::Expr::from_u8(ByteOp::Msb as u8);
        byte_lookup(builder, msb.clone(), local.a[7], AB::Expr::ZERO, local.sign_a, is_real.clone());
        byte_lookup(builder, msb, local.b[7], AB::Expr::ZERO, local.sign_b, is_real.clone());

        let (sa, sb) = (e(local.sign_a), e(local.sign_b));
        builder.assert_eq(local.signs_differ, sa.clone() + sb.clone() - sa.clone() * sb * AB::Expr::TWO);
        let is_signed = slt.clone() + blt.clone() + bge.clone();
        builder.assert_eq(local.lt, e(local.ltu) + is_signed * e(local.signs_differ) * (sa - e(local.ltu)));
        let answer = (slt + sltu + blt + bltu) * e(local.lt)
            + (bge + bgeu) * (AB::Expr::ONE - e(local.lt))
            + beq * (AB::Expr::ONE - is_ne.clone())
            + bne * is_ne;
        builder.assert_eq(local.c, answer);

        let op = op_selector::<AB>(&local.op, &LT_OPS);
        let answer = core::iter::once(e(local.c)).chain((1..8).map(|_| AB::Expr::ZERO));
        let message = alu_message::<AB>(op, &local.a, &local.b, answer);
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
