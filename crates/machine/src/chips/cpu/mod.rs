//! The CPU table: one row per executed instruction. It looks the instruction up in the program
//! table, reads and writes registers through offline memory checking, hands arithmetic to the
//! ALU chips over the ALU bus, performs loads and stores, and moves the pc.

mod air;
mod columns;
#[cfg(test)]
mod tests;
pub(crate) mod trace;

pub use air::{CpuChip, CpuPublic};
pub use columns::*;
pub use trace::{AluEvent, CpuTraceOutput, alu_rows, alu_supported, generate_trace};
