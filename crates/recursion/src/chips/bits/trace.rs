use core::borrow::BorrowMut;

use hearth_stark::Val;
use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::circuit::{BitsInstr, Memory, NUM_BITS, table_height};

/// The program's rows of the bits table, padded with rows that do nothing.
pub fn preprocessed_trace(instructions: &[BitsInstr]) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_BITS_PREPROCESSED_COLS];
    for (row, instr) in values.chunks_exact_mut(NUM_BITS_PREPROCESSED_COLS).zip(instructions) {
        let p: &mut BitsPreprocessedCols<Val> = row.borrow_mut();
        p.input = Val::from_u32(instr.input);
        p.blocks = instr.blocks.map(Val::from_u32);
        p.block_mults = instr.block_mults.map(Val::from_u32);
        p.is_real = Val::ONE;
    }
    RowMajorMatrix::new(values, NUM_BITS_PREPROCESSED_COLS)
}

/// One row's columns for `value` (padding rows decompose zero).
pub(crate) fn decompose(value: Val, cols: &mut BitsCols<Val>) {
    let integer = value.as_canonical_u32();
    cols.bits = core::array::from_fn(|i| Val::from_bool(integer >> i & 1 == 1));
    let top_set = integer >> 24;
    let distance = Val::from_u32(top_set.count_ones()) - Val::from_u32(7);
    cols.top_inv = distance.try_inverse().unwrap_or(Val::ZERO);
    debug_assert_eq!(NUM_BITS, 31);
}

/// The decompositions the run made.
pub fn generate_trace(instructions: &[BitsInstr], memory: &Memory) -> RowMajorMatrix<Val> {
    let height = table_height(instructions.len());
    let mut values = vec![Val::ZERO; height * NUM_BITS_COLS];
    let inputs = instructions.iter().map(|i| memory.get_base(i.input)).chain(std::iter::repeat(Val::ZERO));
    for (row, value) in values.chunks_exact_mut(NUM_BITS_COLS).zip(inputs) {
        decompose(value, row.borrow_mut());
    }
    RowMajorMatrix::new(values, NUM_BITS_COLS)
}
