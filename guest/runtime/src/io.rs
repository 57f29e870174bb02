//! Input, public output and the debug stream.

use alloc::vec::Vec;

use hearth_isa::syscall::{FD_DEBUG, FD_INPUT, FD_PUBLIC_OUTPUT};

use crate::syscall::{Syscall, ecall};

/// Total input length, or `None` on a host without the `input_len` syscall (such as
/// `qemu-riscv64`, where the input is stdin).
pub fn input_len() -> Option<usize> {
    // SAFETY: `input_len` takes no arguments.
    let len = unsafe { ecall(Syscall::InputLen, 0, 0, 0) };
    // A Linux-style host answers -ENOSYS; no real input is 2^63 bytes long.
    (len as i64 >= 0).then_some(len as usize)
}

/// Reads the next bytes of the input stream into `buf`, until it is full or the input ends.
/// Returns the number of bytes read.
pub fn read_input_into(buf: &mut [u8]) -> usize {
    let mut filled = 0;
    while filled < buf.len() {
        let rest = &mut buf[filled..];
        // SAFETY: `rest` is writable for its length.
        let n = unsafe { ecall(Syscall::Read, FD_INPUT, rest.as_mut_ptr() as u64, rest.len() as u64) };
        if n as i64 <= 0 {
            break;
        }
        filled += n as usize;
    }
    filled
}

struct InputCell(core::cell::UnsafeCell<Option<&'static [u8]>>);

// SAFETY: guests run on one hart with no interrupts; there is never concurrent access.
unsafe impl Sync for InputCell {}

static INPUT: InputCell = InputCell(core::cell::UnsafeCell::new(None));

/// The whole input. Read from the host on the first call; later calls return the same bytes.
/// Do not mix with [`read_input_into`], which consumes the same stream.
pub fn read_input() -> &'static [u8] {
    // SAFETY: single-threaded (see `InputCell`), and no reference into the cell outlives this call.
    if let Some(input) = unsafe { *INPUT.0.get() } {
        return input;
    }
    let input: Vec<u8> = match input_len() {
        Some(len) => {
            let mut buf = alloc::vec![0u8; len];
            let n = read_input_into(&mut buf);
            buf.truncate(n);
            buf
        }
        None => {
            let mut buf = Vec::new();
            loop {
                let start = buf.len();
                buf.resize(start + 4096, 0);
                let n = read_input_into(&mut buf[start..]);
                buf.truncate(start + n);
                if n < 4096 {
                    break buf;
                }
            }
        }
    };
    let input: &'static [u8] = input.leak();
    // SAFETY: as above.
    unsafe { *INPUT.0.get() = Some(input) };
    input
}

/// Appends `bytes` to the public output, which a proof commits to.
pub fn write_output(bytes: &[u8]) {
    // SAFETY: `bytes` is readable for its length.
    unsafe { ecall(Syscall::Write, FD_PUBLIC_OUTPUT, bytes.as_ptr() as u64, bytes.len() as u64) };
}

/// Writes `bytes` to the debug stream (the host's stderr), which no proof commits to.
pub fn debug_write(bytes: &[u8]) {
    // SAFETY: `bytes` is readable for its length.
    unsafe { ecall(Syscall::Write, FD_DEBUG, bytes.as_ptr() as u64, bytes.len() as u64) };
}

/// `core::fmt` sink for the debug stream; used by [`crate::print!`] and the panic handler.
pub struct DebugWriter;

impl core::fmt::Write for DebugWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        debug_write(s.as_bytes());
        Ok(())
    }
}

/// The zkvm-standards C interface to the input and the public output.
mod c_abi {
    /// `void read_input(const uint8_t** buf_ptr, size_t* buf_size)`.
    ///
    /// # Safety
    /// Both pointers must be valid for writes.
    #[unsafe(export_name = "read_input")]
    pub unsafe extern "C" fn c_read_input(buf_ptr: *mut *const u8, buf_size: *mut usize) {
        let input = super::read_input();
        // SAFETY: the caller passes valid pointers.
        unsafe {
            *buf_ptr = input.as_ptr();
            *buf_size = input.len();
        }
    }

    /// `void write_output(const uint8_t* output, size_t size)`.
    ///
    /// # Safety
    /// `output` must be readable for `size` bytes.
    #[unsafe(export_name = "write_output")]
    pub unsafe extern "C" fn c_write_output(output: *const u8, size: usize) {
        if size == 0 {
            return;
        }
        // SAFETY: the caller guarantees `output` is readable for `size` bytes.
        super::write_output(unsafe { core::slice::from_raw_parts(output, size) });
    }
}
