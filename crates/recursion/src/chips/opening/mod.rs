//! The opening table: Merkle leaf hashes over opened rows, each value also folded into its
//! matrix row's sum for the DEEP quotient (constraints in `hearth_verifier::chips::opening`).

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::opening::*;
pub use trace::{OpeningRow, generate_trace, preprocessed_trace};
