//! SHA-256-heavy benchmark on the accelerator: SHA-256 through `hearth_accel`, chained `n` times
//! (little-endian u64 input) over a 32-byte digest after hashing a 1 KiB buffer. Each chained
//! hash is one compression. Output: the final digest.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let n = hearth_programs::read_u64_input();
    let mut buf = [0u8; 1024];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(7);
    }
    let mut h = hearth_accel::sha256(&buf);
    for _ in 0..n {
        h = hearth_accel::sha256(&h);
    }
    hearth_runtime::write_output(&h);
}
