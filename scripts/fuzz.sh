#!/usr/bin/env bash
# Fuzzes `chunked_equals_whole` (chunked stream scan == whole-buffer scan)
# for SECONDS (default 60), installing cargo-fuzz from crates.io if missing.
#
# cargo-fuzz needs nightly-only rustc flags (-Z sanitizer, sancov passes).
# The project's machines have only the stable toolchain, so RUSTC_BOOTSTRAP=1
# unlocks those flags on it (harmless on nightly).
# If the fuzz target cannot be built, the script fails: a silent
# substitute would let CI report "fuzzed" when nothing was. Where libFuzzer
# is known not to build, FUZZ_ALLOW_FALLBACK=1 runs the same property as the
# fuzz crate's randomised `cargo test` instead, with a case count scaled to
# the time asked for, and says so loudly (a WARNING line on stderr).
#
# Usage: scripts/fuzz.sh [SECONDS]
# Env:   CARGO_TARGET_DIR (default fuzz/target),
#        FUZZ_SANITIZER (address | none; default none: the code under test is
#        safe Rust, and ASan makes each execution several times slower),
#        FUZZ_ALLOW_FALLBACK (1: run the cargo test fallback when the fuzz
#        build fails, instead of failing).
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
    local what="$cases random cases under cargo test"
    echo "fuzz.sh: WARNING: cargo fuzz build failed; running the fallback ($what), not libFuzzer" >&2
    BW_FUZZ_CASES="$cases" BW_FUZZ_SEED="${BW_FUZZ_SEED:-$RANDOM}" \
        cargo test --manifest-path fuzz/Cargo.toml --release
    # Again last, where someone reading a CI log looks.
    echo "fuzz.sh: WARNING: FUZZ_ALLOW_FALLBACK=1: ran the fallback ($what), not libFuzzer" >&2
}

t1=$SECONDS
if ! cargo fuzz build -s "$sanitizer" "$target"; then
    if [ "${FUZZ_ALLOW_FALLBACK:-}" != 1 ]; then
        echo "fuzz.sh: cargo fuzz build failed (set FUZZ_ALLOW_FALLBACK=1 to run the cargo test fallback instead)" >&2
        exit 1
    fi
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
