//! The dpkg catalogers on fixtures made by the real tools (tests/data/deb/
//! make.sh: mmdebstrap, dpkg, apt-get download, dpkg-deb), against what
//! dpkg-query (and python3-debian, for copyright files) listed; and on
//! hostile input.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use portcullis_packages::{deb, AttachmentKind, Ecosystem, Found};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/deb");

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(DATA).join(rel)).unwrap()
}

fn status() -> Vec<u8> {
    let mut out = Vec::new();
    liblzma::read::XzDecoder::new(&read("root/var/lib/dpkg/status.xz")[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Feeds `bytes` to the cataloger for `path` in chunks of `chunk` bytes.
fn feed(path: &str, bytes: &[u8], chunk: usize) -> Found {
    let mut c = deb::cataloger(path, bytes.len() as u64).expect(path);
    for part in bytes.chunks(chunk) {
        if !c.chunk(part) {
            break;
        }
    }
    c.finish(true)
}

type Row = (String, String, String, String, String);

/// (name, version, arch, source name, source version) as dpkg-query's
/// `${source:Package}` and `${source:Version}` give them.
fn rows(f: &Found) -> BTreeSet<Row> {
    f.packages
        .iter()
        .map(|p| {
            assert_eq!(p.ecosystem, Some(Ecosystem::Deb));
            let s = p.source.as_ref().expect("deb source is always filled");
            (
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap_or_default(),
                s.name.clone(),
                s.version.clone().unwrap_or_else(|| p.version.clone()),
            )
        })
        .collect()
}

/// truth.tsv: Package, Version, Architecture, source:Package,
/// source:Version, db:Status-Abbrev; installed is a status letter `i`.
fn truth() -> (BTreeSet<Row>, BTreeSet<String>) {
    let text = String::from_utf8(read("truth.tsv")).unwrap();
    let mut installed = BTreeSet::new();
    let mut other = BTreeSet::new();
    for line in text.lines() {
        let c: Vec<&str> = line.split('\t').collect();
        assert_eq!(c.len(), 6, "{line}");
        if c[5].as_bytes()[1] == b'i' {
            installed.insert((
                c[0].into(),
                c[1].into(),
                c[2].into(),
                c[3].into(),
                c[4].into(),
            ));
        } else {
            other.insert(c[0].to_owned());
        }
    }
    (installed, other)
}

#[test]
fn status_equals_dpkg_query() {
    let (installed, other) = truth();
    // The fixture holds what make.sh says it does.
    assert_eq!(installed.len(), 102);
    assert_eq!(other, BTreeSet::from(["netbase".to_owned()]));
    assert!(installed.iter().any(|r| r.0 == "zlib1g" && r.2 == "i386"));
    assert!(installed
        .iter()
        .any(|r| r.0 == "libssl3" && r.3 == "openssl"));
    let bytes = status();
    assert!(String::from_utf8_lossy(&bytes).contains("Status: hold ok installed"));
    assert!(String::from_utf8_lossy(&bytes).contains("Status: deinstall ok config-files"));

    let f = feed("var/lib/dpkg/status", &bytes, 4096);
    assert_eq!(f.notes, Vec::<String>::new());
    assert_eq!(rows(&f), installed);
    // Once each: Multi-Arch: same packages once per arch.
    assert_eq!(f.packages.len(), installed.len());
    // Chunking does not matter.
    assert_eq!(feed("var/lib/dpkg/status", &bytes, 1), f);
    // Same through the crate's dispatcher.
    let mut c =
        portcullis_packages::cataloger_for("var/lib/dpkg/status", bytes.len() as u64).unwrap();
    assert!(c.chunk(&bytes));
    assert_eq!(c.finish(true), f);
}

#[test]
fn status_crlf_is_the_same() {
    let bytes = status();
    let crlf = String::from_utf8(bytes.clone())
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(
        deb::parse_status(crlf.as_bytes()),
        deb::parse_status(&bytes)
    );
}

#[test]
fn list_files_equal_the_lists() {
    for (file, name, arch) in [
        ("zlib1g:i386.list", "zlib1g", Some("i386")),
        ("zlib1g:amd64.list", "zlib1g", Some("amd64")),
        ("libssl3:amd64.list", "libssl3", Some("amd64")),
        ("base-files.list", "base-files", None),
    ] {
        let bytes = read(&format!("root/var/lib/dpkg/info/{file}"));
        let f = feed(&format!("var/lib/dpkg/info/{file}"), &bytes, 100);
        assert_eq!(f.attachments.len(), 1, "{file}");
        let a = &f.attachments[0];
        assert_eq!(
            (a.ecosystem, a.name.as_str(), a.arch.as_deref()),
            (Ecosystem::Deb, name, arch)
        );
        let want: Vec<String> = String::from_utf8(bytes)
            .unwrap()
            .lines()
            .filter(|l| *l != "/.")
            .map(|l| l.strip_prefix('/').unwrap().to_owned())
            .collect();
        assert!(want.len() > 5, "{file}");
        assert_eq!(a.kind, AttachmentKind::Files(want), "{file}");
    }
    // One real path, spelled out.
    let f = feed(
        "var/lib/dpkg/info/zlib1g:i386.list",
        &read("root/var/lib/dpkg/info/zlib1g:i386.list"),
        4096,
    );
    let AttachmentKind::Files(files) = &f.attachments[0].kind else {
        panic!()
    };
    assert_eq!(files[0], "lib");
    assert!(files.contains(&"lib/i386-linux-gnu/libz.so.1.2.13".to_owned()));
}

#[test]
fn copyright_licenses_equal_python_debian() {
    let text = String::from_utf8(read("copyright-truth.tsv")).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let mut c = line.split('\t');
        let pkg = c.next().unwrap();
        let want: Vec<String> = c.map(str::to_owned).collect();
        let bytes = read(&format!("root/usr/share/doc/{pkg}/copyright"));
        let f = feed(&format!("usr/share/doc/{pkg}/copyright"), &bytes, 512);
        assert_eq!(f.notes, Vec::<String>::new());
        assert_eq!(f.attachments.len(), 1, "{pkg}");
        let a = &f.attachments[0];
        assert_eq!((a.name.as_str(), a.arch.as_deref()), (pkg, None));
        assert_eq!(a.kind, AttachmentKind::Licenses(want), "{pkg}");
        n += 1;
    }
    assert_eq!(n, 6);
    // base-files is not machine-readable; zlib1g uses the http:// URL.
    assert!(!deb::copyright::is_machine_readable(
        &String::from_utf8(read("root/usr/share/doc/base-files/copyright")).unwrap()
    ));
    assert!(deb::copyright::is_machine_readable(
        &String::from_utf8(read("root/usr/share/doc/zlib1g/copyright")).unwrap()
    ));
}

#[test]
fn distroless_status_d_equals_the_debs() {
    let dir = Path::new(DATA).join("distroless/var/lib/dpkg/status.d");
    let mut got = BTreeSet::new();
    let mut lists = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name().into_string().unwrap();
        let bytes = std::fs::read(entry.path()).unwrap();
        let f = feed(&format!("var/lib/dpkg/status.d/{file}"), &bytes, 333);
        assert_eq!(f.notes, Vec::<String>::new(), "{file}");
        if let Some(name) = file.strip_suffix(".md5sums") {
            assert_eq!(f.attachments.len(), 1);
            let a = &f.attachments[0];
            assert_eq!((a.name.as_str(), a.arch.as_deref()), (name, None));
            let want: Vec<String> = String::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(|l| l.split_once("  ").unwrap().1.to_owned())
                .collect();
            assert!(!want.is_empty());
            assert_eq!(a.kind, AttachmentKind::Files(want));
            lists += 1;
        } else {
            assert_eq!(f.packages.len(), 1, "{file}");
            let p = &f.packages[0];
            got.insert((
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap(),
                p.source.as_ref().unwrap().name.clone(),
            ));
        }
    }
    let want: BTreeSet<_> = String::from_utf8(read("distroless-truth.tsv"))
        .unwrap()
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            // dpkg-deb -f prints no Source when it is the package itself.
            let source = if c[3].is_empty() { c[0] } else { c[3] };
            (
                c[0].to_owned(),
                c[1].to_owned(),
                c[2].to_owned(),
                source.to_owned(),
            )
        })
        .collect();
    assert_eq!(want.len(), 5);
    assert_eq!(got, want);
    assert_eq!(lists, 5);
}

