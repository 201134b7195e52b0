#!/usr/bin/env bash
# Installs (or upgrades) a built supplybot on this server. Run as root from the repository:
#
#   bash deploy/install.sh [BUILD_DIR]      the cmake build folder (default: build-release)
#
# What it does, each step idempotent and announced:
#   1. system user and group `supplybot` (no login shell, home /var/lib/supplybot)
#   2. /usr/local/bin/supplybot             (replaced when it differs)
#   3. /etc/supplybot/catalog.toml          (replaced when it differs; the old one is kept as .bak-*)
#      /etc/supplybot/supplybot.example.toml (the commented reference, always refreshed)
#      /etc/supplybot/supplybot.toml        (only when absent: an operator's config is never touched)
#      /etc/supplybot/supplybot.env         (secrets, mode 0600, only when absent)
#   4. /etc/systemd/system/supplybot.service, supplybot-backup.service and supplybot-backup.timer
#      (the timer is not enabled here), then `systemctl daemon-reload` when systemd runs
#   5. when the binary, catalog or unit changed: stops a running service; when the binary
#      changed: backs the database up. Then `supplybot migrate` as the supplybot user, a check
#      that the catalog loads, and the service is started again if it was stopped here
#
# Migrations are forward-only: the backup in /var/lib/supplybot/backups/ is how you go back.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

user=supplybot
bin=/usr/local/bin/supplybot
etc=/etc/supplybot
state=/var/lib/supplybot
db=$state/supplybot.db
config=$etc/supplybot.toml
envfile=$etc/supplybot.env

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run me as root (sudo bash deploy/install.sh ...)"

# The build folder: as given (relative to the current directory), else relative to the
# repository. CMake leaves the executable in BUILD_DIR/bot/; BUILD_DIR/supplybot also counts.
build=${1:-build-release}
built=""
for d in "$build" "$root/$build"; do
  for b in "$d/supplybot" "$d/bot/supplybot"; do
    if [ -f "$b" ] && [ -x "$b" ]; then built=$b; break 2; fi
  done
done
[ -n "$built" ] || die "no executable supplybot in $build (or $build/bot). Build first:
  bash deploy/install-deps.sh
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DSUPPLYBOT_BUILD_TESTS=OFF -DSUPPLYBOT_BUILD_BENCH=OFF
  cmake --build build-release -j \$(nproc) --target supplybot"
for f in config/catalog.toml config/supplybot.example.toml deploy/supplybot.env.example \
         deploy/systemd/supplybot.service deploy/systemd/supplybot-backup.service deploy/systemd/supplybot-backup.timer; do
  [ -f "$root/$f" ] || die "missing $root/$f (run me from a complete checkout)"
done
say "installing $("$built" version) from $built"

# Set when something the running service uses was replaced: then it is restarted.
changed=false
binary_changed=false
systemd_running=false
[ -d /run/systemd/system ] && systemd_running=true
# For testing this script with a stand-in `systemctl` on PATH where systemd does not run.
[ "${SUPPLYBOT_INSTALL_ASSUME_SYSTEMD:-}" = 1 ] && systemd_running=true

# ---- 1. user ------------------------------------------------------------------------------------
if getent passwd "$user" >/dev/null; then
  say "user $user exists"
else
  nologin=/usr/sbin/nologin
  [ -x "$nologin" ] || nologin=/bin/false
  useradd --system --user-group --home-dir "$state" --no-create-home --shell "$nologin" \
    --comment "supplybot service" "$user"
  say "created system user $user"
fi

install -d -m 0750 -o root -g "$user" "$etc"
install -d -m 0750 -o "$user" -g "$user" "$state"
say "folders $etc (root:$user 0750) and $state ($user 0750) ready"

# ---- 2. binary ----------------------------------------------------------------------------------
if [ -f "$bin" ] && cmp -s "$built" "$bin"; then
  say "$bin is up to date"
else
  # Copy beside it, then rename: a running server keeps its old file until it restarts.
  install -m 0755 -o root -g root "$built" "$bin.new"
  mv -f "$bin.new" "$bin"
  changed=true
  binary_changed=true
  say "installed $bin"
fi

# ---- 3. catalog, config, secrets ----------------------------------------------------------------
if [ -f "$etc/catalog.toml" ] && cmp -s "$root/config/catalog.toml" "$etc/catalog.toml"; then
  say "$etc/catalog.toml is up to date"
else
  if [ -f "$etc/catalog.toml" ]; then
    keep=$etc/catalog.toml.bak-$(date -u +%Y%m%dT%H%M%SZ)
    cp -p "$etc/catalog.toml" "$keep"
    say "the catalog changed: previous one kept as $keep (merge your local goods back if you had any)"
  fi
  install -m 0640 -o root -g "$user" "$root/config/catalog.toml" "$etc/catalog.toml"
  changed=true
  say "installed $etc/catalog.toml"
fi

if [ -f "$etc/supplybot.example.toml" ] && cmp -s "$root/config/supplybot.example.toml" "$etc/supplybot.example.toml"; then
  say "$etc/supplybot.example.toml is up to date"
else
  install -m 0640 -o root -g "$user" "$root/config/supplybot.example.toml" "$etc/supplybot.example.toml"
  say "installed $etc/supplybot.example.toml (the commented reference; compare your config with it)"
fi

if [ -f "$config" ]; then
  say "$config exists: left as it is"
