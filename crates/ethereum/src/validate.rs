//! The stateless validation of one block.
//!
//! 1. Decode the block and the ancestor headers; the headers must chain, by hash and number,
//!    up to the block's parent (at most 256 of them, the `BLOCKHASH` window).
//! 2. Check the header against the parent and the body against the header.
//! 3. Reveal the parent state from the witness: the state trie must hash to the parent's state
//!    root.
//! 4. Recover every transaction's sender.
//! 5. Execute the block with revm through alloy-evm's Ethereum block executor, which applies the
//!    EIP-4788 and EIP-2935 system calls, the transactions, the withdrawals, and the
//!    EIP-6110/7002/7251 requests.
//! 6. Compare gas used, blob gas used, receipts root, logs bloom and the EIP-7685 requests hash
//!    with the header.
//! 7. Apply the state changes to the witness tries and compare the new state root with the
//!    header's.

use alloc::{borrow::Cow, collections::BTreeMap, format, string::String, vec::Vec};

use alloy_consensus::transaction::Recovered;
use alloy_consensus::{Block, BlockHeader, Header, ReceiptEnvelope, TxEnvelope, TxReceipt, proofs};
use alloy_eips::{
    eip7002::WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS, eip7251::CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS,
};
use alloy_evm::{
    EvmEnv, EvmFactory,
    block::{BlockExecutionError, BlockExecutor, BlockExecutorFactory},
    eth::{
        EthBlockExecutionCtx, EthBlockExecutorFactory, EthEvmFactory, receipt_builder::AlloyReceiptBuilder,
    },
};
use alloy_hardforks::EthereumHardforks;
use alloy_primitives::{B256, Bloom, KECCAK256_EMPTY, keccak256};
use alloy_rlp::Decodable;
use revm::database::{State, states::bundle_state::BundleRetention};

use crate::{
    chain::ChainConfig,
    consensus::{self, ConsensusError},
    crypto,
    input::{InputError, StatelessInput},
    output::{PublicOutput, Status},
    profile::{phase, scope},
    trie::{TrieError, index_nodes},
    witness::{WitnessError, WitnessState},
};

/// Most ancestor headers a witness may carry (the `BLOCKHASH` window).
pub const MAX_ANCESTORS: usize = 256;

/// Why a block was not validated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The input does not decode.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The block's RLP does not decode.
    #[error("block does not decode: {0}")]
    BlockEncoding(String),
    /// An ancestor header does not decode.
    #[error("ancestor header {0} does not decode")]
    AncestorEncoding(usize),
    /// No ancestor headers, or more than 256.
    #[error("{0} ancestor headers given: need the parent, at most {MAX_ANCESTORS}")]
    AncestorCount(usize),
    /// The ancestor headers do not chain up to the block's parent.
    #[error("ancestor headers do not chain to the block's parent (at block {0})")]
    AncestorChain(u64),
    /// The witness does not contain the parent's state root node.
    #[error("witness lacks the parent state root {0}")]
    MissingStateRoot(B256),
    /// The witness lacks something execution or the state update needs.
    #[error(transparent)]
    Witness(#[from] WitnessError),
    /// The header or body breaks a consensus rule.
    #[error(transparent)]
    Consensus(#[from] ConsensusError),
    /// A transaction's signature is invalid.
    #[error("transaction {0} has an invalid signature")]
    Signature(usize),
    /// Execution rejected a transaction or the block (nonce, balance, intrinsic gas, gas limits,
    /// ...).
    #[error("execution failed: {0}")]
    Execution(String),
    /// A header field differs from what execution produced.
    #[error("{field} mismatch: header {header}, computed {computed}")]
    Mismatch {
        /// Which field.
        field: &'static str,
        /// The header's value.
        header: String,
        /// What execution produced.
        computed: String,
    },
}

impl ValidationError {
    /// Whether the error says the block is invalid (rather than that the input cannot tell).
    pub fn is_invalid_block(&self) -> bool {
        matches!(
            self,
            Self::BlockEncoding(_)
                | Self::Consensus(_)
                | Self::Signature(_)
                | Self::Execution(_)
                | Self::Mismatch { .. }
        )
    }

    /// A stable number for the public output's reason field.
    pub fn code(&self) -> u32 {
        match self {
            Self::Input(InputError::Malformed(_)) => 1,
            Self::Input(InputError::UnknownChain(_)) => 2,
            Self::BlockEncoding(_) => 10,
            Self::AncestorEncoding(_) => 20,
            Self::AncestorCount(_) => 21,
            Self::AncestorChain(_) => 22,
            Self::MissingStateRoot(_) => 30,
            Self::Witness(_) => 31,
            Self::Consensus(_) => 40,
            Self::Signature(_) => 50,
            Self::Execution(_) => 60,
            Self::Mismatch { field, .. } => match *field {
                "gas used" => 70,
                "blob gas used" => 71,
                "receipts root" => 72,
                "logs bloom" => 73,
                "requests hash" => 74,
                _ => 75,
            },
        }
    }
}

/// What validation established about a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    /// The block hash.
    pub hash: B256,
    /// The header.
    pub header: Header,
    /// The parent's state root.
    pub pre_state_root: B256,
    /// The state root computed by execution (equal to the header's).
    pub post_state_root: B256,
    /// Number of transactions.
    pub transactions: usize,
}

