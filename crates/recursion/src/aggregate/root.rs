//! The final step: verifies the aggregation proof of a whole run and closes its memory
//! argument with the final list, stating the run ([`RunStatement`]).
//!
//! It checks the range starts at the first shard, with zero registers and stream positions,
//! and halts; it verifies the final list's proof (every touched word once, strictly increasing
//! addresses, producing each word's initial token, zero or the image's marker inside the image,
//! and consuming its final one: [`hearth_machine::final_list`]) with the run's challenges and
//! image, and requires the run's memory sum plus the list's to vanish; and it draws the
//! challenges from the shards' list digests and the list's digest, requiring them to be the
//! ones every shard used. The output sum is left to the verifier, which has the output.

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;

use super::AggregationError;
use super::keys::assert_key_allowed;
use super::node::{Child, assert_all_eq, verify_child};
use super::statement::RunStatement;
use super::tokens::{challenges_cells, hash_values};
use crate::aggregate::keys::Key;
use crate::chips::RecursionChip;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, Felt, base_cell};
use crate::verifier::stark::{InnerShape, InputPart, two_pass_inputs};
use crate::verifier::transcript::DigestCells;
use crate::verifier::{Statement, VerifiedProof, verify_proof};
use hearth_machine::chips::final_list::public as list_public;
use hearth_machine::final_list::{FinalListProof, final_list_chips, final_list_commitment};
use hearth_stark::config::EXTENSION_DEGREE;

/// The final list table's place in its proof (after the byte table).
const FINAL_LIST_TABLE: usize = 1;

/// Register-table rows (the table's height, above the 34 locations): the entry digest covers
/// all of them.
const REGISTER_ROWS: usize = hearth_machine::chips::registers::NUM_REGISTERS;

/// The digest of the register table's initial half at the run's start: every location zero.
pub fn zero_registers_digest() -> [Val; hearth_stark::config::DIGEST_ELEMS] {
    hash_values(core::iter::repeat_n(Val::ZERO, 8 * REGISTER_ROWS))
}

/// The final program for a run whose final list is proven by a proof shaped like `list_shape`.
pub struct FinalProgram {
    /// The program.
    pub circuit: Circuit,
    airs: Vec<RecursionChip>,
    top: VerifiedProof,
    list: VerifiedProof,
}

impl FinalProgram {
    /// Builds the final step over aggregation proofs of `airs` shaped like `shape`, with
    /// allowed keys in a tree of `depth` levels, and a final list proof
    /// ([`hearth_machine::final_list`]) shaped like `list_shape` whose byte table is committed
    /// as `list_key` says.
    pub fn build(
        airs: &[RecursionChip],
        shape: &InnerShape,
        depth: usize,
        list_shape: InnerShape,
        list_key: &Key,
    ) -> Result<Self, AggregationError> {
        let mut b = CircuitBuilder::new();
        let (top, t) = verify_child(&mut b, airs, shape)?;
        assert_key_allowed(&mut b, &top.key, &t.keys_root, depth);
        let zero = b.constant(Val::ZERO);
        let one = b.constant(Val::ONE);
        b.assert_eq(t.first, one);
        b.assert_eq(t.halted, one);
        b.assert_constants(&t.entry_registers, zero_registers_digest());
        let image_lo = b.input();
        let image_hi = b.input();

        // The final list, in a proof of its own: its byte table is the machine's (the key a
        // constant), its challenges and image the run's; its sum closes the run's memory sum.
        let list = verify_proof(&mut b, &final_list_chips(), list_shape)?;
        b.assert_constants(&list.key, list_key.iter().copied());
        let l = &list.public_values[FINAL_LIST_TABLE];
        if l.len() != list_public::LEN {
            return Err(AggregationError::Shape("a final list table of another layout".into()));
        }
        assert_all_eq(&mut b, &l[list_public::GAMMA], &t.gamma);
        assert_all_eq(&mut b, &l[list_public::ALPHA], &t.alpha);
        b.assert_eq(l[list_public::IMAGE_LO], image_lo);
        b.assert_eq(l[list_public::IMAGE_HI], image_hi);
        let list_sum: [Felt; EXTENSION_DEGREE] = core::array::from_fn(|i| l[list_public::SUM.start + i]);
        let list_sum = b.pack(list_sum);
        let run_memory = b.pack(t.memory_sum);
        let total = b.ext_add(run_memory, list_sum);
        b.assert_eq(total, zero);

        let final_list: DigestCells = core::array::from_fn(|i| l[list_public::DIGEST.start + i]);
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
        Ok(Self { circuit: b.build(), airs: airs.to_vec(), top, list })
    }

    /// The program's inputs: the run's aggregation proof, the image's words `[lo, hi)` (word
    /// indices) and the final list's proof.
    pub fn inputs(
        &self,
        top: Child<'_>,
        image: &core::ops::Range<u32>,
        list: &FinalListProof,
    ) -> Result<Vec<Cell>, CircuitError> {
        let statement = top.statement_cells(&self.airs);
        let path = top.path.cells();
        let extra = vec![base_cell(Val::from_u32(image.start / 8)), base_cell(Val::from_u32(image.end / 8))];
        let commitment = final_list_commitment(&list.stark.params)?;
        let list_statement = Statement::of(&final_list_chips(), commitment, list.table_public_values());
        let list_cells = list_statement.input_cells();
        let [a, c] = self.top.input_parts(&statement, top.proof);
        let [la, lc] = self.list.input_parts(&list_cells, &list.stark);
        two_pass_inputs(&self.circuit, &[a, c, InputPart::Cells(&path), InputPart::Cells(&extra), la, lc])
    }
}
