//! Runs of any length: planned into shard tasks, proven concurrently under a memory budget, and
//! verified together (`docs/continuations.md`).
//!
//! Proving a run has three stages. The **plan** executes the run once in the executor's
//! checkpoint mode (no events) and cuts it into [`ShardTask`]s: a task is a checkpoint (pc,
//! registers, stream positions and the memory words the shard touches), small and serializable,
//! so a worker in another process or on another machine can prove it from the program and the
//! input alone. Each task is then **replayed** into a shard record and its traces generated,
//! and **proven**. [`RunProver::prove`] proves `jobs` shards at a time, in order, while one more
//! is replayed and traced ahead, each shard's memory reserved from a budget before it starts,
//! so trace generation overlaps proving without the process outgrowing the machine.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use hearth_executor::{Checkpoint, ExecutionOptions, Program};
use hearth_stark::{ProofParams, ProverBackend};
use p3_matrix::Matrix;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::{debug, info_span, instrument};

use crate::boundary::ShardBoundary;
use crate::chips::{self, index};
use crate::heights::TableHeights;
use crate::memory_argument::{MemoryContext, RunMemory};
use crate::shard::{
    Known, MAX_SHARD_CYCLES, ProgramSource, ProgramTables, ProveError, PublicValues, RunInput, ShardProof,
    VerifyError, boundary_height, prepare_shard, prove_prepared, shard_streams, stream_digest, streams_of,
    verify_statement,
};

/// Cycles per shard unless told otherwise: at the default parameters, proving the validation
/// guest in 2^19-cycle shards peaks near 13 GiB (one shard proving, the next traced beside it),
/// which fits a 16 GiB machine, while shards stay long enough that the fixed per-shard costs
/// (byte, program and image tables, memory lists) stay small.
pub const DEFAULT_SHARD_CYCLES: u64 = 1 << 19;

/// Leading bytes of a serialized [`RunProof`].
const RUN_PROOF_MAGIC: &[u8; 8] = b"HEARTH\x00\x01";

/// A proof of a whole run: the input once and one proof per shard, in order. Until recursion
/// folds them, this is the proof a verifier checks.
#[derive(Serialize, Deserialize)]
pub struct RunProof {
    /// The run's input. The verifier computes each shard's stream table from it, so it travels
    /// whole (its SHA-256 is the input commitment the proof establishes).
    pub input: Vec<u8>,
    /// The shard proofs, first to last.
    pub shards: Vec<ShardProof>,
}

impl RunProof {
    /// Serializes the proof (a format tag, then the fields).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = RUN_PROOF_MAGIC.to_vec();
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// Deserializes a proof written by [`RunProof::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let body = bytes.strip_prefix(RUN_PROOF_MAGIC.as_slice()).ok_or_else(|| {
            VerifyError::Malformed("not a Hearth proof (or of another format version)".into())
        })?;
        postcard::from_bytes(body).map_err(|e| VerifyError::Malformed(format!("cannot decode: {e}")))
    }

    /// Cycles of the whole run, as the shards claim them.
    pub fn cycles(&self) -> u64 {
        self.shards.iter().map(|s| s.cycles).sum()
    }

    /// The run's public output, as the shards claim it: their outputs in order.
    pub fn output(&self) -> Vec<u8> {
        self.shards.iter().flat_map(|s| s.output.iter().copied()).collect()
    }
}

/// One shard of a run, as a unit of work: with the program and the input, everything needed to
/// re-execute the shard and prove it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardTask {
    /// Index of the shard in the run.
    pub index: u32,
    /// Cycles the shard executes.
    pub cycles: u64,
    /// The machine's state where the shard starts.
    pub checkpoint: Checkpoint,
    /// The shard's place in the run's memory argument.
    pub memory: MemoryContext,
    /// The heights its tables are proven at (the memory argument was drawn with them).
    pub heights: TableHeights,
}

