//! Input: little-endian u32 values. Output: the same values sorted ascending.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

hearth_runtime::entry!(main);

fn main() {
    let input = hearth_runtime::read_input();
    let mut values: Vec<u32> =
        input.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    values.sort_unstable();
    let output: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    hearth_runtime::write_output(&output);
}
