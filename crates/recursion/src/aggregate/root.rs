//! The final step: verifies the aggregation proof of a whole run and closes its memory
//! argument with the final list, stating the run ([`RunStatement`]).
//!
//! It checks the range starts at the first shard, with zero registers and stream positions,
//! and halts; it lists every touched word once (strictly increasing addresses), producing
//! each word's initial token (zero, or the image's marker inside the image) and consuming its
//! final one, and requires the run's memory sum plus this list's to vanish; and it draws the
//! challenges from the shards' list digests and this list's, requiring them to be the ones
//! every shard used. The output sum is left to the verifier, which has the output.

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;

use super::AggregationError;
use super::keys::assert_key_allowed;
use super::node::{Child, assert_all_eq, verify_child};
use super::statement::RunStatement;
use super::tokens::{
    FINAL_WORD_CELLS, FinalWord, WORD_INDEX_BITS, add_token_pair, assert_bool, assert_sorted_row,
    challenges_cells, hash_values, select_felt,
};
use crate::chips::RecursionChip;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, Ext, Felt, base_cell};
use crate::verifier::VerifiedProof;
use crate::verifier::merkle::hash_cells;
use crate::verifier::stark::{InnerShape, InputPart, two_pass_inputs};

/// Register-table rows (the table's height, above the 34 locations): the entry digest covers
/// all of them.
const REGISTER_ROWS: usize = hearth_machine::chips::registers::NUM_REGISTERS;

/// The digest of the register table's initial half at the run's start: every location zero.
pub fn zero_registers_digest() -> [Val; hearth_stark::config::DIGEST_ELEMS] {
    hash_values(core::iter::repeat_n(Val::ZERO, 8 * REGISTER_ROWS))
}

/// The final program for a run whose final list has at most `rows` words.
pub struct FinalProgram {
    /// The program.
    pub circuit: Circuit,
    airs: Vec<RecursionChip>,
    top: VerifiedProof,
    rows: usize,
}

impl FinalProgram {
    /// Builds the final step over aggregation proofs of `airs` shaped like `shape`, with
    /// allowed keys in a tree of `depth` levels and a final list of `rows` rows.
    pub fn build(
        airs: &[RecursionChip],
        shape: &InnerShape,
        depth: usize,
        rows: usize,
    ) -> Result<Self, AggregationError> {
        let mut b = CircuitBuilder::new();
        let (top, t) = verify_child(&mut b, airs, shape)?;
        assert_key_allowed(&mut b, &top.key, &t.keys_root, depth);
        let zero = b.constant(Val::ZERO);
        let one = b.constant(Val::ONE);
        b.assert_eq(t.first, one);
        b.assert_eq(t.halted, one);
        for (cell, value) in t.entry_registers.iter().zip(zero_registers_digest()) {
            let constant = b.constant(value);
            b.assert_eq(*cell, constant);
        }
        let image_lo = b.input();
        let image_hi = b.input();
        let gamma = b.pack(t.gamma);
        let alpha = b.pack(t.alpha);

        let mut sum = Ext::from(zero);
        let mut listed = Vec::with_capacity(rows * FINAL_WORD_CELLS);
        let mut previous: Option<(Felt, Felt)> = None;
        let last_below_lo = b.sub(image_lo, one);
        let last_in_image = b.sub(image_hi, one);
        for _ in 0..rows {
            let cells: [Felt; FINAL_WORD_CELLS] = core::array::from_fn(|_| b.input());
            listed.extend(cells);
            let (is_real, addr, last, in_image, below) = (cells[0], cells[1], cells[5], cells[6], cells[7]);
            assert_bool(&mut b, is_real);
            assert_bool(&mut b, in_image);
            assert_bool(&mut b, below);
            let row = assert_sorted_row(&mut b, previous, is_real, addr);
            let w = row.1;
            previous = Some(row);
            // Inside the image: lo <= w < hi. Outside: w < lo (`below`) or w >= hi.
            let above_lo = b.sub(w, image_lo);
            let under_hi = b.sub(last_in_image, w);
            let past_hi = b.sub(w, image_hi);
            let under_lo = b.sub(last_below_lo, w);
            let outside = select_felt(&mut b, below, past_hi, under_lo);
            let first_bound = select_felt(&mut b, in_image, outside, above_lo);
            let second_bound = b.mul(in_image, under_hi);
            for bound in [first_bound, second_bound] {
                let bound = b.mul(is_real, bound);
                b.assert_below(bound, WORD_INDEX_BITS);
            }
            // Tokens as the machine's memory boundary table forms them: the value packed in
            // three elements, then the stamp and the marker.
            let initial = [addr, zero, zero, zero, zero, in_image];
            let last_token = [addr, cells[2], cells[3], cells[4], last, zero];
            sum = add_token_pair(&mut b, (gamma, alpha), &initial, &last_token, is_real, sum);
        }
        let run_memory = b.pack(t.memory_sum);
        let total = b.ext_add(run_memory, sum);
        b.assert_eq(total, zero);

        let final_list = hash_cells(&mut b, &listed);
        let (gamma_drawn, alpha_drawn) = challenges_cells(&mut b, &t.lists, &final_list);
        assert_all_eq(&mut b, &gamma_drawn, &t.gamma);
        assert_all_eq(&mut b, &alpha_drawn, &t.alpha);

        let statement = RunStatement {
            keys_root: t.keys_root,
            program_key: t.program_key,
            shards: t.count,
            entry_pc: t.entry_pc,
            image_lo,
            image_hi,
            exit_code: t.exit_code,
            input_len: t.input_len,
            output_len: t.output_len,
            gamma: t.gamma,
            alpha: t.alpha,
            output_sum: t.output_sum,
        };
        for cell in statement.to_vec() {
            b.expose(cell);
        }
        Ok(Self { circuit: b.build(), airs: airs.to_vec(), top, rows })
    }

    /// Rows of the final list.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The program's inputs: the run's aggregation proof, the image's words `[lo, hi)` (word
    /// indices) and the final list.
    pub fn inputs(
        &self,
        top: Child<'_>,
        image: &core::ops::Range<u32>,
        words: &[FinalWord],
    ) -> Result<Vec<Cell>, CircuitError> {
        if words.len() > self.rows {
            return Err(CircuitError::InputCount { expected: self.rows, got: words.len() });
        }
        let statement = top.statement_cells(&self.airs);
        let path = top.path.cells();
        let mut extra =
            vec![base_cell(Val::from_u32(image.start / 8)), base_cell(Val::from_u32(image.end / 8))];
        extra.extend(
            words
                .iter()
                .flat_map(|w| w.cells(image))
                .chain(core::iter::repeat(Val::ZERO))
                .take(self.rows * FINAL_WORD_CELLS)
                .map(base_cell),
        );
        let [a, c] = self.top.input_parts(&statement, top.proof);
        two_pass_inputs(&self.circuit, &[a, c, InputPart::Cells(&path), InputPart::Cells(&extra)])
    }
}
