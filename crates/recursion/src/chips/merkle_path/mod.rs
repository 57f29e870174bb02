//! The Merkle path table: authentication paths of a binary Poseidon2 Merkle tree (Hearth's
//! commitments), one compression per row, every path ending in the committed root.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::MerklePathChip;
pub use columns::*;
pub use trace::{MerklePath, generate_trace};
