//! The public table: the cells the recursion program exposes as the proof's public values,
//! one per row.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::PublicChip;
pub use columns::*;
pub use trace::{generate_trace, preprocessed_trace};
