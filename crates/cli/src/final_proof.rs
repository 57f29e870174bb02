//! Final proofs on the command line: `hearth prove --aggregate` folds a run's shard proofs into
//! one, and `hearth verify` checks one with the standalone verifier (`hearth-verifier`).

use std::{path::Path, process::ExitCode, time::Instant};

use anyhow::Context as _;
use hearth_machine::{ProgramSource, RunProof};
use hearth_recursion::aggregate::{
    AggregationObserver, LastLayer, RunAggregation, TreeParams, aggregate_run_resuming,
};
use hearth_stark::ProofParams;
use hearth_verifier::{AggregationKey, FinalProof, VerifyError, verify_final};
use sha2::{Digest, Sha256};

use crate::checkpoint::WorkDir;
use crate::prove::{VerifyArgs, describe_output, load_program, read_file, take_peak_memory, write_file};
use crate::status;

/// Provable bits a final proof's weakest layer must reach, unless `--allow-fast`.
const REQUIRED_BITS: u32 = 128;
/// Provable bits accepted with `--allow-fast`.
const FAST_BITS: u32 = 100;

/// The aggregation key's file beside a final proof's.
pub(crate) fn key_path(proof: &Path) -> std::path::PathBuf {
    let mut name = proof.as_os_str().to_owned();
    name.push(".key");
    name.into()
}

/// Where aggregation keeps a run's shard proofs until its final proof is written.
pub(crate) fn run_path(proof: &Path) -> std::path::PathBuf {
    let mut name = proof.as_os_str().to_owned();
    name.push(".run");
    name.into()
}

#[derive(clap::Args)]
pub(crate) struct AggregateRunArgs {
    /// A run proof made for aggregation: the OUTPUT.run file aggregation leaves when it
    /// stops, or a run proof of `hearth prove` (whose input then stays public).
    run: std::path::PathBuf,
    /// Where to write the final proof (its key goes beside it, OUTPUT.key).
    #[arg(short, long, value_name = "FILE")]
    output: std::path::PathBuf,
    /// The program's ELF (default: build the Ethereum validation guest, guest/stateless).
    #[arg(long, value_name = "FILE")]
    elf: Option<std::path::PathBuf>,
    #[command(flatten)]
    layers: crate::prove::LastLayerArgs,
}

/// `hearth aggregate`: folds a saved run proof into one final proof and verifies it.
pub(crate) fn aggregate(args: AggregateRunArgs) -> anyhow::Result<ExitCode> {
    let program = match &args.elf {
        Some(elf) => crate::prove::load_program(elf)?,
        None => crate::validate::guest(None)?,
    };
    let bytes = read_file(&args.run)?;
    let run =
        RunProof::from_bytes(&bytes).with_context(|| format!("{} is not a run proof", args.run.display()))?;
    let run_digest = Sha256::digest(&bytes);
    drop(bytes);
    let first = run.shards.first().with_context(|| format!("{} holds no shard", args.run.display()))?;
    let hash = first.descriptor.hash();
    eprintln!("{}: {} shards of program 0x{}", args.run.display(), run.shards.len(), hex::encode(hash));
    let aggregated = aggregate_and_write(
        &run,
        &run_digest,
        &program,
        &args.layers.tree_params,
        &args.layers.last_layers(),
        &args.output,
    )?;
    let start = Instant::now();
    aggregated.run.verify(&hash).context("the final proof does not verify")?;
    println!("verify time   {:.0} ms", start.elapsed().as_secs_f64() * 1e3);
    Ok(ExitCode::SUCCESS)
}

/// An aggregation with what each of its steps took.
pub(crate) struct Aggregated {
    pub(crate) run: RunAggregation,
    /// The steps in the order they ended.
    pub(crate) steps: Vec<StepCost>,
    /// The final proof's file, as written.
    pub(crate) bytes: Vec<u8>,
}

/// What one aggregation step took.
pub(crate) struct StepCost {
    step: String,
    seconds: f64,
    /// Peak resident memory during the step (Linux; none where it cannot be measured).
    peak_memory_bytes: Option<u64>,
    /// Proven by an earlier attempt, whose time and memory these are.
    resumed: bool,
}

impl StepCost {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "step": self.step,
            "seconds": self.seconds,
            "peak_memory_bytes": self.peak_memory_bytes,
            "resumed": self.resumed,
        })
    }
}

