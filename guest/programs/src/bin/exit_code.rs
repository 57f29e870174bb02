//! Input: a little-endian u64. Exits with its low 32 bits as the exit code.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    hearth_runtime::exit(hearth_programs::read_u64_input() as u32);
}
