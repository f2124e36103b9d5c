#!/bin/sh
# Makes the rpm database fixtures of tests/rpm.rs with the real tools, and
# records what rpm itself lists from each of them (the truth the tests assert).
#
#   apt-get install -y rpm db5.3-util sqlite3 gpg xz-utils   (Debian 12: rpm 4.18.0)
#   RPM_NDB=/prefix/of/an/rpm/built/with/ndb sh make.sh
#
# The committed fixtures were made by one run with RPM_NDB set (rpm 4.18.0
# from Debian's source package rpm_4.18.0+dfsg-1+deb12u1, configured as in
# build_ndb_rpm below): all five share the one truth.
#
# Outputs (committed):
#   rpmdb.sqlite.xz   the SQLite database rpm 4.18 writes (rpm --root DIR -i)
#   Packages.xz       a Berkeley DB hash `Packages`: the same headers, keyed by
#                     their header number (a 4-byte host-order integer, as
#                     rpm's bdb backend stored them), written by Berkeley DB
#                     5.3 itself (db5.3_load -t hash); rpm 4.18 has no
#                     read-write bdb backend any more, so this is the genuine
#                     file format from the genuine library, then read back by
#                     rpm's own read-only backend (_db_backend bdb_ro)
#   Packages-512.xz, Packages-be.xz: the same with 512-byte pages (one
#                     bucket per key), and big-endian (as an s390x wrote it)
#   Packages-chain.xz each header 40 times, in long bucket chains (rpm -qa
#                     lists each 40 times)
#   Packages.db.xz    an ndb database, written by rpm itself
#                     (rpmdb --rebuilddb with _db_backend ndb). Debian's rpm
#                     is built without ndb, so this needs an rpm built from
#                     Debian's own source with --enable-ndb: set RPM_NDB to
#                     its install prefix (see build_ndb_rpm below); without
#                     it the ndb fixture is left as it is.
#   truth-qa.tsv      rpm -qa --qf (sorted), the same for every database
#   truth-ql.tsv      NAME<TAB>PATH for each file rpm -ql lists (sorted)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT
ROOT=$W/root
QF='%{NAME}\t%{EPOCH}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{LICENSE}\t%{SOURCERPM}\n'

# 1. Build the packages from the spec files beside this script.
for s in "$HERE"/specs/*.spec; do
  rpmbuild --quiet --define "_topdir $W/build" -bb "$s"
done
find "$W/build/RPMS" -name '*.rpm' | sort

# 2. Install them into an empty root's database (SQLite, rpm 4.18's default),
#    import a signing key (a gpg-pubkey pseudo-package), erase one package
#    again (its row is deleted: the reader must not list it).
mkdir -p "$ROOT"
rpm --root "$ROOT" --dbpath /var/lib/rpm --initdb
rpm --root "$ROOT" --dbpath /var/lib/rpm -i --nodeps --ignorearch --noscripts \
  $(find "$W/build/RPMS" -name '*.rpm' | sort)
export GNUPGHOME=$W/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key 'Portcullis Fixture <fixture@example.invalid>' ed25519 sign never 2>/dev/null
gpg --armor --export fixture@example.invalid > "$W/key.asc"
rpmkeys --root "$ROOT" --dbpath /var/lib/rpm --import "$W/key.asc"
rpm --root "$ROOT" --dbpath /var/lib/rpm -e --nodeps --noscripts tinynoarch-meta
DB=$ROOT/var/lib/rpm
ls -la "$DB"

truth() { # $1: backend, $2: dbpath (relative to the root)
  rpm --root "$ROOT" --dbpath "$2" --define "_db_backend $1" -qa --qf "$QF" | LC_ALL=C sort
}
truth_files() { # rpm -ql of each package (needs the Name index: SQLite only)
  for n in $(rpm --root "$ROOT" --dbpath "$2" --define "_db_backend $1" -qa --qf '%{NAME}\n'); do
    rpm --root "$ROOT" --dbpath "$2" --define "_db_backend $1" -ql "$n" \
      | grep -v '^(contains no files)$' | sed "s|^|$n\t|" || true
  done | LC_ALL=C sort
}
files_qf() { # the same list by iteration alone (bdb_ro and ndb have no indexes here)
  rpm --root "$ROOT" --dbpath "$2" --define "_db_backend $1" -qa --qf '[%{=NAME}\t%{FILENAMES}\n]' 2>/dev/null | grep -v '	(none)$' | LC_ALL=C sort
}
truth sqlite /var/lib/rpm > "$HERE/truth-qa.tsv"
truth_files sqlite /var/lib/rpm > "$HERE/truth-ql.tsv"
cat "$HERE/truth-qa.tsv"
files_qf sqlite /var/lib/rpm | cmp - "$HERE/truth-ql.tsv"
xz -9e -c "$DB/rpmdb.sqlite" > "$HERE/rpmdb.sqlite.xz"

# 3. Berkeley DB hash: the headers as the SQLite database holds them, loaded
#    by Berkeley DB's own db5.3_load in its dump format (bytevalue), key = the
#    header number as a little-endian (this host's order) 32-bit integer.
{
  printf 'VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n'
  sqlite3 "$DB/rpmdb.sqlite" "SELECT hnum, hex(blob) FROM Packages ORDER BY hnum" |
  while IFS='|' read -r n hex; do
    printf ' %02x%02x%02x%02x\n' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255))
    printf ' %s\n' "$hex" | tr 'A-F' 'a-f'
  done
  printf 'DATA=END\n'
} > "$W/packages.dump"
mkdir -p "$ROOT/bdb"
db5.3_load -t hash -f "$W/packages.dump" "$ROOT/bdb/Packages"
db5.3_stat -d "$ROOT/bdb/Packages" | head -20
truth bdb_ro /bdb 2>/dev/null > "$W/bdb-qa.tsv"
files_qf bdb_ro /bdb > "$W/bdb-ql.tsv"
cmp "$W/bdb-qa.tsv" "$HERE/truth-qa.tsv"
cmp "$W/bdb-ql.tsv" "$HERE/truth-ql.tsv"
xz -9e -c "$ROOT/bdb/Packages" > "$HERE/Packages.xz"
# The same with 512-byte pages and a fill factor of 1: one bucket per key,
# so the bucket-to-page arithmetic (the spares table) is exercised.
mkdir -p "$ROOT/bdb512"
db5.3_load -t hash -c db_pagesize=512 -c h_ffactor=1 -f "$W/packages.dump" "$ROOT/bdb512/Packages"
db5.3_stat -d "$ROOT/bdb512/Packages" | sed -n '6,14p'
truth bdb_ro /bdb512 2>/dev/null | cmp - "$HERE/truth-qa.tsv"
files_qf bdb_ro /bdb512 | cmp - "$HERE/truth-ql.tsv"
xz -9e -c "$ROOT/bdb512/Packages" > "$HERE/Packages-512.xz"
# And one whose buckets spill onto bucket overflow pages: 40 copies of each
# header under 200 header numbers, 512-byte pages, a fill factor of 1000
# (few buckets, long chains). rpm lists each header 40 times.
{
  printf 'VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n'
  sqlite3 "$DB/rpmdb.sqlite" "SELECT hex(blob) FROM Packages ORDER BY hnum" > "$W/blobs.hex"
  n=0
  for copy in $(seq 1 40); do
    while read -r hex; do
      n=$((n + 1))
      printf ' %02x%02x%02x%02x\n' $((n & 255)) $((n >> 8 & 255)) 0 0
      printf ' %s\n' "$hex" | tr 'A-F' 'a-f'
    done < "$W/blobs.hex"
  done
  printf 'DATA=END\n'
} > "$W/packages-chain.dump"
mkdir -p "$ROOT/bdbchain"
db5.3_load -t hash -c db_pagesize=512 -c h_ffactor=1000 -f "$W/packages-chain.dump" "$ROOT/bdbchain/Packages"
db5.3_stat -d "$ROOT/bdbchain/Packages" | sed -n '6,20p'
truth bdb_ro /bdbchain 2>/dev/null | uniq -c | sed 's/^ *//' > "$W/chain-qa.tsv"
sed 's/^/40 /' "$HERE/truth-qa.tsv" | cmp - "$W/chain-qa.tsv"
xz -9e -c "$ROOT/bdbchain/Packages" > "$HERE/Packages-chain.xz"

