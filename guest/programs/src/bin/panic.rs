//! Panics with a message that includes the input length.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let input = hearth_runtime::read_input();
    hearth_runtime::write_output(b"before the panic");
    panic!("deliberate panic after reading {} bytes", input.len());
}
