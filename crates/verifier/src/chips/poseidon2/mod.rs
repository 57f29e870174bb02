//! The Poseidon2 table: one width-24 KoalaBear permutation per row, the permutation behind
//! every hash, Merkle tree and transcript of Hearth's proofs. Its rounds are constrained by
//! Plonky3's `p3-poseidon2-air`; each row provides `(input, output)` on the
//! [`POSEIDON2`](crate::bus::POSEIDON2) bus as many times as other tables look it up.

mod air;
mod columns;

pub use air::{Poseidon2Chip, RoundAir, round_constants, round_rows};
pub use columns::*;
