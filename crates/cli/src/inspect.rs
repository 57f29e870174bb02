//! `hearth inspect`: what a proof file holds, without verifying it. For a run proof, the shapes
//! of its shards (the tables each holds and their heights), which decide how many recursion
//! programs its aggregation needs; for a final proof, its layers; for an aggregation key, its
//! recipe.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use hearth_machine::RunProof;
use hearth_machine::chips::CHIP_NAMES;
use hearth_verifier::FinalProof;

use crate::prove::read_file;

#[derive(clap::Args)]
pub(crate) struct InspectArgs {
    /// The proof file: a run proof (`hearth prove`, `prove-block --shards-only`, or the
    /// OUTPUT.run that aggregation keeps), a final proof, or an aggregation key (PROOF.key).
    proof: PathBuf,
    /// Also list every shard: its cycles and the height of each of its tables (for a key,
    /// the shard shape of each leaf program).
    #[arg(long)]
    per_shard: bool,
    /// Print one JSON object instead of text (every shard's heights included).
    #[arg(long)]
    json: bool,
}

pub(crate) fn inspect(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_file(&args.proof)?;
    if bytes.starts_with(hearth_verifier::proof::FINAL_PROOF_MAGIC) {
        let proof = FinalProof::from_bytes(&bytes)
            .with_context(|| format!("{} is not a readable final proof", args.proof.display()))?;
        return inspect_final(&args, &proof, bytes.len());
    }
    if bytes.starts_with(hearth_verifier::proof::AGGREGATION_KEY_MAGIC) {
        let key = hearth_verifier::AggregationKey::from_bytes(&bytes)
            .with_context(|| format!("{} is not a readable aggregation key", args.proof.display()))?;
        return inspect_key(&args, &key);
    }
    let run = RunProof::from_bytes(&bytes).with_context(|| {
        format!("{} is neither a run proof, a final proof nor an aggregation key", args.proof.display())
    })?;
    inspect_run(&args, &run, bytes.len())
}

fn inspect_final(args: &InspectArgs, proof: &FinalProof, size: usize) -> anyhow::Result<ExitCode> {
    let layers: Vec<_> = proof.security.iter().map(|l| (l.layer.clone(), l.bits)).collect();
    if args.json {
        let json = serde_json::json!({
            "kind": "final",
            "bytes": size,
            "program_hash": format!("0x{}", hex::encode(proof.descriptor.hash())),
            "output_bytes": proof.output.len(),
            "public_values": proof.public_values.len(),
            "layers": layers.iter().map(|(layer, bits)| serde_json::json!({ "layer": layer, "johnson_bound": bits })).collect::<Vec<_>>(),
        });
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("final proof   {} bytes ({} KiB), not verified here", size, size / 1024);
    println!("program hash  0x{}", hex::encode(proof.descriptor.hash()));
    println!("output        {} bytes", proof.output.len());
    for (layer, bits) in layers {
        println!("layer         {layer}: {bits} bits claimed (Johnson bound)");
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect_key(args: &InspectArgs, key: &hearth_verifier::AggregationKey) -> anyhow::Result<ExitCode> {
    if args.json {
        let json = serde_json::json!({
            "kind": "key",
            "shard_params": key.shard_params.name,
            "final_params": key.final_params,
            "recipe": key.recipe,
            "layers": key.layers.iter().map(|l| serde_json::json!({ "layer": l.layer, "johnson_bound": l.bits })).collect::<Vec<_>>(),
        });
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("aggregation key, not checked here (`hearth check-key` rebuilds it from its recipe)");
    crate::final_proof::print_recipe(key);
    for layer in &key.layers {
        println!("layer         {}: {} bits claimed (Johnson bound)", layer.layer, layer.bits);
    }
    if args.per_shard {
        println!(
            "leaf program  log2 heights of the shard proofs it verifies ({}; - absent)",
            CHIP_NAMES.join(" ")
        );
        for (k, shape) in key.recipe.leaf_shapes.iter().enumerate() {
            let heights: Vec<String> = (0..CHIP_NAMES.len())
                .map(|t| {
                    shape
                        .tables
                        .iter()
                        .position(|&x| x as usize == t)
                        .map_or_else(|| "-".to_string(), |p| shape.log_heights[p].to_string())
                })
                .collect();
            println!("{k:>12}  {}", heights.join(" "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `log2` of each machine table's height in each shard (`None` where a shard leaves it out).
type Shapes = Vec<Vec<Option<usize>>>;

fn inspect_run(args: &InspectArgs, run: &RunProof, size: usize) -> anyhow::Result<ExitCode> {
    let shapes: Shapes = run
        .shards
        .iter()
        .enumerate()
        .map(|(k, shard)| shard.table_log_heights().with_context(|| format!("shard {k} is malformed")))
        .collect::<anyhow::Result<_>>()?;
    let mut distinct: BTreeMap<&[Option<usize>], usize> = BTreeMap::new();
    for shape in &shapes {
        *distinct.entry(shape.as_slice()).or_default() += 1;
    }
    let params = run.shards.first().map_or("", |s| s.stark.params.name.as_str());
    if args.json {
        let json = serde_json::json!({
            "kind": "run",
            "bytes": size,
            "shards": run.shards.len(),
            "cycles": run.cycles(),
            "params": params,
            "tables": CHIP_NAMES,
            "distinct_shapes": distinct.len(),
            "per_shard": run.shards.iter().zip(&shapes).map(|(shard, shape)| serde_json::json!({
                "cycles": shard.cycles,
                "log_heights": shape,
            })).collect::<Vec<_>>(),
        });
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("run proof     {} bytes ({} MiB), not verified here", size, size >> 20);
    println!("shards        {}, {} cycles, parameters {params}", run.shards.len(), run.cycles());
    println!("shapes        {} distinct (tables present and their heights)", distinct.len());
    println!("{:<22} {:>9}  log2 height: min, median, max", "table", "present");
    for (t, name) in CHIP_NAMES.iter().enumerate() {
        let mut heights: Vec<usize> = shapes.iter().filter_map(|s| s.get(t).copied().flatten()).collect();
        heights.sort_unstable();
        let (Some(min), Some(max)) = (heights.first(), heights.last()) else {
            println!("{name:<22} {:>9}", format!("0/{}", shapes.len()));
            continue;
        };
        let median = heights[heights.len() / 2];
        println!("{name:<22} {:>9}  {min}, {median}, {max}", format!("{}/{}", heights.len(), shapes.len()));
    }
    if args.per_shard {
        println!("shard   cycles  log2 heights ({}; - absent)", CHIP_NAMES.join(" "));
        for (k, (shard, shape)) in run.shards.iter().zip(&shapes).enumerate() {
            let heights: Vec<String> =
                shape.iter().map(|h| h.map_or_else(|| "-".to_string(), |h| h.to_string())).collect();
            println!("{k:>5} {:>8}  {}", shard.cycles, heights.join(" "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
