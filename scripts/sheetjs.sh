#!/usr/bin/env bash
# Prints the node_modules directory holding SheetJS (the `xlsx` package on
# npm, pinned), installing it under target/sheetjs-node/ if missing: the
# xlsb tests write their fixtures with it, the writer behind most xlsb files
# that are not Excel's own (it uses the short cell records for every cell
# after the first of a run, which the reader must handle). Node and npm
# come from the machine (Debian's packages if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
sheetjs_version="0.18.5"
if ! command -v npm >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >&2
fi
node_dir="$here/target/sheetjs-node"
installed="$(node -p "require('$node_dir/node_modules/xlsx/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$sheetjs_version" ]; then
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error \
        "xlsx@$sheetjs_version" >&2
fi
echo "$node_dir/node_modules"
