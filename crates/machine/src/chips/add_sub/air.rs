use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector, range_bytes};

/// The add/sub table.
///
/// # Soundness
/// Bytes of `c` are range-checked and carries are boolean, so `x_i + y_i + carry_{i-1} =
/// z_i + 256 carry_i` over the first 8 (or 4, for W) bytes is exactly 64-bit (32-bit) addition
/// of `(x, y, z) = (a, b, c)`, or of `(c, b, a)` for subtraction (`c = a - b` iff `c + b = a`).
/// Operands are bytes because every sender's are. W results are the 32-bit result
/// sign-extended: the top bytes are `255 * msb(c_3)` (byte table).
#[derive(Clone, Copy, Debug, Default)]
pub struct AddSubChip;

impl<F: p3_field::Field> BaseAir<F> for AddSubChip {
    fn width(&self) -> usize {
        NUM_ADD_SUB_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for AddSubChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &AddSubCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let flags = [local.is_add, local.is_sub, local.is_addw, local.is_subw];
        for f in flags {
            builder.assert_bool(f);
        }
        let is_real = flags.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());
        let is_sub = e(local.is_sub) + e(local.is_subw);
        let is_word = e(local.is_addw) + e(local.is_subw);

        for j in 0..8 {
            builder.assert_bool(local.carry[j]);
            let x = e(local.a[j]) + is_sub.clone() * (e(local.c[j]) - e(local.a[j]));
            let z = e(local.c[j]) + is_sub.clone() * (e(local.a[j]) - e(local.c[j]));
            let carry_in = if j == 0 { AB::Expr::ZERO } else { e(local.carry[j - 1]) };
            let sum = x + e(local.b[j]) + carry_in - z - e(local.carry[j]) * AB::Expr::from_u16(256);
            if j < 4 {
                builder.assert_zero(sum);
            } else {
                builder.assert_zero((AB::Expr::ONE - is_word.clone()) * sum);
                // Carries above the low word are unused by W operations: pinned to zero.
                builder.assert_zero(is_word.clone() * e(local.carry[j]));
                builder.when(is_word.clone()).assert_eq(local.c[j], e(local.sign) * AB::Expr::from_u8(255));
            }
        }
        builder.assert_zero((AB::Expr::ONE - is_word.clone()) * e(local.sign));
        range_bytes(builder, &local.c, is_real.clone());
        byte_lookup(
            builder,
            AB::Expr::from_u8(ByteOp::Msb as u8),
            local.c[3],
            AB::Expr::ZERO,
            local.sign,
            is_word,
        );

        let op = op_selector::<AB>(&flags, &[Opcode::Add, Opcode::Sub, Opcode::Addw, Opcode::Subw]);
        let message = alu_message::<AB>(op, &local.a, &local.b, local.c.map(e));
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
