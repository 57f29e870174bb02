//! The input bytes a shard reads, as private witness: one row per byte, with its position.
//!
//! Present only in shards proven for aggregation ([`super::stream::Streams::private_input`]):
//! there the run's statement names the input's length, not its bytes (a block's witness is
//! checked by the guest against the state roots the output states), and a recursive verifier
//! pays per periodic value, so the bytes stay in main columns where the stream table would make
//! them the verifier's data.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::InputChip;
pub use columns::*;
pub use trace::generate_trace;
