#!/bin/sh
# Scanning an LXD split image's squashfs rootfs beside `unsquashfs -l`
# listing the same squashfs (issue 4's target: within 1.5x). The rootfs is a
# real Debian bookworm minbase made by mmdebstrap (about 170 MB; built once
# into $BENCH, default target/bench-lxd), turned into a squashfs by tar2sqfs
# (xz, as LXD's own images). Best of $RUNS runs each, wall-clock seconds.
set -eu
cd "$(dirname "$0")/.."
BENCH=${BENCH:-target/bench-lxd}
RUNS=${RUNS:-5}
mkdir -p "$BENCH"
if [ ! -f "$BENCH/rootfs.tar" ]; then
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  mmdebstrap --quiet --variant=minbase --mode=root bookworm "$BENCH/rootfs.tar" "deb $MIRROR bookworm main"
fi
COMP=${COMP:-xz}
if [ ! -f "$BENCH/rootfs.$COMP.squashfs" ]; then
  tar2sqfs -q -f -c "$COMP" "$BENCH/rootfs.$COMP.squashfs" < "$BENCH/rootfs.tar"
fi
if [ ! -f "$BENCH/meta.tar.xz" ]; then
  printf 'architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  os: debian\n  release: bookworm\n  description: bench\n' > "$BENCH/metadata.yaml"
  tar -C "$BENCH" -cJf "$BENCH/meta.tar.xz" metadata.yaml
fi
cargo build --release -q -p portcullis
BIN=target/release/portcullis
best() { # best wall time of $RUNS runs of "$@"
  b=""
  for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
  done
  echo "$b"
}
SQ="$BENCH/rootfs.$COMP.squashfs"
echo "squashfs: $(du -h "$SQ" | cut -f1), $(unsquashfs -l "$SQ" | wc -l) entries, $COMP"
U=$(best unsquashfs -l "$SQ")
P=$(best "$BIN" scan --format json "lxd:$BENCH/meta.tar.xz,$SQ")
printf 'unsquashfs -l:   %.3f s\nportcullis scan: %.3f s (%.2fx)\n' "$U" "$P" "$(echo "$P / $U" | bc -l)"
