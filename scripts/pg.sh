#!/usr/bin/env bash
# Make a throwaway PostgreSQL server available for the store tests and print
# its DATABASE_URL on stdout (and nothing else there), so that
#     export DATABASE_URL=$(bash scripts/pg.sh)
# works in CI. `bash scripts/pg.sh stop` stops it. Idempotent: a second run
# against a live server only prints the URL.
#
# Everything diagnostic goes to stderr. Environment knobs:
#   BW_PG_DIR   cluster + socket directory (default /tmp/bw-pg)
#   BW_PG_PORT  port to use when starting (default: first free from 54329)
set -euo pipefail

dir="${BW_PG_DIR:-/tmp/bw-pg}"
data="$dir/data"
sock="$dir/sock"
user_db="bw"
log() { printf 'pg.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/service.sh
. "$(dirname "$0")/lib/service.sh"

find_bin() {
  # Debian keeps the server binaries off PATH, under a versioned directory.
  local name="$1" found
  if found="$(command -v "$name" 2>/dev/null)"; then printf '%s\n' "$found"; return 0; fi
  found="$(ls -1d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n1 || true)"
  [ -n "$found" ] && printf '%s\n' "$found"
}

# Run a command as the unprivileged owner of the cluster: initdb and
# postgres refuse to run as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_bin="$(find_bin pg_ctl || true)"
if [ "${1:-}" = "stop" ]; then
  if [ -n "$pg_ctl_bin" ] && [ -f "$data/postmaster.pid" ]; then
    as_owner "$pg_ctl_bin" -D "$data" -m fast -w stop >&2 || true
  fi
  log "stopped"
  exit 0
fi

if [ -z "$pg_ctl_bin" ] || [ -z "$(find_bin initdb || true)" ]; then
  log "installing postgresql from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  pg_ctl_bin="$(find_bin pg_ctl)"
fi
initdb_bin="$(find_bin initdb)"
bindir="$(dirname "$pg_ctl_bin")"
psql_bin="$(find_bin psql)"

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
fi

mkdir -p "$dir" "$sock"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir" "$sock"; fi

port_file="$dir/port"
url() {
  printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$user_db" "$user_db" "$(cat "$port_file")" "$user_db"
}

# Fast path: already running.
if [ -f "$data/postmaster.pid" ] && [ -f "$port_file" ] \
  && as_owner "$pg_ctl_bin" -D "$data" status >/dev/null 2>&1; then
  url
  exit 0
fi

if [ ! -f "$data/PG_VERSION" ]; then
  log "initdb in $data"
  rm -rf "$data"
  as_owner "$initdb_bin" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >&2
fi

port="$(pick_port 54329 "${BW_PG_PORT:-}")"
printf '%s\n' "$port" >"$port_file"

# fsync off: the cluster is throwaway, and tests create many databases.
as_owner "$pg_ctl_bin" -D "$data" -l "$dir/server.log" -w -t 60 start \
  -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >&2 \
  || { log "server failed to start; log follows"; tail -n 50 "$dir/server.log" >&2; exit 1; }

# The test role may create databases: each test gets a fresh one.
as_owner "$psql_bin" -h "$sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user_db') THEN
    CREATE ROLE $user_db LOGIN CREATEDB PASSWORD '$user_db';
  END IF;
END \$\$;
SQL
if ! as_owner "$psql_bin" -h "$sock" -p "$port" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$user_db'" | grep -q 1; then
  as_owner "$psql_bin" -h "$sock" -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE $user_db OWNER $user_db" >&2
fi
log "running on 127.0.0.1:$port (bindir $bindir)"
url
