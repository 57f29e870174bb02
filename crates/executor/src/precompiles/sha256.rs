//! The SHA-256 compression accelerator.
//!
//! One compression of a 64-byte block into the eight-word state: a fixed-shape operation for a
//! prover chip. Padding and chaining stay in guest code (`guest/accel`).

use hearth_isa::Syscall;

use super::{PrecompileEvent, invalid};
use crate::{
    error::ExecutionError,
    machine::{A0, Machine},
    tracer::{SyscallReport, Tracer, slot},
};

const A1: u8 = 11;
/// Bytes of state: eight 32-bit words in the guest's (little-endian) order.
pub const STATE_BYTES: u64 = 32;
/// Bytes of one message block.
pub const BLOCK_BYTES: u64 = 64;
/// Rows per call in the prover's SHA-256 table (message schedule and rounds).
pub const ROWS_PER_CALL: usize = 64;

/// One compression, updating the state at `state_addr` in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sha256CompressEvent {
    /// Cycle of the `ecall`.
    pub clk: u64,
    /// Address of the state (8-byte aligned).
    pub state_addr: u64,
    /// Address of the block (8-byte aligned).
    pub block_addr: u64,
    /// State words before.
    pub input: [u32; 8],
    /// The message block.
    pub block: [u8; 64],
    /// State words after.
    pub output: [u32; 8],
}

fn words(bytes: &[u8]) -> [u32; 8] {
    std::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().expect("4 bytes")))
}

/// Runs the SHA-256 compression function on one block.
pub fn sha256_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::block_api::compress256(state, std::slice::from_ref(block));
}

pub(super) fn execute<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let state_addr = m.syscall_reg(t, slot::READ_B, A0);
    let block_addr = m.syscall_reg(t, slot::READ_B, A1);
    if !state_addr.is_multiple_of(8) || !block_addr.is_multiple_of(8) {
        return Err(invalid(m, Syscall::Sha256Compress, "state and block must be 8-byte aligned"));
    }
    let overlap = state_addr < block_addr.saturating_add(BLOCK_BYTES)
        && block_addr < state_addr.saturating_add(STATE_BYTES);
    if overlap {
        return Err(invalid(m, Syscall::Sha256Compress, "state and block overlap"));
    }
    let block: [u8; 64] = m.read_for_syscall(t, block_addr, BLOCK_BYTES)?.try_into().expect("64 bytes");
    let mut input = [0u32; 8];
    let mut output = [0u32; 8];
    m.update_for_syscall(t, state_addr, STATE_BYTES, |bytes| {
        input = words(bytes);
        output = input;
        sha256_compress(&mut output, &block);
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(output) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    })?;
    if T::RECORDS_EVENTS {
        t.syscall(SyscallReport {
            number: Syscall::Sha256Compress.number(),
            args: [state_addr, block_addr, 0],
            result: None,
        });
        t.precompile(PrecompileEvent::Sha256Compress(Sha256CompressEvent {
            clk: m.clk,
            state_addr,
            block_addr,
            input,
            block,
            output,
        }));
    }
    Ok(())
}
