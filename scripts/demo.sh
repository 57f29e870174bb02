#!/usr/bin/env bash
# The main job: prove a real Ethereum mainnet block end to end on this machine, in-process, with
# no server. Block 22,615,247 (26 transactions, 1.33 Mgas) and its execution witness are
# validated statelessly by the RV64IM validation guest; the run (about 14.3 M cycles) is cut
# into shards that are proven concurrently within a memory budget; the shard proofs are folded
# by recursion into one final proof of under 300 KiB at >= 128 provable bits; that proof is
# then verified on its own, which prints the block hash, the pre- and post-state roots and the
# security of every layer. On 2 cores this takes about 40 minutes (shards 13, aggregation 27)
# and peaks near 22 GiB in the last wrap; the key is then rebuilt from its recipe and compared
# (about 2 minutes). HEARTH_DEMO_AGGREGATE=0 keeps the shard proofs as
# the proof instead (`--shards-only`, ~15 minutes, ~12 GiB). Should the run stop, running
# this script again resumes it: every shard proof and every proof of the aggregation tree is
# kept in target/demo/block.proof.work as it is made, until the final proof is written.
#
# Fixtures are read from $HEARTH_FIXTURES (default ../shared/fixtures). Pass extra `prove-block`
# options (for example --shard-cycles 262144 or --max-memory 8G) as arguments. The report (stage
# times, shards, proof size, peak memory) is written to $HEARTH_REPORT (default
# target/demo/report.json).
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures="${HEARTH_FIXTURES:-../shared/fixtures}"
block="$fixtures/blocks/other-formats/zkpig-mainnet-22615247.json.gz"
[ -f "$block" ] || { echo "demo: $block not found (set HEARTH_FIXTURES)" >&2; exit 1; }
report="${HEARTH_REPORT:-target/demo/report.json}"
mkdir -p "$(dirname "$report")" target/demo

bash scripts/install-toolchain.sh
cargo build --release --locked -p hearth-cli
hearth=target/release/hearth

echo "== building the validation guest (RV64IM, reproducible)"
$hearth build-guest guest/stateless --locked
elf=target/guest/riscv64im-hearth-zkvm-elf/release/stateless

echo "== mainnet block 22,615,247, validated in the executor"
$hearth validate "$block" --elf "$elf"

proof=target/demo/block.proof
if [ "${HEARTH_DEMO_AGGREGATE:-1}" = 0 ]; then
    echo "== proving it (every shard at >= 128 bits of provable security)"
    $hearth prove-block "$block" --elf "$elf" -o "$proof" --report "$report" --shards-only "$@"
    echo "== verifying the proof against the validation guest"
    $hearth verify "$proof"
else
    echo "== proving it and folding the shard proofs into one (every layer at >= 128 provable bits)"
    # prove-block's default last layers: the final step at blowup 8, then wraps at 16, 32, 64
    # and 128, each verifying the one below with fewer queries and shorter tables.
    $hearth prove-block "$block" --elf "$elf" -o "$proof" --report "$report" "$@"
    echo "== verifying the final proof against the validation guest (key: $proof.key)"
    $hearth verify "$proof" --key "$proof.key"
    echo "== checking the key: rebuilt from the recipe it carries, with no proof"
    $hearth check-key "$proof.key"
fi
echo "report: $report"
