//! `hearth-bench prover`.

use std::time::Instant;

use anyhow::Context as _;
use hearth_executor::Program;
use hearth_machine::{ProgramSource, machine_chips, prove_shard, shard_traces, verify_run};
use hearth_stark::{ProofParams, Val};
use p3_air::BaseAir;
use serde_json::json;

use crate::Output;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// `log2` of the cycle counts to prove.
    #[arg(long, value_delimiter = ',', default_values_t = [16u32, 18, 20])]
    log_cycles: Vec<u32>,
    /// Parameter sets.
    #[arg(long, value_delimiter = ',', default_values_t = ["default".to_string(), "fast-100".to_string()])]
    params: Vec<String>,
    /// Workloads: `alu` (additions, logic, comparisons, loads and stores), `muldiv`
    /// (multiplications, divisions and shifts), `keccak` and `keccak-sw` (bundled Rust guests
    /// chaining Keccak-256 on the accelerator or in software; they read their input and write
    /// the digest), `sha256` (SHA-256 chained on the accelerator, one compression per hash),
    /// `ecrecover` (the bundled guest recovering public keys of real signatures on the secp256k1
    /// accelerators).
    #[arg(
        long,
        value_delimiter = ',',
        default_values_t = ["alu", "muldiv", "keccak", "keccak-sw"].map(String::from)
    )]
    workloads: Vec<String>,
    /// Only execute and generate the traces (no proving): times trace generation alone.
    #[arg(long)]
    traces_only: bool,
    #[command(flatten)]
    output: Output,
}

/// A loop of additions, logic, comparisons, branches, and loads and stores, about 16 cycles per
/// iteration.
fn alu_loop(iterations: u64) -> String {
    format!(
        "li sp, 0x00ff0000\nli t0, {iterations}\nli s1, 1\nli s2, 7\n1:\n\
         add s1, s1, s2\nxor s2, s2, s1\nsltu t1, s1, s2\nadd s1, s1, t1\nandi t2, s1, 0xff\n\
         or s2, s2, t2\nsd s1, 0(sp)\nlw t3, 4(sp)\nsubw s2, s2, t3\nsb s2, 9(sp)\nlbu t4, 9(sp)\n\
         add s1, s1, t4\naddi sp, sp, -16\naddi t0, t0, -1\nbne t0, zero, 1b\n\
         andi a0, s1, 0\nli a7, 93\necall\n"
    )
}

/// A loop of 64-bit and W multiplications, divisions, remainders and shifts with the additions
/// that feed them, 16 cycles per iteration (one iteration short of the power of two, so the setup
/// and exit fit in the same table height).
fn muldiv_loop(iterations: u64) -> String {
    format!(
        "li t0, {iterations}\nli s1, 0x9e3779b97f4a7c15\nli s2, 12345\n1:\n\
         mul t1, s1, s2\nmulhu t2, s1, s2\ndivu t3, s1, s2\nremw t4, s1, s2\nsrl t5, s1, s2\n\
         sraw t6, t1, s2\nxor s1, t1, t2\nadd s1, s1, t3\nmulh t1, s1, t6\ndiv t2, t1, s2\n\
         sll t3, t2, t4\nadd s2, s2, t5\nori s2, s2, 1\nadd s1, s1, t3\naddi t0, t0, -1\n\
         bne t0, zero, 1b\nandi a0, s1, 0\nli a7, 93\necall\n"
    )
}

fn assemble(body: &str) -> anyhow::Result<Program> {
    let dir = tempfile::tempdir()?;
    let source = format!(".text\n.global _start\n_start:\n{body}");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[])?;
    Ok(Program::from_elf(&std::fs::read(elf)?)?)
}

/// The bundled hash chain guest `name` with as many hashes as fit in `cycles` (so its CPU
/// table is that tall), and its input.
fn hash_chain(name: &str, cycles: u64) -> anyhow::Result<(Program, Vec<u8>)> {
    let program = Program::from_elf(&hearth_guest_builder::bundled::elf(name))?;
    let options = hearth_executor::ExecutionOptions::default();
    let run = |n: u64| -> anyhow::Result<u64> {
        Ok(hearth_executor::execute(&program, &n.to_le_bytes(), &options)?.cycles)
    };
    let (base, one) = (run(0)?, run(1)?);
    let mut n = cycles.saturating_sub(base) / (one - base).max(1);
    while n > 0 && run(n)? > cycles {
        n -= 1;
    }
    Ok((program, n.to_le_bytes().to_vec()))
}

