#!/usr/bin/env bash
# Whether a page with N params (default 4000) generates a crate that compiles, and what it costs:
# writes a synthetic page (scripts/big-page.py), runs `regen --docs --out` into a temporary folder,
# builds the crate in debug (debuginfo on: where LLVM used to overflow its stack) and prints the
# wall time and rustc's peak resident memory. The README's big-page figures come from this script.
#
#   scripts/measure-big-page.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
n="${1:-4000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs/Others"
python3 scripts/big-page.py "$n" "$work/docs/Others/DescribeHuge.md"
cargo xtask regen --docs "$work/docs" --out "$work/out" | tail -n 3
# The workspace's target dir: ecs-api and its dependencies are already built there.
target="$(pwd)/target"
out=$( { /usr/bin/time -f '%e %M' cargo build -q --manifest-path "$work/out/Cargo.toml" --target-dir "$target" ; } 2>&1 | tail -n 1)
read -r secs kib <<<"$out"
echo "machine: $(nproc) cores (shared), page: $n params; debug build of the generated crate: ${secs} s, rustc peak $((kib / 1024)) MB"
