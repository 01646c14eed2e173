#!/usr/bin/env bash
# Make a throwaway Azure Blob Storage emulator (Azurite, npm, pinned)
# available for the az:// tests and print its blob endpoint on stdout (and
# nothing else there), so that
#     export BW_AZURITE_ENDPOINT=$(bash scripts/azurite.sh)
# works in CI. `bash scripts/azurite.sh stop` stops it. Idempotent.
#
# The endpoint is path-style, account included
# (http://127.0.0.1:PORT/devstoreaccount1); the account and its key are
# Azurite's well-known development ones. A container (BW_AZURITE_CONTAINER,
# default bw-test) is created with Microsoft's own client library
# (@azure/storage-blob, pinned), since the tool only reads stores.
#
# --skipApiVersionCheck: the client library pinned here asks for a newer
# API version than this Azurite knows; the requests used are old ones.
#
# Environment knobs:
#   BW_AZURITE_DIR   data + pid directory (default /tmp/bw-azurite)
#   BW_AZURITE_PORT  port to use when starting (default: first free from 10100)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
azurite_version="3.35.0"
blob_version="12.34.0"
node_dir="$here/target/azurite-node"
dir="${BW_AZURITE_DIR:-/tmp/bw-azurite}"
container="${BW_AZURITE_CONTAINER:-bw-test}"
account="devstoreaccount1"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
log() { printf 'azurite.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/service.sh
. "$here/scripts/lib/service.sh"

pid_file="$dir/pid"
port_file="$dir/port"
log_file="$dir/server.log"
if [ "${1:-}" = "stop" ]; then stop_and_exit; fi

if ! command -v npm >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >&2
fi
version_of() {
    node -p "require('$node_dir/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(version_of azurite)" != "$azurite_version" ] \
    || [ "$(version_of @azure/storage-blob)" != "$blob_version" ]; then
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error \
        "azurite@$azurite_version" "@azure/storage-blob@$blob_version" >&2
fi

endpoint() { printf 'http://127.0.0.1:%s/%s\n' "$(cat "$port_file")" "$account"; }

if ! running; then
    port="$(pick_port 10100 "${BW_AZURITE_PORT:-}")"
    mkdir -p "$dir/data"
    printf '%s\n' "$port" >"$port_file"
    start_and_wait node "$node_dir/node_modules/azurite/dist/src/blob/main.js" \
        --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" \
        --skipApiVersionCheck --disableTelemetry --silent
    log "running on 127.0.0.1:$port (data in $dir/data)"
fi

NODE_PATH="$node_dir/node_modules" node - "$(endpoint)" "$account" "$key" "$container" <<'JS' >&2
const { BlobServiceClient, StorageSharedKeyCredential } = require("@azure/storage-blob");
const [endpoint, account, key, container] = process.argv.slice(2);
const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key));
service.getContainerClient(container).createIfNotExists().catch((e) => {
  console.error(`creating container ${container}: ${e.message}`);
  process.exit(1);
});
JS
endpoint
