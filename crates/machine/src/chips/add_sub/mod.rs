//! Addition and subtraction, 64-bit and 32-bit (W, sign-extended): `add`, `sub`, `addw`,
//! `subw` and everything the CPU computes with an addition (immediates, addresses, `auipc`,
//! `jalr` targets).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::AddSubChip;
pub use columns::*;
pub use trace::{generate_trace, handles};
