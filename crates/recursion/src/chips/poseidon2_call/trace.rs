use core::borrow::BorrowMut;

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{Memory, Poseidon2CallInstr, table_height};

/// The program's rows of the Poseidon2 call table, padded with rows that do nothing.
pub fn preprocessed_trace(instructions: &[Poseidon2CallInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_POSEIDON2_CALL_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_POSEIDON2_CALL_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut Poseidon2CallPreprocessedCols<Val> = row.borrow_mut();
        p.input = instr.input.map(Val::from_u32);
        p.output = instr.output.map(Val::from_u32);
        p.output_mults = instr.output_mults.map(Val::from_u32);
        p.is_real = Val::ONE;
        if let Some(swap) = instr.swap {
            p.has_swap = Val::ONE;
            p.swap = Val::from_u32(swap);
        }
    }
    RowMajorMatrix::new(values, NUM_POSEIDON2_CALL_PREPROCESSED_COLS)
}

/// Inputs and outputs of each permutation as the run computed them.
pub fn generate_trace(instructions: &[Poseidon2CallInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_POSEIDON2_CALL_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_POSEIDON2_CALL_COLS).zip(instructions) {
        let cols: &mut Poseidon2CallCols<Val> = row.borrow_mut();
        cols.input = instr.input.map(|a| memory.get_base(a));
        cols.output = instr.output.map(|a| memory.get_base(a));
        cols.swap_bit = instr.swap.map_or(Val::ZERO, |a| memory.get_base(a));
    }
    RowMajorMatrix::new(values, NUM_POSEIDON2_CALL_COLS)
}
