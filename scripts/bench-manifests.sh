#!/usr/bin/env bash
# Throughput benchmark (not a test): portcullis vs Checkov on a generated
# corpus of realistic Kubernetes manifests, both timed in the same run, both
# on the whole corpus.
#
#   scripts/bench-manifests.sh
#
# Environment knobs:
#   COUNT=10000          corpus size (scripts/gen-manifest-corpus.py)
#   SEED=42              corpus seed
#   RUNS=3               timed runs of portcullis; the fastest counts
#   CHECKOV_RUNS=1       timed runs of Checkov (minutes each)
#   PORTCULLIS_BIN=path  use this binary instead of building one
#   CHECKOV=path         use this checkov instead of installing one
#
# Checkov is installed with pip into bench-out/checkov-venv (its own
# dependencies are many) and run with --skip-download, offline. Its wall
# time here includes waits on the network it cannot reach, so CPU seconds
# (user + sys) are printed beside wall seconds and the ratio is given on both.
#
# Exit status: 0 target met (>= 50x on wall time), 3 target missed, 1 failure.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COUNT=${COUNT:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
CHECKOV_RUNS=${CHECKOV_RUNS:-1}
TARGET_RATIO=50
OUT=bench-out
CORPUS=$OUT/manifests
GEN=scripts/gen-manifest-corpus.py

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench-manifests: error: %s\n' "$*" >&2; exit 1; }
mkdir -p "$OUT"
[[ -x /usr/bin/time ]] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; } ||
    die "GNU time (/usr/bin/time) is needed for CPU time and peak RSS"

if [[ -n ${PORTCULLIS_BIN:-} ]]; then
    PORTCULLIS=$PORTCULLIS_BIN
else
    log "building portcullis: cargo build --release -p portcullis"
    cargo build --release -p portcullis || die "portcullis did not build"
    PORTCULLIS=${CARGO_TARGET_DIR:-target}/release/portcullis
fi
[[ -x $PORTCULLIS ]] || die "no portcullis binary at $PORTCULLIS"

if [[ -z ${CHECKOV:-} ]]; then
    CHECKOV=$OUT/checkov-venv/bin/checkov
    if [[ ! -x $CHECKOV ]]; then
        log "installing checkov: pip install checkov (into $OUT/checkov-venv)"
        python3 -m venv "$OUT/checkov-venv" && "$OUT/checkov-venv/bin/pip" install -q checkov ||
            die "pip install checkov failed"
    fi
fi
CHECKOV_VERSION=$("$CHECKOV" --version 2>/dev/null | tail -1)
log "checkov: $CHECKOV ($CHECKOV_VERSION)"

want_stamp="count=$COUNT seed=$SEED script=$(sha256sum "$GEN" | cut -c1-16)"
if [[ $(cat "$CORPUS/.corpus-stamp" 2>/dev/null) == "$want_stamp" ]]; then
    log "corpus up to date: $CORPUS ($COUNT files)"
else
    rm -rf "$CORPUS"
    log "generating corpus: $GEN $CORPUS --count $COUNT --seed $SEED"
    python3 "$GEN" "$CORPUS" --count "$COUNT" --seed "$SEED"
fi

# timed NAME CMD...: sets WALL, CPU (user+sys) and RSS_KB; stdout/stderr kept in $OUT.
timed() {
    local name=$1 rc=0
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.time" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || rc=$?
    # GNU time writes "Command exited with non-zero status N" first when it did.
    read -r WALL user sys RSS_KB < <(tail -n 1 "$OUT/$name.time")
    CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    RC=$rc
}
best_of() {
    local name=$1 runs=$2 ok=$3 i
    shift 3
    BEST_WALL="" BEST_CPU="" PEAK=0
    for ((i = 1; i <= runs; i++)); do
        timed "$name" "$@"
        [[ " $ok " == *" $RC "* ]] || { tail -5 "$OUT/$name.stderr" >&2; die "$name exited $RC"; }
        log "$name run $i/$runs: wall ${WALL}s cpu ${CPU}s rss ${RSS_KB}KiB exit $RC"
        if [[ -z $BEST_WALL ]] || awk -v a="$WALL" -v b="$BEST_WALL" 'BEGIN { exit !(a < b) }'; then
            BEST_WALL=$WALL BEST_CPU=$CPU
        fi
        if ((RSS_KB > PEAK)); then PEAK=$RSS_KB; fi
    done
}

# A real report first, untimed: a CLI that finds nothing must not look fast.
"$PORTCULLIS" scan --recursive --no-config --format json --output "$OUT/manifests.json" "$CORPUS" >/dev/null 2>"$OUT/portcullis-check.stderr" || true
python3 - "$OUT/manifests.json" "$COUNT" <<'PY' || die "portcullis did not scan the corpus (see $OUT/portcullis-check.stderr)"
import json, sys
report = json.load(open(sys.argv[1]))
targets = report["targets"]
findings = sum(len(t.get("findings", [])) for t in targets)
if len(targets) != int(sys.argv[2]) or findings == 0:
    sys.exit(f"{len(targets)} targets, {findings} findings")
print(f"portcullis: {len(targets)} targets, {findings} findings", file=sys.stderr)
PY

best_of portcullis "$RUNS" "0 1" "$PORTCULLIS" scan --recursive --no-config --format json --output /dev/null "$CORPUS"
P_WALL=$BEST_WALL P_CPU=$BEST_CPU P_RSS=$PEAK
best_of checkov "$CHECKOV_RUNS" "0 1" "$CHECKOV" -d "$CORPUS" --framework kubernetes --quiet --compact --skip-download -o json
C_WALL=$BEST_WALL C_CPU=$BEST_CPU C_RSS=$PEAK
python3 - "$OUT/checkov.stdout" <<'PY' >&2 || true
import json, sys
d = json.load(open(sys.argv[1]))
d = d if isinstance(d, list) else [d]
print("checkov:", [x.get("summary") for x in d])
PY

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }'; }
R_WALL=$(ratio "$P_WALL" "$C_WALL")
R_CPU=$(ratio "$P_CPU" "$C_CPU")
echo
echo "Kubernetes manifest scan: $COUNT files (seed $SEED), $(nproc) CPUs; portcullis best of $RUNS, checkov best of $CHECKOV_RUNS ($CHECKOV_VERSION)"
printf '%-11s %9s %9s %13s\n' tool "wall s" "cpu s" "peak RSS MiB"
printf '%-11s %9.2f %9.2f %13.1f\n' portcullis "$P_WALL" "$P_CPU" "$(awk -v k="$P_RSS" 'BEGIN { print k / 1024 }')"
printf '%-11s %9.2f %9.2f %13.1f\n' checkov "$C_WALL" "$C_CPU" "$(awk -v k="$C_RSS" 'BEGIN { print k / 1024 }')"
echo "ratio (checkov/portcullis): wall ${R_WALL}x, cpu ${R_CPU}x   target: >= ${TARGET_RATIO}x (wall)"
awk -v r="$R_WALL" -v t="$TARGET_RATIO" 'BEGIN { exit !(r >= t) }' || exit 3
