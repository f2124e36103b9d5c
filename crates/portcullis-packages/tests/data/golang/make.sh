#!/bin/sh
# Builds the Go fixtures with Debian 12's golang-go (Go 1.19) and records
# what `go version -m` itself lists (hello.truth.txt).
#
# No module proxy is reachable, so a file:// GOPROXY made here serves two
# modules: example.org/greet/v2 v2.1.0 (a plain dependency, with its h1: sum)
# and example.net/util-fork v1.0.1, which replaces example.com/util (a
# module-path replacement). example.com/local is replaced by a local
# directory (a filesystem replacement: no version, no sum).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod GOPROXY="file://$work/proxy" GOSUMDB=off GOWORK=off \
	GOCACHE="$work/cache" GOPATH="$work/gopath" CGO_ENABLED=0

# module PATH VERSION FILE-CONTENT: one module version in the file proxy.
module() {
	path=$1 version=$2 src=$3
	d="$work/src/$path@$version"
	mkdir -p "$d" "$work/proxy/$path/@v"
	printf 'module %s\n\ngo 1.19\n' "$path" > "$d/go.mod"
	printf '%s\n' "$src" > "$d/$(basename "$path" | tr -d ./-)x.go"
	cp "$d/go.mod" "$work/proxy/$path/@v/$version.mod"
	printf '{"Version":"%s","Time":"2024-01-02T03:04:05Z"}\n' "$version" > "$work/proxy/$path/@v/$version.info"
	echo "$version" >> "$work/proxy/$path/@v/list"
	(cd "$work/src" && zip -qr "$work/proxy/$path/@v/$version.zip" "$path@$version")
}
module example.org/greet/v2 v2.1.0 'package greet
func Hello() string { return "hello" }'
module example.net/util-fork v1.0.1 'package util
func Twice(s string) string { return s + s }'

mkdir -p "$work/local" "$work/hello"
printf 'module example.com/local\n\ngo 1.19\n' > "$work/local/go.mod"
printf 'package local\n\nfunc Bang(s string) string { return s + "!" }\n' > "$work/local/local.go"
cat > "$work/hello/go.mod" <<'G'
module github.com/portcullis-test/hello

go 1.19

require (
	example.com/local v0.0.0-00010101000000-000000000000
	example.com/util v1.0.0
	example.org/greet/v2 v2.1.0
)

replace example.com/util => example.net/util-fork v1.0.1

replace example.com/local => ../local
G
cat > "$work/hello/main.go" <<'G'
package main

import (
	"example.com/local"
	"example.com/util"
	"example.org/greet/v2"
)

func main() { println(local.Bang(util.Twice(greet.Hello()))) }
G
mkdir -p "$work/bin"
# hello: linux/amd64 as a position-independent executable (as Debian builds
# Go programs), whose build info is in its second writable segment;
# hello-s390x: big-endian, not PIE.
(cd "$work/hello" && go build -buildmode=pie -trimpath -ldflags='-s -w' -o "$work/bin/hello" .)
(cd "$work/hello" && GOARCH=s390x go build -trimpath -ldflags='-s -w' -o "$work/bin/hello-s390x" .)
for b in hello hello-s390x; do
	(cd "$work/bin" && go version -m "$b") > "$here/$b.truth.txt"
	readelf -lW "$work/bin/$b" > "$here/$b.readelf.txt"
	readelf -SW "$work/bin/$b" | grep -E 'Nr|buildinfo' >> "$here/$b.readelf.txt"
	xz -9 -c "$work/bin/$b" > "$here/$b.xz"
done
go version > "$here/go-version.txt"

# esbuild-go1.16.xz: a binary built by Go 1.16 (pointer-form build info,
# the module info in .rodata): esbuild 0.8.57 for linux-amd64 as its author
# published it on the npm registry. To keep it small, every byte is zeroed
# except the first 4 KiB (ELF and program headers), the module info between
# its sentinels, and the 32-byte build info header: the bytes the reader
# reads are the real ones. The truth is `go version -m` of the original.
(cd "$work" && npm pack --silent esbuild-linux-64@0.8.57 >/dev/null && tar xzf esbuild-linux-64-0.8.57.tgz)
(cd "$work/package/bin" && go version -m esbuild) > "$here/esbuild-go1.16.truth.txt"
python3 - "$work/package/bin/esbuild" "$work/esbuild-sparse" <<'P'
import sys
d = open(sys.argv[1], 'rb').read()
start = d.find(bytes.fromhex('3077af0c9274080241e1c107e6d618e6'))
end = d.find(bytes.fromhex('f932433186182072008242104116d8f2'), start) + 16
magic = d.find(b'\xff Go buildinf:')
assert 0 < start < end and magic > 0 and magic % 16 == 0
out = bytearray(len(d))
for a, b in [(0, 4096), (start, end), (magic, magic + 32)]:
    out[a:b] = d[a:b]
open(sys.argv[2], 'wb').write(out)
P
xz -9 -c "$work/esbuild-sparse" > "$here/esbuild-go1.16.xz"
