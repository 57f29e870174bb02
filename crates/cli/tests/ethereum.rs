//! `hearth validate` and `hearth eest` end to end: the real blocks and the EEST fixtures validate
//! in the executor (the RV64IM guest) with the same verdict as natively.

use std::{
    path::PathBuf,
    process::{Command, Output},
};

use hearth_ethereum::formats::{load_block_file, read_json};
use hearth_guest_builder::bundled;

fn fixtures() -> PathBuf {
    std::env::var_os("HEARTH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

fn guest_elf() -> String {
    bundled::stateless().expect("the validation guest builds").to_string_lossy().into_owned()
}

fn hearth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth")).args(args).output().expect("run hearth")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const BLOCKS: [&str; 4] = [
    "blocks/mainnet-24628607.json.gz",
    "blocks/mainnet-24647140.json.gz",
    "blocks/other-formats/zkpig-mainnet-22615247.json.gz",
    "blocks/other-formats/ethrex-replay-hoodi-1265656.json.gz",
];

#[test]
fn real_blocks_validate_in_the_executor() {
    let elf = guest_elf();
    for name in BLOCKS {
        let path = fixtures().join(name);
        let path = path.to_str().expect("utf-8");
        let out = hearth(&["validate", path, "--json", "--elf", &elf]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let report = json(&out);
        assert_eq!(report["status"], "valid", "{name}");
        let file = load_block_file(&fixtures().join(name)).expect("loads");
        let header = hearth_ethereum::validate(&file.input()).result.expect("valid natively").header;
        assert_eq!(report["post_state_root"], header.state_root.to_string(), "{name}");
        assert_eq!(report["gas_used"], header.gas_used, "{name}");
        assert!(report["cycles"].as_u64().expect("cycles") > 1_000_000);

        let native = json(&hearth(&["validate", path, "--json", "--native"]));
        for field in ["status", "block_hash", "post_state_root", "pre_state_root", "gas_used"] {
            assert_eq!(native[field], report[field], "{name}: {field}");
        }
    }
}

#[test]
fn an_invalid_block_is_reported_with_its_reason() {
    // The canonical fixture with its header's state root replaced.
    let original = read_json(&fixtures().join(BLOCKS[0])).expect("JSON");
    let mut file = load_block_file(&fixtures().join(BLOCKS[0])).expect("loads");
    let mut block: alloy_consensus::Block<alloy_consensus::TxEnvelope> =
        alloy_rlp::Decodable::decode(&mut file.block.as_slice()).expect("decodes");
    block.header.state_root = alloy_primitives::B256::repeat_byte(0x42);
    file.block = alloy_rlp::encode(&block);
    let mut tampered = original.clone();
    tampered["block_rlp"] = serde_json::Value::String(format!("0x{}", hex::encode(&file.block)));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tampered.json");
    std::fs::write(&path, tampered.to_string()).expect("write");
    let path = path.to_str().expect("utf-8");

    let elf = guest_elf();
    for extra in [&["--elf", elf.as_str()][..], &["--native"][..]] {
        let out = hearth(&[&["validate", path, "--json"][..], extra].concat());
        assert_eq!(out.status.code(), Some(1), "an invalid block exits with 1");
        let report = json(&out);
        assert_eq!(report["status"], "invalid");
        assert!(report["reason"].as_str().expect("reason").contains("state root mismatch"), "{report}");
    }
}

#[test]
fn profile_breaks_cycles_down_by_phase() {
    let path = fixtures().join(BLOCKS[2]);
    let out = hearth(&["validate", path.to_str().expect("utf-8"), "--profile", "--elf", &guest_elf()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for phase in [
        "input decoding",
        "witness and trie verification",
        "signature recovery",
        "transaction execution (excl. precompiles)",
        "precompiles",
        "post-state root",
        "cycles/gas",
    ] {
        assert!(text.contains(phase), "missing {phase}:\n{text}");
    }
}

/// Every EEST Prague and Osaka blockchain test, natively and in the executor.
#[test]
fn eest_fixtures_pass_in_the_executor() {
    let dir = fixtures().join("eest/blockchain_tests");
    let out = hearth(&["eest", dir.to_str().expect("utf-8"), "--json", "--elf", &guest_elf()]);
    let report = json(&out);
    assert!(out.status.success(), "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["passed"].as_u64().expect("passed") >= 900, "{report}");
}

/// A real (EEST) block validated by the guest and proven as a run of several shards, the proven
/// output equal to the native verdict; then through `prove-block`'s argument checks.
#[test]
fn an_eest_block_proves_across_shards_in_the_validation_guest() {
    use hearth_machine::{ProgramSource, prove_run, verify_run};
    let path = fixtures()
        .join("eest/blockchain_tests/prague/eip7623_increase_calldata_cost/test_gas_consumption_below_data_floor.json.gz");
    let cases = hearth_ethereum::eest::load_cases(&path).expect("loads");
    let mut captured = None;
    hearth_ethereum::eest::run_case(&cases[0], |input, outcome| {
        captured.get_or_insert_with(|| (input.encode(), outcome.public_output()));
        Ok(())
    });
    let (input, expected) = captured.expect("the case has a block");
    assert_eq!(expected.status, hearth_ethereum::Status::Valid);
    let program =
        hearth_executor::Program::from_elf(&std::fs::read(guest_elf()).expect("ELF")).expect("loads");
    let params = hearth_stark::ProofParams::insecure_test();
    let proof = prove_run(&hearth_stark::CpuBackend, &program, &input, &params, 1 << 17).expect("proves");
    assert!(proof.shards.len() >= 2, "{} shards", proof.shards.len());
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(hearth_ethereum::PublicOutput::decode(&public.output), Some(expected));

    // `prove-block` on a file that is not a block fails with a clear error and no proof file.
    let dir = tempfile::tempdir().expect("temp dir");
    let not_a_block = dir.path().join("block.json");
    std::fs::write(&not_a_block, "{}").expect("write");
    let proof_path = dir.path().join("block.proof");
    let out = hearth(&[
        "prove-block",
        not_a_block.to_str().expect("utf-8"),
        "-o",
        proof_path.to_str().expect("utf-8"),
        "--elf",
        &guest_elf(),
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot load"));
    assert!(!proof_path.exists());
    // Its aggregation flags are checked as `prove`'s are: wraps need a size-tuned final step,
    // and last layers contradict --shards-only.
    for flags in [&["--wrap-blowups", "32"][..], &["--shards-only", "--final-blowup", "8"]] {
        let mut args = vec!["prove-block", not_a_block.to_str().expect("utf-8"), "-o"];
        args.push(proof_path.to_str().expect("utf-8"));
        args.extend_from_slice(flags);
        let out = hearth(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!proof_path.exists());
    }
}