/// Prints each aggregation step as it ends, with its time and peak memory, and keeps them;
/// with a log, also appends them there, so that a resumed aggregation reports the steps an
/// earlier attempt proved with what they took then.
#[derive(Default)]
struct StepPrinter {
    steps: std::sync::Mutex<Vec<StepCost>>,
    log: Option<std::path::PathBuf>,
}

impl StepPrinter {
    fn push(&self, cost: StepCost) {
        self.steps.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(cost);
    }

    /// The cost an earlier attempt logged for `step` (its last entry), if any.
    fn logged(&self, step: &str) -> Option<StepCost> {
        let text = std::fs::read_to_string(self.log.as_ref()?).ok()?;
        // A line cut short by a stop does not parse and is skipped.
        let entry = text
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .rfind(|entry| entry["step"] == step)?;
        Some(StepCost {
            step: step.to_string(),
            seconds: entry["seconds"].as_f64()?,
            peak_memory_bytes: entry["peak_memory_bytes"].as_u64(),
            resumed: true,
        })
    }

    fn log(&self, cost: &StepCost) {
        use std::io::Write as _;
        let Some(path) = &self.log else { return };
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| writeln!(file, "{}", cost.to_json()));
        if let Err(e) = written {
            eprintln!("warning: cannot log the step to {}: {e}", path.display());
        }
    }
}

impl AggregationObserver for StepPrinter {
    fn step_done(&self, step: &str, done: usize, total: usize, seconds: f64) {
        let peak = take_peak_memory();
        let memory =
            peak.map(|b| format!(", peak {:.1} GiB", b as f64 / (1u64 << 30) as f64)).unwrap_or_default();
        eprintln!("{step:>12} done ({done}/{total}) in {seconds:.2} s{memory}");
        let cost = StepCost { step: step.to_string(), seconds, peak_memory_bytes: peak, resumed: false };
        self.log(&cost);
        self.push(cost);
    }

    fn step_resumed(&self, step: &str, done: usize, total: usize) {
        let cost = self.logged(step);
        let then = cost.as_ref().map(|c| format!(" (proven then in {:.2} s)", c.seconds)).unwrap_or_default();
        eprintln!("{step:>12} kept ({done}/{total}) from an earlier attempt{then}");
        if let Some(cost) = cost {
            self.push(cost);
        }
    }
}

/// Aggregates a proven run (whose serialized form has SHA-256 `run_digest`) and writes the
/// final proof to `output` and its key beside it; prints sizes, times and each layer's security.
pub(crate) fn aggregate_and_write(
    run: &RunProof,
    run_digest: &[u8],
    program: &hearth_executor::Program,
    params: &TreeParams,
    last_layers: &[LastLayer],
    output: &Path,
) -> anyhow::Result<Aggregated> {
    eprintln!("aggregating {} shard proofs into one ...", run.shards.len());
    let start = Instant::now();
    // Each step's peak is measured from here: the shards' proving is not the setup's.
    take_peak_memory();
    let work = WorkDir::beside(output);
    let kept = work.steps(run_digest, params.name())?;
    let printer = StepPrinter { log: Some(kept.log_file()), ..StepPrinter::default() };
    work.announce(kept.kept, "tree proofs");
    let aggregated = aggregate_run_resuming(
        run,
        ProgramSource::Elf(program),
        params.clone(),
        last_layers,
        &printer,
        &kept,
    )
    .context("aggregation failed")?;
    let seconds = start.elapsed().as_secs_f64();
    let bytes = aggregated.final_proof.to_bytes()?;
    write_file(output, &bytes)?;
    let key = key_path(output);
    write_file(&key, &aggregated.key.to_bytes()?)?;
    work.remove();
    let r = &aggregated.report;
    let wraps: String = r.wrap_seconds.iter().map(|s| format!(", wrap {s:.2} s")).collect();
    println!(
        "aggregation   {seconds:.2} s (setup {:.2} s, {} leaves {:.2} s, {} nodes {:.2} s, final {:.2} s{wraps})",
        r.setup_seconds,
        run.shards.len(),
        r.leaf_seconds,
        r.nodes,
        r.node_seconds,
        r.final_seconds
    );
    for layer in &aggregated.final_proof.security {
        println!("security      {:>3} bits, Johnson bound; layer {}", layer.bits, layer.layer);
    }
    let p = &aggregated.key.final_params;
    println!(
        "final layer   blowup {}, {} queries, {} bits of query grinding",
        1u32 << p.log_blowup,
        p.num_queries,
        p.query_pow_bits
    );
    println!("final proof   {} ({} KiB)", output.display(), bytes.len() / 1024);
    println!("key           {}", key.display());
    let steps = printer.steps.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok(Aggregated { run: aggregated, steps, bytes })
}

