//! Consensus rules checked around execution: the header on its own and against its parent, and
//! the body against the header. Transaction-level rules (nonce, balance, intrinsic gas, the
//! EIP-7825 gas cap, fee caps, blob limits per transaction) are enforced by revm during execution.

use alloy_consensus::{BlockBody, EMPTY_OMMER_ROOT_HASH, Header, TxEnvelope, proofs};
use alloy_eips::{eip1559::BaseFeeParams, eip4844::DATA_GAS_PER_BLOB, eip7840::BlobParams};
use alloy_hardforks::EthereumHardforks;
use alloy_primitives::{B256, U256};

use crate::chain::ChainConfig;

/// Smallest gas limit a block may have.
pub const MINIMUM_GAS_LIMIT: u64 = 5000;
/// The gas limit may change by less than `parent / GAS_LIMIT_BOUND_DIVISOR` per block.
pub const GAS_LIMIT_BOUND_DIVISOR: u64 = 1024;
/// Largest RLP-encoded block from Osaka on (EIP-7934: 10 MiB less a 2 MiB margin).
pub const MAX_RLP_BLOCK_SIZE: usize = 10_485_760 - 2_097_152;
/// Largest `extra_data`.
pub const MAXIMUM_EXTRA_DATA_SIZE: usize = 32;

