//! Division and remainder: `div`, `divu`, `rem`, `remu` and their W forms, with the RISC-V
//! results for division by zero and signed overflow. A row holds the quotient and remainder
//! and proves `a = b * q + r` with `|r| < |b|` and `r` of the sign of `a`; W operations divide
//! the sign- or zero-extended low words.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{DIVREM_OPS, DivRemChip};
pub use columns::*;
pub use trace::{generate_trace, handles};
