//! The final proof's file format and its verification.

use hearth_stark::config::DIGEST_ELEMS;
use hearth_stark::security::proven_bits;
use hearth_stark::{Challenge, Commitment, ProofParams, StarkProof, Val, security_inputs, table_shapes};
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32};
use serde::{Deserialize, Serialize};

use crate::chips::{program_airs, table};
use crate::descriptor::{ProgramDescriptor, ProgramId};
use crate::statement::{RUN_STATEMENT_LEN, RunStatement};

/// A program's or a recursion program's key: the root of the commitment to its preprocessed
/// tables.
pub type Key = [Val; DIGEST_ELEMS];

/// The key of a commitment (its single root: recursion refuses capped commitments).
pub fn key_of(commitment: &Commitment) -> Option<Key> {
    commitment.roots().first().copied()
}

/// Security of one layer of the aggregation (shard proofs, leaves, nodes, final step) by the
/// calculator, in the Johnson-bound regime.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSecurity {
    /// The layer.
    pub layer: String,
    /// Proven bits.
    pub bits: u32,
}

/// What a verifier must know before it sees a proof: the recursion programs allowed in the
/// tree and the outermost program, all fixed by their keys.
///
/// The outermost program is the final step (which closes the run and states it) or, when the
/// final step's proof is wrapped, the last wrap: each wrap verifies a proof of the program
/// below it, whose key is a constant of the wrap (so the outermost key fixes every layer), and
/// the first wrap exposes only the digest of the run's statement.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AggregationKey {
    /// Root of the allowed leaf and node keys.
    pub keys_root: Key,
    /// The outermost program's verifying key.
    pub final_key: Commitment,
    /// The parameters the final proof must be made with (the key is a commitment at them).
    pub final_params: ProofParams,
    /// The parameters of the shard proofs the tree verifies (a program's descriptor, and so
    /// its hash, depends on them).
    pub shard_params: ProofParams,
    /// `log2` of the outermost program's table heights (fixed by the program).
    pub final_log_heights: Vec<usize>,
    /// Whether the outermost proof's public values are the digest of the run's statement
    /// ([`statement_digest`]) rather than the statement: true when the final step is wrapped.
    pub digested_statement: bool,
    /// Security of the layers below the outermost one (their parameters are fixed by the keys).
    pub layers: Vec<LayerSecurity>,
    /// What the key's programs are built from: with it anyone rebuilds the key and compares
    /// (`hearth key --check`) rather than trust whoever made it.
    pub recipe: KeyRecipe,
}

/// Everything an aggregation key's programs are built from. The programs follow from it
/// deterministically and each verifies only proofs of the shape it names, so a key rebuilt
/// from a recipe is sound whoever wrote the recipe: the verifier checks the parameters and
/// the security the rebuild computes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecipe {
    /// Per leaf program, in the order of the allowed keys: the shapes of the shard proofs it
    /// verifies.
    pub leaf_shapes: Vec<ShardShape>,
    /// Whether every leaf is proven at its own heights and lifted, whether or not it fits the
    /// tree's shape (tests cover lifting so on small runs).
    pub lift_every_leaf: bool,
    /// The parameters of the tree's proofs (leaves, lifts and nodes).
    pub tree_params: ProofParams,
    /// `log2` of the final list proof's table heights.
    pub final_list_log_heights: Vec<usize>,
    /// The layers above the tree: the final step's, then each wrap's, innermost first; none
    /// proves the final step at the tree's parameters.
    pub last_layers: Vec<LastLayer>,
}

/// The shape of a shard proof as a leaf program sees it: the tables it holds (machine table
/// indices, ascending) and their heights.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShardShape {
    /// Machine table indices.
    pub tables: Vec<u8>,
    /// `log2` of each table's height.
    pub log_heights: Vec<usize>,
}

/// How one of the layers above the tree (the final step, a wrap) is proven.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LastLayer {
    /// With parameters tuned for size at blowup `2^log_blowup`: query grinding, the longest
    /// final polynomial the shortest table allows and the fewest queries reaching 128 bits.
    SizeTuned(u8),
    /// With the given parameters (their lookups packed for recursion tables).
    Given(ProofParams),
}

