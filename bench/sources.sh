#!/usr/bin/env bash
# Remote sources (issue 25) against the same bytes read locally, in one
# run. Prints markdown tables for docs/benchmarks.md ("Sources (issue 25)").
#
# Object stores: a 1 GiB tree of mixed leak files (the corpus generator's)
# uploaded to the local S3-compatible server (s3s-fs, scripts/s3.sh), then
#   - scan DIR                      (local disk, page cache warm)
#   - scan s3://bucket/prefix       (the same files as objects, over HTTP)
# both at --threads 2, best of --runs, with the throughput ratio
# (local time / S3 time; the target is >= 0.7) and equal finding counts;
# and one large object (--big-mb, one file of mixed content) scanned
# through s3:// for its peak RSS beside the local file's: the body streams
# through a bounded channel, never held whole.
#
# Database tables: bench/tables.sh (its own options), run after.
#
#   bench/sources.sh                          # both parts, 1 GiB, 3 runs
#   bench/sources.sh --part objects --size-mb 256 --runs 1
#   BREACHWATCH_BIN=target/release/breachwatch bench/sources.sh
# Without BREACHWATCH_BIN the release build is made in a git worktree of
# HEAD with CARGO_TARGET_DIR=${BW_REL_TARGET:-/work/rel-target}, so a
# build in the working tree is left alone; the worktree is removed after.
set -euo pipefail
cd "$(dirname "$0")/.."

PART=all
SIZE_MB=1024
BIG_MB=1024
RUNS=3
SEED=1
THREADS=2
while [ $# -gt 0 ]; do
    case "$1" in
        --part) PART="$2"; shift ;;
        --size-mb) SIZE_MB="$2"; shift ;;
        --big-mb) BIG_MB="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        --threads) THREADS="$2"; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "bench/sources.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

tmp="$(mktemp -d)"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bw="$BREACHWATCH_BIN"
else
    rel_target="${BW_REL_TARGET:-/work/rel-target}"
    # A fixed path: cargo's fingerprints name it, so a second run only
    # rebuilds what changed.
    tree="$rel_target/worktree"
    git worktree remove --force "$tree" 2>/dev/null || true
    git worktree add --detach --quiet "$tree" HEAD
    echo "building breachwatch (release) from HEAD $(git rev-parse --short HEAD)" >&2
    (cd "$tree" && CARGO_TARGET_DIR="$rel_target" cargo build --release --locked -p breachwatch >&2)
    git worktree remove --force "$tree"
    bw="$rel_target/release/breachwatch"
fi
export BREACHWATCH_BIN="$bw"

# ---------------------------------------------------------------- objects
objects() {
    local endpoint py data big bucket prefix
    endpoint="$(bash scripts/s3.sh)"
    export AWS_ACCESS_KEY_ID="${BW_S3_ACCESS_KEY:-bw-test-key}"
    export AWS_SECRET_ACCESS_KEY="${BW_S3_SECRET_KEY:-bw-test-secret}"
    export AWS_REGION=us-east-1
    bucket="${BW_S3_BUCKET:-bw-test}"
    # A client to fill the bucket (the tool only reads stores): boto3 in a
    # venv under target/, pinned.
    py=target/bench-s3-venv/bin/python
    if ! "$py" -c "import boto3" 2>/dev/null; then
        python3 -m venv target/bench-s3-venv >&2
        target/bench-s3-venv/bin/pip install --quiet --disable-pip-version-check "boto3==1.44.18" >&2
    fi

    data="bench/data/sources-${SIZE_MB}mb-seed$SEED"
    big="bench/data/sources-single-${BIG_MB}mb-seed$SEED"
    if [ ! -d "$data" ]; then
        echo "generating $data" >&2
        "$bw" corpus generate --out "$data.part" --seed "$SEED" --size-mb "$SIZE_MB" --no-truth >&2
        mv "$data.part" "$data"
    fi
    if [ ! -d "$big" ]; then
        echo "generating $big" >&2
        "$bw" corpus generate --out "$big.part" --seed "$SEED" --size-mb "$BIG_MB" --no-truth \
            --single-file >&2
        mv "$big.part" "$big"
    fi
    prefix="bench-$(basename "$data")"
    echo "uploading $data and $big to s3://$bucket (skipped when there)" >&2
    "$py" - "$endpoint" "$bucket" "$data" "$prefix" "$big" "bench-$(basename "$big")" <<'PY' >&2
import os, sys
from concurrent.futures import ThreadPoolExecutor
import boto3
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
pairs = sys.argv[3:]
for local, prefix in zip(pairs[0::2], pairs[1::2]):
    have = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for o in page.get("Contents", []):
            have[o["Key"]] = o["Size"]
    todo = []
    for root, _, files in os.walk(local):
        for f in files:
            p = os.path.join(root, f)
            key = prefix + "/" + os.path.relpath(p, local)
            if have.get(key) != os.path.getsize(p):
                todo.append((p, key))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda pk: s3.upload_file(pk[0], bucket, pk[1]), todo))
    print(f"{local}: {len(todo)} uploaded, {len(have)} there", file=sys.stderr)
