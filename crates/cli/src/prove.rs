//! `hearth prove`, `hearth verify` and `hearth security`.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use anyhow::{Context as _, bail};
use hearth_executor::Program;
use hearth_machine::heights::TableHeights;
use hearth_machine::{
    ProgramSource, ProveError, RunOptions, RunProof, RunProver, RunReport, machine_security, verify_run,
};
use hearth_recursion::aggregate::{LastLayer, TreeParams};
use hearth_stark::security::{Regime, RegimeReport};
use hearth_stark::{CpuBackend, ProofParams};
use sha2::{Digest, Sha256};

use crate::checkpoint::WorkDir;
use crate::final_proof::Aggregated;
use crate::status;

#[derive(clap::Args)]
pub(crate) struct ProveArgs {
    /// The guest ELF.
    elf: PathBuf,
    /// File whose bytes are the guest's input.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Where to write the proof.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Also write a JSON report: stage times (execute, then per shard replay, trace and
    /// prove), cycles, shards, proof size and peak memory.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    aggregation: AggregateArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Whether and how shard proofs are folded into one final proof.
#[derive(clap::Args)]
pub(crate) struct AggregateArgs {
    /// Fold the shard proofs into one final proof (recursion) and write that instead of the
    /// run proof, with its aggregation key beside it (OUTPUT.key). The aggregation tree is
    /// proven with --tree-params, the last layers as --final-blowup says. The shards keep the input private:
    /// the final proof states the input's length and the output, not the input's bytes.
    /// Until the final proof is written the shard proofs wait in OUTPUT.run, from which
    /// `hearth aggregate` resumes should aggregation stop.
    #[arg(long)]
    pub(crate) aggregate: bool,
    #[command(flatten)]
    pub(crate) layers: LastLayerArgs,
}

/// How the layers above the aggregation tree are proven.
#[derive(clap::Args)]
pub(crate) struct LastLayerArgs {
    /// Prove the last step at this blowup (2 to 32) with 28 bits of query grinding and as few
    /// queries as 128 provable bits allow, for a smaller final proof. Larger blowups give
    /// smaller proofs for more time and memory. Without it the last step uses --tree-params,
    /// except in `prove-block`, which defaults to `--final-blowup 8 --wrap-blowups 16,32,64,128`.
    #[arg(long, value_name = "N", value_parser = parse_blowup)]
    pub(crate) final_blowup: Option<u8>,
    /// With --final-blowup: wrap the final proof in more recursion steps, one per blowup given
    /// (comma-separated, each 2 to 128, e.g. `32,64,128`, which gives the smallest proofs,
    /// under 300 KiB), each verifying the proof below and size-tuned like the last step. Each
    /// wrap's tables are shorter than the last, so a larger blowup fits: the proof shrinks for
    /// more time (one to three minutes per wrap on 2 cores; a wrap at 128 peaks near 22 GiB).
    #[arg(
        long,
        value_name = "N,N,...",
        requires = "final_blowup",
        value_delimiter = ',',
        value_parser = parse_wrap_blowup
    )]
    pub(crate) wrap_blowups: Vec<u8>,
    /// Parameter set of the aggregation tree's proofs (leaves, lifts, nodes): `auto` (rate
    /// 1/4 unless a leaf has a table taller than 2^21 rows, as a block's tallest leaves do,
    /// then rate 1/2), `default` (rate 1/4, 114 queries, >= 128 provable bits),
    /// `half-rate-128` (rate 1/2, 231 queries, >= 128 bits: half the memory per row, twice the
    /// rows to verify) or `fast-100` (>= 100 bits). The final proof records the weakest
    /// layer's bits.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = parse_tree_params)]
    pub(crate) tree_params: TreeParams,
}

/// The tree's parameters named on the command line: `auto` or a parameter set.
fn parse_tree_params(name: &str) -> Result<TreeParams, String> {
    match name {
        "auto" => Ok(TreeParams::ByTallestLeaf),
        name => params_named(name).map(TreeParams::Fixed).map_err(|e| format!("{e}, or auto")),
    }
}

