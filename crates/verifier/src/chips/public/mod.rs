//! The public table: the cells the recursion program exposes as the proof's public values,
//! one per row.

mod air;
mod columns;

pub use air::PublicChip;
pub use columns::*;
