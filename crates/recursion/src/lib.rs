//! Hearth's recursive verifier: tables that check a STARK proof's work inside another STARK
//! proof, so that a block's shard proofs fold into one small proof.
//!
//! The design and its cost estimates are in `docs/recursion.md`. Verifying a shard proof is
//! mostly Poseidon2 permutations (hashing opened rows, Merkle paths, the transcript) and
//! extension-field arithmetic; each gets a dedicated chip here rather than running a verifier
//! program on the RV64IM machine, which would pay the CPU's per-instruction cost for every
//! field operation.
//!
//! A verifier is written as a [`circuit`] (a recursion program over a write-once memory) and
//! executed by these chips:
//! - [`chips::var`]: the program's constants and the prover's inputs;
//! - [`chips::alu`]: extension-field addition, subtraction, multiplication, equality;
//! - [`chips::pack`]: extension cells to and from their base coordinates;
//! - [`chips::poseidon2_call`]: the program's permutations, looked up in
//! - [`chips::poseidon2`]: one Poseidon2 permutation (width 24, the permutation of every hash
//!   in Hearth's proofs) per row, provided on the [`bus::POSEIDON2`] bus;
//! - [`chips::bits`]: canonical binary decompositions (query indices, proof-of-work checks);
//! - [`chips::public`]: the program's public values.
//!
//! [`chips::merkle_path`] checks Merkle authentication paths one compression per row.

pub mod aggregate;
pub use hearth_verifier::bus;
pub mod chips;
pub mod circuit;
pub mod verifier;

pub use chips::RecursionChip;
pub use circuit::{Circuit, CircuitBuilder, CircuitChallenger, CircuitError, CircuitProof};
