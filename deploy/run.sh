#!/usr/bin/env bash
# Installs what is missing, builds Release, and starts `supplybot serve` on 127.0.0.1:8080 with
# the example config and an SQLite file under ./var/. This is the README's "run" command.
# Stop it with Ctrl-C (it finishes in-flight requests and exits cleanly).
#   SUPPLYBOT_CONFIG      config file (default: config/supplybot.example.toml)
#   SUPPLYBOT_BUILD_DIR   build folder (default: build-release)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash deploy/install-deps.sh
build=${SUPPLYBOT_BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSUPPLYBOT_BUILD_TESTS=OFF -DSUPPLYBOT_BUILD_BENCH=OFF
cmake --build "$build" -j "$(nproc)" --target supplybot
mkdir -p var
config=${SUPPLYBOT_CONFIG:-config/supplybot.example.toml}
"$build/supplybot" migrate --config "$config"
# A scripted morning of a small neighbourhood through the real server (its own temp database and
# port), so you see the bot at work before yours starts. SUPPLYBOT_SKIP_DEMO=1 skips it.
if [ -z "${SUPPLYBOT_SKIP_DEMO:-}" ]; then
  "$build/supplybot" demo --config "$config" 2>/dev/null || echo "run.sh: the demo did not go as scripted (see above)"
fi
cat <<TXT

supplybot is starting on http://127.0.0.1:8080 (config: $config, database: var/supplybot.db).
Try it from another terminal:
  curl -s http://127.0.0.1:8080/healthz
  curl -s -H 'Authorization: Bearer demo-bridge-token' -H 'Content-Type: application/json' \\
    -d '{"platform":"wechat","chat_id":"building3","chat_type":"group","sender_id":"wang","sender_name":"王阿姨","message_id":"1","text":"3栋2单元502 白菜2斤 鸡蛋一盒"}' \\
    http://127.0.0.1:8080/api/v1/messages

TXT
exec "$build/supplybot" serve --config "$config"
