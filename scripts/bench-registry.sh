#!/usr/bin/env bash
# Issue 5, part 4: scanning a big image (≥ 500 MiB of layers) from a loopback
# registry against `skopeo copy` of the same image to a local OCI layout;
# once with gzip layers, once with the same layers as zstd.
# Builds the image with buildah (vfs, no daemon) from files of this machine
# (/usr/bin, /usr/share, /usr/lib/x86_64-linux-gnu: real binaries and text,
# three layers), pushes it to a real registry (Debian docker-registry) on
# 127.0.0.1, then times both, each three times after a warm-up.
# A benchmark, not a test. Usage: scripts/bench-registry.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
W=${1:-$ROOT/target/bench-registry}
mkdir -p "$W"
W=$(cd "$W" && pwd)
for tool in buildah skopeo docker-registry; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install buildah skopeo docker-registry)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release --locked -q -p portcullis
BIN=$ROOT/target/release/portcullis

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $W/registry}}
http: {addr: 127.0.0.1:$PORT}
EOF
docker-registry serve "$W/registry.yml" > "$W/registry.log" 2>&1 &
REG=$!
trap 'kill $REG 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

ST=(--root "$W/cstore" --runroot "$W/crun" --storage-driver vfs)
if ! buildah "${ST[@]}" inspect localhost/big:1 >/dev/null 2>&1; then
  parent=scratch
  i=0
  for dir in usr/bin usr/share usr/lib/x86_64-linux-gnu; do
    i=$((i + 1))
    tar -C / -cf "$W/part$i.tar" --ignore-failed-read "$dir" 2>/dev/null || true
    ctr=$(buildah "${ST[@]}" from "$parent")
    buildah "${ST[@]}" add "$ctr" "$W/part$i.tar" / >/dev/null
    buildah "${ST[@]}" config --user 1000 --cmd '["/usr/bin/true"]' "$ctr"
    buildah "${ST[@]}" commit -q --format docker "$ctr" "localhost/big:$i" >/dev/null
    buildah "${ST[@]}" rm "$ctr" >/dev/null
    rm -f "$W/part$i.tar"
    parent=localhost/big:$i
  done
  buildah "${ST[@]}" tag "$parent" localhost/big:1
fi
buildah "${ST[@]}" push -q --tls-verify=false localhost/big:1 "docker://127.0.0.1:$PORT/big:1"

best() { sort -n | head -1; }
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
# CPU seconds (user+sys) of one run: on a machine with few cores the scan is
# bound by decompression, the copy is not. (The scan exits 1 when it finds
# something: not a failure here.)
cpu() { { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null || true; } | tail -1 | awk '{print $1 + $2}'; }

# Scan and copy REF, each best of 3 after a warm-up, then once more for CPU.
compare() {
  local ref=$1 scan copy scan_cpu copy_cpu
  "$BIN" scan --no-config --format json "$ref" > "$W/report.json" || true   # warm-up (and a check it works)
  jq -r '.targets[0] | "\(.target): \(.image.layers | length) \(.image.layers[0].compression) layers, \(.image.layers | map(.compressed_size) | add / 1048576 | floor) MiB compressed, \(.image.layers | map(.size) | add / 1048576 | floor) MiB uncompressed, \(.findings | length) findings"' "$W/report.json" 2>/dev/null || true
  scan=$(for _ in 1 2 3; do timeit "$BIN" scan --no-config --format json "$ref"; done | best)
  copy=$(for _ in 1 2 3; do rm -rf "$W/copy"; timeit skopeo copy -q --src-tls-verify=false "$ref" "oci:$W/copy:1"; done | best)
  rm -rf "$W/copy"
  scan_cpu=$(cpu "$BIN" scan --no-config --format json "$ref")
  copy_cpu=$(cpu skopeo copy -q --src-tls-verify=false "$ref" "oci:$W/copy:1")
  rm -rf "$W/copy"
  echo "portcullis scan $ref: ${scan} s (best of 3), ${scan_cpu} s CPU, $(nproc) cores"
  echo "skopeo copy to an OCI layout:  ${copy} s (best of 3), ${copy_cpu} s CPU"
}

compare "docker://127.0.0.1:$PORT/big:1"
# The same image with zstd layers: compressed into an OCI layout, then copied
# as it is (pushed straight, the known gzip blobs would be reused instead).
if [ ! -f "$W/zstd-layout/index.json" ]; then
  buildah "${ST[@]}" push -q --compression-format zstd --compression-level 3 \
    localhost/big:1 "oci:$W/zstd-layout:1"
fi
skopeo copy -q --preserve-digests --dest-tls-verify=false \
  "oci:$W/zstd-layout:1" "docker://127.0.0.1:$PORT/bigzstd:1"
compare "docker://127.0.0.1:$PORT/bigzstd:1"
