//! Hearth's RV64IM machine as a set of AIR tables proven together in one batch STARK, and the
//! shard prover and verifier built on them.
//!
//! # Limbs
//! Words are 8 little-endian **byte** limbs. KoalaBear's `p < 2^31` rules out 16-bit limbs
//! for multiplication (a product of two is already `2^32`), while bytes keep every sum of
//! limb products far below `p`, and one 2^16-row preprocessed byte table answers range checks,
//! bitwise operations, byte comparisons and sign bits alike.
//!
//! # Tables and buses
//! - `program` (preprocessed) ← `cpu` looks up each executed instruction;
//! - `cpu` → ALU bus → `add_sub`, `bitwise`, `lt`;
//! - `cpu` ↔ register and memory buses ↔ `registers`, `memory_image`, `memory_boundary`
//!   (offline memory checking with timestamped tokens);
//! - `cpu` → syscall bus → `syscall` (every `ecall` but `exit` and the accelerators) and
//!   the accelerators: `keccak_f` (Keccak-f\[1600\] on 25 memory words), `sha256` (one
//!   compression of a memory block into a memory state) and `secp256k1_add`,
//!   `secp256k1_double`, `secp256k1_decompress` (points in memory, arithmetic on byte limbs in
//!   [`modular`]); a proof leaves out the accelerator tables a run does not call; `read` and
//!   `write` walk their
//!   buffers in `io_word` (memory side) against `stream`, the input and output bytes, whose
//!   columns the verifier computes from the bytes;
//! - everyone → `byte` (preprocessed) for range checks and byte facts.
//!
//! Each chip's `air.rs` states why its constraints are sound.

mod cols;

pub mod boundary;

pub mod bus;
pub mod check;
pub mod chips;
pub mod final_list;
pub mod heights;
mod list_table;
pub mod lookups;
pub mod memory_argument;
pub mod modular;
pub mod run;
pub mod shard;

pub use run::{
    DEFAULT_SHARD_CYCLES, RunObserver, RunOptions, RunPlan, RunProof, RunProver, RunReport, ShardReport,
    ShardStore, ShardTask, default_memory_budget, prove_run, run_memory, verify_run,
};
pub use shard::{
    MAX_SHARD_CYCLES, MAX_STREAM_BYTES, OPTIONAL_TABLES, ProgramDescriptor, ProgramSource, ProveError,
    PublicValues, ShardProof, ShardStatement, ShardWitness, VerifyError, chips_for_shape, machine_chips,
    machine_security, machine_shapes, program_descriptor, prove_forged, prove_leaving_out, prove_shard,
    prove_shard_with, prove_tampered, shape_log_heights, shard_statement, shard_statements, shard_traces,
    shard_verifier_work, shard_witness, shard_witness_with_private_input,
};
