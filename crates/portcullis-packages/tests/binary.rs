//! The binary cataloger on binaries built by the real tools
//! (tests/data/golang/make.sh, tests/data/cargo/make.sh), fed as the content
//! pass feeds files, in chunks of several sizes.

#![allow(clippy::unwrap_used)]

use portcullis_packages::binary::{self, golang};
use portcullis_packages::{Ecosystem, Found, Package};
use std::io::Read;

fn data(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn unxz(path: &str) -> Vec<u8> {
    let mut out = Vec::new();
    liblzma::read::XzDecoder::new(&data(path)[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Feeds `bytes` in chunks of `size`; returns what was found and how many
/// bytes were fed before the cataloger said it wanted no more.
fn feed(bytes: &[u8], size: usize) -> (Found, usize) {
    let Some(mut c) = binary::cataloger("usr/bin/x", bytes.len() as u64) else {
        return (Found::default(), 0);
    };
    let mut fed = 0;
    for chunk in bytes.chunks(size) {
        fed += chunk.len();
        if !c.chunk(chunk) {
            break;
        }
    }
    (c.finish(true), fed)
}

fn go(ns: Option<&str>, name: &str, version: &str, main: bool) -> Package {
    Package {
        ecosystem: Some(Ecosystem::Golang),
        namespace: ns.map(str::to_owned),
        name: name.to_owned(),
        version: version.to_owned(),
        go_version: Some("go1.19.8".to_owned()),
        main_module: main,
        ..Package::default()
    }
}

fn go_expected() -> Vec<Package> {
    vec![
        go(Some("github.com/portcullis-test"), "hello", "(devel)", true),
        // => ../local (devel): a directory, the original path is kept
        go(Some("example.com"), "local", "(devel)", false),
        // => example.net/util-fork v1.0.1: the fork is what was built
        go(Some("example.net"), "util-fork", "v1.0.1", false),
        go(Some("example.org/greet"), "v2", "v2.1.0", false),
        // The standard library compiled in, at the toolchain's version.
        go(None, "stdlib", "go1.19.8", false),
    ]
}

#[test]
fn go_truth_as_go_version_m_lists_it() {
    // The text `go version -m` printed, read by the same rules.
    for b in ["hello", "hello-s390x"] {
        let truth = String::from_utf8(data(&format!("golang/{b}.truth.txt"))).unwrap();
        let f = golang::parse_modinfo(&truth.replace(&format!("{b}: go1.19.8"), "\tgo\tgo1.19.8"));
        assert_eq!(f.packages, go_expected(), "{b}");
    }
}

#[test]
fn go_binaries_in_any_chunking() {
    // (fixture, the offset and size of .go.buildinfo as readelf lists them)
    for (b, at, len) in [("hello", 0xcb000, 0x220), ("hello-s390x", 0xd0000, 0x210)] {
        let bin = unxz(&format!("golang/{b}.xz"));
        for size in [64 << 10, 1, 7, 4093, 1 << 20] {
            let (f, fed) = feed(&bin, size);
            assert_eq!(f.packages, go_expected(), "{b} in chunks of {size}");
            assert!(f.notes.is_empty(), "{:?}", f.notes);
            // The feed stops in the chunk that ends the build info.
            let end = (at + len as usize).next_multiple_of(size).min(bin.len());
            assert!(fed <= end, "{b} in chunks of {size}: fed {fed}");
            assert!(fed > at + 32, "{b} in chunks of {size}: fed {fed}");
        }
    }
}

#[test]
fn go_before_1_18_from_rodata() {
    // esbuild 0.8.57, built by Go 1.16 (make.sh: zeroed but for the bytes
    // read). `go version -m` lists the same modules; the Go version is in
    // a string the stream has passed, so it is None, and a note says so.
    let truth = String::from_utf8(data("golang/esbuild-go1.16.truth.txt")).unwrap();
    let mut want = golang::parse_modinfo(&truth).packages;
    let names: Vec<_> = want
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("esbuild", "(devel)"),
            ("sys", "v0.0.0-20200501145240-bc7a7d42d5c3")
        ]
    );
    assert_eq!(want[1].namespace.as_deref(), Some("golang.org/x"));
    assert!(want[0].main_module);
    for p in &mut want {
        p.go_version = None;
    }
    let bin = unxz("golang/esbuild-go1.16.xz");
    for size in [64 << 10, 1, 4093, 1 << 20] {
        let (f, _) = feed(&bin, size);
        assert_eq!(f.packages, want, "chunks of {size}");
        assert_eq!(
            f.notes,
            ["Go build info of Go before 1.18: the modules read from .rodata, the Go version not read"]
        );
    }
    // Without the module info in .rodata: a note only.
    let mut b = bin.clone();
    let at = memchr::memmem::find(&b, golang::INFO_START).unwrap();
    b[at] ^= 1;
    let (f, _) = feed(&b, 64 << 10);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 1);
}

fn cargo_expected() -> Vec<Package> {
    // rust-audit-info's output, build dependencies left out.
    let truth: serde_json::Value = serde_json::from_slice(&data("cargo/hello.truth.json")).unwrap();
    let mut v = Vec::new();
    for p in truth["packages"].as_array().unwrap() {
        if p["kind"] == "build" {
            continue;
        }
        v.push(Package {
            ecosystem: Some(Ecosystem::Cargo),
            name: p["name"].as_str().unwrap().to_owned(),
            version: p["version"].as_str().unwrap().to_owned(),
            main_module: p["root"] == true,
            ..Package::default()
        });
    }
    v
}

#[test]
fn cargo_auditable_in_any_chunking() {
    let expected = cargo_expected();
    let names: Vec<_> = expected.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["hello-auditable", "itoa", "smallvec"]);
    let bin = unxz("cargo/hello.xz");
    for size in [64 << 10, 1, 7, 4093, 1 << 20] {
        let (f, _) = feed(&bin, size);
        assert_eq!(f.packages, expected, "chunks of {size}");
        assert!(f.notes.is_empty(), "{:?}", f.notes);
    }
}

