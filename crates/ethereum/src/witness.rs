//! The parent block's state, as far as the witness reveals it, behind revm's `Database` trait.
//!
//! Accounts come from the state trie (keyed by `keccak(address)`), storage from each account's
//! storage trie (keyed by `keccak(slot)`, revealed the first time the account's storage is read),
//! bytecode from the witness codes (keyed by their hash) and block hashes from the ancestor
//! headers. Anything the witness lacks is a [`WitnessError`]: execution stops, and the block is
//! reported as unprovable with this witness rather than as invalid.

use alloc::{collections::BTreeMap, vec::Vec};

use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256, map::B256Map};
use alloy_rlp::Decodable;
use alloy_trie::{EMPTY_ROOT_HASH, TrieAccount};
use revm::{
    bytecode::Bytecode,
    database::BundleState,
    database_interface::{DBErrorMarker, Database},
    state::AccountInfo,
};

use crate::trie::{NodeMap, Trie, TrieError};

/// The witness does not contain what execution needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// A trie node on the path to an account or slot is missing or malformed.
    #[error(transparent)]
    Trie(#[from] TrieError),
    /// An account leaf does not decode.
    #[error("malformed account for {0}")]
    MalformedAccount(Address),
    /// A storage leaf does not decode.
    #[error("malformed storage slot {slot} of {address}")]
    MalformedStorage {
        /// The account.
        address: Address,
        /// The slot.
        slot: U256,
    },
    /// Bytecode with this hash is not in the witness.
    #[error("witness is missing bytecode {0}")]
    MissingCode(B256),
    /// The hash of this block number is not among the ancestor headers.
    #[error("witness is missing the header of block {0}")]
    MissingBlockHash(u64),
}

impl DBErrorMarker for WitnessError {}

/// What the witness says about one account.
#[derive(Clone, Debug)]
struct Account {
    /// `None` for an account the trie proves absent.
    leaf: Option<TrieAccount>,
    /// Its storage trie, once revealed.
    storage: Option<Trie>,
}

/// The parent state reconstructed from the witness.
#[derive(Debug)]
pub struct WitnessState<'w> {
    nodes: NodeMap<'w>,
    state: Trie,
    accounts: BTreeMap<Address, Account>,
    codes: B256Map<Bytes>,
    block_hashes: BTreeMap<u64, B256>,
    /// The first error handed to the EVM, kept because the executor's error does not preserve it.
    failure: Option<WitnessError>,
}

impl<'w> WitnessState<'w> {
    /// The state with root `state_root`, revealed from `nodes`; `codes` are the witness bytecodes
    /// and `block_hashes` the hashes of the ancestors by number.
    pub fn new(
        state_root: B256,
        nodes: NodeMap<'w>,
        codes: &[&[u8]],
        block_hashes: BTreeMap<u64, B256>,
    ) -> Result<Self, TrieError> {
        let state = Trie::from_witness(state_root, &nodes)?;
        let codes = codes.iter().map(|code| (keccak256(code), Bytes::copy_from_slice(code))).collect();
        Ok(Self { nodes, state, accounts: BTreeMap::new(), codes, block_hashes, failure: None })
    }

    /// The first witness error execution ran into, if any.
    pub fn failure(&self) -> Option<&WitnessError> {
        self.failure.as_ref()
    }

    fn fail<T>(&mut self, error: WitnessError) -> Result<T, WitnessError> {
        if self.failure.is_none() {
            self.failure = Some(error.clone());
        }
        Err(error)
    }

    fn account(&mut self, address: Address) -> Result<&mut Account, WitnessError> {
        if !self.accounts.contains_key(&address) {
            let leaf = match self.state.get(keccak256(address).as_slice()) {
                Ok(None) => None,
                Ok(Some(mut rlp)) => match TrieAccount::decode(&mut rlp) {
                    Ok(account) if rlp.is_empty() => Some(account),
                    _ => return self.fail(WitnessError::MalformedAccount(address)),
                },
                Err(e) => return self.fail(e.into()),
            };
            self.accounts.insert(address, Account { leaf, storage: None });
        }
        Ok(self.accounts.get_mut(&address).expect("inserted above"))
    }

