//! Every EEST Prague and Osaka blockchain test in `fixtures/eest/blockchain_tests` passes natively.

use std::path::PathBuf;

use hearth_ethereum::eest::{CaseResult, fixture_files, load_cases, run_case};

fn fixtures() -> PathBuf {
    std::env::var_os("HEARTH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

#[test]
fn eest_blockchain_tests_pass_natively() {
    let files = fixture_files(&fixtures().join("eest/blockchain_tests"));
    assert!(files.len() > 50, "found only {} fixture files", files.len());
    let (mut passed, mut failures) = (0, Vec::new());
    for file in &files {
        for case in load_cases(file).unwrap_or_else(|e| panic!("{}: {e}", file.display())) {
            match run_case(&case, |_, _| Ok(())) {
                CaseResult::Pass => passed += 1,
                CaseResult::Fail(why) | CaseResult::Error(why) => {
                    failures.push(format!("{} [{}]: {why}", case.name, case.network))
                }
            }
        }
    }
    for f in failures.iter().take(40) {
        eprintln!("FAIL {f}");
    }
    eprintln!("{passed} passed, {} failed", failures.len());
    assert!(failures.is_empty(), "{} of {} EEST cases failed", failures.len(), passed + failures.len());
}
