//! Syscalls other than `exit`, one row per `ecall`: the CPU hands over the cycle, `a7` and `a0`;
//! this table performs the syscall's other register accesses. Proven: `input_len` (the input's
//! length, a public value), `profile_scope` (reads `a1` and `a2`; no effect on the computation),
//! `read` from the input and `write` to the public output (the bytes move through the I/O word
//! and stream tables) or to the debug stream (registers only).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{BUFFER_TOP_BYTE, NUM_SYSCALL_PUBLIC_VALUES, SyscallChip};
pub use columns::*;
pub use trace::{Ecalls, SyscallOutputs, generate_trace, is_performed_here, register_access};
