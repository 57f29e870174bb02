//! Hearth's recursive verifier: tables that check a STARK proof's work inside another STARK
//! proof, so that a block's shard proofs fold into one small proof.
//!
//! The design and its cost estimates are in `docs/recursion.md`. Verifying a shard proof is
//! mostly Poseidon2 permutations (hashing opened rows, Merkle paths, the transcript) and
//! extension-field arithmetic; each gets a dedicated chip here rather than running a verifier
//! program on the RV64IM machine, which would pay the CPU's per-instruction cost for every
//! field operation. Chips so far:
//! - [`chips::poseidon2`]: one Poseidon2 permutation (width 24, the permutation of every hash in
//!   Hearth's proofs) per row, provided to the other chips on the [`bus::POSEIDON2`] bus;
//! - [`chips::merkle_path`]: Merkle authentication paths, one compression per row, each path
//!   ending in the committed root.

pub mod bus;
pub mod chips;

pub use chips::RecursionChip;