/// A run cut into shards, before proving.
#[derive(Clone, Debug)]
pub struct RunPlan {
    /// One task per shard, in order.
    pub tasks: Vec<ShardTask>,
    /// Cycles of the whole run.
    pub cycles: u64,
    /// The exit code.
    pub exit_code: u32,
    /// The public output.
    pub output: Vec<u8>,
    /// Wall time of the planning execution, in seconds.
    pub execute_s: f64,
    /// The run's memory argument: every word it touches once (the final list), and the
    /// challenges every shard uses.
    pub final_words: Vec<crate::memory_argument::FinalWord>,
    /// The run's challenges.
    pub challenges: crate::memory_argument::Challenges,
}

/// How a run is cut and scheduled.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Cycles per shard (the last one may be shorter), 1 to [`MAX_SHARD_CYCLES`].
    pub shard_cycles: u64,
    /// Shards proven at once (one more is replayed and traced ahead). One by default: a proof
    /// uses every core already; more help only when one shard cannot keep the cores busy.
    pub jobs: usize,
    /// Bytes of memory the shards in flight may hold together (estimated; a shard that alone
    /// exceeds it is proven on its own).
    pub max_memory: u64,
    /// Fault if the guest has not exited after this many cycles.
    pub max_cycles: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            shard_cycles: DEFAULT_SHARD_CYCLES,
            jobs: 1,
            max_memory: default_memory_budget(),
            max_cycles: hearth_executor::DEFAULT_MAX_CYCLES,
        }
    }
}

/// Three quarters of the memory the system reports available (of physical memory if it
/// reports none), so that proving does not push the machine into swap.
pub fn default_memory_budget() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |name: &str| {
        meminfo
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    };
    let available = field("MemAvailable:").or_else(|| field("MemTotal:")).unwrap_or(8 << 30);
    available / 4 * 3
}

/// What proving one shard took.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardReport {
    /// Index of the shard.
    pub index: u32,
    /// Cycles it executes.
    pub cycles: u64,
    /// Re-executing it into a record, in seconds.
    pub replay_s: f64,
    /// Generating its traces, in seconds.
    pub trace_s: f64,
    /// Proving its tables, in seconds.
    pub prove_s: f64,
    /// The memory reserved for it from the budget, in bytes.
    pub estimated_memory: u64,
    /// `log2` of its CPU table's height.
    pub cpu_log_height: u32,
    /// Tables its proof holds.
    pub tables: u32,
}

/// What proving a run took.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunReport {
    /// Cycles of the run.
    pub cycles: u64,
    /// Wall time of the planning execution, in seconds.
    pub execute_s: f64,
    /// Wall time from the first shard started to the last proven, in seconds.
    pub shards_s: f64,
    /// Shards proven at once.
    pub jobs: usize,
    /// The memory budget, in bytes.
    pub max_memory: u64,
    /// Per shard, in order.
    pub shards: Vec<ShardReport>,
}

/// Follows a run's proving (a progress bar, a log): called from the worker threads.
pub trait RunObserver: Sync {
    /// The run is planned; proving starts.
    fn planned(&self, _plan: &RunPlan) {}
    /// A shard is proven.
    fn shard_proven(&self, _report: &ShardReport) {}
    /// A shard's proof was found kept from an earlier attempt ([`ShardStore`]); `report` is
    /// what proving it took then.
    fn shard_resumed(&self, _report: &ShardReport) {}
}

impl RunObserver for () {}

/// Keeps shard proofs as they are made, so that a run stopped part-way (a crash, a reboot, a
/// killed job) resumes from the shards already proven instead of from the start. Called from
/// the worker threads.
pub trait ShardStore: Sync {
    /// The proof of `task` kept from an earlier attempt at the same run, if there is one. The
    /// store answers for the run it was opened for (program, input, parameters, shard size):
    /// the prover checks only that the proof and report are of this task's index and cycles.
    fn load(&self, task: &ShardTask) -> Option<(ShardProof, ShardReport)>;
    /// Keeps a shard's proof as soon as it is made. A store that cannot save says so itself
    /// (a warning): the proof is still in memory, so the run goes on.
    fn save(&self, proof: &ShardProof, report: &ShardReport);
}

/// No store: every shard is proven.
impl ShardStore for () {
    fn load(&self, _task: &ShardTask) -> Option<(ShardProof, ShardReport)> {
        None
    }

    fn save(&self, _proof: &ShardProof, _report: &ShardReport) {}
}

