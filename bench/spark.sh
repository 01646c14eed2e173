#!/usr/bin/env bash
# The Spark job (deploy/spark/breachwatch_job.py) on the local standalone
# cluster — two workers of one core each (scripts/spark.sh) — against one
# `breachwatch scan` process with two threads, over the same objects on the
# local S3-compatible server (scripts/s3.sh): the same 2 cores either way,
# so the ratio is the job's overhead (JVMs, Python workers, plan, Arrow,
# Parquet, dedupe shuffle), not a speed-up. Prints a markdown table for
# docs/benchmarks.md ("Sources (issue 25)", Spark part).
#
#   bench/spark.sh                       # 512 MiB of corpus files, 16 splits, 3 runs
#   bench/spark.sh --size-mb 128 --runs 1
#   BREACHWATCH_BIN=target/release/breachwatch bench/spark.sh
# Without BREACHWATCH_BIN the release build is made as bench/sources.sh
# makes it (a git worktree of HEAD, CARGO_TARGET_DIR=${BW_REL_TARGET:-/work/rel-target}).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=512
RUNS=3
SEED=1
SPLITS=16
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        --splits) SPLITS="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "bench/spark.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bw="$BREACHWATCH_BIN"
else
    rel_target="${BW_REL_TARGET:-/work/rel-target}"
    tree="$rel_target/worktree-spark"
    git worktree remove --force "$tree" 2>/dev/null || true
    git worktree add --detach --quiet "$tree" HEAD
    echo "building breachwatch (release) from HEAD $(git rev-parse --short HEAD)" >&2
    (cd "$tree" && CARGO_TARGET_DIR="$rel_target" cargo build --release --locked -p breachwatch >&2)
    git worktree remove --force "$tree"
    bw="$rel_target/release/breachwatch"
fi

endpoint="$(bash scripts/s3.sh)"
export AWS_ACCESS_KEY_ID="${BW_S3_ACCESS_KEY:-bw-test-key}"
export AWS_SECRET_ACCESS_KEY="${BW_S3_SECRET_KEY:-bw-test-secret}"
export AWS_REGION=us-east-1
bucket="${BW_S3_BUCKET:-bw-test}"
spark_env="$(bash scripts/spark.sh)"
while IFS='=' read -r k v; do export "$k=$v"; done <<<"$spark_env"
py="$BW_SPARK_PYTHON"

data="bench/data/spark-tree-${SIZE_MB}mb-seed${SEED}"
if [ ! -d "$data" ]; then
    "$bw" corpus generate --out "$data.part" --seed "$SEED" --size-mb "$SIZE_MB" --no-truth >&2
    mv "$data.part" "$data"
fi
prefix="bench-spark-${SIZE_MB}mb-seed${SEED}"
# Uploaded once per data set (the marker, beside the prefix, is written last).
"$py" - "$data" "$endpoint" "$bucket/$prefix" <<'EOF'
import os, sys
import pyarrow.fs as fs
local, endpoint, dest = sys.argv[1:]
scheme, host = endpoint.split("://", 1)
s3 = fs.S3FileSystem(access_key=os.environ["AWS_ACCESS_KEY_ID"],
                     secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                     endpoint_override=host, scheme=scheme, region="us-east-1")
if s3.get_file_info(dest + ".uploaded").type != fs.FileType.NotFound:
    sys.exit(0)
print(f"uploading {local} to {dest}", file=sys.stderr)
for root, _, files in os.walk(local):
    for f in files:
        p = os.path.join(root, f)
        with s3.open_output_stream(dest + "/" + os.path.relpath(p, local)) as o, open(p, "rb") as i:
            while chunk := i.read(1 << 22):
                o.write(chunk)
with s3.open_output_stream(dest + ".uploaded") as o:
    o.write(b"done\n")
EOF
src="s3://$bucket/$prefix"
bytes="$(du -sb "$data" | cut -f1)"

best() { sort -n | head -1; }

one_times=()
for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N)
    # Exit 1 means findings; only 2 is a failure.
    code=0
    "$bw" scan "$src" --endpoint "$endpoint" -j 2 --format jsonl -q >"$tmp/one.jsonl" || code=$?
    e=$(date +%s.%N)
    if [ "$code" -gt 1 ]; then echo "bench/spark.sh: scan failed ($code)" >&2; exit 1; fi
    findings="$(wc -l <"$tmp/one.jsonl")"
    one_times+=("$(echo "$e - $s" | bc)")
done
one="$(printf '%s\n' "${one_times[@]}" | best)"

spark_times=()
for r in $(seq "$RUNS"); do
    s=$(date +%s.%N)
    PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py" SPARK_LOCAL_IP=127.0.0.1 \
        "$BW_SPARK_HOME/bin/spark-submit" --master "$BW_SPARK_MASTER" \
        --conf spark.executor.memory=512m --conf spark.log.level=WARN \
        --conf "spark.executorEnv.AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" \
        --conf "spark.executorEnv.AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" \
        --conf "spark.executorEnv.AWS_REGION=$AWS_REGION" \
        deploy/spark/breachwatch_job.py scan "$src" --out "$tmp/out$r" \
        --binary "$bw" --splits "$SPLITS" --bw-arg="--endpoint=$endpoint" \
        >"$tmp/summary$r" 2>"$tmp/log$r"
    e=$(date +%s.%N)
    spark_times+=("$(echo "$e - $s" | bc)")
done
spark="$(printf '%s\n' "${spark_times[@]}" | best)"
spark_findings="$("$py" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["findings"])' "$tmp/summary1")"

mb="$(echo "scale=1; $bytes / 1000000" | bc)"
printf '\n%s MB of corpus files (%s objects) on s3s-fs, %s splits, best of %s\n\n' \
    "$mb" "$(find "$data" -type f | wc -l)" "$SPLITS" "$RUNS"
echo "| run | time | MB/s | findings |"
echo "|---|---:|---:|---:|"
printf '| one `breachwatch scan s3://…` process, 2 threads | %.1f s | %.1f | %s |\n' \
    "$one" "$(echo "$bytes / 1000000 / $one" | bc -l)" "$findings"
printf '| Spark job, 2 workers × 1 core | %.1f s | %.1f | %s |\n' \
    "$spark" "$(echo "$bytes / 1000000 / $spark" | bc -l)" "$spark_findings"
printf '\nSpark / one process: %.2f× the time (all runs: one %s; spark %s)\n' \
    "$(echo "$spark / $one" | bc -l)" "${one_times[*]}" "${spark_times[*]}"
