//! `hearth prove` and `hearth verify` end to end on an assembled guest.

use std::process::Command;

fn hearth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
}

fn assemble(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    hearth_guest_builder::assemble(dir, &source, &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn prove_then_verify_by_elf_and_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let elf = assemble(
        dir.path(),
        "li t0, 10\nli a0, 0\n1:\naddi a0, a0, 3\naddi t0, t0, -1\nbne t0, zero, 1b\nli a7, 93\necall",
    );
    let proof = dir.path().join("proof.bin");
    let out = hearth().arg("prove").arg(&elf).arg("-o").arg(&proof).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let hash = stdout.lines().find_map(|l| l.strip_prefix("program hash  ")).unwrap().to_string();

    let verify = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .args(["--exit-code", "30"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(report.contains("VALID") && report.contains("Johnson bound"), "{report}");
    let jbr: u32 = report
        .lines()
        .find(|l| l.contains("Johnson bound"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|b| b.parse().ok())
        .unwrap();
    assert!(jbr >= 128, "{report}");

    let by_hash = hearth().arg("verify").arg(&proof).args(["--program-hash", &hash]).output().unwrap();
    assert!(by_hash.status.success(), "{}", String::from_utf8_lossy(&by_hash.stderr));

    // Wrong exit code, wrong hash, another program, a corrupted file: all rejected with status 5.
    let wrong_code = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .args(["--exit-code", "31"])
        .status()
        .unwrap();
    assert_eq!(wrong_code.code(), Some(5));
    let wrong_hash =
        hearth().arg("verify").arg(&proof).args(["--program-hash", &"00".repeat(32)]).status().unwrap();
    assert_eq!(wrong_hash.code(), Some(5));
    let other_dir = tempfile::tempdir().unwrap();
    let other = assemble(other_dir.path(), "li a0, 30\nli a7, 93\necall");
    let wrong_program = hearth().arg("verify").arg(&proof).arg("--elf").arg(&other).status().unwrap();
    assert_eq!(wrong_program.code(), Some(5));
    let mut bytes = std::fs::read(&proof).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let corrupted = dir.path().join("corrupted.bin");
    std::fs::write(&corrupted, bytes).unwrap();
    let status = hearth().arg("verify").arg(&corrupted).arg("--elf").arg(&elf).status().unwrap();
    assert_eq!(status.code(), Some(5));
}

#[test]
fn a_run_of_several_shards_proves_and_verifies_with_a_report() {
    let dir = tempfile::tempdir().unwrap();
    // About 36 k cycles: three shards of 2^14.
    let elf = assemble(
        dir.path(),
        "li t0, 12000\nli a0, 0\n1:\naddi a0, a0, 1\naddi t0, t0, -1\nbne t0, zero, 1b\nandi a0, a0, 255\nli a7, 93\necall",
    );
    let proof = dir.path().join("p.bin");
    let report = dir.path().join("report.json");
    let out = hearth()
        .arg("prove")
        .arg(&elf)
        .arg("-o")
        .arg(&proof)
        .args(["--shard-cycles", "16384", "--jobs", "2", "--max-memory", "6G", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("shards        3 of up to 16384 cycles"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(3/3)"), "progress for every shard: {stderr}");
    let executed = hearth().arg("execute").arg(&elf).arg("--json").output().unwrap();
    let executed: serde_json::Value = serde_json::from_slice(&executed.stdout).unwrap();
    let cycles = executed["cycles"].as_u64().unwrap();
    assert!((2 * 16384..3 * 16384).contains(&cycles), "{cycles} cycles");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["shards"], 3);
    assert_eq!(json["cycles"], cycles);
    assert_eq!(json["per_shard"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["proof_bytes"].as_u64(), Some(std::fs::metadata(&proof).unwrap().len()));
    assert!(json["security_bits"]["johnson_bound"].as_u64().unwrap() >= 128, "{json}");
    assert!(json["peak_memory_bytes"].as_u64().unwrap() > 0);

    // `inspect` reads the shards' shapes from the proof: the CPU table heights the prover
    // reported, and cycles adding up to the run's.
    let inspected = hearth().arg("inspect").arg(&proof).arg("--json").output().unwrap();
    assert!(inspected.status.success(), "{}", String::from_utf8_lossy(&inspected.stderr));
    let shapes: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    let cpu = shapes["tables"].as_array().unwrap().iter().position(|t| t == "cpu").unwrap();
    let per_shard = shapes["per_shard"].as_array().unwrap();
    assert_eq!(per_shard.len(), 3, "{shapes}");
    assert_eq!(per_shard.iter().map(|s| s["cycles"].as_u64().unwrap()).sum::<u64>(), cycles);
    for (inspected, reported) in per_shard.iter().zip(json["per_shard"].as_array().unwrap()) {
        assert_eq!(inspected["log_heights"][cpu], reported["cpu_log_height"], "{shapes}");
    }
    let text = hearth().arg("inspect").arg(&proof).arg("--per-shard").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("shapes        {} distinct", shapes["distinct_shapes"])), "{text}");
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, b"not a proof").unwrap();
    let refused = hearth().arg("inspect").arg(&garbage).output().unwrap();
    assert_eq!(refused.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("neither a run proof, a final proof nor an aggregation key")
    );

    let verify = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .args(["--exit-code", &executed["exit_code"].to_string()])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(text.contains("shards        3") && text.contains(&format!("cycles        {cycles}")), "{text}");
    // A proof file cut short is rejected, not a panic.
    let bytes = std::fs::read(&proof).unwrap();
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let status = hearth().arg("verify").arg(&cut).arg("--elf").arg(&elf).status().unwrap();
    assert_eq!(status.code(), Some(5));
}

#[test]
fn a_run_proven_on_the_height_menu_verifies_with_its_tables_raised() {
    let dir = tempfile::tempdir().unwrap();
    // About 9 k cycles: two shards of 2^13.
    let elf = assemble(
        dir.path(),
        "li t0, 3000\nli a0, 0\n1:\naddi a0, a0, 1\naddi t0, t0, -1\nbne t0, zero, 1b\nandi a0, a0, 255\nli a7, 93\necall",
    );
    let proof = dir.path().join("p.bin");
    let prove = |heights: &str| {
        hearth()
            .arg("prove")
            .arg(&elf)
            .arg("-o")
            .arg(&proof)
            .args(["--shard-cycles", "8192", "--table-heights", heights])
            .output()
            .unwrap()
    };
    let refused = prove("tall");
    assert_eq!(refused.status.code(), Some(2), "an unknown choice is a command-line error");
    let out = prove("menu");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verify =
        hearth().arg("verify").arg(&proof).arg("--elf").arg(&elf).args(["--exit-code", "184"]).output();
    let verify = verify.unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let inspected = hearth().arg("inspect").arg(&proof).arg("--json").output().unwrap();
    let shapes: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    let column = |name: &str| shapes["tables"].as_array().unwrap().iter().position(|t| t == name).unwrap();
    let per_shard = shapes["per_shard"].as_array().unwrap();
    assert_eq!(per_shard.len(), 2, "{shapes}");
    // The loop makes no bitwise request and touches a few words: both tables sit at the menu's
    // first entry, so the two shards share their shape but for the CPU's height.
    for shard in per_shard {
        assert_eq!(shard["log_heights"][column("bitwise")], 17, "{shapes}");
        assert_eq!(shard["log_heights"][column("memory_boundary")], 13, "{shapes}");
    }
}

#[test]
fn bad_run_options_and_guest_faults_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let elf = assemble(dir.path(), "li a0, 0\nli a7, 93\necall");
    let prove = |args: &[&str]| {
        hearth().arg("prove").arg(&elf).arg("-o").arg(dir.path().join("p.bin")).args(args).output().unwrap()
    };
    let zero = prove(&["--shard-cycles", "0"]);
    assert_eq!(zero.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--shard-cycles"));
    let size = prove(&["--max-memory", "lots"]);
    assert_eq!(size.status.code(), Some(2), "a bad size is a command-line error");
    assert!(String::from_utf8_lossy(&size.stderr).contains("not a size"));
    let blowup = prove(&["--aggregate", "--final-blowup", "16", "--wrap-blowups", "32,256"]);
    assert_eq!(blowup.status.code(), Some(2), "a wrap blowup past 128 is a command-line error");
    assert!(String::from_utf8_lossy(&blowup.stderr).contains("not a blowup"));
    let no_final_blowup = prove(&["--aggregate", "--wrap-blowups", "32"]);
    assert_eq!(no_final_blowup.status.code(), Some(2), "wraps need a size-tuned final step");
    // A guest that faults (a load from address 0) is reported as a fault, with no proof file.
    let faulty = assemble(dir.path(), "ld a0, 0(zero)\nli a7, 93\necall");
    let out = hearth().arg("prove").arg(&faulty).arg("-o").arg(dir.path().join("p.bin")).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("p.bin").exists(), "no proof file is written");
}

#[test]
fn a_rust_guest_proves_and_verifies_with_its_input_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let elf = dir.path().join("sort.elf");
    std::fs::write(&elf, hearth_guest_builder::bundled::elf("sort")).unwrap();
    let values: Vec<u32> = (0..64u32).map(|i| i.wrapping_mul(0x9e37_79b9) ^ 0x5555).collect();
    let input = dir.path().join("input.bin");
    std::fs::write(&input, values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
    let mut sorted = values.clone();
    sorted.sort_unstable();
    let expected = dir.path().join("expected.bin");
    std::fs::write(&expected, sorted.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();

    let proof = dir.path().join("sort.proof");
    let out =
        hearth().arg("prove").arg(&elf).arg("--input").arg(&input).arg("-o").arg(&proof).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let written = dir.path().join("written.bin");
    let verify = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .args(["--exit-code", "0"])
        .arg("--input")
        .arg(&input)
        .arg("--expected-output")
        .arg(&expected)
        .arg("--write-output")
        .arg(&written)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert_eq!(std::fs::read(&written).unwrap(), std::fs::read(&expected).unwrap());
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(report.contains("output        256 bytes"), "{report}");

    // Another input, another expected output: rejected with status 5.
    let other = dir.path().join("other.bin");
    std::fs::write(&other, b"1234").unwrap();
    let wrong_input =
        hearth().arg("verify").arg(&proof).arg("--elf").arg(&elf).arg("--input").arg(&other).status();
    assert_eq!(wrong_input.unwrap().code(), Some(5));
    let wrong_output = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .arg("--expected-output")
        .arg(&input)
        .status();
    assert_eq!(wrong_output.unwrap().code(), Some(5));
}

/// Stores a count each turn of a loop, writes it to the output (8 bytes) and exits with it.
const COUNT_AND_WRITE: &str = "li sp, 0x00ff0000\nli t1, 40\nli t0, 0\nloop:\naddi t0, t0, 1\nsd t0, 0(sp)\n\
     blt t0, t1, loop\nli a0, 1\nmv a1, sp\nli a2, 8\nli a7, 64\necall\nld a0, 0(sp)\nli a7, 93\necall";

#[test]
fn an_aggregated_run_verifies_with_its_key_and_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let elf = assemble(dir.path(), COUNT_AND_WRITE);
    let proof = dir.path().join("final.bin");
    let report = dir.path().join("report.json");
    let started = std::time::Instant::now();
    let out = hearth()
        .arg("prove")
        .arg(&elf)
        .arg("-o")
        .arg(&proof)
        // The tree's parameters left to `auto`: leaves this small are proven at rate 1/4.
        .args(["--shard-cycles", "64", "--aggregate", "--final-blowup", "8", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("proved and aggregated in {:?}", started.elapsed());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let hash = stdout.lines().find_map(|l| l.strip_prefix("program hash  ")).unwrap().to_string();
    assert!(stdout.contains("final layer   blowup 8, "), "{stdout}");
    let key = dir.path().join("final.bin.key");
    assert!(key.exists());
    assert!(
        !dir.path().join("final.bin.run").exists(),
        "the saved shard proofs go once the final proof is written"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let layers = json["aggregation"]["security_bits"].as_array().unwrap().clone();
    assert_eq!(layers.len(), 3, "{json}");
    assert!(layers.iter().all(|l| l["johnson_bound"].as_u64().unwrap() >= 128), "{json}");
    assert_eq!(json["aggregation"]["tree_params"], "default", "{json}");
    // Every step is reported as it ended, with its own peak memory: the setup, a leaf per
    // shard, one node fewer, then the final step.
    let shards = json["shards"].as_u64().unwrap() as usize;
    let steps = json["aggregation"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2 * shards + 1, "{json}");
    assert!(steps[0]["step"].as_str().unwrap().starts_with("setup"), "{json}");
    assert_eq!(steps[1]["step"], "leaf 0", "{json}");
    assert_eq!(steps[2 * shards]["step"], "final step", "{json}");
    let peaks: Vec<u64> = steps.iter().map(|s| s["peak_memory_bytes"].as_u64().unwrap()).collect();
    assert!(peaks.iter().all(|&p| p > 0), "{json}");
    assert!(json["peak_memory_bytes"].as_u64().unwrap() >= *peaks.iter().max().unwrap(), "{json}");

    let expected_output = dir.path().join("out.bin");
    std::fs::write(&expected_output, 40u64.to_le_bytes()).unwrap();
    let verify = |extra: &[&str]| {
        let mut command = hearth();
        command.arg("verify").arg(&proof).args(extra);
        command.output().unwrap()
    };
    let key_arg = key.to_str().unwrap();
    let elf_arg = elf.to_str().unwrap();
    let out_arg = expected_output.to_str().unwrap();
    let ok = verify(&["--elf", elf_arg, "--key", key_arg, "--exit-code", "40", "--expected-output", out_arg]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(text.contains("VALID") && text.contains("layer final") && text.contains("verify time"), "{text}");
    let by_hash = verify(&["--program-hash", &hash, "--key", key_arg]);
    assert!(by_hash.status.success(), "{}", String::from_utf8_lossy(&by_hash.stderr));

    // The key is rebuilt from its recipe and matches. A prover who sends both the key and the
    // proof can make them agree on a security record the parameters do not give: the proof
    // checks against that key, and only rebuilding the key (`verify --rebuild-key`) refuses it.
    let checked = hearth().arg("check-key").arg(&key).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let text = String::from_utf8_lossy(&checked.stdout);
    assert!(text.contains("KEY MATCHES ITS RECIPE") && text.contains("leaf programs"), "{text}");
    let inspected = hearth().arg("inspect").arg(&key).args(["--json"]).output().unwrap();
    assert!(inspected.status.success(), "{}", String::from_utf8_lossy(&inspected.stderr));
    let json: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(json["kind"], "key", "{json}");
    assert_eq!(
        json["recipe"]["leaf_shapes"].as_array().unwrap().len(),
        text_count(&text, "leaf programs"),
        "{json}"
    );
    let mut forged = hearth_verifier::AggregationKey::from_bytes(&std::fs::read(&key).unwrap()).unwrap();
    forged.layers[0].bits += 1;
    let forged_key = dir.path().join("forged.key");
    std::fs::write(&forged_key, forged.to_bytes().unwrap()).unwrap();
    let forged_arg = forged_key.to_str().unwrap();
    let mut forged_proof = hearth_verifier::FinalProof::from_bytes(&std::fs::read(&proof).unwrap()).unwrap();
    forged_proof.security[0].bits += 1;
    let forged_proof_path = dir.path().join("forged.bin");
    std::fs::write(&forged_proof_path, forged_proof.to_bytes().unwrap()).unwrap();
    let verify_forged = |extra: &[&str]| {
        let mut command = hearth();
        command
            .arg("verify")
            .arg(&forged_proof_path)
            .args(["--elf", elf_arg, "--key", forged_arg])
            .args(extra);
        command.output().unwrap()
    };
    let trusted = verify_forged(&[]);
    assert!(trusted.status.success(), "{}", String::from_utf8_lossy(&trusted.stderr));
    let refused = verify_forged(&["--rebuild-key"]);
    assert_eq!(refused.status.code(), Some(5), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("recipe"));
    let not_a_key = hearth().arg("check-key").arg(&proof).output().unwrap();
    assert_eq!(not_a_key.status.code(), Some(4), "{}", String::from_utf8_lossy(&not_a_key.stderr));

    // Without a key it is an error (exit 4); another exit code, output, program or a corrupted
    // file are rejections (exit 5).
    assert_eq!(verify(&["--elf", elf_arg]).status.code(), Some(4));
    assert_eq!(verify(&["--elf", elf_arg, "--key", key_arg, "--exit-code", "41"]).status.code(), Some(5));
    std::fs::write(&expected_output, 41u64.to_le_bytes()).unwrap();
    assert_eq!(
        verify(&["--elf", elf_arg, "--key", key_arg, "--expected-output", out_arg]).status.code(),
        Some(5)
    );
    let other_dir = tempfile::tempdir().unwrap();
    let other = assemble(other_dir.path(), "li a0, 40\nli a7, 93\necall");
    let other_arg = other.to_str().unwrap();
    assert_eq!(verify(&["--elf", other_arg, "--key", key_arg]).status.code(), Some(5));
    let mut bytes = std::fs::read(&proof).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&proof, bytes).unwrap();
    assert_eq!(verify(&["--elf", elf_arg, "--key", key_arg]).status.code(), Some(5));
}

#[test]
fn a_saved_run_proof_is_aggregated_apart() {
    let dir = tempfile::tempdir().unwrap();
    let elf = assemble(dir.path(), COUNT_AND_WRITE);
    let run = dir.path().join("run.bin");
    let proven =
        hearth().arg("prove").arg(&elf).arg("-o").arg(&run).args(["--shard-cycles", "64"]).output().unwrap();
    assert!(proven.status.success(), "{}", String::from_utf8_lossy(&proven.stderr));
    // The final-step flags without --aggregate are an error, not silently ignored.
    let ignored = hearth()
        .arg("prove")
        .arg(&elf)
        .arg("-o")
        .arg(dir.path().join("other.bin"))
        .args(["--shard-cycles", "64", "--final-blowup", "8"])
        .output()
        .unwrap();
    assert_eq!(ignored.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&ignored.stderr).contains("need --aggregate"));
    // An unknown tree parameter set is a bad command line that names the known ones.
    let unknown = hearth()
        .arg("aggregate")
        .arg(&run)
        .arg("-o")
        .arg(dir.path().join("x.bin"))
        .args(["--tree-params", "fast"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("half-rate-128"));

    let aggregate = |run: &std::path::Path, output: &std::path::Path| {
        hearth()
            .arg("aggregate")
            .arg(run)
            .arg("-o")
            .arg(output)
            .arg("--elf")
            .arg(&elf)
            .args(["--tree-params", "default", "--final-blowup", "8"])
            .output()
            .unwrap()
    };
    let proof = dir.path().join("final.bin");
    // Stopped once the first proof of the tree is kept, the aggregation resumes from it.
    let mut stopped = hearth();
    stopped.arg("aggregate").arg(&run).arg("-o").arg(&proof).arg("--elf").arg(&elf);
    stopped.args(["--tree-params", "default", "--final-blowup", "8"]);
    let kept = stop_once_kept(stopped, &dir.path().join("final.bin.work/steps"));
    let out = aggregate(&run, &proof);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("verify time"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("resuming: {kept} tree proofs kept")), "{stderr}");
    assert_eq!(stderr.matches("from an earlier attempt (proven then in ").count(), kept, "{stderr}");
    assert!(!dir.path().join("final.bin.work").exists(), "the kept proofs go with the final proof written");
    let key = dir.path().join("final.bin.key");
    let verify = hearth()
        .arg("verify")
        .arg(&proof)
        .arg("--elf")
        .arg(&elf)
        .arg("--key")
        .arg(&key)
        .args(["--exit-code", "40"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));

    // A run proof cut short is refused with the reason and no final proof.
    let bytes = std::fs::read(&run).unwrap();
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let refused = dir.path().join("refused.bin");
    let out = aggregate(&cut, &refused);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a run proof"));
    assert!(!refused.exists());
}

/// Runs `command` until a proof is kept in `folder`, then kills it, as a crash would stop it;
/// returns how many proofs it kept.
fn stop_once_kept(mut command: Command, folder: &std::path::Path) -> usize {
    let kept = || {
        std::fs::read_dir(folder).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "proof"))
                .count()
        })
    };
    let mut child =
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = std::time::Instant::now();
    while kept() == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the command ended before keeping a proof in {}",
            folder.display()
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1200),
            "nothing kept in {}",
            folder.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    kept()
}

