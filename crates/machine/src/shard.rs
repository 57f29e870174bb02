//! Proving and verifying one shard: a whole run, from the entry point to `exit`, that fits in
//! one set of tables.

use std::sync::Arc;

use hearth_executor::precompiles::Secp256k1Op;
use hearth_executor::{ExecutionOptions, Program, ShardRecord};
use hearth_stark::{Commitment, CpuBackend, ProofParams, ProverBackend, StarkProof, Val};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use serde::{Deserialize, Serialize};
use tracing::{debug, instrument};

use crate::boundary::ShardBoundary;
use crate::chips::stream::Streams;
use crate::chips::{self, Chip, index};
use crate::heights::TableHeights;
use crate::lookups::ByteCounts;
use crate::memory_argument::{MemoryContext, RunMemory, memory_public_values};
use crate::run::RunProof;

/// The longest run one shard proves: timestamps (`4 * clk + 7` at most) stay below 2^24, the
/// range of the 3-byte timestamp differences.
pub const MAX_SHARD_CYCLES: u64 = (1 << 22) - 2;

/// Why a shard could not be proven.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProveError {
    /// The guest faulted or ran out of cycles.
    #[error("execution failed: {0}")]
    Execution(#[from] hearth_executor::ExecutionError),
    /// The run is longer than one shard.
    #[error(
        "the run takes more than {MAX_SHARD_CYCLES} cycles, the most one shard proves; prove it as a run of several shards"
    )]
    TooLong,
    /// The run uses something the machine's tables do not prove yet.
    #[error("pc {pc:#x}: not provable by this machine yet: {what}")]
    Unsupported {
        /// Address of the instruction.
        pc: u64,
        /// What is missing.
        what: String,
    },
    /// The STARK prover failed.
    #[error(transparent)]
    Stark(#[from] hearth_stark::StarkError),
    /// Proving stopped because another shard of the run failed.
    #[error("stopped after another shard failed")]
    Cancelled,
}

/// Why a proof was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The proof is not for the program given.
    #[error("the proof is for another program: {0}")]
    WrongProgram(String),
    /// The proof's shape is not the machine's.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// A public value differs from the one expected.
    #[error("public value mismatch: {0}")]
    PublicValue(String),
    /// The STARK does not verify.
    #[error(transparent)]
    Stark(#[from] hearth_stark::StarkError),
}

pub use hearth_verifier::ProgramDescriptor;

/// What a verified proof establishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicValues {
    /// Hash of the program descriptor.
    pub program_hash: [u8; 32],
    /// The exit code.
    pub exit_code: u32,
    /// Length of the input in bytes (what `input_len` returned to the guest).
    pub input_len: u32,
    /// SHA-256 of the input: the input commitment.
    pub input_commitment: [u8; 32],
    /// The public output: every byte the guest wrote to fd 1, in order.
    pub output: Vec<u8>,
    /// Cycles executed.
    pub cycles: u64,
}

/// A proof of one shard of a run (the run's input is in the [`RunProof`](crate::RunProof)
/// holding it).
#[derive(Serialize, Deserialize)]
pub struct ShardProof {
    /// The program proven.
    pub descriptor: ProgramDescriptor,
    /// The claimed exit code.
    pub exit_code: u32,
    /// The claimed public output.
    pub output: Vec<u8>,
    /// Cycles executed (informational; bound by the CPU table's height only).
    pub cycles: u64,
    /// The machine's tables this proof holds, by index, in order: every table but the
    /// accelerators the run does not call and, unless its input is private, the input table
    /// ([`OPTIONAL_TABLES`]).
    pub tables: Vec<u8>,
    /// Where the shard starts and ends (for a whole run: the entry point with zero registers,
    /// to `exit`).
    pub boundary: ShardBoundary,
    /// The STARK proof of those tables.
    pub stark: StarkProof,
}

impl ShardProof {
    /// `log2` of each machine table's height, `None` for a table the proof leaves out, if the
    /// proof's shape is one the verifier accepts ([`shape_log_heights`]).
    pub fn table_log_heights(&self) -> Result<Vec<Option<usize>>, VerifyError> {
        shape_log_heights(&self.tables, &self.stark.log_heights())
    }

    /// Rows of the proof's memory boundary table, if its shape is accepted and the table holds
    /// the boundary's list. It may be taller than the list needs (padding rows, as a run proven
    /// on the height menu has them): the table's public values and the run's memory argument
    /// take the proof's height.
    pub fn boundary_height(&self) -> Result<usize, VerifyError> {
        let log_height = self.table_log_heights()?[index::MEMORY_BOUNDARY]
            .ok_or_else(|| VerifyError::Malformed("no memory boundary table".into()))?;
        if 1 << log_height < chips::memory_boundary::MemoryBoundaryChip::height(self.boundary.memory.len()) {
            return Err(VerifyError::Malformed("memory boundary table too short for its list".into()));
        }
        Ok(1 << log_height)
    }
}