#[test]
fn cargo_auditable_without_section_headers() {
    // e_shoff = 0 (as sstrip leaves a file): recognised by its zlib stream.
    let mut bin = unxz("cargo/hello.xz");
    bin[0x28..0x30].fill(0);
    bin[0x3c..0x40].fill(0);
    let (f, _) = feed(&bin, 64 << 10);
    assert_eq!(f.packages, cargo_expected());
}

/// The real auditable binary with `n` bytes of noise inserted where its
/// non-allocated sections start (0x52d70, `.comment`, per readelf), the
/// section offsets moved to match: what a binary with `n` bytes of
/// `.debug_*` before `.dep-v0` looks like (lld's order).
fn with_debug_noise(n: usize) -> Vec<u8> {
    let bin = unxz("cargo/hello.xz");
    let at = 0x52d70;
    let mut noise = Vec::with_capacity(n);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    while noise.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // zlib-looking headers now and then: candidates that must fail.
        if x.is_multiple_of(251) {
            noise.extend_from_slice(&[0x78, 0x9c]);
        } else {
            noise.push(x as u8);
        }
    }
    noise.truncate(n);
    let mut out = bin[..at].to_vec();
    out.extend_from_slice(&noise);
    out.extend_from_slice(&bin[at..]);
    let u64_at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    let shoff = u64_at(&out, 0x28) as usize;
    out[0x28..0x30].copy_from_slice(&((shoff + n) as u64).to_le_bytes());
    let shnum = u16::from_le_bytes([out[0x3c], out[0x3d]]) as usize;
    for i in 0..shnum {
        let o = shoff + n + i * 64 + 24;
        let off = u64_at(&out, o);
        if off >= at as u64 {
            out[o..o + 8].copy_from_slice(&(off + n as u64).to_le_bytes());
        }
    }
    out
}

#[test]
fn cargo_auditable_after_megabytes_of_debug_info() {
    let bin = with_debug_noise(6 << 20);
    for size in [64 << 10, 1 << 20, 4093] {
        let (f, _) = feed(&bin, size);
        assert_eq!(f.packages, cargo_expected(), "chunks of {size}");
        assert!(f.notes.is_empty(), "{:?}", f.notes);
    }
    // Without section headers too.
    let mut bin = bin;
    bin[0x28..0x30].fill(0);
    let (f, _) = feed(&bin, 64 << 10);
    assert_eq!(f.packages, cargo_expected());
    // Noise within the kept tail: found by its section header.
    let (f, _) = feed(&with_debug_noise(1 << 20), 64 << 10);
    assert_eq!(f.packages, cargo_expected());
}

/// `bin` with its program headers copied to `at` (64-bit little-endian),
/// `e_phoff` pointing there: what BOLT leaves (rustc's librustc_driver has
/// them at 80 MiB).
fn late_phdrs(mut bin: Vec<u8>, at: usize) -> Vec<u8> {
    let phoff = u64::from_le_bytes(bin[0x20..0x28].try_into().unwrap()) as usize;
    let n = u16::from_le_bytes([bin[0x38], bin[0x39]]) as usize * 56;
    let ph = bin[phoff..phoff + n].to_vec();
    bin[at..at + n].copy_from_slice(&ph);
    bin[0x20..0x28].copy_from_slice(&(at as u64).to_le_bytes());
    bin
}

