#!/usr/bin/env bash
# Builds the whole test suite with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer, and runs it with ctest. A report from any process fails the run:
# a test, or a supplybot the integration tests started (its stderr goes to a temporary folder
# that is deleted, so every report is written under the build folder instead and printed here;
# this also catches demo and cli_version, which ctest passes on their output whatever the exit code).
# Called by deploy/test.sh before the Release suite.
#   SUPPLYBOT_SANITIZE_BUILD_DIR  build folder (default build-sanitize)
#   SUPPLYBOT_JOBS                parallel compile jobs (default: number of cores)
# clang at -O0: a quarter of the CPU time GCC takes at -O1 for the same checks (half of GCC at
# -O0), which is what lets this run fit in CI (docs/decisions.md, "The test suite under ASan
# and UBSan in CI").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${SUPPLYBOT_SANITIZE_BUILD_DIR:-build-sanitize}
jobs=${SUPPLYBOT_JOBS:-$(nproc)}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
  -DSUPPLYBOT_SANITIZE=ON -DSUPPLYBOT_BUILD_TESTS=ON -DSUPPLYBOT_BUILD_BENCH=OFF -DSUPPLYBOT_FUZZ=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$jobs"

reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)  # absolute: tests and the servers they start run elsewhere
# Leaks are checked at every exit; stack use after return and initialisation order too.
# UBSan stops at the first finding (the build also says -fno-sanitize-recover=undefined).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/report:log_exe_name=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/report:log_exe_name=1"
status=0
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 || status=$?
found=0
for f in "$reports"/report.*; do
  [ -e "$f" ] || continue
  found=1
  echo "== sanitizer report $f"
  cat "$f"
done
if [ "$found" -ne 0 ]; then
  echo "sanitize: FAILED, sanitizer reports above"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "sanitize: FAILED, ctest failed under the sanitizers"
  exit "$status"
fi
echo "sanitize: whole suite clean under ASan, LSan and UBSan"