/// The outcome of [`validate`]: the block's identity as far as it could be decoded, and the
/// verdict.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The chain configuration used.
    pub chain: Option<ChainConfig>,
    /// The header, if the block decoded.
    pub header: Option<Header>,
    /// The block hash, if the block decoded.
    pub hash: Option<B256>,
    /// The parent's state root, if the ancestors were valid.
    pub pre_state_root: Option<B256>,
    /// The verdict.
    pub result: Result<Validated, ValidationError>,
}

impl Outcome {
    /// The public output committing to this outcome.
    pub fn public_output(&self) -> PublicOutput {
        let (status, reason) = match &self.result {
            Ok(_) => (Status::Valid, 0),
            Err(e) if e.is_invalid_block() => (Status::Invalid, e.code()),
            Err(e) => (Status::Undecidable, e.code()),
        };
        let header = self.header.as_ref();
        PublicOutput {
            status,
            reason,
            chain_id: self.chain.as_ref().map_or(0, ChainConfig::chain_id),
            chain_config_hash: self.chain.as_ref().map_or(B256::ZERO, ChainConfig::hash),
            block_number: header.map_or(0, |h| h.number),
            block_hash: self.hash.unwrap_or_default(),
            parent_hash: header.map_or(B256::ZERO, |h| h.parent_hash),
            pre_state_root: self.pre_state_root.unwrap_or_default(),
            post_state_root: header.map_or(B256::ZERO, |h| h.state_root),
            gas_used: header.map_or(0, |h| h.gas_used),
        }
    }
}

/// Validates an encoded input (what the guest reads).
pub fn validate_encoded(bytes: &[u8]) -> Outcome {
    match scope(phase::DECODE, || StatelessInput::decode(bytes)) {
        Ok(input) => validate(&input),
        Err(e) => {
            Outcome { chain: None, header: None, hash: None, pre_state_root: None, result: Err(e.into()) }
        }
    }
}

/// Validates a block against its witness.
pub fn validate(input: &StatelessInput<'_>) -> Outcome {
    validate_with_post_state(input, false).0
}

/// The state after a valid block, for chaining blocks whose witnesses are the whole state.
#[derive(Clone, Debug, Default)]
pub struct PostState {
    /// Nodes of every trie the block read or changed, as they are after the block.
    pub nodes: Vec<Vec<u8>>,
    /// Bytecode the block deployed.
    pub codes: Vec<Vec<u8>>,
}

/// Validates a block and, if `collect` and the block is valid, returns the post-state's nodes.
pub fn validate_with_post_state(input: &StatelessInput<'_>, collect: bool) -> (Outcome, Option<PostState>) {
    crypto::install();
    let mut known = Known::default();
    let mut post = collect.then(PostState::default);
    let result = run(input, &mut known, post.as_mut());
    let outcome = Outcome {
        chain: Some(input.chain.clone()),
        header: known.header,
        hash: known.hash,
        pre_state_root: known.pre_state_root,
        result,
    };
    let post = post.filter(|_| outcome.result.is_ok());
    (outcome, post)
}

