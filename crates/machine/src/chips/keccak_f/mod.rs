//! The Keccak-f\[1600\] accelerator (`ecall` 0x2000): one 24-row block per permutation, its rounds
//! constrained by Plonky3's `p3-keccak-air` (bits and 16-bit limbs of every round), with the
//! state read from and written back to memory as 25 words.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::KeccakFChip;
pub use columns::*;
pub use trace::{generate_trace, is_performed_here};
