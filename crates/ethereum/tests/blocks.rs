//! The real blocks in `fixtures/blocks` validate natively to their headers' state roots.

use std::path::PathBuf;

use hearth_ethereum::{formats::load_block_file, validate};

fn fixtures() -> PathBuf {
    std::env::var_os("HEARTH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
}

#[test]
fn real_blocks_validate_natively() {
    for name in [
        "blocks/mainnet-24628607.json.gz",
        "blocks/mainnet-24647140.json.gz",
        "blocks/other-formats/zkpig-mainnet-22615247.json.gz",
        "blocks/other-formats/ethrex-replay-hoodi-1265656.json.gz",
    ] {
        let file = load_block_file(&fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let outcome = validate(&file.input());
        let validated = outcome.result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(validated.post_state_root, validated.header.state_root, "{name}");
        eprintln!(
            "{name}: block {} valid, {} txs, {} gas",
            validated.header.number, validated.transactions, validated.header.gas_used
        );
    }
}
