//! Probe.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    hearth_runtime::write_output(hearth_ethereum::probe().as_slice());
}