/// The digest a wrapped final proof exposes for the run's statement: the sponge hash of its
/// values in exposure order.
pub fn statement_digest(statement: &[Val]) -> Key {
    hearth_stark::config::hash_values(statement.iter().copied())
}

/// Bytes that open an aggregation key file.
pub const AGGREGATION_KEY_MAGIC: &[u8; 8] = b"HEARTHAK";

impl AggregationKey {
    /// The file's bytes: the magic, then the encoding (versioned like final proofs).
    pub fn to_bytes(&self) -> Result<Vec<u8>, VerifyError> {
        let mut bytes = AGGREGATION_KEY_MAGIC.to_vec();
        bytes.extend(
            postcard::to_allocvec(&(AGGREGATION_KEY_VERSION, self))
                .map_err(|e| VerifyError::Encoding(e.to_string()))?,
        );
        Ok(bytes)
    }

    /// Reads an aggregation key file; refuses other files and other versions.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let body = bytes.strip_prefix(AGGREGATION_KEY_MAGIC).ok_or(VerifyError::NotAKey)?;
        // The version first: a key of another version is named as such, not as garbage.
        let (version, rest): (u32, &[u8]) =
            postcard::take_from_bytes(body).map_err(|e| VerifyError::Encoding(e.to_string()))?;
        if version != AGGREGATION_KEY_VERSION {
            return Err(VerifyError::Version { expected: AGGREGATION_KEY_VERSION, got: version });
        }
        postcard::from_bytes(rest).map_err(|e| VerifyError::Encoding(e.to_string()))
    }
}

/// Version of the aggregation key's encoding (3: the key carries its recipe).
pub const AGGREGATION_KEY_VERSION: u32 = 3;

/// Bytes that open a final proof file.
pub const FINAL_PROOF_MAGIC: &[u8; 8] = b"HEARTHFP";
/// Version of the final proof's encoding.
pub const FINAL_PROOF_VERSION: u32 = 2;

/// A run's final proof: one STARK proof of the outermost recursion program, the run's statement
/// ([`RunStatement`]: the proof's public values, or what they are the digest of), the run's
/// output and the security of every layer.
#[derive(Serialize, Deserialize)]
pub struct FinalProof {
    /// The outermost program's proof.
    pub proof: StarkProof,
    /// The run's statement, in exposure order.
    pub public_values: Vec<Val>,
    /// The run's public output.
    pub output: Vec<u8>,
    /// The program that ran; its hash is the program hash a verifier is asked about.
    pub descriptor: ProgramDescriptor,
    /// Security of every layer, the final step's last, as the prover recorded it; the verifier
    /// recomputes it and refuses a record that differs.
    pub security: Vec<LayerSecurity>,
}

#[derive(Deserialize)]
struct Envelope {
    version: u32,
    proof: FinalProof,
}

#[derive(Serialize)]
struct EnvelopeRef<'a> {
    version: u32,
    proof: &'a FinalProof,
}

impl FinalProof {
    /// The file's bytes: the magic, then the versioned encoding.
    pub fn to_bytes(&self) -> Result<Vec<u8>, VerifyError> {
        let mut bytes = FINAL_PROOF_MAGIC.to_vec();
        let envelope = EnvelopeRef { version: FINAL_PROOF_VERSION, proof: self };
        bytes.extend(postcard::to_allocvec(&envelope).map_err(|e| VerifyError::Encoding(e.to_string()))?);
        Ok(bytes)
    }

    /// Reads a final proof file; refuses other files and other versions.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let body = bytes.strip_prefix(FINAL_PROOF_MAGIC).ok_or(VerifyError::NotAFinalProof)?;
        let envelope: Envelope =
            postcard::from_bytes(body).map_err(|e| VerifyError::Encoding(e.to_string()))?;
        if envelope.version != FINAL_PROOF_VERSION {
            return Err(VerifyError::Version { expected: FINAL_PROOF_VERSION, got: envelope.version });
        }
        Ok(envelope.proof)
    }

    /// The lowest security over its layers, as recorded.
    pub fn min_bits(&self) -> Option<u32> {
        self.security.iter().map(|l| l.bits).min()
    }
}

