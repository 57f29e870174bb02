//! Input: any bytes. Output: SHA-256 of the input through the accelerator (32 bytes), then
//! through the `sha2` crate in software (32 bytes); the two must agree.
#![no_std]
#![no_main]

use sha2::Digest;

hearth_runtime::entry!(main);

fn main() {
    let input = hearth_runtime::read_input();
    let accelerated = hearth_accel::sha256(input);
    let software: [u8; 32] = sha2::Sha256::digest(input).into();
    hearth_runtime::write_output(&accelerated);
    hearth_runtime::write_output(&software);
}
