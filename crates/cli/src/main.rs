//! `hearth`: the command-line front end of the Hearth zkVM.
//!
//! It builds guest programs, executes them, validates Ethereum blocks (natively or as the RV64IM
//! guest), and proves and verifies guest runs.

mod block;
mod checkpoint;
mod execute;
mod final_proof;
mod inspect;
mod progress;
mod prove;
mod validate;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use hearth_executor::Program;
use hearth_guest_builder::{BuildOptions, build_guest};

/// Exit statuses of `hearth`, also listed in `--help`.
pub(crate) mod status {
    /// The guest exited with a non-zero code.
    pub const GUEST_FAILED: u8 = 1;
    /// The guest faulted (illegal instruction, bad memory access, cycle limit, ...).
    pub const GUEST_FAULT: u8 = 3;
    /// Hearth could not do what was asked (bad ELF, unreadable file, failed build).
    pub const ERROR: u8 = 4;
    /// The proof does not verify (or not for the program, exit code or parameters given).
    pub const REJECTED: u8 = 5;
}

const AFTER_HELP: &str = "\
Exit status: 0 success; 1 the guest exited with a non-zero code; 2 bad command line;
3 the guest faulted; 4 any other error (bad ELF, unreadable input, failed build);
5 the proof does not verify.

Logging: the prover reports its stages on stderr; set RUST_LOG (for example RUST_LOG=debug, or
RUST_LOG=warn to silence the stages) to see more or less.";

/// Hearth: a zkVM that proves Ethereum blocks were executed correctly.
#[derive(Parser)]
#[command(name = "hearth", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a guest ELF in the executor's fast mode and report cycles, exit code and output.
    #[command(after_help = AFTER_HELP)]
    Execute(execute::ExecuteArgs),

    /// Validate an Ethereum block statelessly: in the executor (the RV64IM guest) or natively.
    ///
    /// Prints the verdict (valid, invalid with the reason, or undecidable), the post-state root,
    /// gas used and, in the executor, cycles and cycles per gas.
    #[command(after_help = AFTER_HELP)]
    Validate(validate::ValidateArgs),

    /// Run Ethereum execution-spec-tests blockchain fixtures and count passes and failures.
    #[command(after_help = AFTER_HELP)]
    Eest(validate::EestArgs),

    /// Build a guest crate for Hearth's RV64IM target and print each ELF's program hash.
    ///
    /// Uses Debian's Rust toolchain (install it with scripts/install-toolchain.sh). The build is
    /// reproducible: the same source gives a byte-identical ELF in any directory.
    #[command(after_help = AFTER_HELP)]
    BuildGuest(BuildGuestArgs),

    /// Run a guest ELF and prove the run, of any length, into a proof file.
    ///
    /// The run is executed once, cut into shards of --shard-cycles cycles, and the shards are
    /// proven concurrently (--jobs) within a memory budget (--max-memory); the proof file holds
    /// the input and every shard's proof, which `hearth verify` checks together. Each shard
    /// proof carries the program's descriptor (entry, memory image range, commitment to the
    /// program and image tables); its SHA-256 is the program hash printed here, which
    /// `hearth verify --program-hash` checks. Shows a progress bar, timings and the proof's size.
    /// Each shard proof (and with --aggregate each proof of the tree) is kept in OUTPUT.work as
    /// it is made: the same command, run again after a stop, proves only what is missing.
    #[command(after_help = AFTER_HELP)]
    Prove(prove::ProveArgs),

    /// Prove an Ethereum block: validate it in the RV64IM guest and prove the whole run.
    ///
    /// Builds the validation guest (guest/stateless) unless --elf is given, proves the run as
    /// `hearth prove` does, verifies the proof and prints the block, its state roots, the
    /// verdict, times, memory, proof size and security; --report writes it all as JSON. The
    /// shard proofs are then folded into one final proof (and its key, PROOF.key), which
    /// `hearth verify PROOF --key PROOF.key` checks in milliseconds: by default the final step
    /// at blowup 8, wrapped at 16, 32, 64 and 128, under 300 KiB at >= 128 provable bits. On 2
    /// cores a 1.3 Mgas block takes about 50 minutes, 14 of them proving shards; --shards-only
    /// stops there and writes the shard proofs. Each shard proof and each proof of the
    /// aggregation tree is kept in OUTPUT.work as it is made, until the proof is written: after a
    /// stop (a crash, a reboot, Ctrl-C), the same command resumes where it stopped.
    #[command(after_help = AFTER_HELP)]
    ProveBlock(block::ProveBlockArgs),

    /// Fold a saved run proof into one final proof (and its key), as `--aggregate` does.
    ///
    /// Resumes an aggregation that stopped: `prove-block` and `prove --aggregate` keep the
    /// shard proofs in OUTPUT.run until the final proof is written, and print the options that
    /// resume it. The aggregation tree is proven with --tree-params; each of its proofs is kept
    /// in OUTPUT.work as it is made, so running the command again after a stop resumes from
    /// them. The final proof is verified before the command ends.
    #[command(after_help = AFTER_HELP)]
    Aggregate(final_proof::AggregateRunArgs),

    /// Verify a proof file against a program (its ELF or its hash, by default the block
    /// validation guest) and print what it proves and its provable security.
    #[command(after_help = AFTER_HELP)]
    Verify(prove::VerifyArgs),

    /// Rebuild an aggregation key from the recipe it carries and compare, without any proof.
    ///
    /// A key (PROOF.key) names the recursion programs whose proofs a verifier accepts. Its
    /// recipe lists what they are built from: the shard shapes (one leaf program each), the
    /// tree's parameters, the final list's size and the layers above the tree. This command
    /// builds every program and its key from the recipe, recomputes each layer's security with
    /// the calculator and requires the key to be exactly that, so a key from an untrusted
    /// source can be trusted once it passes. Takes about as long as an aggregation's setup:
    /// minutes for a block. Exit status 5 when refused.
    #[command(after_help = AFTER_HELP)]
    CheckKey(final_proof::CheckKeyArgs),

    /// Show what a proof file holds without verifying it: for a run proof, its shards' shapes
    /// (the tables each holds and their heights: one leaf program per distinct shape when it
    /// is aggregated); for a final proof, its size, program and layers; for an aggregation
    /// key, its recipe.
    #[command(after_help = AFTER_HELP)]
    Inspect(inspect::InspectArgs),

    /// Print the provable security (bits, unique-decoding and Johnson-bound regimes, per
    /// protocol step, with soundcalc's formulas) of a parameter set at a given table size.
    #[command(after_help = AFTER_HELP)]
    Security(prove::SecurityArgs),
}

