//! The bits table: the canonical binary decomposition of a base cell (query indices and
//! proof-of-work checks take bits of transcript samples).

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::bits::*;
pub use trace::{generate_trace, preprocessed_trace};