else
  # The example with server paths, and without the demo bridge token (never expose that one).
  tmp=$(mktemp)
  sed -e "s|^path = \"var/supplybot.db\"|path = \"$db\"|" \
      -e "s|^catalog = \"config/catalog.toml\"|catalog = \"$etc/catalog.toml\"|" \
      -e 's|^token = "demo-bridge-token"|token = ""|' \
      "$root/config/supplybot.example.toml" > "$tmp"
  if ! grep -q "^path = \"$db\"" "$tmp" || ! grep -q "^catalog = \"$etc/catalog.toml\"" "$tmp" \
     || grep -q '^token = "demo-bridge-token"' "$tmp"; then
    rm -f "$tmp"
    die "config/supplybot.example.toml changed shape; cannot derive $config from it"
  fi
  install -m 0640 -o root -g "$user" "$tmp" "$config"
  rm -f "$tmp"
  say "created $config (database $db, catalog $etc/catalog.toml, bridge off)"
fi

if [ -f "$envfile" ]; then
  if [ "$(stat -c '%a %U' "$envfile")" != "600 root" ]; then
    chown root:root "$envfile"
    chmod 0600 "$envfile"
    say "$envfile exists: reset to owner root, mode 0600"
  else
    say "$envfile exists: left as it is"
  fi
else
  install -m 0600 -o root -g root "$root/deploy/supplybot.env.example" "$envfile"
  say "created $envfile (mode 0600): put your secrets there"
fi

# ---- 4. systemd units ---------------------------------------------------------------------------
for u in supplybot.service supplybot-backup.service supplybot-backup.timer; do
  if [ -f "/etc/systemd/system/$u" ] && cmp -s "$root/deploy/systemd/$u" "/etc/systemd/system/$u"; then
    say "/etc/systemd/system/$u is up to date"
  else
    install -m 0644 -o root -g root "$root/deploy/systemd/$u" "/etc/systemd/system/$u"
    [ "$u" = supplybot.service ] && changed=true
    say "installed /etc/systemd/system/$u"
  fi
done
if $systemd_running; then
  systemctl daemon-reload
  say "systemctl daemon-reload done"
else
  say "systemd is not running here (container or chroot): skipped daemon-reload and service control"
fi

# ---- 5. database ----------------------------------------------------------------------------------
# Run supplybot as the service user with the same environment the unit gives it: the storage
# path, then the env file (which wins, as with systemd's EnvironmentFile=).
service_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin "SUPPLYBOT_STORAGE_PATH=$db")
while IFS= read -r line || [ -n "$line" ]; do
  line=${line#"${line%%[![:space:]]*}"}
  case $line in '' | '#'* | ';'*) continue ;; esac
  [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "$envfile: cannot read line '${line%%=*}...' (want NAME=value)"
  name=${line%%=*}
  value=${line#*=}
  value=${value%"${value##*[![:space:]]}"}
  if [[ $value =~ ^\"(.*)\"$ ]] || [[ $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
  service_env+=("$name=$value")
done < "$envfile"
as_service() { (umask 077 && cd "$state" && runuser -u "$user" -- env -i "${service_env[@]}" "$bin" "$@"); }

was_active=false
stopped_note=""
if $systemd_running && $changed && systemctl is-active --quiet supplybot; then
  was_active=true
  say "stopping the running service for the upgrade (graceful; Telegram and WeChat retry meanwhile)"
  systemctl stop supplybot
  stopped_note=". The service is STOPPED: fix the problem and run install.sh again"
fi

# A new binary may bring new migrations: copy the database first.
if [ -f "$db" ] && $binary_changed; then
  install -d -m 0750 -o "$user" -g "$user" "$state/backups"
  backup=$state/backups/before-install-$(date -u +%Y%m%dT%H%M%SZ).db
  as_service backup "$backup" --config "$config" >/dev/null || die "backup failed (see above)$stopped_note"
  say "backed up the database to $backup"
  # Keep the five newest of these automatic backups.
  find "$state/backups" -maxdepth 1 -name 'before-install-*.db' -printf '%f\n' | sort -r | tail -n +6 |
    while IFS= read -r old; do rm -f "$state/backups/$old"; done
fi

migrated=$(as_service migrate --config "$config") || die "migrate failed (see above)$stopped_note"
say "migrations done as $user: $migrated"

if [ ! -s "$etc/catalog.toml" ]; then die "$etc/catalog.toml is empty"; fi
as_service parse --config "$config" --catalog "$etc/catalog.toml" "1栋101 白菜1斤" >/dev/null \
  || die "the catalog $etc/catalog.toml does not load (see above)$stopped_note"
say "catalog loads"

# ---- 6. service ---------------------------------------------------------------------------------
if $was_active; then
  systemctl start supplybot || die "systemctl start supplybot failed: journalctl -u supplybot -n 30"
  sleep 2
  systemctl is-active --quiet supplybot || die "supplybot did not stay up: journalctl -u supplybot -n 30"
  say "service started again"
  say "done. Logs: journalctl -u supplybot -n 50"
elif $systemd_running && systemctl is-active --quiet supplybot; then
  say "done. The service keeps running: nothing it uses was replaced"
elif $systemd_running; then
  say "done. Next: put your secrets in $envfile, then"
  say "  systemctl enable --now supplybot && journalctl -u supplybot -n 20"
else
  say "done. Without systemd, run it as the service user with the secrets in its environment, e.g.:"
  say "  (set -a; . $envfile; cd $state; runuser -u $user -- env SUPPLYBOT_STORAGE_PATH=$db $bin serve --config $config)"
fi
