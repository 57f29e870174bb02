//! The program's initial memory image: one preprocessed row per word of the loaded range, each
//! producing its initial token for the shard that touches it first.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::MemoryImageChip;
pub use columns::*;
pub use trace::{MemoryImage, generate_trace};
