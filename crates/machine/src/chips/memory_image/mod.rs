//! The program's initial memory image: one preprocessed row per word of the loaded range, each
//! producing its initial token and consuming its final one.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::MemoryImageChip;
pub use columns::*;
pub use trace::{MemoryImage, generate_trace};
