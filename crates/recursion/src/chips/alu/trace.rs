use core::borrow::BorrowMut;

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{AluInstr, AluOp, Memory, table_height};

/// The program's rows of the arithmetic table, padded with rows without an operation.
pub fn preprocessed_trace(instructions: &[AluInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_ALU_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_ALU_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut AluPreprocessedCols<Val> = row.borrow_mut();
        p.a = Val::from_u32(instr.a);
        p.b = Val::from_u32(instr.b);
        p.c = Val::from_u32(instr.c);
        p.out = Val::from_u32(instr.out);
        p.out_mult = Val::from_u32(instr.out_mult);
        *match instr.op {
            AluOp::Add => &mut p.is_add,
            AluOp::Sub => &mut p.is_sub,
            AluOp::Mul => &mut p.is_mul,
            AluOp::MulAdd => &mut p.is_mul_add,
            AluOp::AssertEq => &mut p.is_eq,
        } = Val::ONE;
    }
    RowMajorMatrix::new(values, NUM_ALU_PREPROCESSED_COLS)
}

/// Operands and results as the run computed them.
pub fn generate_trace(instructions: &[AluInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_ALU_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_ALU_COLS).zip(instructions) {
        let cols: &mut AluCols<Val> = row.borrow_mut();
        cols.a = memory.get(instr.a);
        cols.b = memory.get(instr.b);
        if instr.op == AluOp::MulAdd {
            cols.c = memory.get(instr.c);
        }
        if instr.op != AluOp::AssertEq {
            cols.out = memory.get(instr.out);
        }
    }
    RowMajorMatrix::new(values, NUM_ALU_COLS)
}
