//! The bits table: the canonical binary decomposition of a base cell (query indices and
//! proof-of-work checks take bits of transcript samples).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::BitsChip;
pub use columns::*;
pub use trace::{generate_trace, preprocessed_trace};
