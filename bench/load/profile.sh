#!/usr/bin/env bash
# Where the server's instructions go under a light load: runs supplybot under
# valgrind --tool=callgrind (hardware counters, which perf needs, are not available on the
# project VM), sends REQUESTS order updates with wrk (8 connections), stops the server with
# SIGTERM and prints the top functions (inclusive and exclusive) with callgrind_annotate.
#
#   bench/load/profile.sh [--binary PATH] [--requests N] [--residents N] [--synchronous FULL|NORMAL|EXTRA]
#
# Needs valgrind and wrk. Startup (catalog load, migrations) is excluded: the counters are
# zeroed once /healthz answers. Leaves callgrind.out in the printed temp dir.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$repo/build-load/supplybot"
requests=2000
residents=300   # senders write again within the run, as they do in a 20 s load (5,000 of them)
synchronous=FULL
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --residents) residents="$2"; shift 2 ;;
    --synchronous) synchronous="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
for tool in valgrind callgrind_annotate callgrind_control wrk curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install valgrind wrk curl)" >&2; exit 2; }
done

tmp="$(mktemp -d /tmp/supplybot-profile.XXXXXX)"
api_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
secret="profile-secret"
env SUPPLYBOT_SERVER_LISTEN=127.0.0.1:0 SUPPLYBOT_SERVER_THREADS=2 \
    SUPPLYBOT_STORAGE_PATH="$tmp/profile.db" SUPPLYBOT_STORAGE_SYNCHRONOUS="$synchronous" \
    SUPPLYBOT_TELEGRAM_BOT_TOKEN=123456:PROFILE SUPPLYBOT_TELEGRAM_SECRET_TOKEN="$secret" \
    SUPPLYBOT_TELEGRAM_API_ROOT="http://127.0.0.1:$api_port" \
    SUPPLYBOT_BOT_CATALOG="$repo/config/catalog.toml" \
    SUPPLYBOT_LIMITS_SENDER_PER_MINUTE=100000 SUPPLYBOT_LIMITS_SENDER_BURST=100000 \
    SUPPLYBOT_LIMITS_CHAT_PER_MINUTE=1000000 SUPPLYBOT_LIMITS_CHAT_BURST=1000000 \
    valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" \
    "$binary" serve >"$tmp/server.log" 2>&1 &
vg_pid=$!
trap 'kill -KILL $vg_pid 2>/dev/null || true' EXIT

port=""
for _ in $(seq 600); do
  port="$(grep -o 'event=listening .*port=[0-9]*' "$tmp/server.log" | grep -o 'port=[0-9]*' | cut -d= -f2 || true)"
  [[ -n "$port" ]] && break
  sleep 0.2
done
[[ -n "$port" ]] || { echo "server did not start" >&2; tail "$tmp/server.log" >&2; exit 2; }
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
callgrind_control --zero "$vg_pid" >/dev/null

SUPPLYBOT_LOAD_SECRET="$secret" SUPPLYBOT_LOAD_MESSAGES="$repo/bench/load/messages.txt" SUPPLYBOT_LOAD_MAX="$requests" \
SUPPLYBOT_LOAD_RESIDENTS="$residents" \
  wrk -t1 -c8 -d600s --timeout 30s -s "$repo/bench/load/updates.lua" "http://127.0.0.1:$port" >"$tmp/wrk.txt" &
wrk_pid=$!
stored=0
for _ in $(seq 2400); do
  # Counted from outside: polling /metrics would put its cost (an outbox scan) into the profile.
  stored="$(sqlite3 -cmd '.timeout 2000' "$tmp/profile.db" 'SELECT COUNT(*) FROM inbound' 2>/dev/null || echo 0)"
  ((stored >= requests)) && break
  sleep 0.5
done
kill -INT "$wrk_pid"; wait "$wrk_pid" || true
echo "stored $stored updates under callgrind"
kill -TERM "$vg_pid"; wait "$vg_pid" || true
trap - EXIT

# Functions running when the counters were zeroed (thread entry points) show their inclusive
# cost in the exclusive list too; ignore those lines there.
echo "== inclusive"
callgrind_annotate --inclusive=yes --threshold=100 "$tmp/callgrind.out" 2>/dev/null | sed -n '20,80p' | cut -c1-200
echo "== exclusive"
callgrind_annotate --inclusive=no --threshold=100 "$tmp/callgrind.out" 2>/dev/null | sed -n '20,60p' | cut -c1-200
echo "callgrind output: $tmp/callgrind.out"
