//! The final list of a run's memory argument as a table: every word the run touches, once,
//! sorted, producing its initial token and consuming its final one (`crate::memory_argument`).
//!
//! Proven on its own (with the byte table) so that a recursive verifier closes the run's memory
//! argument by verifying one proof of fixed shape per list height, instead of paying tens of
//! rows per touched word.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{FinalListChip, public};
pub use columns::*;
pub use trace::{final_list_public_values, final_list_sponge, generate_trace};
