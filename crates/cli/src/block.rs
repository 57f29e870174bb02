//! `hearth prove-block`: a block validated by the RV64IM guest and the run proven end to end.

use std::{path::PathBuf, process::ExitCode, time::Instant};

use anyhow::Context as _;
use hearth_ethereum::{PublicOutput, formats::load_block_file};
use hearth_machine::{ProgramSource, verify_run};

use crate::prove::{
    LastLayerArgs, RunArgs, print_run_summary, print_security, prove_with_progress, run_report_json,
    run_security, write_proof,
};
use hearth_recursion::aggregate::LastLayer;

#[derive(clap::Args)]
pub(crate) struct ProveBlockArgs {
    /// Block file: the canonical JSON (block RLP + debug_executionWitness), zk-pig or
    /// ethrex-replay format; `.gz` is read directly.
    block: PathBuf,
    /// Where to write the proof.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Also write a JSON report: the block, stage times (execute, per shard replay, trace and
    /// prove, verify), cycles, shards, proof size, security and peak memory.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// The validation guest ELF (default: build guest/stateless from this repository).
    #[arg(long, value_name = "ELF")]
    elf: Option<PathBuf>,
    /// Do not verify the proof after writing it.
    #[arg(long)]
    no_verify: bool,
    #[command(flatten)]
    aggregation: BlockAggregateArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Whether a block's shard proofs are folded into one final proof, and how.
#[derive(clap::Args)]
struct BlockAggregateArgs {
    /// Write the shard proofs (a run proof, checked by `hearth verify` against the guest)
    /// instead of folding them into one final proof: a quarter of the time, but a proof of
    /// megabytes rather than kilobytes, which a validator would check shard by shard.
    #[arg(long, conflicts_with_all = ["final_blowup", "wrap_blowups"])]
    shards_only: bool,
    #[command(flatten)]
    layers: LastLayerArgs,
}

/// A block's last layers when none are given: the final step at blowup 8 and wraps at 16, 32,
/// 64 and 128 (`log2`). Each layer's tables are short enough for its blowup to fit 24 GiB, and
/// the last one's 29 queries make a final proof under 300 KiB.
const BLOCK_LAST_LAYERS: [u8; 5] = [3, 4, 5, 6, 7];

impl BlockAggregateArgs {
    /// The last layers to prove: those given, or the block default.
    fn last_layers(&self) -> Vec<LastLayer> {
        if self.layers.final_blowup.is_some() {
            self.layers.last_layers()
        } else {
            BLOCK_LAST_LAYERS.into_iter().map(LastLayer::SizeTuned).collect()
        }
    }
}

/// Prints the block a validation output is about and its verdict.
pub(crate) fn print_block_output(output: &PublicOutput) {
    println!(
        "block         {} 0x{} (chain {})",
        output.block_number,
        hex::encode(output.block_hash),
        output.chain_id
    );
    match output.status {
        hearth_ethereum::Status::Valid => println!("verdict       valid"),
        status => {
            println!("verdict       {} (reason code {})", crate::validate::status_name(status), output.reason)
        }
    }
    println!("pre-state     0x{}", hex::encode(output.pre_state_root));
    println!("post-state    0x{}", hex::encode(output.post_state_root));
    println!("gas used      {}", output.gas_used);
}

pub(crate) fn prove_block(args: ProveBlockArgs) -> anyhow::Result<ExitCode> {
    let params = args.run.params()?;
    let options = args.run.options()?;
    let file =
        load_block_file(&args.block).with_context(|| format!("cannot load {}", args.block.display()))?;
    let input = file.input().encode();
    let program = crate::validate::guest(args.elf.as_deref())?;
    eprintln!(
        "proving {} ({} bytes of input) with parameters {:?} ...",
        args.block.display(),
        input.len(),
        params.name
    );
    let aggregate = !args.aggregation.shards_only;
    let heights = args.run.table_heights();
    let proven =
        match prove_with_progress(&program, &input, &params, &options, heights, aggregate, &args.output)? {
            Ok(proven) => proven,
            Err(code) => return Ok(code),
        };
    let public = proven.proof.output();
    let exit_code = proven.proof.shards.last().map_or(0, |s| s.exit_code);
    let output = PublicOutput::decode(&public)
        .filter(|_| exit_code == 0)
        .with_context(|| format!("the guest exited with code {exit_code} without a validation output"))?;
    let last_layers = args.aggregation.last_layers();
    let aggregation = aggregate.then_some((&args.aggregation.layers.tree_params, last_layers.as_slice()));
    let (bytes, aggregated) = write_proof(&proven.proof, &program, &args.output, aggregation)?;
    let verify_s = if args.no_verify {
        None
    } else {
        let start = Instant::now();
        match &aggregated {
            Some(aggregated) => {
                let hash = proven.proof.shards[0].descriptor.hash();
                aggregated.run.verify(&hash).context("the final proof does not verify")?;
            }
            None => {
                verify_run(&proven.proof, ProgramSource::Elf(&program))
                    .context("the proof does not verify")?;
            }
        }
        Some(start.elapsed().as_secs_f64())
    };
    print_block_output(&output);
    println!("program hash  0x{}", hex::encode(proven.proof.shards[0].descriptor.hash()));
    print_run_summary(&proven, bytes.len(), &args.output);
    if let Some(s) = verify_s {
        println!("verify time   {:.0} ms", s * 1e3);
    }
    // A final proof's layers were printed with the aggregation.
    if aggregated.is_none()
        && let Ok(reports) = run_security(&proven.proof)
    {
        print_security(&reports);
    }
    if let Some(path) = &args.report {
        let mut report = run_report_json(&proven, &params, bytes.len(), verify_s);
        report["block"] = serde_json::json!({
            "file": args.block,
            "number": output.block_number,
            "hash": format!("0x{}", hex::encode(output.block_hash)),
            "chain_id": output.chain_id,
            "verdict": crate::validate::status_name(output.status),
            "pre_state_root": format!("0x{}", hex::encode(output.pre_state_root)),
            "post_state_root": format!("0x{}", hex::encode(output.post_state_root)),
            "gas_used": output.gas_used,
            "input_bytes": input.len(),
        });
        if let Some(aggregated) = &aggregated {
            report["aggregation"] = crate::final_proof::report_json(aggregated);
        }
        report["cycles_per_gas"] =
            serde_json::json!(proven.report.cycles as f64 / output.gas_used.max(1) as f64);
        crate::prove::write_file(path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}