PY
    local bytes files
    bytes=$(du -sb "$data" | cut -f1)
    files=$(find "$data" -type f | wc -l)
    export BREACHWATCH_HOME="$tmp/home"

    best_of() {
        local name="$1"; shift
        local best="" rss="" out=""
        for _ in $(seq "$RUNS"); do
            /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || true
            local t m
            read -r t m < <(tail -n1 "$tmp/t")
            if grep -q "error" "$tmp/err"; then
                echo "$name: errors:" >&2
                cat "$tmp/err" >&2
            fi
            if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
                best="$t"; rss="$m"; out="$(wc -l <"$tmp/out")"
            fi
        done
        echo "$name $best $rss $out" >>"$tmp/results"
    }
    # Warm both sides' page cache the same way.
    find "$data" "$big" -type f -exec cat {} + >/dev/null
    find "${BW_S3_DIR:-/tmp/bw-s3}/data/$bucket" -type f -exec cat {} + >/dev/null 2>&1 || true
    local tree_s3="s3://$bucket/$prefix"
    local big_file big_s3
    big_file="$(find "$big" -type f | head -n1)"
    big_s3="s3://$bucket/bench-$(basename "$big")/${big_file#"$big"/}"
    best_of local "$bw" scan "$data" --format jsonl --threads "$THREADS" --quiet
    best_of s3 "$bw" scan "$tree_s3" --endpoint "$endpoint" --format jsonl --threads "$THREADS" --quiet
    best_of big-local "$bw" scan "$big_file" --format jsonl --threads 1 --quiet
    best_of big-s3 "$bw" scan "$big_s3" --endpoint "$endpoint" --format jsonl --threads 1 --quiet

    get() { awk -v n="$1" -v f="$2" '$1==n {print $f}' "$tmp/results"; }
    mbps() { awk -v b="$1" -v t="$2" 'BEGIN{ if (t>0) printf "%.0f", b/1e6/t; else print "inf" }'; }
    mib() { awk -v k="$1" 'BEGIN{ printf "%.0f", k/1024 }'; }
    local big_bytes
    big_bytes=$(stat -c %s "$big_file")
    echo
    echo "Object stores: $files files, $(awk -v b="$bytes" 'BEGIN{printf "%.0f", b/1e6}') MB, --threads $THREADS (best of $RUNS)"
    echo
    echo "| input | scan s | MB/s | findings | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|"
    for n in local s3; do
        printf '| %s | %s | %s | %s | %s |\n' "$n" "$(get $n 2)" "$(mbps "$bytes" "$(get $n 2)")" \
            "$(get $n 4)" "$(mib "$(get $n 3)")"
    done
    for n in big-local big-s3; do
        printf '| %s (one %s MB file, 1 thread) | %s | %s | %s | %s |\n' "$n" \
            "$(awk -v b="$big_bytes" 'BEGIN{printf "%.0f", b/1e6}')" "$(get $n 2)" \
            "$(mbps "$big_bytes" "$(get $n 2)")" "$(get $n 4)" "$(mib "$(get $n 3)")"
    done
    echo
    printf 's3:// throughput / local: %s (target >= 0.7); findings equal: %s\n' \
        "$(awk -v a="$(get local 2)" -v b="$(get s3 2)" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')" \
        "$([ "$(get local 4)" = "$(get s3 4)" ] && echo yes || echo NO)"
    echo "($(nproc) cores: $(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo); the S3 server runs on the same cores)"
}

# ---------------------------------------------------------------- tables
# Database tables have their own script (PostgreSQL set-up, its options);
# this part only runs it with the same binary.
tables() {
    bash bench/tables.sh
}

case "$PART" in
    objects) objects ;;
    tables) tables ;;
    all) objects; tables ;;
    *) echo "bench/sources.sh: --part objects, tables or all" >&2; exit 2 ;;
esac
