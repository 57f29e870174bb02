use core::borrow::BorrowMut;

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{Memory, PackDirection, PackInstr, table_height};

/// The program's rows of the pack table, padded with rows that read and write nothing.
pub fn preprocessed_trace(instructions: &[PackInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_PACK_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_PACK_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut PackPreprocessedCols<Val> = row.borrow_mut();
        p.ext = Val::from_u32(instr.ext);
        p.ext_mult = Val::from_u32(instr.ext_mult);
        p.felts = instr.felts.map(Val::from_u32);
        p.felt_mults = instr.felt_mults.map(Val::from_u32);
        p.is_pack = Val::from_bool(instr.direction == PackDirection::Pack);
        p.is_unpack = Val::from_bool(instr.direction == PackDirection::Unpack);
    }
    RowMajorMatrix::new(values, NUM_PACK_PREPROCESSED_COLS)
}

/// The coordinates of each converted element.
pub fn generate_trace(instructions: &[PackInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_PACK_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_PACK_COLS).zip(instructions) {
        let cols: &mut PackCols<Val> = row.borrow_mut();
        cols.value = memory.get(instr.ext);
    }
    RowMajorMatrix::new(values, NUM_PACK_COLS)
}
