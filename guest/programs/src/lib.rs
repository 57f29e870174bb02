//! Small guest programs (see `src/bin`), each reading its input with the runtime, writing a public
//! output the host can check, and used by tests, examples and benchmarks.
#![no_std]

/// Reads a little-endian `u64` from the start of the input stream without using the heap, so
/// benchmark guests also run under `qemu-riscv64` (input on stdin).
pub fn read_u64_input() -> u64 {
    let mut bytes = [0u8; 8];
    hearth_runtime::read_input_into(&mut bytes);
    u64::from_le_bytes(bytes)
}
