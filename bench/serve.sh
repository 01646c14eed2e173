#!/usr/bin/env bash
# Load test of `breachwatch serve` with oha (pinned, installed from
# crates.io into its own root): the incident page JSON and a findings page,
# 64 connections for 30 s each, with a viewer token. Prints requests/s,
# p50/p99 latency, errors and the server's peak RSS, as a markdown table
# for docs/benchmarks.md.
#
#   bench/serve.sh                       # release build, 30 s per target
#   bench/serve.sh --duration 10 --connections 32
#   BREACHWATCH_BIN=target/release/breachwatch bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=30
CONNS=64
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION="$2"; shift ;;
        --connections) CONNS="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "bench/serve.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

# Pinned, as bench/scan.sh pins ripgrep: figures across sessions compare
# only against one load generator.
OHA_VERSION=1.16.0
OHA_ROOT="${OHA_ROOT:-$HOME/.cache/breachwatch-bench/oha}"
oha="$OHA_ROOT/bin/oha"
if ! "$oha" --version 2>/dev/null | grep -q "$OHA_VERSION"; then
    echo "installing oha $OHA_VERSION into $OHA_ROOT" >&2
    CARGO_TARGET_DIR="$(mktemp -d)" cargo install --locked oha --version "$OHA_VERSION" --root "$OHA_ROOT" >&2
fi

bin="${BREACHWATCH_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -p breachwatch >&2
    bin=target/release/breachwatch
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
export BREACHWATCH_HOME="$work/home"

# Data: an incident with evidence, and a scan of 20,000 synthetic rows
# (names, emails, phones) so the findings page is a full page of 100.
python3 - "$work/leak.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("customer_id,full_name,email,phone\n")
    for i in range(20000):
        f.write(f"c{i},Given{i % 97} Family{i % 89},person{i}@mail.example,+1 415 555 {i % 10000:04d}\n")
PY
admin="$("$bin" token create --role admin --name bench 2>/dev/null)"
viewer="$("$bin" token create --role viewer --name bench-viewer 2>/dev/null)"

"$bin" serve --listen 127.0.0.1:0 --scan-root "$work" --log warn \
    >"$work/out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
addr="$(sed -n 's#listening on http://##p' "$work/out")"
base="http://$addr"

curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"title":"bench","discovered_at":"2026-11-20T09:00:00Z"}' "$base/api/incidents" >/dev/null
curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$work/leak.csv" "$base/api/incidents/INC-2026-0001/evidence?name=leak.csv" >/dev/null
job="$(curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"path\":\"$work/leak.csv\"}" "$base/api/scans" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
for _ in $(seq 600); do
    state="$(curl -fsS -H "Authorization: Bearer $admin" "$base/api/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
    [ "$state" = succeeded ] && break
    sleep 0.1
done

run() {
    local name="$1" url="$2"
    # -w: requests in flight at the deadline are waited for, not counted
    # as errors (without it each of the 64 connections ends in one).
    "$oha" --no-tui --output-format json -w -z "${DURATION}s" -c "$CONNS" \
        -H "Authorization: Bearer $viewer" "$url" >"$work/$name.json"
    python3 - "$name" "$work/$name.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
s = r["summary"]
p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2"))
bad = sum(v for k, v in codes.items() if not k.startswith("2")) + sum(r.get("errorDistribution", {}).values())
print(f"| {name} | {s['requestsPerSec']:.0f} | {p['p50']*1000:.2f} | {p['p99']*1000:.2f} | {ok} | {bad} |")
PY
}

echo "| target | requests/s | p50 ms | p99 ms | 2xx | errors |"
echo "|---|---:|---:|---:|---:|---:|"
run "incident page" "$base/api/incidents/INC-2026-0001"
run "findings page (100)" "$base/api/scans/$job/findings?limit=100&offset=1000"
# Peak resident set of the server process itself (the kernel's high-water mark).
hwm_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")"
echo
echo "server peak RSS: $(( hwm_kb / 1024 )) MiB; $DURATION s per target, $CONNS connections, viewer token, $(nproc) cores"
