//! The memory words a shard touches, one per row: each row produces a word's initial token
//! (unless the image table does) and consumes its final one on the shard's bus, and adds the
//! word's hand-over from and to the other shards to the run-wide memory argument, while a
//! Poseidon2 sponge over the rows yields the list's digest (`crate::memory_argument`,
//! `docs/continuations.md`).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{MemoryBoundaryChip, WORD_TOP_BYTE};
pub use columns::*;
pub use trace::generate_trace;
