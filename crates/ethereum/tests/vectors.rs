//! The Ethereum test vectors for tries and RLP (`../shared/fixtures/ethereum-tests`, from
//! ethereum/tests): our trie must produce every expected root, in insertion order and in any order,
//! for plain and secure (key-hashed) tries; the RLP we rely on must encode and reject as specified.

use std::{io::Read as _, path::PathBuf};

use alloy_primitives::{B256, keccak256};
use hearth_ethereum::trie::Trie;
use serde_json::Value;

fn fixtures() -> PathBuf {
    std::env::var_os("HEARTH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

fn load(name: &str) -> serde_json::Map<String, Value> {
    let path = fixtures().join("ethereum-tests").join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("gzip JSON");
    serde_json::from_str(&text).expect("JSON object")
}

/// Test strings are hex when prefixed with 0x, else raw bytes.
fn bytes(v: &str) -> Vec<u8> {
    match v.strip_prefix("0x") {
        Some(hex) => hex::decode(hex).expect("hex"),
        None => v.as_bytes().to_vec(),
    }
}

fn root_of(ops: &[(Vec<u8>, Option<Vec<u8>>)], secure: bool) -> B256 {
    let mut trie = Trie::empty();
    for (key, value) in ops {
        let key = if secure { keccak256(key).to_vec() } else { key.clone() };
        match value {
            Some(v) if !v.is_empty() => trie.insert(&key, v.clone()).expect("insert"),
            _ => trie.remove(&key).expect("remove"),
        }
    }
    trie.root()
}

fn ops_of(input: &Value) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    match input {
        Value::Array(pairs) => {
            pairs.iter().map(|p| (bytes(p[0].as_str().expect("key")), p[1].as_str().map(bytes))).collect()
        }
        Value::Object(map) => map.iter().map(|(k, v)| (bytes(k), v.as_str().map(bytes))).collect(),
        _ => panic!("unexpected input {input}"),
    }
}

fn check_trie_file(name: &str, secure: bool) {
    let tests = load(name);
    assert!(!tests.is_empty());
    for (test, case) in &tests {
        let expected: B256 = case["root"].as_str().expect("root").parse().expect("B256");
        let ops = ops_of(&case["in"]);
        assert_eq!(root_of(&ops, secure), expected, "{name}: {test}");
        if case["in"].is_object() {
            // "any order": every permutation must give the same root; try the reverse too.
            let reversed: Vec<_> = ops.iter().rev().cloned().collect();
            assert_eq!(root_of(&reversed, secure), expected, "{name}: {test} reversed");
        }
    }
}

#[test]
fn trie_tests() {
    check_trie_file("TrieTests_trietest.json.gz", false);
    check_trie_file("TrieTests_trieanyorder.json.gz", false);
}

#[test]
fn secure_trie_tests() {
    check_trie_file("TrieTests_trietest_secureTrie.json.gz", true);
    check_trie_file("TrieTests_hex_encoded_securetrie_test.json.gz", true);
}

/// Big-endian bytes of a decimal number of any size.
fn decimal_bytes(decimal: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    for digit in decimal.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, carry as u8);
            carry >>= 8;
        }
    }
    out
}

fn rlp_of(value: &Value, out: &mut Vec<u8>) {
    use alloy_rlp::{Encodable, Header};
    match value {
        Value::String(s) if s.starts_with('#') => decimal_bytes(&s[1..]).as_slice().encode(out),
        Value::String(s) => s.as_bytes().encode(out),
        Value::Number(n) => n.as_u64().expect("u64").encode(out),
        Value::Array(items) => {
            let mut payload = Vec::new();
            for item in items {
                rlp_of(item, &mut payload);
            }
            Header { list: true, payload_length: payload.len() }.encode(out);
            out.extend_from_slice(&payload);
        }
        other => panic!("unexpected RLP test input {other}"),
    }
}

/// Decodes a whole RLP item tree, as a validator decoding untrusted data must.
fn decode_tree(buf: &mut &[u8]) -> alloy_rlp::Result<()> {
    let header = alloy_rlp::Header::decode(buf)?;
    let (mut payload, rest) = buf.split_at(header.payload_length);
    if header.list {
        while !payload.is_empty() {
            decode_tree(&mut payload)?;
        }
    }
    *buf = rest;
    Ok(())
}

#[test]
fn rlp_tests() {
    for (test, case) in load("RLPTests_rlptest.json.gz") {
        let mut encoded = Vec::new();
        rlp_of(&case["in"], &mut encoded);
        let expected = bytes(case["out"].as_str().expect("out"));
        assert_eq!(encoded, expected, "{test}");
        let mut buf = expected.as_slice();
        decode_tree(&mut buf).unwrap_or_else(|e| panic!("{test}: {e}"));
        assert!(buf.is_empty(), "{test}");
    }
}

#[test]
fn invalid_rlp_is_rejected() {
    for (test, case) in load("RLPTests_invalidRLPTest.json.gz") {
        let encoded = bytes(case["out"].as_str().expect("out"));
        let mut buf = encoded.as_slice();
        let whole_item = decode_tree(&mut buf).is_ok() && buf.is_empty();
        assert!(!whole_item, "{test}: {} decoded", case["out"]);
    }
}
