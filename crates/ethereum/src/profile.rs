//! Named phases of validation, for cycle and time breakdowns.
//!
//! Validation wraps each phase in [`scope`]; whoever runs it may install a [`Hook`] that sees
//! each phase start and end: the guest turns them into profile markers for the executor, the
//! host into wall-clock timers. Without a hook a scope costs one atomic load.

use core::sync::atomic::{AtomicPtr, Ordering};

/// Called with a phase name and `true` when the phase starts, `false` when it ends.
pub type Hook = fn(&'static str, bool);

static HOOK: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

/// Phase names, in the order validation runs them.
pub mod phase {
    /// Decoding the input and the block.
    pub const DECODE: &str = "input decoding";
    /// Hashing witness nodes and revealing the parent state.
    pub const WITNESS: &str = "witness and trie verification";
    /// Recovering transaction senders.
    pub const RECOVER: &str = "signature recovery";
    /// Executing the transactions and system calls.
    pub const EXECUTE: &str = "transaction execution";
    /// Precompiled contracts (inside execution).
    pub const PRECOMPILE: &str = "precompiles";
    /// Updating the tries and hashing the post-state root.
    pub const STATE_ROOT: &str = "post-state root";
    /// Header, body, receipt and request checks.
    pub const CHECKS: &str = "consensus checks";
}

/// Installs `hook` for every later [`scope`].
pub fn set_hook(hook: Hook) {
    HOOK.store(hook as *mut (), Ordering::Release);
}

/// Runs `f` as phase `name`.
#[inline]
pub fn scope<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let hook = HOOK.load(Ordering::Acquire);
    if hook.is_null() {
        return f();
    }
    // SAFETY: `HOOK` only ever holds null or a `Hook` stored by `set_hook`.
    let hook: Hook = unsafe { core::mem::transmute::<*mut (), Hook>(hook) };
    hook(name, true);
    let result = f();
    hook(name, false);
    result
}
