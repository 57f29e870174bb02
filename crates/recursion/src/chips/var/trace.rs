use core::borrow::BorrowMut;

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{Memory, VarInstr, VarKind, table_height};

/// The program's rows of the var table, padded with rows that provide nothing.
pub fn preprocessed_trace(instructions: &[VarInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_VAR_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_VAR_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut VarPreprocessedCols<Val> = row.borrow_mut();
        p.addr = Val::from_u32(instr.out);
        p.mult = Val::from_u32(instr.out_mult);
        match instr.kind {
            VarKind::Const(constant) => {
                p.is_const = Val::ONE;
                p.constant = constant;
            }
            VarKind::Hint { base, .. } => p.is_base = Val::from_bool(base),
            VarKind::Inverse { .. } => {}
        }
    }
    RowMajorMatrix::new(values, NUM_VAR_PREPROCESSED_COLS)
}

/// The values the run wrote to the table's cells.
pub fn generate_trace(instructions: &[VarInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_VAR_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_VAR_COLS).zip(instructions) {
        let cols: &mut VarCols<Val> = row.borrow_mut();
        cols.value = memory.get(instr.out);
    }
    RowMajorMatrix::new(values, NUM_VAR_COLS)
}
