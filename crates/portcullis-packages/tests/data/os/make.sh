#!/bin/sh
# Makes the os-release fixtures the os tests read. Run from this directory:
#   sh make.sh
#
# debian-12/: usr/lib/os-release and etc/debian_version as Debian 12's
#   base-files package ships them (apt-get download, dpkg-deb -x). In an
#   image etc/os-release is a symlink to ../usr/lib/os-release.
# The others are hand-written (no Alpine, Ubuntu or Red Hat tooling or
# mirror is reachable from this machine), copying the files those
# distributions ship, as published in their images (alpine:3.20,
# ubuntu:22.04, rockylinux:9.3, centos:7):
#   alpine-3.20/etc/os-release, etc/alpine-release
#   ubuntu-22.04/usr/lib/os-release
#   rocky-9/usr/lib/os-release, etc/rocky-release
#   centos-7/etc/centos-release
#   tricky/etc/os-release: quoting, escapes, comments, concatenation,
#   a repeated key, written to exercise os-release(5)'s shell syntax.
# os-truth.tsv is what the shell itself reads from every os-release file
# (dash sources it: ID, VERSION_ID, VERSION_CODENAME, ID_LIKE, PRETTY_NAME).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download base-files >/dev/null 2>&1 && dpkg-deb -x base-files_*.deb x)
mkdir -p "$here/debian-12/usr/lib" "$here/debian-12/etc"
cp "$work/x/usr/lib/os-release" "$here/debian-12/usr/lib/os-release"
cp "$work/x/etc/debian_version" "$here/debian-12/etc/debian_version"

cd "$here"
for f in */etc/os-release */usr/lib/os-release; do
  env -i /bin/sh -c '. "./$1"; printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$ID" "$VERSION_ID" "$VERSION_CODENAME" "$ID_LIKE" "$PRETTY_NAME"' _ "$f" 2>/dev/null
done | LC_ALL=C sort > os-truth.tsv
