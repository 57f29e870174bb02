//! Shifts: `sll`, `srl`, `sra` and their W forms (and the immediate forms, which the CPU sends
//! as the same operations). A shift by `8q + r` bits is a shift of every byte by `r` bits
//! (one multiplication by `2^r` or `2^(8-r)` per byte, split into two bytes) followed by a move
//! of whole bytes by `q`.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{SHIFT_OPS, ShiftChip};
pub use columns::*;
pub use trace::{generate_trace, handles};
