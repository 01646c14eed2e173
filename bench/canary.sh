#!/usr/bin/env bash
# Canary listener benchmark (issue 27): `breachwatch canary listen` on
# loopback, driven by bench/canary_load.py (Python asyncio, stdlib only).
#
# 1. SESSIONS (default 10000) sessions opened at once, each greeted and
#    EHLO'd, then held idle: the listener's RSS before and while they are
#    open, and whether a fresh client still gets through.
# 2. Mail throughput over CONNS connections, MAILS messages each phase:
#    to unknown addresses at the canary domain (counted only), then to a
#    canary address (each a sighting: an incident evidence write in the
#    SQLite store and a sealed row in the canary state, before the 250).
#
#   bench/canary.sh                      # 10000 sessions, 5000 mails
#   SESSIONS=2000 MAILS=1000 bench/canary.sh
#   BW_BIN=target/debug/breachwatch bench/canary.sh   # skip the release build
#
# The client shares the machine's cores with the listener and is Python:
# mails/s is a lower bound set partly by the client.
set -euo pipefail
SESSIONS=${SESSIONS:-10000}
MAILS=${MAILS:-5000}
CONNS=${CONNS:-50}
WORK=${WORK:-/tmp/bw-canary-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target}
cd "$(dirname "$0")/.."

if [ -z "${BW_BIN:-}" ]; then
    cargo build -q --release -p breachwatch
    BW_BIN=$CARGO_TARGET_DIR/release/breachwatch
fi
# 10,000 sessions are 10,000 descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

rm -rf "$WORK"; mkdir -p "$WORK"
export BREACHWATCH_HOME=$WORK/home
"$BW_BIN" registry init >/dev/null
printf 'customer_id,email,first_name,last_name,phone,country,region\nC1,a@shop.example.com,Ann,Lee,,US,\n' > "$WORK/c.csv"
"$BW_BIN" registry import "$WORK/c.csv" >/dev/null
"$BW_BIN" canary issue --recipient "Bench Vendor" --count 5 --domain canary.bench.test >/dev/null 2>&1
CANARY=$("$BW_BIN" canary list --reveal --format jsonl |
    python3 -c 'import sys, json; print(json.loads(sys.stdin.readlines()[0])["canary"]["email"])')

PORT=$((20000 + RANDOM % 20000))
"$BW_BIN" canary listen --smtp "127.0.0.1:$PORT" --idle-secs 300 --max-sessions 20000 \
    > "$WORK/listen.out" 2>&1 &
LISTEN=$!
trap 'kill $LISTEN 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/listen.out" 2>/dev/null && break; sleep 0.1; done

python3 bench/canary_load.py --port "$PORT" --pid "$LISTEN" --sessions "$SESSIONS" \
    --mails "$MAILS" --conns "$CONNS" --canary "$CANARY" --domain canary.bench.test
"$BW_BIN" canary stats
