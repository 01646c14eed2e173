#!/usr/bin/env bash
# Scan throughput and memory benchmark, side by side with ripgrep on the
# same bytes. Prints a markdown table for docs/benchmarks.md. Method and
# caveats: bench/README.md.
#
#   bench/scan.sh                     # >= 1 GiB tree of mixed files
#   bench/scan.sh --single-file       # one 2 GiB file of mixed content (memory check)
#   bench/scan.sh --size-mb 2048 --runs 5 --seed 7
#   bench/scan.sh --size-mb 256 --by-kind   # plus each kind's own cost
#   bench/scan.sh --data DIR          # an existing tree instead (e.g. your own data)
#   bench/scan.sh --realistic --size-mb 256   # 1 part generated documents, 9 parts prose
#   BASELINE_BIN=old/breachwatch bench/scan.sh   # old and new build side by side
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=tree
SIZE_MB=""
RUNS=3
SEED=1
BY_KIND=0
DATA_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --single-file) MODE=single ;;
        --size-mb) SIZE_MB="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        --by-kind) BY_KIND=1 ;;
        --data) DATA_DIR="$2"; MODE=given; shift ;;
        --realistic) MODE=realistic ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "bench/scan.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$SIZE_MB" ]; then
    if [ "$MODE" = single ]; then SIZE_MB=2048; else SIZE_MB=1024; fi
fi

# The one regex ripgrep runs. Fixed so ratios are comparable over time.
EMAIL_RE='[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'