/// What validation has learnt about the block so far, reported even when it fails later.
#[derive(Default)]
struct Known {
    header: Option<Header>,
    hash: Option<B256>,
    pre_state_root: Option<B256>,
}

fn run(
    input: &StatelessInput<'_>,
    outcome: &mut Known,
    post: Option<&mut PostState>,
) -> Result<Validated, ValidationError> {
    let chain = &input.chain;
    let block = scope(phase::DECODE, || {
        let mut rlp = input.block;
        let block = Block::<TxEnvelope>::decode(&mut rlp)
            .map_err(|e| ValidationError::BlockEncoding(format!("{e}")))?;
        if !rlp.is_empty() {
            return Err(ValidationError::BlockEncoding("trailing bytes".into()));
        }
        Ok(block)
    })?;
    let header = &block.header;
    let hash = header.hash_slow();
    outcome.header = Some(header.clone());
    outcome.hash = Some(hash);

    let (parent, block_hashes) = scope(phase::DECODE, || ancestors(header, &input.headers))?;
    outcome.pre_state_root = Some(parent.state_root);

    scope(phase::CHECKS, || {
        consensus::validate_header(chain, header, &parent)?;
        consensus::validate_body(chain, header, &block.body, input.block.len())
    })?;

    let mut witness = scope(phase::WITNESS, || {
        let nodes = index_nodes(input.state.iter().copied());
        WitnessState::new(parent.state_root, nodes, &input.codes, block_hashes).map_err(|e| match e {
            TrieError::MissingNode(root) if root == parent.state_root => {
                ValidationError::MissingStateRoot(root)
            }
            e => ValidationError::Witness(e.into()),
        })
    })?;

    let senders = scope(phase::RECOVER, || {
        block
            .body
            .transactions
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                crypto::recover_signer(tx.signature(), tx.signature_hash())
                    .ok_or(ValidationError::Signature(i))
            })
            .collect::<Result<Vec<_>, _>>()
    })?;

    let (result, bundle) = scope(phase::EXECUTE, || execute(chain, &block, &senders, &mut witness))?;

    scope(phase::CHECKS, || check_results(header, &result))?;

    let post_state_root = scope(phase::STATE_ROOT, || witness.apply(&bundle))?;
    if post_state_root != header.state_root {
        return Err(mismatch("state root", header.state_root, post_state_root));
    }
    if let Some(post) = post {
        post.nodes = witness.revealed_nodes();
        post.codes = bundle.contracts.values().map(|code| code.original_bytes().to_vec()).collect();
    }
    Ok(Validated {
        hash,
        header: header.clone(),
        pre_state_root: parent.state_root,
        post_state_root,
        transactions: block.body.transactions.len(),
    })
}

fn mismatch(
    field: &'static str,
    header: impl core::fmt::Display,
    computed: impl core::fmt::Display,
) -> ValidationError {
    ValidationError::Mismatch { field, header: format!("{header}"), computed: format!("{computed}") }
}

