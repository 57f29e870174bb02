//! Keccak-256 (the original Keccak padding, as Ethereum uses it) over the permutation syscall.

use hearth_runtime::syscall::keccak_f1600;

/// Bytes absorbed per permutation for a 256-bit output.
const RATE: usize = 136;

/// Incremental Keccak-256.
#[derive(Clone, Debug, Default)]
pub struct Keccak256 {
    state: [u64; 25],
    /// Bytes absorbed into the current block.
    offset: usize,
}

impl Keccak256 {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn xor_byte(&mut self, i: usize, byte: u8) {
        self.state[i / 8] ^= (byte as u64) << (8 * (i % 8));
    }

    /// Absorbs `data`: whole 8-byte lanes at a time where the position allows, bytes otherwise.
    pub fn update(&mut self, mut data: &[u8]) {
        while self.offset % 8 != 0 {
            let Some((&byte, rest)) = data.split_first() else { return };
            self.xor_byte(self.offset, byte);
            self.offset += 1;
            data = rest;
            if self.offset == RATE {
                keccak_f1600(&mut self.state);
                self.offset = 0;
            }
        }
        let mut lanes = data.chunks_exact(8);
        for lane in &mut lanes {
            self.state[self.offset / 8] ^= u64::from_le_bytes(lane.try_into().expect("8-byte chunk"));
            self.offset += 8;
            if self.offset == RATE {
                keccak_f1600(&mut self.state);
                self.offset = 0;
            }
        }
        // Fewer than 8 bytes remain, and the offset is lane-aligned, so they fit before RATE.
        for &byte in lanes.remainder() {
            self.xor_byte(self.offset, byte);
            self.offset += 1;
        }
    }

    /// Pads, squeezes and returns the 32-byte digest.
    pub fn finalize(mut self) -> [u8; 32] {
        self.xor_byte(self.offset, 0x01);
        self.xor_byte(RATE - 1, 0x80);
        keccak_f1600(&mut self.state);
        let mut out = [0u8; 32];
        for (chunk, lane) in out.chunks_exact_mut(8).zip(self.state) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        out
    }
}

/// Keccak-256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(data);
    hasher.finalize()
}