/// `log2` of each machine table's height, `None` for a table left out, of a shard proof
/// holding `tables` (machine indices) at `2^log_heights` rows. Refuses what no valid shard
/// proof has: tables out of order or unknown, a required table missing (only
/// [`OPTIONAL_TABLES`] may be), byte or register tables off their fixed heights, or a table
/// past 2^24 rows. The one check of a shard's shape, for proofs and for recipes alike.
pub fn shape_log_heights(tables: &[u8], log_heights: &[usize]) -> Result<Vec<Option<usize>>, VerifyError> {
    let malformed = |what: &str| Err(VerifyError::Malformed(what.into()));
    if log_heights.len() != tables.len() {
        return malformed("one height per table expected");
    }
    if tables.windows(2).any(|w| w[0] >= w[1])
        || tables.last().is_some_and(|&t| t as usize >= chips::CHIP_NAMES.len())
    {
        return malformed("tables out of order or unknown");
    }
    let mut all = vec![None; chips::CHIP_NAMES.len()];
    for (&table, &height) in tables.iter().zip(log_heights) {
        all[table as usize] = Some(height);
    }
    if let Some(t) = (0..all.len()).find(|t| all[*t].is_none() && !OPTIONAL_TABLES.contains(t)) {
        return Err(VerifyError::Malformed(format!("no {} table", chips::CHIP_NAMES[t])));
    }
    let register_height = chips::registers::NUM_REGISTERS.trailing_zeros() as usize;
    if all[index::BYTE] != Some(16) || all[index::REGISTERS] != Some(register_height) {
        return malformed("byte or register table of the wrong height");
    }
    if log_heights.iter().any(|&h| h > 24) {
        return malformed("a table taller than 2^24 rows");
    }
    Ok(all)
}

/// Tables a proof leaves out when the run makes no call to them: the accelerators, and the
/// input table unless the shard reads a private input. Every interaction of theirs is gated by
/// a row's `is_real` or multiplicity (or its first and last rows), so a table of padding rows
/// adds nothing to any bus, exactly as an absent table. The accelerators add thousands of
/// columns, all opened at every query.
pub const OPTIONAL_TABLES: [usize; 6] = [
    index::KECCAK_F,
    index::SHA256,
    index::SECP256K1_ADD,
    index::SECP256K1_DOUBLE,
    index::SECP256K1_DECOMPRESS,
    index::INPUT,
];

/// The tables a proof of `record`'s run holds: all but the accelerators it does not call.
fn tables_used(record: &ShardRecord, streams: &Streams) -> Vec<usize> {
    let p = &record.precompiles;
    let secp = |op: Secp256k1Op| p.secp256k1.iter().any(|e| e.op == op);
    let unused = |t: usize| match t {
        index::KECCAK_F => p.keccak_f1600.is_empty(),
        index::SHA256 => p.sha256_compress.is_empty(),
        index::SECP256K1_ADD => !secp(Secp256k1Op::Add),
        index::SECP256K1_DOUBLE => !secp(Secp256k1Op::Double),
        index::SECP256K1_DECOMPRESS => !secp(Secp256k1Op::Decompress),
        index::INPUT => streams.private_input_read().is_empty(),
        _ => false,
    };
    (0..chips::CHIP_NAMES.len()).filter(|&t| !unused(t)).collect()
}

/// The items at `tables` (ascending indices) of `items`.
fn select<T>(items: Vec<T>, tables: &[usize]) -> Vec<T> {
    items.into_iter().enumerate().filter(|(i, _)| tables.contains(i)).map(|(_, item)| item).collect()
}

/// The program's tables, precomputed once per run.
pub(crate) struct ProgramTables {
    entry: u32,
    program_rows: Arc<RowMajorMatrix<u32>>,
    pub(crate) image: chips::memory_image::MemoryImage,
    image_rows: Arc<RowMajorMatrix<u32>>,
}

impl ProgramTables {
    pub(crate) fn of(program: &Program) -> Self {
        let image = chips::memory_image::MemoryImage::of(program);
        Self {
            entry: program.entry() as u32,
            program_rows: Arc::new(chips::program::trace::preprocessed_rows(program)),
            image_rows: Arc::new(image.preprocessed_rows()),
            image,
        }
    }

    /// The addresses the program's image covers.
    pub(crate) fn image_range(&self) -> core::ops::Range<u32> {
        self.image.lo as u32..self.image.hi as u32
    }

    /// The descriptor of a proof of this program with the given table heights and commitment to
    /// the preprocessed tables.
    fn descriptor(
        &self,
        program_log_height: usize,
        image_log_height: usize,
        commitment: &Commitment,
    ) -> ProgramDescriptor {
        ProgramDescriptor {
            entry: self.entry,
            image_lo: self.image.lo as u32,
            image_hi: self.image.hi as u32,
            program_log_height: program_log_height as u8,
            image_log_height: image_log_height as u8,
            preprocessed_commitment: commitment_bytes(commitment),
        }
    }
}

/// The machine's chips for a program (with `None` tables, for a verifier that knows the program
/// by its descriptor only) and a proof's input and output (`None` for shape queries).
pub fn machine_chips(
    boundary: Option<&ShardBoundary>,
    program_rows: Option<Arc<RowMajorMatrix<u32>>>,
    image_rows: Option<Arc<RowMajorMatrix<u32>>>,
    streams: Option<Streams>,
) -> Vec<Chip> {
    vec![
        Chip::Program(chips::program::ProgramChip { rows: program_rows }),
        Chip::Byte(chips::byte::ByteChip),
        Chip::Cpu(chips::cpu::CpuChip),
        Chip::AddSub(chips::add_sub::AddSubChip),
        Chip::Bitwise(chips::bitwise::BitwiseChip),
        Chip::Lt(chips::lt::LtChip),
        Chip::Shift(chips::shift::ShiftChip),
        Chip::Mul(chips::mul::MulChip),
        Chip::DivRem(chips::divrem::DivRemChip),
        Chip::Syscall(chips::syscall::SyscallChip),
        Chip::KeccakF(chips::keccak_f::KeccakFChip),
        Chip::Sha256(chips::sha256::Sha256Chip),
        Chip::Secp256k1(chips::secp256k1::Secp256k1Chip { op: Secp256k1Op::Add }),
        Chip::Secp256k1(chips::secp256k1::Secp256k1Chip { op: Secp256k1Op::Double }),
        Chip::Secp256k1(chips::secp256k1::Secp256k1Chip { op: Secp256k1Op::Decompress }),
        Chip::IoWord(chips::io_word::IoWordChip),
        Chip::Stream(chips::stream::StreamChip { streams }),
        Chip::Registers(chips::registers::RegistersChip { boundary: boundary.cloned() }),
        Chip::MemoryImage(chips::memory_image::MemoryImageChip { rows: image_rows }),
        Chip::MemoryBoundary(chips::memory_boundary::MemoryBoundaryChip::default()),
        Chip::Input(chips::input::InputChip),
    ]
}