/// A shard's proof and report, or why it failed.
type ShardResult = Result<(ShardProof, ShardReport), ProveError>;

/// Proves runs of one program on one input: plans them, proves their tasks, alone or all
/// together.
pub struct RunProver<'a, B> {
    backend: &'a B,
    program: &'a Program,
    input: &'a [u8],
    params: &'a ProofParams,
    tables: ProgramTables,
    costs: TableCosts,
    private_input: bool,
    heights: TableHeights,
}

impl<'a, B: ProverBackend + Sync> RunProver<'a, B> {
    /// A prover for `program` on `input` with `params` (builds the program's tables once).
    pub fn new(
        backend: &'a B,
        program: &'a Program,
        input: &'a [u8],
        params: &'a ProofParams,
    ) -> Result<Self, ProveError> {
        Ok(Self {
            backend,
            program,
            input,
            params,
            tables: ProgramTables::of(program),
            costs: TableCosts::of(params)?,
            private_input: false,
            heights: TableHeights::Natural,
        })
    }

    /// Proves shards for aggregation: the input bytes they read become the prover's witness
    /// (the input table) instead of the verifier's data (the stream table's periodic columns),
    /// so a recursive verifier does not pay for them; the aggregated statement names the
    /// input's length only. [`verify_run`] refuses such proofs. A worker proving a task of such
    /// a run must be set up the same way, as the task's memory context depends on it.
    pub fn with_private_input(mut self) -> Self {
        self.private_input = true;
        self
    }

    /// Proves the shards with their tables at `heights` ([`TableHeights::Menu`]: fewer distinct
    /// shard shapes, so fewer leaf programs when the run is aggregated, for some padding rows).
    pub fn with_table_heights(mut self, heights: TableHeights) -> Self {
        self.heights = heights;
        self
    }

    /// Executes the run once and cuts it into tasks of `shard_cycles` cycles.
    #[instrument(skip_all, fields(shard_cycles))]
    pub fn plan(&self, shard_cycles: u64, max_cycles: u64) -> Result<RunPlan, ProveError> {
        if shard_cycles == 0 || shard_cycles > MAX_SHARD_CYCLES {
            return Err(ProveError::Unsupported {
                pc: 0,
                what: format!("shards of {shard_cycles} cycles (1 to {MAX_SHARD_CYCLES})"),
            });
        }
        let start = Instant::now();
        let options = ExecutionOptions { max_cycles, debug: hearth_executor::DebugOutput::Discard };
        let (outlines, summary) =
            hearth_executor::shard_outlines(self.program, self.input, &options, shard_cycles)?;
        // Every shard's memory list and streams, before any is proven: the run's challenges are
        // drawn from all of them.
        let mut lists = Vec::with_capacity(outlines.len());
        let mut heights = Vec::with_capacity(outlines.len());
        let mut streams = Vec::with_capacity(outlines.len());
        let mut output_start = 0;
        for record in &outlines {
            let (boundary, _) = ShardBoundary::of(record, &self.tables.image, output_start as u64);
            let input_read = record.start.input_position as usize..record.end.input_position as usize;
            let shard_streams =
                streams_of(self.input, input_read, &record.output, output_start, self.private_input)?;
            streams.push(Some(stream_digest(&shard_streams)));
            heights.push(boundary_height(boundary.memory.len(), self.heights));
            lists.push(boundary.memory);
            output_start += record.output.len();
        }
        let refs: Vec<&[crate::boundary::BoundaryWord]> = lists.iter().map(|l| &l[..]).collect();
        let memory = RunMemory::of(&refs, &heights, &streams, &self.tables.image_range());
        let (final_words, challenges) = (memory.final_words, memory.challenges);
        let tasks = outlines
            .into_iter()
            .zip(memory.contexts)
            .enumerate()
            .map(|(k, (record, memory))| ShardTask {
                index: k as u32,
                cycles: record.cycles(),
                checkpoint: record.start,
                memory,
                heights: self.heights,
            })
            .collect::<Vec<_>>();
        let execute_s = start.elapsed().as_secs_f64();
        debug!(
            cycles = summary.cycles,
            shards = tasks.len(),
            elapsed_ms = (execute_s * 1e3) as u64,
            "planned"
        );
        Ok(RunPlan {
            tasks,
            cycles: summary.cycles,
            exit_code: summary.exit_code,
            output: summary.output,
            execute_s,
            final_words,
            challenges,
        })
    }

