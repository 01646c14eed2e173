#!/usr/bin/env bash
# Document formats through `breachwatch scan`, against the same rows as
# CSV in the same run: a large xlsx and a large Parquet file, each scanned
# whole (one thread, every kind) beside its CSV twin. Prints a markdown
# table for docs/benchmarks.md: MB/s of the document file, MB/s of the
# CSV, the ratio of wall times (document / CSV), peak RSS of each.
#
#   bench/formats.sh                          # 200 MB xlsx, 1 GB Parquet
#   bench/formats.sh --xlsx-mb 50 --parquet-mb 256 --runs 1
#   BREACHWATCH_BIN=target/release/breachwatch bench/formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."

XLSX_MB=200
PARQUET_MB=1024
RUNS=2
while [ $# -gt 0 ]; do
    case "$1" in
        --xlsx-mb) XLSX_MB="$2"; shift ;;
        --parquet-mb) PARQUET_MB="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "bench/formats.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

py="$(bash scripts/docs_python.sh)"
if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bw="$BREACHWATCH_BIN"
else
    echo "building breachwatch (release)" >&2
    cargo build --release --locked -p breachwatch >&2
    bw="${CARGO_TARGET_DIR:-target}/release/breachwatch"
fi

data=bench/data/formats
mkdir -p "$data"
xlsx="$data/customers-${XLSX_MB}mb.xlsx"
parquet="$data/customers-${PARQUET_MB}mb.parquet"
if [ ! -f "$xlsx" ]; then
    echo "writing $xlsx (openpyxl)" >&2
    "$py" bench/make_xlsx.py --size-mb "$XLSX_MB" --out "$xlsx" >&2
fi
if [ ! -f "$parquet" ]; then
    echo "writing $parquet (pyarrow)" >&2
    "$py" bench/make_parquet.py "$parquet" "$PARQUET_MB" >&2
fi
# The CSV twins: the same cells, written by the same libraries' readers
# (openpyxl reads the sheet back; pyarrow writes its table as CSV), so
# both scans see the same values.
if [ ! -f "$xlsx.csv" ]; then
    echo "writing $xlsx.csv" >&2
    "$py" - "$xlsx" <<'PY' >&2
import csv, datetime, sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1], read_only=True)
with open(sys.argv[1] + ".csv.part", "w", newline="") as f:
    w = csv.writer(f)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            w.writerow(["" if v is None else v.date().isoformat() if isinstance(v, datetime.datetime) else v for v in row])
PY
    # Renamed only when whole: a failed run leaves no twin to reuse.
    mv "$xlsx.csv.part" "$xlsx.csv"
fi
if [ ! -f "$parquet.csv" ]; then
    echo "writing $parquet.csv" >&2
    "$py" - "$parquet" <<'PY' >&2
import sys
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
# CSV has no nested types: structs become dotted columns (as the reader
# names them), lists their elements joined by "; " (as the reader joins them).
def flat(batch):
    t = pa.Table.from_batches([batch]).flatten()
    for i, field in enumerate(t.schema):
        if pa.types.is_list(field.type):
            t = t.set_column(i, field.name, pc.binary_join(t.column(i), "; "))
    return t
f = pq.ParquetFile(sys.argv[1])
w = None
for batch in f.iter_batches(batch_size=65536):
    t = flat(batch)
    if w is None:
        w = pcsv.CSVWriter(sys.argv[1] + ".csv.part", t.schema)
    w.write_table(t)
w.close()
PY
    mv "$parquet.csv.part" "$parquet.csv"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
best_of() {
    local name="$1"; shift
    local best="" rss=""
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || true
        local t m
        read -r t m < <(tail -n1 "$tmp/t")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
            best="$t"; rss="$m"
        fi
    done
    echo "$name $best $rss $(wc -l <"$tmp/out")" >>"$tmp/results"
}
for f in "$xlsx" "$xlsx.csv" "$parquet" "$parquet.csv"; do
    cat "$f" >/dev/null
    best_of "$f" "$bw" scan "$f" --format jsonl --threads 1 --quiet
done

get() { awk -v n="$1" -v f="$2" '$1==n {print $f}' "$tmp/results"; }
size() { stat -c %s "$1"; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN{ if (t>0) printf "%.1f", b/1e6/t; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN{ printf "%.0f", k/1024 }'; }
echo
echo "| input | file MB | scan s | file MB/s | findings | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|"
for f in "$xlsx" "$xlsx.csv" "$parquet" "$parquet.csv"; do
    s=$(size "$f"); t=$(get "$f" 2)
    printf '| %s | %.0f | %s | %s | %s | %s |\n' "$(basename "$f")" "$(awk -v b="$s" 'BEGIN{print b/1e6}')" \
        "$t" "$(mbps "$s" "$t")" "$(get "$f" 4)" "$(mib "$(get "$f" 3)")"
done
echo
for pair in "$xlsx" "$parquet"; do
    printf 'time ratio %s / its CSV twin: %s\n' "$(basename "$pair")" \
        "$(awk -v a="$(get "$pair" 2)" -v b="$(get "$pair.csv" 2)" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')"
done
echo "(one thread, every kind; $(nproc) cores: $(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo))"
