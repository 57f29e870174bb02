//! `hearth-bench recursion`: what a recursive verifier must do for each shard proof of a run
//! (Poseidon2 permutations, extension-field operations, opened values), from a proof file; and
//! what the recursion tables cost to prove (Merkle paths and their Poseidon2 permutations at a
//! given number of rows, with the default 128-bit parameters); and whole recursion steps, each
//! proving that the previous proof verifies.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use hearth_machine::{ProgramSource, RunProof, shard_statement, shard_verifier_work};
use hearth_recursion::RecursionChip;
use hearth_recursion::chips::merkle_path::{self, MerklePath, MerklePathChip};
use hearth_recursion::chips::poseidon2::{self, Poseidon2Chip, Poseidon2Requests};
use hearth_recursion::circuit::{Circuit, CircuitBuilder, CircuitChallenger, CircuitProof, base_cell};
use hearth_recursion::verifier::{InnerShape, ProofVerifierProgram, Statement};
use hearth_stark::config::{Hash, SPONGE_RATE, val_mmcs};
use hearth_stark::prover::{Commitment, StarkProof};
use hearth_stark::security::proven_bits;
use hearth_stark::{
    CpuBackend, ProofParams, ProverBackend, Val, VerifierWork, security_inputs, table_shapes, verify,
};
use p3_commit::Mmcs;
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::CryptographicHasher;
use serde_json::json;