    /// Replays a task and proves its shard.
    pub fn prove_task(&self, task: &ShardTask) -> Result<(ShardProof, ShardReport), ProveError> {
        self.prove_task_within(task, None)
    }

    /// [`RunProver::prove_task`], scheduled by `schedule` when given: memory reserved from its
    /// budget, proving in its turn.
    fn prove_task_within(
        &self,
        task: &ShardTask,
        schedule: Option<&Schedule>,
    ) -> Result<(ShardProof, ShardReport), ProveError> {
        let _span = info_span!("shard", index = task.index, cycles = task.cycles).entered();
        let guess = self.costs.estimate_for_cycles(task.cycles);
        if let Some(schedule) = schedule {
            schedule.budget.reserve(task.index, guess);
        }
        let start = Instant::now();
        let record = hearth_executor::replay_shard(self.program, self.input, &task.checkpoint, task.cycles)?;
        if record.cycles() != task.cycles || record.start != task.checkpoint {
            return Err(ProveError::Unsupported {
                pc: task.checkpoint.pc,
                what: format!("shard {} replays differently from its plan", task.index),
            });
        }
        let replay_s = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let output_start = task.checkpoint.output_position as usize;
        let prepared = prepare_shard(
            self.program,
            &self.tables,
            record,
            RunInput { bytes: self.input, private: self.private_input },
            output_start,
            None,
            Some(&task.memory),
            task.heights,
        )?;
        let trace_s = start.elapsed().as_secs_f64();
        let heights: Vec<Option<usize>> = (0..chips::CHIP_NAMES.len())
            .map(|t| {
                prepared.used.contains(&t).then(|| prepared.traces[t].height().trailing_zeros() as usize)
            })
            .collect();
        let estimated_memory = self.costs.estimate(&heights, self.params);
        debug!(
            estimated_mib = estimated_memory >> 20,
            first_guess_mib = guess >> 20,
            log_heights = ?heights.iter().enumerate().filter_map(|(t, h)| h.map(|h| (chips::CHIP_NAMES[t], h))).collect::<Vec<_>>(),
            "traces generated"
        );
        let _turn = match schedule {
            Some(schedule) => {
                let turn = schedule.turns.take(task.index, &schedule.failed).ok_or(ProveError::Cancelled)?;
                schedule.budget.reserve(task.index, estimated_memory);
                Some(turn)
            }
            None => None,
        };
        let cpu_log_height = prepared.traces[index::CPU].height().trailing_zeros();
        let tables = prepared.used.len() as u32;
        let start = Instant::now();
        let proof = prove_prepared(self.backend, self.params, &self.tables, prepared)?;
        let prove_s = start.elapsed().as_secs_f64();
        let report = ShardReport {
            index: task.index,
            cycles: task.cycles,
            replay_s,
            trace_s,
            prove_s,
            estimated_memory,
            cpu_log_height,
            tables,
        };
        Ok((proof, report))
    }

    /// Plans the run and proves every shard, `options.jobs` at a time and in order within
    /// `options.max_memory`, while one more shard is replayed and traced ahead, telling
    /// `observer` as it goes.
    pub fn prove(
        &self,
        options: &RunOptions,
        observer: &dyn RunObserver,
    ) -> Result<(RunProof, RunReport), ProveError> {
        self.prove_resuming(options, observer, &())
    }

