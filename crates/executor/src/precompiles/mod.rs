//! Syscall semantics: host I/O and the accelerators.
//!
//! Each accelerator is one module with its semantics, its event type (what the prover's chip for
//! it will consume) and its size in that chip's trace. Adding one means a module here, a variant in
//! [`PrecompileEvent`] and an arm in [`dispatch`], next to its [`Syscall`] number in `hearth-isa`.

mod io;
pub mod keccak;
pub mod secp256k1;
pub mod sha256;

use hearth_isa::Syscall;

use crate::{error::ExecutionError, machine::Machine, tracer::Tracer};

pub use keccak::KeccakF1600Event;
pub use secp256k1::{Secp256k1Event, Secp256k1Op};
pub use sha256::Sha256CompressEvent;

/// One accelerator call, as handed to the trace recorder.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PrecompileEvent {
    /// A Keccak-f\[1600\] permutation.
    KeccakF1600(KeccakF1600Event),
    /// A SHA-256 compression.
    Sha256Compress(Sha256CompressEvent),
    /// A secp256k1 point addition, doubling or decompression.
    Secp256k1(Secp256k1Event),
}

/// A shard's accelerator calls, one vector per accelerator (what each prover chip consumes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrecompileEvents {
    /// Keccak-f\[1600\] permutations.
    pub keccak_f1600: Vec<KeccakF1600Event>,
    /// SHA-256 compressions.
    pub sha256_compress: Vec<Sha256CompressEvent>,
    /// secp256k1 point operations.
    pub secp256k1: Vec<Secp256k1Event>,
}

impl PrecompileEvents {
    /// Files `event` under its accelerator.
    pub(crate) fn push(&mut self, event: PrecompileEvent) {
        match event {
            PrecompileEvent::KeccakF1600(e) => self.keccak_f1600.push(e),
            PrecompileEvent::Sha256Compress(e) => self.sha256_compress.push(e),
            PrecompileEvent::Secp256k1(e) => self.secp256k1.push(e),
        }
    }

    /// Total calls.
    pub fn len(&self) -> usize {
        self.keccak_f1600.len() + self.sha256_compress.len() + self.secp256k1.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Runs `syscall` (whose number was already read from `a7`). Returns the exit code if it halted.
pub(crate) fn dispatch<T: Tracer>(
    m: &mut Machine<'_>,
    t: &mut T,
    syscall: Syscall,
) -> Result<Option<u32>, ExecutionError> {
    match syscall {
        Syscall::Exit => return Ok(Some(io::exit(m, t))),
        Syscall::Read => io::read(m, t)?,
        Syscall::Write => io::write(m, t)?,
        Syscall::InputLen => io::input_len(m, t),
        Syscall::ProfileScope => io::profile_scope(m, t),
        Syscall::KeccakF1600 => keccak::execute(m, t)?,
        Syscall::Sha256Compress => sha256::execute(m, t)?,
        Syscall::Secp256k1Add => secp256k1::add(m, t)?,
        Syscall::Secp256k1Double => secp256k1::double(m, t)?,
        Syscall::Secp256k1Decompress => secp256k1::decompress(m, t)?,
    }
    Ok(None)
}

/// A syscall argument error at the current pc.
fn invalid(m: &Machine<'_>, syscall: Syscall, reason: &'static str) -> ExecutionError {
    ExecutionError::InvalidSyscallArgument { pc: m.pc(), syscall, reason }
}