fn chips_of(tables: &ProgramTables, streams: &Streams, boundary: &ShardBoundary) -> Vec<Chip> {
    machine_chips(
        Some(boundary),
        Some(tables.program_rows.clone()),
        Some(tables.image_rows.clone()),
        Some(streams.clone()),
    )
}

fn cpu_public_values(exit_code: u32, boundary: &ShardBoundary) -> Vec<Val> {
    let mut values: Vec<Val> = exit_code.to_le_bytes().map(Val::from_u8).to_vec();
    values.extend([boundary.pc_in, boundary.pc_out, u32::from(boundary.halted)].map(Val::from_u32));
    values
}

fn all_public_values(
    exit_code: u32,
    streams: &Streams,
    boundary: &ShardBoundary,
    context: &MemoryContext,
    boundary_height: usize,
) -> Vec<Vec<Val>> {
    let mut pvs = vec![Vec::new(); chips::CHIP_NAMES.len()];
    use p3_air::BaseAir;
    let digest = |columns: &[Vec<Val>]| hearth_stark::config::periodic_digest(columns).to_vec();
    let registers = chips::registers::RegistersChip { boundary: Some(boundary.clone()) };
    pvs[index::REGISTERS] = digest(&BaseAir::<Val>::periodic_columns(&registers));
    pvs[index::MEMORY_BOUNDARY] = memory_public_values(&boundary.memory, context, boundary_height);
    pvs[index::CPU] = cpu_public_values(exit_code, boundary);
    pvs[index::SYSCALL] = vec![Val::from_u32(streams.input.len() as u32)];
    pvs[index::STREAM] = stream_digest(streams).to_vec();
    pvs
}

/// The digest of a shard's stream table's periodic columns (its input bytes read and output).
pub fn stream_digest(streams: &Streams) -> [Val; hearth_stark::config::DIGEST_ELEMS] {
    use p3_air::BaseAir;
    let stream = chips::stream::StreamChip { streams: Some(streams.clone()) };
    hearth_stark::config::periodic_digest(&BaseAir::<Val>::periodic_columns(&stream))
}

/// Rows of the memory boundary table of a shard listing `len` words, at `heights`.
pub(crate) fn boundary_height(len: usize, heights: TableHeights) -> usize {
    heights.rows(index::MEMORY_BOUNDARY, chips::memory_boundary::MemoryBoundaryChip::height(len))
}

/// The memory argument of a run that is one shard: its context.
fn single_shard_context(
    boundary: &ShardBoundary,
    streams: &Streams,
    image: &core::ops::Range<u32>,
) -> MemoryContext {
    let height = chips::memory_boundary::MemoryBoundaryChip::height(boundary.memory.len());
    let run = RunMemory::of(&[&boundary.memory], &[height], &[Some(stream_digest(streams))], image);
    run.contexts.into_iter().next().unwrap_or(MemoryContext {
        stamp: 1,
        prev: Vec::new().into(),
        challenges: run.challenges,
    })
}

/// The longest input and output a proof holds: counts are proven below 2^30.
pub const MAX_STREAM_BYTES: usize = (1 << 30) - 1;

/// The input and output of a shard, checked against [`MAX_STREAM_BYTES`] (the input bytes read
/// in the input table when `private_input`).
pub(crate) fn streams_of(
    input: &[u8],
    input_read: core::ops::Range<usize>,
    output: &[u8],
    output_start: usize,
    private_input: bool,
) -> Result<Streams, ProveError> {
    if input.len() > MAX_STREAM_BYTES || output_start + output.len() > MAX_STREAM_BYTES {
        return Err(ProveError::Unsupported { pc: 0, what: "an input or output of 1 GiB or more".into() });
    }
    Ok(Streams { input: input.into(), input_read, output: output.into(), output_start, private_input })
}

fn commitment_bytes(c: &Commitment) -> Vec<u8> {
    postcard::to_allocvec(c).unwrap_or_default()
}

/// Runs `program` on `input` and proves the run as one shard with the given parameters.
pub fn prove_shard(program: &Program, input: &[u8], params: &ProofParams) -> Result<RunProof, ProveError> {
    prove_shard_with(&CpuBackend, program, input, params)
}

/// Runs `program` on `input` and proves the run on `backend`.
#[instrument(skip_all, fields(params = %params.name))]
pub fn prove_shard_with<B: ProverBackend>(
    backend: &B,
    program: &Program,
    input: &[u8],
    params: &ProofParams,
) -> Result<RunProof, ProveError> {
    prove_tampered(backend, program, input, params, |_| ())
}

