#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest). This is the README's
# "test" command and what CI runs (.ci/run).
#   SUPPLYBOT_BUILD_DIR   build folder (default: build)
#   SUPPLYBOT_JOBS        parallel compile jobs (default: number of cores)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash deploy/install-deps.sh
build=${SUPPLYBOT_BUILD_DIR:-build}
jobs=${SUPPLYBOT_JOBS:-$(nproc)}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSUPPLYBOT_BUILD_TESTS=ON
cmake --build "$build" -j "$jobs"
# The reverse proxy of deploy/nginx/ for real: HTTPS on loopback in front of the server just built.
SUPPLYBOT_BIN="$build/supplybot" bash deploy/nginx-test.sh
# Crash safety: SIGKILL in the middle of a load, restart, every acknowledged update exactly once,
# integrity_check ok, pending replies sent after the restart; and a full disk (docs/durability.md).
timeout 150 bash tests/crash/kill9.sh --binary "$build/supplybot"
timeout 60 python3 tests/crash/diskfull.py --binary "$build/supplybot"
# The parser and the WeChat callback path under libFuzzer (clang, ASan, UBSan), bounded.
bash deploy/fuzz.sh
# The whole suite again, built with AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer
# (clang, build-sanitize/): any report fails the run.
SUPPLYBOT_JOBS="$jobs" bash deploy/sanitize.sh
# Last, so its summary is the closing line of the run.
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600
