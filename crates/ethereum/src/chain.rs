//! Chain configurations: which forks are active when, and each fork's blob parameters.
//!
//! Mainnet, Sepolia and Hoodi are built in and chosen by chain id. Test networks (the EEST
//! fixtures' `Prague`, `PragueToOsakaAtTime15k`, ...) use a custom schedule carried in the input.
//! Either way the configuration has a canonical encoding, and its hash is part of the public
//! output, so a proof says exactly which rules the block was validated under.

use alloc::vec::Vec;

use alloy_eips::{eip6110::MAINNET_DEPOSIT_CONTRACT_ADDRESS, eip7840::BlobParams};
use alloy_evm::eth::spec::EthExecutorSpec;
use alloy_hardforks::{EthereumHardfork, EthereumHardforks, ForkCondition};
use alloy_primitives::{Address, B256, U256, address, keccak256};

use crate::codec::{Reader, Writer};

/// Mainnet's chain id.
pub const MAINNET: u64 = 1;
/// Sepolia's chain id.
pub const SEPOLIA: u64 = 11_155_111;
/// Hoodi's chain id.
pub const HOODI: u64 = 560_048;

/// The fork schedule and blob parameters of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    chain_id: u64,
    /// Sorted by fork.
    forks: Vec<(EthereumHardfork, ForkCondition)>,
    /// Blob parameters from each fork on, sorted by fork.
    blobs: Vec<(EthereumHardfork, BlobParams)>,
    deposit_contract: Option<Address>,
}

/// The blob parameters Ethereum defines for each fork that changed them.
fn standard_blob_schedule() -> Vec<(EthereumHardfork, BlobParams)> {
    alloc::vec![
        (EthereumHardfork::Cancun, BlobParams::cancun()),
        (EthereumHardfork::Prague, BlobParams::prague()),
        (EthereumHardfork::Osaka, BlobParams::osaka()),
        (EthereumHardfork::Bpo1, BlobParams::bpo1()),
        (EthereumHardfork::Bpo2, BlobParams::bpo2()),
    ]
}

impl ChainConfig {
    /// A configuration from its parts.
    pub fn new(
        chain_id: u64,
        forks: impl IntoIterator<Item = (EthereumHardfork, ForkCondition)>,
        blobs: impl IntoIterator<Item = (EthereumHardfork, BlobParams)>,
        deposit_contract: Option<Address>,
    ) -> Self {
        let mut forks: Vec<_> = forks.into_iter().collect();
        forks.sort_by_key(|(fork, _)| *fork);
        forks.dedup_by_key(|(fork, _)| *fork);
        let mut blobs: Vec<_> = blobs.into_iter().collect();
        blobs.sort_by_key(|(fork, _)| *fork);
        blobs.dedup_by_key(|(fork, _)| *fork);
        Self { chain_id, forks, blobs, deposit_contract }
    }