/// Proves a run after `tamper` has edited its traces: the way soundness tests forge witnesses.
/// Honest provers pass a no-op.
#[doc(hidden)]
pub fn prove_tampered<B: ProverBackend>(
    backend: &B,
    program: &Program,
    input: &[u8],
    params: &ProofParams,
    tamper: impl FnOnce(&mut [RowMajorMatrix<Val>]),
) -> Result<RunProof, ProveError> {
    prove_forged(backend, program, input, None, params, tamper)
}

/// [`prove_tampered`] that also claims `claimed_output` (when given) as the public output, with
/// the stream table built for that claim: the way soundness tests forge an output.
#[doc(hidden)]
pub fn prove_forged<B: ProverBackend>(
    backend: &B,
    program: &Program,
    input: &[u8],
    claimed_output: Option<Vec<u8>>,
    params: &ProofParams,
    tamper: impl FnOnce(&mut [RowMajorMatrix<Val>]),
) -> Result<RunProof, ProveError> {
    prove_leaving_out(backend, program, input, claimed_output, params, tamper, &[])
}

/// [`prove_forged`] that also leaves the tables `left_out` out of the proof, used or not: the
/// way soundness tests drop a table.
#[doc(hidden)]
pub fn prove_leaving_out<B: ProverBackend>(
    backend: &B,
    program: &Program,
    input: &[u8],
    claimed_output: Option<Vec<u8>>,
    params: &ProofParams,
    tamper: impl FnOnce(&mut [RowMajorMatrix<Val>]),
    left_out: &[usize],
) -> Result<RunProof, ProveError> {
    let (tables, mut prepared) = prepare_single(program, input, claimed_output, false)?;
    prepared.used.retain(|t| !left_out.contains(t));
    tamper(&mut prepared.traces);
    let shard = prove_prepared(backend, params, &tables, prepared)?;
    Ok(RunProof { input: input.to_vec(), shards: vec![shard] })
}

/// Proves a prepared shard.
pub(crate) fn prove_prepared<B: ProverBackend>(
    backend: &B,
    params: &ProofParams,
    tables: &ProgramTables,
    prepared: Prepared,
) -> Result<ShardProof, ProveError> {
    let Prepared { exit_code, cycles, streams, traces, used, boundary, context } = prepared;
    let (program_height, image_height, boundary_height) = (
        traces[index::PROGRAM].height(),
        traces[index::MEMORY_IMAGE].height(),
        traces[index::MEMORY_BOUNDARY].height(),
    );
    let chips = select(chips_of(tables, &streams, &boundary), &used);
    let traces = select(traces, &used);
    let public_values =
        select(all_public_values(exit_code, &streams, &boundary, &context, boundary_height), &used);
    debug!(params = %params.name, tables = used.len(), "proving");
    let start = std::time::Instant::now();
    let proven = backend.prove(params, &chips, &traces, &public_values)?;
    debug!(elapsed_ms = start.elapsed().as_millis() as u64, "proved");
    let commitment = proven
        .preprocessed
        .ok_or_else(|| hearth_stark::StarkError::Shape("no preprocessed tables".into()))?;
    let log2 = |h: usize| h.trailing_zeros() as usize;
    let descriptor = tables.descriptor(log2(program_height), log2(image_height), &commitment);
    Ok(ShardProof {
        descriptor,
        exit_code,
        output: streams.output.to_vec(),
        cycles,
        tables: used.iter().map(|&t| t as u8).collect(),
        boundary,
        stark: proven.proof,
    })
}

/// The run's input, and whether its shards keep the bytes they read private
/// ([`Streams::private_input`]).
#[derive(Clone, Copy)]
pub(crate) struct RunInput<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) private: bool,
}

/// A run executed and its traces generated, ready to prove.
pub(crate) struct Prepared {
    /// The run's exit code if the shard halts (0 otherwise).
    pub(crate) exit_code: u32,
    pub(crate) cycles: u64,
    pub(crate) streams: Streams,
    /// Every table's trace, proven or not.
    pub(crate) traces: Vec<RowMajorMatrix<Val>>,
    /// The tables the proof holds.
    pub(crate) used: Vec<usize>,
    /// Where the shard starts and ends.
    pub(crate) boundary: ShardBoundary,
    /// Its place in the run's memory argument.
    pub(crate) context: MemoryContext,
}

/// Generates a shard's traces from its record, with `claimed_output` (when given) in place of
/// the output the shard wrote, at its place `context` in the run's memory argument (`None`: the
/// run is this one shard, at its natural heights), its tables at `heights` (the context's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn prepare_shard(
    program: &Program,
    tables: &ProgramTables,
    mut record: ShardRecord,
    input: RunInput<'_>,
    output_start: usize,
    claimed_output: Option<Vec<u8>>,
    context: Option<&MemoryContext>,
    heights: TableHeights,
) -> Result<Prepared, ProveError> {
    let RunInput { bytes: input, private: private_input } = input;
    record.rebase_to_shard_start();
    let input_read = record.start.input_position as usize..record.end.input_position as usize;
    let output = claimed_output.as_deref().unwrap_or(&record.output);
    let streams = streams_of(input, input_read, output, output_start, private_input)?;
    let (boundary, final_timestamps) = ShardBoundary::of(&record, &tables.image, output_start as u64);
    let context = match context {
        Some(context) => context.clone(),
        None => single_shard_context(&boundary, &streams, &tables.image_range()),
    };
    if context.prev.len() != boundary.memory.len() {
        return Err(ProveError::Unsupported {
            pc: record.start.pc,
            what: "a memory context for another shard".into(),
        });
    }
    let traces =
        generate_traces(program, tables, &record, &streams, &boundary, &final_timestamps, &context, heights)?;
    let used = tables_used(&record, &streams);
    Ok(Prepared {
        exit_code: record.end.exit_code.unwrap_or(0),
        cycles: record.cycles(),
        streams,
        traces,
        used,
        boundary,
        context,
    })
}

