#!/usr/bin/env bash
# Crash test: acknowledged updates survive SIGKILL, the database stays intact, and replies
# pending at the crash are sent after the restart. See docs/durability.md.
#
#   tests/crash/kill9.sh [--binary PATH] [--rounds N] [--load-seconds S] [--workers N]
#                        [--max-acks-per-round N] [--keep]
#
# Without --binary it builds the Release server in build-load/ (cmake, incremental).
# Needs python3 (standard library only). Uses 127.0.0.1 and a temp dir only. Takes about
# 20-40 s; a hard timeout ends it after 110 s.
# Exit status: 0 passed, 1 a check failed, 2 set-up error.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --rounds|--load-seconds|--workers|--max-acks-per-round) args+=("$1" "$2"); shift 2 ;;
    --keep) args+=("$1"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "missing python3" >&2; exit 2; }
if [[ -z "$binary" ]]; then
  cmake -S "$repo" -B "$repo/build-load" -DCMAKE_BUILD_TYPE=Release -DSUPPLYBOT_BUILD_TESTS=OFF \
    -DSUPPLYBOT_BUILD_BENCH=OFF >/dev/null
  cmake --build "$repo/build-load" --target supplybot -j2 >/dev/null
  binary="$repo/build-load/supplybot"
fi
[[ -x "$binary" ]] || { echo "not an executable: $binary" >&2; exit 2; }
# The whole test is bounded: a hung server or client cannot hold CI.
exec timeout --kill-after=5 110 python3 "$repo/tests/crash/kill9.py" --binary "$(realpath "$binary")" "${args[@]}"
