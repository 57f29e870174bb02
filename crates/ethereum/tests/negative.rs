//! Bad witnesses and bad blocks are rejected with specific errors, never a panic and never a
//! wrong verdict. Uses the Prague mainnet block 22,615,247 (26 transactions) from the fixtures.

use std::path::PathBuf;

use alloy_consensus::{Block, TxEnvelope};
use alloy_primitives::{B256, keccak256};
use alloy_rlp::Decodable;
use hearth_ethereum::{
    Outcome, StatelessInput, Status, ValidationError,
    formats::{BlockFile, load_block_file},
    trie::TrieError,
    validate, validate_encoded,
    witness::WitnessError,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn fixture() -> BlockFile {
    let dir = std::env::var_os("HEARTH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"));
    load_block_file(&dir.join("blocks/other-formats/zkpig-mainnet-22615247.json.gz")).expect("fixture loads")
}

fn run(file: &BlockFile) -> Outcome {
    validate(&file.input())
}

#[test]
fn the_unmodified_block_is_valid() {
    let outcome = run(&fixture());
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.public_output().status, Status::Valid);
}

#[test]
fn removing_the_state_root_node_is_reported() {
    let mut file = fixture();
    let root = run(&file).pre_state_root.expect("parent known");
    file.state.retain(|node| keccak256(node) != root);
    let outcome = run(&file);
    assert_eq!(outcome.result.as_ref().err(), Some(&ValidationError::MissingStateRoot(root)));
    assert_eq!(outcome.public_output().status, Status::Undecidable);
}

/// Every removed or altered node either was not needed (the block still validates) or is reported
/// as that missing node; never as an invalid block.
#[test]
fn removed_or_altered_witness_nodes_are_missing_nodes() {
    let original = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut reported = 0;
    for round in 0..40 {
        let mut file = original.clone();
        let at = rng.random_range(0..file.state.len());
        let hash = keccak256(&file.state[at]);
        if round % 2 == 0 {
            file.state.remove(at);
        } else {
            let byte = rng.random_range(0..file.state[at].len());
            file.state[at][byte] ^= 0x01;
        }
        match run(&file).result {
            Ok(_) => {}
            Err(ValidationError::Witness(WitnessError::Trie(TrieError::MissingNode(missing)))) => {
                assert_eq!(missing, hash, "round {round}: reported a different node");
                reported += 1;
            }
            Err(ValidationError::MissingStateRoot(root)) => {
                assert_eq!(root, hash);
                reported += 1;
            }
            Err(other) => panic!("round {round}: unexpected {other}"),
        }
    }
    assert!(reported >= 20, "most witness nodes are needed; only {reported} of 40 were reported");
}

#[test]
fn a_wrong_bytecode_is_a_missing_bytecode() {
    let mut file = fixture();
    let code = file.codes.iter().position(|c| c.len() > 100).expect("a contract");
    let hash = keccak256(&file.codes[code]);
    let last = file.codes[code].len() - 1;
    file.codes[code][last] ^= 0xff;
    assert_eq!(run(&file).result.err(), Some(ValidationError::Witness(WitnessError::MissingCode(hash))));
}

fn with_header(file: &BlockFile, change: impl FnOnce(&mut alloy_consensus::Header)) -> BlockFile {
    let mut block = Block::<TxEnvelope>::decode(&mut file.block.as_slice()).expect("block decodes");
    change(&mut block.header);
    BlockFile { block: alloy_rlp::encode(&block), ..file.clone() }
}

#[test]
fn a_wrong_state_root_is_an_invalid_block() {
    let file = with_header(&fixture(), |h| h.state_root = B256::repeat_byte(0x11));
    let outcome = run(&file);
    match &outcome.result {
        Err(ValidationError::Mismatch { field: "state root", header, .. }) => {
            assert!(header.contains("1111"))
        }
        other => panic!("expected a state root mismatch, got {other:?}"),
    }
    assert_eq!(outcome.public_output().status, Status::Invalid);
}

#[test]
fn a_wrong_gas_used_is_an_invalid_block() {
    let file = with_header(&fixture(), |h| h.gas_used += 1);
    match run(&file).result {
        Err(ValidationError::Mismatch { field: "gas used", .. }) => {}
        other => panic!("expected a gas used mismatch, got {other:?}"),
    }
}

#[test]
fn wrong_headers_and_roots_are_invalid_blocks() {
    let base = fixture();
    for (what, file) in [
        ("receipts root", with_header(&base, |h| h.receipts_root = B256::ZERO)),
        ("transactions root", with_header(&base, |h| h.transactions_root = B256::ZERO)),
        ("base fee", with_header(&base, |h| h.base_fee_per_gas = h.base_fee_per_gas.map(|f| f + 1))),
        ("gas limit", with_header(&base, |h| h.gas_limit *= 2)),
        ("timestamp", with_header(&base, |h| h.timestamp = 0)),
        ("extra data", with_header(&base, |h| h.extra_data = vec![0; 33].into())),
        ("excess blob gas", with_header(&base, |h| h.excess_blob_gas = Some(1))),
        ("requests hash", with_header(&base, |h| h.requests_hash = None)),
    ] {
        let outcome = run(&file);
        let error = outcome.result.as_ref().expect_err(what);
        assert!(error.is_invalid_block(), "{what}: {error}");
        assert_eq!(outcome.public_output().status, Status::Invalid, "{what}");
    }
}

#[test]
fn broken_ancestor_chains_are_undecidable() {
    let base = fixture();
    let mut wrong_parent = base.clone();
    let last = wrong_parent.headers[0].len() - 1;
    wrong_parent.headers[0][last] ^= 1;
    let mut no_parent = base.clone();
    no_parent.headers.clear();
    for (what, file) in [("altered parent", wrong_parent), ("no parent", no_parent)] {
        let outcome = run(&file);
        let error = outcome.result.as_ref().expect_err(what);
        assert!(
            matches!(
                error,
                ValidationError::AncestorChain(_)
                    | ValidationError::AncestorCount(_)
                    | ValidationError::AncestorEncoding(_)
            ),
            "{what}: {error}"
        );
        assert_eq!(outcome.public_output().status, Status::Undecidable, "{what}");
    }
}

#[test]
fn corrupted_inputs_never_panic() {
    let file = fixture();
    let encoded = file.input().encode();
    assert!(validate_encoded(&encoded).result.is_ok());
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..60 {
        let mut bytes = encoded.clone();
        match rng.random_range(0..3) {
            0 => bytes.truncate(rng.random_range(0..encoded.len())),
            _ => {
                for _ in 0..rng.random_range(1..4) {
                    let at = rng.random_range(0..bytes.len());
                    bytes[at] = rng.random();
                }
            }
        }
        // Anything may come out, as long as it is a verdict and not a panic; a flip that leaves the
        // block and its witness intact may still validate.
        let _ = validate_encoded(&bytes).public_output();
    }
    let mut input = StatelessInput::decode(&encoded).expect("decodes");
    input.block = &input.block[..input.block.len() / 2];
    assert!(matches!(validate(&input).result, Err(ValidationError::BlockEncoding(_))));
}