/// Decodes the ancestor headers and checks that they chain to `header`'s parent. Returns the
/// parent and the hashes of all ancestors by number.
fn ancestors(header: &Header, encoded: &[&[u8]]) -> Result<(Header, BTreeMap<u64, B256>), ValidationError> {
    if encoded.is_empty() || encoded.len() > MAX_ANCESTORS {
        return Err(ValidationError::AncestorCount(encoded.len()));
    }
    let mut headers = encoded
        .iter()
        .enumerate()
        .map(|(i, rlp)| {
            let mut buf = *rlp;
            let h = Header::decode(&mut buf).map_err(|_| ValidationError::AncestorEncoding(i))?;
            if !buf.is_empty() {
                return Err(ValidationError::AncestorEncoding(i));
            }
            Ok((h, keccak256(rlp)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    headers.sort_by_key(|(h, _)| h.number);
    let mut hashes = BTreeMap::new();
    let (mut child_number, mut child_parent_hash) = (header.number, header.parent_hash);
    for (ancestor, hash) in headers.iter().rev() {
        if *hash != child_parent_hash || ancestor.number.checked_add(1) != Some(child_number) {
            return Err(ValidationError::AncestorChain(ancestor.number));
        }
        hashes.insert(ancestor.number, *hash);
        (child_number, child_parent_hash) = (ancestor.number, ancestor.parent_hash);
    }
    let parent = headers.pop().map(|(h, _)| h).ok_or(ValidationError::AncestorCount(0))?;
    Ok((parent, hashes))
}

/// Runs the block's system calls and transactions against the witness state.
fn execute(
    chain: &ChainConfig,
    block: &Block<TxEnvelope>,
    senders: &[alloy_primitives::Address],
    witness: &mut WitnessState<'_>,
) -> Result<
    (alloy_evm::block::BlockExecutionResult<ReceiptEnvelope>, revm::database::BundleState),
    ValidationError,
> {
    let header = &block.header;
    let env = EvmEnv::for_eth_block(header, chain, chain.chain_id(), chain.blob_params_at(header.timestamp));
    let mut state = State::builder().with_database(&mut *witness).with_bundle_update().build();
    let evm = EthEvmFactory::default().create_evm(&mut state, env);
    let factory =
        EthBlockExecutorFactory::new(AlloyReceiptBuilder::default(), chain.clone(), EthEvmFactory::default());
    let ctx = EthBlockExecutionCtx {
        parent_hash: header.parent_hash,
        parent_beacon_block_root: header.parent_beacon_block_root,
        ommers: &block.body.ommers,
        withdrawals: block.body.withdrawals.as_ref().map(|w| Cow::Borrowed(w.as_slice())),
        extra_data: header.extra_data.clone(),
        tx_count_hint: Some(block.body.transactions.len()),
        slot_number: None,
    };
    let executor = factory.create_executor(evm, ctx);
    let transactions =
        block.body.transactions.iter().zip(senders).map(|(tx, sender)| Recovered::new_unchecked(tx, *sender));
    let result = executor.execute_block(transactions);
    let result = match result {
        Ok(result) => result,
        Err(error) => {
            drop(state);
            return Err(match witness.failure() {
                Some(failure) => ValidationError::Witness(failure.clone()),
                None => execution_error(&error),
            });
        }
    };
    // EIP-7002 and EIP-7251: from Prague on, a block is invalid if either request contract has no
    // code when the end-of-block system calls run (alloy-evm calls it regardless).
    if chain.is_prague_active_at_timestamp(header.timestamp) {
        for contract in [WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS, CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS] {
            let account = revm::Database::basic(&mut state, contract);
            let has_code = matches!(&account, Ok(Some(info)) if info.code_hash != KECCAK256_EMPTY);
            if !has_code {
                drop(state);
                return Err(match witness.failure() {
                    Some(failure) => ValidationError::Witness(failure.clone()),
                    None => ValidationError::Execution(format!("system contract {contract} has no code")),
                });
            }
        }
    }
    state.merge_transitions(BundleRetention::PlainState);
    let bundle = state.take_bundle();
    drop(state);
    if let Some(failure) = witness.failure() {
        return Err(ValidationError::Witness(failure.clone()));
    }
    Ok((result, bundle))
}

fn execution_error(error: &BlockExecutionError) -> ValidationError {
    ValidationError::Execution(format!("{error}"))
}

fn check_results(
    header: &Header,
    result: &alloy_evm::block::BlockExecutionResult<ReceiptEnvelope>,
) -> Result<(), ValidationError> {
    if result.gas_used != header.gas_used {
        return Err(mismatch("gas used", header.gas_used, result.gas_used));
    }
    if let Some(blob_gas_used) = header.blob_gas_used
        && result.blob_gas_used != blob_gas_used
    {
        return Err(mismatch("blob gas used", blob_gas_used, result.blob_gas_used));
    }
    let receipts_root = proofs::calculate_receipt_root(&result.receipts);
    if receipts_root != header.receipts_root {
        return Err(mismatch("receipts root", header.receipts_root, receipts_root));
    }
    let bloom = result.receipts.iter().fold(Bloom::ZERO, |acc, r| acc | r.bloom());
    if bloom != header.logs_bloom {
        return Err(mismatch("logs bloom", header.logs_bloom, bloom));
    }
    if let Some(requests_hash) = header.requests_hash() {
        let computed = result.requests.requests_hash();
        if computed != requests_hash {
            return Err(mismatch("requests hash", requests_hash, computed));
        }
    }
    Ok(())
}
