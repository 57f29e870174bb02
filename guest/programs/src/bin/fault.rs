//! Input: an address (little-endian u64). Reads the byte there and outputs it, which faults when
//! the address is outside guest memory (used to test fault reporting).
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let addr = hearth_programs::read_u64_input() as usize;
    // SAFETY: deliberately reads whatever address the input names; the executor faults on an
    // address outside guest memory instead of reading it.
    let byte = unsafe { core::ptr::read_volatile(addr as *const u8) };
    hearth_runtime::write_output(&[byte]);
}
