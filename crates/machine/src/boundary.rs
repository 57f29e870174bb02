//! Where a shard starts and ends: the pc, the registers and the stream positions. A run's
//! shards chain when each one's end is the next one's start (see `docs/continuations.md`).

use std::sync::Arc;

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
    /// Every memory word the shard touches, sorted by address.
    pub memory: Arc<[BoundaryWord]>,
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

/// A memory word a shard touches: its value when the shard starts and when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundaryWord {
    /// Word address (8-byte aligned, below `MEMORY_TOP`).
    pub addr: u32,
    /// Value at the shard's start (0 when `from_image`: the image table supplies it).
    pub before: u64,
    /// Value at the shard's end.
    pub after: u64,
    /// The run touches the word for the first time here and it lies in the program image.
    pub from_image: bool,
}

/// Public values that bind a shard's memory list: a SHA-256 of it as 16 16-bit limbs.
pub const NUM_MEMORY_PUBLIC_VALUES: usize = 16;

/// The digest of a memory list, as [`NUM_MEMORY_PUBLIC_VALUES`] limbs.
pub fn memory_digest(words: &[BoundaryWord]) -> [u32; NUM_MEMORY_PUBLIC_VALUES] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"hearth-memory-boundary-v1");
    h.update((words.len() as u64).to_le_bytes());
    for w in words {
        h.update(w.addr.to_le_bytes());
        h.update(w.before.to_le_bytes());
        h.update(w.after.to_le_bytes());
        h.update([u8::from(w.from_image)]);
    }
    let digest: [u8; 32] = h.finalize().into();
    core::array::from_fn(|i| u32::from(u16::from_le_bytes([digest[2 * i], digest[2 * i + 1]])))
}
