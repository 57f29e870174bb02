//! The arithmetic table: one extension-field addition, subtraction, multiplication or equality
//! check of the recursion program per row.

mod air;
mod columns;

pub use air::{AluChip, ext_product};
pub use columns::*;