need_root_apt() {
    if [ "$(id -u)" -eq 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi
}
# The reference is pinned: ripgrep 13 (Debian's) runs the same regex ~1.8x
# slower than 15.2.0 on the same bytes, so ratios across sessions mean
# something only against one version. Installed into its own root, never
# over a system rg.
RG_VERSION=15.2.0
RG_ROOT="${RG_ROOT:-$HOME/.cache/breachwatch-bench/ripgrep-$RG_VERSION}"
rg="$RG_ROOT/bin/rg"
if ! "$rg" --version 2>/dev/null | grep -q "^ripgrep $RG_VERSION"; then
    echo "installing ripgrep $RG_VERSION (the pinned reference) into $RG_ROOT" >&2
    CARGO_TARGET_DIR="$(mktemp -d)" cargo install --locked ripgrep --version "$RG_VERSION" --root "$RG_ROOT" >&2
fi
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time" >&2
    { need_root_apt update -qq && need_root_apt install -y -qq time; } >&2
fi

# BREACHWATCH_BIN=path benchmarks a prebuilt binary (e.g. a release
# artefact, or while the tree does not build).
if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bw="$BREACHWATCH_BIN"
else
    echo "building breachwatch (release)" >&2
    cargo build --release --locked -p breachwatch >&2
    bw="${CARGO_TARGET_DIR:-target}/release/breachwatch"
fi

data="bench/data/${MODE}-${SIZE_MB}mb-seed${SEED}"
if [ -n "$DATA_DIR" ]; then
    [ -d "$DATA_DIR" ] || { echo "bench/scan.sh: --data $DATA_DIR: not a directory" >&2; exit 2; }
    data="$DATA_DIR"
elif [ ! -f "$data/.complete" ] && [ "$MODE" = realistic ]; then
    # Issue 23's realistic corpus: one part documents with personal data
    # (the generated corpus) to nine parts plain prose. The prose is this
    # machine's plain-text documentation (licences, READMEs, copyright
    # files; PROSE_SRC to change), concatenated in path order and repeated
    # to size, in 1 MiB files: real text, so it holds the odd author's
    # address as real documents do, but no generated records.
    echo "generating $data (${SIZE_MB} MiB: 1/10 documents, 9/10 prose; cached for later runs)" >&2
    rm -rf "$data"
    mkdir -p "$data/prose"
    "$bw" corpus generate --out "$data/documents" --seed "$SEED" --size-mb $(( (SIZE_MB + 9) / 10 )) --no-truth >&2
    prose_bytes=$(( SIZE_MB * 1048576 - $(find "$data/documents" -type f -printf '%s\n' | awk '{s+=$1} END {print s}') ))
    # shellcheck disable=SC2086 # PROSE_SRC is a list of directories
    find ${PROSE_SRC:-/usr/share/common-licenses /usr/share/doc} -type f ! -name '*.gz' -size +1k -print0 \
        | sort -z | xargs -0 file -N --mime-type | awk -F': ' '$2 == "text/plain" {print $1}' >"$data/.prose-files"
    [ -s "$data/.prose-files" ] || { echo "bench/scan.sh: no plain-text files for the prose part" >&2; exit 2; }
    # `head` closes the pipe once it has enough: the loop's SIGPIPE is expected.
    { while xargs -d '\n' cat <"$data/.prose-files"; do :; done; } 2>/dev/null \
        | head -c "$prose_bytes" | split -b 1M -d -a 5 --additional-suffix=.txt - "$data/prose/prose-" || true
    got=$(find "$data/prose" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    [ "$got" -eq "$prose_bytes" ] || { echo "bench/scan.sh: prose part is $got bytes, wanted $prose_bytes" >&2; exit 2; }
    rm "$data/.prose-files"
    touch "$data/.complete"
elif [ ! -f "$data/.complete" ]; then
    echo "generating $data (${SIZE_MB} MiB, cached for later runs)" >&2
    rm -rf "$data"
    extra=()
    [ "$MODE" = single ] && extra=(--single-file)
    "$bw" corpus generate --out "$data" --seed "$SEED" --size-mb "$SIZE_MB" --no-truth "${extra[@]}" >&2
    touch "$data/.complete"
fi
bytes=$(find "$data" -type f ! -name .complete -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$data" -type f ! -name .complete | wc -l)
threads=$(nproc)

# Warm the page cache so every tool reads from memory, not disk.
find "$data" -type f ! -name .complete -exec cat {} + >/dev/null

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# best_of NAME CMD...: runs CMD $RUNS times (after one untimed warm-up)
# under GNU time; records the best wall time and the peak RSS of that run.
best_of() {
    local name="$1"; shift
    "$@" >/dev/null 2>&1 || true
    local best="" rss=""
    for _ in $(seq "$RUNS"); do
        # Exit 1 means "found" for both tools; only the timing matters here.
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || true
        local t m
        # GNU time puts "Command exited with non-zero status" first.
        read -r t m < <(tail -n1 "$tmp/t")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
            best="$t"; rss="$m"
        fi
    done
    echo "$name $best $rss" >>"$tmp/results"
}

# interleaved NAME...: like best_of for each command `cmd_NAME` (an
# array), but in rounds (one untimed, then $RUNS timed), each round
# running every command once.
interleaved() {
    local name round t m
    local -A best=() rss=()
    for name in "$@"; do
        local -n cmd="cmd_$name"
        "${cmd[@]}" >/dev/null 2>&1 || true
        unset -n cmd
    done
    for round in $(seq "$RUNS"); do
        for name in "$@"; do
            local -n cmd="cmd_$name"
            /usr/bin/time -f '%e %M' -o "$tmp/t" "${cmd[@]}" >/dev/null 2>"$tmp/err" || true
            unset -n cmd
            read -r t m < <(tail -n1 "$tmp/t")
            if [ -z "${best[$name]:-}" ] || awk -v a="$t" -v b="${best[$name]}" 'BEGIN{exit !(a<b)}'; then
                best[$name]=$t
                rss[$name]=$m
            fi
        done
    done
    for name in "$@"; do echo "$name ${best[$name]} ${rss[$name]}" >>"$tmp/results"; done
}

# Issue 2's structured kinds alone, then every kind (names, addresses,
# dates of birth are the expensive ones).
STRUCTURED=email,phone_number,payment_card,us_ssn,iban,ip_address
RICH=person_name,street_address,date_of_birth
cmd_bws=("$bw" scan "$data" --format jsonl --threads 1 --quiet --kinds "$STRUCTURED")
cmd_bw1=("$bw" scan "$data" --format jsonl --threads 1 --quiet)
cmd_bwN=("$bw" scan "$data" --format jsonl --threads "$threads" --quiet)
cmd_rg1=("$rg" -c --threads 1 --no-ignore --hidden -e "$EMAIL_RE" "$data")
cmd_bases=("${BASELINE_BIN:-}" scan "$data" --format jsonl --threads 1 --quiet --kinds "$STRUCTURED")
cmd_base1=("${BASELINE_BIN:-}" scan "$data" --format jsonl --threads 1 --quiet)
names=(bws bw1 bwN rg1)
# BASELINE_BIN=path: an older build timed in the same run. Every command
# runs once per round, round after round, so a change in the machine's
# load (other work on a shared machine) falls on old and new alike.
[ -z "${BASELINE_BIN:-}" ] || names+=(bases base1)
interleaved "${names[@]}"
findings=$("$bw" scan "$data" --format jsonl --quiet 2>/dev/null | wc -l || true)

# The corpus's shape, which decides what a scan must do per byte: every
# digit run is a numeric candidate to classify, every finding a JSON line.
digits=$(find "$data" -type f ! -name .complete -exec cat {} + | tr -cd '0-9' | wc -c)
digit_runs=$("$rg" -o --no-filename --no-line-number --no-ignore --hidden -a '[0-9]+' "$data" | wc -l)

get() { awk -v n="$1" -v f="$2" '$1==n {print $f}' "$tmp/results"; }
mbps() { awk -v b="$bytes" -v t="$1" 'BEGIN{ if (t>0) printf "%.1f", b/1e6/t; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k/1024 }'; }

t_bws=$(get bws 2); t_bw1=$(get bw1 2); t_bwN=$(get bwN 2); t_rg1=$(get rg1 2)
m_bws=$(mbps "$t_bws"); m_bw1=$(mbps "$t_bw1"); m_bwN=$(mbps "$t_bwN"); m_rg1=$(mbps "$t_rg1")

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
rgv=$("$rg" --version | sed -n 1p)
bwv=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "${BREACHWATCH_BIN:-}" ]; then
    bwv="$bwv (prebuilt binary $BREACHWATCH_BIN; may differ from this commit)"
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<MD
### Scan throughput ($MODE corpus, $(awk -v b="$bytes" 'BEGIN{printf "%.0f", b/1048576}') MiB in $files files)

$(date -u +%Y-%m-%d), commit \`$bwv\`, $cpu, $threads threads, $rgv; page cache warm; best of $RUNS; MB = 10^6 bytes; load average at the end: $load (other work on the machine skews the numbers).
breachwatch: all kinds it has, \`--format jsonl\` to /dev/null ($findings findings). ripgrep: \`rg -c --threads 1 -e '$EMAIL_RE'\`.
Corpus shape: one finding per $(awk -v b="$bytes" -v f="$findings" 'BEGIN{ if (f>0) printf "%.0f", b/f; else print "-" }') bytes; $(awk -v b="$bytes" -v d="$digits" 'BEGIN{printf "%.1f", 100*d/b}')% of bytes are digits, in $digit_runs digit runs (one per $(awk -v b="$bytes" -v r="$digit_runs" 'BEGIN{ if (r>0) printf "%.1f", b/r; else print "-" }') bytes).

| run | time (s) | MB/s | peak RSS (MiB) |
|---|---:|---:|---:|
| breachwatch \`--threads 1 --kinds $STRUCTURED\` | $t_bws | $m_bws | $(mib "$(get bws 3)") |
| breachwatch \`--threads 1\` (all kinds) | $t_bw1 | $m_bw1 | $(mib "$(get bw1 3)") |
| breachwatch \`--threads $threads\` | $t_bwN | $m_bwN | $(mib "$(get bwN 3)") |
| ripgrep email regex \`--threads 1\` | $t_rg1 | $m_rg1 | $(mib "$(get rg1 3)") |

| ratio | value |
|---|---:|
| bw-1t structured kinds / rg-1t (throughput) | $(ratio "$m_bws" "$m_rg1") |
| bw-1t all kinds / rg-1t (throughput) | $(ratio "$m_bw1" "$m_rg1") |
| bw-${threads}t / bw-1t (throughput) | $(ratio "$m_bwN" "$m_bw1") |
MD
if [ -n "${BASELINE_BIN:-}" ]; then
    t_bases=$(get bases 2); t_base1=$(get base1 2)
    cat <<MD

Against the baseline \`$BASELINE_BIN\` in the same run (throughput, this build / baseline; 1.00 = same speed):

| run | baseline (s) | this build (s) | ratio |
|---|---:|---:|---:|
| structured kinds, 1 thread | $t_bases | $t_bws | $(ratio "$(mbps "$t_bws")" "$(mbps "$t_bases")") |
| all kinds, 1 thread | $t_base1 | $t_bw1 | $(ratio "$(mbps "$t_bw1")" "$(mbps "$t_base1")") |
MD
fi

# --by-kind: where the single-thread time goes. Each kind alone (its
# detector plus the reading, walking and output every scan pays), and its
# marginal cost: the time of its set (structured kinds, or all kinds for
# the rich ones) minus the time of that set without it.
if [ "$BY_KIND" = 1 ]; then
    without() { echo "$2" | tr , '\n' | grep -vx "$1" | paste -sd, -; }
    for k in ${STRUCTURED//,/ } ${RICH//,/ }; do
        best_of "alone-$k" "$bw" scan "$data" --format jsonl --threads 1 --quiet --kinds "$k"
        case ",$STRUCTURED," in
            *",$k,"*) set_kinds=$STRUCTURED ;;
            *) set_kinds=$STRUCTURED,$RICH ;;
        esac
        best_of "without-$k" "$bw" scan "$data" --format jsonl --threads 1 --quiet \
            --kinds "$(without "$k" "$set_kinds")"
    done
    cat <<MD

Each kind's cost, \`--threads 1\`, best of $RUNS. *Alone*: \`--kinds K\`. *Marginal*: the time of its set
(the structured kinds, $t_bws s; or all kinds, $t_bw1 s) minus the time of that set without it.

| kind | alone (s) | alone MB/s | alone / rg-1t | marginal (s) | share of its set |
|---|---:|---:|---:|---:|---:|
MD
    for k in ${STRUCTURED//,/ } ${RICH//,/ }; do
        t=$(get "alone-$k" 2)
        case ",$STRUCTURED," in *",$k,"*) t_set=$t_bws ;; *) t_set=$t_bw1 ;; esac
        marginal=$(awk -v a="$t_set" -v b="$(get "without-$k" 2)" 'BEGIN{printf "%.2f", a-b}')
        echo "| $k | $t | $(mbps "$t") | $(ratio "$(mbps "$t")" "$m_rg1") | $marginal | $(ratio "$marginal" "$t_set") |"
    done
fi
