#!/usr/bin/env bash
# Reference implementations that tests compare our code against, installed
# idempotently into one directory (default target/reference-tools):
#   venv/bin/python  with packaging (PEP 440 order) and cvss (CVSS v3/v4 base scores)
#   node/node_modules/semver  (npm's own semver order)
#   rpm (Debian's package: `rpm --eval '%{lua: print(rpm.vercmp(a, b))}'`)
#   Debian's maven (maven-artifact's ComparableVersion), ruby (Gem::Version),
#   php-cli + php-composer-semver (composer/semver), golang-go (its vendored
#   golang.org/x/mod/semver)
#   dpkg --compare-versions is on every Debian machine.
# Tests find them through PORTCULLIS_REFERENCE_TOOLS=<dir>; with
# PORTCULLIS_REFERENCE_TESTS=required a missing tool fails the test instead of
# skipping it (scripts/test.sh sets both).
set -euo pipefail
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/target/reference-tools}
mkdir -p "$DIR"
PACKAGING_VERSION=26.4
CVSS_VERSION=3.6
SEMVER_VERSION=7.8.6

APT=(rpm maven ruby php-cli php-composer-semver golang-go default-jre-headless)
missing=()
for pkg in "${APT[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="packaging==$PACKAGING_VERSION cvss==$CVSS_VERSION"
if [[ ! -x $DIR/venv/bin/python || $(cat "$DIR/venv/.stamp" 2>/dev/null) != "$stamp" ]]; then
  rm -rf "$DIR/venv"
  python3 -m venv "$DIR/venv"
  "$DIR/venv/bin/pip" install -q --disable-pip-version-check $stamp
  echo "$stamp" > "$DIR/venv/.stamp"
fi

if [[ $(node -p "require('$DIR/node/node_modules/semver/package.json').version" 2>/dev/null) != "$SEMVER_VERSION" ]]; then
  mkdir -p "$DIR/node"
  npm install -s --no-audit --no-fund --prefix "$DIR/node" "semver@$SEMVER_VERSION" >/dev/null
fi
