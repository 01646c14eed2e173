#!/usr/bin/env bash
# Database tables through `breachwatch scan postgres://…`, against the same
# rows exported with psql's \copy and scanned as a CSV file, in one run.
# A table of N rows (default 1 M) of synthetic customers is generated
# inside PostgreSQL (generate_series, no row crosses from a client): ids,
# names, emails, phones, dates of birth, free-text notes naming people
# and phones, and a JSONB column. Prints a markdown table for
# docs/benchmarks.md ("Sources (issue 25)"): wall time, rows/s and MB/s
# (MB = the CSV export's size, the same text the scan renders), peak RSS,
# for
#   - scan postgres://…                    (the whole table)
#   - scan postgres://… --sample 10000
#   - psql \copy to a file, then scan file  (and the ratio to the first)
#   - the same rows in a SQLite file, as sqlite://… and as a document file
# each at --threads 1 (a table is one input, read by one thread; the file
# too, so the ratio compares the reading paths) and, for the file, at the
# default thread count (a large file is split across threads).
#
#   bench/tables.sh                       # 1 M rows, 2 runs each
#   bench/tables.sh --rows 200000 --runs 1
#   BREACHWATCH_BIN=target/release/breachwatch bench/tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=1000000
RUNS=2
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "bench/tables.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bw="$BREACHWATCH_BIN"
else
    echo "building breachwatch (release)" >&2
    cargo build --release --locked -p breachwatch >&2
    bw="${CARGO_TARGET_DIR:-target}/release/breachwatch"
fi
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq >&2 && apt-get install -y -qq time >&2
fi

admin="$(bash scripts/pg.sh)"
db=bw_bench_tables
url="${admin%/*}/$db"
table="customers_${ROWS}"

if ! psql "$admin" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "$admin" -q -c "CREATE DATABASE $db" >&2
fi
if ! psql "$url" -tAc "SELECT 1 FROM pg_class WHERE relname = '$table'" | grep -q 1; then
    echo "generating $table ($ROWS rows) in PostgreSQL" >&2
    psql "$url" -q -v ON_ERROR_STOP=1 >&2 <<SQL
CREATE TABLE $table (
  id bigint PRIMARY KEY, first_name text, last_name text, email text,
  phone text, born date, city text, notes text, details jsonb);
WITH n AS (
  SELECT g,
    (ARRAY['Ann','Omar','Priya','Lukas','Chloe','Mateo','Aiko','Fatima','Noah','Ines',
           'Kwame','Sofia','Ivan','Mei','Diego','Amara','Jonas','Leila','Ravi','Hannah'])[1 + g % 20] AS first,
    (ARRAY['Lee','Haddad','Raman','Schmidt','Martin','Garcia','Tanaka','Khan','Smith','Rossi',
           'Mensah','Costa','Petrov','Chen','Lopez','Okafor','Berg','Nasser','Iyer','Weber'])[1 + (g / 20) % 20] AS last
  FROM generate_series(1, $ROWS) g)
INSERT INTO $table
SELECT g, first, last,
  lower(first) || '.' || lower(last) || g || '@shop-mail.example',
  '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),
  date '1950-01-01' + (g % 20000),
  (ARRAY['London','Paris','Berlin','Austin','Osaka'])[1 + g % 5],
  CASE WHEN g % 4 = 0 THEN first || ' ' || last || ' called about order ' || g || ', call back on +44 20 7946 ' || lpad((g % 10000)::text, 4, '0')
       ELSE 'no notes' END,
  jsonb_build_object('loyalty', g % 7, 'contact', jsonb_build_object('email', lower(first) || g || '@mail.example'))
FROM n;
ANALYZE $table;
SQL
fi

data=bench/data/tables
mkdir -p "$data"
csv="$data/$table.csv"

# Seconds and peak RSS (KiB) of a command, output discarded.
timing="$(mktemp)"
trap 'rm -f "$timing"' EXIT
measure() {
    # A scan with findings exits 1: not a failure here.
    /usr/bin/time -f '%e %M' -o "$timing" "$@" >/dev/null 2>&1 || true
    tail -n1 "$timing"
}
best() { # the fastest of RUNS runs: "seconds rss"
    local b="" r
    for _ in $(seq 1 "$RUNS"); do
        r="$(measure "$@")"
        if [ -z "$b" ] || awk -v a="${r%% *}" -v c="${b%% *}" 'BEGIN{exit !(a<c)}'; then b="$r"; fi
    done
    printf '%s\n' "$b"
}

