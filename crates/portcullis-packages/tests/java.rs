//! The Java archive cataloger on archives made by the real tools
//! (tests/data/java/make.sh: Debian's own jars, OpenJDK 17's jar, Info-ZIP
//! zip), fed as the content pass feeds files, in chunks of several sizes,
//! and on hostile archives made here.

#![allow(clippy::unwrap_used)]

use portcullis_packages::java::{self, Jar};
use portcullis_packages::{Ecosystem, FileCataloger, Found, Package};
use std::collections::BTreeSet;
use std::io::Write;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/java/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn feed_with(mut c: Box<dyn FileCataloger>, bytes: &[u8], size: usize) -> (Found, usize) {
    let mut fed = 0;
    for chunk in bytes.chunks(size) {
        fed += chunk.len();
        if !c.chunk(chunk) {
            break;
        }
    }
    (c.finish(true), fed)
}

fn feed(path: &str, bytes: &[u8], size: usize) -> Found {
    let c = java::cataloger(path, bytes.len() as u64).expect("a java archive by name");
    feed_with(c, bytes, size).0
}

fn mvn(group: Option<&str>, name: &str, version: &str, inner: &str) -> Package {
    Package {
        ecosystem: Some(Ecosystem::Maven),
        namespace: group.map(str::to_owned),
        name: name.to_owned(),
        version: version.to_owned(),
        inner: (!inner.is_empty()).then(|| inner.to_owned()),
        ..Package::default()
    }
}

fn expected(file: &str) -> Vec<Package> {
    let monly = |inner: &str| Package {
        licenses: vec!["https://www.apache.org/licenses/LICENSE-2.0.txt".to_owned()],
        ..mvn(None, "manifest-only", "3.1.4", inner)
    };
    let shaded = |inner: &str| {
        vec![
            mvn(Some("com.example"), "shaded", "2.0", inner),
            mvn(Some("org.slf4j"), "slf4j-api", "1.7.32", inner),
        ]
    };
    match file {
        "commons-lang3.jar" => vec![mvn(
            Some("org.apache.commons"),
            "commons-lang3",
            "3.12.0",
            "",
        )],
        "slf4j-api.jar" => vec![mvn(Some("org.slf4j"), "slf4j-api", "1.7.32", "")],
        "app-1.0.0.jar" => vec![mvn(Some("com.example"), "app", "1.0.0", "")],
        "shaded-2.0.jar" => shaded(""),
        "manifest-only-3.1.4.jar" => vec![monly("")],
        "outer-0.9.jar" => {
            let mut v = vec![mvn(Some("com.example"), "outer", "0.9", "")];
            v.extend(shaded("lib/shaded-2.0.jar"));
            v
        }
        "fat.jar" => {
            let mut v = vec![
                mvn(Some("com.example"), "fat", "5.0.0", ""),
                mvn(
                    Some("com.example"),
                    "app",
                    "1.0.0",
                    "BOOT-INF/lib/app-1.0.0.jar",
                ),
            ];
            v.extend(shaded("BOOT-INF/lib/outer-0.9.jar!/lib/shaded-2.0.jar"));
            v.push(mvn(
                Some("com.example"),
                "outer",
                "0.9",
                "BOOT-INF/lib/outer-0.9.jar",
            ));
            v.push(mvn(
                Some("org.slf4j"),
                "slf4j-api",
                "1.7.32",
                "BOOT-INF/lib/slf4j-api-1.7.32.jar",
            ));
            v
        }
        // The war itself states no version: no package of its own.
        "web.war" => vec![
            mvn(
                Some("com.example"),
                "app",
                "1.0.0",
                "WEB-INF/lib/app-1.0.0.jar",
            ),
            monly("WEB-INF/lib/manifest-only-3.1.4.jar"),
        ],
        "piped.jar" | "zip64.jar" => vec![mvn(
            Some("com.example"),
            "app",
            "1.0.0",
            "lib/app-1.0.0.jar",
        )],
        _ => unreachable!(),
    }
}

