//! The guest's public output: what a proof of a block's validation commits to.
//!
//! A fixed 196-byte layout (integers little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | version (1) |
//! | 4 | 1 | status: 0 valid, 1 invalid block, 2 not decidable from this input (bad witness or input) |
//! | 5 | 3 | zero |
//! | 8 | 8 | chain id |
//! | 16 | 8 | block number |
//! | 24 | 32 | chain configuration hash ([`crate::chain::ChainConfig::hash`]) |
//! | 56 | 32 | block hash |
//! | 88 | 32 | parent hash |
//! | 120 | 32 | pre-state root (the parent's state root) |
//! | 152 | 32 | post-state root (the header's; verified when the status is 0) |
//! | 184 | 8 | gas used (the header's; verified when the status is 0) |
//! | 192 | 4 | reason code (0 when valid; see [`crate::ValidationError::code`]) |
//!
//! Fields the guest could not determine (for example the block hash of an undecodable block) are
//! zero.

use alloy_primitives::B256;

use crate::codec::{Reader, Writer};

/// Size of the encoded output.
pub const OUTPUT_LEN: usize = 196;
/// Layout version.
pub const VERSION: u32 = 1;

/// Outcome of validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// The block is valid: every check passed and the post-state root matches.
    Valid = 0,
    /// The block breaks a rule.
    Invalid = 1,
    /// The input cannot decide: malformed, or the witness is incomplete or inconsistent.
    Undecidable = 2,
}

/// The public output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicOutput {
    /// Outcome.
    pub status: Status,
    /// Why the block is not valid (0 when it is).
    pub reason: u32,
    /// Chain id.
    pub chain_id: u64,
    /// Hash of the chain configuration used.
    pub chain_config_hash: B256,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Parent hash.
    pub parent_hash: B256,
    /// The parent's state root.
    pub pre_state_root: B256,
    /// The block's state root.
    pub post_state_root: B256,
    /// Gas used by the block.
    pub gas_used: u64,
}

impl PublicOutput {
    /// The 196-byte encoding.
    pub fn encode(&self) -> [u8; OUTPUT_LEN] {
        let mut w = Writer::default();
        w.u32(VERSION);
        w.u8(self.status as u8);
        w.bytes_fixed(&[0; 3]);
        w.u64(self.chain_id);
        w.u64(self.block_number);
        for hash in [
            self.chain_config_hash,
            self.block_hash,
            self.parent_hash,
            self.pre_state_root,
            self.post_state_root,
        ] {
            w.bytes_fixed(hash.as_slice());
        }
        w.u64(self.gas_used);
        w.u32(self.reason);
        w.finish().try_into().expect("the layout is exactly OUTPUT_LEN bytes")
    }

    /// Decodes [`PublicOutput::encode`]'s output.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != OUTPUT_LEN {
            return None;
        }
        let mut r = Reader::new(bytes);
        if r.u32()? != VERSION {
            return None;
        }
        let status = match r.u8()? {
            0 => Status::Valid,
            1 => Status::Invalid,
            2 => Status::Undecidable,
            _ => return None,
        };
        r.take(3)?;
        let chain_id = r.u64()?;
        let block_number = r.u64()?;
        let mut hash = || r.array::<32>().map(B256::from);
        let (chain_config_hash, block_hash, parent_hash, pre_state_root, post_state_root) =
            (hash()?, hash()?, hash()?, hash()?, hash()?);
        Some(Self {
            status,
            chain_id,
            block_number,
            chain_config_hash,
            block_hash,
            parent_hash,
            pre_state_root,
            post_state_root,
            gas_used: r.u64()?,
            reason: r.u32()?,
        })
    }
}
