//! Helpers shared by the executor's integration tests: assembling RISC-V test programs with the
//! GNU toolchain (Debian's gcc-riscv64-unknown-elf, installed by scripts/install-toolchain.sh).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// Runs `cmd`, panicking with its stderr if it fails; returns its stdout.
pub fn run_tool(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {cmd:?}: {e}; install the toolchain with scripts/install-toolchain.sh")
    });
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Assembles and links `source` (with `_start` as entry, text at 0x0100_0000) into an ELF in
/// `dir`; `extra` adds gcc arguments.
pub fn assemble(dir: &Path, source: &str, extra: &[&str]) -> PathBuf {
    hearth_guest_builder::assemble(dir, source, extra).unwrap_or_else(|e| panic!("{e}"))
}
