//! The register file's boundary: one row per register producing its initial token (value 0 at
//! timestamp 0) and consuming its final one, for `x0..x31` and the
//! input and output positions of `read` and `write`.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{INPUT_POSITION, NUM_REGISTERS, OUTPUT_POSITION, RegistersChip};
pub use columns::*;
pub use trace::generate_trace;
