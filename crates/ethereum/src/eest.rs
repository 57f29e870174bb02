//! Ethereum execution-spec-tests (EEST) `BlockchainTest` fixtures, run statelessly.
//!
//! For each test case the pre-state trie is built from `pre` (its root must equal the genesis
//! header's state root), and every block is validated with a witness made of all the state's trie
//! nodes, all bytecodes and the ancestor headers. Blocks marked `expectException` must be rejected
//! as invalid; the others must validate, and their post-state becomes the next block's witness.
//! At the end the last valid block must be `lastblockhash`, and the state root of `postState` (when
//! given) must be the last valid header's.

use std::{
    collections::BTreeMap,
    format,
    path::{Path, PathBuf},
    string::{String, ToString},
    vec::Vec,
};

use alloy_eips::{eip6110::MAINNET_DEPOSIT_CONTRACT_ADDRESS, eip7840::BlobParams};
use alloy_hardforks::{EthereumHardfork, ForkCondition};
use alloy_primitives::{Address, B256, KECCAK256_EMPTY, U256, keccak256};
use alloy_rlp::Decodable;
use alloy_trie::TrieAccount;
use serde_json::Value;

use crate::{
    Outcome,
    chain::ChainConfig,
    formats::{FormatError, hex_bytes, read_json},
    input::StatelessInput,
    trie::Trie,
    validate::{MAX_ANCESTORS, validate_with_post_state},
};

/// One block of a test case.
#[derive(Clone, Debug)]
pub struct CaseBlock {
    /// The block's RLP (possibly invalid).
    pub rlp: Vec<u8>,
    /// The exception the block must raise, if it is invalid.
    pub expect_exception: Option<String>,
}

/// One `BlockchainTest` case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case's name.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// The fixture's network (fork schedule) name.
    pub network: String,
    /// The chain configuration built from the network and the blob schedule, if supported.
    pub chain: Option<ChainConfig>,
    genesis_rlp: Vec<u8>,
    pre: Value,
    /// The blocks, in order.
    pub blocks: Vec<CaseBlock>,
    last_block_hash: Option<B256>,
    post_state: Option<Value>,
}

/// How a case ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseResult {
    /// Every expectation held.
    Pass,
    /// An expectation did not hold.
    Fail(String),
    /// The case could not be run (unsupported network, malformed fixture).
    Error(String),
}

/// Every `.json` / `.json.gz` file under `path` (or `path` itself), sorted.
pub fn fixture_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return std::vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut dirs = std::vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.to_string_lossy().ends_with(".json") || p.to_string_lossy().ends_with(".json.gz") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn field(msg: impl Into<String>) -> FormatError {
    FormatError::Field(msg.into())
}

/// Reads the test cases of one fixture file.
pub fn load_cases(path: &Path) -> Result<Vec<Case>, FormatError> {
    let json = read_json(path)?;
    let tests = json.as_object().ok_or_else(|| field(format!("{}: not a fixture object", path.display())))?;
    tests
        .iter()
        .map(|(name, case)| {
            let network = case["network"].as_str().unwrap_or_default().to_string();
            let chain_id = case["config"]["chainid"]
                .as_str()
                .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
                .unwrap_or(1);
            let chain = network_config(&network, chain_id, &case["config"]["blobSchedule"]);
            let blocks = case["blocks"]
                .as_array()
                .ok_or_else(|| field(format!("{name}: no blocks")))?
                .iter()
                .map(|b| {
                    Ok(CaseBlock {
                        rlp: hex_bytes(&b["rlp"])?,
                        expect_exception: b["expectException"].as_str().map(str::to_string),
                    })
                })
                .collect::<Result<_, FormatError>>()?;
            Ok(Case {
                name: name.clone(),
                file: path.to_path_buf(),
                network,
                chain,
                genesis_rlp: hex_bytes(&case["genesisRLP"])?,
                pre: case["pre"].clone(),
                blocks,
                last_block_hash: case["lastblockhash"].as_str().and_then(|s| s.parse().ok()),
                post_state: case.get("postState").cloned(),
            })
        })
        .collect()
}

/// Forks in activation order, with the names EEST uses for them.
const FORK_NAMES: &[(&str, EthereumHardfork)] = &[
    ("Frontier", EthereumHardfork::Frontier),
    ("Homestead", EthereumHardfork::Homestead),
    ("EIP150", EthereumHardfork::Tangerine),
    ("EIP158", EthereumHardfork::SpuriousDragon),
    ("Byzantium", EthereumHardfork::Byzantium),
    ("Constantinople", EthereumHardfork::Constantinople),
    ("ConstantinopleFix", EthereumHardfork::Petersburg),
    ("Istanbul", EthereumHardfork::Istanbul),
    ("MuirGlacier", EthereumHardfork::MuirGlacier),
    ("Berlin", EthereumHardfork::Berlin),
    ("London", EthereumHardfork::London),
    ("ArrowGlacier", EthereumHardfork::ArrowGlacier),
    ("GrayGlacier", EthereumHardfork::GrayGlacier),
    ("Paris", EthereumHardfork::Paris),
    ("Shanghai", EthereumHardfork::Shanghai),
    ("Cancun", EthereumHardfork::Cancun),
    ("Prague", EthereumHardfork::Prague),
    ("Osaka", EthereumHardfork::Osaka),
    ("BPO1", EthereumHardfork::Bpo1),
    ("BPO2", EthereumHardfork::Bpo2),
    ("BPO3", EthereumHardfork::Bpo3),
    ("BPO4", EthereumHardfork::Bpo4),
    ("BPO5", EthereumHardfork::Bpo5),
];