/// Generates every table's trace for a shard record, at `heights`.
#[instrument(skip_all)]
#[allow(clippy::too_many_arguments)]
fn generate_traces(
    program: &Program,
    tables: &ProgramTables,
    record: &ShardRecord,
    streams: &Streams,
    boundary: &ShardBoundary,
    final_timestamps: &[u64],
    context: &MemoryContext,
    heights: TableHeights,
) -> Result<Vec<RowMajorMatrix<Val>>, ProveError> {
    let start = std::time::Instant::now();
    let mut counts = ByteCounts::default();
    let (cpu, out) = chips::cpu::generate_trace::<Val>(record, &mut counts)?;
    let program_trace =
        chips::program::generate_trace::<Val>(program, tables.program_rows.height(), &out.executed);
    let (syscall, syscalls) = chips::syscall::generate_trace::<Val>(
        record,
        streams.input.len() as u64,
        [record.start.input_position, streams.output_start as u64],
        heights,
        &mut counts,
    )?;
    let ecalls = chips::syscall::Ecalls::of(record);
    let keccak_f = chips::keccak_f::generate_trace(record, &ecalls, heights, &mut counts)?;
    let sha256 = chips::sha256::generate_trace(record, &ecalls, &mut counts)?;
    let [secp256k1_add, secp256k1_double, secp256k1_decompress] =
        [Secp256k1Op::Add, Secp256k1Op::Double, Secp256k1Op::Decompress]
            .map(|op| chips::secp256k1::generate_trace(op, record, &ecalls, heights, &mut counts));
    let io_word = chips::io_word::generate_trace::<Val>(record, &syscalls.transfers, heights, &mut counts)?;
    let stream = chips::stream::generate_trace::<Val>(streams);
    let input = chips::input::generate_trace::<Val>(streams, &mut counts);
    // Division first: it sends requests of its own to the add and comparison tables.
    let (divrem, requests) = chips::divrem::generate_trace::<Val>(&out.alu_events, heights, &mut counts);
    let mut alu_events = out.alu_events;
    alu_events.extend(requests);
    alu_events.extend(syscalls.alu_events);
    let add_sub = chips::add_sub::generate_trace::<Val>(&alu_events, heights, &mut counts);
    let bitwise = chips::bitwise::generate_trace::<Val>(&alu_events, heights, &mut counts);
    let lt = chips::lt::generate_trace::<Val>(&alu_events, heights, &mut counts);
    let shift = chips::shift::generate_trace::<Val>(&alu_events, heights, &mut counts);
    let mul = chips::mul::generate_trace::<Val>(&alu_events, heights, &mut counts);
    let registers =
        chips::registers::generate_trace::<Val>(record, boundary, syscalls.positions.map(|(_, ts)| ts));

    let image = chips::memory_image::generate_trace::<Val>(
        &tables.image,
        boundary.memory.iter().filter(|w| w.from_image).map(|w| u64::from(w.addr)),
    );
    let boundary_height = boundary_height(boundary.memory.len(), heights);
    let memory_boundary = chips::memory_boundary::generate_trace(
        &boundary.memory,
        final_timestamps,
        context,
        boundary_height,
        &mut counts,
    );
    let byte = chips::byte::generate_trace::<Val>(&counts);
    debug!(
        cycles = record.instructions.len(),
        elapsed_ms = start.elapsed().as_millis() as u64,
        "traces generated"
    );
    let traces = vec![
        program_trace,
        byte,
        cpu,
        add_sub,
        bitwise,
        lt,
        shift,
        mul,
        divrem,
        syscall,
        keccak_f,
        sha256,
        secp256k1_add?,
        secp256k1_double?,
        secp256k1_decompress?,
        io_word,
        stream,
        registers,
        image,
        memory_boundary,
        input,
    ];
    Ok(traces)
}

/// The descriptor every shard proof of `program` under `params` carries; its hash is the
/// program hash a verifier is given.
pub fn program_descriptor(program: &Program, params: &ProofParams) -> Result<ProgramDescriptor, VerifyError> {
    use p3_air::BaseAir;
    let tables = ProgramTables::of(program);
    let log2 = |h: usize| h.trailing_zeros() as usize;
    let chips = machine_chips(None, Some(tables.program_rows.clone()), Some(tables.image_rows.clone()), None);
    // The commitment covers the tables with preprocessed rows (program, image, byte), which
    // every shard holds, at their preprocessed heights.
    let (chips, heights): (Vec<Chip>, Vec<usize>) = chips
        .into_iter()
        .filter_map(|chip| {
            let height = BaseAir::<Val>::preprocessed_trace(&chip)?.height();
            Some((chip, log2(height)))
        })
        .unzip();
    let commitment = hearth_stark::preprocessed_commitment(params, &chips, &heights)?
        .ok_or_else(|| VerifyError::Malformed("no preprocessed tables".into()))?;
    Ok(tables.descriptor(log2(tables.program_rows.height()), log2(tables.image_rows.height()), &commitment))
}

/// How the verifier knows the program.
#[derive(Clone, Copy)]
pub enum ProgramSource<'a> {
    /// From its ELF: the verifier rebuilds the preprocessed tables.
    Elf(&'a Program),
    /// From its hash only: the proof's descriptor must hash to it.
    Hash([u8; 32]),
}

