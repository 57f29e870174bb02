//! Block files: the canonical JSON of `fixtures/blocks`, and importers for zk-pig's "ProverInput"
//! and ethrex-replay's cache format. Files may be gzipped (`.gz`).
//!
//! The canonical format is one JSON object `{chain_id, block_rlp, witness: {state, codes, keys,
//! headers}}` where `witness` is exactly a `debug_executionWitness` result. The other formats carry
//! the block (and zk-pig the ancestors) as RPC-style JSON, which is converted to RLP here; every
//! converted header must hash to the `hash` the file states, so a lossy conversion is caught.

use std::{
    format,
    io::Read as _,
    path::Path,
    string::{String, ToString},
    vec::Vec,
};

use alloy_consensus::{Block, BlockBody, Header, TxEnvelope};
use alloy_eips::eip4895::Withdrawal;
use alloy_primitives::B256;
use serde_json::Value;

use crate::{chain::ChainConfig, input::StatelessInput};

/// A block file could not be read or converted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Reading the file failed.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// Not JSON.
    #[error("{0} is not valid JSON: {1}")]
    Json(String, serde_json::Error),
    /// JSON of an unknown shape.
    #[error("{0}: not a block file (expected the canonical, zk-pig or ethrex-replay format)")]
    UnknownFormat(String),
    /// A field is missing or has the wrong type.
    #[error("{0}")]
    Field(String),
    /// A converted header does not hash to the hash the file states.
    #[error("the {what} converted from JSON hashes to {computed}, but the file says {stated}")]
    HashMismatch {
        /// Which header.
        what: String,
        /// Our hash.
        computed: B256,
        /// The file's.
        stated: B256,
    },
    /// The chain is not built in and the file carries no usable configuration.
    #[error("unknown chain id {0}")]
    UnknownChain(u64),
}

fn field(msg: impl Into<String>) -> FormatError {
    FormatError::Field(msg.into())
}

/// A block with its witness, owned (the host-side counterpart of [`StatelessInput`]).
#[derive(Clone, Debug)]
pub struct BlockFile {
    /// The chain configuration.
    pub chain: ChainConfig,
    /// The block, RLP-encoded.
    pub block: Vec<u8>,
    /// Trie nodes.
    pub state: Vec<Vec<u8>>,
    /// Bytecodes.
    pub codes: Vec<Vec<u8>>,
    /// RLP ancestor headers.
    pub headers: Vec<Vec<u8>>,
    /// Which format the file was in.
    pub format: &'static str,
}

impl BlockFile {
    /// The input for validation, borrowing from `self`.
    pub fn input(&self) -> StatelessInput<'_> {
        let builtin = ChainConfig::for_chain_id(self.chain.chain_id()).as_ref() == Some(&self.chain);
        StatelessInput {
            chain: self.chain.clone(),
            builtin_chain: builtin,
            block: &self.block,
            state: self.state.iter().map(Vec::as_slice).collect(),
            codes: self.codes.iter().map(Vec::as_slice).collect(),
            headers: self.headers.iter().map(Vec::as_slice).collect(),
        }
    }
}

