//! Where a shard starts and ends: the pc, the registers and the stream positions. A run's
//! shards chain when each one's end is the next one's start (see `docs/continuations.md`).

use serde::{Deserialize, Serialize};

/// Locations the register table holds: `x0..x31`, then the input and output stream positions.
pub const BOUNDARY_REGISTERS: usize = 34;

/// Public values that bind a [`ShardBoundary`] into a proof's transcript.
pub const NUM_BOUNDARY_PUBLIC_VALUES: usize = 3 + 2 * BOUNDARY_REGISTERS * 4;

/// The state a shard starts from and ends in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardBoundary {
    /// pc of the shard's first instruction.
    pub pc_in: u32,
    /// `x0..x31` and the two stream positions at entry ([`BOUNDARY_REGISTERS`] values).
    pub registers_in: Vec<u64>,
    /// pc after the shard's last instruction (unconstrained when it halts).
    pub pc_out: u32,
    /// The same locations at exit.
    pub registers_out: Vec<u64>,
    /// The shard's last instruction is `exit`.
    pub halted: bool,
}

impl ShardBoundary {
    /// A boundary of the right shape: [`BOUNDARY_REGISTERS`] values each way, `x0` zero, and
    /// the stream positions below 2^30 (they are single field elements in the proof).
    pub fn is_well_formed(&self) -> bool {
        let fine =
            |r: &[u64]| r.len() == BOUNDARY_REGISTERS && r[0] == 0 && r[32..].iter().all(|&p| p < 1 << 30);
        fine(&self.registers_in) && fine(&self.registers_out)
    }

    /// The public values that bind the boundary: `pc_in`, `pc_out`, `halted`, then every value
    /// in and out as four 16-bit limbs.
    pub fn public_values(&self) -> Vec<u32> {
        let mut values = vec![self.pc_in, self.pc_out, u32::from(self.halted)];
        for &v in self.registers_in.iter().chain(&self.registers_out) {
            values.extend((0..4).map(|k| ((v >> (16 * k)) & 0xffff) as u32));
        }
        values
    }

    /// A location's value as the register table holds it: eight bytes for a register, one
    /// field element in the first cell for a stream position.
    pub fn cells(reg: usize, value: u64) -> [u64; 8] {
        if reg < 32 {
            value.to_le_bytes().map(u64::from)
        } else {
            let mut cells = [0; 8];
            cells[0] = value;
            cells
        }
    }
}
