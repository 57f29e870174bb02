//! Wraps: one more recursion step over the final step's proof (or the wrap before), proven
//! with parameters tuned for size at a larger blowup. Each wrap verifies a smaller proof than
//! the one before, so its own tables are shorter and a larger blowup, with fewer queries, stays
//! within the field's two-adicity and the prover's memory: the chain trades proving time for
//! bytes (see `docs/recursion.md`, "A chain of wraps").
//!
//! A wrap holds the key of the program it verifies as constants (preprocessed, so its own key
//! fixes the inner one, and through it every layer below) instead of exposing it; the first
//! wrap exposes the digest of the run's statement rather than its values, so the outermost
//! public table stays at one digest however many wraps there are.

use hearth_stark::prover::Commitment;
use hearth_stark::{ProofParams, Val};
use tracing::info_span;

use super::AggregationError;
use crate::chips::RecursionChip;
use crate::circuit::{Circuit, CircuitBuilder, CircuitError, CircuitProof, Felt};
use crate::verifier::merkle::hash_cells;
use crate::verifier::stark::two_pass_inputs;
use crate::verifier::{InnerShape, Statement, VerifiedProof, verify_proof};
use hearth_verifier::Key;

/// A program verifying proofs of one recursion program (fixed by its key) and exposing their
/// statement, or its digest.
pub struct WrapProgram {
    /// The program.
    pub circuit: Circuit,
    inner_airs: Vec<RecursionChip>,
    verified: VerifiedProof,
}

impl WrapProgram {
    /// Builds the wrap of proofs of `airs` shaped like `shape` and made by the program with
    /// key `inner_key`; exposes the inner public values, or with `digest` their sponge hash
    /// ([`hearth_verifier::statement_digest`]).
    pub fn build(
        airs: &[RecursionChip],
        shape: InnerShape,
        inner_key: &Key,
        digest: bool,
    ) -> Result<Self, AggregationError> {
        let mut b = CircuitBuilder::new();
        let verified = verify_proof(&mut b, airs, shape)?;
        b.assert_constants(&verified.key, inner_key.iter().copied());
        let values: Vec<Felt> = verified.public_values.iter().flatten().copied().collect();
        let exposed = if digest { hash_cells(&mut b, &values).to_vec() } else { values };
        for cell in exposed {
            b.expose(cell);
        }
        Ok(Self { circuit: b.build(), inner_airs: airs.to_vec(), verified })
    }

    /// The program's inputs for `inner`, a proof made by the program with key `inner_key`.
    pub fn inputs(
        &self,
        inner: &CircuitProof,
        inner_key: &Commitment,
    ) -> Result<Vec<crate::circuit::Cell>, CircuitError> {
        let public_values = self.table_public_values(&inner.public_values)?;
        let statement = Statement::of(&self.inner_airs, inner_key.clone(), public_values);
        let cells = statement.input_cells();
        two_pass_inputs(&self.circuit, &self.verified.input_parts(&cells, &inner.proof))
    }

    /// Proves that `inner` verifies under `inner_key`, at `params`.
    pub fn prove(
        &self,
        params: &ProofParams,
        inner: &CircuitProof,
        inner_key: &Commitment,
    ) -> Result<CircuitProof, CircuitError> {
        let _span = info_span!("aggregation_wrap").entered();
        let inputs = self.inputs(inner, inner_key)?;
        self.circuit.prove(params, &inputs)
    }

    /// The inner proof's public values placed per table, as the shape expects.
    fn table_public_values(&self, values: &[Val]) -> Result<Vec<Vec<Val>>, CircuitError> {
        let counts = &self.verified.shape().batch.public_value_counts;
        let expected: usize = counts.iter().sum();
        if values.len() != expected {
            return Err(CircuitError::InputCount { expected, got: values.len() });
        }
        let mut rest = values;
        Ok(counts
            .iter()
            .map(|&n| {
                let (table, tail) = rest.split_at(n);
                rest = tail;
                table.to_vec()
            })
            .collect())
    }
}
