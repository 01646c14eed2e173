#!/usr/bin/env bash
# Prints the path of Debian's Chromium for the dashboard browser tests,
# installing `chromium` and `chromium-driver` from Debian's packages if
# missing, and installs playwright-core (pinned, no bundled browser) under
# target/browser-node/ to drive it (`npx playwright install` does not work
# here; the tests launch /usr/bin/chromium through executablePath).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
playwright_version="1.65.2"
# axe-core (Deque's accessibility rules, pinned) checks the pages' labels,
# names and contrast inside that browser.
axe_version="4.14.1"
if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >&2
fi
node_dir="$here/target/browser-node"
installed="$(node -p "require('$node_dir/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
installed_axe="$(node -p "require('$node_dir/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$playwright_version" ] || [ "$installed_axe" != "$axe_version" ]; then
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error \
        "playwright-core@$playwright_version" "axe-core@$axe_version" >&2
fi
command -v chromium
