//! Bitwise `and`, `or`, `xor` (and their immediate forms), byte by byte through the byte table.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::BitwiseChip;
pub use columns::*;
pub use trace::{generate_trace, handles};
