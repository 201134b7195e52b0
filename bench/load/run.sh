#!/usr/bin/env bash
# Load bench: wrk POSTs Telegram order updates to a supplybot on 127.0.0.1 backed by a fresh
# SQLite database (synchronous=FULL), then the server is stopped with SIGTERM and the rows are
# counted: every 2xx must be one inbound row and one order. See bench/README.md.
#
#   bench/load/run.sh [--binary PATH] [--duration SECONDS] [--connections N] [--wrk-threads N]
#                     [--server-threads N] [--synchronous FULL|NORMAL|EXTRA] [--sink] [--keep]
#
# Without --binary it builds the Release server in build-load/ (cmake, incremental).
# --sink answers the server's Bot API calls with tests/crash/bot_api_sink.py instead of a closed
# port. --keep leaves the temp dir (database, logs, wrk output) in place and prints its path.
# Exits 0 when the row check passes, 1 when it fails, 2 on a usage or set-up error.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary=""
duration=20
connections=64
wrk_threads=2
server_threads=0
synchronous=FULL
use_sink=0
keep=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --wrk-threads) wrk_threads="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    --synchronous) synchronous="$2"; shift 2 ;;
    --sink) use_sink=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

for tool in wrk sqlite3 curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk sqlite3 curl python3)" >&2; exit 2; }
done

if [[ -z "$binary" ]]; then
  build="$repo/build-load"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSUPPLYBOT_BUILD_TESTS=OFF \
    -DSUPPLYBOT_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" --target supplybot -j2 >/dev/null
  binary="$build/supplybot"
fi
[[ -x "$binary" ]] || { echo "not an executable: $binary" >&2; exit 2; }

tmp="$(mktemp -d /tmp/supplybot-load.XXXXXX)"
server_pid=""
sink_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -KILL "$server_pid" 2>/dev/null || true
  [[ -n "$sink_pid" ]] && kill "$sink_pid" 2>/dev/null || true
  if [[ $keep == 1 ]]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The Bot API: a closed loopback port (sends fail fast and are retried later, so replies pile up
# as pending outbox rows) or the local sink.
if [[ $use_sink == 1 ]]; then
  python3 "$repo/tests/crash/bot_api_sink.py" "$tmp/sink.log" "$tmp/sink.port" &
  sink_pid=$!
  for _ in $(seq 100); do [[ -s "$tmp/sink.port" ]] && break; sleep 0.1; done
  api_port="$(cat "$tmp/sink.port")"
else
  api_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
fi

secret="load-secret-$RANDOM$RANDOM"
# The load sends each of 50 chats hundreds of updates a second, far beyond the per-chat limit a
# neighbourhood needs: the limits are raised (not switched off, so their cost is measured).
env SUPPLYBOT_SERVER_LISTEN=127.0.0.1:0 \
    SUPPLYBOT_SERVER_THREADS="$server_threads" \
    SUPPLYBOT_STORAGE_PATH="$tmp/load.db" \
    SUPPLYBOT_STORAGE_SYNCHRONOUS="$synchronous" \
    SUPPLYBOT_TELEGRAM_BOT_TOKEN=123456:LOAD \
    SUPPLYBOT_TELEGRAM_SECRET_TOKEN="$secret" \
    SUPPLYBOT_TELEGRAM_API_ROOT="http://127.0.0.1:$api_port" \
    SUPPLYBOT_TELEGRAM_BOT_USERNAME=SupplyBot \
    SUPPLYBOT_BOT_CATALOG="$repo/config/catalog.toml" \
    SUPPLYBOT_LIMITS_SENDER_PER_MINUTE=100000 SUPPLYBOT_LIMITS_SENDER_BURST=100000 \
    SUPPLYBOT_LIMITS_CHAT_PER_MINUTE=1000000 SUPPLYBOT_LIMITS_CHAT_BURST=1000000 \
    "$binary" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 300); do
  port="$(grep -o 'event=listening .*port=[0-9]*' "$tmp/server.log" 2>/dev/null | grep -o 'port=[0-9]*' | cut -d= -f2 || true)"
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "the server did not start:" >&2; tail -20 "$tmp/server.log" >&2; exit 2
fi
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "healthz failed" >&2; exit 2; }

