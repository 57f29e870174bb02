//! The memory side of `read` and `write`: one row per memory word a transfer touches, walking
//! the buffer from the syscall table's first chain token to its last. A `read` row writes input
//! bytes into its word; a `write` row sends the word's bytes to the public output.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::IoWordChip;
pub use columns::*;
pub use trace::{Transfer, generate_trace};
