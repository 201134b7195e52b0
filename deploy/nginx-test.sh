#!/usr/bin/env bash
# Tests deploy/nginx/supplybot.conf for real on loopback: a private nginx (own prefix, pid and
# logs in a temp folder; the system nginx is not touched) with a self-signed certificate, in
# front of a running supplybot. Exits non-zero on the first failed check.
#
#   bash deploy/nginx-test.sh [UPSTREAM_PORT]
#
# The upstream is the supplybot port given as argument or in $SUPPLYBOT_UPSTREAM_PORT. With
# neither, the script starts $SUPPLYBOT_BIN (default: the first of build-release/supplybot,
# build-release/bot/supplybot, build/supplybot, build/bot/supplybot) on 127.0.0.1:0 with a
# temp database and stops it at the end.
#   SUPPLYBOT_TELEGRAM_SECRET_TOKEN  the running server's Telegram secret, if you know it: then
#                                    an authenticated /help update must answer 200
#   SUPPLYBOT_NGINX_SITE             site file to test (default: deploy/nginx/supplybot.conf)
# Needs nginx, openssl and curl; installs what is missing with apt-get (as root).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
site=${SUPPLYBOT_NGINX_SITE:-$root/deploy/nginx/supplybot.conf}

say() { printf 'nginx-test: %s\n' "$*"; }
fail() { printf 'nginx-test: FAIL: %s\n' "$*" >&2; exit 1; }

