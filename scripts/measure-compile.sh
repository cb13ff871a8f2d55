#!/usr/bin/env bash
# Compile cost of the ecs-api crate itself: its dependencies are built first, then only ecs-api is
# cleaned and rebuilt, in debug and release, with every category and with one. Prints wall time and
# the peak resident memory of the largest process (rustc) for each build. The README's figures
# come from this script.
#
#   scripts/measure-compile.sh [CATEGORY_FEATURE]      (default: snapshots)
set -euo pipefail
cd "$(dirname "$0")/.."
# A crate users depend on is built without incremental caches, as every dependency is.
export CARGO_INCREMENTAL=0
one="${1:-snapshots}"

measure() { # profile-flag label features...
    local flag="$1" label="$2"
    shift 2
    cargo build -q -p ecs-api $flag "$@" 2>/dev/null # dependencies (and ecs-api) warm
    cargo clean -q -p ecs-api $flag
    local out
    out=$( { /usr/bin/time -f '%e %M' cargo build -q -p ecs-api $flag "$@" ; } 2>&1 | tail -n 1)
    read -r secs kib <<<"$out"
    printf '%-8s %-22s %7.1f s %8.0f MB\n' "${flag:---debug}" "$label" "$secs" "$((kib / 1024))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "rustc:   $(rustc --version)"
echo "source:  $(du -sh ecs-api/src/generated | cut -f1) generated, largest file $(find ecs-api/src/generated -name '*.rs' -printf '%s %p\n' | sort -n | tail -1 | awk '{printf "%.0f KB (%s)", $1/1024, $2}')"
measure "" "all features"
measure "" "$one only" --no-default-features --features "$one"
measure --release "all features"
measure --release "$one only" --no-default-features --features "$one"