    /// [`RunProver::prove`], taking from `store` the shards it kept from an earlier attempt and
    /// giving it every shard proven.
    #[instrument(skip_all, fields(params = %self.params.name, shard_cycles = options.shard_cycles, jobs = options.jobs))]
    pub fn prove_resuming(
        &self,
        options: &RunOptions,
        observer: &dyn RunObserver,
        store: &dyn ShardStore,
    ) -> Result<(RunProof, RunReport), ProveError> {
        let plan = self.plan(options.shard_cycles, options.max_cycles)?;
        observer.planned(&plan);
        let jobs = options.jobs.clamp(1, plan.tasks.len().max(1));
        let schedule = Schedule {
            budget: MemoryBudget::new(options.max_memory),
            turns: ProvingTurns::new(jobs),
            failed: AtomicBool::new(false),
        };
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<ShardResult>>> =
            Mutex::new((0..plan.tasks.len()).map(|_| None).collect());
        let start = Instant::now();
        std::thread::scope(|scope| {
            // One worker more than shards proven at once: it replays and traces the next shard
            // while the others prove.
            for _ in 0..=jobs {
                scope.spawn(|| {
                    while !schedule.failed.load(Ordering::Relaxed) {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(task) = plan.tasks.get(k) else { break };
                        if let Some((proof, report)) = store.load(task)
                            && report.index == task.index
                            && report.cycles == task.cycles
                            && proof.cycles == task.cycles
                        {
                            schedule.turns.pass(task.index);
                            observer.shard_resumed(&report);
                            if let Ok(mut results) = results.lock() {
                                results[k] = Some(Ok((proof, report)));
                            }
                            continue;
                        }
                        let result = self.prove_task_within(task, Some(&schedule));
                        schedule.budget.release(task.index);
                        match &result {
                            Ok((proof, report)) => {
                                store.save(proof, report);
                                observer.shard_proven(report);
                            }
                            Err(ProveError::Cancelled) => continue,
                            Err(_) => schedule.fail(),
                        }
                        if let Ok(mut results) = results.lock() {
                            results[k] = Some(result);
                        }
                    }
                });
            }
        });
        let shards_s = start.elapsed().as_secs_f64();
        let results = results.into_inner().unwrap_or_default();
        let mut shards = Vec::with_capacity(results.len());
        let mut reports = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Some(Ok((proof, report))) => {
                    shards.push(proof);
                    reports.push(report);
                }
                Some(Err(e)) => return Err(e),
                // Left unproven after another shard failed; that failure is returned above or
                // below.
                None => {}
            }
        }
        if shards.len() != plan.tasks.len() {
            return Err(ProveError::Unsupported { pc: 0, what: "a shard was left unproven".into() });
        }
        let report = RunReport {
            cycles: plan.cycles,
            execute_s: plan.execute_s,
            shards_s,
            jobs,
            max_memory: options.max_memory,
            shards: reports,
        };
        Ok((RunProof { input: self.input.to_vec(), shards }, report))
    }
}

/// Proves a run of `program` on `input` cut into shards of `shard_cycles` cycles, with the
/// default scheduling (all cores, the default memory budget).
pub fn prove_run<B: ProverBackend + Sync>(
    backend: &B,
    program: &Program,
    input: &[u8],
    params: &ProofParams,
    shard_cycles: u64,
) -> Result<RunProof, ProveError> {
    let options = RunOptions { shard_cycles, ..RunOptions::default() };
    Ok(RunProver::new(backend, program, input, params)?.prove(&options, &())?.0)
}

/// Bytes each table costs the prover per row, from its widths: what the memory budget counts.
struct TableCosts {
    /// Base-field columns per table (main and preprocessed).
    base: Vec<usize>,
    /// Extension-field columns per table (the lookup argument's, plus the running sum).
    extension: Vec<usize>,
}

/// Bytes of a base-field element and of a challenge-field element.
const BASE_BYTES: u64 = 4;
const EXTENSION_BYTES: u64 = 32;
/// Bytes of a shard record per cycle (instruction, register and memory events), measured.
const RECORD_BYTES_PER_CYCLE: u64 = 160;
/// The prover's peak over the matrices the estimate counts (Merkle trees, the quotient's
/// evaluation, scratch in the DFTs, less what is freed early), measured on a 2^18-cycle shard
/// of the `sort` guest (2.64 GiB peak for a 2.2 GiB count), with a margin.
const PROVER_OVERHEAD: f64 = 1.3;