#[derive(clap::Args)]
struct BuildGuestArgs {
    /// Directory of the guest crate (the one holding its Cargo.toml).
    crate_dir: PathBuf,
    /// Build only this binary (repeatable); all binaries by default.
    #[arg(long = "bin", value_name = "NAME")]
    bins: Vec<String>,
    /// Cargo target directory (default: `target/guest` in the guest's workspace).
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    /// Require Cargo.lock to be up to date.
    #[arg(long)]
    locked: bool,
    /// Print one JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

fn build_guest_command(args: BuildGuestArgs) -> anyhow::Result<()> {
    let options =
        BuildOptions { target_dir: args.target_dir, bins: args.bins, locked: args.locked, quiet: false };
    let built = build_guest(&args.crate_dir, &options)?;
    for guest in built {
        let bytes = std::fs::read(&guest.elf)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", guest.elf.display()))?;
        let program = Program::from_elf(&bytes)
            .map_err(|e| anyhow::anyhow!("{} does not load: {e}", guest.elf.display()))?;
        if args.json {
            let line = serde_json::json!({
                "name": guest.name,
                "elf": guest.elf,
                "size": bytes.len(),
                "program_hash": program.hash().to_string(),
            });
            println!("{line}");
        } else {
            println!(
                "{:<16} {}  {:>9} bytes  {}",
                guest.name,
                program.hash(),
                bytes.len(),
                guest.elf.display()
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // The prover's stages (executed, traces generated, proved) and the aggregation
                // setup's show by default.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("warn,hearth_machine=info,hearth_recursion=info")
                }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Execute(args) => execute::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Eest(args) => validate::eest(args),
        Command::BuildGuest(args) => build_guest_command(args).map(|()| ExitCode::SUCCESS),
        Command::Prove(args) => prove::prove(args),
        Command::ProveBlock(args) => block::prove_block(args),
        Command::Aggregate(args) => final_proof::aggregate(args),
        Command::Verify(args) => prove::verify(args),
        Command::CheckKey(args) => final_proof::check_key_command(args),
        Command::Inspect(args) => inspect::inspect(args),
        Command::Security(args) => prove::security(args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(status::ERROR)
    })
}
