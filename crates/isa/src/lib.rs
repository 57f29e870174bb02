//! The instruction set and ABI that Hearth's guests and executor agree on.
//!
//! - [`instruction`]: RV64IM decoding and encoding ([`Instruction`], [`Opcode`]).
//! - [`syscall`]: the `ecall` numbers and their register conventions ([`Syscall`]).
//! - [`memory`]: the guest address space (null and stack guards, stack, program, heap).
//!
//! It sits at the very start of the pipeline: the guest runtime uses the syscall numbers and the
//! memory map, the executor decodes and runs instructions with them, and the prover's chips will
//! constrain the same opcodes. `no_std` so that guests can depend on it.
#![no_std]

#[cfg(test)]
extern crate std;

pub mod instruction;
pub mod memory;
pub mod syscall;

pub use instruction::{DecodeError, Instruction, Opcode, decode, encode};
pub use syscall::Syscall;