impl LastLayerArgs {
    /// The layers above the aggregation tree: the final step size-tuned at `--final-blowup`,
    /// then one wrap per `--wrap-blowups` (all `log2`).
    pub(crate) fn last_layers(&self) -> Vec<LastLayer> {
        self.final_blowup
            .into_iter()
            .chain(self.wrap_blowups.iter().copied())
            .map(LastLayer::SizeTuned)
            .collect()
    }
}

impl AggregateArgs {
    /// Writes the run proof to `output`, or with --aggregate the final proof that folds it
    /// (and its key beside it); returns the bytes written and the aggregation.
    pub(crate) fn write(
        &self,
        run: &RunProof,
        program: &Program,
        output: &Path,
    ) -> anyhow::Result<(Vec<u8>, Option<Aggregated>)> {
        if !self.aggregate && self.layers.final_blowup.is_some() {
            bail!("--final-blowup and --wrap-blowups need --aggregate");
        }
        let last_layers = self.layers.last_layers();
        let aggregation = self.aggregate.then_some((&self.layers.tree_params, last_layers.as_slice()));
        write_proof(run, program, output, aggregation)
    }
}

/// Writes `run` to `output`, or, given the tree's parameters and the last layers, the final
/// proof that folds it (and its key beside it); returns the bytes written and the aggregation.
pub(crate) fn write_proof(
    run: &RunProof,
    program: &Program,
    output: &Path,
    aggregation: Option<(&TreeParams, &[LastLayer])>,
) -> anyhow::Result<(Vec<u8>, Option<Aggregated>)> {
    let Some((tree_params, last_layers)) = aggregation else {
        let bytes = run.to_bytes();
        write_file(output, &bytes)?;
        WorkDir::beside(output).remove();
        return Ok((bytes, None));
    };
    // The shard proofs are kept on disk until the final proof is written: aggregation is long
    // and memory-hungry, and stopping it must not cost the shards' proving.
    let saved = crate::final_proof::run_path(output);
    let bytes = run.to_bytes();
    write_file(&saved, &bytes)?;
    let run_digest = Sha256::digest(&bytes);
    drop(bytes);
    eprintln!(
        "shard proofs saved to {} (should aggregation stop, the same command resumes it, as does \
         `hearth aggregate {} -o {}{}`)",
        saved.display(),
        saved.display(),
        output.display(),
        resume_flags(tree_params, last_layers)
    );
    let aggregated =
        crate::final_proof::aggregate_and_write(run, &run_digest, program, tree_params, last_layers, output)?;
    std::fs::remove_file(&saved).with_context(|| format!("cannot remove {}", saved.display()))?;
    Ok((aggregated.bytes.clone(), Some(aggregated)))
}

/// The `hearth aggregate` options that prove the same layers (the ELF aside).
fn resume_flags(tree_params: &TreeParams, last_layers: &[LastLayer]) -> String {
    let mut blowups = last_layers.iter().filter_map(|layer| match layer {
        LastLayer::SizeTuned(log) => Some((1u32 << log).to_string()),
        LastLayer::Given(_) => None,
    });
    let mut flags = format!(" --tree-params {}", tree_params.name());
    if let Some(first) = blowups.next() {
        flags += &format!(" --final-blowup {first}");
        let wraps: Vec<String> = blowups.collect();
        if !wraps.is_empty() {
            flags += &format!(" --wrap-blowups {}", wraps.join(","));
        }
    }
    flags
}

/// How a run is proven: parameters, shard size, concurrency and memory.
#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// Parameter set: `default` (>= 128 provable bits), `half-rate-128` (>= 128 bits at rate
    /// 1/2: less memory, twice the queries, larger proofs) or `fast-100` (>= 100 bits, about
    /// half the proving work).
    #[arg(long, value_name = "NAME", default_value = "default")]
    params: String,
    /// Cycles per shard (1 to 4194302). The run is cut into shards of this many cycles, each
    /// proven on its own; at 2^19 the block guest's proving peaks near 13 GiB (default parameters).
    #[arg(long, value_name = "N", default_value_t = hearth_machine::DEFAULT_SHARD_CYCLES)]
    shard_cycles: u64,
    /// Shards proven at once (default 1: each proof already uses every core; one more shard is
    /// always executed and traced ahead). More pay only when one shard cannot keep all cores
    /// busy, and multiply the memory needed.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Memory the shards in flight may use together, like `12G` or `800M` (default: three
    /// quarters of the memory available). A shard waits for room before it starts; one that
    /// alone needs more is proven with no newer shard beside it.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
    /// Fault if the guest has not exited after this many cycles.
    #[arg(long, value_name = "N", default_value_t = hearth_executor::DEFAULT_MAX_CYCLES)]
    max_cycles: u64,
    /// Table heights: `natural` (each table at the smallest power of two that holds it) or
    /// `menu` (the moving tables raised to a few canonical heights: a block's shards then fall
    /// into a few shapes, so its aggregation builds fewer leaf programs, for some padding rows).
    #[arg(long, value_name = "HEIGHTS", value_enum, default_value_t = HeightsArg::Natural)]
    table_heights: HeightsArg,
}