fn fork_index(name: &str) -> Option<usize> {
    FORK_NAMES.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// The activation of `fork` at genesis (`at = None`) or at timestamp / block `at`.
fn activation(fork: EthereumHardfork, at: Option<u64>) -> ForkCondition {
    let timestamp_based = fork >= EthereumHardfork::Shanghai;
    match (fork, at) {
        (EthereumHardfork::Paris, at) => ForkCondition::TTD {
            activation_block_number: at.unwrap_or(0),
            fork_block: None,
            total_difficulty: U256::ZERO,
        },
        (_, at) if timestamp_based => ForkCondition::Timestamp(at.unwrap_or(0)),
        (_, at) => ForkCondition::Block(at.unwrap_or(0)),
    }
}

/// The chain configuration for an EEST network name such as `Prague`, `Osaka` or
/// `PragueToOsakaAtTime15k`, with the fixture's blob schedule.
pub fn network_config(network: &str, chain_id: u64, blob_schedule: &Value) -> Option<ChainConfig> {
    let (base, transition) = match network.split_once("To") {
        Some((from, rest)) => {
            let (to, at) = rest.split_once("At")?;
            let at = if let Some(t) = at.strip_prefix("Time") {
                t.strip_suffix('k')
                    .map_or_else(|| t.parse().ok(), |k| k.parse::<u64>().ok().map(|k| k * 1000))?
            } else {
                at.strip_prefix("Block")?.parse().ok()?
            };
            (from, Some((fork_index(to)?, at)))
        }
        None => (network, None),
    };
    let last = fork_index(base)?;
    let mut forks: Vec<(EthereumHardfork, ForkCondition)> =
        FORK_NAMES[..=last].iter().map(|(_, fork)| (*fork, activation(*fork, None))).collect();
    if let Some((to, at)) = transition {
        for (_, fork) in &FORK_NAMES[last + 1..=to] {
            forks.push((*fork, activation(*fork, Some(at))));
        }
    }
    let mut blobs = Vec::new();
    if let Some(schedule) = blob_schedule.as_object() {
        for (name, params) in schedule {
            let Some(i) = fork_index(name) else { continue };
            let number = |key: &str| {
                params[key]
                    .as_str()
                    .and_then(|s| u128::from_str_radix(s.trim_start_matches("0x"), 16).ok())
                    .or_else(|| params[key].as_u64().map(u128::from))
            };
            let osaka_rules = FORK_NAMES[i].1 >= EthereumHardfork::Osaka;
            let base = if osaka_rules { BlobParams::osaka() } else { BlobParams::cancun() };
            let (target, max) = (number("target")? as u64, number("max")? as u64);
            let params = BlobParams {
                target_blob_count: target,
                max_blob_count: max,
                update_fraction: number("baseFeeUpdateFraction")?,
                max_blobs_per_tx: if osaka_rules { base.max_blobs_per_tx } else { max },
                ..base
            };
            blobs.push((FORK_NAMES[i].1, params));
        }
    } else {
        blobs = std::vec![
            (EthereumHardfork::Cancun, BlobParams::cancun()),
            (EthereumHardfork::Prague, BlobParams::prague()),
            (EthereumHardfork::Osaka, BlobParams::osaka()),
        ];
    }
    Some(ChainConfig::new(chain_id, forks, blobs, Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS)))
}

fn number(value: &Value) -> Result<U256, FormatError> {
    let s = value.as_str().ok_or_else(|| field(format!("expected a hex number, got {value}")))?;
    U256::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| field(format!("bad number {s}: {e}")))
}

/// A whole state: its root, every trie node and every bytecode.
struct FullState {
    root: B256,
    nodes: Vec<Vec<u8>>,
    codes: Vec<Vec<u8>>,
}

