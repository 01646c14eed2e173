#!/usr/bin/env bash
# Notify benchmark (issue 6): N notices end to end — `notify send` through
# the outbox to a local SMTP sink that accepts instantly (`breachwatch
# notify sink`, in its own process), rate limit off. Prints notices/s and
# the sender's peak RSS for N and for N/10, to show memory is flat in N.
#
#   bench/notify.sh              # N=100000
#   N=20000 bench/notify.sh      # quick run
#   CONCURRENCY=16 bench/notify.sh
set -euo pipefail
N=${N:-100000}
SEED=${SEED:-7}
CONCURRENCY=${CONCURRENCY:-8}
WORK=${WORK:-/tmp/bw-notify-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target}
cd "$(dirname "$0")/.."

cargo build -q --release -p breachwatch
cargo build -q --release -p bw-scope --example synth
BW=$CARGO_TARGET_DIR/release/breachwatch
SYNTH=$CARGO_TARGET_DIR/release/examples/synth
mkdir -p "$WORK"

PORT=$((20000 + RANDOM % 20000))
"$BW" notify sink --listen "127.0.0.1:$PORT" > "$WORK/sink.count" 2>/dev/null &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT

# One run for $1 customers: import, scope the leaked export (every customer
# affected), plan, then the timed send. Prints "n seconds rss_kb sent".
run() {
    local n=$1 home=$WORK/home-$1
    local cust=$WORK/customers-$n-$SEED.csv
    [ -s "$cust" ] || "$SYNTH" customers "$n" "$SEED" "$cust"
    rm -rf "$home"; mkdir -p "$home"
    export BREACHWATCH_HOME=$home
    cat > "$home/config.toml" <<CFG
[notify]
from = "Bench Shop <privacy@shop.example>"
company-name = "Bench Shop"
contact = "privacy@shop.example"
measures = "We fixed it."
advice = "Be careful with unexpected email."
consequences = "Phishing attempts are possible."
CFG
    "$BW" registry init > /dev/null
    "$BW" registry import "$cust" > /dev/null
    local id
    id=$("$BW" incident open --title "bench $n")
    "$BW" incident add-evidence "$id" "$cust" > /dev/null
    "$BW" notify plan "$id" > /dev/null
    local t0 t1 log=$WORK/time-$n
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$log" "$BW" notify send "$id" --smtp-url "smtp://127.0.0.1:$PORT" \
        --concurrency "$CONCURRENCY" --quiet 2> "$WORK/send-$n.err" || { cat "$WORK/send-$n.err"; exit 1; }
    t1=$(date +%s.%N)
    local rss sent
    rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$log")
    sent=$("$BW" notify status "$id" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sent"])')
    echo "$n $(echo "$t1 - $t0" | bc) $rss $sent"
}

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
small=$(run $((N / 10)))
big=$(run "$N")
kill -INT $SINK; wait $SINK 2>/dev/null || true
accepted=$(cat "$WORK/sink.count")
printf '%-10s %10s %12s %12s %10s\n' notices seconds notices/s peak_RSS_MB sent
for r in "$small" "$big"; do
    set -- $r
    printf '%-10s %10.2f %12.0f %12.1f %10s\n' "$1" "$2" "$(echo "$1 / $2" | bc -l)" "$(echo "$3 / 1024" | bc -l)" "$4"
done
echo "sink accepted $accepted messages in total (expected $((N + N / 10)))"
