//! `hearth validate` and `hearth eest`: Ethereum stateless validation, natively or in the executor.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Mutex,
    time::Instant,
};

use anyhow::{Context as _, bail};
use hearth_ethereum::{
    Outcome, PublicOutput, StatelessInput, Status,
    eest::{CaseResult, fixture_files, load_cases, run_case},
    formats::load_block_file,
    profile::{self, phase},
};
use hearth_executor::{DEFAULT_MAX_CYCLES, DebugOutput, ExecutionOptions, Program, ScopeCycles};
use serde_json::json;

use crate::status;

#[derive(clap::Args)]
pub(crate) struct ValidateArgs {
    /// Block file: the canonical JSON (block RLP + debug_executionWitness), zk-pig or
    /// ethrex-replay format; `.gz` is read directly.
    block: PathBuf,
    /// Validate natively on the host instead of running the RV64IM guest in the executor.
    #[arg(long)]
    native: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    json: bool,
    /// Break cycles (or, natively, time) down by phase: input decoding, witness and trie
    /// verification, signature recovery, transaction execution, precompiles, post-state root.
    #[arg(long)]
    profile: bool,
    /// The guest ELF to run (default: build guest/stateless from this repository).
    #[arg(long, value_name = "ELF")]
    elf: Option<PathBuf>,
    /// Fault if the guest has not exited after this many cycles.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CYCLES)]
    max_cycles: u64,
    /// Also write the guest's encoded input to this file (for `hearth execute --input`).
    #[arg(long, value_name = "FILE")]
    emit_input: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct EestArgs {
    /// An EEST BlockchainTest fixture file (`.json` or `.json.gz`) or a directory of them.
    path: PathBuf,
    /// Run natively only (by default every block also runs in the executor, and the guest's
    /// public output must equal the native verdict).
    #[arg(long)]
    native: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    json: bool,
    /// Only run cases whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// The guest ELF to run (default: build guest/stateless from this repository).
    #[arg(long, value_name = "ELF")]
    elf: Option<PathBuf>,
}

/// The validation guest: `--elf`, or guest/stateless built from this repository.
pub(crate) fn guest(elf: Option<&Path>) -> anyhow::Result<Program> {
    let path = match elf {
        Some(path) => path.to_path_buf(),
        None => {
            eprintln!("building the validation guest (guest/stateless)...");
            hearth_guest_builder::bundled::stateless()
                .map_err(|e| anyhow::anyhow!("cannot build the guest: {e}"))?
        }
    };
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Program::from_elf(&bytes).with_context(|| format!("{} is not a Hearth guest", path.display()))
}

/// Wall-clock time per phase for native runs, collected through the validation's profile hook.
static NATIVE_PHASES: Mutex<Vec<(&'static str, bool, Instant)>> = Mutex::new(Vec::new());

fn native_hook(name: &'static str, enter: bool) {
    if let Ok(mut marks) = NATIVE_PHASES.lock() {
        marks.push((name, enter, Instant::now()));
    }
}

/// Phase totals from the native marks, in the shape of the executor's scope report (in ns).
fn native_phases() -> Vec<ScopeCycles> {
    let marks = NATIVE_PHASES.lock().map(|m| m.clone()).unwrap_or_default();
    let mut stack: Vec<(&str, Instant, u64)> = Vec::new();
    let mut totals: Vec<ScopeCycles> = Vec::new();
    for (name, enter, at) in marks {
        if enter {
            stack.push((name, at, 0));
        } else if let Some((name, start, nested)) = stack.pop() {
            let inclusive = at.duration_since(start).as_nanos() as u64;
            match totals.iter_mut().find(|t| t.name == name) {
                Some(t) => {
                    t.inclusive += inclusive;
                    t.exclusive += inclusive.saturating_sub(nested);
                    t.calls += 1;
                }
                None => totals.push(ScopeCycles {
                    name: name.to_string(),
                    inclusive,
                    exclusive: inclusive.saturating_sub(nested),
                    calls: 1,
                }),
            }
            if let Some(parent) = stack.last_mut() {
                parent.2 += inclusive;
            }
        }
    }
    totals
}

/// The report's rows: each phase's own cost (precompiles apart from execution), then the rest.
fn breakdown(scopes: &[ScopeCycles], total: u64) -> Vec<(String, u64)> {
    let order = [
        phase::DECODE,
        phase::WITNESS,
        phase::RECOVER,
        phase::EXECUTE,
        phase::PRECOMPILE,
        phase::STATE_ROOT,
        phase::CHECKS,
    ];
    let mut rows: Vec<(String, u64)> = order
        .iter()
        .filter_map(|name| scopes.iter().find(|s| s.name == *name))
        .map(|s| {
            let label = if s.name == phase::EXECUTE {
                format!("{} (excl. precompiles)", s.name)
            } else {
                s.name.clone()
            };
            (label, s.exclusive)
        })
        .collect();
    let covered: u64 = rows.iter().map(|(_, c)| c).sum();
    rows.push(("other (runtime, input copy, output)".into(), total.saturating_sub(covered)));
    rows
}

pub(crate) fn status_name(status: Status) -> &'static str {
    match status {
        Status::Valid => "valid",
        Status::Invalid => "invalid",
        Status::Undecidable => "undecidable (bad input or incomplete witness)",
    }
}

pub(crate) fn validate(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let file = load_block_file(&args.block)?;
    let input = file.input();
    if let Some(path) = &args.emit_input {
        std::fs::write(path, input.encode()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.native {
        return validate_native(&args, &input, file.format);
    }
    let program = guest(args.elf.as_deref())?;
    let encoded = input.encode();
    let options = ExecutionOptions { max_cycles: args.max_cycles, debug: DebugOutput::Capture };
    // The native run supplies the transaction count and a readable reason; the guest's own output
    // is what is reported.
    let native = hearth_ethereum::validate(&input);
    let start = Instant::now();
    let result = if args.profile {
        hearth_executor::profile(&program, &encoded, &options).map(|(s, p)| (s, Some(p)))
    } else {
        hearth_executor::execute(&program, &encoded, &options).map(|s| (s, None))
    };
    let wall = start.elapsed().as_secs_f64();
    let (summary, profile) = match result {
        Ok(r) => r,
        Err(fault) => {
            eprintln!("error: the validation guest faulted: {fault}");
            return Ok(ExitCode::from(status::GUEST_FAULT));
        }
    };
    if summary.exit_code != 0 {
        eprintln!("{}", String::from_utf8_lossy(&summary.debug_output));
        bail!("the validation guest exited with code {}", summary.exit_code);
    }
    let output =
        PublicOutput::decode(&summary.output).context("the guest's output is not a public output")?;
    if output != native.public_output() {
        bail!("the guest's verdict differs from the native one: {output:?} vs {:?}", native.public_output());
    }
    let gas = output.gas_used.max(1);
    let reason = native.result.as_ref().err().map(ToString::to_string);
    let phases = profile.as_ref().map(|p| breakdown(&p.scopes, summary.cycles));
    if args.json {
        let mut report = report_json(&output, &native, reason.as_deref(), file.format);
        report["mode"] = json!("executor");
        report["program_hash"] = json!(program.hash().to_string());
        report["cycles"] = json!(summary.cycles);
        report["cycles_per_gas"] = json!(summary.cycles as f64 / gas as f64);
        report["wall_ms"] = json!(wall * 1e3);
        report["unaligned_accesses"] = json!(summary.unaligned_accesses);
        if let Some(phases) = &phases {
            report["profile_cycles"] =
                json!(phases.iter().map(|(n, c)| json!({"phase": n, "cycles": c})).collect::<Vec<_>>());
        }
        println!("{report}");
    } else {
        print_report(&output, &native, reason.as_deref(), file.format);
        println!("mode          executor (guest {})", program.hash());
        println!("cycles        {} ({:.2} cycles/gas)", summary.cycles, summary.cycles as f64 / gas as f64);
        println!("wall time     {:.1} ms ({:.1} M cycles/s)", wall * 1e3, summary.cycles as f64 / wall / 1e6);
        if let Some(phases) = phases {
            println!();
            println!("{:>14} {:>7} {:>10}  phase", "cycles", "share", "per gas");
            for (name, cycles) in phases {
                let share = 100.0 * cycles as f64 / summary.cycles.max(1) as f64;
                println!("{cycles:>14} {share:>6.2}% {:>10.2}  {name}", cycles as f64 / gas as f64);
            }
        }
    }
    Ok(exit_for(output.status))
}

fn exit_for(status: Status) -> ExitCode {
    match status {
        Status::Valid => ExitCode::SUCCESS,
        _ => ExitCode::from(status::GUEST_FAILED),
    }
}

fn validate_native(
    args: &ValidateArgs,
    input: &StatelessInput<'_>,
    format: &str,
) -> anyhow::Result<ExitCode> {
    if args.profile {
        profile::set_hook(native_hook);
    }
    let start = Instant::now();
    let outcome = hearth_ethereum::validate(input);
    let wall = start.elapsed().as_secs_f64();
    let output = outcome.public_output();
    let reason = outcome.result.as_ref().err().map(ToString::to_string);
    let phases = args.profile.then(|| breakdown(&native_phases(), (wall * 1e9) as u64));
    if args.json {
        let mut report = report_json(&output, &outcome, reason.as_deref(), format);
        report["mode"] = json!("native");
        report["wall_ms"] = json!(wall * 1e3);
        if let Some(phases) = &phases {
            report["profile_ms"] = json!(
                phases.iter().map(|(n, ns)| json!({"phase": n, "ms": *ns as f64 / 1e6})).collect::<Vec<_>>()
            );
        }
        println!("{report}");
    } else {
        print_report(&output, &outcome, reason.as_deref(), format);
        println!("mode          native");
        println!("wall time     {:.1} ms", wall * 1e3);
        if let Some(phases) = phases {
            println!();
            println!("{:>12} {:>7}  phase", "ms", "share");
            for (name, ns) in phases {
                println!(
                    "{:>12.3} {:>6.2}%  {name}",
                    ns as f64 / 1e6,
                    100.0 * ns as f64 / (wall * 1e9).max(1.0)
                );
            }
        }
    }
    Ok(exit_for(output.status))
}

fn report_json(
    output: &PublicOutput,
    outcome: &Outcome,
    reason: Option<&str>,
    format: &str,
) -> serde_json::Value {
    json!({
        "status": status_name(output.status),
        "reason_code": output.reason,
        "reason": reason,
        "chain_id": output.chain_id,
        "block_number": output.block_number,
        "block_hash": output.block_hash.to_string(),
        "parent_hash": output.parent_hash.to_string(),
        "pre_state_root": output.pre_state_root.to_string(),
        "post_state_root": output.post_state_root.to_string(),
        "gas_used": output.gas_used,
        "transactions": outcome.result.as_ref().map(|v| v.transactions).ok(),
        "input_format": format,
    })
}

fn print_report(output: &PublicOutput, outcome: &Outcome, reason: Option<&str>, format: &str) {
    let txs =
        outcome.result.as_ref().map(|v| format!(", {} transactions", v.transactions)).unwrap_or_default();
    println!(
        "block         {} {} (chain {}{txs}, {format} input)",
        output.block_number, output.block_hash, output.chain_id
    );
    println!("verdict       {}", status_name(output.status));
    if let Some(reason) = reason {
        println!("reason        {reason}");
    }
    println!("pre-state     {}", output.pre_state_root);
    println!("post-state    {}", output.post_state_root);
    println!("gas used      {}", output.gas_used);
}

pub(crate) fn eest(args: EestArgs) -> anyhow::Result<ExitCode> {
    let files = fixture_files(&args.path);
    if files.is_empty() {
        bail!("no .json or .json.gz fixtures at {}", args.path.display());
    }
    let program = if args.native { None } else { Some(guest(args.elf.as_deref())?) };
    let options = ExecutionOptions { max_cycles: DEFAULT_MAX_CYCLES, debug: DebugOutput::Discard };
    let (mut passed, mut failed, mut errors) = (0usize, Vec::new(), Vec::new());
    let mut cycles = 0u64;
    let start = Instant::now();
    for file in &files {
        let cases = match load_cases(file) {
            Ok(cases) => cases,
            Err(e) => {
                errors.push((file.display().to_string(), e.to_string()));
                continue;
            }
        };
        for case in cases.iter().filter(|c| args.filter.as_ref().is_none_or(|f| c.name.contains(f.as_str())))
        {
            let result = run_case(case, |input, outcome| {
                let Some(program) = &program else { return Ok(()) };
                let summary = hearth_executor::execute(program, &input.encode(), &options)
                    .map_err(|fault| format!("the guest faulted: {fault}"))?;
                cycles += summary.cycles;
                let output =
                    PublicOutput::decode(&summary.output).ok_or("the guest's output does not decode")?;
                if output != outcome.public_output() {
                    return Err(format!(
                        "guest verdict {:?} differs from the native {:?}",
                        output.status,
                        outcome.public_output().status
                    ));
                }
                Ok(())
            });
            match result {
                CaseResult::Pass => passed += 1,
                CaseResult::Fail(why) => failed.push((case.name.clone(), why)),
                CaseResult::Error(why) => errors.push((case.name.clone(), why)),
            }
        }
    }
    let wall = start.elapsed().as_secs_f64();
    if args.json {
        let list = |v: &Vec<(String, String)>| {
            v.iter().map(|(n, w)| json!({"case": n, "why": w})).collect::<Vec<_>>()
        };
        println!(
            "{}",
            json!({
                "mode": if args.native { "native" } else { "native+executor" },
                "passed": passed,
                "failed": failed.len(),
                "errors": errors.len(),
                "failures": list(&failed),
                "error_cases": list(&errors),
                "guest_cycles": cycles,
                "wall_ms": wall * 1e3,
            })
        );
    } else {
        for (name, why) in &failed {
            println!("FAIL  {name}: {why}");
        }
        for (name, why) in &errors {
            println!("ERROR {name}: {why}");
        }
        let mode = if args.native { "natively" } else { "natively and in the executor" };
        println!("{passed} passed, {} failed, {} errors ({mode}, {:.1} s)", failed.len(), errors.len(), wall);
    }
    Ok(if failed.is_empty() && errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(status::GUEST_FAILED)
    })
}
