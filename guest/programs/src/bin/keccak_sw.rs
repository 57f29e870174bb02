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
    let n = hearth_programs::read_u64_input();
    let mut buf = [0u8; 1024];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(7);
    }
    let mut h = keccak256(&buf);
    for _ in 0..n {
        h = keccak256(&h);
    }
    hearth_runtime::write_output(&h);
}
