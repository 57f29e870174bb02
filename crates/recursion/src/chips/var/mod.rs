//! The var table: the recursion program's constants and inputs (the values of the proof being
//! verified), one memory cell per row.

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::var::*;
pub use trace::{generate_trace, preprocessed_trace};
