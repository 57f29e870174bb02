#!/usr/bin/env bash
# The test command: installs what is missing, then checks formatting and lints and runs every
# test (the guest programs are built on the way). Slow tests behind #[ignore] are run with
# `cargo test --release -- --ignored` (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-toolchain.sh
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --release --locked
