#!/usr/bin/env bash
# The main job, for now: build the `hearth` CLI and the bundled guest programs, then execute two
# of them (Keccak-256 and SHA-256 of this README through the accelerators, and a profiled run of a
# compute-heavy guest). A later release turns this into proving a mainnet block end to end.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-toolchain.sh
cargo build --release --locked -p hearth-cli
hearth=target/release/hearth

echo "== building the bundled guests (RV64IM, reproducible)"
$hearth build-guest guest/programs --locked
elf=target/guest/riscv64im-hearth-zkvm-elf/release

echo "== keccak256 and sha256 of README.md, through the accelerators and in software"
$hearth execute $elf/keccak --input README.md
$hearth execute $elf/sha256 --input README.md --json

echo "== where the cycles go: 2000 rounds of software Keccak-256"
$hearth execute $elf/keccak_sw --input-hex "$(printf '%016x' 2000 | fold -w2 | tac | tr -d '\n')" --profile --top 8
