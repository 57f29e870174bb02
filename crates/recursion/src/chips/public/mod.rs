//! The public table: the cells the recursion program exposes as the proof's public values,
//! one per row.

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::public::*;
pub use trace::{generate_trace, preprocessed_trace};
