#!/usr/bin/env bash
# Runs every test breachwatch has. Installs and starts what the tests need
# (nothing outside cargo yet), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-targets --locked