use crate::{Output, peak_rss_bytes};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// A run proof (`hearth prove` or `hearth prove-block`), e.g. the README demo's
    /// `target/demo/block.proof`, whose verification work to count.
    #[arg(long, value_name = "FILE")]
    proof: Option<PathBuf>,
    /// `log2` of the Merkle compressions to prove (paths of depth 16 of a committed matrix).
    #[arg(long, value_delimiter = ',', default_value = "14,16")]
    log_permutations: Vec<u32>,
    /// Parameter set for the table proofs and the recursion steps.
    #[arg(long, default_value = "default")]
    params: String,
    /// Recursion steps to prove on top of a small program's proof: each verifies the previous
    /// proof inside a recursion program and proves that (0 to skip).
    #[arg(long, default_value_t = 2)]
    levels: usize,
    /// With `--proof` or `--block`: also prove the leaf step on this shard (its STARK verified
    /// inside a recursion program). Needs memory: several GiB for a block's shard.
    #[arg(long, value_name = "INDEX")]
    leaf_shard: Option<usize>,
    /// A block file (as `hearth prove-block` takes): plan its run with the input private (as
    /// shards proven for aggregation are), prove only the `--leaf-shard` shard and its leaf step.
    #[arg(long, value_name = "FILE", conflicts_with = "proof", requires = "leaf_shard")]
    block: Option<PathBuf>,
    /// Cycles per shard of `--block`'s run.
    #[arg(long, default_value_t = hearth_machine::DEFAULT_SHARD_CYCLES)]
    shard_cycles: u64,
    /// After the levels, prove one more step on the last one's proof with size-tuned
    /// parameters at each of these `log2` blowups (queries for 128 Johnson-bound bits with
    /// `--final-query-pow-bits` of query grinding): the last layer's proof size, time and
    /// memory. Blowup 32 on a level-2 proof peaks at ~21 GiB.
    #[arg(long, value_delimiter = ',', value_name = "LOG_BLOWUPS")]
    final_log_blowups: Vec<u8>,
    /// Merkle cap height of the last layer's commitments (shorter paths per query for a few
    /// digests per commitment).
    #[arg(long, default_value_t = 0)]
    final_cap_height: u8,
    /// `log2` of the last layer's FRI final polynomial length.
    #[arg(long)]
    final_log_final_poly_len: Option<u8>,
    /// `log2` of the last layer's largest FRI folding factor.
    #[arg(long)]
    final_max_log_arity: Option<u8>,
    /// After each last layer, more size-tuned steps at these `log2` blowups, each verifying
    /// the one before (reported as `wraps`): whether a layer verifying a small proof is
    /// smaller still.
    #[arg(long, value_delimiter = ',', value_name = "LOG_BLOWUPS")]
    wrap_log_blowups: Vec<u8>,
    /// Query grinding bits of the last layer (each bit at blowup 16 is worth about half a
    /// query; every bit doubles the grinding time, ~9 s at 28 bits on 2 cores).
    #[arg(long, default_value_t = hearth_recursion::aggregate::FINAL_QUERY_POW_BITS)]
    final_query_pow_bits: u8,
    /// Check the inner proofs' opened rows with the opening table (hash and DEEP sums in one
    /// table) in the recursion steps and the leaf step.
    #[arg(long)]
    opening_table: bool,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let params = ProofParams::by_name(&args.params).context("no such parameter set")?;
    let tables: Vec<serde_json::Value> =
        args.log_permutations.iter().map(|&log| prove_tables(log, &params)).collect::<anyhow::Result<_>>()?;
    let verification = match &args.proof {
        Some(path) => count_work(path)?,
        None => serde_json::Value::Null,
    };
    // Recursion proofs pack their lookups as the aggregation does.
    let params = params.for_recursion();
    let (steps, last) = recursion_steps(args.levels, &params, args.opening_table)?;
    let final_layers = match last {
        Some((program, proof, statement)) => args
            .final_log_blowups
            .iter()
            .map(|&log_blowup| {
                let last = ProofParams {
                    cap_height: args.final_cap_height,
                    log_final_poly_len: args.final_log_final_poly_len.unwrap_or(params.log_final_poly_len),
                    max_log_arity: args.final_max_log_arity.unwrap_or(params.max_log_arity),
                    query_pow_bits: args.final_query_pow_bits,
                    ..params.clone()
                };
                let (mut report, wrapped) = final_layer(&program, &proof, &statement, log_blowup, &last)?;
                let mut inner = wrapped;
                let mut wraps = Vec::new();
                for &wrap_log_blowup in &args.wrap_log_blowups {
                    let (program, proof, statement) = &inner;
                    let (wrap, next) = final_layer(program, proof, statement, wrap_log_blowup, &last)?;
                    wraps.push(wrap);
                    inner = next;
                }
                report["wraps"] = json!(wraps);
                Ok(report)
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        None if !args.final_log_blowups.is_empty() => {
            anyhow::bail!("--final-log-blowups needs --levels 1 or more")
        }
        None => Vec::new(),
    };
    let leaf = match (&args.proof, &args.block, args.leaf_shard) {
        (Some(path), _, Some(index)) => leaf_of_proof(path, index, &params, args.opening_table)?,
        (None, Some(block), Some(index)) => {
            leaf_of_block(block, index, args.shard_cycles, &params, args.opening_table)?
        }
        (None, None, Some(_)) => anyhow::bail!("--leaf-shard needs --proof or --block"),
        _ => serde_json::Value::Null,
    };
    args.output.write(&json!({
        "params": args.params,
        "tables": tables,
        "recursion_steps": steps,
        "final_layers": final_layers,
        "leaf_step": leaf,
        "verification": verification,
    }))
}

/// Instructions per table of a recursion program.
fn rows(circuit: &Circuit) -> serde_json::Value {
    let [var, alu, pack, poseidon2, bits, public] = circuit.table_rows();
    json!({
        "var": var, "alu": alu, "pack": pack, "poseidon2_calls": poseidon2, "bits": bits, "public": public,
        "opening": circuit.opening_rows(), "log_heights": circuit.log_heights(),
    })
}

/// Johnson-bound bits of a proof of `circuit`'s tables at `params`, by Hearth's calculator.
fn security_bits(circuit: &Circuit, params: &ProofParams) -> anyhow::Result<u32> {
    let names: Vec<String> = (0..circuit.chips().len()).map(|i| format!("table {i}")).collect();
    let shapes = table_shapes(&names, circuit.chips(), &circuit.log_heights(), params)?;
    Ok(proven_bits(&security_inputs(&shapes, params))?)
}

/// A small program (a transcript over its input) proven, then `levels` recursion steps,
/// each verifying the previous proof in a recursion program and proving it.
/// A proof with the program it proves and its statement.
type Proven = (Circuit, StarkProof, Statement);

fn recursion_steps(
    levels: usize,
    params: &ProofParams,
    opening_table: bool,
) -> anyhow::Result<(Vec<serde_json::Value>, Option<Proven>)> {
    if levels == 0 {
        return Ok((Vec::new(), None));
    }
    let mut b = CircuitBuilder::new();
    let x = b.input();
    let square = b.mul(x, x);
    let mut challenger = CircuitChallenger::new(&mut b);
    challenger.observe(&mut b, square);
    let challenge = challenger.sample(&mut b);
    b.expose(x);
    b.expose(challenge);
    let mut program = b.build();
    let proven = program.prove(params, &[base_cell(Val::from_u32(7))])?;
    let mut proof = proven.proof;
    let key = program.verifying_key(params)?;
    let mut statement =
        Statement::of(program.chips(), key, program.table_public_values(&proven.public_values));
    let mut steps = Vec::with_capacity(levels);
    for level in 1..=levels {
        let start = Instant::now();
        let shape = InnerShape::of(program.chips(), &proof)?;
        let step = ProofVerifierProgram::build_with(program.chips(), shape, opening_table)?;
        let build_s = start.elapsed().as_secs_f64();
        let (mut report, proven, step_key) = measure_step(&step, &proof, &statement, params)?;
        report["level"] = json!(level);
        report["build_s"] = json!(build_s);
        eprintln!("recursion level {level}: {report}");
        steps.push(report);
        statement = Statement::of(
            step.circuit.chips(),
            step_key,
            step.circuit.table_public_values(&proven.public_values),
        );
        proof = proven.proof;
        program = step.circuit;
    }
    Ok((steps, Some((program, proof, statement))))
}

/// Size-tuned last-layer parameters (the aggregation's own choice) with `params`' query
/// grinding.
fn size_tuned(circuit: &Circuit, log_blowup: u8, params: &ProofParams) -> Option<ProofParams> {
    hearth_recursion::aggregate::size_tuned_with(circuit, log_blowup, params.query_pow_bits, params)
}

/// One more recursion step on `proof`, proven with size-tuned parameters at `log_blowup`;
/// its report and its proof.
fn final_layer(
    program: &Circuit,
    proof: &StarkProof,
    statement: &Statement,
    log_blowup: u8,
    params: &ProofParams,
) -> anyhow::Result<(serde_json::Value, Proven)> {
    let shape = InnerShape::of(program.chips(), proof)?;
    let step = ProofVerifierProgram::build(program.chips(), shape)?;
    let tuned = size_tuned(&step.circuit, log_blowup, params).context("no query count reaches 128 bits")?;
    let (mut report, proven, key) = measure_step(&step, proof, statement, &tuned)?;
    report["log_blowup"] = json!(log_blowup);
    report["num_queries"] = json!(tuned.num_queries);
    report["query_pow_bits"] = json!(tuned.query_pow_bits);
    report["cap_height"] = json!(tuned.cap_height);
    report["log_final_poly_len"] = json!(tuned.log_final_poly_len);
    report["max_log_arity"] = json!(tuned.max_log_arity);
    eprintln!("last layer at blowup {}: {report}", 1u32 << log_blowup);
    let statement =
        Statement::of(step.circuit.chips(), key, step.circuit.table_public_values(&proven.public_values));
    Ok((report, (step.circuit, proven.proof, statement)))
}

/// Proves one recursion step on `proof` of `statement` and measures it: rows, time, memory,
/// size, security, and the queries a size-tuned last layer of its shape would need.
fn measure_step(
    step: &ProofVerifierProgram,
    proof: &StarkProof,
    statement: &Statement,
    params: &ProofParams,
) -> anyhow::Result<(serde_json::Value, CircuitProof, Commitment)> {
    let start = Instant::now();
    let proven = step.prove(params, proof, statement)?;
    let prove_s = start.elapsed().as_secs_f64();
    let step_key = step.circuit.verifying_key(params)?;
    let start = Instant::now();
    step.circuit.verify(&proven.proof, &proven.public_values, &step_key)?;
    let verify_s = start.elapsed().as_secs_f64();
    let jbr_bits = security_bits(&step.circuit, params)?;
    // Queries a size-tuned last layer of this shape would need for 128 Johnson-bound bits
    // with the last layer's query grinding, by blowup.
    let final_layer: Vec<serde_json::Value> = (3..=5u8)
        .map(|log_blowup| {
            let queries = hearth_recursion::aggregate::size_tuned(&step.circuit, log_blowup, params)
                .map(|p| p.num_queries);
            json!({ "log_blowup": log_blowup, "queries_for_128_bits": queries })
        })
        .collect();
    // Base columns each query opens, per table and kind (what the proof's size scales with).
    let opened: Vec<serde_json::Value> = proven
        .proof
        .batch
        .opened_values
        .instances
        .iter()
        .map(|i| {
            let base = &i.base_opened_values;
            json!({
                "main": base.trace_local.len(),
                "preprocessed": base.preprocessed.as_ref().map_or(0, |p| p.local.len()),
                "lookup": i.permutation_local.len(),
                "quotient": base.quotient_chunks.iter().map(Vec::len).sum::<usize>(),
            })
        })
        .collect();
    let report = json!({
        "inner_proof_bytes": postcard::to_allocvec(proof)?.len(),
        "rows": rows(&step.circuit),
        "log_heights": step.circuit.log_heights(),
        "prove_s": prove_s,
        "verify_s": verify_s,
        "proof_bytes": postcard::to_allocvec(&proven.proof)?.len(),
        "jbr_bits": jbr_bits,
        "opened_columns_per_table": opened,
        "proof_bytes_by_part": bytes_by_part(&proven.proof)?,
        "final_layer_candidates": final_layer,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    Ok((report, proven, step_key))
}

/// Where a proof's bytes go: the values opened at the out-of-domain point, each input
/// commitment's opened rows and shared Merkle multi-proof, the FRI rounds' sibling values and
/// proofs, and the rest (commitments, final polynomial, grinding witnesses).
fn bytes_by_part(proof: &StarkProof) -> anyhow::Result<serde_json::Value> {
    let batch = &proof.batch;
    let fri = &batch.opening_proof;
    let inputs: Vec<serde_json::Value> = fri
        .input_openings
        .iter()
        .map(|opening| {
            let per_query: usize = opening.opened_values.first().map_or(0, |q| q.iter().map(Vec::len).sum());
            Ok(json!({
                "values_per_query": per_query,
                "values_bytes": encoded_len(&opening.opened_values)?,
                "proof_digests": opening.opening_proof.sibling_hashes.len(),
                "proof_bytes": encoded_len(&opening.opening_proof)?,
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let rounds: Vec<serde_json::Value> = fri
        .commit_phase_openings
        .iter()
        .map(|round| {
            Ok(json!({
                "values_bytes": encoded_len(&round.sibling_values)?,
                "proof_digests": round.opening_proof.sibling_hashes.len(),
                "proof_bytes": encoded_len(&round.opening_proof)?,
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(json!({
        "total": encoded_len(proof)?,
        "out_of_domain_values": encoded_len(&batch.opened_values)?,
        "commitments": encoded_len(&batch.commitments)? + encoded_len(&fri.commit_phase_commits)?,
        "input_openings": inputs,
        "fri_rounds": rounds,
        "final_poly": encoded_len(&fri.final_poly)?,
    }))
}

/// Serialized length of a proof part.
fn encoded_len<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<usize> {
    Ok(postcard::to_allocvec(value)?.len())
}

/// The leaf step on shard `index` of a run proof file.
fn leaf_of_proof(
    path: &PathBuf,
    index: usize,
    params: &ProofParams,
    opening_table: bool,
) -> anyhow::Result<serde_json::Value> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let run = RunProof::from_bytes(&bytes)?;
    let shard =
        run.shards.get(index).with_context(|| format!("the proof has {} shards", run.shards.len()))?;
    let memory = hearth_machine::run_memory(&run)?;
    leaf_step(shard, &run.input, &memory.contexts[index], params, opening_table)
}

/// The leaf step on shard `index` of a block's run, proven alone with the input private.
fn leaf_of_block(
    path: &std::path::Path,
    index: usize,
    shard_cycles: u64,
    params: &ProofParams,
    opening_table: bool,
) -> anyhow::Result<serde_json::Value> {
    let file = hearth_ethereum::formats::load_block_file(path)
        .with_context(|| format!("cannot load {}", path.display()))?;
    let input = file.input().encode();
    let elf = hearth_guest_builder::bundled::stateless()
        .map_err(|e| anyhow::anyhow!("cannot build the validation guest: {e}"))?;
    let program = hearth_executor::Program::from_elf(&std::fs::read(elf)?)?;
    let shard_params = ProofParams::default();
    let prover =
        hearth_machine::RunProver::new(&CpuBackend, &program, &input, &shard_params)?.with_private_input();
    let plan = prover.plan(shard_cycles, hearth_executor::DEFAULT_MAX_CYCLES)?;
    let task = plan.tasks.get(index).with_context(|| format!("the run has {} shards", plan.tasks.len()))?;
    let start = Instant::now();
    let (shard, _) = prover.prove_task(task)?;
    eprintln!("shard {index} of {} proven in {:.1} s", plan.tasks.len(), start.elapsed().as_secs_f64());
    let mut report = leaf_step(&shard, &input, &task.memory, params, opening_table)?;
    report["shards"] = json!(plan.tasks.len());
    // The run's final list proof, which the final step verifies: its size follows the words
    // the whole run touches.
    let descriptor = hearth_machine::program_descriptor(&program, &shard_params)?;
    let image = descriptor.image_lo..descriptor.image_hi;
    let start = Instant::now();
    let list = hearth_machine::final_list::prove_final_list(
        &CpuBackend,
        &shard_params,
        &plan.final_words,
        &image,
        &plan.challenges,
    )?;
    let list_s = start.elapsed().as_secs_f64();
    hearth_machine::final_list::verify_final_list(&list)?;
    report["final_list"] = json!({
        "touched_words": plan.final_words.len(),
        "log_heights": list.stark.log_heights(),
        "prove_s": list_s,
        "proof_bytes": postcard::to_allocvec(&list.stark)?.len(),
        "peak_rss_bytes": peak_rss_bytes(),
    });
    report["shard_tables"] = json!(shard.tables);
    Ok(report)
}

/// One recursion step on a shard proof of a run: the shard's STARK verified inside a
/// recursion program (the leaf of the aggregation tree) and proven.
fn leaf_step(
    shard: &hearth_machine::ShardProof,
    input: &[u8],
    context: &hearth_machine::memory_argument::MemoryContext,
    params: &ProofParams,
    opening_table: bool,
) -> anyhow::Result<serde_json::Value> {
    let index = context.stamp - 1;
    let statement = shard_statement(shard, input, ProgramSource::Hash(shard.descriptor.hash()), context)?;
    let start = Instant::now();
    let shape = InnerShape::of(&statement.chips, &shard.stark)?;
    let step = ProofVerifierProgram::build_with(&statement.chips, shape, opening_table)?;
    let build_s = start.elapsed().as_secs_f64();
    let inner = Statement::of(&statement.chips, statement.commitment, statement.public_values);
    let periodic_values: usize = inner.periodic.iter().flatten().map(Vec::len).sum();
    let mut report = match measure_step(&step, &shard.stark, &inner, params) {
        Ok((report, _, _)) => report,
        // A program too large to prove is still worth its numbers.
        Err(e) => {
            json!({ "error": e.to_string(), "rows": rows(&step.circuit) })
        }
    };
    report["shard"] = json!(index);
    report["build_s"] = json!(build_s);
    report["shard_cycles"] = json!(shard.cycles);
    report["periodic_values"] = json!(periodic_values);
    eprintln!("leaf step on shard {index}: {report}");
    Ok(report)
}

/// Proves about `2^log` compressions' worth of Merkle paths (depth 16, from a committed
/// random matrix) with the recursion tables.
fn prove_tables(log: u32, params: &ProofParams) -> anyhow::Result<serde_json::Value> {
    const DEPTH: usize = 16;
    let mmcs = val_mmcs();
    let width = SPONGE_RATE;
    let values =
        (0..width << DEPTH).map(|i| Val::from_u32((i as u32).wrapping_mul(0x9e37_79b9) >> 1)).collect();
    let (commitment, tree) = mmcs.commit_matrix(RowMajorMatrix::new(values, width));
    let hash = Hash::new(default_koalabear_poseidon2_24());
    let paths: Vec<MerklePath> = (0..(1usize << log) / DEPTH)
        .map(|p| {
            let index = p.wrapping_mul(40_503) % (1 << DEPTH);
            let opening = mmcs.open_batch(index, &tree);
            let leaf = hash.hash_iter(opening.opened_values[0].iter().copied());
            MerklePath { leaf, index, siblings: opening.opening_proof }
        })
        .collect();
    let start = Instant::now();
    let mut requests = Poseidon2Requests::default();
    let (merkle, _) = merkle_path::generate_trace(&paths, &mut requests);
    let traces = vec![poseidon2::generate_trace(&requests), merkle];
    let trace_s = start.elapsed().as_secs_f64();
    let chips =
        vec![RecursionChip::Poseidon2(Poseidon2Chip::default()), RecursionChip::MerklePath(MerklePathChip)];
    let public_values = vec![vec![], commitment.roots()[0].to_vec()];
    let start = Instant::now();
    let proven = CpuBackend.prove(params, &chips, &traces, &public_values)?;
    let prove_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    verify(&chips, &proven.proof, &public_values, None)?;
    let verify_s = start.elapsed().as_secs_f64();
    let size = postcard::to_allocvec(&proven.proof)?.len();
    Ok(json!({
        "paths": paths.len(),
        "compressions": paths.len() * DEPTH,
        "distinct_permutations": requests.len(),
        "poseidon2_rows": traces[0].values.len() / poseidon2::NUM_POSEIDON2_COLS,
        "poseidon2_columns": poseidon2::NUM_POSEIDON2_COLS,
        "merkle_rows": traces[1].values.len() / merkle_path::NUM_MERKLE_PATH_COLS,
        "merkle_columns": merkle_path::NUM_MERKLE_PATH_COLS,
        "trace_s": trace_s,
        "prove_s": prove_s,
        "verify_s": verify_s,
        "permutations_per_s": requests.len() as f64 / prove_s,
        "proof_bytes": size,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

fn count_work(path: &PathBuf) -> anyhow::Result<serde_json::Value> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let proof = RunProof::from_bytes(&bytes)?;
    let mut shards = Vec::new();
    let mut total = VerifierWork::default();
    for (index, shard) in proof.shards.iter().enumerate() {
        let work = shard_verifier_work(shard)?;
        total.add(&work);
        let size = postcard::to_allocvec(shard)?.len();
        shards.push((index, shard.cycles, size, work));
    }
    let mut by_permutations: Vec<&(usize, u64, usize, VerifierWork)> = shards.iter().collect();
    by_permutations.sort_by_key(|s| s.3.permutations());
    let median = by_permutations.get(by_permutations.len() / 2).context("the proof has no shards")?;
    let row = |(index, cycles, size, work): &(usize, u64, usize, VerifierWork)| {
        json!({
            "shard": index,
            "cycles": cycles,
            "proof_bytes": size,
            "permutations": work.permutations(),
            "ext_ops": work.ext_ops(),
            "work": work,
        })
    };
    Ok(json!({
        "proof": path.display().to_string(),
        "proof_bytes": bytes.len(),
        "shards": proof.shards.len(),
        "median_shard": row(median),
        "total": { "permutations": total.permutations(), "ext_ops": total.ext_ops(), "work": total },
        "per_shard": shards.iter().map(row).collect::<Vec<_>>(),
    }))
}
