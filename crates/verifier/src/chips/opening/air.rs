use core::borrow::Borrow;
use std::sync::Arc;

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::CELL;
use crate::bus::{MEMORY, POSEIDON2};
use crate::chips::alu::ext_product;

/// The opening table.
///
/// # Soundness
/// - Every flag, address and count is preprocessed: fixed by the program's commitment, which
///   lays each hash out on consecutive rows, its first row flagged `first`.
/// - A real row looks `(input, output)` up on the Poseidon2 bus: `output` is the permutation of
///   `input`.
/// - A real row's input is its absorbed values in the slots that hold one (`restart` or
///   `chain`), and elsewhere zero on a `first` row or the previous row's output: the padding-free
///   overwrite sponge Hearth's Merkle leaves are hashed with. The digest (the first 9 outputs)
///   is provided to memory as many times as the program reads it.
/// - Each value slot's sum is `value` where a matrix row starts (`restart`) and
///   `previous * factor + value` where it continues (`chain`): the previous slot's sum, the
///   previous row's last for slot 0. A sum where a matrix row ends is provided to memory.
///   `factor` is read from memory on every real row.
/// - The values themselves are free: only the digest, which the program compares with a
///   commitment, ties them to anything. The sums are therefore sums of the committed values.
#[derive(Clone, Debug, Default)]
pub struct OpeningChip {
    /// The program's rows; `None` for a verifier, which reads only their commitment.
    pub preprocessed: Option<Arc<RowMajorMatrix<Val>>>,
}

impl BaseAir<Val> for OpeningChip {
    fn width(&self) -> usize {
        NUM_OPENING_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed.as_deref().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        NUM_OPENING_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        let mut columns: Vec<usize> = OPENING_COL_MAP.input.to_vec();
        columns.extend(OPENING_COL_MAP.factor);
        columns.extend(OPENING_COL_MAP.sums[0]);
        columns
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        let p = &OPENING_PREPROCESSED_COL_MAP;
        let mut columns = vec![p.is_real, p.first];
        columns.extend(p.restart);
        columns.extend(p.chain);
        columns
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for OpeningChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &OpeningCols<AB::Var> = main.current_slice().borrow();
        let next: &OpeningCols<AB::Var> = main.next_slice().borrow();
        let prep = builder.preprocessed().clone();
        let p: &OpeningPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let p_next: &OpeningPreprocessedCols<AB::Var> = prep.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let ext = |cell: &[AB::Var; CELL]| -> [AB::Expr; CELL] { cell.map(e) };
        // The base value `v` as an extension element.
        let embed = |v: AB::Var| -> [AB::Expr; CELL] {
            core::array::from_fn(|k| if k == 0 { e(v) } else { AB::Expr::ZERO })
        };

        // The sponge state: zero on a first row, carried from the row before on the others.
        let continues_next = e(p_next.is_real) - e(p_next.first);
        for i in 0..POSEIDON2_WIDTH {
            let (free, free_next) = if i < SPONGE_RATE {
                (
                    AB::Expr::ONE - e(p.restart[i]) - e(p.chain[i]),
                    AB::Expr::ONE - e(p_next.restart[i]) - e(p_next.chain[i]),
                )
            } else {
                (AB::Expr::ONE, AB::Expr::ONE)
            };
            builder.assert_zero(e(p.first) * free * e(local.input[i]));
            builder
                .when_transition()
                .assert_zero(continues_next.clone() * free_next * (e(next.input[i]) - e(local.output[i])));
        }

        // The sums: restarted, or continued from the slot before (the previous row's last).
        let factor = ext(&local.factor);
        for i in 0..SPONGE_RATE {
            let value = embed(local.input[i]);
            let sum = ext(&local.sums[i]);
            for k in 0..CELL {
                builder.when(p.restart[i]).assert_eq(sum[k].clone(), value[k].clone());
            }
            if i > 0 {
                let continued = ext_product(&ext(&local.sums[i - 1]), &factor);
                for k in 0..CELL {
                    builder
                        .when(p.chain[i])
                        .assert_eq(sum[k].clone(), continued[k].clone() + value[k].clone());
                }
            }
        }
        let continued = ext_product(&ext(&local.sums[SPONGE_RATE - 1]), &ext(&next.factor));
        let value_next = embed(next.input[0]);
        for k in 0..CELL {
            builder
                .when_transition()
                .when(p_next.chain[0])
                .assert_eq(e(next.sums[0][k]), continued[k].clone() + value_next[k].clone());
        }

        // The permutation, the factor read, the sums and the digest written.
        let mut permutation: Vec<AB::Expr> = local.input.map(e).to_vec();
        permutation.extend(local.output.map(e));
        builder.push_interaction(POSEIDON2, permutation, Count::bounded(e(p.is_real), 1));
        let message = |addr: AB::Var, value: [AB::Expr; CELL]| {
            let mut message = vec![e(addr)];
            message.extend(value);
            message
        };
        builder.push_interaction(MEMORY, message(p.factor, factor), Count::bounded(e(p.is_real), 1));
        for i in 0..SPONGE_RATE {
            builder.push_interaction(
                MEMORY,
                message(p.sum[i], ext(&local.sums[i])),
                Count::provided(-e(p.sum_mults[i])),
            );
        }
        for k in 0..DIGEST_ELEMS {
            builder.push_interaction(
                MEMORY,
                message(p.digest[k], embed(local.output[k])),
                Count::provided(-e(p.digest_mults[k])),
            );
        }
    }
}