echo "scan $table (postgres, --threads 1)" >&2
pg="$(best "$bw" scan "$url" --tables "$table" --threads 1 --format jsonl -q)"
echo "scan $table --sample 10000" >&2
sample="$(best "$bw" scan "$url" --tables "$table" --sample 10000 --threads 1 --format jsonl -q)"
echo "psql \\copy + scan file" >&2
copy_s=""
for _ in $(seq 1 "$RUNS"); do
    rm -f "$csv"
    s="$(measure psql "$url" -q -c "\\copy $table to '$csv' csv header")"
    s="${s%% *}"
    if [ -z "$copy_s" ] || awk -v a="$s" -v c="$copy_s" 'BEGIN{exit !(a<c)}'; then copy_s="$s"; fi
done
file1="$(best "$bw" scan "$csv" --threads 1 --format jsonl -q)"
# The same rows in a SQLite file (the sqlite3 CLI's CSV import), read as a
# database (sqlite://) and as a document file: the table path without a
# server process competing for the cores.
db_file="$data/$table.sqlite3"
if [ ! -f "$db_file" ]; then
    command -v sqlite3 >/dev/null || { apt-get update -qq >&2 && apt-get install -y -qq sqlite3 >&2; }
    sqlite3 "$db_file.part" ".import --csv $csv $table" >&2
    mv "$db_file.part" "$db_file"
fi
lite="$(best "$bw" scan "sqlite://$db_file" --threads 1 --format jsonl -q)"
litedoc="$(best "$bw" scan "$db_file" --threads 1 --format jsonl -q)"
filen="$(best "$bw" scan "$csv" --format jsonl -q)"
findings_pg="$( ("$bw" scan "$url" --tables "$table" --threads 1 --format jsonl -q || true) | wc -l)"
findings_file="$( ("$bw" scan "$csv" --threads 1 --format jsonl -q || true) | wc -l)"

mb="$(awk -v b="$(stat -c %s "$csv")" 'BEGIN{printf "%.1f", b/1048576}')"
row() { # label seconds rss rows
    # The label through the environment: awk -v would read its backslashes.
    L="$1" awk -v s="$2" -v r="$3" -v n="$4" -v mb="$5" \
        'BEGIN{printf "| %s | %.2f s | %.0f | %.1f | %.0f MiB |\n", ENVIRON["L"], s, n/s, mb/s, r/1024}'
}
cores="$(nproc)"
echo
echo "PostgreSQL $(psql "$url" -tAc 'SHOW server_version'), $ROWS rows, CSV export $mb MiB; $cores cores; best of $RUNS"
echo
echo "| path | wall | rows/s | MB/s | peak RSS |"
echo "|---|---|---|---|---|"
row "scan postgres://… (--threads 1)" "${pg%% *}" "${pg##* }" "$ROWS" "$mb"
sample_mb="$(awk -v m="$mb" -v n="$ROWS" 'BEGIN{print m*10000/n}')"
row "scan postgres://… --sample 10000" "${sample%% *}" "${sample##* }" 10000 "$sample_mb"
row "psql \\copy to file" "$copy_s" 0 "$ROWS" "$mb" | sed 's/| 0 MiB |/| (psql) |/'
row "scan file.csv (--threads 1)" "${file1%% *}" "${file1##* }" "$ROWS" "$mb"
total="$(awk -v a="$copy_s" -v b="${file1%% *}" 'BEGIN{print a+b}')"
row "\\copy + scan file (--threads 1)" "$total" "${file1##* }" "$ROWS" "$mb"
row "scan file.csv ($cores threads)" "${filen%% *}" "${filen##* }" "$ROWS" "$mb"
row "scan sqlite://… (same rows, --threads 1)" "${lite%% *}" "${lite##* }" "$ROWS" "$mb"
row "scan file.sqlite3 as a document (--threads 1)" "${litedoc%% *}" "${litedoc##* }" "$ROWS" "$mb"
echo
awk -v t="$total" -v p="${pg%% *}" -v f="${file1%% *}" 'BEGIN{
  printf "scan postgres:// vs \\copy + scan file: %.2fx the speed (%.2f s vs %.2f s); vs scanning the exported file alone: %.2fx\n", t/p, p, t, f/p }'
echo "findings: $findings_pg from the table, $findings_file from the CSV export"
