//! Multiplication: `mul`, `mulh`, `mulhsu`, `mulhu`, `mulw`. One row computes the full 128-bit
//! product of the (sign-extended where signed) operands byte by byte; each operation takes its
//! half of it.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{MUL_OPS, MulChip};
pub use columns::*;
pub use trace::{generate_trace, handles};
