//! The arithmetic table: one extension-field addition, subtraction, multiplication or equality
//! check of the recursion program per row.

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::alu::*;
pub use trace::{generate_trace, preprocessed_trace};
