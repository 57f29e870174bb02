use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{Memory, PublicInstr, table_height};

/// The program's rows of the public table, padded with rows that read nothing.
pub fn preprocessed_trace(instructions: &[PublicInstr]) -> RowMajorMatrix<Val> {
    let width = num_public_preprocessed_cols(instructions.len());
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * width];
    for (j, (row, instr)) in values.chunks_exact_mut(width).zip(instructions).enumerate() {
        row[PUBLIC_ADDR] = Val::from_u32(instr.input);
        row[PUBLIC_IS_REAL] = Val::ONE;
        row[PUBLIC_SELECT + j] = Val::ONE;
    }
    RowMajorMatrix::new(values, width)
}

/// The public values, one per row.
pub fn generate_trace(instructions: &[PublicInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_PUBLIC_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_PUBLIC_COLS).zip(instructions) {
        row[PUBLIC_VALUE] = memory.get_base(instr.input);
    }
    RowMajorMatrix::new(values, NUM_PUBLIC_COLS)
}