/// How the verifier knows the program: its tables, rebuilt once from the ELF (with the
/// descriptors already checked against them), or its hash.
pub(crate) enum Known {
    Tables { tables: Box<ProgramTables>, checked: std::sync::Mutex<Vec<(ProofParams, ProgramDescriptor)>> },
    Hash([u8; 32]),
}

impl Known {
    pub(crate) fn of(program: ProgramSource<'_>) -> Self {
        match program {
            ProgramSource::Elf(program) => {
                Self::Tables { tables: Box::new(ProgramTables::of(program)), checked: Default::default() }
            }
            ProgramSource::Hash(hash) => Self::Hash(hash),
        }
    }

    /// The commitment to the preprocessed tables a shard proof must be checked against, once its
    /// descriptor is the program's. Committing to the program's tables costs as much as a large
    /// table's proving step, so each (parameters, descriptor) pair is checked once per run.
    fn commitment_for(&self, proof: &ShardProof, heights: &[usize]) -> Result<Commitment, VerifyError> {
        let d = &proof.descriptor;
        match self {
            Self::Tables { tables, checked } => {
                let params = &proof.stark.params;
                let seen = checked.lock().is_ok_and(|c| c.iter().any(|(p, known)| p == params && known == d));
                if !seen {
                    let (program_height, image_height) =
                        (d.program_log_height as usize, d.image_log_height as usize);
                    if tables.program_rows.height() != 1 << program_height
                        || tables.image_rows.height() != 1 << image_height
                    {
                        return Err(VerifyError::WrongProgram(
                            "table heights differ from the program's".into(),
                        ));
                    }
                    let used: Vec<usize> = proof.tables.iter().map(|&t| t as usize).collect();
                    let chips = select(chips_of(tables, &Streams::default(), &proof.boundary), &used);
                    let ours = hearth_stark::preprocessed_commitment(params, &chips, heights)?
                        .ok_or_else(|| VerifyError::Malformed("no preprocessed tables".into()))?;
                    if &tables.descriptor(program_height, image_height, &ours) != d {
                        return Err(VerifyError::WrongProgram(
                            "the descriptor differs from the program's".into(),
                        ));
                    }
                    if let Ok(mut checked) = checked.lock() {
                        checked.push((params.clone(), d.clone()));
                    }
                }
            }
            Self::Hash(hash) => {
                if d.hash() != *hash {
                    return Err(VerifyError::WrongProgram(format!(
                        "program hash 0x{}",
                        hex::encode(d.hash())
                    )));
                }
            }
        }
        if !d.image_lo.is_multiple_of(8)
            || d.image_hi <= d.image_lo
            || (d.image_hi as u64) > hearth_isa::memory::MEMORY_TOP
            || (d.image_lo as u64) < hearth_isa::memory::GUARD_END + 8
        {
            return Err(VerifyError::Malformed("image range".into()));
        }
        postcard::from_bytes(&d.preprocessed_commitment)
            .map_err(|e| VerifyError::Malformed(format!("commitment: {e}")))
    }
}

/// What a shard proof's STARK must be verified against: the tables (with the verifier's
/// periodic columns for its claimed boundary, input and output), their public values, and
/// the program's preprocessed commitment.
pub struct ShardStatement {
    /// The tables the proof holds, in proof order.
    pub chips: Vec<Chip>,
    /// Their public values.
    pub public_values: Vec<Vec<Val>>,
    /// The commitment to the program's preprocessed tables at the proof's heights.
    pub commitment: Commitment,
}

/// The statement a shard proof of `program` on `input` must prove, after the checks of its
/// claimed shape that need no STARK (a recursive verifier checks the STARK against it).
/// `context` is the shard's place in its run's memory argument ([`crate::run_memory`]).
pub fn shard_statement(
    proof: &ShardProof,
    input: &[u8],
    program: ProgramSource<'_>,
    context: &MemoryContext,
) -> Result<ShardStatement, VerifyError> {
    statement(proof, input, &Known::of(program), context)
}

/// [`shard_statement`] of every shard of `run`, each at its place in `contexts`. The program's
/// preprocessed commitment, which costs as much as proving a large table, is computed once for
/// the run instead of once per shard.
pub fn shard_statements(
    run: &RunProof,
    program: ProgramSource<'_>,
    contexts: &[MemoryContext],
) -> Result<Vec<ShardStatement>, VerifyError> {
    if contexts.len() != run.shards.len() {
        return Err(VerifyError::Malformed("one memory context per shard expected".into()));
    }
    let known = Known::of(program);
    run.shards
        .iter()
        .zip(contexts)
        .map(|(shard, context)| statement(shard, &run.input, &known, context))
        .collect()
}

/// Verifies one shard's STARK for its claimed boundary, input and output, at its place
/// `context` in the run's memory argument.
pub(crate) fn verify_statement(
    proof: &ShardProof,
    input: &[u8],
    known: &Known,
    context: &MemoryContext,
) -> Result<(), VerifyError> {
    let ShardStatement { chips, public_values, commitment } = statement(proof, input, known, context)?;
    hearth_stark::verify(&chips, &proof.stark, &public_values, Some(commitment))?;
    Ok(())
}

