//! The secp256k1 point accelerators (`ecall` 0x2002 add, 0x2003 double, 0x2004 decompress):
//! one table per operation, one row per call, each reading `p` (and an addition's `q`) from
//! memory and writing the result back over `p`.
//!
//! `arithmetic` holds the field identities each operation proves (on byte limbs, see
//! [`crate::modular`]); `air` wires them to the CPU, the registers and memory.

mod air;
pub mod arithmetic;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::Secp256k1Chip;
pub use columns::*;
pub use trace::{generate_trace, is_performed_here};
