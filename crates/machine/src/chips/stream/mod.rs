//! The input and the public output as a table: one row per byte, with its stream and position.
//! The verifier computes these columns itself from the bytes (periodic columns with the table's
//! full height), so the table holds exactly the bytes the verifier was given; the prover only
//! chooses which input bytes were read.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{NUM_STREAM_PUBLIC_VALUES, StreamChip, Streams};
pub use columns::*;
pub use trace::generate_trace;