#[test]
fn program_headers_late_in_the_file() {
    // Into .text, before the data and the tail: both still found.
    let rs = late_phdrs(unxz("cargo/hello.xz"), 0x20000);
    let go = late_phdrs(unxz("golang/hello.xz"), 0x20000);
    // Straddling the first 64 KiB.
    let rs2 = late_phdrs(unxz("cargo/hello.xz"), 0x10000 - 100);
    for size in [1, 4093, 64 << 10, 1 << 20] {
        let (f, _) = feed(&rs, size);
        assert_eq!(f.packages, cargo_expected(), "chunks of {size}");
        let (f, _) = feed(&rs2, size);
        assert_eq!(f.packages, cargo_expected(), "chunks of {size}");
        let (f, _) = feed(&go, size);
        assert_eq!(f.packages, go_expected(), "chunks of {size}");
    }
    // After everything they describe: nothing is found, nothing breaks.
    let len = unxz("cargo/hello.xz").len();
    let mut rs = unxz("cargo/hello.xz");
    rs.extend_from_slice(&[0; 1024]);
    let rs = late_phdrs(rs, len);
    let (f, _) = feed(&rs, 64 << 10);
    assert!(f.packages.is_empty());
}

#[test]
fn not_elf_stops_at_once() {
    let text = vec![b'a'; 1 << 20];
    let (f, fed) = feed(&text, 64 << 10);
    assert_eq!(fed, 64 << 10);
    assert_eq!(f, Found::default());
    let (_, fed) = feed(&text, 1);
    assert_eq!(fed, 1);
    assert!(binary::cataloger("x", 63).is_none());
}

#[test]
fn go_is_not_cargo_and_cargo_is_not_go() {
    let rs = unxz("cargo/hello.xz");
    let (f, _) = feed(&rs, 64 << 10);
    assert!(f
        .packages
        .iter()
        .all(|p| p.ecosystem == Some(Ecosystem::Cargo)));
    let gobin = unxz("golang/hello.xz");
    let (f, _) = feed(&gobin, 64 << 10);
    assert!(f
        .packages
        .iter()
        .all(|p| p.ecosystem == Some(Ecosystem::Golang)));
}

#[test]
fn hostile_elves() {
    let rs = unxz("cargo/hello.xz");
    let gobin = unxz("golang/hello.xz");
    // Every truncation of the headers, and a sample of the rest: no panic.
    for cut in (0..4096).chain((4096..rs.len()).step_by(997)) {
        let _ = feed(&rs[..cut], 4096);
    }
    for cut in (0..4096).chain((4096..gobin.len()).step_by(1999)) {
        let _ = feed(&gobin[..cut], 4096);
    }
    // Lying header fields: every byte of the ELF header and the first
    // program headers set to 0xff in turn.
    for i in 0..(64 + 56 * 4) {
        let mut b = rs.clone();
        b[i] = 0xff;
        let _ = feed(&b, 65536);
        let mut b = gobin.clone();
        b[i] = 0xff;
        let _ = feed(&b, 65536);
    }
    // The .dep-v0 bytes corrupted: a note, no packages.
    let mut b = rs.clone();
    b[0x52e22 + 10..0x52e22 + 40].fill(0x55);
    let (f, _) = feed(&b, 65536);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
    // The Go build info with a modinfo length of 2^40.
    let at = 0xcb000 + 32 + 9;
    assert_eq!(&gobin[at - 9..at], b"\x08go1.19.8");
    let mut b = gobin.clone();
    b[at..at + 6].copy_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    let (f, _) = feed(&b, 65536);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
}

#[test]
fn random_elf_headers() {
    // A real ELF header and program headers with random fields, random
    // bytes after: the reader ends, whatever it finds.
    let rs = unxz("cargo/hello.xz");
    let mut x = 0x0bad_5eed_1234_5678u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..2000 {
        let mut b = rs[..4096].to_vec();
        for _ in 0..(1 + next() % 8) {
            let at = (next() % (64 + 56 * 12)) as usize;
            b[at] = next() as u8;
        }
        for _ in 0..(next() % 4096) {
            b.push(next() as u8);
        }
        let size = 1 + (next() % 700) as usize;
        let (f, _) = feed(&b, size);
        assert!(f.notes.len() <= 4, "{:?}", f.notes);
    }
}

/// A local-directory replacement of a module go.mod required at a real
/// version keeps that path and version (the fixture image's Go binary:
/// `require example.com/locallib v0.4.0` with `replace … => ./locallib`).
#[test]
fn a_local_replacement_of_a_real_version_keeps_the_module_and_its_version() {
    let info = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n\
                dep\texample.com/locallib\tv0.4.0\t\n=>\t./locallib\t(devel)\t\n";
    let found = portcullis_packages::binary::golang::parse_modinfo(info);
    let deps: Vec<(Option<&str>, &str, &str)> = found
        .packages
        .iter()
        .filter(|p| !p.main_module)
        .map(|p| (p.namespace.as_deref(), p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(deps, [(Some("example.com"), "locallib", "v0.4.0")]);
}
