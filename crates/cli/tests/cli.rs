//! The `hearth` binary, end to end: output formats, exit statuses and error messages.

use std::process::{Command, Output};

use hearth_executor::Program;
use hearth_guest_builder::bundled;

fn hearth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth")).args(args).output().expect("run hearth")
}

fn elf_path(name: &str) -> String {
    let programs = bundled::programs().expect("bundled guests build");
    programs[name].to_string_lossy().into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_explains_the_commands() {
    let out = hearth(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for word in ["execute", "build-guest", "Exit status"] {
        assert!(text.contains(word), "--help lacks {word}: {text}");
    }
    let out = hearth(&["execute", "--help"]);
    for word in ["--input", "--max-cycles", "--json", "--profile"] {
        assert!(stdout(&out).contains(word), "execute --help lacks {word}");
    }
}

#[test]
fn execute_json_reports_the_run() {
    let elf = elf_path("fibonacci");
    let out = hearth(&["execute", &elf, "--input-hex", "5a00000000000000", "--json", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON object");
    let program = Program::from_elf(&std::fs::read(&elf).expect("read ELF")).expect("loads");
    assert_eq!(report["program_hash"], program.hash().to_string());
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["output_hex"], hex::encode(2_880_067_194_370_816_120u64.to_le_bytes()));
    assert_eq!(report["unaligned_accesses"], 0);
    assert!(report["cycles"].as_u64().expect("cycles") > 90);
    assert!(report["wall_ms"].as_f64().expect("wall_ms") >= 0.0);
}

#[test]
fn execute_human_report_and_input_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input.bin");
    std::fs::write(&input, b"abc").expect("write input");
    let out = hearth(&["execute", &elf_path("sha256"), "--input", input.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert!(text.contains(&format!("0x{digest}{digest}")), "{text}");
    for field in
        ["program", "exit code   0 (success)", "cycles", "unaligned", "sha256_compress x1", "wall time"]
    {
        assert!(text.contains(field), "missing {field}: {text}");
    }
}

#[test]
fn guest_failure_and_faults_set_the_exit_status() {
    let out = hearth(&["execute", &elf_path("panic")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("deliberate panic"), "{}", stderr(&out));
    assert!(stdout(&out).contains("exit code   101 (failure)"));

    let out = hearth(&["execute", &elf_path("fault"), "--input-hex", "0800000000000000"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("guest fault") && err.contains("0x8") && err.contains("pc 0x"), "{err}");
    assert!(err.contains("in function"), "the faulting function is named: {err}");

    let out = hearth(&["execute", &elf_path("fault"), "--input-hex", "0800000000000000", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert!(report["error"]["pc"].as_u64().is_some());

    let out = hearth(&[
        "execute",
        &elf_path("fibonacci"),
        "--input-hex",
        "e803000000000000",
        "--max-cycles",
        "100",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("cycle limit of 100"), "{}", stderr(&out));
}

#[test]
fn bad_files_are_clear_errors() {
    let out = hearth(&["execute", "/nonexistent/guest.elf"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("cannot read /nonexistent/guest.elf"), "{}", stderr(&out));

    let out = hearth(&["execute", env!("CARGO_MANIFEST_DIR")]);
    assert_eq!(out.status.code(), Some(4));

    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = hearth(&["execute", manifest]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("not a Hearth guest"), "{}", stderr(&out));

    let out = hearth(&["execute", &elf_path("fibonacci"), "--input-hex", "zz"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("--input-hex"));

    let out = hearth(&["execute"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit with 2");
}

#[test]
fn profile_names_the_hot_function() {
    let out = hearth(&[
        "execute",
        &elf_path("keccak_sw"),
        "--input-hex",
        "6400000000000000",
        "--profile",
        "--top",
        "3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("function (own cycles)")).skip(1).collect();
    assert_eq!(table.len(), 3, "{text}");
    assert!(table[0].contains("keccak"), "{text}");
}

#[test]
fn build_guest_prints_program_hashes() {
    let target = bundled::target_dir();
    let dir = bundled::programs_dir();
    let out = hearth(&[
        "build-guest",
        dir.to_str().expect("utf-8"),
        "--bin",
        "fibonacci",
        "--target-dir",
        target.to_str().expect("utf-8"),
        "--locked",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON line");
    let elf = line["elf"].as_str().expect("elf path");
    let program = Program::from_elf(&std::fs::read(elf).expect("read")).expect("loads");
    assert_eq!(line["program_hash"], program.hash().to_string());
    assert_eq!(line["name"], "fibonacci");

    let out = hearth(&["build-guest", dir.to_str().expect("utf-8"), "--bin", "nope"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}
