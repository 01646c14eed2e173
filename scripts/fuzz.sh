#!/usr/bin/env bash
# Fuzzes `chunked_equals_whole` (chunked stream scan == whole-buffer scan)
# for SECONDS (default 60), installing cargo-fuzz from crates.io if missing.
#
# cargo-fuzz needs nightly-only rustc flags (-Z sanitizer, sancov passes).
# The project's machines have only the stable toolchain, so RUSTC_BOOTSTRAP=1
# unlocks those flags on it (harmless on nightly).
# If libFuzzer cannot be built or run at all, the same property runs as the
# fuzz crate's randomised `cargo test` instead, with a case count scaled to
# the time asked for, so CI still checks it.
#
# Usage: scripts/fuzz.sh [SECONDS]
# Env:   CARGO_TARGET_DIR (default fuzz/target),
#        FUZZ_SANITIZER (address | none; default none: the code under test is
#        safe Rust, and ASan makes each execution several times slower).
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-60}"
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
target=chunked_equals_whole
sanitizer="${FUZZ_SANITIZER:-none}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/fuzz/target}"

t0=$SECONDS
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz from crates.io" >&2
    # Its own target dir, so the install neither reuses nor pollutes ours.
    CARGO_TARGET_DIR="$(mktemp -d)" cargo install cargo-fuzz --locked
fi
echo "fuzz.sh: cargo-fuzz ready after $((SECONDS - t0)) s ($(cargo fuzz --version))" >&2

export RUSTC_BOOTSTRAP=1

fallback() {
    # About 10 cases a second in a debug build; at least the default 150.
    local cases=$((secs * 10 > 150 ? secs * 10 : 150))
    echo "fuzz.sh: libFuzzer unavailable; running $cases random cases under cargo test" >&2
    BW_FUZZ_CASES="$cases" BW_FUZZ_SEED="${BW_FUZZ_SEED:-$RANDOM}" \
        cargo test --manifest-path fuzz/Cargo.toml --release
}

t1=$SECONDS
if ! cargo fuzz build -s "$sanitizer" "$target"; then
    fallback
    exit
fi
echo "fuzz.sh: built in $((SECONDS - t1)) s" >&2

# New inputs go to a scratch corpus (first directory); the committed seeds
# (second directory) are only read.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cargo fuzz run -s "$sanitizer" "$target" \
    "$scratch" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -max_len=4096 -print_final_stats=1
