//! The SHA-256 compression accelerator (`ecall` 0x2001): one 64-row block per call, one row
//! per round, the working variables and a 17-word message-schedule window as bits, additions
//! in 16-bit halves; the state read from and written back to memory, the block read.

mod air;
mod columns;
#[cfg(test)]
mod tests;
pub(crate) mod trace;

pub use air::{NUM_SHA256_PERIODIC_COLS, Sha256Chip};
pub use columns::*;
pub use trace::{generate_trace, is_performed_here};
