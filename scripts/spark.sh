#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 for the Spark job's tests
# and bench: one master and two workers, each its own JVM (so a test can
# kill one by pid), from PySpark on PyPI (4.x, with pandas < 3 and
# pyarrow) in a venv under target/, on Debian's openjdk-17-jre-headless.
# Idempotent: installs what is missing, reuses a cluster that is up.
#
#   bash scripts/spark.sh        start (if needed); prints KEY=VALUE lines
#                                BW_SPARK_PYTHON, BW_SPARK_MASTER,
#                                BW_SPARK_WORKER_PIDS (comma-separated),
#                                BW_SPARK_HOME
#   bash scripts/spark.sh stop   stops the master and workers it started
#   bash scripts/spark.sh python only installs; prints the venv's python
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/target/spark-venv"
run="$here/target/spark-run"
pkgs=(
    "pyspark==4.0.1"
    "pandas==2.2.3"
    "pyarrow==18.1.0"
)

stop() {
    for f in "$run"/*.pid; do
        [ -e "$f" ] || continue
        pid="$(cat "$f")"
        # Only our own JVMs: the pid file was written when we started it.
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
        rm -f "$f"
    done
}

if [ "${1:-}" = "stop" ]; then
    stop
    exit 0
fi

if ! command -v java >/dev/null; then
    apt-get update -qq >&2
    apt-get install -y -qq openjdk-17-jre-headless >&2
fi
if ! "$venv/bin/python" -c "import pyspark, pandas, pyarrow; assert pyspark.__version__.startswith('4.')" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}" >&2
fi
python="$venv/bin/python"
if [ "${1:-}" = "python" ]; then
    echo "$python"
    exit 0
fi

spark_home="$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
mkdir -p "$run"
alive() { [ -e "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

# A port of our own, free when the master starts (kept in master.port), so
# another Spark on the machine — another checkout's test run — is never
# joined: a busy port would make Spark bind the next one while our workers
# registered with the other master.
# shellcheck source=lib/service.sh
. "$here/scripts/lib/service.sh"
if alive master; then
    master_port="$(cat "$run/master.port" 2>/dev/null || echo 17077)"
else
    master_port="$(pick_port 17077 "${BW_SPARK_MASTER_PORT:-}")"
fi
master="spark://127.0.0.1:$master_port"
export SPARK_HOME="$spark_home"
export PYSPARK_PYTHON="$python"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOG_DIR="$run/logs"
mkdir -p "$SPARK_LOG_DIR"

# Waits until a log line shows the daemon is up (JVM start is seconds).
wait_for() {
    local log="$1" pattern="$2"
    for _ in $(seq 1 120); do
        if grep -q "$pattern" "$log" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    echo "spark.sh: timed out waiting for '$pattern' in $log" >&2
    tail -n 30 "$log" >&2 || true
    return 1
}

if ! alive master; then
    : >"$run/master.log"
    nohup "$spark_home/bin/spark-class" org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port "$master_port" --webui-port 0 \
        >"$run/master.log" 2>&1 &
    echo $! >"$run/master.pid"
    echo "$master_port" >"$run/master.port"
    wait_for "$run/master.log" "I have been elected leader"
fi
pids=()
for w in 1 2; do
    if ! alive "worker$w"; then
        : >"$run/worker$w.log"
        # One core and 1 GiB each: two small executors on a 2-core machine,
        # and each worker its own JVM (its executor a child of it).
        SPARK_WORKER_DIR="$run/work$w" nohup "$spark_home/bin/spark-class" \
            org.apache.spark.deploy.worker.Worker \
            --host 127.0.0.1 --cores 1 --memory 1g --webui-port 0 \
            --work-dir "$run/work$w" "$master" \
            >"$run/worker$w.log" 2>&1 &
        echo $! >"$run/worker$w.pid"
        wait_for "$run/worker$w.log" "Successfully registered with master"
    fi
    pids+=("$(cat "$run/worker$w.pid")")
done
echo "BW_SPARK_PYTHON=$python"
echo "BW_SPARK_MASTER=$master"
echo "BW_SPARK_HOME=$spark_home"
(IFS=,; echo "BW_SPARK_WORKER_PIDS=${pids[*]}")
