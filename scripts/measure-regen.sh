#!/usr/bin/env bash
# Time of a whole regen of spec/docs/ecs (read and parse every page, emit and format every file,
# compare with what is on disk) in the profile `cargo xtask regen` uses (dev, with the overrides in
# the workspace Cargo.toml). Runs `regen --check --timings` N times after a warm-up and prints
# each run's wall and CPU time, its phases, and the medians. The README's figures come from here.
#
#   scripts/measure-regen.sh [RUNS]      (default: 7)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
runs="${1:-7}"
cargo build -q -p xtask
bin=target/debug/xtask
"$bin" regen --check >/dev/null # warm the page cache

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pages:   $(find spec/docs/ecs -name '*.md' | wc -l)"
walls=()
cpus=()
for i in $(seq "$runs"); do
    out=$( { /usr/bin/time -f 'TIME %e %U %S' "$bin" regen --check --timings; } 2>&1 )
    read -r _ wall user sys <<<"$(grep '^TIME' <<<"$out")"
    cpu=$(awk "BEGIN {print $user + $sys}")
    walls+=("$wall")
    cpus+=("$cpu")
    printf 'run %2d: wall %5.2f s, cpu %5.2f s | %s\n' "$i" "$wall" "$cpu" "$(grep '^timings:' <<<"$out" | cut -d' ' -f2-)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: wall $(median "${walls[@]}") s, cpu $(median "${cpus[@]}") s (min wall $(printf '%s\n' "${walls[@]}" | sort -n | head -1) s)"
