//! The pack table: an extension cell and its eight base coordinates, converted either way
//! (the transcript absorbs and samples base elements; the arithmetic is on extension cells).

#[cfg(test)]
mod tests;
mod trace;

pub use hearth_verifier::chips::pack::*;
pub use trace::{generate_trace, preprocessed_trace};
