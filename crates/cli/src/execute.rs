//! `hearth execute`.

use std::{io::Read as _, path::PathBuf, process::ExitCode, time::Instant};

use anyhow::{Context as _, bail};
use hearth_executor::{
    DEFAULT_MAX_CYCLES, DebugOutput, ExecutionError, ExecutionOptions, ExecutionSummary, Profile, Program,
};
use serde_json::json;

use crate::status;

/// Bytes of output shown in the human-readable report (`--json` always has all of it).
const OUTPUT_PREVIEW: usize = 256;

#[derive(clap::Args)]
pub(crate) struct ExecuteArgs {
    /// The guest ELF (RV64IM, statically linked; see `hearth build-guest`).
    elf: PathBuf,
    /// File whose bytes are the guest's input (`-` for stdin).
    #[arg(long, value_name = "FILE", conflicts_with = "input_hex")]
    input: Option<PathBuf>,
    /// The guest's input as hex (for example 5a00000000000000).
    #[arg(long, value_name = "HEX")]
    input_hex: Option<String>,
    /// Fault if the guest has not exited after this many cycles.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CYCLES)]
    max_cycles: u64,
    /// Print one JSON object (cycles, exit_code, output_hex, program_hash, unaligned_accesses,
    /// wall_ms, ...) instead of the report.
    #[arg(long)]
    json: bool,
    /// Also count cycles per guest function (from the ELF's symbols) and show the top ones.
    #[arg(long)]
    profile: bool,
    /// How many functions `--profile` shows.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// Discard the guest's debug output instead of copying it to stderr.
    #[arg(long)]
    quiet: bool,
}

fn read_input(args: &ExecuteArgs) -> anyhow::Result<Vec<u8>> {
    if let Some(hex) = &args.input_hex {
        return hex::decode(hex.trim().trim_start_matches("0x")).context("--input-hex is not valid hex");
    }
    match &args.input {
        None => Ok(Vec::new()),
        Some(path) if path.as_os_str() == "-" => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).context("cannot read the input from stdin")?;
            Ok(bytes)
        }
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read input file {}", path.display()))
        }
    }
}

pub(crate) fn run(args: ExecuteArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.elf).with_context(|| format!("cannot read {}", args.elf.display()))?;
    let program =
        Program::from_elf(&bytes).with_context(|| format!("{} is not a Hearth guest", args.elf.display()))?;
    let input = read_input(&args)?;
    if args.max_cycles == 0 {
        bail!("--max-cycles must be at least 1");
    }
    let options = ExecutionOptions {
        max_cycles: args.max_cycles,
        debug: if args.quiet { DebugOutput::Discard } else { DebugOutput::Stderr },
    };
    let start = Instant::now();
    let result = if args.profile {
        hearth_executor::profile(&program, &input, &options).map(|(s, p)| (s, Some(p)))
    } else {
        hearth_executor::execute(&program, &input, &options).map(|s| (s, None))
    };
    let wall = start.elapsed();
    match result {
        Ok((summary, profile)) => {
            report_success(&args, &program, &summary, profile.as_ref(), wall.as_secs_f64());
            Ok(if summary.exit_code == 0 { ExitCode::SUCCESS } else { ExitCode::from(status::GUEST_FAILED) })
        }
        Err(fault) => {
            report_fault(&args, &program, &fault, wall.as_secs_f64());
            Ok(ExitCode::from(status::GUEST_FAULT))
        }
    }
}

fn report_success(
    args: &ExecuteArgs,
    program: &Program,
    summary: &ExecutionSummary,
    profile: Option<&Profile>,
    wall_s: f64,
) {
    let rate = summary.cycles as f64 / wall_s.max(1e-9);
    if args.json {
        let syscalls: serde_json::Map<String, serde_json::Value> =
            summary.syscalls.iter().map(|(s, n)| (s.name().to_string(), json!(n))).collect();
        let mut report = json!({
            "program_hash": program.hash().to_string(),
            "cycles": summary.cycles,
            "exit_code": summary.exit_code,
            "output_hex": hex::encode(&summary.output),
            "unaligned_accesses": summary.unaligned_accesses,
            "wall_ms": wall_s * 1e3,
            "cycles_per_second": rate,
            "syscalls": syscalls,
        });
        if let Some(profile) = profile {
            report["profile"] = json!(profile.functions.iter().take(args.top).collect::<Vec<_>>());
        }
        println!("{report}");
        return;
    }
    let outcome = if summary.exit_code == 0 { "success" } else { "failure" };
    println!("program     {}", program.hash());
    println!("exit code   {} ({outcome})", summary.exit_code);
    println!("cycles      {}", summary.cycles);
    let shown = &summary.output[..summary.output.len().min(OUTPUT_PREVIEW)];
    let more = if shown.len() < summary.output.len() { "... (use --json for all of it)" } else { "" };
    println!("output      0x{}{more} ({} bytes)", hex::encode(shown), summary.output.len());
    println!("unaligned   {}", summary.unaligned_accesses);
    let syscalls: Vec<String> = summary.syscalls.iter().map(|(s, n)| format!("{} x{n}", s.name())).collect();
    println!("syscalls    {}", if syscalls.is_empty() { "none".to_string() } else { syscalls.join(", ") });
    println!("wall time   {:.3} ms ({:.1} M cycles/s)", wall_s * 1e3, rate / 1e6);
    if let Some(profile) = profile {
        println!();
        println!("{:>12} {:>7}  function (own cycles)", "cycles", "share");
        for f in profile.functions.iter().take(args.top) {
            let share = 100.0 * f.cycles as f64 / profile.total_cycles.max(1) as f64;
            println!("{:>12} {share:>6.2}%  {}", f.cycles, f.name);
        }
        if program.symbols().is_empty() {
            println!("(the ELF has no symbols: build it without stripping to see function names)");
        }
    }
}

fn report_fault(args: &ExecuteArgs, program: &Program, fault: &ExecutionError, wall_s: f64) {
    let function = fault.pc().and_then(|pc| program.symbol_at(pc)).map(|s| s.name.clone());
    let instruction = fault.pc().and_then(|pc| program.instruction_at(pc)).map(|i| i.to_string());
    if args.json {
        let report = json!({
            "program_hash": program.hash().to_string(),
            "error": {
                "message": fault.to_string(),
                "pc": fault.pc(),
                "function": function,
                "instruction": instruction,
            },
            "wall_ms": wall_s * 1e3,
        });
        println!("{report}");
        return;
    }
    eprintln!("error: guest fault: {fault}");
    if let Some(f) = function {
        eprintln!("  in function {f}");
    }
    if let Some(i) = instruction {
        eprintln!("  instruction {i}");
    }
}