# ---- tools ----------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl ca-certificates)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d /tmp/supplybot-nginx-test.XXXXXX)
chmod 0755 "$tmp"  # nginx workers (another user when run as root) must reach their temp folders
nginx_pid=""
server_pid=""
cleanup() {
  local rc=$?
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    for f in "$tmp"/error.log "$tmp"/site-error.log "$tmp"/server.log; do
      [ -s "$f" ] && { echo "---- $f (last 20 lines)"; tail -n 20 "$f"; }
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

# A port nothing listens on (checked by connecting; nginx's own bind is the final word).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( (RANDOM % 30000) + 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# ---- upstream --------------------------------------------------------------------------------------
upstream=${1:-${SUPPLYBOT_UPSTREAM_PORT:-}}
secret=${SUPPLYBOT_TELEGRAM_SECRET_TOKEN:-}
if [ -z "$upstream" ]; then
  bin=${SUPPLYBOT_BIN:-}
  if [ -z "$bin" ]; then
    for b in "$root"/build-release/supplybot "$root"/build-release/bot/supplybot "$root"/build/supplybot "$root"/build/bot/supplybot; do
      [ -x "$b" ] && { bin=$b; break; }
    done
  fi
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    fail "no upstream: give the port of a running supplybot, or build one (deploy/README.md, Build)"
  fi
  secret=nginx-test-$RANDOM$RANDOM
  say "starting $bin on 127.0.0.1:0"
  (cd "$root" && exec env -u SUPPLYBOT_CONFIG SUPPLYBOT_SERVER_LISTEN=127.0.0.1:0 SUPPLYBOT_SERVER_THREADS=1 \
     SUPPLYBOT_STORAGE_PATH="$tmp/supplybot.db" SUPPLYBOT_TELEGRAM_BOT_TOKEN=1:nginx-test \
     SUPPLYBOT_TELEGRAM_SECRET_TOKEN="$secret" SUPPLYBOT_TELEGRAM_API_ROOT=http://127.0.0.1:9 \
     "$bin" serve) > "$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    upstream=$(sed -n 's/.*event=listening.* port=\([0-9][0-9]*\).*/\1/p' "$tmp/server.log" | head -n 1)
    [ -n "$upstream" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "supplybot exited at start"
    sleep 0.1
  done
  [ -n "$upstream" ] || fail "supplybot did not log event=listening within 10 s"
fi
[[ $upstream =~ ^[0-9]+$ ]] || fail "upstream port '$upstream' is not a number"
code=000
for _ in $(seq 1 20); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$upstream/healthz") || true
  [ "$code" = 200 ] && break
  sleep 0.5
done
[ "$code" = 200 ] || fail "supplybot on 127.0.0.1:$upstream: /healthz answered '$code', not 200"
say "upstream supplybot on 127.0.0.1:$upstream answers /healthz directly"

# ---- certificate and config ---------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=supplybot-nginx-test -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null || fail "openssl could not make a certificate"
mkdir -p "$tmp/www/.well-known/acme-challenge"
echo acme-ok > "$tmp/www/.well-known/acme-challenge/probe"

# Renders the site with test ports and paths; every rewrite must hit, so a changed site file that
# this script no longer understands fails loudly instead of testing something else.
render() {
  local https=$1 http=$2 out=$tmp/site.conf
  sed -e "s|^\(    listen \)443 ssl http2;|\1127.0.0.1:$https ssl http2;|" \
      -e "s|^\(    listen \)80;|\1127.0.0.1:$http;|" \
      -e '/^    listen \[::\]:/d' \
      -e "s|^\(    ssl_certificate \).*;|\1$tmp/cert.pem;|" \
      -e "s|^\(    ssl_certificate_key \).*;|\1$tmp/key.pem;|" \
      -e "s|^\(    server \)127\.0\.0\.1:8080;|\1127.0.0.1:$upstream;|" \
      -e "s|/var/log/nginx/supplybot\.access\.log|$tmp/site-access.log|" \
      -e "s|/var/log/nginx/supplybot\.error\.log|$tmp/site-error.log|" \
      -e "s|root /var/www/html;|root $tmp/www;|" \
      "$site" > "$out"
  local want
  for want in "listen 127.0.0.1:$https ssl http2;" "listen 127.0.0.1:$http;" "ssl_certificate $tmp/cert.pem;" \
              "ssl_certificate_key $tmp/key.pem;" "server 127.0.0.1:$upstream;" "root $tmp/www;"; do
    grep -qF "$want" "$out" || fail "could not render the site: no '$want' after rewriting $site"
  done
  ! grep -qE '/var/log/nginx|/etc/letsencrypt|listen \[::\]|:8080;' "$out" || fail "rendered site still has production paths or ports"
  mkdir -p "$tmp/temp"
  cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 64; }
http {
    access_log $tmp/access.log;
    client_body_temp_path $tmp/temp/body;
    proxy_temp_path $tmp/temp/proxy;
    fastcgi_temp_path $tmp/temp/fastcgi;
    uwsgi_temp_path $tmp/temp/uwsgi;
    scgi_temp_path $tmp/temp/scgi;
    include $out;
}
CONF
}

started=false
for _ in 1 2 3 4 5; do
  https=$(free_port) || fail "no free port found"
  http=$(free_port) || fail "no free port found"
  [ "$https" != "$http" ] || continue
  render "$https" "$http"
  "$nginx_bin" -t -q -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" || fail "nginx -t rejects the site (see above)"
  "$nginx_bin" -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$https") 2>/dev/null; then started=true; break; fi
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  $started && break
  kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
done
$started || fail "nginx did not start (see its error log below)"
say "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') listening on https://127.0.0.1:$https and http://127.0.0.1:$http"

# ---- checks --------------------------------------------------------------------------------------------
base=https://127.0.0.1:$https
update='{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"group"},"from":{"id":2,"first_name":"a"},"text":"/help"}}'
checks=0

# request NAME EXPECTED_STATUS|any EXPECTED_CONTENT_TYPE_PREFIX curl-args...
# The content type tells who answered: supplybot answers JSON, nginx's own pages are text/html.
request() {
  local name=$1 want=$2 want_type=$3
  shift 3
  local out status type
  out=$(curl -sS -o "$tmp/body" -w '%{http_code} %{content_type}' --max-time 10 --cacert "$tmp/cert.pem" "$@") \
    || fail "$name: curl failed"
  status=${out%% *}
  type=${out#* }
  [ "$status" = "$want" ] || { [ "$want" = any ] && [ "$status" != 502 ] && [ "$status" != 504 ]; } || fail "$name: status $status, want $want (body: $(head -c 200 "$tmp/body"))"
  case $type in "$want_type"*) ;; *) fail "$name: content type '$type', want $want_type* (so the wrong side answered)" ;; esac
  checks=$((checks + 1))
  say "ok  $name -> $status $type"
}

