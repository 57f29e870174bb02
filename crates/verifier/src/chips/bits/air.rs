use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::bus::MEMORY;
use crate::{CELL, NUM_BITS};

/// Bits below the top seven: KoalaBear's modulus is `2^31 - 2^24 + 1`.
const LOW_BITS: usize = 24;

/// The bits table.
///
/// # Soundness
/// - Addresses, counts and `is_real` are preprocessed: fixed by the program's commitment.
/// - Every bit is boolean, and the value read is `sum bits[i] 2^i`, an integer below 2^31.
/// - Canonical: with `d` = (set bits among bits 24..31) - 7, `is_top = 1 - d * top_inv`
///   satisfies `is_top * d = 0`, so `is_top` is 0 unless all seven top bits are set, where
///   it is 1; then `is_top * (sum of the low 24 bits) = 0` forces the low bits to zero. So the
///   integer is below `p = 2^31 - 2^24 + 1`: the one decomposition of the field element.
/// - The bits are provided to memory eight per cell (block `k`'s limb `i` is bit `8k + i`,
///   the last block's last limb zero), each block as many times as the program reads it.
#[derive(Clone, Debug, Default)]
pub struct BitsChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for BitsChip {
    fn width(&self) -> usize {
        NUM_BITS_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_BITS_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for BitsChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &BitsCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &BitsPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        for &bit in &local.bits {
            builder.assert_bool(bit);
        }
        let top_set: AB::Expr = local.bits[LOW_BITS..].iter().map(|&b| e(b)).sum();
        let distance = top_set - AB::Expr::from_usize(NUM_BITS - LOW_BITS);
        let is_top = AB::Expr::ONE - distance.clone() * e(local.top_inv);
        builder.assert_zero(is_top.clone() * distance);
        let low_set: AB::Expr = local.bits[..LOW_BITS].iter().map(|&b| e(b)).sum();
        builder.assert_zero(is_top * low_set);

        let value: AB::Expr =
            local.bits.iter().enumerate().map(|(i, &b)| e(b) * AB::Expr::from_u32(1 << i)).sum();
        let mut read = vec![e(p.input), value];
        read.resize(CELL + 1, AB::Expr::ZERO);
        builder.push_interaction(MEMORY, read, Count::bounded(e(p.is_real), 1));
        for (k, &block) in p.blocks.iter().enumerate() {
            let mut message = vec![e(block)];
            message.extend(
                (0..CELL).map(|limb| local.bits.get(CELL * k + limb).map_or(AB::Expr::ZERO, |&bit| e(bit))),
            );
            builder.push_interaction(MEMORY, message, Count::provided(-e(p.block_mults[k])));
        }
    }
}
