#!/bin/sh
# Writes the apk fixture: lib/apk/db/installed, hand-written. No Alpine
# tooling (apk-tools) or Alpine mirror is reachable from this machine, so
# this database is written by hand in the documented format of apk's
# installed database (https://wiki.alpinelinux.org/wiki/Apk_spec: one
# record per package, blank-line separated, one "X:value" field a line;
# F: a directory, R: a file in it, a:/M: ownership and mode, Z: the file's
# checksum), after the records an alpine:3.20 image holds. It covers:
# several packages, a package whose origin differs (libcrypto3 from
# openssl), one without o: and L: (scanelf here), one without V:
# (broken-nover), one record without P: (skipped), CRLF line ends (the
# libcrypto3 record), files in several F: directories.
# truth.tsv is hand-written too: name, version, arch, origin (the name when
# no o:), license, and the number of F:+R: entries, for every record the
# cataloger must report.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/lib/apk/db"
db="$here/lib/apk/db/installed"
cat > "$db" <<'EOF'
C:Q1s4eTI2Y1Zzz4mqVH3YhCKoFyDkg=
P:musl
V:1.2.5-r0
A:x86_64
S:406963
I:662528
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1712232226
c:3ef8a6ad6d9e47ba4ba0c8f55a3bae1dba1d3f91
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1a1L7v+BNu8oq5BFpPtSSZz1rMgw=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1Wq5kC3zPw26LvNFv2bOY4Y5P9Ik=
P:busybox
V:1.36.1-r29
A:x86_64
S:509193
I:955872
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1717592185
c:2a3b9d8cd6a3e8a0ef6e2a5d15d4f3c1ba7e3e1a
D:so:libc.musl-x86_64.so.1
p:cmd:busybox=1.36.1-r29
r:busybox-initscripts
F:bin
R:busybox
a:0:0:755
Z:Q1vbBOe+T2JjHp3vBQMz8uQ+bd2eE=
F:etc
R:securetty
Z:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=
R:udhcpd.conf
Z:Q1EDs8kOBZU5aM2OM3d4Q/HsWj2Yc=
F:etc/logrotate.d
R:acpid
Z:Q1TylyCINVmnS+A/Tead4vZhE7Bks=
F:etc/network
F:etc/network/if-up.d
F:usr
F:usr/sbin
F:var
F:var/lib
F:var/lib/udhcpd

C:Q1RvZtdlsqhQVQb5Ul0FxdE5qxnkU=
P:alpine-baselayout
V:3.6.5-r0
A:x86_64
S:8677
I:9700
T:Alpine base dir structure and init scripts
U:https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout
L:GPL-2.0-only
o:alpine-baselayout
m:Natanael Copa <ncopa@alpinelinux.org>
t:1714981135
c:66187892e05b03a41d08e9acabd19b7576a1c875
D:alpine-baselayout-data=3.6.5-r0 /bin/sh
q:1000
F:dev
F:dev/pts
F:dev/shm
F:etc
R:motd
Z:Q1SLkS9hBidUbPwwrw+XR0Whv3ww8=
F:etc/crontabs
R:root
a:0:0:600
Z:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=
F:tmp
M:0:0:1777

C:Q1TQ29f2X4h4Z2b2T6rZb3FjXjW0o=
P:libcrypto3
V:3.3.2-r0
A:x86_64
S:1758224
I:4521984
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1725377316
c:1b3e2e8a69e4a2d06d03c4b3e2b9e6a6c2a93c85
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
F:etc
F:etc/ssl
R:ct_log_list.cnf
Z:Q1olh8TpdAi2QnTl4FK3TjdUiSwTo=
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1fHkrAXKjpuAMBBoVO4vsZ7vfbdo=
F:usr/lib/engines-3
R:afalg.so
Z:Q1Gfo2w/9t5n3Z1e7LcMqN7hv+f4k=

C:Q1Fz6v5c6fYy1kZzqz2wM7nM3bY9c=
P:scanelf
V:1.3.7-r2
A:x86_64
S:36745
I:94208
T:Scan ELF binaries for stuff
U:https://wiki.gentoo.org/wiki/Hardened/PaX_Utilities
t:1712231800
F:usr/bin
R:scanelf
a:0:0:755
Z:Q1A4nF0l4wHhfZrUmXKhOQhvv0yJU=

C:Q1nOVERSIONnOVERSIONnOVERSIONnOV=
P:broken-nover
A:noarch
L:MIT OR Apache-2.0
o:broken
F:usr/share/broken
R:README

C:Q1nONAMEnONAMEnONAMEnONAMEnONAM=
V:1.0-r0
A:x86_64
F:opt
R:orphan

C:Q1dKgbm8YvmtLgQ5cRk5m1rjWq2eE=
P:ca-certificates-bundle
V:20240705-r0
A:x86_64
S:134991
I:229376
T:Pre generated bundle of Mozilla certificates
U:https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/
L:MPL-2.0 AND MIT
o:ca-certificates
m:Natanael Copa <ncopa@alpinelinux.org>
t:1720195620
F:etc
F:etc/ssl
R:cert.pem
a:0:0:777
Z:Q1Nj6gTBdkZpTFW/obJGdpfvK0ExM=
F:etc/ssl/certs
R:ca-certificates.crt
Z:Q1H6mQmzYPnr7jlXb6e6qs5ZqkBZc=
EOF
# The libcrypto3 record with CRLF line ends.
awk '/^P:libcrypto3$/ {crlf=1} /^$/ {crlf=0} {printf "%s%s\n", $0, (crlf ? "\r" : "")}' "$db" > "$db.tmp"
# The C: line before P:libcrypto3 ends in CRLF too.
sed -i '/^C:Q1TQ29/s/$/\r/' "$db.tmp"
mv "$db.tmp" "$db"
cat > "$here/truth.tsv" <<'EOF'
musl	1.2.5-r0	x86_64	musl	MIT	3
busybox	1.36.1-r29	x86_64	busybox	GPL-2.0-only	14
alpine-baselayout	3.6.5-r0	x86_64	alpine-baselayout	GPL-2.0-only	8
libcrypto3	3.3.2-r0	x86_64	openssl	Apache-2.0	7
scanelf	1.3.7-r2	x86_64	scanelf		2
broken-nover		noarch	broken	MIT OR Apache-2.0	2
ca-certificates-bundle	20240705-r0	x86_64	ca-certificates	MPL-2.0 AND MIT	5
EOF
