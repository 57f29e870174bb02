//! Memory words outside the program image that the shard touches: each starts at zero. Rows
//! have strictly increasing addresses, all inside accessible memory and outside the image, so
//! no word gets two initial tokens.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{MAX_REGIONS, MemoryBoundaryChip, REGION_BYTES, regions};
pub use columns::*;
pub use trace::generate_trace;
