//! The var table: the recursion program's constants and inputs (the values of the proof being
//! verified), one memory cell per row.

mod air;
mod columns;

pub use air::VarChip;
pub use columns::*;
