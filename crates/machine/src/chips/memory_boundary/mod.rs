//! The memory words a shard touches, as the shard's public memory list gives them: each row
//! produces a word's initial token (unless the image table does) and consumes its final one.
//! The list's order, alignment and range, and how it chains to the shards before, are the
//! verifier's checks (`docs/continuations.md`).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{MemoryBoundaryChip, NUM_MEMORY_BOUNDARY_PERIODIC_COLS};
pub use columns::*;
pub use trace::generate_trace;
