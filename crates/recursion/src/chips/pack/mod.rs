//! The pack table: an extension cell and its eight base coordinates, converted either way
//! (the transcript absorbs and samples base elements; the arithmetic is on extension cells).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::PackChip;
pub use columns::*;
pub use trace::{generate_trace, preprocessed_trace};
