//! The runtime every Hearth guest links: entry point, heap, I/O, exit and panics.
//!
//! A guest is a `#![no_std] #![no_main]` binary that names its main function with [`entry!`]:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! hearth_runtime::entry!(main);
//! fn main() {
//!     let input = hearth_runtime::read_input();
//!     hearth_runtime::write_output(&input[..4]);
//! }
//! ```
//!
//! `_start` sets up `gp` and `sp` (the loader already placed `.data` and zeroed `.bss`), calls the
//! guest's main, and exits with code 0 when it returns. A panic prints its message to the debug
//! stream and exits with [`EXIT_PANIC`]. The `ecall` ABI is in `docs/abi.md`.
#![no_std]

#[cfg(not(target_arch = "riscv64"))]
compile_error!("hearth-runtime only builds for the RV64IM guest target: use `hearth build-guest`");

extern crate alloc;

mod allocator;
mod atomics;
pub mod io;
mod mem;
pub mod profile;
mod start;
pub mod syscall;

pub use hearth_isa::syscall::{EXIT_PANIC, EXIT_SUCCESS};
pub use io::{debug_write, input_len, read_input, read_input_into, write_output};

/// Declares the guest's main function: `entry!(main)` with `fn main()`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[unsafe(export_name = "__hearth_main")]
        fn __hearth_main() {
            let main: fn() = $main;
            main()
        }
    };
}

/// Halts the guest with `code` (0 = success; any other value is a failed run).
pub fn exit(code: u32) -> ! {
    syscall::exit(code)
}

/// Prints to the debug stream (the host's stderr; never part of the proof).
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::io::DebugWriter, $($arg)*);
    }};
}

/// Prints a line to the debug stream.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = writeln!($crate::io::DebugWriter, $($arg)*);
    }};
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    use core::fmt::Write as _;
    let mut out = io::DebugWriter;
    match info.location() {
        Some(loc) => {
            let _ = writeln!(out, "guest panicked at {}:{}: {}", loc.file(), loc.line(), info.message());
        }
        None => {
            let _ = writeln!(out, "guest panicked: {}", info.message());
        }
    }
    exit(EXIT_PANIC)
}
