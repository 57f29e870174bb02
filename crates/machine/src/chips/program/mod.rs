//! The program table: one preprocessed row per instruction of the program, decoded into the
//! fields and flags the CPU acts on. Its commitment is the program's identity: a proof made
//! for one program cannot verify against another's table.

mod air;
mod columns;
mod decode;
#[cfg(test)]
mod tests;
pub(crate) mod trace;

pub use air::ProgramChip;
pub use columns::*;
pub use decode::{Decoded, decode};
pub use trace::generate_trace;
