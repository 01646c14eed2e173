#!/usr/bin/env bash
# Prints the path of a Python that has aiosmtpd (a real SMTP server from
# PyPI, used by the notify tests), creating a venv under target/ once.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/target/smtp-venv"
if ! "$venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6" >&2
fi
echo "$venv/bin/python"