impl TableCosts {
    fn of(params: &ProofParams) -> Result<Self, ProveError> {
        let heights = vec![Some(10); chips::CHIP_NAMES.len()];
        let shapes = crate::shard::machine_shapes(params, &heights)
            .map_err(|e| ProveError::Unsupported { pc: 0, what: format!("table shapes: {e}") })?;
        Ok(Self {
            base: shapes.iter().map(|s| s.main_width + s.preprocessed_width).collect(),
            // The quotient's chunks are extension-field columns too: two per table at degree 3.
            extension: shapes.iter().map(|s| s.num_lookups + 1 + 2).collect(),
        })
    }

    /// Bytes of one copy of every column of tables of these heights (`None`: left out), and
    /// of the shard record behind them.
    fn columns_and_record(&self, log_heights: &[Option<usize>]) -> (u64, u64) {
        let columns = log_heights
            .iter()
            .enumerate()
            .filter_map(|(t, h)| h.map(|h| (t, 1u64 << h)))
            .map(|(t, rows)| {
                rows * (self.base[t] as u64 * BASE_BYTES + self.extension[t] as u64 * EXTENSION_BYTES)
            })
            .sum();
        let cpu_rows = log_heights[index::CPU].map_or(0, |h| 1u64 << h);
        (columns, cpu_rows * RECORD_BYTES_PER_CYCLE)
    }

    /// Estimated peak bytes of proving tables of these heights: every column is held as its
    /// trace and its low-degree extension.
    fn estimate(&self, log_heights: &[Option<usize>], params: &ProofParams) -> u64 {
        let (columns, record) = self.columns_and_record(log_heights);
        let copies = 1 + (1u64 << params.log_blowup);
        ((columns * copies) as f64 * PROVER_OVERHEAD) as u64 + record
    }

    /// What replaying and tracing a shard of `cycles` cycles holds before proving: the record
    /// and the traces, every execution table as tall as the CPU's, no accelerator.
    fn estimate_for_cycles(&self, cycles: u64) -> u64 {
        let log_rows = cycles.max(2).next_power_of_two().trailing_zeros() as usize;
        let heights: Vec<Option<usize>> = (0..chips::CHIP_NAMES.len())
            .map(|t| match t {
                t if crate::shard::OPTIONAL_TABLES.contains(&t) => None,
                index::BYTE => Some(16),
                index::REGISTERS | index::PROGRAM | index::MEMORY_IMAGE | index::STREAM => Some(4),
                _ => Some(log_rows),
            })
            .collect();
        let (columns, record) = self.columns_and_record(&heights);
        columns + record
    }
}

/// How the workers of one run share the machine.
struct Schedule {
    budget: MemoryBudget,
    turns: ProvingTurns,
    /// Set when a shard fails: the others stop.
    failed: AtomicBool,
}

impl Schedule {
    fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
        self.turns.changed.notify_all();
    }
}

/// Turns to prove, given in shard order, `jobs` at a time. Each proof already uses every core,
/// so more shards proving at once only add memory; in order, the shards proving are always
/// the oldest in flight, which the memory budget never makes wait, so a run cannot deadlock.
struct ProvingTurns {
    jobs: usize,
    state: Mutex<TurnState>,
    changed: Condvar,
}

/// Whose turn it is.
#[derive(Default)]
struct TurnState {
    /// The next shard to get a turn.
    next: u32,
    /// Shards proving now.
    proving: usize,
    /// Shards after `next` that need no turn (their proofs were kept from an earlier attempt).
    passed: BTreeSet<u32>,
}

impl TurnState {
    /// Gives the turn to the shard after `next`, past the shards that need none.
    fn advance(&mut self) {
        self.next += 1;
        while self.passed.remove(&self.next) {
            self.next += 1;
        }
    }
}

/// A turn to prove, given back when dropped.
struct Turn<'a>(&'a ProvingTurns);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.state.lock() {
            state.proving -= 1;
        }
        self.0.changed.notify_all();
    }
}

impl ProvingTurns {
    fn new(jobs: usize) -> Self {
        Self { jobs, state: Mutex::new(TurnState::default()), changed: Condvar::new() }
    }