    /// Ethereum mainnet.
    pub fn mainnet() -> Self {
        Self::new(
            MAINNET,
            EthereumHardfork::mainnet(),
            standard_blob_schedule(),
            Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS),
        )
    }

    /// The Sepolia testnet.
    pub fn sepolia() -> Self {
        Self::new(
            SEPOLIA,
            EthereumHardfork::sepolia(),
            standard_blob_schedule(),
            Some(address!("0x7f02c3e3c98b133055b8b348b2ac625669ed295d")),
        )
    }

    /// The Hoodi testnet.
    pub fn hoodi() -> Self {
        Self::new(
            HOODI,
            EthereumHardfork::hoodi(),
            standard_blob_schedule(),
            Some(address!("0x00000000219ab540356cBB839Cbe05303d7705Fa")),
        )
    }

    /// The built-in configuration for `chain_id`, if there is one.
    pub fn for_chain_id(chain_id: u64) -> Option<Self> {
        match chain_id {
            MAINNET => Some(Self::mainnet()),
            SEPOLIA => Some(Self::sepolia()),
            HOODI => Some(Self::hoodi()),
            _ => None,
        }
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The forks and their activation conditions.
    pub fn forks(&self) -> &[(EthereumHardfork, ForkCondition)] {
        &self.forks
    }

    /// The blob parameters in force at `timestamp`, if blobs exist then (Cancun and later).
    pub fn blob_params_at(&self, timestamp: u64) -> Option<BlobParams> {
        self.blobs
            .iter()
            .rev()
            .find(|(fork, _)| self.ethereum_fork_activation(*fork).active_at_timestamp(timestamp))
            .map(|(_, params)| *params)
    }

    /// Canonical encoding, part of the guest input.
    pub fn encode(&self, w: &mut Writer) {
        w.u64(self.chain_id);
        w.u32(self.forks.len() as u32);
        for (fork, condition) in &self.forks {
            w.u8(*fork as u8);
            match condition {
                ForkCondition::Block(n) => {
                    w.u8(0);
                    w.u64(*n);
                }
                ForkCondition::Timestamp(t) => {
                    w.u8(1);
                    w.u64(*t);
                }
                ForkCondition::TTD { activation_block_number, fork_block, total_difficulty } => {
                    w.u8(2);
                    w.u64(*activation_block_number);
                    w.u64(fork_block.unwrap_or(u64::MAX));
                    w.bytes_fixed(&total_difficulty.to_le_bytes::<32>());
                }
                ForkCondition::Never => w.u8(3),
            }
        }
        w.u32(self.blobs.len() as u32);
        for (fork, p) in &self.blobs {
            w.u8(*fork as u8);
            w.u64(p.target_blob_count);
            w.u64(p.max_blob_count);
            w.u128(p.update_fraction);
            w.u128(p.min_blob_fee);
            w.u64(p.max_blobs_per_tx);
            w.u64(p.blob_base_cost);
        }
        match self.deposit_contract {
            Some(a) => {
                w.u8(1);
                w.bytes_fixed(a.as_slice());
            }
            None => w.u8(0),
        }
    }

    /// Decodes [`ChainConfig::encode`]'s output.
    pub fn decode(r: &mut Reader<'_>) -> Option<Self> {
        let chain_id = r.u64()?;
        let mut forks = Vec::new();
        for _ in 0..r.count(10)? {
            let fork = fork_from_index(r.u8()?)?;
            let condition = match r.u8()? {
                0 => ForkCondition::Block(r.u64()?),
                1 => ForkCondition::Timestamp(r.u64()?),
                2 => {
                    let activation_block_number = r.u64()?;
                    let fork_block = Some(r.u64()?).filter(|b| *b != u64::MAX);
                    let total_difficulty = U256::from_le_bytes::<32>(r.array()?);
                    ForkCondition::TTD { activation_block_number, fork_block, total_difficulty }
                }
                3 => ForkCondition::Never,
                _ => return None,
            };
            forks.push((fork, condition));
        }
        let mut blobs = Vec::new();
        for _ in 0..r.count(57)? {
            let fork = fork_from_index(r.u8()?)?;
            let params = BlobParams {
                target_blob_count: r.u64()?,
                max_blob_count: r.u64()?,
                update_fraction: r.u128()?,
                min_blob_fee: r.u128()?,
                max_blobs_per_tx: r.u64()?,
                blob_base_cost: r.u64()?,
            };
            // Values the blob-fee arithmetic cannot take (zero fractions, a target above the max).
            if params.update_fraction == 0 || params.target_blob_count > params.max_blob_count {
                return None;
            }
            blobs.push((fork, params));
        }
        let deposit_contract = match r.u8()? {
            0 => None,
            1 => Some(Address::from(r.array::<20>()?)),
            _ => return None,
        };
        Some(Self::new(chain_id, forks, blobs, deposit_contract))
    }

    /// Keccak-256 of the canonical encoding: what the public output commits to.
    pub fn hash(&self) -> B256 {
        let mut w = Writer::default();
        self.encode(&mut w);
        keccak256(w.finish())
    }
}

/// The fork whose discriminant is `index` (the encoding's fork identifier).
fn fork_from_index(index: u8) -> Option<EthereumHardfork> {
    EthereumHardfork::VARIANTS.iter().copied().find(|f| *f as u8 == index)
}

impl EthereumHardforks for ChainConfig {
    fn ethereum_fork_activation(&self, fork: EthereumHardfork) -> ForkCondition {
        self.forks.binary_search_by_key(&fork, |(f, _)| *f).map_or(ForkCondition::Never, |i| self.forks[i].1)
    }
}

impl EthExecutorSpec for ChainConfig {
    fn deposit_contract_address(&self) -> Option<Address> {
        self.deposit_contract
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainnet_forks_and_blob_schedule() {
        let mainnet = ChainConfig::mainnet();
        assert!(mainnet.is_osaka_active_at_timestamp(1_764_798_551));
        assert!(!mainnet.is_osaka_active_at_timestamp(1_764_798_550));
        assert_eq!(mainnet.blob_params_at(1_764_798_551), Some(BlobParams::osaka()));
        assert_eq!(mainnet.blob_params_at(1_765_290_071), Some(BlobParams::bpo1()));
        assert_eq!(mainnet.blob_params_at(1_767_747_671), Some(BlobParams::bpo2()));
        assert_eq!(mainnet.blob_params_at(1_700_000_000), None, "before Cancun");
    }

    #[test]
    fn encoding_round_trips_and_hashes_differ() {
        for config in [ChainConfig::mainnet(), ChainConfig::sepolia(), ChainConfig::hoodi()] {
            let mut w = Writer::default();
            config.encode(&mut w);
            let bytes = w.finish();
            let decoded = ChainConfig::decode(&mut Reader::new(&bytes)).expect("decodes");
            assert_eq!(decoded, config);
            for cut in 0..bytes.len() {
                assert!(ChainConfig::decode(&mut Reader::new(&bytes[..cut])).is_none());
            }
        }
        assert_ne!(ChainConfig::mainnet().hash(), ChainConfig::sepolia().hash());
    }
}