const FILES: [&str; 10] = [
    "commons-lang3.jar",
    "slf4j-api.jar",
    "app-1.0.0.jar",
    "shaded-2.0.jar",
    "manifest-only-3.1.4.jar",
    "outer-0.9.jar",
    "fat.jar",
    "web.war",
    "piped.jar",
    "zip64.jar",
];

/// (inner path, groupId, artifactId, version) of every pom.properties the
/// truth file (unzip's own listing and output) shows.
fn truth_poms(file: &str) -> BTreeSet<(String, String, String, String)> {
    let text = String::from_utf8(data(&format!("truth/{file}.txt"))).unwrap();
    let mut out = BTreeSet::new();
    let mut label = String::new();
    let mut cur: Option<Vec<(String, String)>> = None;
    let mut flush = |label: &str, cur: &mut Option<Vec<(String, String)>>| {
        if let Some(kv) = cur.take() {
            let get = |k: &str| {
                kv.iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.clone())
                    .unwrap()
            };
            let inner = label
                .split_once("!/")
                .map(|(_, r)| r.to_owned())
                .unwrap_or_default();
            out.insert((inner, get("groupId"), get("artifactId"), get("version")));
        }
    };
    for line in text.lines() {
        if let Some(l) = line.strip_prefix("== ") {
            flush(&label, &mut cur);
            label = l.to_owned();
        } else if let Some(e) = line.strip_prefix("-- ") {
            flush(&label, &mut cur);
            cur = e.ends_with("pom.properties").then(Vec::new);
        } else if let Some(kv) = cur.as_mut() {
            if let Some((k, v)) = line.split_once('=') {
                if !k.starts_with('#') {
                    kv.push((k.to_owned(), v.to_owned()));
                }
            }
        }
    }
    flush(&label, &mut cur);
    out
}

#[test]
fn real_archives_in_any_chunking() {
    for file in FILES {
        let bytes = data(file);
        let want = expected(file);
        for size in [64 << 10, 1, 7, 4093, 1 << 20] {
            let f = feed(&format!("usr/share/java/{file}"), &bytes, size);
            assert_eq!(f.packages, want, "{file} in chunks of {size}");
            assert!(f.notes.is_empty(), "{file}: {:?}", f.notes);
        }
    }
}

#[test]
fn every_pom_properties_unzip_shows_is_a_package() {
    for file in FILES {
        let f = feed(file, &data(file), 64 << 10);
        let got: BTreeSet<_> = f
            .packages
            .iter()
            .filter(|p| p.namespace.is_some())
            .map(|p| {
                (
                    p.inner.clone().unwrap_or_default(),
                    p.namespace.clone().unwrap(),
                    p.name.clone(),
                    p.version.clone(),
                )
            })
            .collect();
        assert_eq!(got, truth_poms(file), "{file}");
    }
}

#[test]
fn the_feed_stops_at_the_central_directory() {
    // commons-lang3's central directory is its last ~40 KiB: not fed.
    let bytes = data("commons-lang3.jar");
    let c = java::cataloger("a.jar", bytes.len() as u64).unwrap();
    let (_, fed) = feed_with(c, &bytes, 4096);
    assert!(fed < bytes.len() - 20_000, "fed {fed} of {}", bytes.len());
}

#[test]
fn a_launch_script_before_the_zip() {
    let mut bytes =
        b"#!/bin/bash\n# Spring Boot's launch script\nexec java -jar \"$0\" \"$@\"\n".to_vec();
    bytes.extend_from_slice(&data("fat.jar"));
    for size in [1, 64 << 10] {
        assert_eq!(
            feed("app/fat.jar", &bytes, size).packages,
            expected("fat.jar")
        );
    }
}

