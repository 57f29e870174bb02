use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::{BYTE, ByteOp};

/// The byte table.
///
/// # Soundness
/// The preprocessed columns are fixed by the verifier, so every provided message
/// `(op, x, y, op(x, y))` is true for bytes `x, y`. Multiplicities are free: a wrong one only
/// unbalances the bus. No constraints beyond the bus are needed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ByteChip;

/// Rows of the byte table.
pub const BYTE_TABLE_HEIGHT: usize = 1 << 16;

impl<F: p3_field::Field> BaseAir<F> for ByteChip {
    fn width(&self) -> usize {
        NUM_BYTE_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let mut values = Vec::with_capacity(BYTE_TABLE_HEIGHT * NUM_BYTE_PREPROCESSED_COLS);
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                values.extend([x, y, x & y, x | y, x ^ y, (x < y) as u8, x >> 7].map(F::from_u8));
            }
        }
        Some(RowMajorMatrix::new(values, NUM_BYTE_PREPROCESSED_COLS))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_BYTE_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for ByteChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ByteCols<AB::Var> = main.current_slice().borrow();
        let multiplicity = local.multiplicity;
        let prep = builder.preprocessed().clone();
        let p: &BytePreprocessedCols<AB::Var> = prep.current_slice().borrow();
        for op in ByteOp::ALL {
            let z: AB::Expr = match op {
                ByteOp::Range => AB::Expr::ZERO,
                ByteOp::And => p.and.into(),
                ByteOp::Or => p.or.into(),
                ByteOp::Xor => p.xor.into(),
                ByteOp::Ltu => p.ltu.into(),
                ByteOp::Msb => p.msb.into(),
            };
            let m: AB::Expr = multiplicity[op as usize].into();
            builder.push_interaction(
                BYTE,
                [AB::Expr::from_u8(op as u8), p.x.into(), p.y.into(), z],
                Count::provided(-m),
            );
        }
    }
}
