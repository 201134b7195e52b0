#!/usr/bin/env bash
# Builds the libFuzzer targets (parser, WeChat callback path, Telegram decoder) with clang and runs each for a
# bounded time. A crash fails the run and leaves the input in the build folder; turn it into a
# regression test. Called by deploy/test.sh.
#   SUPPLYBOT_FUZZ_SECONDS    seconds per target (default 30)
#   SUPPLYBOT_FUZZ_BUILD_DIR  build folder (default build-fuzz)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
secs=${SUPPLYBOT_FUZZ_SECONDS:-30}
build=${SUPPLYBOT_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSUPPLYBOT_FUZZ=ON -DSUPPLYBOT_BUILD_BENCH=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" --target parse_fuzz wechat_fuzz telegram_fuzz -j "$(nproc)"
mkdir -p "$build/fuzz-corpus/parse" "$build/fuzz-corpus/wechat" "$build/fuzz-corpus/telegram" "$build/fuzz-artifacts"
# All targets at once, one process each: the step takes the time of one run, and on two cores
# each still gets most of a core.
declare -A pids
start() {
  local name=$1
  shift
  echo "fuzz: $name for ${secs}s"
  "$@" -max_total_time="$secs" -timeout=5 -artifact_prefix="$build/fuzz-artifacts/$name-" 2>"$build/$name.log" &
  pids[$name]=$!
}
failed=0
finish() {
  local name=$1
  if wait "${pids[$name]}"; then
    echo "fuzz: $name: $(tail -1 "$build/$name.log")"
  else
    tail -40 "$build/$name.log"
    echo "fuzz: $name FAILED (input saved under $build/fuzz-artifacts/)"
    failed=1
  fi
}
start parse "$build/tests/parse/parse_fuzz" -max_len=4096 "$build/fuzz-corpus/parse" tests/data/parse_fuzz_seeds
start wechat "$build/tests/wechat/wechat_fuzz" -max_len=16384 "$build/fuzz-corpus/wechat"
start telegram "$build/tests/telegram/telegram_fuzz" -max_len=4096 "$build/fuzz-corpus/telegram" tests/data/telegram_fuzz_seeds
finish parse
finish wechat
finish telegram
[ "$failed" -eq 0 ] || exit 1
echo "fuzz: no crash"