/// A block whose header or body breaks a consensus rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsensusError {
    /// Block number is not the parent's plus one.
    #[error("block number {number} does not follow parent {parent}")]
    Number {
        /// This block's number.
        number: u64,
        /// The parent's.
        parent: u64,
    },
    /// Timestamp not after the parent's.
    #[error("timestamp {timestamp} is not after the parent's {parent}")]
    Timestamp {
        /// This block's timestamp.
        timestamp: u64,
        /// The parent's.
        parent: u64,
    },
    /// `extra_data` too long.
    #[error("extra data of {0} bytes exceeds 32")]
    ExtraData(usize),
    /// Gas used above the gas limit.
    #[error("gas used {used} exceeds gas limit {limit}")]
    GasUsedAboveLimit {
        /// Header gas used.
        used: u64,
        /// Header gas limit.
        limit: u64,
    },
    /// Gas limit changed too much, or is below the minimum.
    #[error("gas limit {limit} is not within bounds of the parent's {parent}")]
    GasLimit {
        /// This block's gas limit.
        limit: u64,
        /// The parent's.
        parent: u64,
    },
    /// Base fee differs from EIP-1559's formula.
    #[error("base fee {got:?}, expected {expected}")]
    BaseFee {
        /// Header base fee.
        got: Option<u64>,
        /// Computed from the parent.
        expected: u64,
    },
    /// A post-merge field (difficulty, nonce, ommers) is not zero or empty.
    #[error("proof-of-work field set after the merge: {0}")]
    ProofOfWork(&'static str),
    /// A field required by an active fork is missing, or one from an inactive fork is present.
    #[error("header field {0} missing or unexpected for the active fork")]
    ForkField(&'static str),
    /// Blob gas used is not a multiple of the blob size, or above the block maximum.
    #[error("blob gas used {used} is invalid (maximum {max})")]
    BlobGasUsed {
        /// Header value.
        used: u64,
        /// Maximum for the fork.
        max: u64,
    },
    /// Excess blob gas differs from the EIP-4844/7918 formula.
    #[error("excess blob gas {got}, expected {expected}")]
    ExcessBlobGas {
        /// Header value.
        got: u64,
        /// Computed from the parent.
        expected: u64,
    },
    /// A root in the header does not match the body.
    #[error("{what} root mismatch: header {header}, body {computed}")]
    BodyRoot {
        /// Which root.
        what: &'static str,
        /// In the header.
        header: B256,
        /// Computed from the body.
        computed: B256,
    },
    /// The encoded block is larger than EIP-7934 allows.
    #[error("block of {size} bytes exceeds the {max}-byte limit")]
    BlockSize {
        /// RLP size of the block.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Transactions carry more blob gas than the header says or the fork allows.
    #[error("transactions use {used} blob gas, header says {header}")]
    TransactionBlobGas {
        /// Sum over the transactions.
        used: u64,
        /// Header value.
        header: u64,
    },
}

fn require(present: bool, field: &'static str) -> Result<(), ConsensusError> {
    if present { Ok(()) } else { Err(ConsensusError::ForkField(field)) }
}

/// The rules a header must satisfy against its parent and the active forks.
pub fn validate_header(chain: &ChainConfig, header: &Header, parent: &Header) -> Result<(), ConsensusError> {
    let ts = header.timestamp;
    if header.number != parent.number.wrapping_add(1) {
        return Err(ConsensusError::Number { number: header.number, parent: parent.number });
    }
    if header.timestamp <= parent.timestamp {
        return Err(ConsensusError::Timestamp { timestamp: ts, parent: parent.timestamp });
    }
    if header.extra_data.len() > MAXIMUM_EXTRA_DATA_SIZE {
        return Err(ConsensusError::ExtraData(header.extra_data.len()));
    }
    if header.gas_used > header.gas_limit {
        return Err(ConsensusError::GasUsedAboveLimit { used: header.gas_used, limit: header.gas_limit });
    }
    let bound = parent.gas_limit / GAS_LIMIT_BOUND_DIVISOR;
    if header.gas_limit.abs_diff(parent.gas_limit) >= bound || header.gas_limit < MINIMUM_GAS_LIMIT {
        return Err(ConsensusError::GasLimit { limit: header.gas_limit, parent: parent.gas_limit });
    }

    if chain.is_paris_active_at_block(header.number) {
        if header.difficulty != U256::ZERO {
            return Err(ConsensusError::ProofOfWork("difficulty"));
        }
        if header.nonce != alloy_primitives::B64::ZERO {
            return Err(ConsensusError::ProofOfWork("nonce"));
        }
        if header.ommers_hash != EMPTY_OMMER_ROOT_HASH {
            return Err(ConsensusError::ProofOfWork("ommers"));
        }
    }

    if chain.is_london_active_at_block(header.number) {
        let expected = if chain.is_london_active_at_block(parent.number) {
            parent
                .next_block_base_fee(BaseFeeParams::ethereum())
                .ok_or(ConsensusError::ForkField("parent base fee"))?
        } else {
            alloy_eips::eip1559::INITIAL_BASE_FEE
        };
        if header.base_fee_per_gas != Some(expected) {
            return Err(ConsensusError::BaseFee { got: header.base_fee_per_gas, expected });
        }
    } else {
        require(header.base_fee_per_gas.is_none(), "base_fee_per_gas")?;
    }

    let shanghai = chain.is_shanghai_active_at_timestamp(ts);
    require(header.withdrawals_root.is_some() == shanghai, "withdrawals_root")?;

    let cancun = chain.is_cancun_active_at_timestamp(ts);
    require(header.blob_gas_used.is_some() == cancun, "blob_gas_used")?;
    require(header.excess_blob_gas.is_some() == cancun, "excess_blob_gas")?;
    require(header.parent_beacon_block_root.is_some() == cancun, "parent_beacon_block_root")?;
    if let (Some(used), Some(excess)) = (header.blob_gas_used, header.excess_blob_gas) {
        let params = chain.blob_params_at(ts).ok_or(ConsensusError::ForkField("blob schedule"))?;
        let max = params.max_blob_gas_per_block();
        if !used.is_multiple_of(DATA_GAS_PER_BLOB) || used > max {
            return Err(ConsensusError::BlobGasUsed { used, max });
        }
        let expected = expected_excess_blob_gas(chain, &params, parent);
        if excess != expected {
            return Err(ConsensusError::ExcessBlobGas { got: excess, expected });
        }
    }

    let prague = chain.is_prague_active_at_timestamp(ts);
    require(header.requests_hash.is_some() == prague, "requests_hash")?;
    Ok(())
}

/// Excess blob gas from the parent, with the blob parameters in force at the child's timestamp.
fn expected_excess_blob_gas(chain: &ChainConfig, params: &BlobParams, parent: &Header) -> u64 {
    if !chain.is_cancun_active_at_timestamp(parent.timestamp) {
        // The first Cancun block: the parent had no blobs.
        return 0;
    }
    let (excess, used) = (parent.excess_blob_gas.unwrap_or(0), parent.blob_gas_used.unwrap_or(0));
    let base_fee = parent.base_fee_per_gas.unwrap_or(0);
    // Values a real chain cannot reach; refuse them rather than overflow.
    if excess.checked_add(used).is_none() {
        return u64::MAX;
    }
    params.next_block_excess_blob_gas_osaka(excess, used, base_fee)
}

/// The rules the body must satisfy against the header. `encoded_len` is the RLP size of the whole
/// block.
pub fn validate_body(
    chain: &ChainConfig,
    header: &Header,
    body: &BlockBody<TxEnvelope>,
    encoded_len: usize,
) -> Result<(), ConsensusError> {
    if chain.is_osaka_active_at_timestamp(header.timestamp) && encoded_len > MAX_RLP_BLOCK_SIZE {
        return Err(ConsensusError::BlockSize { size: encoded_len, max: MAX_RLP_BLOCK_SIZE });
    }
    let ommers = proofs::calculate_ommers_root(&body.ommers);
    if ommers != header.ommers_hash {
        return Err(ConsensusError::BodyRoot {
            what: "ommers",
            header: header.ommers_hash,
            computed: ommers,
        });
    }
    let transactions = proofs::calculate_transaction_root(&body.transactions);
    if transactions != header.transactions_root {
        return Err(ConsensusError::BodyRoot {
            what: "transactions",
            header: header.transactions_root,
            computed: transactions,
        });
    }
    match (&body.withdrawals, header.withdrawals_root) {
        (Some(withdrawals), Some(root)) => {
            let computed = proofs::calculate_withdrawals_root(withdrawals);
            if computed != root {
                return Err(ConsensusError::BodyRoot { what: "withdrawals", header: root, computed });
            }
        }
        (None, None) => {}
        _ => return Err(ConsensusError::ForkField("withdrawals")),
    }
    if let Some(header_blob_gas) = header.blob_gas_used {
        let used = body
            .transactions
            .iter()
            .filter_map(alloy_consensus::Transaction::blob_gas_used)
            .fold(0u64, u64::saturating_add);
        if used != header_blob_gas {
            return Err(ConsensusError::TransactionBlobGas { used, header: header_blob_gas });
        }
    }
    Ok(())
}
