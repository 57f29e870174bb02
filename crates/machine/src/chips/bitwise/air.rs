use core::borrow::Borrow;

use hearth_isa::Opcode;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp};
use crate::lookups::{alu_message, byte_lookup, op_selector};

/// The bitwise table.
///
/// # Soundness
/// Each result byte is looked up as `(op, a_i, b_i, c_i)` in the byte table, whose rows are
/// true by construction, with `op` selected by boolean, exclusive flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct BitwiseChip;

impl<F: p3_field::Field> BaseAir<F> for BitwiseChip {
    fn width(&self) -> usize {
        NUM_BITWISE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for BitwiseChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &BitwiseCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let flags = [local.is_and, local.is_or, local.is_xor];
        for f in flags {
            builder.assert_bool(f);
        }
        let is_real = flags.iter().fold(AB::Expr::ZERO, |acc, &f| acc + e(f));
        builder.assert_bool(is_real.clone());
        let byte_op = e(local.is_and) * AB::Expr::from_u8(ByteOp::And as u8)
            + e(local.is_or) * AB::Expr::from_u8(ByteOp::Or as u8)
            + e(local.is_xor) * AB::Expr::from_u8(ByteOp::Xor as u8);
        for j in 0..8 {
            byte_lookup(builder, byte_op.clone(), local.a[j], local.b[j], local.c[j], is_real.clone());
        }
        let op = op_selector::<AB>(&flags, &[Opcode::And, Opcode::Or, Opcode::Xor]);
        let message = alu_message::<AB>(op, &local.a, &local.b, local.c.map(e));
        builder.push_interaction(ALU, message, Count::bounded(-is_real, 1));
    }
}
