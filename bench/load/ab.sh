#!/usr/bin/env bash
# Interleaved comparison of server binaries under the load bench: runs bench/load/run.sh for
# each binary in turn, ROUNDS times, and prints one line per run (updates/s, p99, the writer's
# and the I/O threads' CPU per update, peak RSS, whether the row check passed), then the mean
# of each binary. The machine's speed drifts by more than most changes are worth, so compare
# binaries only within one run of this script.
#
#   bench/load/ab.sh ROUNDS DURATION BINARY... [-- run.sh options]
#
# A BINARY may be a wrapper script that sets the environment and execs the server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ $# -lt 3 ]]; then sed -n '2,10p' "$0"; exit 2; fi
rounds=$1 duration=$2
shift 2
binaries=()
while [[ $# -gt 0 && "$1" != "--" ]]; do binaries+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
results=$(mktemp)
out=$(mktemp)
trap 'rm -f "$results" "$out"' EXIT
for _ in $(seq "$rounds"); do
  for b in "${binaries[@]}"; do
    bash "$root/bench/load/run.sh" --binary "$b" --duration "$duration" "$@" >"$out" 2>&1 || true
    python3 - "$b" "$results" "$out" <<'PY'
import re, sys
name, results = sys.argv[1], sys.argv[2]
out = open(sys.argv[3], encoding="utf-8", errors="replace").read()
def num(pattern, default=0.0):
    m = re.search(pattern, out)
    return float(m.group(1)) if m else default
ups = num(r"updates/s \(wrk\):\s+([0-9.]+)")
p99 = num(r"p99 ([0-9.]+) ms")
n = num(r"\ninbound: ([0-9]+)")
writer = num(r"sb-writer:([0-9.]+)")
io = sum(float(x) for x in re.findall(r"sb-io:([0-9.]+)", out))
rss = num(r"peak RSS \(VmHWM\):\s+([0-9]+)")
ok = "CHECK OK" in out
per = lambda s: s * 1e6 / n if n else 0.0
print(f"{name:<40} {ups:9.0f} updates/s  p99 {p99:6.2f} ms  writer {per(writer):5.1f} us  io {per(io):5.1f} us  rss {rss:4.0f} MB  {'ok' if ok else 'CHECK FAILED'}")
with open(results, "a") as f:
    f.write(f"{name}\t{ups}\t{per(writer)}\t{per(io)}\n")
PY
  done
done
python3 - "$results" <<'PY'
import sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, ups, w, io = line.rstrip("\n").split("\t")
    rows[name].append((float(ups), float(w), float(io)))
for name, r in rows.items():
    k = len(r)
    print(f"mean {name:<35} {sum(x[0] for x in r)/k:9.0f} updates/s  writer {sum(x[1] for x in r)/k:5.1f} us  io {sum(x[2] for x in r)/k:5.1f} us  ({k} runs)")
PY