    /// Waits for shard `index`'s turn; `None` if the run failed meanwhile.
    fn take(&self, index: u32, failed: &AtomicBool) -> Option<Turn<'_>> {
        let mut state = self.state.lock().ok()?;
        loop {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            if state.next == index && state.proving < self.jobs {
                state.proving += 1;
                state.advance();
                drop(state);
                self.changed.notify_all();
                return Some(Turn(self));
            }
            state = self.changed.wait(state).ok()?;
        }
    }

    /// Shard `index` needs no turn: the shards after it do not wait for it.
    fn pass(&self, index: u32) {
        if let Ok(mut state) = self.state.lock() {
            if state.next == index {
                state.advance();
            } else {
                state.passed.insert(index);
            }
        }
        self.changed.notify_all();
    }
}

/// Memory reserved by the shards in flight. A shard waits until its reservation fits under the
/// limit, except the oldest shard in flight, which never waits: the run always progresses, and
/// a shard too large for the budget is proven with nothing beside it but older shards already
/// running.
struct MemoryBudget {
    limit: u64,
    held: Mutex<BTreeMap<u32, u64>>,
    changed: Condvar,
}

impl MemoryBudget {
    fn new(limit: u64) -> Self {
        Self { limit, held: Mutex::new(BTreeMap::new()), changed: Condvar::new() }
    }

    /// Sets shard `index`'s reservation to `bytes`, waiting for room if it grows.
    fn reserve(&self, index: u32, bytes: u64) {
        let Ok(mut held) = self.held.lock() else { return };
        loop {
            let others: u64 = held.iter().filter(|(k, _)| **k != index).map(|(_, b)| b).sum();
            let oldest = held.keys().next().is_none_or(|&k| k >= index);
            if oldest || others + bytes <= self.limit {
                held.insert(index, bytes);
                return;
            }
            held = match self.changed.wait(held) {
                Ok(held) => held,
                Err(_) => return,
            };
        }
    }

    /// Returns shard `index`'s reservation.
    fn release(&self, index: u32) {
        if let Ok(mut held) = self.held.lock() {
            held.remove(&index);
        }
        self.changed.notify_all();
    }
}

/// The run's memory argument as its shards' memory lists and streams give it: each shard's
/// place in it ([`MemoryContext`]) and the final list.
pub fn run_memory(proof: &RunProof) -> Result<RunMemory, VerifyError> {
    let first = proof.shards.first().ok_or_else(|| VerifyError::Malformed("no shards".into()))?;
    let d = &first.descriptor;
    let mut lists = Vec::with_capacity(proof.shards.len());
    let mut heights = Vec::with_capacity(proof.shards.len());
    let mut streams = Vec::with_capacity(proof.shards.len());
    for shard in &proof.shards {
        streams.push(Some(stream_digest(&shard_streams(shard, &proof.input)?)));
        heights.push(shard.boundary_height()?);
        lists.push(&shard.boundary.memory[..]);
    }
    Ok(RunMemory::of(&lists, &heights, &streams, &(d.image_lo..d.image_hi)))
}

