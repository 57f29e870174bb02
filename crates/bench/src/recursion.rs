//! `hearth-bench recursion`: what a recursive verifier must do for each shard proof of a run
//! (Poseidon2 permutations, extension-field operations, opened values), from a proof file.

use std::path::PathBuf;

use anyhow::Context as _;
use hearth_machine::{RunProof, shard_verifier_work};
use hearth_stark::VerifierWork;
use serde_json::json;

use crate::Output;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// A run proof (`hearth prove` or `hearth prove-block`), e.g. the README demo's
    /// `target/demo/block.proof`.
    #[arg(long, value_name = "FILE")]
    proof: PathBuf,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
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
    let report = json!({
        "proof": args.proof.display().to_string(),
        "proof_bytes": bytes.len(),
        "shards": proof.shards.len(),
        "median_shard": row(median),
        "total": { "permutations": total.permutations(), "ext_ops": total.ext_ops(), "work": total },
        "per_shard": shards.iter().map(row).collect::<Vec<_>>(),
    });
    args.output.write(&report)
}