/// The full state of a fixture's `pre` / `postState` allocation.
fn build_state(alloc: &Value) -> Result<FullState, FormatError> {
    let accounts = alloc.as_object().ok_or_else(|| field("allocation is not an object"))?;
    let mut state = Trie::empty();
    let mut nodes = Vec::new();
    let mut codes = Vec::new();
    for (address, account) in accounts {
        let address: Address = address.parse().map_err(|_| field(format!("bad address {address}")))?;
        let mut storage = Trie::empty();
        if let Some(slots) = account["storage"].as_object() {
            for (slot, value) in slots {
                let value = number(value)?;
                if !value.is_zero() {
                    let slot = number(&Value::String(slot.clone()))?;
                    storage
                        .insert(keccak256(slot.to_be_bytes::<32>()).as_slice(), alloy_rlp::encode(value))
                        .map_err(|e| field(e.to_string()))?;
                }
            }
        }
        let code = hex_bytes(&account["code"])?;
        let code_hash = if code.is_empty() { KECCAK256_EMPTY } else { keccak256(&code) };
        if !code.is_empty() {
            codes.push(code);
        }
        let leaf = TrieAccount {
            nonce: number(&account["nonce"])?.saturating_to(),
            balance: number(&account["balance"])?,
            storage_root: storage.root(),
            code_hash,
        };
        nodes.extend(storage.nodes());
        state
            .insert(keccak256(address).as_slice(), alloy_rlp::encode(leaf))
            .map_err(|e| field(e.to_string()))?;
    }
    let root = state.root();
    nodes.extend(state.nodes());
    Ok(FullState { root, nodes, codes })
}

/// Runs one case, handing each block's input and native outcome to `check` (which may, for
/// example, also run the block in the executor and compare).
pub fn run_case(
    case: &Case,
    mut check: impl FnMut(&StatelessInput<'_>, &Outcome) -> Result<(), String>,
) -> CaseResult {
    let Some(chain) = &case.chain else {
        return CaseResult::Error(format!("unsupported network {}", case.network));
    };
    // `genesisRLP` is the whole genesis block; the witness needs its header.
    let genesis =
        match alloy_consensus::Block::<alloy_consensus::TxEnvelope>::decode(&mut case.genesis_rlp.as_slice())
        {
            Ok(block) => block.header,
            Err(e) => return CaseResult::Error(format!("genesis does not decode: {e}")),
        };
    let genesis_rlp = alloy_rlp::encode(&genesis);
    let FullState { root, mut nodes, mut codes } = match build_state(&case.pre) {
        Ok(state) => state,
        Err(e) => return CaseResult::Error(format!("pre-state: {e}")),
    };
    if root != genesis.state_root {
        return CaseResult::Fail(format!(
            "pre-state root {root} differs from the genesis state root {}",
            genesis.state_root
        ));
    }
    let mut last_valid = (keccak256(&genesis_rlp), genesis);
    let mut ancestors: Vec<Vec<u8>> = std::vec![genesis_rlp];
    for (i, block) in case.blocks.iter().enumerate() {
        let input = StatelessInput {
            chain: chain.clone(),
            builtin_chain: false,
            block: &block.rlp,
            state: nodes.iter().map(Vec::as_slice).collect(),
            codes: codes.iter().map(Vec::as_slice).collect(),
            headers: ancestors.iter().map(Vec::as_slice).collect(),
        };
        let (outcome, post) = validate_with_post_state(&input, true);
        if let Err(e) = check(&input, &outcome) {
            return CaseResult::Fail(format!("block {i}: {e}"));
        }
        match (&block.expect_exception, &outcome.result) {
            (Some(_), Err(e)) if e.is_invalid_block() => {}
            (Some(expected), Err(e)) => {
                return CaseResult::Fail(format!(
                    "block {i}: expected {expected}, but the input was undecidable: {e}"
                ));
            }
            (Some(expected), Ok(_)) => {
                return CaseResult::Fail(format!("block {i}: valid, expected {expected}"));
            }
            (None, Err(e)) => return CaseResult::Fail(format!("block {i}: {e}")),
            (None, Ok(validated)) => {
                let post = post.unwrap_or_default();
                nodes.extend(post.nodes);
                codes.extend(post.codes);
                let header_rlp = alloy_rlp::encode(&validated.header);
                ancestors.push(header_rlp);
                if ancestors.len() > MAX_ANCESTORS {
                    ancestors.remove(0);
                }
                last_valid = (validated.hash, validated.header.clone());
            }
        }
    }
    if let Some(expected) = case.last_block_hash
        && last_valid.0 != expected
    {
        return CaseResult::Fail(format!("last valid block {}, expected {expected}", last_valid.0));
    }
    if let Some(post) = &case.post_state {
        match build_state(post) {
            Ok(state) if state.root == last_valid.1.state_root => {}
            Ok(FullState { root, .. }) => {
                return CaseResult::Fail(format!(
                    "postState root {root} differs from the last state root {}",
                    last_valid.1.state_root
                ));
            }
            Err(e) => return CaseResult::Error(format!("postState: {e}")),
        }
    }
    CaseResult::Pass
}

/// Counts of a run over many cases.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Failed cases with their reasons.
    pub failed: Vec<(String, String)>,
    /// Cases that could not be run, with their reasons.
    pub errors: Vec<(String, String)>,
    /// Cases per network.
    pub networks: BTreeMap<String, usize>,
}