#[test]
fn by_name() {
    assert!(java::cataloger("a/b.JAR", 100).is_some());
    assert!(java::cataloger("a/b.hpi", 100).is_some());
    assert!(java::cataloger("a/b.jar", 21).is_none());
    assert!(java::cataloger("a/b.zip", 100).is_none());
    assert!(java::cataloger("a/jar", 100).is_none());
    let f = feed("x.jar", &[b'x'; 1000], 64);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes, ["not a zip archive"]);
    assert_eq!(
        java::split_file_name("commons-lang3-3.12.0.jar"),
        ("commons-lang3", Some("3.12.0"))
    );
    assert_eq!(
        java::split_file_name("guava-32.1.2-jre.jar"),
        ("guava", Some("32.1.2-jre"))
    );
    assert_eq!(java::split_file_name("app.jar"), ("app", None));
}

// ---- archives made here -------------------------------------------------

/// A minimal zip writer: local headers, data, descriptors, and a central
/// directory signature (the reader stops there).
struct ZipW(Vec<u8>);

impl ZipW {
    fn new() -> ZipW {
        ZipW(Vec::new())
    }
    /// `deflate`: compress; `bit3`: sizes in a descriptor after the data.
    fn entry(&mut self, name: &str, data: &[u8], deflate: bool, bit3: bool) -> &mut ZipW {
        let body = if deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.to_vec()
        };
        let (c, u) = if bit3 {
            (0, 0)
        } else {
            (body.len() as u32, data.len() as u32)
        };
        let w = &mut self.0;
        w.extend_from_slice(b"PK\x03\x04\x14\x00");
        w.extend_from_slice(&(if bit3 { 8u16 } else { 0 }).to_le_bytes());
        w.extend_from_slice(&(if deflate { 8u16 } else { 0 }).to_le_bytes());
        w.extend_from_slice(&[0; 8]); // time, date, crc (unchecked)
        w.extend_from_slice(&c.to_le_bytes());
        w.extend_from_slice(&u.to_le_bytes());
        w.extend_from_slice(&(name.len() as u16).to_le_bytes());
        w.extend_from_slice(&0u16.to_le_bytes());
        w.extend_from_slice(name.as_bytes());
        w.extend_from_slice(&body);
        if bit3 {
            w.extend_from_slice(b"PK\x07\x08\0\0\0\0");
            w.extend_from_slice(&(body.len() as u32).to_le_bytes());
            w.extend_from_slice(&(data.len() as u32).to_le_bytes());
        }
        self
    }
    fn pom(&mut self, g: &str, a: &str, v: &str) -> &mut ZipW {
        let text = format!("groupId={g}\nartifactId={a}\nversion={v}\n");
        self.entry(
            &format!("META-INF/maven/{g}/{a}/pom.properties"),
            text.as_bytes(),
            true,
            false,
        )
    }
    fn done(&mut self) -> Vec<u8> {
        let mut v = std::mem::take(&mut self.0);
        v.extend_from_slice(b"PK\x01\x02");
        v.extend_from_slice(&[0; 42]);
        v.extend_from_slice(b"PK\x05\x06");
        v.extend_from_slice(&[0; 18]);
        v
    }
}

#[test]
fn a_jar_nested_100_deep() {
    let mut jar = ZipW::new().pom("level", "l100", "1").done();
    for level in (0..100).rev() {
        jar = ZipW::new()
            .pom("level", &format!("l{level}"), "1")
            .entry("lib/n.jar", &jar, level % 2 == 0, level % 3 == 0)
            .done();
    }
    for size in [1, 64 << 10] {
        let f = feed("deep.jar", &jar, size);
        let names: Vec<_> = f.packages.iter().map(|p| p.name.as_str()).collect();
        // The file and 8 levels below it; the 9th is not read.
        assert_eq!(
            names,
            ["l0", "l8", "l7", "l6", "l5", "l4", "l3", "l2", "l1"],
            "chunks of {size}"
        );
        assert_eq!(f.packages[1].inner.as_deref(), Some("lib/n.jar!/lib/n.jar!/lib/n.jar!/lib/n.jar!/lib/n.jar!/lib/n.jar!/lib/n.jar!/lib/n.jar"));
        assert_eq!(f.notes, ["archives nested more than 8 deep: not read"]);
    }
}