// Hostile and broken input.

#[test]
fn truncated_status_is_a_prefix() {
    let bytes = status();
    let full = deb::parse_status(&bytes);
    for cut in [
        0,
        1,
        100,
        4097,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let part = deb::parse_status(&bytes[..cut]);
        // Every package read from a prefix is one of the full file's, at
        // most the last one cut short (its Status or Version lost: a note).
        let n = part.packages.len();
        assert!(n <= full.packages.len());
        assert_eq!(
            part.packages[..n.saturating_sub(1)],
            full.packages[..n.saturating_sub(1)],
            "cut {cut}"
        );
        assert!(part.notes.len() <= 1, "cut {cut}: {:?}", part.notes);
    }
    // A feed that stopped early (a truncated layer) is a note, not a parse.
    let mut c = deb::cataloger("var/lib/dpkg/status", bytes.len() as u64).unwrap();
    c.chunk(&bytes[..1000]);
    let f = c.finish(false);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes, ["the file is truncated: not read"]);
}

#[test]
fn nul_bytes_and_invalid_utf8() {
    let mut bytes = status();
    let full = deb::parse_status(&bytes);
    // Invalid UTF-8 and NULs inside descriptions: every package still read.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let at = text.find("Description:").unwrap() + 13;
    bytes.splice(at..at, [0xff, 0xfe, 0x00, 0x00, 0xc3]);
    let f = deb::parse_status(&bytes);
    assert_eq!(f.packages, full.packages);
    assert_eq!(
        f.notes,
        [
            "2 NUL bytes in the text",
            "not valid UTF-8: read with replacement characters"
        ]
    );
    // A NUL in a name: that paragraph is skipped with a note.
    let f = deb::parse_status(b"Package: a\0b\nStatus: install ok installed\nVersion: 1\n\nPackage: c\nStatus: install ok installed\nVersion: 1\n");
    assert_eq!(f.packages.len(), 1);
    assert_eq!(f.packages[0].name, "c");
    assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
    // All zeroes (a sparse or zero-filled file).
    let f = deb::parse_status(&[0u8; 10000]);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes, ["10000 NUL bytes in the text"]);
}

