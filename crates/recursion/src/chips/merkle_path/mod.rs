//! The Merkle path table: authentication paths of a binary Poseidon2 Merkle tree (Hearth's
//! commitments), one compression per row, every path ending in the committed root.

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::merkle_path::*;
pub use trace::{MerklePath, generate_trace};
