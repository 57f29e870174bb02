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

/// The hash-chain benchmarks: hashes a fixed 1 KiB buffer, then the 32-byte digest `n` more times
/// (`n` the little-endian `u64` input), and writes the final digest as the public output. No
/// heap, so it also runs under `qemu-riscv64`.
pub fn hash_chain(hash: impl Fn(&[u8]) -> [u8; 32]) {
    let n = read_u64_input();
    let mut buf = [0u8; 1024];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(7);
    }
    let mut h = hash(&buf);
    for _ in 0..n {
        h = hash(&h);
    }
    hearth_runtime::write_output(&h);
}
