//! Input: `n` as a little-endian u64. Output: the n-th Fibonacci number mod 2^64, little-endian.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let n = hearth_programs::read_u64_input();
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    hearth_runtime::println!("fib({n}) mod 2^64 = {a}");
    hearth_runtime::write_output(&a.to_le_bytes());
}
