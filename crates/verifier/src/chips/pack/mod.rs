//! The pack table: an extension cell and its eight base coordinates, converted either way
//! (the transcript absorbs and samples base elements; the arithmetic is on extension cells).

mod air;
mod columns;

pub use air::PackChip;
pub use columns::*;