# CPU seconds (user + system) of the server, in total and per thread, from /proc. Threads are
# listed by name (sb-writer, sb-sync, sb-checkpoint, sb-io; the first sb-io also runs the outbox).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "$1"; }
# Per thread: id:total(user+system).
cpu_split() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f(%.2f+%.2f)", ($12 + $13) / hz, $12 / hz, $13 / hz}' "$1"; }
threads_cpu() {
  local t
  for t in /proc/"$server_pid"/task/*; do
    printf '%s:%s ' "$(cat "$t/comm")" "$(cpu_split "$t/stat")"
  done
}
cpu_start="$(cpu_of "/proc/$server_pid/stat")"
# Bytes the server sent to the disk (WAL frames, checkpoints): how many pages each order dirties.
io_written() { awk '/^write_bytes/ {print $2}' "/proc/$server_pid/io" 2>/dev/null || echo 0; }
io_start="$(io_written)"

echo "server $binary pid $server_pid on 127.0.0.1:$port, database $tmp/load.db (synchronous=$synchronous)"
echo "wrk -t$wrk_threads -c$connections -d${duration}s --latency, $(nproc) cores"
SUPPLYBOT_LOAD_SECRET="$secret" SUPPLYBOT_LOAD_MESSAGES="$repo/bench/load/messages.txt" \
  /usr/bin/time -f "wrk CPU: %U s user %S s system" -o "$tmp/wrk.time" timeout $((duration + 60)) wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
  -s "$repo/bench/load/updates.lua" "http://127.0.0.1:$port" | tee "$tmp/wrk.txt"

# Figures from the running server, before it stops.
rss_kb="$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")"
cpu_end="$(cpu_of "/proc/$server_pid/stat")"
per_thread="$(threads_cpu)"
io_end="$(io_written)"
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics.txt" || true

kill -TERM "$server_pid"
stopped=0
for _ in $(seq 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then stopped=1; break; fi
  sleep 0.1
done
server_rc=0
if [[ $stopped == 1 ]]; then wait "$server_pid" || server_rc=$?; server_pid=""; fi

q() { sqlite3 -cmd '.timeout 5000' "$tmp/load.db" "$1"; }
ok2xx="$(awk '$1 == "status" && $2 ~ /^2/ {n += $3} END {print n + 0}' "$tmp/wrk.txt")"
other="$(awk '$1 == "status" && $2 !~ /^2/ {n += $3} END {print n + 0}' "$tmp/wrk.txt")"
timeouts="$(awk '$1 == "timeouts" {print $2}' "$tmp/wrk.txt")"
# A request lost to a read or write error may have been committed, like one in flight at the end.
sock_errors="$(awk '$1 == "socket" && $2 == "errors" {print $6 + $8}' "$tmp/wrk.txt")"
inbound="$(q 'SELECT COUNT(*) FROM inbound')"
orders="$(q 'SELECT COUNT(*) FROM orders')"
# A join, not NOT EXISTS: no index covers orders by source message (migration 8), and SQLite builds
# an automatic one for a join but not for a correlated subquery.
no_order="$(q "SELECT COUNT(*) FROM inbound i LEFT JOIN orders o ON o.platform = i.platform AND o.chat_id = i.chat_id AND o.source_message_id = i.message_id WHERE o.id IS NULL")"
dup_orders="$(q 'SELECT COUNT(*) FROM (SELECT 1 FROM orders GROUP BY platform, chat_id, source_message_id HAVING COUNT(*) > 1)')"
integrity="$(q 'PRAGMA integrity_check')"
outbox="$(q "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, COUNT(*) n FROM outbox GROUP BY state)")"
batches="$(awk '/^supplybot_engine_batch_size_count/ {c=$2} /^supplybot_engine_batch_size_sum/ {s=$2}
  /^supplybot_engine_commit_seconds_total/ {t=$2}
  /^supplybot_engine_syncs_total/ {n=$2} /^supplybot_engine_sync_seconds_total/ {y=$2}
  END {if (c) printf "%d transactions, %.1f jobs each, %.2f ms each; writer busy %.1f s; %d fsyncs beside it (%.2f ms each)", c, s / c, t * 1000 / c, t, n, n ? y * 1000 / n : 0}' "$tmp/metrics.txt")"
rps="$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")"

echo
echo "== result"
echo "updates/s (wrk):     $rps"
echo "$(grep '^latency p50' "$tmp/wrk.txt"), $(grep '^latency p99' "$tmp/wrk.txt" | sed 's/latency //')"
echo "peak RSS (VmHWM):    $((rss_kb / 1024)) MB"
echo "engine:              $batches"
echo "server CPU:          $(awk -v a="$cpu_start" -v b="$cpu_end" -v d="$duration" 'BEGIN {printf "%.1f s in %d s (%.0f%% of one core)", b - a, d, (b - a) * 100 / d}')"
echo "  per thread (s):    $per_thread   [total(user+system)]"
echo "disk written:        $(awk -v a="$io_start" -v b="$io_end" -v n="$ok2xx" 'BEGIN {printf "%.0f MB, %.1f KB per update", (b - a) / 1048576, n ? (b - a) / 1024 / n : 0}')"
echo "load generator:      $(tail -1 "$tmp/wrk.time" 2>/dev/null) (wrk shares the machine's cores)"
# A p99 far above p50 usually means the server stopped storing for a while: the longest pauses
# between two stored updates (their log lines) say when; --keep leaves the log to read around.
echo "longest pauses:      $(python3 - "$tmp/server.log" <<'PY'
import datetime, sys
prev, gaps = None, []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if "event=update " not in line:
        continue
    try:
        t = datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        continue
    if prev is not None:
        gaps.append(((t - prev).total_seconds() * 1000, line[11:23]))
    prev = t
gaps.sort(reverse=True)
print(", ".join(f"{ms:.0f} ms before {at}" for ms, at in gaps[:3]) or "none")
PY
)"
echo "2xx: $ok2xx  other: $other  timeouts: $timeouts  read/write errors: $sock_errors"
echo "inbound: $inbound  orders: $orders  inbound without order: $no_order  duplicate orders: $dup_orders"
echo "outbox: $outbox"
echo "integrity_check: $integrity  server exit: $([[ $stopped == 1 ]] && echo "$server_rc" || echo 'did not stop in 60 s')"

# wrk drops the requests in flight when its time is up (at most one per connection); the server
# may still have committed them, so inbound can exceed the 2xx count by that much, never less.
fail=()
((inbound >= ok2xx)) || fail+=("fewer inbound rows ($inbound) than 2xx answers ($ok2xx): acknowledged updates lost")
((inbound <= ok2xx + connections + timeouts + sock_errors)) || fail+=("more inbound rows ($inbound) than 2xx + in flight")
((orders == inbound)) || fail+=("orders ($orders) != inbound ($inbound)")
((no_order == 0)) || fail+=("$no_order inbound rows without an order")
((dup_orders == 0)) || fail+=("$dup_orders messages with more than one order")
((other == 0)) || fail+=("$other non-2xx answers")
((ok2xx > 0)) || fail+=("no 2xx at all")
[[ "$integrity" == ok ]] || fail+=("integrity_check: $integrity")
[[ $stopped == 1 && $server_rc == 0 ]] || fail+=("server did not stop cleanly on SIGTERM (rc $server_rc, stopped $stopped)")
if ((${#fail[@]})); then
  printf 'CHECK FAILED: %s\n' "${fail[@]}"
  tail -20 "$tmp/server.log"
  exit 1
fi
echo "CHECK OK: every 2xx is one inbound row and one order ($((inbound - ok2xx)) more committed while wrk stopped)"
