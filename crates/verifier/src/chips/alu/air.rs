use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_field::extension::BinomiallyExtendable;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::CELL;
use crate::bus::MEMORY;

/// The product of two elements of `F[X]/(X^8 - W)` given by their coordinates, as the
/// challenge field multiplies them.
pub fn ext_product<E: PrimeCharacteristicRing + From<Val>>(a: &[E; CELL], b: &[E; CELL]) -> [E; CELL] {
    let w = E::from(<Val as BinomiallyExtendable<CELL>>::W);
    let mut low: [E; CELL] = core::array::from_fn(|_| E::ZERO);
    let mut high: [E; CELL] = core::array::from_fn(|_| E::ZERO);
    for (i, ai) in a.iter().enumerate() {
        for (j, bj) in b.iter().enumerate() {
            let product = ai.clone() * bj.clone();
            if i + j < CELL {
                low[i + j] += product;
            } else {
                high[i + j - CELL] += product;
            }
        }
    }
    core::array::from_fn(|k| low[k].clone() + w.clone() * high[k].clone())
}

/// The arithmetic table.
///
/// # Soundness
/// - Addresses, counts and the operation flags are preprocessed (at most one flag per row,
///   none on padding rows): fixed by the program's commitment.
/// - A row with an operation reads both operands from memory (a multiply-add row a third,
///   `c`); `out` equals `a + b`, `a - b`, `a * b` (the degree-8 binomial extension's product)
///   or `a * b + c` as its flag says, and is provided to memory as many times as the program
///   reads it; an equality row forces `a = b` and provides nothing.
#[derive(Clone, Debug, Default)]
pub struct AluChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for AluChip {
    fn width(&self) -> usize {
        NUM_ALU_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_ALU_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for AluChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &AluCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &AluPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let (a, b, c, out) = (local.a.map(e), local.b.map(e), local.c.map(e), local.out.map(e));

        let product = ext_product(&a, &b);
        for k in 0..CELL {
            builder.when(p.is_add).assert_eq(out[k].clone(), a[k].clone() + b[k].clone());
            builder.when(p.is_sub).assert_eq(out[k].clone(), a[k].clone() - b[k].clone());
            builder.when(p.is_mul).assert_eq(out[k].clone(), product[k].clone());
            builder.when(p.is_mul_add).assert_eq(out[k].clone(), product[k].clone() + c[k].clone());
            builder.when(p.is_eq).assert_eq(a[k].clone(), b[k].clone());
        }

        let is_real = e(p.is_add) + e(p.is_sub) + e(p.is_mul) + e(p.is_mul_add) + e(p.is_eq);
        let read = |addr: AB::Var, value: &[AB::Expr; CELL]| {
            let mut message = vec![e(addr)];
            message.extend(value.iter().cloned());
            message
        };
        builder.push_interaction(MEMORY, read(p.a, &a), Count::bounded(is_real.clone(), 1));
        builder.push_interaction(MEMORY, read(p.b, &b), Count::bounded(is_real, 1));
        builder.push_interaction(MEMORY, read(p.c, &c), Count::bounded(e(p.is_mul_add), 1));
        builder.push_interaction(MEMORY, read(p.out, &out), Count::provided(-e(p.out_mult)));
    }
}