/// A raw deflate stream of `n` × 258 + 1 zeros, written by hand (RFC 1951,
/// 3.2.6, fixed Huffman codes): a literal 0, then `n` copies of length 258
/// (code 285, 8 bits `11000101`) at distance 1 (5 bits `00000`), then the
/// end of the block (7 bits `0000000`): 13 bits per 258 bytes.
fn deflated_zeros(n: usize) -> Vec<u8> {
    deflated_prefix_zeros(&[], n)
}

/// The same after `prefix` as literals (8-bit codes `0x30 + v` for 0–143,
/// 9-bit `0x190 + v - 144` for 144–255).
fn deflated_prefix_zeros(prefix: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 13 / 8 + 8);
    let (mut acc, mut bits) = (0u64, 0u32);
    let mut put = |v: u64, len: u32, msb_first: bool, out: &mut Vec<u8>| {
        for i in 0..len {
            let bit = if msb_first {
                v >> (len - 1 - i) & 1
            } else {
                v >> i & 1
            };
            acc |= bit << bits;
            bits += 1;
            if bits == 8 {
                out.push(acc as u8);
                acc = 0;
                bits = 0;
            }
        }
    };
    put(1, 1, false, &mut out); // BFINAL
    put(1, 2, false, &mut out); // BTYPE 01: fixed codes
    for &v in prefix {
        if v < 144 {
            put(0x30 + u64::from(v), 8, true, &mut out);
        } else {
            put(0x190 + u64::from(v) - 144, 9, true, &mut out);
        }
    }
    put(0x30, 8, true, &mut out); // literal 0
    for _ in 0..n {
        put(0xc5, 8, true, &mut out);
        put(0, 5, true, &mut out);
    }
    put(0, 7, true, &mut out); // end of block
    put(0, 7, false, &mut out); // flush
    out
}

/// A local header with bit 3 and deflate, then `body` as the data.
fn raw_entry(w: &mut Vec<u8>, name: &str, body: &[u8]) {
    w.extend_from_slice(b"PK\x03\x04\x14\x00\x08\x00\x08\x00");
    w.extend_from_slice(&[0; 16]);
    w.extend_from_slice(&(name.len() as u16).to_le_bytes());
    w.extend_from_slice(&0u16.to_le_bytes());
    w.extend_from_slice(name.as_bytes());
    w.extend_from_slice(body);
    w.extend_from_slice(b"PK\x07\x08");
    w.extend_from_slice(&[0; 12]);
}

#[test]
fn deflated_zeros_are_zeros() {
    let d = deflated_prefix_zeros(b"PK\x03\x04\xff\x90", 1000);
    let mut z = flate2::read::DeflateDecoder::new(&d[..]);
    let mut v = Vec::new();
    std::io::Read::read_to_end(&mut z, &mut v).unwrap();
    let mut want = b"PK\x03\x04\xff\x90".to_vec();
    want.resize(6 + 258_001, 0);
    assert_eq!(v, want);
}