/// The input and output a shard proof claims, checked against the run's input.
pub(crate) fn shard_streams(proof: &ShardProof, input: &[u8]) -> Result<Streams, VerifyError> {
    let b = &proof.boundary;
    if !b.is_well_formed() {
        return Err(VerifyError::Malformed("malformed boundary".into()));
    }
    let output_start = b.registers_in[33] as usize;
    if input.len() > MAX_STREAM_BYTES || output_start + proof.output.len() > MAX_STREAM_BYTES {
        return Err(VerifyError::Malformed("input or output too long".into()));
    }
    let input_read = b.registers_in[32] as usize..b.registers_out[32] as usize;
    if input_read.start > input_read.end || input_read.end > input.len() {
        return Err(VerifyError::Malformed("input positions outside the input".into()));
    }
    // A proof with an input table keeps its input private; without one, a shard proven so reads
    // nothing, and its stream table is the same either way.
    let private_input = proof.tables.contains(&(index::INPUT as u8));
    Ok(Streams {
        input: input.into(),
        input_read,
        output: proof.output.as_slice().into(),
        output_start,
        private_input,
    })
}

fn statement(
    proof: &ShardProof,
    input: &[u8],
    known: &Known,
    context: &MemoryContext,
) -> Result<ShardStatement, VerifyError> {
    let all_heights = proof.table_log_heights()?;
    let used: Vec<usize> = proof.tables.iter().map(|&t| t as usize).collect();
    let height = |t: usize| all_heights[t].unwrap_or(0);
    let heights: Vec<usize> = all_heights.iter().flatten().copied().collect();
    let d = &proof.descriptor;
    if height(index::PROGRAM) != d.program_log_height as usize
        || height(index::MEMORY_IMAGE) != d.image_log_height as usize
    {
        return Err(VerifyError::Malformed("table heights differ from the descriptor's".into()));
    }
    let b = &proof.boundary;
    let streams = shard_streams(proof, input)?;
    if 1 << height(index::STREAM) != streams.height() {
        return Err(VerifyError::Malformed("stream table of the wrong height".into()));
    }
    let boundary_height = proof.boundary_height()?;
    if context.prev.len() != b.memory.len() {
        return Err(VerifyError::Malformed("a memory context for another shard".into()));
    }
    let commitment = known.commitment_for(proof, &heights)?;
    let chips = select(machine_chips(Some(b), None, None, Some(streams.clone())), &used);
    let public_values =
        select(all_public_values(proof.exit_code, &streams, b, context, boundary_height), &used);
    Ok(ShardStatement { chips, public_values, commitment })
}

/// Width, constraint count, degree and lookups of the machine's tables at the given heights
/// (`None` for a table left out).
pub fn machine_shapes(
    params: &ProofParams,
    log_heights: &[Option<usize>],
) -> Result<Vec<hearth_stark::TableShape>, VerifyError> {
    if log_heights.len() != chips::CHIP_NAMES.len() {
        return Err(VerifyError::Malformed("one height per table expected".into()));
    }
    let used: Vec<usize> = (0..log_heights.len()).filter(|&t| log_heights[t].is_some()).collect();
    let chips = select(machine_chips(None, None, None, None), &used);
    let names: Vec<String> = used.iter().map(|&t| chips::CHIP_NAMES[t].to_string()).collect();
    let heights: Vec<usize> = log_heights.iter().flatten().copied().collect();
    Ok(hearth_stark::table_shapes(&names, &chips, &heights, params)?)
}

/// The tables of shard proofs holding `tables` (machine indices, ascending) at `2^log_heights`
/// rows, with placeholder data: what a program verifying such proofs is built from. The
/// shard's data (registers and streams) are that program's inputs, so only their sizes count:
/// the stream table's periodic columns are as long as the table.
pub fn chips_for_shape(tables: &[u8], log_heights: &[usize]) -> Result<Vec<Chip>, VerifyError> {
    let heights = shape_log_heights(tables, log_heights)?;
    let stream_rows = heights[index::STREAM].map(|h| 1usize << h);
    let streams = stream_rows.map(|rows| Streams {
        input: Arc::from(Vec::new()),
        input_read: 0..0,
        output: Arc::from(vec![0u8; rows]),
        output_start: 0,
        private_input: true,
    });
    if let (Some(streams), Some(rows)) = (&streams, stream_rows)
        && streams.height() != rows
    {
        return Err(VerifyError::Malformed("a stream table shorter than the smallest".into()));
    }
    let used: Vec<usize> = tables.iter().map(|&t| t as usize).collect();
    Ok(select(machine_chips(None, None, None, streams), &used))
}

/// The work a verifier does for one shard proof (see [`hearth_stark::VerifierWork`]): what a
/// recursive verifier of this machine's proofs must reproduce.
pub fn shard_verifier_work(proof: &ShardProof) -> Result<hearth_stark::VerifierWork, VerifyError> {
    let heights = proof.table_log_heights()?;
    let used: Vec<usize> = (0..heights.len()).filter(|&t| heights[t].is_some()).collect();
    let chips = select(machine_chips(None, None, None, None), &used);
    Ok(hearth_stark::verifier_work(&chips, &proof.stark)?)
}

/// Provable security of a proof of this machine with the given table heights (`None` for a
/// table left out), in both regimes.
pub fn machine_security(
    params: &ProofParams,
    log_heights: &[Option<usize>],
) -> Result<[hearth_stark::security::RegimeReport; 2], VerifyError> {
    let shapes = machine_shapes(params, log_heights)?;
    let inputs = hearth_stark::security_inputs(&shapes, params);
    hearth_stark::security::security_levels(&inputs)
        .map_err(|e| VerifyError::Malformed(format!("security: {e}")))
}

