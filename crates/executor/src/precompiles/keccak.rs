//! The Keccak-f\[1600\] permutation accelerator.
//!
//! The permutation, not the sponge: a fixed-shape operation (25 lanes in, 25 lanes out) that a
//! prover chip can constrain row by row. Padding and absorbing stay in guest code
//! (`guest/accel`), so any input length costs the same chip per 136-byte block.

use hearth_isa::Syscall;

use super::{PrecompileEvent, invalid};
use crate::{
    error::ExecutionError,
    machine::{A0, Machine},
    tracer::{SyscallReport, Tracer, slot},
};

/// Bytes of state: 25 little-endian 64-bit lanes.
pub const STATE_BYTES: u64 = 200;
/// Rows per call in the prover's Keccak-f table (one per round).
pub const ROWS_PER_CALL: usize = 24;

/// One permutation, in place at `state_addr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeccakF1600Event {
    /// Cycle of the `ecall`.
    pub clk: u64,
    /// Address of the state (8-byte aligned).
    pub state_addr: u64,
    /// Lanes before the permutation.
    pub input: [u64; 25],
    /// Lanes after.
    pub output: [u64; 25],
}

fn lanes(bytes: &[u8]) -> [u64; 25] {
    std::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes")))
}

/// Applies Keccak-f\[1600\] to 25 lanes.
pub fn keccak_f1600(state: &mut [u64; 25]) {
    keccak::Keccak::new().with_f1600(|f| f(state));
}

pub(super) fn execute<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let state_addr = m.syscall_reg(t, slot::READ_B, A0);
    if !state_addr.is_multiple_of(8) {
        return Err(invalid(m, Syscall::KeccakF1600, "state must be 8-byte aligned"));
    }
    let mut input = [0u64; 25];
    let mut output = [0u64; 25];
    m.update_for_syscall(t, state_addr, STATE_BYTES, |bytes| {
        input = lanes(bytes);
        output = input;
        keccak_f1600(&mut output);
        for (chunk, lane) in bytes.chunks_exact_mut(8).zip(output) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
    })?;
    if T::RECORDS_EVENTS {
        t.syscall(SyscallReport {
            number: Syscall::KeccakF1600.number(),
            args: [state_addr, 0, 0],
            result: None,
        });
        t.precompile(PrecompileEvent::KeccakF1600(KeccakF1600Event {
            clk: m.clk,
            state_addr,
            input,
            output,
        }));
    }
    Ok(())
}
