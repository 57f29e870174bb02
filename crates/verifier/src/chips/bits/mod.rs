//! The bits table: the canonical binary decomposition of a base cell (query indices and
//! proof-of-work checks take bits of transcript samples).

mod air;
mod columns;

pub use air::BitsChip;
pub use columns::*;
