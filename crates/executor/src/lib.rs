//! Hearth's RV64IM executor: runs a guest ELF the way the prover will prove it.
//!
//! - [`Program`] loads and validates an ELF (zkvm-standards loading rules) and pre-decodes it.
//! - [`execute`] is the fast mode: it only counts cycles, for `hearth execute` and for sizing runs.
//! - [`trace`] is the trace mode: the run split into shards of a fixed number of cycles, each a
//!   [`ShardRecord`] with every instruction, register and memory access (with timestamps) and
//!   accelerator call, starting from a [`Checkpoint`] that [`replay_shard`] re-executes on its own.
//! - [`checkpoints`] finds the shard checkpoints without recording events, so shards can be traced
//!   and proven in parallel or on other machines.
//! - [`profile`] attributes cycles to the guest's functions.
//!
//! Guests talk to the executor through `ecall`s ([`hearth_isa::Syscall`]); faults are
//! [`ExecutionError`]s carrying the pc, never host panics.

mod decoded;
mod error;
mod machine;
mod memory;
pub mod precompiles;
mod profile;
mod program;
pub mod trace;
mod tracer;

use hearth_isa::Syscall;
use tracing::instrument;

pub use error::{AccessKind, ElfError, ExecutionError};
pub use machine::DebugOutput;
pub use memory::Memory;
pub use profile::{FunctionCycles, Profile, ScopeCycles};
pub use program::{MAX_CODE_BYTES, Program, ProgramHash, Segment, Symbol};
pub use trace::{Checkpoint, ShardRecord};

use machine::{Machine, Stop};
use trace::Recorder;

/// Default cycle limit: far above any block, low enough to stop a runaway guest in minutes.
pub const DEFAULT_MAX_CYCLES: u64 = 1 << 36;

/// No run is longer than this, whatever its options say, so timestamps (4 per cycle) never
/// overflow.
pub const CYCLE_CEILING: u64 = 1 << 60;

/// How to run a guest.
#[derive(Clone, Copy, Debug)]
pub struct ExecutionOptions {
    /// Fault with [`ExecutionError::CycleLimit`] if the guest has not exited after this many
    /// (at most [`CYCLE_CEILING`]).
    pub max_cycles: u64,
    /// Where the guest's debug stream goes.
    pub debug: DebugOutput,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        Self { max_cycles: DEFAULT_MAX_CYCLES, debug: DebugOutput::Stderr }
    }
}

/// What a completed run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionSummary {
    /// Instructions executed (each `ecall` counts as one).
    pub cycles: u64,
    /// The guest's exit code (0 = success).
    pub exit_code: u32,
    /// The public output.
    pub output: Vec<u8>,
    /// Loads and stores whose address was not a multiple of their width.
    pub unaligned_accesses: u64,
    /// Calls per syscall, for those called at least once.
    pub syscalls: Vec<(Syscall, u64)>,
    /// The debug stream, when captured.
    pub debug_output: Vec<u8>,
}

impl ExecutionSummary {
    fn of(m: &Machine<'_>, exit_code: u32) -> Self {
        let syscalls =
            Syscall::ALL.iter().zip(m.syscall_counts).filter(|(_, n)| *n > 0).map(|(s, n)| (*s, n)).collect();
        Self {
            cycles: m.clk,
            exit_code,
            output: m.output.clone(),
            unaligned_accesses: m.unaligned_accesses,
            syscalls,
            debug_output: m.debug_output.clone(),
        }
    }
}

fn run_to_exit<T: tracer::Tracer>(
    m: &mut Machine<'_>,
    tracer: &mut T,
    max_cycles: u64,
) -> Result<u32, ExecutionError> {
    let max_cycles = max_cycles.min(CYCLE_CEILING);
    match m.run(tracer, max_cycles)? {
        Stop::Exit(code) => Ok(code),
        Stop::Limit => Err(ExecutionError::CycleLimit { pc: m.pc(), limit: max_cycles }),
    }
}

/// Runs `program` on `input` in fast mode.
#[instrument(skip_all, fields(program = %program.hash()))]
pub fn execute(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
) -> Result<ExecutionSummary, ExecutionError> {
    let mut m = Machine::boot(program, input, options.debug);
    let exit = run_to_exit(&mut m, &mut (), options.max_cycles)?;
    Ok(ExecutionSummary::of(&m, exit))
}

/// Runs `program` on `input`, counting cycles per function.
#[instrument(skip_all, fields(program = %program.hash()))]
pub fn profile(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
) -> Result<(ExecutionSummary, Profile), ExecutionError> {
    let mut m = Machine::boot(program, input, options.debug);
    let mut profiler = profile::Profiler::new(program.code_len());
    let exit = run_to_exit(&mut m, &mut profiler, options.max_cycles)?;
    Ok((ExecutionSummary::of(&m, exit), Profile::from_profiler(program, profiler)))
}

