//! Ethereum blocks: cycles, cycles per gas and their breakdown by phase in the executor, and
//! wall time natively vs in the executor, for every real block in the fixtures.

use std::{path::PathBuf, time::Instant};

use anyhow::Context as _;
use hearth_ethereum::{PublicOutput, Status, formats::load_block_file, profile::phase};
use hearth_executor::{DebugOutput, ExecutionOptions, Program, execute, profile};
use hearth_guest_builder::bundled;
use serde_json::json;

use crate::Output;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Block files (default: every real block in the fixtures directory).
    blocks: Vec<PathBuf>,
    /// The fixtures directory.
    #[arg(long, env = "HEARTH_FIXTURES", default_value = "../shared/fixtures")]
    fixtures: PathBuf,
    /// Runs of each measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[command(flatten)]
    output: Output,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let blocks = if args.blocks.is_empty() {
        [
            "blocks/mainnet-24628607.json.gz",
            "blocks/mainnet-24647140.json.gz",
            "blocks/other-formats/zkpig-mainnet-22615247.json.gz",
            "blocks/other-formats/ethrex-replay-hoodi-1265656.json.gz",
        ]
        .iter()
        .map(|b| args.fixtures.join(b))
        .collect()
    } else {
        args.blocks.clone()
    };
    let elf = bundled::stateless().map_err(|e| anyhow::anyhow!("cannot build the validation guest: {e}"))?;
    let program = Program::from_elf(&std::fs::read(&elf)?)?;
    let options = ExecutionOptions { max_cycles: u64::MAX, debug: DebugOutput::Discard };
    let mut results = Vec::new();
    for path in &blocks {
        let file = load_block_file(path).with_context(|| format!("cannot load {}", path.display()))?;
        let input = file.input();
        let encoded = input.encode();
        let (summary, prof) = profile(&program, &encoded, &options)?;
        let output = PublicOutput::decode(&summary.output).context("guest output")?;
        anyhow::ensure!(output.status == Status::Valid, "{} is not valid in the guest", path.display());
        let transactions = hearth_ethereum::validate(&input).result.map(|v| v.transactions).ok();
        let (mut native, mut guest) = (Vec::new(), Vec::new());
        for _ in 0..args.runs {
            let start = Instant::now();
            let outcome = hearth_ethereum::validate(&input);
            native.push(start.elapsed().as_secs_f64());
            anyhow::ensure!(outcome.result.is_ok(), "{} is not valid natively", path.display());
            let start = Instant::now();
            let run = execute(&program, &encoded, &options)?;
            guest.push(start.elapsed().as_secs_f64());
            anyhow::ensure!(run.cycles == summary.cycles, "cycle counts differ between runs");
        }
        let gas = output.gas_used.max(1) as f64;
        let scope = |name: &str| prof.scopes.iter().find(|s| s.name == name).map_or(0, |s| s.exclusive);
        let phases: Vec<_> = [
            phase::DECODE,
            phase::WITNESS,
            phase::RECOVER,
            phase::EXECUTE,
            phase::PRECOMPILE,
            phase::STATE_ROOT,
            phase::CHECKS,
        ]
        .iter()
        .map(|name| json!({"phase": name, "cycles": scope(name), "cycles_per_gas": scope(name) as f64 / gas}))
        .collect();
        let (native, guest) = (median(native), median(guest));
        eprintln!(
            "block {}: {} gas, {} cycles, {:.2} cycles/gas; native {:.1} ms, executor {:.1} ms",
            output.block_number,
            output.gas_used,
            summary.cycles,
            summary.cycles as f64 / gas,
            native * 1e3,
            guest * 1e3
        );
        results.push(json!({
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            "block_number": output.block_number,
            "chain_id": output.chain_id,
            "gas_used": output.gas_used,
            "transactions": transactions,
            "block_rlp_bytes": input.block.len(),
            "witness_nodes": input.state.len(),
            "cycles": summary.cycles,
            "cycles_per_gas": summary.cycles as f64 / gas,
            "unaligned_accesses": summary.unaligned_accesses,
            "phases": phases,
            "native_ms": native * 1e3,
            "executor_ms": guest * 1e3,
            "executor_cycles_per_second": summary.cycles as f64 / guest,
        }));
    }
    let report = json!({
        "benchmark": "ethereum_blocks",
        "guest_program_hash": program.hash().to_string(),
        "runs": args.runs,
        "statistic": "median wall time",
        "results": results,
    });
    args.output.write(&report)
}
