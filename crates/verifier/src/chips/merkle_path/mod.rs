//! The Merkle path table: authentication paths of a binary Poseidon2 Merkle tree (Hearth's
//! commitments), one compression per row, every path ending in the committed root.

mod air;
mod columns;

pub use air::MerklePathChip;
pub use columns::*;