/// Verifies a run's proof: each shard's proof, and that together they are one execution from
/// the entry point to `exit` (`docs/continuations.md`). Returns what it establishes: the whole
/// output, the total cycles and the exit code. Shards are checked on all cores.
#[instrument(skip_all, fields(shards = proof.shards.len()))]
pub fn verify_run(proof: &RunProof, program: ProgramSource<'_>) -> Result<PublicValues, VerifyError> {
    let input = proof.input.as_slice();
    let first = proof.shards.first().ok_or_else(|| VerifyError::Malformed("no shards".into()))?;
    let d = &first.descriptor;
    let count = proof.shards.len();
    for (k, shard) in proof.shards.iter().enumerate() {
        if &shard.descriptor != d {
            return Err(VerifyError::Malformed(format!("shard {k} is for another program")));
        }
        if k + 1 < count && shard.exit_code != 0 {
            return Err(VerifyError::Malformed(format!("shard {k} claims an exit code but does not halt")));
        }
        if shard.tables.contains(&(chips::index::INPUT as u8)) {
            return Err(VerifyError::Malformed(format!(
                "shard {k} keeps the input it reads private (proven for aggregation): its run is \
                 stated by the aggregated final proof, not by its shard proofs"
            )));
        }
        let b = &shard.boundary;
        if !b.is_well_formed()
            || b.registers_out[32] > input.len() as u64
            || b.registers_in[33] + shard.output.len() as u64 != b.registers_out[33]
        {
            return Err(VerifyError::PublicValue(format!(
                "shard {k}: stream positions differ from the input and output"
            )));
        }
    }
    let boundaries: Vec<&ShardBoundary> = proof.shards.iter().map(|p| &p.boundary).collect();
    crate::boundary::check_chain(&boundaries, d.entry, d.image_lo..d.image_hi)
        .map_err(|e| VerifyError::PublicValue(e.to_string()))?;
    if proof.shards.iter().any(|s| s.stark.params != first.stark.params) {
        return Err(VerifyError::Malformed("shards proven with different parameters".into()));
    }
    let memory = run_memory(proof)?;
    let contexts = &memory.contexts;
    let known = Known::of(program);
    // The first shard alone, so that the program's commitment is computed once, not on every
    // thread.
    verify_statement(first, input, &known, &contexts[0])?;
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<(usize, VerifyError)>> = Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(count - 1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed) + 1;
                    let Some(shard) = proof.shards.get(k) else { break };
                    if let Err(e) = verify_statement(shard, input, &known, &contexts[k])
                        && let Ok(mut slot) = first_error.lock()
                        && slot.as_ref().is_none_or(|(j, _)| k < *j)
                    {
                        *slot = Some((k, e));
                    }
                }
            });
        }
    });
    if let Some((_, e)) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let last = proof.shards.last().unwrap_or(first);
    Ok(PublicValues {
        program_hash: d.hash(),
        exit_code: last.exit_code,
        input_len: input.len() as u32,
        input_commitment: Sha256::digest(input).into(),
        output: proof.output(),
        cycles: proof.cycles(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::{MemoryBudget, ProvingTurns};

    #[test]
    fn the_oldest_shard_never_waits_and_newer_ones_wait_for_room() {
        let budget = MemoryBudget::new(100);
        // Shard 0 alone exceeds the budget: it goes ahead all the same.
        budget.reserve(0, 150);
        let granted = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                budget.reserve(1, 60);
                granted.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(200));
            assert!(!granted.load(Ordering::SeqCst), "shard 1 waits while shard 0 holds the budget");
            budget.release(0);
        });
        assert!(granted.load(Ordering::SeqCst), "and goes once shard 0 is done");
        // Growing a reservation that still fits does not wait.
        budget.reserve(2, 40);
        budget.reserve(2, 40);
    }

    #[test]
    fn turns_to_prove_go_in_shard_order_and_stop_on_failure() {
        let turns = ProvingTurns::new(1);
        let failed = AtomicBool::new(false);
        let order = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for index in [2u32, 1, 0] {
                let (turns, failed, order) = (&turns, &failed, &order);
                scope.spawn(move || {
                    let turn = turns.take(index, failed).expect("a turn");
                    order.lock().expect("lock").push(index);
                    std::thread::sleep(Duration::from_millis(20));
                    drop(turn);
                });
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        assert_eq!(*order.lock().expect("lock"), vec![0, 1, 2]);
        // Shards kept from an earlier attempt pass their turn, before or after the shards
        // ahead of them take theirs: the others still go in order, and none waits forever.
        let turns = ProvingTurns::new(1);
        let order = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            turns.pass(4);
            for index in [5u32, 2, 0] {
                let (turns, failed, order) = (&turns, &failed, &order);
                scope.spawn(move || {
                    let turn = turns.take(index, failed).expect("a turn");
                    order.lock().expect("lock").push(index);
                    drop(turn);
                });
            }
            std::thread::sleep(Duration::from_millis(50));
            turns.pass(3);
            turns.pass(1);
        });
        assert_eq!(*order.lock().expect("lock"), vec![0, 2, 5]);
        let turns = ProvingTurns::new(1);
        // Shard 3's turn never comes when shard 4 is waiting and the run fails: it is released.
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| turns.take(4, &failed).is_none());
            std::thread::sleep(Duration::from_millis(50));
            failed.store(true, Ordering::SeqCst);
            turns.changed.notify_all();
            assert!(waiter.join().expect("joins"), "the waiting shard gives up");
        });
    }
}
