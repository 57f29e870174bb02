//! Keccak-heavy benchmark on the accelerator: Keccak-256 through `hearth_accel`, chained `n`
//! times (little-endian u64 input) over a 32-byte digest after hashing a 1 KiB buffer. Output:
//! the final digest.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    hearth_programs::hash_chain(hearth_accel::keccak256);
}
