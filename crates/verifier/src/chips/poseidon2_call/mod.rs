//! The Poseidon2 call table: the recursion program's permutations, each reading 24 base cells
//! and writing 24, the permutation itself looked up in the Poseidon2 table.

mod air;
mod columns;

pub use air::Poseidon2CallChip;
pub use columns::*;
