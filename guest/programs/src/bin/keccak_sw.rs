//! Memory- and ALU-heavy benchmark: Keccak-256 in software, chained `n` times (little-endian u64
//! input) over a 32-byte digest after hashing a 1 KiB buffer. No heap, so it also runs under
//! qemu-riscv64.
#![no_std]
#![no_main]

use tiny_keccak::{Hasher, Keccak};

hearth_runtime::entry!(main);

fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut k = Keccak::v256();
    k.update(data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

fn main() {
    hearth_programs::hash_chain(keccak256);
}