    fn storage_trie(&mut self, address: Address) -> Result<&mut Trie, WitnessError> {
        self.account(address)?;
        let account = self.accounts.get(&address).expect("loaded above");
        if account.storage.is_none() {
            let root = account.leaf.as_ref().map_or(EMPTY_ROOT_HASH, |a| a.storage_root);
            let trie = match Trie::from_witness(root, &self.nodes) {
                Ok(trie) => trie,
                Err(e) => return self.fail(e.into()),
            };
            self.accounts.get_mut(&address).expect("loaded above").storage = Some(trie);
        }
        Ok(self.accounts.get_mut(&address).and_then(|a| a.storage.as_mut()).expect("revealed above"))
    }

    /// Applies the block's state changes and returns the new state root.
    pub fn apply(&mut self, bundle: &BundleState) -> Result<B256, WitnessError> {
        // Sorted, so the work (and in the guest, the cycle count) does not depend on hash order.
        let mut changed: Vec<_> = bundle.state.iter().collect();
        changed.sort_by_key(|(address, _)| **address);
        for (address, change) in changed {
            let address = *address;
            let wiped = change.status.was_destroyed();
            let mut slots: Vec<_> = change
                .storage
                .iter()
                .filter(|(_, slot)| wiped || slot.is_changed())
                .map(|(key, slot)| (*key, slot.present_value))
                .collect();
            slots.sort_by_key(|(key, _)| *key);
            let storage_root = if wiped || !slots.is_empty() {
                self.account(address)?;
                let mut trie =
                    if wiped { Trie::empty() } else { core::mem::take(self.storage_trie(address)?) };
                for (slot, value) in slots {
                    let key = keccak256(slot.to_be_bytes::<32>());
                    let result = if value.is_zero() {
                        trie.remove(key.as_slice())
                    } else {
                        trie.insert(key.as_slice(), alloy_rlp::encode(value))
                    };
                    if let Err(e) = result {
                        return self.fail(e.into());
                    }
                }
                let root = trie.root();
                self.account(address)?.storage = Some(trie);
                root
            } else {
                self.account(address)?.leaf.as_ref().map_or(EMPTY_ROOT_HASH, |a| a.storage_root)
            };
            let key = keccak256(address);
            let result = match &change.info {
                // Destroyed, or emptied and cleared (EIP-161): the leaf goes.
                None => self.state.remove(key.as_slice()),
                Some(info) => {
                    let leaf = TrieAccount {
                        nonce: info.nonce,
                        balance: info.balance,
                        storage_root,
                        code_hash: info.code_hash,
                    };
                    self.state.insert(key.as_slice(), alloy_rlp::encode(leaf))
                }
            };
            if let Err(e) = result {
                return self.fail(e.into());
            }
        }
        Ok(self.state.root())
    }
}

impl WitnessState<'_> {
    /// The nodes of the state trie and of every storage trie revealed so far, as they are now:
    /// after [`WitnessState::apply`], what a witness of the new state needs for these tries.
    pub fn revealed_nodes(&mut self) -> Vec<Vec<u8>> {
        let mut nodes = self.state.nodes();
        for account in self.accounts.values_mut() {
            if let Some(storage) = &mut account.storage {
                nodes.extend(storage.nodes());
            }
        }
        nodes
    }
}

impl Database for WitnessState<'_> {
    type Error = WitnessError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        let Some(leaf) = self.account(address)?.leaf else {
            return Ok(None);
        };
        let code = if leaf.code_hash == KECCAK256_EMPTY { Some(Bytecode::default()) } else { None };
        Ok(Some(AccountInfo {
            balance: leaf.balance,
            nonce: leaf.nonce,
            code_hash: leaf.code_hash,
            code,
            ..Default::default()
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        if code_hash == KECCAK256_EMPTY {
            return Ok(Bytecode::default());
        }
        match self.codes.get(&code_hash) {
            Some(code) => Ok(Bytecode::new_raw(code.clone())),
            None => self.fail(WitnessError::MissingCode(code_hash)),
        }
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, Self::Error> {
        let key = keccak256(index.to_be_bytes::<32>());
        let value = match self.storage_trie(address)?.get(key.as_slice()) {
            Ok(value) => value.map(<[u8]>::to_vec),
            Err(e) => return self.fail(e.into()),
        };
        match value {
            None => Ok(U256::ZERO),
            Some(rlp) => match U256::decode(&mut rlp.as_slice()) {
                Ok(v) => Ok(v),
                Err(_) => self.fail(WitnessError::MalformedStorage { address, slot: index }),
            },
        }
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        match self.block_hashes.get(&number) {
            Some(hash) => Ok(*hash),
            None => self.fail(WitnessError::MissingBlockHash(number)),
        }
    }
}