/// The `--table-heights` choices.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum HeightsArg {
    Natural,
    Menu,
}

/// Parses a blowup (a power of two from 2 to 32) into its `log2`.
fn parse_blowup(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u32>() {
        Ok(b) if b.is_power_of_two() && (2..=32).contains(&b) => Ok(b.trailing_zeros() as u8),
        _ => Err(format!("{text:?} is not a blowup of 2, 4, 8, 16 or 32")),
    }
}

fn parse_wrap_blowup(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u32>() {
        Ok(b) if b.is_power_of_two() && (2..=128).contains(&b) => Ok(b.trailing_zeros() as u8),
        _ => Err(format!("{text:?} is not a blowup of 2, 4, 8, 16, 32, 64 or 128")),
    }
}

/// Parses a byte count: a number with an optional `K`, `M`, `G` or `T` (powers of 1024, an
/// optional `iB` or `B` after it).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, shift) = match t.chars().last() {
        Some('K' | 'k') => (&t[..t.len() - 1], 10),
        Some('M' | 'm') => (&t[..t.len() - 1], 20),
        Some('G' | 'g') => (&t[..t.len() - 1], 30),
        Some('T' | 't') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let value: f64 = digits.trim().parse().map_err(|_| format!("{text:?} is not a size like 12G or 800M"))?;
    if !(value.is_finite() && value > 0.0) {
        return Err(format!("{text:?}: the size must be positive"));
    }
    Ok((value * (1u64 << shift) as f64) as u64)
}

impl RunArgs {
    pub(crate) fn params(&self) -> anyhow::Result<ProofParams> {
        params_named(&self.params)
    }

    pub(crate) fn table_heights(&self) -> TableHeights {
        match self.table_heights {
            HeightsArg::Natural => TableHeights::Natural,
            HeightsArg::Menu => TableHeights::Menu,
        }
    }

    pub(crate) fn options(&self) -> anyhow::Result<RunOptions> {
        if self.shard_cycles == 0 || self.shard_cycles > hearth_machine::MAX_SHARD_CYCLES {
            bail!("--shard-cycles must be between 1 and {}", hearth_machine::MAX_SHARD_CYCLES);
        }
        let defaults = RunOptions::default();
        Ok(RunOptions {
            shard_cycles: self.shard_cycles,
            jobs: self.jobs.unwrap_or(defaults.jobs).max(1),
            max_memory: self.max_memory.unwrap_or(defaults.max_memory),
            max_cycles: self.max_cycles,
        })
    }
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("program").args(["elf", "program_hash"])))]
pub(crate) struct VerifyArgs {
    /// The proof file (from `hearth prove` or `hearth prove-block`): a run proof (every shard's
    /// proof) or a final proof (`--aggregate`).
    pub(crate) proof: PathBuf,
    /// The program's ELF. Without it or --program-hash, the proof must be of the Ethereum
    /// validation guest built from this repository (guest/stateless), and is read as a block's.
    #[arg(long, value_name = "FILE")]
    pub(crate) elf: Option<PathBuf>,
    /// The program's hash (as `hearth prove` prints it), instead of its ELF.
    #[arg(long, value_name = "HEX")]
    pub(crate) program_hash: Option<String>,
    /// Read the public output as a block validation's: print the block, its state roots and
    /// the verdict (implied when no program is given).
    #[arg(long)]
    pub(crate) block: bool,
    /// Also require this exit code.
    #[arg(long, value_name = "N")]
    pub(crate) exit_code: Option<u32>,
    /// Also require that the proof is about exactly this input (compared by SHA-256, the input
    /// commitment).
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// Also require that the public output is exactly this file's bytes.
    #[arg(long, value_name = "FILE")]
    pub(crate) expected_output: Option<PathBuf>,
    /// Write the proven public output to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_output: Option<PathBuf>,
    /// The aggregation key a final proof (from `hearth prove --aggregate`) is checked against:
    /// it names the recursion programs whose proofs the verifier accepts, so it must come from
    /// a source you trust, not from whoever sent the proof, unless --rebuild-key checks it.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,
    /// Rebuild the key from the recipe it carries and require it to match before verifying
    /// (as `hearth check-key` does): a key from anyone is then as good as one you built. Takes
    /// about as long as an aggregation's setup (minutes for a block); the proof's own check
    /// stays milliseconds.
    #[arg(long, requires = "key")]
    pub(crate) rebuild_key: bool,
    /// Accept proofs made with a parameter set below 128 bits (`fast-100`), or final proofs
    /// whose weakest layer has at least 100 provable bits; test-only sets are never accepted.
    #[arg(long)]
    pub(crate) allow_fast: bool,
}

