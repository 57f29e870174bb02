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
use super::stark::{InnerOpenings, InnerShape, InputPart, allocate_inner, two_pass_inputs, verify_inner};
use super::transcript::{DigestCells, digest_cells};
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

    /// The statement as the program's input cells: key, public values, periodic values.
    pub fn input_cells(&self) -> Vec<Cell> {
        self.key.roots()[0]
            .iter()
            .chain(self.public_values.iter().flatten())
            .chain(self.periodic.iter().flatten().flatten())
            .map(|&v| base_cell(v))
            .collect()
    }
}

/// A proof verified inside a program under construction: the cells holding its statement
/// (inputs of the program), and what filling the program's inputs for it takes.
pub struct VerifiedProof {
    /// The inner key.
    pub key: DigestCells,
    /// The inner public values, per table.
    pub public_values: Vec<Vec<Felt>>,
    /// The inner periodic values, per table, per column.
    pub periodic: Vec<Vec<Vec<Felt>>>,
    shape: InnerShape,
    openings: InnerOpenings,
}

impl VerifiedProof {
    /// The proof's shape.
    pub fn shape(&self) -> &InnerShape {
        &self.shape
    }

    /// This proof's stretches of the program's inputs: its statement, then its values.
    pub fn input_parts<'a>(
        &'a self,
        statement_cells: &'a [Cell],
        proof: &'a StarkProof,
    ) -> [InputPart<'a>; 2] {
        [
            InputPart::Cells(statement_cells),
            InputPart::Proof { shape: &self.shape, layout: &self.openings.layout, proof },
        ]
    }
}

/// Adds to `b` the verification of a proof of `airs` shaped like `shape` (which must have
/// preprocessed tables: their commitment is the inner statement's key). Its statement and
/// values become the program's next inputs, in that order.
pub fn verify_proof<A: ProvableAir>(
    b: &mut CircuitBuilder,
    airs: &[A],
    shape: InnerShape,
) -> Result<VerifiedProof, StarkError> {
    if !shape.batch.has_preprocessed_commitment {
        return Err(StarkError::Shape("the inner tables have no preprocessed commitment to expose".into()));
    }
    let key = digest_cells(b);
    let public_values: Vec<Vec<Felt>> =
        shape.batch.public_value_counts.iter().map(|&n| (0..n).map(|_| b.input()).collect()).collect();
    let periodic: Vec<Vec<Vec<Felt>>> = airs
        .iter()
        .map(|a| a.periodic_columns().iter().map(|c| c.iter().map(|_| b.input()).collect()).collect())
        .collect();
    let cells = allocate_inner(b, &shape, public_values.clone(), Some(key));
    let openings = verify_inner(b, &shape, airs, &periodic, &cells)?;
    Ok(VerifiedProof { key, public_values, periodic, shape, openings })
}

/// A program verifying proofs of one shape and exposing their statement.
pub struct ProofVerifierProgram {
    /// The program.
    pub circuit: Circuit,
    verified: VerifiedProof,
}

impl ProofVerifierProgram {
    /// Builds the verifier of proofs of `airs` shaped like `shape` (which must have
    /// preprocessed tables: their commitment is the inner statement's key).
    pub fn build<A: ProvableAir>(airs: &[A], shape: InnerShape) -> Result<Self, StarkError> {
        Self::build_with(airs, shape, false)
    }

    /// [`ProofVerifierProgram::build`], checking the inner proof's opened rows with the opening
    /// table when `opening_table` is set.
    pub fn build_with<A: ProvableAir>(
        airs: &[A],
        shape: InnerShape,
        opening_table: bool,
    ) -> Result<Self, StarkError> {
        let mut b = CircuitBuilder::new();
        if opening_table {
            b.use_opening_table();
        }
        let verified = verify_proof(&mut b, airs, shape)?;
        for &cell in verified.key.iter().chain(verified.public_values.iter().flatten()) {
            b.expose(cell);
        }
        let periodic_cells: Vec<Felt> = verified.periodic.iter().flatten().flatten().copied().collect();
        if !periodic_cells.is_empty() {
            for cell in hash_cells(&mut b, &periodic_cells) {
                b.expose(cell);
            }
        }
        Ok(Self { circuit: b.build(), verified })
    }

    /// The shape of proofs this program verifies.
    pub fn shape(&self) -> &InnerShape {
        self.verified.shape()
    }

    /// The program's inputs for `proof` of `statement`: a first run with placeholder paths
    /// gives the query indices, from which the authentication paths are restored.
    pub fn inputs(&self, proof: &StarkProof, statement: &Statement) -> Result<Vec<Cell>, CircuitError> {
        let cells = statement.input_cells();
        two_pass_inputs(&self.circuit, &self.verified.input_parts(&cells, proof))
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