/// The aggregation's part of a JSON report: stage times, programs and each layer's security.
pub(crate) fn report_json(aggregated: &Aggregated) -> serde_json::Value {
    let Aggregated { run: aggregated, steps, .. } = aggregated;
    let r = &aggregated.report;
    serde_json::json!({
        "stages_s": {
            "setup": r.setup_seconds,
            "leaves": r.leaf_seconds,
            "nodes": r.node_seconds,
            "final": r.final_seconds,
            "wraps": r.wrap_seconds,
        },
        "leaf_programs": r.leaf_programs,
        "lifted_leaf_programs": r.lifted_leaf_programs,
        "nodes": r.nodes,
        "tree_params": r.tree_params,
        "log_heights": r.log_heights,
        "steps": steps.iter().map(StepCost::to_json).collect::<Vec<_>>(),
        "security_bits": aggregated.final_proof.security.iter()
            .map(|l| serde_json::json!({ "layer": l.layer, "johnson_bound": l.bits }))
            .collect::<Vec<_>>(),
    })
}

#[derive(clap::Args)]
pub(crate) struct CheckKeyArgs {
    /// The aggregation key file (PROOF.key, written beside a final proof).
    key: std::path::PathBuf,
}

/// `hearth check-key`: rebuilds a key from its recipe and says whether it matches.
pub(crate) fn check_key_command(args: CheckKeyArgs) -> anyhow::Result<ExitCode> {
    let key = AggregationKey::from_bytes(&read_file(&args.key)?)
        .with_context(|| format!("{} is not an aggregation key", args.key.display()))?;
    match rebuild_and_compare(&key) {
        Ok(seconds) => {
            println!("KEY MATCHES ITS RECIPE (rebuilt in {seconds:.0} s)");
            print_recipe(&key);
            for layer in &key.layers {
                println!("security      {:>3} bits, Johnson bound; layer {}", layer.bits, layer.layer);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            eprintln!("REJECTED: {why}");
            Ok(ExitCode::from(status::REJECTED))
        }
    }
}

/// Rebuilds `key` from its recipe, showing progress on stderr, and compares; the seconds it
/// took, or why the key is not its recipe's.
fn rebuild_and_compare(key: &AggregationKey) -> Result<f64, String> {
    let r = &key.recipe;
    eprintln!(
        "rebuilding the aggregation key from its recipe: {} leaf programs, tree at {}, {} layers \
         above the tree (about as long as an aggregation's setup: minutes for a block)",
        r.leaf_shapes.len(),
        r.tree_params.name,
        r.last_layers.len()
    );
    let spinner = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    spinner.set_message("building the programs and their keys");
    spinner.enable_steady_tick(std::time::Duration::from_millis(250));
    let started = Instant::now();
    let checked = hearth_recursion::aggregate::check_key(key);
    spinner.finish_and_clear();
    checked.map(|()| started.elapsed().as_secs_f64()).map_err(|e| e.to_string())
}

/// What a key's recipe names, one line each.
pub(crate) fn print_recipe(key: &AggregationKey) {
    let r = &key.recipe;
    println!(
        "leaf programs {}{}",
        r.leaf_shapes.len(),
        if r.lift_every_leaf { " (every leaf lifted)" } else { "" }
    );
    println!("shard params  {}", key.shard_params.name);
    println!("tree params   {}", r.tree_params.name);
    println!("final list    2^{:?} rows", r.final_list_log_heights);
    println!(
        "final params  {} (blowup {}, {} queries)",
        key.final_params.name,
        1u32 << key.final_params.log_blowup,
        key.final_params.num_queries
    );
}

/// Verifies a final proof file (`bytes`) as `hearth verify` was asked to.
pub(crate) fn verify(args: &VerifyArgs, bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let rejected = |why: String| {
        eprintln!("REJECTED: {why}");
        Ok(ExitCode::from(status::REJECTED))
    };
    let Some(key_file) = &args.key else {
        anyhow::bail!(
            "{} is a final proof: give --key with the aggregation key you trust (`hearth \
             prove-block` and `prove --aggregate` write it beside the proof as {})",
            args.proof.display(),
            key_path(&args.proof).display()
        );
    };
    let key = AggregationKey::from_bytes(&read_file(key_file)?)
        .with_context(|| format!("{} is not an aggregation key", key_file.display()))?;
    if args.rebuild_key {
        match rebuild_and_compare(&key) {
            Ok(seconds) => eprintln!("the key matches its recipe (rebuilt in {seconds:.0} s)"),
            Err(why) => return rejected(format!("the key: {why}")),
        }
    }
    let program_hash = match (&args.elf, &args.program_hash) {
        (Some(elf), _) => program_hash_of(&load_program(elf)?, &key.shard_params)?,
        (None, Some(hash)) => crate::prove::parse_program_hash(hash)?,
        (None, None) => program_hash_of(&crate::validate::guest(None)?, &key.shard_params)?,
    };
    // Timed from the proof's bytes: the program's hash (from an ELF, a commitment to its
    // tables) is what a verifier knows beforehand.
    let start = Instant::now();
    let proof = match FinalProof::from_bytes(bytes) {
        Ok(proof) => proof,
        Err(e) => return rejected(e.to_string()),
    };
    let verified = match verify_final(&proof, &key, &program_hash) {
        Ok(v) => v,
        Err(VerifyError::WrongProgram(hash)) if args.elf.is_none() && args.program_hash.is_none() => {
            return rejected(format!(
                "not a proof of the validation guest (program 0x{}); give --elf or --program-hash for \
                 other programs",
                hex::encode(hash)
            ));
        }
        Err(e) => return rejected(e.to_string()),
    };
    let elapsed = start.elapsed();
    let required = if args.allow_fast { FAST_BITS } else { REQUIRED_BITS };
    if verified.min_bits < required {
        return rejected(format!(
            "{} provable bits at its weakest layer, below the {required} required{}",
            verified.min_bits,
            if args.allow_fast { "" } else { " (--allow-fast accepts 100)" }
        ));
    }
    if let Some(code) = args.exit_code
        && code != verified.exit_code
    {
        return rejected(format!("exit code {} (expected {code})", verified.exit_code));
    }
    if let Some(path) = &args.input {
        let len = read_file(path)?.len() as u64;
        if len != verified.input_len {
            return rejected(format!(
                "an input of {} bytes, not {len} as {}",
                verified.input_len,
                path.display()
            ));
        }
        eprintln!(
            "note: a final proof binds the input's length, not its bytes: --input checked the length only"
        );
    }
    if let Some(path) = &args.expected_output
        && read_file(path)? != proof.output
    {
        return rejected(format!("the public output differs from {}", path.display()));
    }
    let block = args.block || (args.elf.is_none() && args.program_hash.is_none());
    let block_output = if block {
        match hearth_ethereum::PublicOutput::decode(&proof.output) {
            Some(output) if verified.exit_code == 0 => Some(output),
            _ => return rejected("the public output is not a block validation's".into()),
        }
    } else {
        None
    };
    if let Some(path) = &args.write_output {
        write_file(path, &proof.output)?;
    }
    println!("VALID");
    if let Some(output) = &block_output {
        crate::block::print_block_output(output);
    }
    println!("program hash  0x{}", hex::encode(verified.program_hash));
    println!("exit code     {}", verified.exit_code);
    println!("input         {} bytes", verified.input_len);
    println!("output        {}", describe_output(&proof.output));
    println!("shards        {}", verified.shards);
    println!("proof size    {} KiB (final proof)", bytes.len() / 1024);
    println!("verify time   {:.1} ms", elapsed.as_secs_f64() * 1e3);
    for layer in &verified.security {
        println!("security      {:>3} bits, Johnson bound; layer {}", layer.bits, layer.layer);
    }
    Ok(ExitCode::SUCCESS)
}

/// The program hash of `program` for shard proofs made with `params`.
fn program_hash_of(program: &hearth_executor::Program, params: &ProofParams) -> anyhow::Result<[u8; 32]> {
    Ok(hearth_machine::program_descriptor(program, params).context("the program's descriptor")?.hash())
}
