//! The final list's own proof: the byte table and the final list table
//! ([`crate::chips::final_list`]), proven once per run after its shards. A recursive verifier
//! checks it as one STARK of a fixed shape per list height, and takes from its public values
//! the list's digest (for the run's challenges) and its sum (to close the run's memory sum).

use core::ops::Range;

use hearth_stark::prover::{Commitment, StarkProof};
use hearth_stark::{ProofParams, ProverBackend, StarkError, Val};
use p3_matrix::Matrix;
use serde::{Deserialize, Serialize};

use crate::ProveError;
use crate::chips::Chip;
use crate::chips::byte::{self, BYTE_TABLE_HEIGHT};
use crate::chips::final_list::{FinalListChip, final_list_public_values, generate_trace};
use crate::lookups::ByteCounts;
use crate::memory_argument::{Challenges, FinalWord};

/// A proof of a run's final list, with its public values (the final list table's).
#[derive(Serialize, Deserialize)]
pub struct FinalListProof {
    /// The STARK proof of the byte and final list tables.
    pub stark: StarkProof,
    /// The final list table's public values ([`crate::chips::final_list::public`]).
    pub public_values: Vec<Val>,
}

impl FinalListProof {
    /// Public values per table, as the proof's tables take them.
    pub fn table_public_values(&self) -> Vec<Vec<Val>> {
        vec![Vec::new(), self.public_values.clone()]
    }
}

/// The proof's tables, in order.
pub fn final_list_chips() -> Vec<Chip> {
    vec![Chip::Byte(byte::ByteChip), Chip::FinalList(FinalListChip::default())]
}

/// The commitment to the proof's preprocessed table (the byte table) under `params`: the same
/// for every run, so a verifier holds it as a constant.
pub fn final_list_commitment(params: &ProofParams) -> Result<Commitment, StarkError> {
    let chips = [Chip::Byte(byte::ByteChip)];
    let height = BYTE_TABLE_HEIGHT.trailing_zeros() as usize;
    hearth_stark::preprocessed_commitment(params, &chips, &[height])?
        .ok_or_else(|| StarkError::Shape("the byte table has no preprocessed rows".into()))
}

/// Proves the final list `words` (sorted by address, each once) of a run whose program image
/// covers the addresses `image`, under the run's `challenges`.
pub fn prove_final_list<B: ProverBackend>(
    backend: &B,
    params: &ProofParams,
    words: &[FinalWord],
    image: &Range<u32>,
    challenges: &Challenges,
) -> Result<FinalListProof, ProveError> {
    let _span = tracing::info_span!("final_list", words = words.len()).entered();
    let mut counts = ByteCounts::default();
    let list = generate_trace(words, image, challenges, &mut counts);
    let public_values = final_list_public_values(words, image, challenges, list.height());
    let traces = vec![byte::generate_trace(&counts), list];
    let table_public_values = vec![Vec::new(), public_values.clone()];
    let proven = backend.prove(params, &final_list_chips(), &traces, &table_public_values)?;
    Ok(FinalListProof { stark: proven.proof, public_values })
}

/// Checks a final list proof natively (the recursive verifier makes the same checks in its
/// program): the STARK under the byte table's commitment.
pub fn verify_final_list(proof: &FinalListProof) -> Result<(), StarkError> {
    let commitment = final_list_commitment(&proof.stark.params)?;
    hearth_stark::verify(&final_list_chips(), &proof.stark, &proof.table_public_values(), Some(commitment))
}

/// Provable bits (Johnson bound) of a final list proof made with `params` whose tables are
/// `2^log_heights` rows tall.
pub fn final_list_bits(params: &ProofParams, log_heights: &[usize]) -> Result<u32, StarkError> {
    let names = ["byte".to_string(), "final_list".to_string()];
    let shapes = hearth_stark::table_shapes(&names, &final_list_chips(), log_heights, params)?;
    hearth_stark::security::proven_bits(&hearth_stark::security_inputs(&shapes, params))
        .map_err(|e| StarkError::Shape(format!("security: {e}")))
}