#[test]
fn a_stopped_run_resumes_from_its_kept_shards() {
    let dir = tempfile::tempdir().unwrap();
    // COUNT_AND_WRITE counting to 300: about 1,000 cycles, 15 shards of 64.
    let elf = assemble(dir.path(), &COUNT_AND_WRITE.replace("li t1, 40", "li t1, 300"));
    let proof = dir.path().join("run.bin");
    let prove = |params: &str| {
        let mut command = hearth();
        command.arg("prove").arg(&elf).arg("-o").arg(&proof).args([
            "--shard-cycles",
            "64",
            "--params",
            params,
        ]);
        command
    };
    let shards_kept = dir.path().join("run.bin.work/shards");
    let kept = stop_once_kept(prove("default"), &shards_kept);

    // Another run (here another parameter set) refuses the folder rather than mixing its
    // proofs with the kept ones, and leaves them be.
    let other = prove("fast-100").output().unwrap();
    assert_eq!(other.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&other.stderr).contains("holds the proofs of another run"));
    assert!(std::fs::read_dir(&shards_kept).unwrap().count() > kept, "the kept proofs are still there");

    // The same command again proves only the shards not kept, and the run verifies.
    let out = prove("default").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("resuming: {kept} shard proofs kept")), "{stderr}");
    let resumed = stderr.matches("from an earlier attempt").count();
    let proven = stderr.matches(" proven (").count();
    assert_eq!(resumed, kept, "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("{kept} shards kept from an earlier attempt")), "{stdout}");
    assert!(proven >= 10, "{stderr}");
    assert!(!dir.path().join("run.bin.work").exists(), "the kept proofs go once the proof is written");
    let verify = hearth().arg("verify").arg(&proof).arg("--elf").arg(&elf).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains(&format!("shards        {}", resumed + proven)));
}

/// The number after `label` on its line of `text`.
fn text_count(text: &str, label: &str) -> usize {
    let line =
        text.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("no {label}: {text}"));
    line.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
}
