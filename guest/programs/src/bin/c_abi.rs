//! Exercises the zkvm-standards C interface the way a C guest would call it.
//! Output: `zkvm_keccak256(input)` then `zkvm_sha256(input)`, via `read_input` / `write_output`.
#![no_std]
#![no_main]

// Linked from hearth-accel and hearth-runtime by symbol name, as from C.
use hearth_accel as _;

unsafe extern "C" {
    fn read_input(buf_ptr: *mut *const u8, buf_size: *mut usize);
    fn write_output(output: *const u8, size: usize);
    fn zkvm_keccak256(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32;
    fn zkvm_sha256(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32;
}

hearth_runtime::entry!(main);

fn main() {
    let mut ptr: *const u8 = core::ptr::null();
    let mut len = 0usize;
    let mut keccak = [0u8; 32];
    let mut sha = [0u8; 32];
    // SAFETY: every pointer is valid for the call, as the C interface requires.
    unsafe {
        read_input(&mut ptr, &mut len);
        assert_eq!(zkvm_keccak256(ptr, len, &mut keccak), 0);
        assert_eq!(zkvm_sha256(ptr, len, &mut sha), 0);
        write_output(keccak.as_ptr(), 32);
        write_output(sha.as_ptr(), 32);
    }
}
