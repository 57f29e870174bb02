//! `hearth-bench`: end-to-end benchmarks that write JSON, so results can be compared run to run.
//!
//! `hearth-bench executor` measures the executor's fast mode against `qemu-riscv64` on the same
//! ELFs and inputs, interleaving the runs so both see the same machine load, and reports medians.

mod blocks;
mod continuations;
mod executor;
mod prover;
mod recursion;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

/// Hearth benchmarks (results as JSON).
#[derive(Parser)]
#[command(name = "hearth-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fast-mode speed (instructions per second) on compute-heavy guests, side by side with
    /// qemu-riscv64 running the same ELF on the same input.
    Executor(executor::Args),
    /// Ethereum block validation in the executor: cycles, cycles per gas, the breakdown by phase,
    /// and wall time natively vs in the executor, for each real block.
    Blocks(blocks::Args),
    /// The shard prover on an ALU-and-memory loop at 2^16, 2^18 and 2^20 cycles, with the
    /// default and the fast parameter sets: cycles per second, trace generation time, proof
    /// size, verification time, peak memory, and columns per table.
    Prover(prover::Args),
    /// Continuations: one run (the `sort` guest, about 1 M cycles) proven as shards of 2^16 to
    /// 2^20 cycles (one shard is the baseline), and at one shard size with 1 job on 1 thread, 1
    /// job on 2 threads and 2 jobs on 2 threads: cycles per second, stage times, proof size,
    /// verification time and peak memory, each configuration in its own process.
    Continuations(continuations::Args),
    /// Recursion: what verifying each shard proof of a run takes (Poseidon2 permutations,
    /// extension-field operations, opened values), read from a proof file.
    Recursion(recursion::Args),
}

/// Where a benchmark writes its JSON.
#[derive(clap::Args)]
pub(crate) struct Output {
    /// Write the JSON report here as well as to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl Output {
    pub(crate) fn write(&self, report: &serde_json::Value) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(report)?;
        println!("{text}");
        if let Some(path) = &self.out {
            std::fs::write(path, text + "\n")?;
            eprintln!("wrote {}", path.display());
        }
        Ok(())
    }
}

/// The process's peak resident memory so far, in bytes (Linux's `VmHWM`).
pub(crate) fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Executor(args) => executor::run(args),
        Command::Blocks(args) => blocks::run(args),
        Command::Prover(args) => prover::run(args),
        Command::Continuations(args) => continuations::run(args),
        Command::Recursion(args) => recursion::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
