//! Executor fast mode vs qemu-riscv64.

use std::{
    io::Write as _,
    process::{Command, Stdio},
    time::Instant,
};

use anyhow::{Context as _, bail};
use hearth_executor::{DebugOutput, ExecutionOptions, Program, execute, trace_with};
use hearth_guest_builder::bundled;
use serde_json::json;

use crate::Output;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Runs of each side (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Scale the workloads (1 = about 200-400 million instructions each).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    #[command(flatten)]
    output: Output,
}

/// The compute-heavy guests and their default iteration counts.
const WORKLOADS: &[(&str, u64, &str)] = &[
    ("alu", 1 << 25, "64-bit xorshift + Fibonacci loop: long dependency chains, no memory traffic"),
    ("keccak_sw", 1 << 15, "Keccak-256 in software (tiny-keccak): ALU and load/store mix"),
];

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn run_qemu(elf: &std::path::Path, input: &[u8]) -> anyhow::Result<(f64, Vec<u8>)> {
    let start = Instant::now();
    let mut child = Command::new("qemu-riscv64")
        .arg(elf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run qemu-riscv64 (install it with scripts/install-toolchain.sh)")?;
    child.stdin.take().context("stdin")?.write_all(input)?;
    let out = child.wait_with_output()?;
    let elapsed = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("qemu-riscv64 {} failed: {}", elf.display(), out.status);
    }
    Ok((elapsed, out.stdout))
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let programs =
        bundled::programs().map_err(|e| anyhow::anyhow!("cannot build the bundled guests: {e}"))?;
    let options = ExecutionOptions { max_cycles: u64::MAX, debug: DebugOutput::Discard };
    let mut results = Vec::new();
    for &(name, n, description) in WORKLOADS {
        let path = programs.get(name).with_context(|| format!("no bundled guest {name}"))?;
        let program = Program::from_elf(&std::fs::read(path)?)?;
        let n = ((n as f64) * args.scale).max(1.0) as u64;
        let input = n.to_le_bytes();
        let reference = execute(&program, &input, &options)?;
        eprintln!("{name}: {} instructions per run", reference.cycles);

        // Warm the page cache and the CPU before measuring either side.
        run_qemu(path, &input)?;
        execute(&program, &input, &options)?;
        // QEMU's process start-up, measured on the same guest with no work to do.
        let startup = median(
            (0..args.runs)
                .map(|_| run_qemu(path, &0u64.to_le_bytes()).map(|r| r.0))
                .collect::<Result<_, _>>()?,
        );
        let (mut ours, mut qemu) = (Vec::new(), Vec::new());
        for _ in 0..args.runs {
            let start = Instant::now();
            let summary = execute(&program, &input, &options)?;
            ours.push(start.elapsed().as_secs_f64());
            assert_eq!(summary.output, reference.output);
            let (t, stdout) = run_qemu(path, &input)?;
            if stdout != reference.output {
                bail!("{name}: QEMU's output differs from the executor's");
            }
            qemu.push(t);
        }
        // Trace mode on a sixteenth of the work, streaming shards (a full trace holds ~150 bytes
        // per instruction).
        let trace_input = (n / 16).max(1).to_le_bytes();
        let mut shards = 0usize;
        let start = Instant::now();
        let traced = trace_with(&program, &trace_input, &options, 1 << 20, |_| shards += 1)?;
        let trace_s = start.elapsed().as_secs_f64();

        let (ours, qemu) = (median(ours), median(qemu));
        let cycles = reference.cycles as f64;
        let qemu_adjusted = (qemu - startup).max(1e-9);
        results.push(json!({
            "guest": name,
            "description": description,
            "iterations": n,
            "instructions": reference.cycles,
            "hearth_fast_s": ours,
            "hearth_fast_ips": cycles / ours,
            "qemu_s": qemu,
            "qemu_ips": cycles / qemu,
            "qemu_startup_s": startup,
            "qemu_ips_without_startup": cycles / qemu_adjusted,
            "ratio_vs_qemu": qemu / ours,
            "ratio_vs_qemu_without_startup": qemu_adjusted / ours,
            "hearth_trace_instructions": traced.cycles,
            "hearth_trace_s": trace_s,
            "hearth_trace_ips": traced.cycles as f64 / trace_s,
            "trace_shards_of_2^20": shards,
        }));
        eprintln!(
            "{name}: hearth {:.0} M instr/s, qemu {:.0} M instr/s ({:.0} without start-up): ratio {:.2} ({:.2})",
            cycles / ours / 1e6,
            cycles / qemu / 1e6,
            cycles / qemu_adjusted / 1e6,
            qemu / ours,
            qemu_adjusted / ours
        );
    }
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with("model name"))
            .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
    });
    let report = json!({
        "benchmark": "executor_vs_qemu",
        "runs": args.runs,
        "statistic": "median wall time; runs interleaved",
        "machine": { "cpu": cpu, "threads": std::thread::available_parallelism().map(|n| n.get()).ok() },
        "qemu": Command::new("qemu-riscv64").arg("--version").output().ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string()),
        "results": results,
    });
    args.output.write(&report)
}
