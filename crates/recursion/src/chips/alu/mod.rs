//! The arithmetic table: one extension-field addition, subtraction, multiplication or equality
//! check of the recursion program per row.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{AluChip, ext_product};
pub use columns::*;
pub use trace::{generate_trace, preprocessed_trace};
