#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine (root, Rust stable) or a
# developer's: installs what the tests need, idempotently, then checks
# formatting and lints and runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need; image, registry and LXD tests will add
# theirs here (skopeo, docker-registry, …). Debian's headless Chromium and
# its ChromeDriver: the HTML report is tested in a real browser
# (crates/portcullis/tests/html.rs), offline, on file:// pages.
# The registry tests (crates/portcullis/tests/registry.rs) run the real CNCF
# registry on 127.0.0.1, push with skopeo, and make htpasswd entries.
# The daemon tests (tests/daemon.rs) start a real Docker engine (vfs storage,
# private socket, loopback TCP, once with TLS certificates made by openssl)
# and stop it. The squashfs reader is checked against mksquashfs and
# unsquashfs (crates/portcullis-image/src/lxd/tests.rs).
# The secret detectors are tested on keys made at test time by ssh-keygen,
# openssl, keytool and gpg (crates/portcullis-secrets/src/keys/tests.rs,
# crates/portcullis-rules/tests/support/keys.rs); the secret fixture images are
# built here by fixtures/secrets/make.sh with Docker's classic builder,
# BuildKit and buildah (it installs what else it needs itself).
# The ELF reader (crates/portcullis-elf/tests) is checked against readelf,
# scanelf (pax-utils) and checksec on this machine's binaries, and on
# binaries gcc builds at test time, 32-bit (gcc-multilib) and big-endian
# MIPS (binutils-mips-linux-gnu) among them.
# The shell completions are loaded by bash, zsh and fish
# (crates/portcullis/tests/first_week.rs).
# Compose projects are read as `docker-compose config` (Debian's 1.29.2)
# reads them (crates/portcullis-manifests/tests/compose_reference.rs).
NEEDED_PACKAGES=(chromium chromium-driver docker-registry skopeo apache2-utils docker.io openssl squashfs-tools
                 openssh-client gnupg default-jre-headless ca-certificates-java buildah podman busybox-static jq zstd
                 gcc gcc-multilib binutils binutils-mips-linux-gnu pax-utils checksec zsh fish docker-compose)
missing=()
for pkg in "${NEEDED_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

# Here the browser test must run, not skip: a missing Chromium is a failure.
export PORTCULLIS_BROWSER_TESTS=required
# Likewise the real registry.
export PORTCULLIS_REGISTRY_TESTS=required
export PORTCULLIS_DAEMON_TESTS=required

# Secret fixture images: built from their recipe at test time, never
# committed (they hold live-looking fake tokens); rebuilt only when the
# recipe changes (make.sh keeps a hash of its inputs).
echo "== secret fixtures"
export PORTCULLIS_SECRET_FIXTURES=$PWD/target/secret-fixtures
export PORTCULLIS_SECRET_TESTS=required
bash fixtures/secrets/make.sh "$PORTCULLIS_SECRET_FIXTURES"

# Package (SBOM) fixture images (crates/portcullis/tests/packages.rs): built
# by the package managers themselves (mmdebstrap, apt, pip, npm ci, cargo
# auditable, go, jar, gem, composer, rpm), truth recorded as they are built.
# make.sh installs its Debian packages and cargo-installs cargo-auditable and
# rust-audit-info (pinned) into target/fixture-tools itself; it needs cargo
# and npm >= 8 on PATH (the machine's Node.js 20 with npm 10/11) and the
# network to the Debian mirror, PyPI, npm and crates.io. Rebuilt only when
# its recipe changes. Cold (fresh clone): about 5 min; warm: seconds.
echo "== package fixtures"
export PORTCULLIS_PACKAGE_FIXTURES=$PWD/target/package-fixtures
export PORTCULLIS_PACKAGE_TESTS=required
command -v npm >/dev/null || { echo "scripts/test.sh: npm (>= 8) is needed on PATH for fixtures/packages/make.sh" >&2; exit 1; }
time bash fixtures/packages/make.sh "$PORTCULLIS_PACKAGE_FIXTURES"

# Reference implementations the version comparators and the CVSS scores are
# checked against on generated inputs (Python's packaging and cvss, npm's
# semver, rpm's own rpmvercmp; dpkg is always here).
echo "== reference tools"
export PORTCULLIS_REFERENCE_TOOLS=$PWD/target/reference-tools
export PORTCULLIS_REFERENCE_TESTS=required
bash scripts/reference-tools.sh "$PORTCULLIS_REFERENCE_TOOLS"

# Vulnerability fixtures (crates/portcullis/tests/vulnerabilities.rs): the
# vulns-lang image (old PyPI and npm releases, Debian's builds of Go modules
# and Java libraries) and, for it and the package fixtures, the findings the
# committed OSV records must give, computed by fixtures/vulns/expected.py with
# the reference version orders above. Rebuilt only when its recipe changes.
echo "== vulnerability fixtures"
export PORTCULLIS_VULN_FIXTURES=$PWD/target/vuln-fixtures
export PORTCULLIS_VULN_TESTS=required
time bash fixtures/vulns/make.sh "$PORTCULLIS_VULN_FIXTURES"

# Binary-hardening fixtures (SQ18101-SQ18115, SQ34202-SQ34204): a Debian 12
# minbase root under programs compiled here by gcc (one mitigation on or off
# each), a Go binary, a CodeView .pdb (clang + lld-link); truth recorded as
# built by checksec 2.6.0, scanelf and readelf (fixtures/binaries/README.md,
# expected.md). Reuses the .deb cache above. Rebuilt only when its recipe
# changes. Cold (.deb cache warm): 2-4 min on 2 busy cores; warm: seconds.
echo "== binary fixtures"
export PORTCULLIS_BINARY_FIXTURES=$PWD/target/binary-fixtures
export PORTCULLIS_BINARY_TESTS=required
time bash fixtures/binaries/make.sh "$PORTCULLIS_BINARY_FIXTURES"

# The image of portcullis itself (crates/portcullis/tests/self_image.rs):
# the repository's Dockerfile built by buildah on a stand-in for its
# distroless base, an mmdebstrap root of the same Debian 12 libraries
# (the real one cannot be pulled here). Reuses the .deb cache above; the
# root is rebuilt only when make.sh changes. Cold: about 15 s.
echo "== self-image fixtures"
export PORTCULLIS_SELF_IMAGE_FIXTURES=$PWD/target/self-image-fixtures
export PORTCULLIS_SELF_IMAGE_TESTS=required
bash fixtures/self-image/make.sh "$PORTCULLIS_SELF_IMAGE_FIXTURES"

# The CI integrations (crates/portcullis/tests/ci_integrations.rs): action.yml,
# the GitLab template and .pre-commit-hooks.yaml are read with PyYAML, and the
# hook is run by pre-commit itself (try-repo), both pinned, from PyPI.
echo "== pre-commit, PyYAML"
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q 'PyYAML==6.0.2'
[[ $(pre-commit --version 2>/dev/null) == "pre-commit 4.2.0" ]] || python3 -m pip install -q 'pre-commit==4.2.0'
export PORTCULLIS_PRECOMMIT_TESTS=required

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
if command -v cargo-nextest >/dev/null 2>&1; then
  # nextest does not run doctests; run them first so nextest's summary closes the log.
  cargo test --workspace --locked --doc
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
