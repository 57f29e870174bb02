//! The register file's boundary: one row per register producing its initial token (value 0 at
//! timestamp 0) and consuming its final one.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{NUM_REGISTERS, RegistersChip};
pub use columns::*;
pub use trace::generate_trace;
