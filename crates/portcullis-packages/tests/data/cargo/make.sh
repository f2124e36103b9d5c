#!/bin/sh
# Builds a tiny Rust binary with `cargo auditable` (cargo-auditable 0.7.x,
# from crates.io) and records what rust-audit-info itself reads from it
# (hello.truth.json). Two crates.io dependencies (itoa, and smallvec with a
# build-dependency-free tree) plus a build dependency (cc is heavy; we use
# `autocfg`, a real build-only crate) so that a "kind":"build" entry appears.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/hello/src"
cat > "$work/hello/Cargo.toml" <<'T'
[package]
name = "hello-auditable"
version = "0.3.1"
edition = "2021"

[dependencies]
itoa = "=1.0.11"
smallvec = "=1.13.2"

[build-dependencies]
autocfg = "=1.3.0"

[profile.release]
strip = true
opt-level = "s"
panic = "abort"
T
cat > "$work/hello/build.rs" <<'T'
fn main() {
    let _ = autocfg::new();
}
T
cat > "$work/hello/src/main.rs" <<'T'
fn main() {
    let mut v: smallvec::SmallVec<[u8; 4]> = smallvec::SmallVec::new();
    v.push(7);
    let mut b = itoa::Buffer::new();
    println!("{}", b.format(v[0]));
}
T
(cd "$work/hello" && CARGO_TARGET_DIR="$work/target" cargo auditable build --release --quiet)
bin="$work/target/release/hello-auditable"
rust-audit-info "$bin" > "$here/hello.truth.json"
readelf -S -l -W "$bin" > "$here/hello.readelf.txt"
xz -9 -c "$bin" > "$here/hello.xz"
{ cargo --version; cargo auditable --version 2>/dev/null || true; rustc --version; } > "$here/versions.txt"