#[test]
fn a_zip_bomb_ends_with_a_note() {
    // A nested jar (deflated, its end only found by inflating it, bit 3)
    // whose one entry is 600 MiB of zeros: 4 MB in all, after a real
    // pom.properties. The default budget of 512 MiB ends it.
    let size = 258 * ((600 << 20) / 258) + 1;
    let mut loc = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
    loc.extend_from_slice(&[0; 8]);
    loc.extend_from_slice(&(size as u32).to_le_bytes());
    loc.extend_from_slice(&(size as u32).to_le_bytes());
    loc.extend_from_slice(&[8, 0, 0, 0]);
    loc.extend_from_slice(b"zero.bin");
    let mut bomb = ZipW::new().pom("com.example", "bomb", "1").0.clone();
    raw_entry(
        &mut bomb,
        "lib/inner.jar",
        &deflated_prefix_zeros(&loc, (600 << 20) / 258),
    );
    let bomb = ZipW(bomb).done();
    assert!(bomb.len() < 5 << 20);
    let t = std::time::Instant::now();
    let f = feed("bomb.jar", &bomb, 64 << 10);
    eprintln!("bomb read in {:?}", t.elapsed());
    assert_eq!(f.packages, [mvn(Some("com.example"), "bomb", "1", "")]);
    assert_eq!(
        f.notes,
        ["inflating more than 512 MiB (a zip bomb?): the rest of the archive is not read"]
    );
    // Not wanted (not a nested archive): its descriptor is searched for,
    // not inflated; a descriptor that lies (sizes 0) is never found, the
    // entry runs to the end, and a note says so.
    let mut lying = ZipW::new().pom("com.example", "bomb", "1").0.clone();
    raw_entry(&mut lying, "zeros.bin", &deflated_zeros((600 << 20) / 258));
    let lying = ZipW(lying).done();
    let c = Box::new(Jar::with_budget("l.jar".to_owned(), 1 << 20));
    let (f, _) = feed_with(c, &lying, 64 << 10);
    assert_eq!(f.packages, [mvn(Some("com.example"), "bomb", "1", "")]);
    assert_eq!(f.notes, ["the archive ends before its central directory"]);
    // A smaller budget, a bomb nested twice and deflated at every level.
    let zeros = vec![0u8; 8 << 20];
    // (the zeros are a nested "jar": wanted, inflated to find its end)
    let l2 = ZipW::new().entry("l3.jar", &zeros, true, true).done();
    let l1 = ZipW::new().entry("l2.jar", &l2, true, true).done();
    let top = ZipW::new()
        .entry("l1.jar", &l1, true, true)
        .pom("g", "after", "1")
        .done();
    let c = Box::new(Jar::with_budget("top.jar".to_owned(), 4 << 20));
    let (f, _) = feed_with(c, &top, 64 << 10);
    assert!(f.packages.is_empty());
    assert_eq!(
        f.notes,
        [
            "l1.jar!/l2.jar!/l3.jar: not a zip archive",
            "inflating more than 4 MiB (a zip bomb?): the rest of the archive is not read"
        ]
    );
    // Sizes known and not nested: skipped without inflating.
    let skipped = ZipW::new()
        .pom("com.example", "bomb", "1")
        .entry("zeros.bin", &zeros, true, false)
        .done();
    let c = Box::new(Jar::with_budget("skip.jar".to_owned(), 1 << 20));
    let (f, _) = feed_with(c, &skipped, 64 << 10);
    assert_eq!(f.packages, [mvn(Some("com.example"), "bomb", "1", "")]);
    assert!(f.notes.is_empty());
}

#[test]
fn truncated_and_corrupt_archives() {
    for file in ["fat.jar", "web.war", "piped.jar", "manifest-only-3.1.4.jar"] {
        let bytes = data(file);
        let step = (bytes.len() / 300).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let c = java::cataloger("t.jar", 100).unwrap();
            let (f, _) = feed_with(c, &bytes[..cut], 4096);
            assert!(f.notes.len() <= 32);
        }
        // Bytes overwritten, a deterministic sample.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut b = bytes.clone();
            let at = (seed as usize) % b.len();
            b[at] ^= (seed >> 32) as u8 | 1;
            let _ = feed("c.jar", &b, 4096);
        }
    }
    // A truncated archive says so.
    let bytes = data("app-1.0.0.jar");
    let c = java::cataloger("t.jar", 100).unwrap();
    let (f, _) = feed_with(c, &bytes[..600], 4096);
    assert_eq!(f.notes, ["the archive ends before its central directory"]);
}

