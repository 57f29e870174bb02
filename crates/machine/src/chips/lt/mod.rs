//! Comparisons: `slt`, `sltu` (and immediate forms) and the six conditional branches, which
//! return whether the branch is taken.

pub(crate) mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::LtChip;
pub use columns::*;
pub use trace::{generate_trace, handles};