#[derive(clap::Args)]
pub(crate) struct SecurityArgs {
    /// Parameter set.
    #[arg(long, value_name = "NAME", default_value = "default")]
    params: String,
    /// `log2` of the height of the CPU and the other execution tables.
    #[arg(long, value_name = "N", default_value_t = 22)]
    log_rows: usize,
}

pub(crate) fn params_named(name: &str) -> anyhow::Result<ProofParams> {
    ProofParams::by_name(name)
        .with_context(|| format!("no parameter set named {name:?} (default, fast-100, half-rate-128)"))
}

pub(crate) fn load_program(path: &Path) -> anyhow::Result<Program> {
    let bytes = read_file(path)?;
    Program::from_elf(&bytes).with_context(|| format!("{} is not a valid guest ELF", path.display()))
}

pub(crate) fn prove(args: ProveArgs) -> anyhow::Result<ExitCode> {
    let params = args.run.params()?;
    let options = args.run.options()?;
    let program = load_program(&args.elf)?;
    let input = match &args.input {
        Some(path) => read_file(path)?,
        None => Vec::new(),
    };
    eprintln!("proving {} with parameters {:?} ...", args.elf.display(), params.name);
    let proven = match prove_with_progress(
        &program,
        &input,
        &params,
        &options,
        args.run.table_heights(),
        args.aggregation.aggregate,
        &args.output,
    )? {
        Ok(proven) => proven,
        Err(code) => return Ok(code),
    };
    let (bytes, aggregated) = args.aggregation.write(&proven.proof, &program, &args.output)?;
    let shard = &proven.proof.shards[proven.proof.shards.len() - 1];
    println!("program hash  0x{}", hex::encode(shard.descriptor.hash()));
    println!("exit code     {}", shard.exit_code);
    println!("input         {} bytes, SHA-256 0x{}", input.len(), hex::encode(Sha256::digest(&input)));
    println!("output        {}", describe_output(&proven.proof.output()));
    print_run_summary(&proven, bytes.len(), &args.output);
    if let Some(path) = &args.report {
        let mut report = run_report_json(&proven, &params, bytes.len(), None);
        if let Some(aggregated) = &aggregated {
            report["aggregation"] = crate::final_proof::report_json(aggregated);
        }
        write_file(path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A run proven, with what it took.
pub(crate) struct ProvenRun {
    pub(crate) proof: RunProof,
    pub(crate) report: RunReport,
    /// Wall time from the start of execution to the last shard proven, in seconds.
    pub(crate) total_s: f64,
    /// Shards whose proofs were kept from an earlier attempt: the times above are this
    /// attempt's, the per-shard reports those of the attempt that proved each.
    pub(crate) resumed_shards: usize,
}

/// Proves a run with a progress bar; a guest fault is reported and becomes `Err(status)`.
/// Shards proven `for_aggregation` keep the input private (the final proof states its length).
/// Each shard proof is kept in the work folder beside `output` as it is made, and the shards
/// an earlier attempt kept there are not proven again.
pub(crate) fn prove_with_progress(
    program: &Program,
    input: &[u8],
    params: &ProofParams,
    options: &RunOptions,
    heights: TableHeights,
    for_aggregation: bool,
    output: &Path,
) -> anyhow::Result<Result<ProvenRun, ExitCode>> {
    let start = Instant::now();
    let mut prover = RunProver::new(&CpuBackend, program, input, params)
        .context("cannot set up the prover")?
        .with_table_heights(heights);
    if for_aggregation {
        prover = prover.with_private_input();
    }
    let work = WorkDir::beside(output);
    let kept = work.shards(program, input, params, options.shard_cycles, heights, for_aggregation)?;
    work.announce(kept.kept, "shard proofs");
    let progress = crate::progress::ShardProgress::new(options);
    let result = prover.prove_resuming(options, &progress, &kept);
    progress.finish();
    match result {
        Ok((proof, report)) => Ok(Ok(ProvenRun {
            proof,
            report,
            total_s: start.elapsed().as_secs_f64(),
            resumed_shards: progress.resumed(),
        })),
        Err(ProveError::Execution(fault)) => {
            eprintln!("error: the guest faulted: {fault}");
            if kept.kept == 0 {
                work.remove();
            }
            Ok(Err(ExitCode::from(status::GUEST_FAULT)))
        }
        Err(e) => Err(anyhow::Error::new(e).context("proving failed")),
    }
}

/// Prints cycles, shards, times and the proof's size.
pub(crate) fn print_run_summary(proven: &ProvenRun, proof_bytes: usize, path: &Path) {
    let r = &proven.report;
    println!("cycles        {}", r.cycles);
    println!(
        "shards        {} of up to {} cycles, {} at once",
        r.shards.len(),
        r.shards.iter().map(|s| s.cycles).max().unwrap_or(0),
        r.jobs
    );
    let resumed = match proven.resumed_shards {
        0 => String::new(),
        n => format!("; {n} shards kept from an earlier attempt, not proven in this time"),
    };
    println!(
        "prove time    {:.2} s ({:.0} cycles/s; execute {:.2} s, shards {:.2} s{resumed})",
        proven.total_s,
        r.cycles as f64 / proven.total_s,
        r.execute_s,
        r.shards_s
    );
    if let Some(peak) = peak_memory() {
        println!("peak memory   {:.2} GiB", peak as f64 / (1u64 << 30) as f64);
    }
    println!("proof         {} ({} KiB)", path.display(), proof_bytes / 1024);
}

/// The highest peak [`take_peak_memory`] has read: resetting the kernel's mark forgets it.
static PEAK_BEFORE_RESET: AtomicU64 = AtomicU64::new(0);

/// The kernel's mark of peak resident memory, in bytes (Linux).
fn resident_high_water_mark() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The process's peak resident memory since it started, in bytes (Linux).
pub(crate) fn peak_memory() -> Option<u64> {
    Some(resident_high_water_mark()?.max(PEAK_BEFORE_RESET.load(Ordering::Relaxed)))
}

/// The peak resident memory since the last call (or the start), in bytes; the mark is reset so
/// that the next call measures the next stage alone (Linux `/proc/self/clear_refs`). None where
/// either cannot be done.
pub(crate) fn take_peak_memory() -> Option<u64> {
    let peak = resident_high_water_mark()?;
    PEAK_BEFORE_RESET.fetch_max(peak, Ordering::Relaxed);
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    Some(peak)
}

/// The JSON report of a proven run (`verify_s` when the proof was verified after proving).
pub(crate) fn run_report_json(
    proven: &ProvenRun,
    params: &ProofParams,
    proof_bytes: usize,
    verify_s: Option<f64>,
) -> serde_json::Value {
    let r = &proven.report;
    let security = run_security(&proven.proof).ok();
    let bits = |regime: Regime| {
        security.as_ref().and_then(|reports| reports.iter().find(|x| x.regime == regime)).map(|x| x.total)
    };
    serde_json::json!({
        "program_hash": proven.proof.shards.first().map(|s| format!("0x{}", hex::encode(s.descriptor.hash()))),
        "params": params.name,
        "security_bits": { "johnson_bound": bits(Regime::JohnsonBound), "unique_decoding": bits(Regime::UniqueDecoding) },
        "cycles": r.cycles,
        "shards": r.shards.len(),
        "jobs": r.jobs,
        "max_memory_bytes": r.max_memory,
        "stages_s": {
            "execute": r.execute_s,
            "shards": r.shards_s,
            "replay_total": r.shards.iter().map(|s| s.replay_s).sum::<f64>(),
            "trace_total": r.shards.iter().map(|s| s.trace_s).sum::<f64>(),
            "prove_total": r.shards.iter().map(|s| s.prove_s).sum::<f64>(),
            "prove_end_to_end": proven.total_s,
            "resumed_shards": proven.resumed_shards,
            "verify": verify_s,
        },
        "cycles_per_s": r.cycles as f64 / proven.total_s,
        "per_shard": r.shards,
        "proof_bytes": proof_bytes,
        "peak_memory_bytes": peak_memory(),
        "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}

/// The provable security of a run's proof: the weakest shard's, in both regimes.
pub(crate) fn run_security(proof: &RunProof) -> anyhow::Result<[RegimeReport; 2]> {
    let mut weakest: Option<[RegimeReport; 2]> = None;
    let mut seen = std::collections::HashSet::new();
    for shard in &proof.shards {
        let heights = shard.table_log_heights()?;
        if !seen.insert((heights.clone(), shard.stark.params.name.clone())) {
            continue;
        }
        let reports = machine_security(&shard.stark.params, &heights)?;
        let jbr = |r: &[RegimeReport; 2]| {
            r.iter().find(|x| x.regime == Regime::JohnsonBound).map_or(0, |x| x.total)
        };
        if weakest.as_ref().is_none_or(|w| jbr(&reports) < jbr(w)) {
            weakest = Some(reports);
        }
    }
    weakest.context("the proof has no shards")
}

/// The public output in a line: its length and its bytes in hex (the first 32 of longer ones).
pub(crate) fn describe_output(output: &[u8]) -> String {
    const SHOWN: usize = 32;
    match output.len() {
        0 => "0 bytes".into(),
        n if n <= SHOWN => format!("{n} bytes, 0x{}", hex::encode(output)),
        n => format!("{n} bytes, 0x{}...", hex::encode(&output[..SHOWN])),
    }
}

pub(crate) fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file whole: to a temporary name beside it, then renamed, so an interrupted write
/// never leaves a truncated proof or report behind.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

pub(crate) fn print_security(reports: &[RegimeReport; 2]) {
    for report in reports {
        let name = match report.regime {
            Regime::UniqueDecoding => "unique decoding (UDR)",
            Regime::JohnsonBound => "Johnson bound (JBR)",
        };
        let weakest = report.components.iter().min_by_key(|c| c.bits).map(|c| c.name.as_str()).unwrap_or("");
        println!("security      {:>3} bits, {name}; weakest step: {weakest}", report.total);
    }
}

pub(crate) fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_file(&args.proof)?;
    if bytes.starts_with(hearth_verifier::proof::FINAL_PROOF_MAGIC) {
        return crate::final_proof::verify(&args, &bytes);
    }
    if args.key.is_some() {
        bail!("--key is for final proofs; {} is a run proof", args.proof.display());
    }
    let rejected = |why: String| {
        eprintln!("REJECTED: {why}");
        Ok(ExitCode::from(status::REJECTED))
    };
    let proof = match RunProof::from_bytes(&bytes) {
        Ok(p) => p,
        Err(e) => return rejected(e.to_string()),
    };
    let Some(first) = proof.shards.first() else { return rejected("the proof has no shards".into()) };
    let params = &first.stark.params;
    let known = ProofParams::by_name(&params.name);
    let acceptable = match known.as_ref() {
        Some(p) if p == params && (p.name == "default" || p.name == "half-rate-128") => true,
        Some(p) if p == params && p.name == "fast-100" => args.allow_fast,
        _ => false,
    };
    if !acceptable || proof.shards.iter().any(|s| &s.stark.params != params) {
        return rejected(format!(
            "made with parameter set {:?}, which this verifier does not accept{}",
            params.name,
            if params.name == "fast-100" { " without --allow-fast" } else { "" }
        ));
    }
    let program;
    let source = match (&args.elf, &args.program_hash) {
        (Some(elf), _) => {
            program = load_program(elf)?;
            ProgramSource::Elf(&program)
        }
        (None, Some(hash)) => ProgramSource::Hash(parse_program_hash(hash)?),
        (None, None) => {
            program = crate::validate::guest(None)?;
            ProgramSource::Elf(&program)
        }
    };
    let block = args.block || (args.elf.is_none() && args.program_hash.is_none());
    let start = Instant::now();
    let public = match verify_run(&proof, source) {
        Ok(p) => p,
        Err(hearth_machine::VerifyError::WrongProgram(why))
            if args.elf.is_none() && args.program_hash.is_none() =>
        {
            return rejected(format!(
                "not a proof of the validation guest ({why}); give --elf or --program-hash for other programs"
            ));
        }
        Err(e) => return rejected(e.to_string()),
    };
    let elapsed = start.elapsed();
    if let Some(code) = args.exit_code
        && code != public.exit_code
    {
        return rejected(format!("exit code {} (expected {code})", public.exit_code));
    }
    if let Some(path) = &args.input {
        let expected: [u8; 32] = Sha256::digest(read_file(path)?).into();
        if expected != public.input_commitment {
            return rejected(format!("the proof is about another input than {}", path.display()));
        }
    }
    if let Some(path) = &args.expected_output
        && read_file(path)? != public.output
    {
        return rejected(format!("the public output differs from {}", path.display()));
    }
    let block_output = if block {
        match hearth_ethereum::PublicOutput::decode(&public.output) {
            Some(output) if public.exit_code == 0 => Some(output),
            _ => return rejected("the public output is not a block validation's".into()),
        }
    } else {
        None
    };
    if let Some(path) = &args.write_output {
        write_file(path, &public.output)?;
    }
    println!("VALID");
    if let Some(output) = &block_output {
        crate::block::print_block_output(output);
    }
    println!("program hash  0x{}", hex::encode(public.program_hash));
    println!("exit code     {}", public.exit_code);
    println!("input         {} bytes, SHA-256 0x{}", public.input_len, hex::encode(public.input_commitment));
    println!("output        {}", describe_output(&public.output));
    println!("cycles        {}", public.cycles);
    println!("shards        {}", proof.shards.len());
    println!("parameters    {}", params.name);
    println!("proof size    {} KiB", bytes.len() / 1024);
    println!("verify time   {:.1} ms", elapsed.as_secs_f64() * 1e3);
    match run_security(&proof) {
        Ok(reports) => print_security(&reports),
        Err(e) => eprintln!("warning: cannot evaluate security: {e:#}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A program hash as `--program-hash` gives it: 32 bytes in hex, `0x` optional.
pub(crate) fn parse_program_hash(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim().trim_start_matches("0x")).context("--program-hash is not hex")?;
    <[u8; 32]>::try_from(bytes.as_slice()).ok().context("--program-hash must be 32 bytes")
}

pub(crate) fn security(args: SecurityArgs) -> anyhow::Result<ExitCode> {
    let params = params_named(&args.params)?;
    if !(5..=24).contains(&args.log_rows) {
        bail!("--log-rows must be between 5 and 24");
    }
    // Every table present, the accelerators included: the most any proof of that size holds.
    let mut heights = vec![Some(args.log_rows); hearth_machine::chips::CHIP_NAMES.len()];
    heights[hearth_machine::chips::index::BYTE] = Some(16);
    heights[hearth_machine::chips::index::REGISTERS] =
        Some(hearth_machine::chips::registers::NUM_REGISTERS.trailing_zeros() as usize);
    let reports = machine_security(&params, &heights)?;
    println!(
        "parameters    {} (rate 1/{}, {} queries, {} query PoW bits)",
        params.name,
        1 << params.log_blowup,
        params.num_queries,
        params.query_pow_bits
    );
    print_security(&reports);
    for report in &reports {
        for c in &report.components {
            println!("  {:?} {:<16} {:>4}", report.regime, c.name, c.bits);
        }
    }
    Ok(ExitCode::SUCCESS)
}
