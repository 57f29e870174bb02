//! The opening table: a Merkle leaf hash over opened rows, one sponge permutation per row,
//! whose absorbed values are the row's own columns and are also folded, matrix row by matrix
//! row, into the sums the DEEP quotient needs. The opened values never enter memory, so the
//! program spends no constant, arithmetic or call rows on them.

mod air;
mod columns;

pub use air::OpeningChip;
pub use columns::*;
