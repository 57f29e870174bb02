//! The guest's input: a block, its execution witness and the chain configuration, in a compact
//! binary encoding.
//!
//! Layout (integers little-endian; `bytes` = u32 length + bytes; `list` = u32 count + `bytes`s):
//!
//! | field | encoding |
//! |---|---|
//! | magic | `HEARTHB1` (8 bytes) |
//! | chain | u8 `0` + u64 chain id (a built-in chain), or u8 `1` + a full [`ChainConfig`] |
//! | block | `bytes`: the block's RLP (header, transactions, ommers, withdrawals) |
//! | state | `list`: trie node preimages (account and storage tries) |
//! | codes | `list`: contract bytecodes |
//! | headers | `list`: RLP ancestor headers, at least the parent |
//!
//! Decoding borrows every byte string from the input buffer, so the guest copies nothing.

use alloc::vec::Vec;

use crate::{
    chain::ChainConfig,
    codec::{Reader, Writer},
};

/// First bytes of every encoded input.
pub const MAGIC: &[u8; 8] = b"HEARTHB1";

/// Why an input cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Not a Hearth block input, or truncated.
    #[error("malformed input: {0}")]
    Malformed(&'static str),
    /// The chain id is not built in and no configuration was given.
    #[error("unknown chain id {0}: pass a chain configuration")]
    UnknownChain(u64),
}

/// A block to validate, with everything needed to validate it without state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatelessInput<'a> {
    /// The chain's rules.
    pub chain: ChainConfig,
    /// Whether `chain` is a built-in configuration (encoded by chain id alone).
    pub builtin_chain: bool,
    /// The block, RLP-encoded.
    pub block: &'a [u8],
    /// Trie nodes of the parent state touched by the block.
    pub state: Vec<&'a [u8]>,
    /// Bytecodes of the contracts the block touches.
    pub codes: Vec<&'a [u8]>,
    /// RLP-encoded ancestor headers, at least the parent.
    pub headers: Vec<&'a [u8]>,
}

impl<'a> StatelessInput<'a> {
    /// Encodes the input for the guest.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes_fixed(MAGIC);
        if self.builtin_chain {
            w.u8(0);
            w.u64(self.chain.chain_id());
        } else {
            w.u8(1);
            self.chain.encode(&mut w);
        }
        w.bytes(self.block);
        w.list(self.state.iter().copied());
        w.list(self.codes.iter().copied());
        w.list(self.headers.iter().copied());
        w.finish()
    }

    /// Decodes an encoded input, borrowing from `bytes`.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, InputError> {
        let bad = InputError::Malformed;
        let mut r = Reader::new(bytes);
        if r.take(8) != Some(&MAGIC[..]) {
            return Err(bad("missing HEARTHB1 magic"));
        }
        let (chain, builtin_chain) = match r.u8() {
            Some(0) => {
                let id = r.u64().ok_or(bad("truncated chain id"))?;
                (ChainConfig::for_chain_id(id).ok_or(InputError::UnknownChain(id))?, true)
            }
            Some(1) => (ChainConfig::decode(&mut r).ok_or(bad("invalid chain configuration"))?, false),
            _ => return Err(bad("invalid chain tag")),
        };
        let block = r.bytes().ok_or(bad("truncated block"))?;
        let state = r.list().ok_or(bad("truncated state nodes"))?;
        let codes = r.list().ok_or(bad("truncated codes"))?;
        let headers = r.list().ok_or(bad("truncated headers"))?;
        if r.remaining() != 0 {
            return Err(bad("trailing bytes"));
        }
        Ok(Self { chain, builtin_chain, block, state, codes, headers })
    }
}
