//! Checkpoints of long runs. Every shard proof and every proof of the aggregation tree is kept
//! in a work folder beside the output (`OUTPUT.work`) as soon as it is made, so that the same
//! command, run again after a stop (a crash, a reboot, a killed job), resumes where the first
//! stopped. A block takes hours on a small machine; losing them to a stop is not acceptable.
//!
//! Each half of the folder names the run it belongs to in a `run` file. A folder left by
//! another run (another program, input, parameter set, shard size or build of `hearth`) is refused rather than
//! overwritten or deleted: its proofs may be someone's hours of work.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use hearth_executor::Program;
use hearth_machine::heights::TableHeights;
use hearth_machine::{ShardProof, ShardReport, ShardStore, ShardTask};
use hearth_recursion::aggregate::{RangeProof, StepStore};
use hearth_stark::ProofParams;
use sha2::{Digest, Sha256};

use crate::prove::write_file;

/// The work folder of the run whose result goes to `output`.
pub(crate) struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    /// `OUTPUT.work`, beside the output.
    pub(crate) fn beside(output: &Path) -> Self {
        let mut name = output.as_os_str().to_owned();
        name.push(".work");
        Self { path: name.into() }
    }

    /// The shard proofs of a run of `program` on `input`, proven with `params` in shards of
    /// `shard_cycles` cycles at `heights`, private input or not: opened (created if absent), or
    /// refused if the folder holds another run's.
    pub(crate) fn shards(
        &self,
        program: &Program,
        input: &[u8],
        params: &ProofParams,
        shard_cycles: u64,
        heights: TableHeights,
        private_input: bool,
    ) -> anyhow::Result<KeptShards> {
        let identity = format!(
            "{}program {}\ninput SHA-256 0x{} ({} bytes)\nparameters {}\nshard cycles {shard_cycles}\ntable heights {heights:?}\nprivate input {private_input}\n",
            build(),
            program.hash(),
            hex::encode(Sha256::digest(input)),
            input.len(),
            params.name,
        );
        let folder = self.path.join("shards");
        let kept = open(&folder, &identity)?;
        Ok(KeptShards { folder, kept })
    }

    /// The aggregation tree's proofs of the run proof whose serialized form has SHA-256
    /// `run_digest`, the tree proven with the parameters named `tree_params`: opened (created if
    /// absent), or refused if the folder holds another run's.
    pub(crate) fn steps(&self, run_digest: &[u8], tree_params: &str) -> anyhow::Result<KeptSteps> {
        let identity = format!(
            "{}run proof SHA-256 0x{}\ntree parameters {tree_params}\n",
            build(),
            hex::encode(run_digest),
        );
        let folder = self.path.join("steps");
        let kept = open(&folder, &identity)?;
        Ok(KeptSteps { folder, kept })
    }

    /// Says what an attempt finds in `what` (`"shard proofs"`, `"tree proofs"`): proofs to
    /// resume from, or a folder where it keeps its own.
    pub(crate) fn announce(&self, kept: usize, what: &str) {
        if kept > 0 {
            eprintln!("resuming: {kept} {what} kept in {} by an earlier attempt", self.path.display());
        } else {
            eprintln!("each of the {what} is kept in {} until the output is written", self.path.display());
        }
    }

    /// Removes the folder once what it kept is in the output.
    pub(crate) fn remove(&self) {
        if self.path.exists()
            && let Err(e) = std::fs::remove_dir_all(&self.path)
        {
            eprintln!("warning: cannot remove {}: {e}", self.path.display());
        }
    }
}

/// The build of `hearth` making the proofs: its version and the SHA-256 of its executable. Kept
/// proofs resume with the build that made them only, as another may prove differently. The
/// executable is read once per process.
fn build() -> &'static str {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD.get_or_init(|| {
        let executable = std::env::current_exe().and_then(std::fs::read).map_or_else(
            |e| format!("unreadable ({e})"),
            |bytes| format!("SHA-256 0x{}", hex::encode(Sha256::digest(bytes))),
        );
        format!("hearth {}, executable {executable}\n", env!("CARGO_PKG_VERSION"))
    })
}

/// Opens `folder` for the run `identity` names: creates it, or checks that the run it holds is
/// that one. Returns how many proofs it holds already.
fn open(folder: &Path, identity: &str) -> anyhow::Result<usize> {
    let run_file = folder.join("run");
    match std::fs::read_to_string(&run_file) {
        Ok(kept) if kept == identity => {}
        Ok(kept) => bail!(
            "{} holds the proofs of another run, which this one would mix with its own:\n{}\
             this run is:\n{}remove that folder to start over, or write the output elsewhere",
            folder.display(),
            indent(&kept),
            indent(identity)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
            write_file(&run_file, identity.as_bytes())?;
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", run_file.display())),
    }
    let proofs = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "proof"))
        .count();
    Ok(proofs)
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}

/// Writes `bytes` to `path` whole (or not at all), warning if it cannot: the proof is still in
/// memory, so the run goes on without its checkpoint.
fn keep(path: &Path, bytes: &[u8]) {
    if let Err(e) = write_file(path, bytes) {
        eprintln!("warning: cannot keep a checkpoint: {e:#}");
    }
}

/// The shard proofs kept for one run.
pub(crate) struct KeptShards {
    folder: PathBuf,
    /// Proofs the folder held when opened.
    pub(crate) kept: usize,
}

impl KeptShards {
    fn file(&self, index: u32) -> PathBuf {
        self.folder.join(format!("shard-{index:06}.proof"))
    }
}

impl ShardStore for KeptShards {
    fn load(&self, task: &ShardTask) -> Option<(ShardProof, ShardReport)> {
        let bytes = std::fs::read(self.file(task.index)).ok()?;
        match postcard::from_bytes(&bytes) {
            Ok(kept) => Some(kept),
            Err(e) => {
                eprintln!("warning: shard {}'s kept proof is unreadable ({e}); proving it again", task.index);
                None
            }
        }
    }

    fn save(&self, proof: &ShardProof, report: &ShardReport) {
        match postcard::to_allocvec(&(proof, report)) {
            Ok(bytes) => keep(&self.file(report.index), &bytes),
            Err(e) => eprintln!("warning: cannot keep shard {}'s proof: {e}", report.index),
        }
    }
}

/// The aggregation tree's proofs kept for one run.
pub(crate) struct KeptSteps {
    folder: PathBuf,
    /// Proofs the folder held when opened.
    pub(crate) kept: usize,
}

impl KeptSteps {
    fn file(&self, first: usize, count: usize) -> PathBuf {
        self.folder.join(format!("range-{first:06}-{count:06}.proof"))
    }

    /// Where each step's time and memory are logged (JSON lines), for a resumed aggregation to
    /// report the steps an earlier attempt proved.
    pub(crate) fn log_file(&self) -> PathBuf {
        self.folder.join("steps.jsonl")
    }
}

impl StepStore for KeptSteps {
    fn load(&self, first: usize, count: usize) -> Option<RangeProof> {
        let bytes = std::fs::read(self.file(first, count)).ok()?;
        match RangeProof::from_bytes(&bytes) {
            Ok(kept) => Some(kept),
            Err(e) => {
                eprintln!(
                    "warning: the kept proof of shards {first}..{} is unreadable ({e}); proving it again",
                    first + count
                );
                None
            }
        }
    }

    fn save(&self, first: usize, count: usize, proof: &RangeProof) {
        keep(&self.file(first, count), &proof.to_bytes());
    }
}
