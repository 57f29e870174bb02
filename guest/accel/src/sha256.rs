//! SHA-256 over the compression syscall.

use hearth_runtime::syscall::{Aligned, sha256_compress};

const INITIAL_STATE: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// Incremental SHA-256.
#[derive(Clone, Debug)]
pub struct Sha256 {
    state: Aligned<[u32; 8]>,
    block: Aligned<[u8; 64]>,
    /// Bytes in `block`.
    filled: usize,
    /// Total bytes hashed.
    length: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self { state: Aligned(INITIAL_STATE), block: Aligned([0; 64]), filled: 0, length: 0 }
    }
}

impl Sha256 {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Absorbs `data`.
    pub fn update(&mut self, mut data: &[u8]) {
        self.length += data.len() as u64;
        while !data.is_empty() {
            let take = (64 - self.filled).min(data.len());
            self.block.0[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == 64 {
                sha256_compress(&mut self.state, &self.block);
                self.filled = 0;
            }
        }
    }

    /// Pads and returns the 32-byte digest.
    pub fn finalize(mut self) -> [u8; 32] {
        let bit_length = self.length.wrapping_mul(8);
        self.block.0[self.filled] = 0x80;
        self.block.0[self.filled + 1..].fill(0);
        if self.filled >= 56 {
            sha256_compress(&mut self.state, &self.block);
            self.block.0.fill(0);
        }
        self.block.0[56..].copy_from_slice(&bit_length.to_be_bytes());
        sha256_compress(&mut self.state, &self.block);
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state.0) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(data);
    hasher.finalize()
}
