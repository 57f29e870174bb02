//! The machine entry point.

core::arch::global_asm!(
    ".section .text._start, \"ax\", @progbits",
    ".global _start",
    ".type _start, @function",
    "_start:",
    // Relaxation must not turn this load of gp into a gp-relative one.
    ".option push",
    ".option norelax",
    "lla gp, __global_pointer$",
    ".option pop",
    "lla sp, _stack_top",
    "call {start}",
    // `start` never returns; trap if it somehow does.
    "unimp",
    start = sym start,
);

unsafe extern "Rust" {
    /// Defined by [`crate::entry!`] in the guest.
    fn __hearth_main();
}

extern "C" fn start() -> ! {
    // SAFETY: `entry!` defines `__hearth_main` as a safe `fn()`; linking fails without it.
    unsafe { __hearth_main() };
    crate::exit(crate::EXIT_SUCCESS)
}
