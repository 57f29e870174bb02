//! One recursion step: a program that verifies a proof of given tables and re-exposes its
//! statement (the inner tables' preprocessed commitment, i.e. the inner program's key, and
//! its public values) as its own public values. Proving it turns the inner proof into a
//! proof of the same statement made by the recursion tables.

use hearth_stark::config::DIGEST_ELEMS;
use hearth_stark::prover::{Commitment, StarkProof};
use hearth_stark::{ProofParams, ProvableAir, StarkError, Val};
use tracing::info_span;

use super::stark::{InnerOpenings, InnerShape, allocate_inner, inner_inputs, verify_inner};
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, CircuitProof, Felt, base_cell};

/// A program verifying proofs of one shape.
pub struct ProofVerifierProgram {
    /// The program.
    pub circuit: Circuit,
    shape: InnerShape,
    openings: InnerOpenings,
}

/// The statement a recursion step exposes: the inner key, then the inner public values.
pub fn exposed_statement(preprocessed: &Commitment, public_values: &[Vec<Val>]) -> Vec<Val> {
    preprocessed.roots()[0].iter().copied().chain(public_values.iter().flatten().copied()).collect()
}

impl ProofVerifierProgram {
    /// Builds the verifier of proofs of `airs` shaped like `shape` (which must have
    /// preprocessed tables: their commitment is the inner statement's key).
    pub fn build<A: ProvableAir>(airs: &[A], shape: InnerShape) -> Result<Self, StarkError> {
        if !shape.batch.has_preprocessed_commitment {
            return Err(StarkError::Shape(
                "the inner tables have no preprocessed commitment to expose".into(),
            ));
        }
        let lookups = hearth_stark::table_lookups(&shape.params, airs, &shape.degree_bits)?;
        let mut b = CircuitBuilder::new();
        let key: [Felt; DIGEST_ELEMS] = core::array::from_fn(|_| b.input());
        let public_values: Vec<Vec<Felt>> =
            shape.batch.public_value_counts.iter().map(|&n| (0..n).map(|_| b.input()).collect()).collect();
        for &cell in key.iter().chain(public_values.iter().flatten()) {
            b.expose(cell);
        }
        let cells = allocate_inner(&mut b, &shape, public_values, Some(key));
        let openings = verify_inner(&mut b, &shape, airs, &lookups, &cells)?;
        Ok(Self { circuit: b.build(), shape, openings })
    }

    /// The shape of proofs this program verifies.
    pub fn shape(&self) -> &InnerShape {
        &self.shape
    }

    /// The program's inputs for `proof` of the statement `(preprocessed, public_values)`:
    /// a first run with placeholder paths gives the query indices, from which the
    /// authentication paths are restored.
    pub fn inputs(
        &self,
        proof: &StarkProof,
        preprocessed: &Commitment,
        public_values: &[Vec<Val>],
    ) -> Result<Vec<Cell>, CircuitError> {
        let prefix: Vec<Cell> =
            exposed_statement(preprocessed, public_values).into_iter().map(base_cell).collect();
        let with = |tail: Vec<Cell>| prefix.iter().copied().chain(tail).collect::<Vec<_>>();
        let placeholder = with(inner_inputs(&self.shape, proof, None)?);
        let first = self.circuit.run_unchecked(&placeholder)?;
        Ok(with(inner_inputs(&self.shape, proof, Some((&first, &self.openings.layout)))?))
    }

    /// Proves that `proof` verifies, at `params`.
    pub fn prove(
        &self,
        params: &ProofParams,
        proof: &StarkProof,
        preprocessed: &Commitment,
        public_values: &[Vec<Val>],
    ) -> Result<CircuitProof, CircuitError> {
        let inputs = {
            let _span = info_span!("recursion_witness").entered();
            self.inputs(proof, preprocessed, public_values)?
        };
        self.circuit.prove(params, &inputs)
    }
}
