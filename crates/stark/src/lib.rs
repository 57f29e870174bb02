//! Hearth's STARK layer: the KoalaBear/Poseidon2/FRI configuration, proving many tables of
//! different heights in one proof with LogUp buses between them (Plonky3's batch STARK), a
//! backend trait for the prover, and the security calculator.

pub mod cols;
pub mod config;
pub mod cost;
pub mod params;
pub mod prover;
pub mod security;

pub use config::{Challenge, HearthConfig, Val, make_config};
pub use cost::{VerifierWork, verifier_work};
pub use params::ProofParams;
pub use prover::{
    Commitment, CpuBackend, ProvableAir, Proven, ProverBackend, StarkError, StarkProof, TableShape,
    preprocessed_commitment, quotient_chunks, security_inputs, table_lookups, table_shapes, transcript_shape,
    verify,
};

/// The KoalaBear prime `2^31 - 2^24 + 1`.
pub const KOALA_BEAR_MODULUS: u64 = (1 << 31) - (1 << 24) + 1;
