#!/usr/bin/env bash
# The main job, for now: validate a real mainnet block statelessly inside Hearth's executor (the
# RV64IM guest) and show where its cycles go, then the same block natively. Proving comes next:
# this script will then prove the block end to end.
#
# Fixtures are read from $HEARTH_FIXTURES (default ../shared/fixtures).
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures="${HEARTH_FIXTURES:-../shared/fixtures}"
block="$fixtures/blocks/mainnet-24628607.json.gz"
[ -f "$block" ] || { echo "demo: $block not found (set HEARTH_FIXTURES)" >&2; exit 1; }

bash scripts/install-toolchain.sh
cargo build --release --locked -p hearth-cli
hearth=target/release/hearth

echo "== building the validation guest (RV64IM, reproducible)"
$hearth build-guest guest/stateless --locked

echo "== mainnet block 24,628,607 (Osaka, 66 transactions), validated in the executor"
$hearth validate "$block" --elf target/guest/riscv64im-hearth-zkvm-elf/release/stateless --profile

echo "== the same block, natively"
$hearth validate "$block" --native
