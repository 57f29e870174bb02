#!/usr/bin/env bash
# The main job, for now: validate a real mainnet block statelessly inside Hearth's executor (the
# RV64IM guest) and show where its cycles go, then the same block natively; then prove a Rust
# guest (sorting 2,000 numbers read from its input) and verify the proof. Proving whole blocks
# needs continuations: this script will then prove the block end to end.
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

echo "== proving a Rust guest: sort 2,000 random 32-bit numbers (input) into its public output"
$hearth build-guest guest/programs --locked --bin sort
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
head -c 8000 /dev/urandom > "$work/input.bin"
sort_elf=target/guest/riscv64im-hearth-zkvm-elf/release/sort
$hearth prove "$sort_elf" --input "$work/input.bin" -o "$work/sort.proof"
echo "== verifying the proof against the ELF and the input"
$hearth verify "$work/sort.proof" --elf "$sort_elf" --input "$work/input.bin" --exit-code 0