#[test]
fn zip64_data_descriptors() {
    // ZIP64 local headers (sizes 0xffffffff, the 0x0001 extra with 8-byte
    // sizes, 0 as bit 3 leaves them) and 24-byte descriptors, stored and
    // deflated, as APPNOTE 4.3.9.2 and 4.5.3 describe them.
    fn entry64(w: &mut Vec<u8>, name: &str, data: &[u8], deflate: bool) {
        let body = if deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.to_vec()
        };
        w.extend_from_slice(b"PK\x03\x04\x2d\x00\x08\x00");
        w.extend_from_slice(&(if deflate { 8u16 } else { 0 }).to_le_bytes());
        w.extend_from_slice(&[0; 8]);
        w.extend_from_slice(&[0xff; 8]);
        w.extend_from_slice(&(name.len() as u16).to_le_bytes());
        w.extend_from_slice(&20u16.to_le_bytes());
        w.extend_from_slice(name.as_bytes());
        w.extend_from_slice(&[1, 0, 16, 0]);
        w.extend_from_slice(&[0; 16]);
        w.extend_from_slice(&body);
        w.extend_from_slice(b"PK\x07\x08\0\0\0\0");
        w.extend_from_slice(&(body.len() as u64).to_le_bytes());
        w.extend_from_slice(&(data.len() as u64).to_le_bytes());
    }
    let inner = ZipW::new().pom("g.inner", "inner", "2").done();
    let mut w = Vec::new();
    entry64(&mut w, "lib/inner-2.jar", &inner, false);
    entry64(
        &mut w,
        "META-INF/maven/g/outer/pom.properties",
        b"groupId=g\nartifactId=outer\nversion=1\n",
        true,
    );
    entry64(&mut w, "lib/again-2.jar", &inner, true);
    let jar = ZipW(w).done();
    for size in [1, 5, 64 << 10] {
        let f = feed("z64.jar", &jar, size);
        assert_eq!(
            f.packages,
            [
                mvn(Some("g"), "outer", "1", ""),
                mvn(Some("g.inner"), "inner", "2", "lib/inner-2.jar"),
                mvn(Some("g.inner"), "inner", "2", "lib/again-2.jar"),
            ],
            "chunks of {size}"
        );
        assert!(f.notes.is_empty(), "{:?}", f.notes);
    }
}

#[test]
fn random_local_headers() {
    // Local headers with random fields (and random data after them), fed
    // in random chunk sizes: the reader ends, with or without notes.
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..3000 {
        let mut b = b"PK\x03\x04".to_vec();
        let n = (next() % 400) as usize;
        for _ in 0..n {
            // Biased to zip-looking bytes.
            let v = next();
            b.push(match v % 8 {
                0 => b'P',
                1 => b'K',
                2 => [3, 4, 7, 8, 1, 2][(v >> 8) as usize % 6],
                3 => 0xff,
                4 => 0,
                _ => (v >> 16) as u8,
            });
        }
        let size = 1 + (next() % 64) as usize;
        let name = ["a.jar", "b.ear", "x.war"][(next() % 3) as usize];
        let c = java::cataloger(name, b.len() as u64 + 100).unwrap();
        let (f, _) = feed_with(c, &b, size);
        assert!(f.notes.len() <= 32);
    }
}

#[test]
fn many_pom_properties_are_capped() {
    // 1100 distinct pom.properties in one jar: 1024 kept, a note; one with
    // a 300-byte version is no package.
    let mut z = ZipW::new();
    z.pom("g", "long", &"1".repeat(300));
    for i in 0..1100 {
        z.pom("g", &format!("a{i}"), "1");
    }
    let jar = z.done();
    let f = feed("many.jar", &jar, 64 << 10);
    assert_eq!(f.packages.len(), 1024);
    assert_eq!(f.packages[0].name, "a0");
    assert_eq!(
        f.notes,
        ["more than 1024 pom.properties in one archive: the rest not read"]
    );
}
