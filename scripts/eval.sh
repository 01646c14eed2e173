#!/usr/bin/env bash
# Accuracy gate: builds release, generates the default labelled corpus into
# a temp dir, scans it, and scores the scan against the labels with the F1
# floors of issues 2, 3 and 28. Exits 1 when a floor is missed, 2 on error.
#
#   scripts/eval.sh                  # floors of issues 2, 3 and 28
#   MIN_F1=email=0.97 scripts/eval.sh
#   SEED=3 scripts/eval.sh           # another corpus of the same shape
set -euo pipefail
cd "$(dirname "$0")/.."

SEED="${SEED:-1}"
# Issue 28's kinds score 1.0 on seeds 1 and 4242 (docs/benchmarks.md); the
# floors leave room for generator changes, not for a detector that drops a
# few percent: 0.97 where a checksum or a fixed layout decides (as for the
# first kinds), 0.95 where a label or column admits the value.
ISSUE28="password=0.97,government_id=0.97,health_insurance=0.97,card_security_code=0.97,tax_id=0.97,bank_account=0.95,username=0.95,drivers_license=0.95,passport=0.95,health=0.95"
MIN_F1="${MIN_F1:-email=0.97,payment_card=0.97,us_ssn=0.97,iban=0.97,ip_address=0.97,phone_number=0.92,person_name=0.90,street_address=0.85,date_of_birth=0.90,$ISSUE28}"

# BW_BIN: an already built binary (the test command passes its debug build).
if [ -n "${BW_BIN:-}" ]; then
    bw="$BW_BIN"
else
    cargo build --release --locked -p breachwatch >&2
    bw="${CARGO_TARGET_DIR:-target}/release/breachwatch"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus"

"$bw" corpus generate --out "$corpus" --seed "$SEED"
# Exit 1 from scan means "found something", which is expected here.
set +e
"$bw" scan "$corpus" --format jsonl --quiet >"$work/findings.jsonl"
rc=$?
set -e
if [ "$rc" -ge 2 ]; then
    echo "eval: scan failed (exit $rc)" >&2
    exit 2
fi
"$bw" corpus score "$corpus" --findings "$work/findings.jsonl" --min-f1 "$MIN_F1"
