//! The byte table: every pair `(x, y)` of bytes with the answers of all byte operations,
//! preprocessed, and one multiplicity column per operation.

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{BYTE_TABLE_HEIGHT, ByteChip};
pub use columns::*;
pub use trace::generate_trace;