# Proxied routes reach supplybot.
request "POST /telegram/webhook without the secret header is refused by supplybot" 401 application/json \
  -H 'Content-Type: application/json' --data "$update" "$base/telegram/webhook"
request "POST /telegram/webhook with a wrong secret is refused by supplybot" 401 application/json \
  -H 'Content-Type: application/json' -H 'X-Telegram-Bot-Api-Secret-Token: wrong' --data "$update" "$base/telegram/webhook"
if [ -n "$secret" ]; then
  request "POST /telegram/webhook with the secret reaches supplybot (header passed through)" 200 application/json \
    -H 'Content-Type: application/json' -H "X-Telegram-Bot-Api-Secret-Token: $secret" --data "$update" "$base/telegram/webhook"
else
  say "skip: authenticated update (set SUPPLYBOT_TELEGRAM_SECRET_TOKEN to the server's secret)"
fi
head -c 900000 /dev/zero | tr '\0' 'a' > "$tmp/900k"
request "POST /telegram/webhook with a 900 KB body passes nginx (supplybot answers)" 401 application/json \
  -H 'Content-Type: application/json' --data-binary "@$tmp/900k" "$base/telegram/webhook"
# Without WeChat or bridge credentials supplybot answers these with its own JSON error (400, 401
# or 404); a JSON body is what proves nginx forwarded the request.
request "GET /wechat/callback reaches supplybot" any application/json "$base/wechat/callback"
request "POST /api/v1/messages without a token reaches supplybot" any application/json \
  -H 'Content-Type: application/json' --data '{}' "$base/api/v1/messages"

# Local-only and unknown routes never reach supplybot.
request "GET /healthz is not served through nginx" 404 text/html "$base/healthz"
request "GET /metrics is not served through nginx" 404 text/html "$base/metrics"
request "GET /metrics?x=1 is not served through nginx" 404 text/html "$base/metrics?x=1"
request "POST /telegram/webhook/x is not proxied" 404 text/html --data "$update" "$base/telegram/webhook/x"
request "GET / is not proxied" 404 text/html "$base/"

# Body limit: nginx refuses before supplybot sees anything.
head -c 2097152 /dev/zero | tr '\0' 'a' > "$tmp/2m"
request "POST /telegram/webhook with a 2 MB body is refused by nginx" 413 text/html \
  -H 'Content-Type: application/json' -H 'Expect:' --data-binary "@$tmp/2m" "$base/telegram/webhook"

# Plain HTTP: only the ACME challenge, nothing proxied.
request "plain HTTP /telegram/webhook is not proxied" 404 text/html --data "$update" "http://127.0.0.1:$http/telegram/webhook"
request "plain HTTP ACME challenge is served" 200 text/plain "http://127.0.0.1:$http/.well-known/acme-challenge/probe"

# TLS: 1.1 refused, 1.2 accepted.
if curl -s -o /dev/null --max-time 5 --cacert "$tmp/cert.pem" --tls-max 1.1 "$base/healthz" 2>/dev/null; then
  fail "TLS 1.1 was accepted"
fi
curl -s -o /dev/null --max-time 5 --cacert "$tmp/cert.pem" --tlsv1.2 --tls-max 1.2 "$base/healthz" || fail "TLS 1.2 refused"
checks=$((checks + 1))
say "ok  TLS 1.1 refused, TLS 1.2 accepted"

# Query strings stay out of the site's access log.
curl -s -o /dev/null --max-time 5 --cacert "$tmp/cert.pem" "$base/wechat/callback?openid=SECRET-OPENID&nonce=1" || true
kill -USR1 "$nginx_pid" 2>/dev/null || true  # reopen logs = flush
sleep 0.3
! grep -q 'SECRET-OPENID' "$tmp/site-access.log" || fail "the access log contains a query string"
grep -q '/wechat/callback' "$tmp/site-access.log" || fail "the access log does not record requests"
checks=$((checks + 1))
say "ok  access log keeps paths, not query strings"

say "all $checks checks passed"
