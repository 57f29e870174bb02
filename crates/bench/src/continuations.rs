//! `hearth-bench continuations`: one run proven with different shard sizes, job counts and
//! thread counts, each configuration in its own process so that its peak memory is its own.

use std::process::Command;
use std::time::Instant;

use anyhow::Context as _;
use hearth_executor::Program;
use hearth_machine::{ProgramSource, RunOptions, RunProver, verify_run};
use hearth_stark::{CpuBackend, ProofParams};
use serde_json::json;

use crate::Output;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Numbers the `sort` guest sorts (about 125 cycles each).
    #[arg(long, default_value_t = 8000)]
    values: u32,
    /// `log2` of the shard sizes to sweep (the largest one past the run's length is the
    /// single-shard baseline).
    #[arg(long, value_delimiter = ',', default_value = "16,17,18,19,20")]
    log_shards: Vec<u32>,
    /// `log2` of the shard size for the thread-scaling runs.
    #[arg(long, default_value_t = 18)]
    scaling_log_shard: u32,
    /// Parameter set.
    #[arg(long, default_value = "default")]
    params: String,
    /// Internal: prove one configuration in this process and print its JSON.
    #[arg(long, hide = true, value_names = ["LOG_SHARD", "JOBS"], num_args = 2)]
    one: Option<Vec<u64>>,
    #[command(flatten)]
    output: Output,
}

/// The workload: `values` pseudo-random 32-bit numbers for the `sort` guest.
fn workload(values: u32) -> (Program, Vec<u8>) {
    let program =
        Program::from_elf(&hearth_guest_builder::bundled::elf("sort")).expect("the bundled sort guest loads");
    let input = (0..values).flat_map(|i| (i.wrapping_mul(0x9e37_79b9) ^ 0x1234_5678).to_le_bytes()).collect();
    (program, input)
}

/// Proves one configuration here and prints its result as one JSON line.
fn run_one(args: &Args, log_shard: u64, jobs: u64) -> anyhow::Result<()> {
    let params = ProofParams::by_name(&args.params).context("no such parameter set")?;
    let (program, input) = workload(args.values);
    let options = RunOptions { shard_cycles: 1 << log_shard, jobs: jobs as usize, ..RunOptions::default() };
    let start = Instant::now();
    let prover = RunProver::new(&CpuBackend, &program, &input, &params)?;
    let (proof, report) = prover.prove(&options, &())?;
    let prove_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    verify_run(&proof, ProgramSource::Elf(&program))?;
    let verify_s = start.elapsed().as_secs_f64();
    let result = json!({
        "log_shard_cycles": log_shard,
        "jobs": jobs,
        "rayon_threads": std::env::var("RAYON_NUM_THREADS").ok(),
        "cycles": report.cycles,
        "shards": report.shards.len(),
        "prove_s": prove_s,
        "cycles_per_s": report.cycles as f64 / prove_s,
        "prove_total_s": report.shards.iter().map(|s| s.prove_s).sum::<f64>(),
        "trace_total_s": report.shards.iter().map(|s| s.trace_s + s.replay_s).sum::<f64>(),
        "verify_s": verify_s,
        "proof_bytes": proof.to_bytes().len(),
        "peak_rss_bytes": crate::peak_rss_bytes(),
    });
    println!("{result}");
    Ok(())
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    if let Some(one) = &args.one {
        return run_one(&args, one[0], one[1]);
    }
    let exe = std::env::current_exe().context("cannot find this benchmark's executable")?;
    let child = |log_shard: u32, jobs: u32, threads: Option<u32>| -> anyhow::Result<serde_json::Value> {
        eprintln!("shards of 2^{log_shard} cycles, {jobs} job(s), threads {threads:?} ...");
        let mut command = Command::new(&exe);
        command.args(["continuations", "--values", &args.values.to_string(), "--params", &args.params]);
        command.args(["--one", &log_shard.to_string(), &jobs.to_string()]);
        if let Some(threads) = threads {
            command.env("RAYON_NUM_THREADS", threads.to_string());
        }
        let out = command.output().context("cannot run a configuration")?;
        anyhow::ensure!(
            out.status.success(),
            "a configuration failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = String::from_utf8_lossy(&out.stdout);
        let value: serde_json::Value = serde_json::from_str(line.trim()).context("a configuration's JSON")?;
        eprintln!("{value}");
        Ok(value)
    };
    let mut sweep = Vec::new();
    for &log_shard in &args.log_shards {
        sweep.push(child(log_shard, 2, None)?);
    }
    let log = args.scaling_log_shard;
    let scaling = vec![child(log, 1, Some(1))?, child(log, 1, Some(2))?, child(log, 2, Some(2))?];
    args.output.write(&json!({
        "benchmark": "continuations",
        "workload": format!("sort, {} values", args.values),
        "params": args.params,
        "threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "shard_size_sweep": sweep,
        "thread_scaling": scaling,
    }))
}
