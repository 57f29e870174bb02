//! The Poseidon2 call table: the recursion program's permutations, each reading 24 base cells
//! and writing 24, the permutation itself looked up in the Poseidon2 table.

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::poseidon2_call::*;
pub use trace::{generate_trace, preprocessed_trace};
