//! The OS files: os-release files against what the shell itself reads
//! from them (tests/data/os/make.sh), Debian's own from base-files, and
//! the release-file fallbacks.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::path::Path;

use portcullis_packages::{os, Found, Os};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/os");

fn feed(path: &str, bytes: &[u8]) -> Found {
    let mut c = os::cataloger(path, bytes.len() as u64).expect(path);
    for part in bytes.chunks(13) {
        assert!(c.chunk(part));
    }
    c.finish(true)
}

/// `dir/etc/os-release` → `etc/os-release`.
fn image_path(rel: &str) -> &str {
    let at = rel.find("/etc/").or_else(|| rel.find("/usr/")).unwrap();
    &rel[at + 1..]
}

#[test]
fn os_release_equals_the_shell() {
    let truth = std::fs::read_to_string(Path::new(DATA).join("os-truth.tsv")).unwrap();
    let mut n = 0;
    for line in truth.lines() {
        let c: Vec<&str> = line.split('\t').collect();
        assert_eq!(c.len(), 6, "{line}");
        let bytes = std::fs::read(Path::new(DATA).join(c[0])).unwrap();
        let f = feed(image_path(c[0]), &bytes);
        assert_eq!(f.notes, Vec::<String>::new(), "{}", c[0]);
        let os = f.os.unwrap();
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        assert_eq!(
            os,
            Os {
                id: c[1].to_owned(),
                version_id: opt(c[2]),
                version_codename: opt(c[3]),
                id_like: c[4].split_whitespace().map(str::to_owned).collect(),
                pretty_name: opt(c[5]),
            },
            "{}",
            c[0]
        );
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn the_os_release_files_as_shipped() {
    let debian = std::fs::read(Path::new(DATA).join("debian-12/usr/lib/os-release")).unwrap();
    let os = feed("usr/lib/os-release", &debian).os.unwrap();
    assert_eq!(
        (
            os.id.as_str(),
            os.version_id.as_deref(),
            os.version_codename.as_deref()
        ),
        ("debian", Some("12"), Some("bookworm"))
    );
    // CRLF line ends read the same.
    let crlf = String::from_utf8(debian.clone())
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(os::parse_os_release(crlf.as_bytes()).os.unwrap(), os);
    let tricky = std::fs::read(Path::new(DATA).join("tricky/etc/os-release")).unwrap();
    let os = feed("etc/os-release", &tricky).os.unwrap();
    assert_eq!(
        os.pretty_name.as_deref(),
        Some(r#"Tricky "Linux" $HOME \ `x` \n 'single'"#)
    );
    assert_eq!(os.id_like, ["debian", "ubuntu"]);
}

#[test]
fn release_file_fallbacks() {
    let read = |p: &str| std::fs::read(Path::new(DATA).join(p)).unwrap();
    let cases: [(&str, &str, Os); 4] = [
        (
            "debian-12/etc/debian_version",
            "etc/debian_version",
            Os {
                id: "debian".into(),
                version_id: Some("12".into()),
                version_codename: Some("bookworm".into()),
                ..Os::default()
            },
        ),
        (
            "alpine-3.20/etc/alpine-release",
            "etc/alpine-release",
            Os {
                id: "alpine".into(),
                version_id: Some("3.20.3".into()),
                ..Os::default()
            },
        ),
        (
            "rocky-9/etc/rocky-release",
            "etc/rocky-release",
            Os {
                id: "rocky".into(),
                version_id: Some("9.3".into()),
                id_like: vec!["rhel".into(), "centos".into(), "fedora".into()],
                pretty_name: Some("Rocky Linux release 9.3 (Blue Onyx)".into()),
                ..Os::default()
            },
        ),
        (
            "centos-7/etc/centos-release",
            "etc/centos-release",
            Os {
                id: "centos".into(),
                version_id: Some("7".into()),
                id_like: vec!["rhel".into(), "fedora".into()],
                pretty_name: Some("CentOS Linux release 7.9.2009 (Core)".into()),
                ..Os::default()
            },
        ),
    ];
    for (file, path, want) in cases {
        let f = feed(path, &read(file));
        assert_eq!(f.notes, Vec::<String>::new(), "{file}");
        assert_eq!(f.os, Some(want), "{file}");
    }
    // A release file agrees with its os-release on what matters for matching.
    let rel = feed("usr/lib/os-release", &read("rocky-9/usr/lib/os-release"))
        .os
        .unwrap();
    let fallback = feed("etc/rocky-release", &read("rocky-9/etc/rocky-release"))
        .os
        .unwrap();
    assert_eq!(
        (&rel.id, &rel.version_id, &rel.id_like),
        (&fallback.id, &fallback.version_id, &fallback.id_like)
    );
    // The same through the crate's dispatcher, which asks os first.
    let bytes = read("alpine-3.20/etc/alpine-release");
    let mut c =
        portcullis_packages::cataloger_for("etc/alpine-release", bytes.len() as u64).unwrap();
    assert!(c.chunk(&bytes));
    assert_eq!(c.finish(true).os.unwrap().id, "alpine");
}

#[test]
fn hostile_os_files() {
    // Binary junk, NULs, invalid UTF-8: no OS, a note, no panic.
    let f = feed("etc/os-release", &[0, 0xff, 0xfe, b'\n', 0x80, b'=', 0]);
    assert_eq!(f.os, None);
    assert_eq!(f.notes.len(), 1);
    // Invalid UTF-8 in a value: read lossily.
    let f = os::parse_os_release(b"ID=debian\nPRETTY_NAME=\"De\xffbian\"\n");
    assert_eq!(f.os.unwrap().pretty_name.as_deref(), Some("De\u{fffd}bian"));
    // A file past the cap is not read; a lying size is stopped.
    let mut c = os::cataloger("etc/os-release", 2 << 20).unwrap();
    assert!(!c.chunk(b"ID=x\n"));
    assert_eq!(
        c.finish(true).notes,
        ["larger than the 1 MiB this cataloger reads: not read"]
    );
    let mut c = os::cataloger("usr/lib/os-release", 5).unwrap();
    let mut fed = 0;
    while c.chunk(&[b'#'; 65536]) {
        fed += 1;
        assert!(fed <= 16);
    }
    assert_eq!(
        c.finish(true).notes,
        ["larger than the 1 MiB this cataloger reads: not read"]
    );
    // One huge line with no newline.
    let big = format!("ID={}", "a".repeat(900_000));
    let f = os::parse_os_release(big.as_bytes());
    assert_eq!(f.os.unwrap().id, "linux");
    assert_eq!(f.notes, ["line 1: ID of 900000 bytes: ignored"]);
    assert!(os::parse_redhat_release(&[b'x'; 100_000]).os.is_none());
    assert!(os::parse_debian_version(b"\0\0\0").os.is_none());
}
