//! Syscalls other than `exit`, one row per `ecall`: the CPU hands over the cycle, `a7` and `a0`;
//! this table performs the syscall's other register accesses. Proven so far: `input_len` (the
//! input's length, a public value, written to `a0`) and `profile_scope` (reads `a1` and `a2`;
//! no effect on the computation).

mod air;
mod columns;
#[cfg(test)]
mod tests;
mod trace;

pub use air::{NUM_SYSCALL_PUBLIC_VALUES, SyscallChip};
pub use columns::*;
pub use trace::{generate_trace, is_performed_here};