/// What a verified final proof establishes.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The program hash (of the proof's descriptor).
    pub program_hash: [u8; 32],
    /// The statement proven.
    pub statement: RunStatement<Val>,
    /// Shards the run was split into.
    pub shards: u64,
    /// The run's exit code.
    pub exit_code: u32,
    /// Length of the input the run read from.
    pub input_len: u64,
    /// Security of every layer, the final step's last.
    pub security: Vec<LayerSecurity>,
    /// The lowest of them.
    pub min_bits: u32,
}

/// Why a final proof was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The bytes are not a final proof.
    #[error("not a Hearth final proof (wrong magic bytes)")]
    NotAFinalProof,
    /// The bytes are not an aggregation key.
    #[error("not a Hearth aggregation key (wrong magic bytes)")]
    NotAKey,
    /// An encoding of another version.
    #[error("final proof format version {got}, this verifier reads version {expected}")]
    Version {
        /// The version read.
        expected: u32,
        /// The proof's version.
        got: u32,
    },
    /// The bytes do not decode.
    #[error("malformed final proof: {0}")]
    Encoding(String),
    /// The proof's shape is not the final program's.
    #[error("the proof is not of the final program: {0}")]
    Shape(String),
    /// The proof is about another program.
    #[error("the proof is of program 0x{}, not the one expected", hex(.0))]
    WrongProgram([u8; 32]),
    /// The STARK proof does not verify.
    #[error("the final proof does not verify: {0}")]
    Rejected(String),
    /// The proof verifies but states something else than what the verifier was asked about.
    #[error("the proof is about {0}")]
    Statement(&'static str),
    /// The recorded security differs from the computed one.
    #[error("the recorded security {recorded:?} differs from the calculator's {computed:?}")]
    Security {
        /// As recorded in the proof.
        recorded: Vec<LayerSecurity>,
        /// As computed.
        computed: Vec<LayerSecurity>,
    },
}

/// The output's sum `sum_i 1 / (gamma - (i + alpha byte_i))` that the final statement carries.
pub fn output_sum(gamma: Challenge, alpha: Challenge, output: &[u8]) -> Challenge {
    output
        .iter()
        .enumerate()
        .map(|(position, &byte)| {
            let fingerprint = alpha * Val::from_u8(byte) + Val::from_usize(position);
            (gamma - fingerprint).try_inverse().unwrap_or_default()
        })
        .sum()
}

/// Checks a run's final statement against what the verifier knows: the allowed keys, the
/// program and the output (its sum recomputed with the statement's challenges).
pub fn check_run_statement(
    s: &RunStatement<Val>,
    keys_root: &Key,
    program: &ProgramId,
    output: &[u8],
) -> Result<(), VerifyError> {
    if &s.keys_root != keys_root {
        return Err(VerifyError::Statement("another set of recursion programs"));
    }
    if s.program_key != program.key {
        return Err(VerifyError::Statement("another program"));
    }
    let word = |a: u32| Val::from_u32(a / 8);
    if s.entry_pc != Val::from_u32(program.entry)
        || s.image_lo != word(program.image_lo)
        || s.image_hi != word(program.image_hi)
    {
        return Err(VerifyError::Statement("another entry point or image"));
    }
    if s.output_len != Val::from_usize(output.len()) {
        return Err(VerifyError::Statement("an output of another length"));
    }
    let ext = |c: &[Val; 8]| Challenge::from_basis_coefficients_slice(c).unwrap_or_default();
    if output_sum(ext(&s.gamma), ext(&s.alpha), output) != ext(&s.output_sum) {
        return Err(VerifyError::Statement("another output"));
    }
    Ok(())
}

/// Security of a proof of the recursion tables, by the calculator.
pub fn recursion_proof_bits(proof: &StarkProof, num_public_values: usize) -> Result<u32, VerifyError> {
    recursion_bits(num_public_values, &proof.log_heights(), &proof.params)
}

/// Security of a proof of a recursion program with tables of `2^log_heights` rows and
/// `num_public_values` public values, made with `params`, by the calculator.
pub fn recursion_bits(
    num_public_values: usize,
    log_heights: &[usize],
    params: &ProofParams,
) -> Result<u32, VerifyError> {
    if !(table::OPENING..=table::OPENING + 1).contains(&log_heights.len()) {
        return Err(VerifyError::Shape("one height per table".into()));
    }
    let airs = program_airs(num_public_values, log_heights.len());
    let names: Vec<String> = table::NAMES.iter().take(airs.len()).map(|n| (*n).to_string()).collect();
    let shapes =
        table_shapes(&names, &airs, log_heights, params).map_err(|e| VerifyError::Shape(e.to_string()))?;
    proven_bits(&security_inputs(&shapes, params)).map_err(|e| VerifyError::Shape(e.to_string()))
}

