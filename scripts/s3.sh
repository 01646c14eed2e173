#!/usr/bin/env bash
# Make a throwaway S3-compatible server available for the object-store
# tests and benchmarks and print its endpoint URL on stdout (and nothing
# else there), so that
#     export BW_S3_ENDPOINT=$(bash scripts/s3.sh)
# works in CI. `bash scripts/s3.sh stop` stops it. Idempotent: a second run
# against a live server only prints the endpoint.
#
# The server is s3s-fs (crates.io, pinned), a real S3 protocol
# implementation over a directory that checks SigV4 signatures, built once
# into target/s3s/ (a cold build takes about 3 minutes on 2 cores).
#
# Everything diagnostic goes to stderr. Environment knobs:
#   BW_S3_DIR         data + pid directory (default /tmp/bw-s3)
#   BW_S3_PORT        port to use when starting (default: first free from 18014)
#   BW_S3_ACCESS_KEY  the one key the server accepts (default bw-test-key)
#   BW_S3_SECRET_KEY  its secret (default bw-test-secret)
#   BW_S3_BUCKET      a bucket created empty if missing (default bw-test)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
version="0.14.1"
root="$here/target/s3s"
bin="$root/bin/s3s-fs"
dir="${BW_S3_DIR:-/tmp/bw-s3}"
access="${BW_S3_ACCESS_KEY:-bw-test-key}"
secret="${BW_S3_SECRET_KEY:-bw-test-secret}"
bucket="${BW_S3_BUCKET:-bw-test}"
log() { printf 's3.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/service.sh
. "$here/scripts/lib/service.sh"

pid_file="$dir/pid"
port_file="$dir/port"
log_file="$dir/server.log"
if [ "${1:-}" = "stop" ]; then stop_and_exit; fi

installed="$("$bin" --version 2>/dev/null || true)"
if [ "$installed" != "s3s-fs $version" ]; then
    log "building s3s-fs $version into $root (once)"
    cargo install --quiet --locked --version "$version" --features binary \
        --root "$root" --target-dir "$root/build" s3s-fs >&2
    # The build tree is only needed to build it.
    rm -rf "$root/build"
fi

endpoint() { printf 'http://127.0.0.1:%s\n' "$(cat "$port_file")"; }

# s3s-fs keeps a bucket as a directory of its data root.
mkdir -p "$dir/data/$bucket"

if running && [ -f "$port_file" ]; then
    endpoint
    exit 0
fi

port="$(pick_port 18014 "${BW_S3_PORT:-}")"
mkdir -p "$dir/data"
printf '%s\n' "$port" >"$port_file"
start_and_wait "$bin" --host 127.0.0.1 --port "$port" --access-key "$access" --secret-key "$secret" \
    "$dir/data"
log "running on 127.0.0.1:$port (data in $dir/data)"
endpoint
