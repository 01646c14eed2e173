#!/usr/bin/env bash
# Make a throwaway MariaDB server available for the database-table tests
# and print its URL on stdout (and nothing else there), so that
#     export BW_MYSQL_URL=$(bash scripts/mariadb.sh)
# works in CI. `bash scripts/mariadb.sh stop` stops it. Idempotent: a
# second run against a live server only prints the URL.
#
# The server is Debian's `mariadb-server` (installed if missing), with its
# own data directory, unix socket and a TCP port on 127.0.0.1 only; the
# system's own MariaDB service, if any, is left alone. The role `bw`
# (password `bw`) owns every database named `bw` or `bw_…`, so each test
# can make a fresh one.
#
# Everything diagnostic goes to stderr. Environment knobs:
#   BW_MARIADB_DIR   data + socket directory (default /tmp/bw-mariadb)
#   BW_MARIADB_PORT  port to use when starting (default: first free from 33069)
set -euo pipefail

dir="${BW_MARIADB_DIR:-/tmp/bw-mariadb}"
data="$dir/data"
sock="$dir/mysqld.sock"
pidfile="$dir/mariadbd.pid"
port_file="$dir/port"
user_db="bw"
log() { printf 'mariadb.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/service.sh
. "$(dirname "$0")/lib/service.sh"

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

if [ "${1:-}" = "stop" ]; then
  if running; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    # mariadbd flushes and removes its pid file on SIGTERM.
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  log "stopped"
  exit 0
fi

url() {
  printf 'mysql://%s:%s@127.0.0.1:%s/%s\n' "$user_db" "$user_db" "$(cat "$port_file")" "$user_db"
}

# Fast path: already running.
if running && [ -f "$port_file" ] && [ -S "$sock" ]; then
  url
  exit 0
fi

if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
  log "installing mariadb-server from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's maintainer scripts would start the system service on
  # /var/lib/mysql; this script runs its own server, so keep them from
  # starting one (policy-rc.d 101 = "action forbidden"), but only when no
  # policy is in place already.
  own_policy=""
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >&2 || {
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    exit 1
  }
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
fi

# mariadbd refuses to run as root without being told whom to run as: as
# root it runs as the package's `mysql` user, otherwise as the caller.
if [ "$(id -u)" -eq 0 ]; then
  run_as=mysql
  admin_user=root
else
  run_as="$(id -un)"
  admin_user="$run_as"
fi

mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then chown "$run_as": "$dir"; fi

if [ ! -d "$data/mysql" ]; then
  log "mariadb-install-db in $data"
  rm -rf "$data"
  mariadb-install-db --no-defaults --datadir="$data" --user="$run_as" \
    --auth-root-authentication-method=socket --skip-test-db >&2
fi

port="$(pick_port 33069 "${BW_MARIADB_PORT:-}")"
printf '%s\n' "$port" >"$port_file"

rm -f "$sock" "$pidfile"
# Durability off: the server is throwaway and the tests load many rows.
# setsid + nohup: a daemon of its own, not tied to this shell or terminal.
setsid nohup mariadbd --no-defaults --datadir="$data" --user="$run_as" \
  --socket="$sock" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
  --pid-file="$pidfile" --log-error="$dir/error.log" \
  --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
  --innodb-buffer-pool-size=256M --max-connections=300 \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
  </dev/null >/dev/null 2>&1 &

for _ in $(seq 1 300); do
  if [ -S "$sock" ] && mariadb-admin --no-defaults --socket="$sock" -u "$admin_user" ping >/dev/null 2>&1; then
    break
  fi
  sleep 0.2
done
if ! mariadb-admin --no-defaults --socket="$sock" -u "$admin_user" ping >/dev/null 2>&1; then
  log "server failed to start; log follows"
  tail -n 50 "$dir/error.log" >&2 || true
  exit 1
fi

mariadb --no-defaults --socket="$sock" -u "$admin_user" >&2 <<SQL
CREATE USER IF NOT EXISTS '$user_db'@'%' IDENTIFIED BY '$user_db';
CREATE DATABASE IF NOT EXISTS \`$user_db\` CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON \`$user_db\`.* TO '$user_db'@'%';
GRANT ALL PRIVILEGES ON \`${user_db}\\_%\`.* TO '$user_db'@'%';
FLUSH PRIVILEGES;
SQL
log "running on 127.0.0.1:$port (socket $sock)"
url
