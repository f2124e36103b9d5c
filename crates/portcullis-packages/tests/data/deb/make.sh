#!/bin/sh
# Makes the dpkg fixtures the deb tests read, with the real tools (Debian 12:
# mmdebstrap 1.3.5, dpkg 1.21, apt 2.6), from the mirror in
# /etc/apt/sources.list.d/debian.sources. Run as root from this directory:
#   sh make.sh
# Outputs (committed):
#   root/var/lib/dpkg/status.xz       a bookworm minbase root's status, with
#                                     extra packages, a multi-arch one
#                                     (zlib1g:i386), a binary whose source
#                                     differs (libssl3, from openssl), a held
#                                     package and one removed but not purged
#                                     (netbase: deinstall ok config-files)
#   root/var/lib/dpkg/info/*.list     a few file lists (NAME.list, NAME:ARCH.list)
#   root/usr/share/doc/*/copyright    a few copyright files (DEP-5 and not)
#   truth.tsv                         what dpkg-query itself lists for the root
#   copyright-truth.tsv               the copyright files' licenses (see below)
#   distroless/var/lib/dpkg/status.d/ control paragraphs of real .debs, one
#                                     file per package plus NAME.md5sums, as
#                                     distroless writes them
#   distroless-truth.tsv              Package/Version/Architecture/Source of
#                                     each, as dpkg-deb -f prints them
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/root"

mmdebstrap --variant=minbase --architectures=amd64,i386 \
  --include=libssl3,zlib1g:i386,netbase,libzstd1:i386 \
  --customize-hook='chroot "$1" apt-get remove -y netbase' \
  --customize-hook='echo "zlib1g:amd64 hold" | chroot "$1" dpkg --set-selections' \
  bookworm "$rootfs" http://deb.debian.org/debian

rm -rf "$here/root"
mkdir -p "$here/root/var/lib/dpkg/info"
xz -9 -c "$rootfs/var/lib/dpkg/status" > "$here/root/var/lib/dpkg/status.xz"
for l in zlib1g:amd64 zlib1g:i386 libssl3:amd64 base-files; do
  f="$rootfs/var/lib/dpkg/info/$l.list"
  [ -f "$f" ] && cp "$f" "$here/root/var/lib/dpkg/info/"
done
for p in zlib1g libssl3 base-files bash libzstd1 ncurses-base; do
  mkdir -p "$here/root/usr/share/doc/$p"
  cp "$rootfs/usr/share/doc/$p/copyright" "$here/root/usr/share/doc/$p/copyright"
done
dpkg-query --admindir="$rootfs/var/lib/dpkg" -W \
  -f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' \
  | LC_ALL=C sort > "$here/truth.tsv"

# The licenses of the copyright files: for machine-readable (DEP-5) ones as
# python3-debian's debian.copyright reads them (the header's License, then
# each Files paragraph's, distinct, in order); for the others the
# /usr/share/common-licenses/NAME references, as grep finds them.
/usr/bin/python3 - "$here/root/usr/share/doc" > "$here/copyright-truth.tsv" <<'PY'
import os, re, sys
from debian.copyright import Copyright, NotMachineReadableError
doc = sys.argv[1]
for pkg in sorted(os.listdir(doc)):
    text = open(os.path.join(doc, pkg, "copyright"), encoding="utf-8").read()
    names = []
    try:
        c = Copyright(text.splitlines(True))
        found = [c.header.license] + [p.license for p in c.all_files_paragraphs()]
        for lic in found:
            if lic is not None and lic.synopsis and lic.synopsis not in names:
                names.append(lic.synopsis)
    except NotMachineReadableError:
        for m in re.findall(r"/usr/share/common-licenses/([A-Za-z0-9.+-]*[A-Za-z0-9+])", text):
            if m not in names:
                names.append(m)
    print("\t".join([pkg] + names))
PY

# Distroless: control data of real .debs, one paragraph per file under
# status.d/NAME, its md5sums beside it as NAME.md5sums (no Status field).
mkdir -p "$work/debs"
(cd "$work/debs" && apt-get download libssl3 zlib1g base-files netbase libgcc-s1 >/dev/null)
rm -rf "$here/distroless"
sd="$here/distroless/var/lib/dpkg/status.d"
mkdir -p "$sd"
: > "$work/dt"
for d in "$work"/debs/*.deb; do
  name=$(dpkg-deb -f "$d" Package)
  dpkg-deb -f "$d" > "$sd/$name"
  mkdir -p "$work/ctrl/$name"
  dpkg-deb --ctrl-tarfile "$d" | tar -x -C "$work/ctrl/$name"
  if [ -f "$work/ctrl/$name/md5sums" ]; then
    cp "$work/ctrl/$name/md5sums" "$sd/$name.md5sums"
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$(dpkg-deb -f "$d" Version)" \
    "$(dpkg-deb -f "$d" Architecture)" "$(dpkg-deb -f "$d" Source)" >> "$work/dt"
done
LC_ALL=C sort "$work/dt" > "$here/distroless-truth.tsv"
du -sh "$here"
