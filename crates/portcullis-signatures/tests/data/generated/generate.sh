#!/bin/sh
# Regenerates the certificate chains of generated/ with OpenSSL (3.0).
# Test-only keys: they sign nothing outside these tests.
# The Rust tests sign JWS envelopes with leaf.key; the chains exercise
# trust, chaining and validity (`openssl ca` because it takes explicit
# -startdate/-enddate, for the expired and not-yet-valid certificates).
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/db"
: > "$work/db/index.txt"
echo 1000 > "$work/db/serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/db/index.txt
serial = $work/db/serial
new_certs_dir = $work/db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[tls_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
CNF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
# sign NAME ISSUER EXT START END: NAME.crt from NAME.key, issued by ISSUER
sign() {
  openssl req -new -key "$1.key" -subj "/CN=portcullis test $1" -out "$work/$1.csr"
  if [ "$2" = "$1" ]; then self=-selfsign; else self=; fi
  openssl ca -batch -config "$work/ca.cnf" $self -cert "$2.crt" -keyfile "$2.key" \
    -extensions "$3" -startdate "$4" -enddate "$5" -in "$work/$1.csr" -out "$work/$1.pem" -notext 2>/dev/null
  openssl x509 -in "$work/$1.pem" -out "$1.crt"
}
selfsigned_root() {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=portcullis test $1" -out "$work/$1.csr"
  openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$1.key" -extensions ca_ext \
    -startdate 20200101000000Z -enddate 21000101000000Z -in "$work/$1.csr" -out "$work/$1.pem" -notext 2>/dev/null
  openssl x509 -in "$work/$1.pem" -out "$1.crt"
}

selfsigned_root root
selfsigned_root other-root
key intermediate.key; sign intermediate root ca_ext 20200101000000Z 20900101000000Z
key leaf.key;         sign leaf intermediate leaf_ext 20200101000000Z 20800101000000Z
# The same key, certified for 2000 only: expired at any signing time now.
cp leaf.key expired-leaf.key; sign expired-leaf intermediate leaf_ext 20000101000000Z 20010101000000Z
# A chain whose "intermediate" is not a CA: the leaf used as an issuer.
key under-leaf.key;   sign under-leaf leaf leaf_ext 20200101000000Z 20800101000000Z
# A leaf for TLS servers, not for code signing.
key tls-leaf.key;     sign tls-leaf intermediate tls_ext 20200101000000Z 20800101000000Z
rm -f root.key other-root.key intermediate.key expired-leaf.key
