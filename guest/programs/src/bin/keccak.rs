//! Input: any bytes. Output: Keccak-256 of the input through the accelerator (32 bytes), then
//! through a software implementation (32 bytes); the two must agree.
#![no_std]
#![no_main]

use tiny_keccak::{Hasher, Keccak};

hearth_runtime::entry!(main);

fn main() {
    let input = hearth_runtime::read_input();
    let accelerated = hearth_accel::keccak256(input);
    let mut software = [0u8; 32];
    let mut k = Keccak::v256();
    k.update(input);
    k.finalize(&mut software);
    hearth_runtime::write_output(&accelerated);
    hearth_runtime::write_output(&software);
}
