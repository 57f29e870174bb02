use core::borrow::BorrowMut;

use hearth_stark::config::{POSEIDON2_WIDTH, SPONGE_RATE};
use hearth_stark::{Challenge, Val};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::chips::poseidon2::Poseidon2Requests;
use crate::circuit::{Cell, OpeningInstr, table_height};

/// One row of the opening table as a run computes it.
#[derive(Clone, Debug)]
pub struct OpeningRow {
    /// The permutation's input.
    pub input: [Val; POSEIDON2_WIDTH],
    /// Its output.
    pub output: [Val; POSEIDON2_WIDTH],
    /// The folding factor.
    pub factor: Cell,
    /// The running sum after each rate slot (zero where the slot holds no value).
    pub sums: [Cell; SPONGE_RATE],
}

impl OpeningRow {
    /// The row of `instr` absorbing `values` after the hash's `previous` row (none on its first),
    /// its permutation recorded in `permutations`.
    pub fn compute(
        instr: &OpeningInstr,
        values: &[Option<Val>; SPONGE_RATE],
        previous: Option<&OpeningRow>,
        factor: Cell,
        permutations: &mut Poseidon2Requests,
    ) -> Self {
        let carried = previous.map_or([Val::ZERO; POSEIDON2_WIDTH], |p| p.output);
        let mut input = carried;
        for (slot, value) in input.iter_mut().zip(values) {
            if let Some(value) = value {
                *slot = *value;
            }
        }
        let output = permutations.permute(input);
        let ext = |cell: &Cell| Challenge::from_basis_coefficients_slice(cell).expect("eight coordinates");
        let factor_ext = ext(&factor);
        let mut sum = previous.map_or(Challenge::ZERO, |p| ext(&p.sums[SPONGE_RATE - 1]));
        let mut sums = [[Val::ZERO; 8]; SPONGE_RATE];
        for (i, value) in values.iter().enumerate() {
            if let Some(value) = value {
                sum = if instr.restart[i] { Challenge::from(*value) } else { sum * factor_ext + *value };
                sums[i] = sum.as_basis_coefficients_slice().try_into().expect("eight coordinates");
            }
        }
        Self { input, output, factor, sums }
    }
}

/// The program's rows of the opening table, padded with rows that do nothing.
pub fn preprocessed_trace(instructions: &[OpeningInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_OPENING_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_OPENING_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut OpeningPreprocessedCols<Val> = row.borrow_mut();
        p.is_real = Val::ONE;
        p.first = Val::from_bool(instr.first);
        for i in 0..SPONGE_RATE {
            let is_value = instr.values[i].is_some();
            p.restart[i] = Val::from_bool(is_value && instr.restart[i]);
            p.chain[i] = Val::from_bool(is_value && !instr.restart[i]);
            p.sum[i] = Val::from_u32(instr.sums[i].unwrap_or(0));
            p.sum_mults[i] = Val::from_u32(instr.sum_mults[i]);
        }
        if let Some(digest) = instr.digest {
            p.digest = digest.map(Val::from_u32);
            p.digest_mults = instr.digest_mults.map(Val::from_u32);
        }
        p.factor = Val::from_u32(instr.factor);
    }
    RowMajorMatrix::new(values, NUM_OPENING_PREPROCESSED_COLS)
}

/// The run's rows of the opening table.
pub fn generate_trace(instructions: &[OpeningInstr], rows: &[OpeningRow]) -> RowMajorMatrix<Val> {
    assert_eq!(instructions.len(), rows.len(), "one computed row per instruction");
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_OPENING_COLS];
    for (trace_row, row) in values.chunks_exact_mut(NUM_OPENING_COLS).zip(rows) {
        let cols: &mut OpeningCols<Val> = trace_row.borrow_mut();
        cols.input = row.input;
        cols.output = row.output;
        cols.factor = row.factor;
        cols.sums = row.sums;
    }
    RowMajorMatrix::new(values, NUM_OPENING_COLS)
}
