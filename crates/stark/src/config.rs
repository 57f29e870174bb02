//! The concrete STARK configuration: KoalaBear, its degree-8 binomial extension for
//! challenges, Poseidon2 (width 24) Merkle trees with 9-element digests, and FRI.
//!
//! Why these choices:
//! - Degree 8 rather than 5: under soundcalc's Johnson-bound formulas the batching and
//!   folding errors scale with `m^5 * n / |F|`; over `p^5 ~ 2^155` a 2^22-row batch of a
//!   thousand columns reaches only ~97 bits there without heavy grinding, over `p^8 ~ 2^248`
//!   those steps are far above 128 and the query phase alone sets the level.
//! - 9-element digests (279 bits) give 139-bit collision resistance; 8 would give 124.
//! - Width-24 Poseidon2 with a 9-element capacity keeps the sponge at 139 bits too.

use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::Field;
use p3_field::extension::BinomialExtensionField;
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_24};
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;

use crate::params::ProofParams;

/// The base field.
pub type Val = KoalaBear;
/// Degree of the challenge extension.
pub const EXTENSION_DEGREE: usize = 8;
/// The field challenges and lookup sums live in.
pub type Challenge = BinomialExtensionField<Val, EXTENSION_DEGREE>;
/// Elements per Merkle digest.
pub const DIGEST_ELEMS: usize = 9;
/// Width of the Poseidon2 permutation behind every hash.
pub const POSEIDON2_WIDTH: usize = 24;
/// Elements a sponge absorbs per permutation.
pub const SPONGE_RATE: usize = POSEIDON2_WIDTH - DIGEST_ELEMS;
/// The permutation behind every hash.
pub type Perm = Poseidon2KoalaBear<POSEIDON2_WIDTH>;
/// The sponge hashing rows into leaves.
pub type Hash = PaddingFreeSponge<Perm, POSEIDON2_WIDTH, SPONGE_RATE, DIGEST_ELEMS>;
/// The two-to-one compression of Merkle nodes.
pub type Compress = TruncatedPermutation<Perm, 2, DIGEST_ELEMS, POSEIDON2_WIDTH>;
/// The Merkle commitment to base-field matrices.
pub type ValMmcs =
    MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, DIGEST_ELEMS>;
type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
type Challenger = DuplexChallenger<Val, Perm, POSEIDON2_WIDTH, SPONGE_RATE>;
type Dft = Radix2DitParallel<Val>;
type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
/// The full STARK configuration type.
pub type HearthConfig = StarkConfig<Pcs, Challenge, Challenger>;

/// The sponge hash of periodic columns' values, column by column (each a whole period). A table
/// whose periodic columns carry a shard's data exposes it as its public values: that binds the
/// data into the transcript before any challenge, in a form a recursive verifier, which gets
/// the values as inputs, can recompute.
pub fn periodic_digest(columns: &[Vec<Val>]) -> [Val; DIGEST_ELEMS] {
    hash_values(columns.iter().flatten().copied())
}

/// The sponge hash of `values`: what a recursion program's `hash_cells` computes in-circuit.
pub fn hash_values(values: impl IntoIterator<Item = Val>) -> [Val; DIGEST_ELEMS] {
    use p3_symmetric::CryptographicHasher;
    Hash::new(default_koalabear_poseidon2_24()).hash_iter(values)
}

/// Builds the configuration for a parameter set. Prover and verifier call this with the
/// parameters recorded in the proof; the permutation constants are the fixed published ones.
pub fn make_config(params: &ProofParams) -> HearthConfig {
    let perm = default_koalabear_poseidon2_24();
    let val_mmcs =
        ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), params.cap_height.into());
    let fri = fri_parameters(params, ChallengeMmcs::new(val_mmcs.clone()));
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    StarkConfig::new(pcs, Challenger::new(perm))
        .with_lookup_proof_of_work_bits(params.lookup_pow_bits as usize)
        .with_ood_proof_of_work_bits(params.ood_pow_bits as usize)
}

/// The FRI parameters of a parameter set, with `mmcs` committing the folded codewords (a
/// recursive verifier, which only needs the numbers, passes `()`).
pub fn fri_parameters<M>(params: &ProofParams, mmcs: M) -> FriParameters<M> {
    FriParameters {
        log_blowup: params.log_blowup as usize,
        log_final_poly_len: params.log_final_poly_len as usize,
        max_log_arity: params.max_log_arity as usize,
        num_queries: params.num_queries as usize,
        batch_proof_of_work_bits: params.batch_pow_bits as usize,
        commit_proof_of_work_bits: params.commit_pow_bits as usize,
        query_proof_of_work_bits: params.query_pow_bits as usize,
        mmcs,
    }
}

/// The Merkle commitment scheme of every trace: a binary Poseidon2 tree with a single root.
pub fn val_mmcs() -> ValMmcs {
    let perm = default_koalabear_poseidon2_24();
    ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm), 0)
}
