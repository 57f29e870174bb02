//! `hearth prove`, `hearth verify` and `hearth security`.

use std::{path::PathBuf, process::ExitCode, time::Instant};

use anyhow::{Context as _, bail};
use hearth_executor::Program;
use hearth_machine::{ProgramSource, ShardProof, machine_security, prove_shard, verify_shard};
use hearth_stark::ProofParams;
use hearth_stark::security::{Regime, RegimeReport};
use sha2::{Digest, Sha256};

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
    /// Parameter set: `default` (>= 128 provable bits) or `fast-100` (>= 100 bits, about half
    /// the proving work).
    #[arg(long, value_name = "NAME", default_value = "default")]
    params: String,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("program").required(true).args(["elf", "program_hash"])))]
pub(crate) struct VerifyArgs {
    /// The proof file.
    proof: PathBuf,
    /// The program's ELF.
    #[arg(long, value_name = "FILE")]
    elf: Option<PathBuf>,
    /// The program's hash (as `hearth prove` prints it), instead of its ELF.
    #[arg(long, value_name = "HEX")]
    program_hash: Option<String>,
    /// Also require this exit code.
    #[arg(long, value_name = "N")]
    exit_code: Option<u32>,
    /// Also require that the proof is about exactly this input (compared by SHA-256, the input
    /// commitment).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Also require that the public output is exactly this file's bytes.
    #[arg(long, value_name = "FILE")]
    expected_output: Option<PathBuf>,
    /// Write the proven public output to this file.
    #[arg(long, value_name = "FILE")]
    write_output: Option<PathBuf>,
    /// Accept proofs made with a parameter set below 128 bits (`fast-100`); test-only sets are
    /// never accepted.
    #[arg(long)]
    allow_fast: bool,
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

fn params_named(name: &str) -> anyhow::Result<ProofParams> {
    ProofParams::by_name(name).with_context(|| format!("no parameter set named {name:?} (default, fast-100)"))
}

fn load_program(path: &PathBuf) -> anyhow::Result<Program> {
    let bytes = read_file(path)?;
    Program::from_elf(&bytes).with_context(|| format!("{} is not a valid guest ELF", path.display()))
}

pub(crate) fn prove(args: ProveArgs) -> anyhow::Result<ExitCode> {
    let params = params_named(&args.params)?;
    let program = load_program(&args.elf)?;
    let input = match &args.input {
        Some(path) => read_file(path)?,
        None => Vec::new(),
    };
    eprintln!("proving {} with parameters {:?} ...", args.elf.display(), params.name);
    let start = Instant::now();
    let proof = prove_shard(&program, &input, &params).context("proving failed")?;
    let elapsed = start.elapsed();
    let bytes = proof.to_bytes();
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!("program hash  0x{}", hex::encode(proof.descriptor.hash()));
    println!("exit code     {}", proof.exit_code);
    println!(
        "input         {} bytes, SHA-256 0x{}",
        proof.input.len(),
        hex::encode(Sha256::digest(&proof.input))
    );
    println!("output        {}", describe_output(&proof.output));
    println!("cycles        {}", proof.cycles);
    println!(
        "prove time    {:.2} s ({:.0} cycles/s)",
        elapsed.as_secs_f64(),
        proof.cycles as f64 / elapsed.as_secs_f64()
    );
    println!("proof         {} ({} KiB)", args.output.display(), bytes.len() / 1024);
    Ok(ExitCode::SUCCESS)
}

/// The public output in a line: its length and its bytes in hex (the first 32 of longer ones).
fn describe_output(output: &[u8]) -> String {
    const SHOWN: usize = 32;
    match output.len() {
        0 => "0 bytes".into(),
        n if n <= SHOWN => format!("{n} bytes, 0x{}", hex::encode(output)),
        n => format!("{n} bytes, 0x{}...", hex::encode(&output[..SHOWN])),
    }
}

fn read_file(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn print_security(reports: &[RegimeReport; 2]) {
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
    let rejected = |why: String| {
        eprintln!("REJECTED: {why}");
        Ok(ExitCode::from(status::REJECTED))
    };
    let proof = match ShardProof::from_bytes(&bytes) {
        Ok(p) => p,
        Err(e) => return rejected(e.to_string()),
    };
    let params = &proof.stark.params;
    let known = ProofParams::by_name(&params.name);
    let acceptable = match known.as_ref() {
        Some(p) if p == params && p.name == "default" => true,
        Some(p) if p == params && p.name == "fast-100" => args.allow_fast,
        _ => false,
    };
    if !acceptable {
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
        (None, Some(hash)) => {
            let bytes =
                hex::decode(hash.trim().trim_start_matches("0x")).context("--program-hash is not hex")?;
            let Ok(hash) = <[u8; 32]>::try_from(bytes.as_slice()) else {
                bail!("--program-hash must be 32 bytes")
            };
            ProgramSource::Hash(hash)
        }
        (None, None) => bail!("give --elf or --program-hash"),
    };
    let start = Instant::now();
    let public = match verify_shard(&proof, source) {
        Ok(p) => p,
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
    if let Some(path) = &args.write_output {
        std::fs::write(path, &public.output).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("VALID");
    println!("program hash  0x{}", hex::encode(public.program_hash));
    println!("exit code     {}", public.exit_code);
    println!("input         {} bytes, SHA-256 0x{}", public.input_len, hex::encode(public.input_commitment));
    println!("output        {}", describe_output(&public.output));
    println!("cycles        {}", public.cycles);
    println!("parameters    {}", params.name);
    println!("verify time   {:.1} ms", elapsed.as_secs_f64() * 1e3);
    match proof.table_log_heights().and_then(|heights| machine_security(params, &heights)) {
        Ok(reports) => print_security(&reports),
        Err(e) => eprintln!("warning: cannot evaluate security: {e}"),
    }
    Ok(ExitCode::SUCCESS)
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
