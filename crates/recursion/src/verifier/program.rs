//! One recursion step: a program that verifies a proof of given tables and re-exposes its
//! statement (the inner tables' preprocessed commitment, i.e. the inner program's key, its
//! public values, and a hash of its periodic columns' values) as its own public values.
//! Proving it turns the inner proof into a proof of the same statement made by the recursion
//! tables. The periodic values are inputs, not constants, so one program serves every proof
//! of the same shape whatever data the periodic columns carry (a run's input and output, a
//! shard's boundary).

use hearth_stark::config::{DIGEST_ELEMS, Hash};
use hearth_stark::prover::{Commitment, StarkProof};
use hearth_stark::{ProofParams, ProvableAir, StarkError, Val};
use p3_air::BaseAir;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::CryptographicHasher;
use tracing::info_span;

use super::merkle::hash_cells;
use super::stark::{InnerOpenings, InnerShape, allocate_inner, two_pass_inputs, verify_inner};
use super::transcript::digest_cells;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, CircuitProof, Felt, base_cell};

/// What a proof proves: the key of the tables' program, their public values and the values of
/// their periodic columns.
#[derive(Clone, Debug)]
pub struct Statement {
    /// The commitment to the tables' preprocessed columns.
    pub key: Commitment,
    /// Public values per table.
    pub public_values: Vec<Vec<Val>>,
    /// Per table, per periodic column, its values over one period.
    pub periodic: Vec<Vec<Vec<Val>>>,
}

impl Statement {
    /// The statement of a proof of `airs` (their periodic columns read from them).
    pub fn of<A: BaseAir<Val>>(airs: &[A], key: Commitment, public_values: Vec<Vec<Val>>) -> Self {
        let periodic = airs.iter().map(|a| a.periodic_columns().into_owned()).collect();
        Self { key, public_values, periodic }
    }

    /// The sponge hash of every periodic value, table by table, column by column; `None`
    /// without periodic columns.
    pub fn periodic_digest(&self) -> Option<[Val; DIGEST_ELEMS]> {
        let values: Vec<Val> = self.periodic.iter().flatten().flatten().copied().collect();
        (!values.is_empty()).then(|| Hash::new(default_koalabear_poseidon2_24()).hash_iter(values))
    }

    /// What a recursion step exposes for this statement: the key, the public values, then
    /// the periodic digest when there is one.
    pub fn exposed(&self) -> Vec<Val> {
        let mut exposed: Vec<Val> = self.key.roots()[0].to_vec();
        exposed.extend(self.public_values.iter().flatten());
        exposed.extend(self.periodic_digest().into_iter().flatten());
        exposed
    }

    fn input_cells(&self) -> Vec<Cell> {
        self.key.roots()[0]
            .iter()
            .chain(self.public_values.iter().flatten())
            .chain(self.periodic.iter().flatten().flatten())
            .map(|&v| base_cell(v))
            .collect()
    }
}

/// A program verifying proofs of one shape.
pub struct ProofVerifierProgram {
    /// The program.
    pub circuit: Circuit,
    shape: InnerShape,
    openings: InnerOpenings,
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
        let mut b = CircuitBuilder::new();
        let key = digest_cells(&mut b);
        let public_values: Vec<Vec<Felt>> =
            shape.batch.public_value_counts.iter().map(|&n| (0..n).map(|_| b.input()).collect()).collect();
        let periodic: Vec<Vec<Vec<Felt>>> = airs
            .iter()
            .map(|a| a.periodic_columns().iter().map(|c| c.iter().map(|_| b.input()).collect()).collect())
            .collect();
        for &cell in key.iter().chain(public_values.iter().flatten()) {
            b.expose(cell);
        }
        let periodic_cells: Vec<Felt> = periodic.iter().flatten().flatten().copied().collect();
        if !periodic_cells.is_empty() {
            for cell in hash_cells(&mut b, &periodic_cells) {
                b.expose(cell);
            }
        }
        let cells = allocate_inner(&mut b, &shape, public_values, Some(key));
        let openings = verify_inner(&mut b, &shape, airs, &periodic, &cells)?;
        Ok(Self { circuit: b.build(), shape, openings })
    }

    /// The shape of proofs this program verifies.
    pub fn shape(&self) -> &InnerShape {
        &self.shape
    }

    /// The program's inputs for `proof` of `statement`: a first run with placeholder paths
    /// gives the query indices, from which the authentication paths are restored.
    pub fn inputs(&self, proof: &StarkProof, statement: &Statement) -> Result<Vec<Cell>, CircuitError> {
        two_pass_inputs(&self.circuit, &self.shape, &self.openings.layout, &statement.input_cells(), proof)
    }

    /// Proves that `proof` of `statement` verifies, at `params`.
    pub fn prove(
        &self,
        params: &ProofParams,
        proof: &StarkProof,
        statement: &Statement,
    ) -> Result<CircuitProof, CircuitError> {
        let inputs = {
            let _span = info_span!("recursion_witness").entered();
            self.inputs(proof, statement)?
        };
        self.circuit.prove(params, &inputs)
    }
}