/// Lower-case hex of bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Verifies a final proof of a run of the program with hash `program_hash` under `key`: the
/// STARK proof of the final program, its statement against the program (the proof's
/// descriptor, which must hash to `program_hash`) and the output, and the security record.
pub fn verify_final(
    proof: &FinalProof,
    key: &AggregationKey,
    program_hash: &[u8; 32],
) -> Result<Verified, VerifyError> {
    let hash = proof.descriptor.hash();
    if &hash != program_hash {
        return Err(VerifyError::WrongProgram(hash));
    }
    let program = &proof.descriptor.id()?;
    let statement = RunStatement::from_slice(&proof.public_values)
        .ok_or(VerifyError::Shape(format!("{RUN_STATEMENT_LEN} public values")))?;
    if proof.proof.params != key.final_params {
        // Names alone may agree (size-tuned sets are named by their blowup): show both sets.
        return Err(VerifyError::Shape(format!(
            "made with parameters {:?}, the key's final program takes {:?}",
            proof.proof.params, key.final_params
        )));
    }
    if proof.proof.log_heights() != key.final_log_heights {
        return Err(VerifyError::Shape("table heights are not the final program's".into()));
    }
    let exposed = if key.digested_statement {
        statement_digest(&proof.public_values).to_vec()
    } else {
        proof.public_values.clone()
    };
    if !(table::OPENING..=table::OPENING + 1).contains(&key.final_log_heights.len()) {
        return Err(VerifyError::Shape("the key's final program has neither 7 nor 8 tables".into()));
    }
    let airs = program_airs(exposed.len(), key.final_log_heights.len());
    let num_exposed = exposed.len();
    let mut public_values = vec![Vec::new(); airs.len()];
    if let Some(slot) = public_values.get_mut(table::PUBLIC) {
        *slot = exposed;
    }
    hearth_stark::verify(&airs, &proof.proof, &public_values, Some(key.final_key.clone()))
        .map_err(|e| VerifyError::Rejected(e.to_string()))?;
    check_run_statement(&statement, &key.keys_root, program, &proof.output)?;

    let mut security = key.layers.clone();
    security.push(LayerSecurity {
        layer: "final".into(),
        bits: recursion_proof_bits(&proof.proof, num_exposed)?,
    });
    if security != proof.security {
        return Err(VerifyError::Security { recorded: proof.security.clone(), computed: security });
    }
    let min_bits = security.iter().map(|l| l.bits).min().unwrap_or(0);
    let exit_code = statement.exit_code.iter().rev().fold(0u32, |acc, b| (acc << 8) | b.as_canonical_u32());
    Ok(Verified {
        program_hash: hash,
        shards: u64::from(statement.shards.as_canonical_u32()),
        input_len: u64::from(statement.input_len.as_canonical_u32()),
        exit_code,
        statement,
        security,
        min_bits,
    })
}

#[cfg(test)]
mod tests {
    use hearth_stark::ProofParams;

    use super::recursion_bits;

    /// Recursion-table heights from 2^12 to 2^23 rows, the tallest rate 1/2 allows.
    fn heights() -> impl Iterator<Item = Vec<usize>> {
        (12..=23).map(|h| vec![h, h, h - 4, h - 2, 8, 4, h - 2])
    }

    #[test]
    fn half_rate_recursion_proofs_reach_128_bits_with_no_query_to_spare() {
        let params = ProofParams::half_rate_128().for_recursion();
        let fewer = ProofParams { num_queries: params.num_queries - 1, ..params.clone() };
        for log_heights in heights() {
            assert!(recursion_bits(16, &log_heights, &params).unwrap() >= 128, "{log_heights:?}");
        }
        let weakest = heights().map(|h| recursion_bits(16, &h, &fewer).unwrap()).min();
        assert!(weakest < Some(128), "a query fewer still reaches 128 bits");
    }
}
