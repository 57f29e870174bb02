//! ALU-heavy benchmark: `n` (little-endian u64 input) rounds of a 64-bit xorshift mixed into a
//! Fibonacci-style recurrence. No heap, so it also runs under qemu-riscv64.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let n = hearth_programs::read_u64_input();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (a, b) = (b, a.wrapping_add(b) ^ x);
    }
    let r = core::hint::black_box(b ^ a.rotate_left(17));
    hearth_runtime::write_output(&r.to_le_bytes());
}
