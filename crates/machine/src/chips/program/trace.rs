use std::collections::HashMap;

use hearth_executor::Program;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use super::decode::decode;
use crate::lookups::padded_height;

/// Opcode number of padding rows: no instruction has it.
pub const PADDING_OPCODE: u32 = 255;

/// The preprocessed rows of `program` (`pc`, then [`InstrCols`]), field elements as `u32`
/// (negative immediates already reduced modulo `p`), padded to a power of two.
pub fn preprocessed_rows(program: &Program) -> RowMajorMatrix<u32> {
    let n = program.code_len();
    let height = padded_height(n);
    let mut values = vec![0u32; height * NUM_PROGRAM_PREPROCESSED_COLS];
    let p = hearth_stark::KOALA_BEAR_MODULUS as i64;
    for (i, row) in values.chunks_exact_mut(NUM_PROGRAM_PREPROCESSED_COLS).enumerate() {
        if i >= n {
            row[1] = PADDING_OPCODE;
            continue;
        }
        let pc = program.code_base() + 4 * i as u64;
        row[0] = pc as u32;
        let decoded = program.instruction_at(pc).and_then(|ins| decode(&ins));
        match decoded {
            Some(d) => {
                for (cell, v) in row[1..].iter_mut().zip(d.fields) {
                    *cell = v.rem_euclid(p) as u32;
                }
            }
            // Undecodable words and `ebreak` stay rows no real CPU row can use.
            None => row[1] = PADDING_OPCODE,
        }
    }
    RowMajorMatrix::new(values, NUM_PROGRAM_PREPROCESSED_COLS)
}

/// Multiplicity column: executions per instruction.
pub fn generate_trace<F: PrimeCharacteristicRing + Clone + Send + Sync>(
    program: &Program,
    height: usize,
    executed: &HashMap<u64, u32>,
) -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(height * NUM_PROGRAM_COLS);
    for (pc, &count) in executed {
        let index = ((pc - program.code_base()) / 4) as usize;
        values[index] = F::from_u32(count);
    }
    RowMajorMatrix::new(values, NUM_PROGRAM_COLS)
}
