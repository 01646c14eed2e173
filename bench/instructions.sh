#!/usr/bin/env bash
# Instructions executed by a one-thread scan, counted by cachegrind: a
# deterministic figure for comparing two builds on a shared, noisy machine,
# where timings of a few percent drown in noise. Not a speed measure on its
# own (cache misses and mispredictions do not count); confirm with
# bench/scan.sh.
#
#   bench/instructions.sh BIN [KINDS|all] [DATA]
#   bench/instructions.sh target/release/breachwatch email,phone_number
#
# DATA defaults to a 16 MiB corpus (seed 2) generated into bench/data.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: bench/instructions.sh BIN [KINDS|all] [DATA]}
kinds=${2:-email,phone_number,payment_card,us_ssn,iban,ip_address}
data=${3:-bench/data/tree-16mb-seed2}
command -v valgrind >/dev/null || { echo "bench/instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
if [ "$data" = bench/data/tree-16mb-seed2 ] && [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    "$bin" corpus generate --out "$data" --seed 2 --size-mb 16 --no-truth >&2
    touch "$data/.complete"
fi
args=(scan --format jsonl --threads 1 --quiet)
[ "$kinds" = all ] || args+=(--kinds "$kinds")
# The scan exits 1 when it finds something; only the count matters here.
report=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" "${args[@]}" "$data" 2>&1 >/dev/null || true)
awk -v k="$kinds" '/I *refs/ { gsub(",", "", $4); printf "%s: %.1f M instructions\n", k, $4 / 1e6; found = 1 }
    END { if (!found) { print "bench/instructions.sh: no count from valgrind" > "/dev/stderr"; exit 2 } }' <<<"$report"