# And as a big-endian machine (s390x, old ppc) would have written it: pages
# in big-endian order (db_lorder=4321), keys big-endian integers.
sed -e 's/^ \(..\)\(..\)\(..\)\(..\)$/ \4\3\2\1/' "$W/packages.dump" > "$W/packages-be.dump"
mkdir -p "$ROOT/bdbbe"
db5.3_load -t hash -c db_lorder=4321 -f "$W/packages-be.dump" "$ROOT/bdbbe/Packages"
db5.3_stat -d "$ROOT/bdbbe/Packages" | sed -n '2,5p'
truth bdb_ro /bdbbe 2>/dev/null | cmp - "$HERE/truth-qa.tsv"
files_qf bdb_ro /bdbbe | cmp - "$HERE/truth-ql.tsv"
xz -9e -c "$ROOT/bdbbe/Packages" > "$HERE/Packages-be.xz"

# 4. ndb, by an rpm built with it (Debian's rpm source, configured with
#    --enable-ndb): rpmdb --rebuilddb converts the SQLite database.
# build_ndb_rpm:
#   apt-get source rpm && apt-get build-dep -y rpm && cd rpm-4.18.0+dfsg &&
#   ./configure --prefix=$PREFIX --sysconfdir=/etc --localstatedir=/var \
#     --enable-ndb --enable-bdb-ro --enable-sqlite --disable-python \
#     --without-selinux --without-cap --disable-plugins --disable-openmp \
#     LUA_CFLAGS="$(pkg-config --cflags lua5.3)" LUA_LIBS="$(pkg-config --libs lua5.3)" &&
#   make -j2 && make install
if [ -n "${RPM_NDB:-}" ]; then
  export LD_LIBRARY_PATH=$RPM_NDB/lib
  mkdir -p "$ROOT/ndb"
  cp "$DB/rpmdb.sqlite" "$ROOT/ndb/"
  "$RPM_NDB/bin/rpmdb" --root "$ROOT" --dbpath /ndb --define '_db_backend ndb' --rebuilddb
  ls -la "$ROOT/ndb"
  "$RPM_NDB/bin/rpm" --root "$ROOT" --dbpath /ndb --define '_db_backend ndb' -qa --qf "$QF" | LC_ALL=C sort > "$W/ndb-qa.tsv"
  cmp "$W/ndb-qa.tsv" "$HERE/truth-qa.tsv"
  "$RPM_NDB/bin/rpm" --root "$ROOT" --dbpath /ndb --define '_db_backend ndb' -qa --qf '[%{=NAME}\t%{FILENAMES}\n]' | grep -v '	(none)$' | LC_ALL=C sort > "$W/ndb-ql.tsv"
  cmp "$W/ndb-ql.tsv" "$HERE/truth-ql.tsv"
  xz -9e -c "$ROOT/ndb/Packages.db" > "$HERE/Packages.db.xz"
  unset LD_LIBRARY_PATH
fi
ls -la "$HERE"