/// Executes `program` and generates every table's trace without proving (benchmarks time
/// this stage on its own).
pub fn shard_traces(program: &Program, input: &[u8]) -> Result<Vec<RowMajorMatrix<Val>>, ProveError> {
    Ok(shard_witness(program, input)?.traces)
}

/// Everything a proof of a run is about, before proving: the tables, their traces and public
/// values. Soundness tests and [`crate::check`] work on it.
pub struct ShardWitness {
    /// The machine's tables for the program.
    pub chips: Vec<Chip>,
    /// One trace per table.
    pub traces: Vec<RowMajorMatrix<Val>>,
    /// Public values per table.
    pub public_values: Vec<Vec<Val>>,
}

/// Executes `program` and builds the witness of its proof.
pub fn shard_witness(program: &Program, input: &[u8]) -> Result<ShardWitness, ProveError> {
    witness_of(program, input, false)
}

/// [`shard_witness`] with the input private (in the input table, as shards proven for
/// aggregation hold it).
pub fn shard_witness_with_private_input(program: &Program, input: &[u8]) -> Result<ShardWitness, ProveError> {
    witness_of(program, input, true)
}

fn witness_of(program: &Program, input: &[u8], private_input: bool) -> Result<ShardWitness, ProveError> {
    // Every table, the unused accelerators' padding included: the checks cover them too.
    let (tables, Prepared { exit_code, streams, traces, boundary, context, .. }) =
        prepare_single(program, input, None, private_input)?;
    let boundary_height = traces[index::MEMORY_BOUNDARY].height();
    let public_values = all_public_values(exit_code, &streams, &boundary, &context, boundary_height);
    Ok(ShardWitness { chips: chips_of(&tables, &streams, &boundary), traces, public_values })
}

/// Executes a run that fits in one shard and prepares its proof (with `claimed_output`, when
/// given, in place of the output the run wrote).
fn prepare_single(
    program: &Program,
    input: &[u8],
    claimed_output: Option<Vec<u8>>,
    private_input: bool,
) -> Result<(ProgramTables, Prepared), ProveError> {
    let start = std::time::Instant::now();
    let record = trace_single_shard(program, input)?;
    debug!(cycles = record.cycles(), elapsed_ms = start.elapsed().as_millis() as u64, "executed");
    let tables = ProgramTables::of(program);
    let prepared = prepare_shard(
        program,
        &tables,
        record,
        RunInput { bytes: input, private: private_input },
        0,
        claimed_output,
        None,
        TableHeights::Natural,
    )?;
    Ok((tables, prepared))
}

/// Runs `program` on `input` in trace mode, as one shard or not at all.
fn trace_single_shard(program: &Program, input: &[u8]) -> Result<ShardRecord, ProveError> {
    let options = ExecutionOptions { max_cycles: MAX_SHARD_CYCLES + 1, ..Default::default() };
    let (mut shards, _) = match hearth_executor::trace(program, input, &options, MAX_SHARD_CYCLES) {
        Err(hearth_executor::ExecutionError::CycleLimit { .. }) => return Err(ProveError::TooLong),
        other => other?,
    };
    match shards.pop() {
        Some(record) if shards.is_empty() => Ok(record),
        _ => Err(ProveError::TooLong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shard shape with every required table, at plausible heights.
    fn required_shape() -> (Vec<u8>, Vec<usize>) {
        let tables: Vec<u8> =
            (0..chips::CHIP_NAMES.len()).filter(|t| !OPTIONAL_TABLES.contains(t)).map(|t| t as u8).collect();
        let heights = tables
            .iter()
            .map(|&t| match t as usize {
                index::BYTE => 16,
                index::REGISTERS => chips::registers::NUM_REGISTERS.trailing_zeros() as usize,
                _ => 10,
            })
            .collect();
        (tables, heights)
    }

    #[test]
    fn shapes_the_native_verifier_refuses_give_no_tables() {
        let (tables, heights) = required_shape();
        let chips = chips_for_shape(&tables, &heights).expect("a well-formed shape");
        assert_eq!(chips.len(), tables.len());
        let stream = tables.iter().position(|&t| t as usize == index::STREAM).expect("a stream table");
        let periodic = p3_air::BaseAir::<Val>::periodic_columns(&chips[stream]);
        assert!(periodic.iter().all(|c| c.len() == 1 << heights[stream]), "stream data as tall as the table");

        let refused = |tables: &[u8], heights: &[usize]| chips_for_shape(tables, heights).is_err();
        let cpu = tables.iter().position(|&t| t as usize == index::CPU).expect("cpu");
        let (mut fewer, mut fewer_heights) = (tables.clone(), heights.clone());
        fewer.remove(cpu);
        fewer_heights.remove(cpu);
        assert!(refused(&fewer, &fewer_heights), "a required table left out");
        let byte = tables.iter().position(|&t| t as usize == index::BYTE).expect("byte");
        let mut short_byte = heights.clone();
        short_byte[byte] = 15;
        assert!(refused(&tables, &short_byte), "a byte table of another height");
        let mut tall = heights.clone();
        tall[cpu] = 25;
        assert!(refused(&tables, &tall), "a table past 2^24 rows");
        let mut swapped = tables.clone();
        swapped.swap(0, 1);
        assert!(refused(&swapped, &heights), "tables out of order");
        assert!(refused(&tables, &heights[1..]), "a height missing");
        let mut unknown = tables.clone();
        unknown.push(chips::CHIP_NAMES.len() as u8);
        let mut one_more = heights.clone();
        one_more.push(10);
        assert!(refused(&unknown, &one_more), "an unknown table");
    }
}