/// Reads a JSON file, gunzipping it when its name ends in `.gz`.
pub fn read_json(path: &Path) -> Result<Value, FormatError> {
    let name = path.display().to_string();
    let io = |source| FormatError::Io { path: name.clone(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(file).read_to_string(&mut text).map_err(io)?;
    } else {
        std::io::BufReader::new(file).read_to_string(&mut text).map_err(io)?;
    }
    serde_json::from_str(&text).map_err(|e| FormatError::Json(name, e))
}

/// Decodes a `0x`-prefixed hex string.
pub fn hex_bytes(value: &Value) -> Result<Vec<u8>, FormatError> {
    let s = value.as_str().ok_or_else(|| field(format!("expected a hex string, got {value}")))?;
    let digits = s.strip_prefix("0x").unwrap_or(s);
    alloy_primitives::hex::decode(digits).map_err(|e| field(format!("bad hex {s:.20}...: {e}")))
}

fn hex_list(value: &Value, what: &str) -> Result<Vec<Vec<u8>>, FormatError> {
    match value {
        Value::Array(items) => items.iter().map(hex_bytes).collect(),
        Value::Null => Ok(Vec::new()),
        _ => Err(field(format!("{what} is not a list"))),
    }
}

fn chain_for(id: u64) -> Result<ChainConfig, FormatError> {
    ChainConfig::for_chain_id(id).ok_or(FormatError::UnknownChain(id))
}

/// Reads a block file in any supported format.
pub fn load_block_file(path: &Path) -> Result<BlockFile, FormatError> {
    let json = read_json(path)?;
    let name = path.display().to_string();
    if json.get("block_rlp").is_some() {
        from_canonical(&json)
    } else if json.get("chainConfig").is_some() && json.get("blocks").is_some() {
        from_zkpig(&json)
    } else if json.get("network").is_some() && json.get("blocks").is_some() {
        from_ethrex_replay(&json)
    } else {
        Err(FormatError::UnknownFormat(name))
    }
}

/// The canonical format.
pub fn from_canonical(json: &Value) -> Result<BlockFile, FormatError> {
    let chain_id = json["chain_id"].as_u64().ok_or_else(|| field("chain_id missing"))?;
    let witness = &json["witness"];
    Ok(BlockFile {
        chain: chain_for(chain_id)?,
        block: hex_bytes(&json["block_rlp"])?,
        state: hex_list(&witness["state"], "witness.state")?,
        codes: hex_list(&witness["codes"], "witness.codes")?,
        headers: hex_list(&witness["headers"], "witness.headers")?,
        format: "canonical",
    })
}

fn parse<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<T, FormatError> {
    serde_json::from_value(value.clone()).map_err(|e| field(format!("cannot read {what}: {e}")))
}

/// Converts an RPC-style header and checks it against its stated hash.
fn header_from_json(value: &Value, what: &str) -> Result<Header, FormatError> {
    let header: Header = parse(value, what)?;
    if let Some(stated) = value.get("hash").and_then(Value::as_str) {
        let stated: B256 = stated.parse().map_err(|_| field(format!("{what}: bad hash")))?;
        let computed = header.hash_slow();
        if computed != stated {
            return Err(FormatError::HashMismatch { what: what.into(), computed, stated });
        }
    }
    Ok(header)
}

/// An RPC-style transaction. Some formats omit its hash, which the JSON reader requires: a
/// placeholder goes in, and the transaction is then rebuilt from its own EIP-2718 encoding so its
/// hash is computed rather than taken on trust.
fn transaction(tx: &Value, index: usize) -> Result<TxEnvelope, FormatError> {
    use alloy_eips::eip2718::{Decodable2718, Encodable2718};
    let mut tx = tx.clone();
    if let Some(object) = tx.as_object_mut() {
        object.entry("hash").or_insert_with(|| Value::String(B256::ZERO.to_string()));
    }
    let parsed: TxEnvelope = parse(&tx, &format!("transaction {index}"))?;
    let encoded = parsed.encoded_2718();
    TxEnvelope::decode_2718(&mut encoded.as_slice()).map_err(|e| field(format!("transaction {index}: {e}")))
}

/// An RPC-style block (`header` plus transactions, uncles and withdrawals) as RLP.
fn block_rlp(
    header: Header,
    transactions: &Value,
    uncles: &Value,
    withdrawals: &Value,
) -> Result<Vec<u8>, FormatError> {
    let transactions: Vec<TxEnvelope> = match transactions {
        Value::Array(txs) => {
            txs.iter().enumerate().map(|(i, tx)| transaction(tx, i)).collect::<Result<_, _>>()?
        }
        _ => return Err(field("transactions are not a list")),
    };
    let ommers: Vec<Header> = match uncles {
        Value::Array(u) if u.iter().all(Value::is_object) => parse(uncles, "uncles")?,
        Value::Array(u) if u.is_empty() => Vec::new(),
        Value::Null => Vec::new(),
        _ => return Err(field("uncles must be full headers")),
    };
    let withdrawals: Option<Vec<Withdrawal>> =
        if withdrawals.is_null() { None } else { Some(parse(withdrawals, "withdrawals")?) };
    let block =
        Block { header, body: BlockBody { transactions, ommers, withdrawals: withdrawals.map(Into::into) } };
    Ok(alloy_rlp::encode(&block))
}

/// zk-pig's "ProverInput": RPC-style block, witness with JSON ancestors.
pub fn from_zkpig(json: &Value) -> Result<BlockFile, FormatError> {
    let block = &json["blocks"][0];
    let header = header_from_json(&block["header"], "block header")?;
    let chain_id =
        json["chainConfig"]["chainId"].as_u64().ok_or_else(|| field("chainConfig.chainId missing"))?;
    let witness = &json["witness"];
    let headers = witness["ancestors"]
        .as_array()
        .ok_or_else(|| field("witness.ancestors missing"))?
        .iter()
        .enumerate()
        .map(|(i, h)| header_from_json(h, &format!("ancestor {i}")).map(|h| alloy_rlp::encode(&h)))
        .collect::<Result<_, _>>()?;
    Ok(BlockFile {
        chain: chain_for(chain_id)?,
        block: block_rlp(header, &block["transaction"], &block["uncles"], &block["withdrawals"])?,
        state: hex_list(&witness["state"], "witness.state")?,
        codes: hex_list(&witness["codes"], "witness.codes")?,
        headers,
        format: "zk-pig",
    })
}

/// ethrex-replay's cache: `blocks[0]{header, body}` plus a verbatim `debug_executionWitness`.
pub fn from_ethrex_replay(json: &Value) -> Result<BlockFile, FormatError> {
    let block = &json["blocks"][0];
    let header = header_from_json(&block["header"], "block header")?;
    let body = &block["body"];
    let chain_id = match &json["network"] {
        Value::Object(net) => match net.get("PublicNetwork").and_then(Value::as_str) {
            Some("Mainnet") => crate::chain::MAINNET,
            Some("Sepolia") => crate::chain::SEPOLIA,
            Some("Hoodi") => crate::chain::HOODI,
            other => return Err(field(format!("unknown network {other:?}"))),
        },
        other => return Err(field(format!("unknown network {other}"))),
    };
    let witness = &json["witness"];
    Ok(BlockFile {
        chain: chain_for(chain_id)?,
        block: block_rlp(header, &body["transactions"], &body["uncles"], &body["withdrawals"])?,
        state: hex_list(&witness["state"], "witness.state")?,
        codes: hex_list(&witness["codes"], "witness.codes")?,
        headers: hex_list(&witness["headers"], "witness.headers")?,
        format: "ethrex-replay",
    })
}
