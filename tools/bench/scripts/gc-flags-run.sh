#!/usr/bin/env bash
# One run of the raft-node GC flag comparison in BENCHMARKS.md ("Eighth session"): a fresh
# 3-node cluster with the given GC flags and V8's --trace-gc, 30 s of 16-client puts to warm
# it, then 24 s at 256 clients (kv-load.ts prints throughput, latency, CPU per put and
# scavenges), then each node's old-generation collections summed from its log.
#   tools/bench/scripts/gc-flags-run.sh "--max-semi-space-size=64 --no-parallel-scavenge" [DATA_DIR]
# Alternate the variants between runs: this VM's speed drifts by tens of percent.
set -euo pipefail
gc_args=${1:?usage: gc-flags-run.sh "GC FLAGS" [DATA_DIR]}
dir=${2:-/tmp/gc-flags-run}
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
rm -rf "$dir"
up=(tools/cluster/src/main.ts up --nodes 3 --base-port 7400 --data-dir "$dir" --no-services)
LOG_LEVEL=warn RAFT_NODE_GC_ARGS="$gc_args" RAFT_NODE_ARGS=--trace-gc node_modules/.bin/tsx "${up[@]}" > "$dir.out" 2>&1 &
stop() {
  # SIGINT to every process of the launcher (tsx and the node it runs), then wait for it.
  pkill -INT -f "${up[*]}" || true
  for _ in $(seq 1 40); do pgrep -f "${up[*]}" > /dev/null || return 0; sleep 0.5; done
}
trap stop EXIT
sleep 12
load() { npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/kv-load.ts --data-dir "$dir" "$@" 2>/dev/null; }
load --clients 16 --seconds 30 > /dev/null
echo "== GC flags: $gc_args"
load --clients 256 --seconds 24 | grep -E 'puts/s|by node|scavenges'
# --trace-gc lines: "Mark-Compact A (B) -> C (D) MB, PAUSE / X ms (+ ... biggest step STEP ms ...".
for n in n1 n2 n3; do
  grep -E 'Mark-Compact' "$dir/$n.log" | sed -E 's/.*MB, ([0-9.]+) \/.*/\1/' |
    awk -v n="$n" '{c++; s+=$1; if ($1>m) m=$1} END {printf "%s: %d old-generation collections, pauses %.0f ms in all, longest %.1f ms\n", n, c, s, m}'
done