/// Drives a recorder over the whole run, one shard at a time.
fn run_sharded<const EVENTS: bool>(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
    shard_cycles: u64,
    mut on_shard: impl FnMut(ShardRecord),
) -> Result<ExecutionSummary, ExecutionError> {
    assert!(shard_cycles > 0, "shards must have at least one cycle");
    let max_cycles = options.max_cycles.min(CYCLE_CEILING);
    let mut m = Machine::boot(program, input, options.debug);
    let mut recorder = Recorder::<EVENTS>::new(program);
    loop {
        recorder.begin_shard(&m);
        let limit = m.clk.saturating_add(shard_cycles).min(max_cycles);
        let stop = m.run(&mut recorder, limit)?;
        let exit = match stop {
            Stop::Exit(code) => Some(code),
            Stop::Limit if m.clk >= max_cycles => {
                return Err(ExecutionError::CycleLimit { pc: m.pc(), limit: max_cycles });
            }
            Stop::Limit => None,
        };
        on_shard(recorder.end_shard(&m, exit));
        if let Some(code) = exit {
            return Ok(ExecutionSummary::of(&m, code));
        }
    }
}

/// Runs `program` on `input` in trace mode, handing each shard of `shard_cycles` cycles to
/// `on_shard` as soon as it is complete (so a long run need not hold all its shards at once).
#[instrument(skip_all, fields(program = %program.hash(), shard_cycles))]
pub fn trace_with(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
    shard_cycles: u64,
    on_shard: impl FnMut(ShardRecord),
) -> Result<ExecutionSummary, ExecutionError> {
    run_sharded::<true>(program, input, options, shard_cycles, on_shard)
}

/// Runs `program` on `input` in trace mode and returns every shard.
pub fn trace(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
    shard_cycles: u64,
) -> Result<(Vec<ShardRecord>, ExecutionSummary), ExecutionError> {
    let mut shards = Vec::new();
    let summary = trace_with(program, input, options, shard_cycles, |s| shards.push(s))?;
    Ok((shards, summary))
}

/// Finds the checkpoint at the start of every shard without recording events.
#[instrument(skip_all, fields(program = %program.hash(), shard_cycles))]
pub fn checkpoints(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
    shard_cycles: u64,
) -> Result<(Vec<Checkpoint>, ExecutionSummary), ExecutionError> {
    let (outlines, summary) = shard_outlines(program, input, options, shard_cycles)?;
    Ok((outlines.into_iter().map(|s| s.start).collect(), summary))
}

/// Runs without recording events, returning each shard's record without its events: where it
/// starts and ends, its output and the words it touches with their values at both ends (what
/// a prover needs of every shard before proving any).
#[instrument(skip_all, fields(program = %program.hash(), shard_cycles))]
pub fn shard_outlines(
    program: &Program,
    input: &[u8],
    options: &ExecutionOptions,
    shard_cycles: u64,
) -> Result<(Vec<ShardRecord>, ExecutionSummary), ExecutionError> {
    let mut shards = Vec::new();
    let summary = run_sharded::<false>(program, input, options, shard_cycles, |s| shards.push(s))?;
    Ok((shards, summary))
}

/// Re-executes one shard from its checkpoint alone (plus the program and the input), producing
/// the same [`ShardRecord`] as the full run.
#[instrument(skip_all, fields(shard = checkpoint.shard))]
pub fn replay_shard(
    program: &Program,
    input: &[u8],
    checkpoint: &Checkpoint,
    shard_cycles: u64,
) -> Result<ShardRecord, ExecutionError> {
    let bad = |reason| ExecutionError::BadCheckpoint { reason };
    let mut m = Machine::empty(program, input, DebugOutput::Discard);
    m.index = program.index_of(checkpoint.pc).ok_or(bad("pc is not an instruction of the program"))?;
    if checkpoint.registers[0] != 0 {
        return Err(bad("x0 is not zero"));
    }
    if checkpoint.clk >= CYCLE_CEILING {
        return Err(bad("clk beyond the cycle ceiling"));
    }
    m.regs[..32].copy_from_slice(&checkpoint.registers);
    m.clk = checkpoint.clk;
    m.input_position = usize::try_from(checkpoint.input_position)
        .ok()
        .filter(|p| *p <= input.len())
        .ok_or(bad("input position beyond the input"))?;
    for word in &checkpoint.memory {
        if !word.addr.is_multiple_of(8) || m.memory.set_word(word.addr, word.value).is_none() {
            return Err(bad("memory word misaligned or outside guest memory"));
        }
    }
    let mut recorder = Recorder::<true>::new(program);
    recorder.restore(checkpoint);
    recorder.begin_shard(&m);
    let limit = checkpoint.clk.saturating_add(shard_cycles).min(CYCLE_CEILING);
    let exit = match m.run(&mut recorder, limit)? {
        Stop::Exit(code) => Some(code),
        Stop::Limit => None,
    };
    Ok(recorder.end_shard(&m, exit))
}