/// The bundled `ecrecover` guest with as many signatures to recover as fit in `cycles`, and
/// its input (97-byte records of hash, signature and recovery id, from fixed keys).
fn ecrecover(cycles: u64) -> anyhow::Result<(Program, Vec<u8>)> {
    let program = Program::from_elf(&hearth_guest_builder::bundled::elf("ecrecover"))?;
    let records = |n: u64| -> anyhow::Result<Vec<u8>> {
        let mut input = Vec::new();
        for i in 0..n {
            let mut secret = [0x5au8; 32];
            secret[..8].copy_from_slice(&(i + 1).to_le_bytes());
            let key = k256::ecdsa::SigningKey::from_bytes(&secret.into())?;
            let msg = [(i % 251) as u8; 32];
            let (sig, recid) = key.sign_prehash_recoverable(&msg);
            input.extend_from_slice(&msg);
            input.extend_from_slice(&sig.to_bytes());
            input.push(recid.to_byte());
        }
        Ok(input)
    };
    let options = hearth_executor::ExecutionOptions::default();
    let run = |n: u64| -> anyhow::Result<u64> {
        Ok(hearth_executor::execute(&program, &records(n)?, &options)?.cycles)
    };
    let (base, one) = (run(0)?, run(1)?);
    let mut n = cycles.saturating_sub(base) / (one - base).max(1);
    while n > 0 && run(n)? > cycles {
        n -= 1;
    }
    Ok((program, records(n)?))
}

fn peak_rss_mib() -> Option<f64> {
    crate::peak_rss_bytes().map(|bytes| bytes as f64 / (1 << 20) as f64)
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let chips = machine_chips(None, None, None, None);
    let columns: Vec<_> = hearth_machine::chips::CHIP_NAMES
        .iter()
        .zip(&chips)
        .map(|(name, chip)| {
            json!({
                "table": name,
                "main": BaseAir::<Val>::width(chip),
                "preprocessed": BaseAir::<Val>::preprocessed_width(chip),
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut log_cycles = args.log_cycles.clone();
    log_cycles.sort_unstable();
    for (workload, &log) in args.workloads.iter().flat_map(|w| log_cycles.iter().map(move |l| (w, l))) {
        let (program, input) = match workload.as_str() {
            "alu" => (assemble(&alu_loop((1u64 << log) / 16))?, Vec::new()),
            "muldiv" => (assemble(&muldiv_loop((1u64 << log) / 16 - 1))?, Vec::new()),
            "keccak-sw" => hash_chain("keccak_sw", 1 << log)?,
            "keccak" => hash_chain("keccak_chain", 1 << log)?,
            "sha256" => hash_chain("sha256_chain", 1 << log)?,
            "ecrecover" => ecrecover(1 << log)?,
            other => anyhow::bail!("no workload {other} (alu, muldiv, keccak-sw, keccak, sha256, ecrecover)"),
        };
        let start = Instant::now();
        let traces = shard_traces(&program, &input)?;
        let trace_s = start.elapsed().as_secs_f64();
        drop(traces);
        if args.traces_only {
            results.push(json!({
                "workload": workload,
                "log_cycles_target": log,
                "trace_generation_s": trace_s,
                "peak_rss_mib_so_far": peak_rss_mib(),
            }));
            eprintln!("{}", results.last().map(|r| r.to_string()).unwrap_or_default());
            continue;
        }
        for name in &args.params {
            let params = ProofParams::by_name(name).with_context(|| format!("no parameter set {name}"))?;
            eprintln!("proving {workload} at 2^{log} cycles with {name} ...");
            let start = Instant::now();
            let proof = prove_shard(&program, &input, &params)?;
            let prove_s = start.elapsed().as_secs_f64();
            let size = proof.to_bytes().len();
            let start = Instant::now();
            verify_run(&proof, ProgramSource::Elf(&program))?;
            let verify_ms = start.elapsed().as_secs_f64() * 1e3;
            let heights = proof.shards[0].table_log_heights()?;
            let bits = hearth_machine::machine_security(&params, &heights)?[1].total;
            results.push(json!({
                "workload": workload,
                "log_cycles_target": log,
                "cycles": proof.cycles(),
                "params": name,
                "johnson_bits": bits,
                "trace_generation_s": trace_s,
                "prove_s": prove_s,
                "cycles_per_s": proof.cycles() as f64 / prove_s,
                "proof_bytes": size,
                "verify_ms": verify_ms,
                "peak_rss_mib_so_far": peak_rss_mib(),
                "log_heights": heights,
            }));
            eprintln!("{}", results.last().map(|r| r.to_string()).unwrap_or_default());
        }
    }
    args.output.write(&json!({
        "benchmark": "prover",
        "threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "columns": columns,
        "results": results,
    }))
}