#[test]
fn huge_fields() {
    let big = "x".repeat(10 << 20);
    // A 10 MB one-line Description: read, ignored.
    let text = format!("Package: a\nStatus: install ok installed\nVersion: 1\nDescription: {big}\n\nPackage: b\nStatus: install ok installed\nVersion: 2\n");
    let f = deb::parse_status(text.as_bytes());
    assert_eq!(
        f.packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(f.notes.is_empty());
    // A 10 MB name or version: skipped with a note, the rest read.
    let text = format!("Package: {big}\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: install ok installed\nVersion: {big}\n\nPackage: c\nStatus: install ok installed\nVersion: 3\n");
    let f = deb::parse_status(text.as_bytes());
    assert_eq!(
        f.packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["c"]
    );
    assert_eq!(
        f.notes,
        [
            "line 1: a Package of 10485760 bytes: the paragraph is skipped",
            "line 5: a Version of 10485760 bytes: the paragraph is skipped"
        ]
    );
    // A file larger than the cap is not read at all.
    let mut c = deb::cataloger("var/lib/dpkg/status", 1 << 40).unwrap();
    assert!(!c.chunk(b"Package: a\n"));
    assert_eq!(
        c.finish(true).notes,
        ["larger than the 64 MiB this cataloger reads: not read"]
    );
    // Lying size: says small, streams more than the cap.
    let mut c = deb::cataloger("usr/share/doc/x/copyright", 10).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut fed = 0;
    while c.chunk(&chunk) {
        fed += 1;
        assert!(fed < 10);
    }
    assert_eq!(
        c.finish(true).notes,
        ["larger than the 4 MiB this cataloger reads: not read"]
    );
}

#[test]
fn paragraph_without_package_and_duplicates() {
    let f = deb::parse_status(
        b"Status: install ok installed\nVersion: 1\n\n\
          Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n\
          Package: a\nStatus: install ok installed\nVersion: 2\nArchitecture: amd64\n\n\
          Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: i386\n\n\
           continuation without a field\n\n\
          Package: d\nStatus: bogus\nVersion: 1\n",
    );
    let got: Vec<_> = f
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.arch.as_deref()))
        .collect();
    assert_eq!(got, [("a", "1", Some("amd64")), ("a", "1", Some("i386"))]);
    assert_eq!(
        f.notes,
        [
            "line 1: a paragraph without Package: skipped",
            "line 9: a amd64 listed twice: the first is kept",
            "line 21: d: unknown Status \"bogus\": not reported"
        ]
    );
}

#[test]
fn many_bad_paragraphs_bound_the_notes() {
    let text = "Version: 1\n\n".repeat(100_000);
    let f = deb::parse_status(text.as_bytes());
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 21);
    assert_eq!(f.notes[20], "99980 more such notes");
}

#[test]
fn many_paragraphs_stay_linear() {
    // Every paragraph distinct, then every one repeated: quadratic work
    // (4e10 comparisons) would not finish.
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!(
            "Package: p{i}\nStatus: install ok installed\nVersion: 1\n\n"
        ));
    }
    let twice = text.repeat(2);
    let f = deb::parse_status(twice.as_bytes());
    assert_eq!(f.packages.len(), 100_000);
    assert_eq!(f.notes.len(), 21);
    assert_eq!(f.notes[20], "99980 more such notes");
    // A copyright file of many distinct licenses.
    let mut c = String::from(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n",
    );
    for i in 0..50_000 {
        c.push_str(&format!("Files: f{i}\nLicense: L-{i}\n\n"));
    }
    assert_eq!(deb::copyright::licenses(c.as_bytes()).len(), 50_000);
}
