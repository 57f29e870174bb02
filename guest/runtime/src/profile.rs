//! Profile markers: named phases whose cycles `hearth execute --profile` reports.

use crate::syscall::{Syscall, ecall};

/// Marks the start (`enter`) or end of the phase `name`. Costs a few cycles; changes nothing.
pub fn mark(name: &str, enter: bool) {
    // SAFETY: `name` is readable for its length.
    unsafe { ecall(Syscall::ProfileScope, name.as_ptr() as u64, name.len() as u64, u64::from(enter)) };
}

/// Runs `f` inside the phase `name`.
pub fn scope<R>(name: &str, f: impl FnOnce() -> R) -> R {
    mark(name, true);
    let result = f();
    mark(name, false);
    result
}
