//! The apk cataloger on a hand-written installed database in the
//! documented format (tests/data/apk/make.sh says why), against the
//! hand-written truth beside it; and on hostile input.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::path::Path;

use portcullis_packages::{apk, Ecosystem, Found};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apk");

fn db() -> Vec<u8> {
    std::fs::read(Path::new(DATA).join("lib/apk/db/installed")).unwrap()
}

fn feed(bytes: &[u8], chunk: usize) -> Found {
    let mut c = apk::cataloger("lib/apk/db/installed", bytes.len() as u64).unwrap();
    for part in bytes.chunks(chunk) {
        assert!(c.chunk(part));
    }
    c.finish(true)
}

/// The 1-based line of the record whose C: line starts with `c`.
fn line_of(text: &str, c: &str) -> usize {
    text.lines().position(|l| l.starts_with(c)).unwrap() + 1
}

#[test]
fn installed_equals_the_truth() {
    let bytes = db();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("P:libcrypto3\r\n"),
        "the fixture has its CRLF record"
    );
    let f = feed(&bytes, 512);
    let got: Vec<String> = f
        .packages
        .iter()
        .map(|p| {
            assert_eq!(p.ecosystem, Some(Ecosystem::Apk));
            let s = p.source.as_ref().unwrap();
            assert_eq!(s.version, None);
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or(""),
                s.name,
                p.licenses.join(" "),
                p.files.len()
            )
        })
        .collect();
    let truth = std::fs::read_to_string(Path::new(DATA).join("truth.tsv")).unwrap();
    let want: Vec<&str> = truth.lines().collect();
    assert_eq!(want.len(), 7);
    assert_eq!(got, want);
    assert_eq!(
        f.notes,
        [
            format!(
                "line {}: broken-nover has no V: its version is unknown",
                line_of(&text, "C:Q1nOVERSION")
            ),
            format!(
                "line {}: a record without P: skipped",
                line_of(&text, "C:Q1nONAME")
            ),
        ]
    );
    let crypto = f.packages.iter().find(|p| p.name == "libcrypto3").unwrap();
    assert_eq!(
        crypto.files,
        [
            "etc",
            "etc/ssl",
            "etc/ssl/ct_log_list.cnf",
            "usr/lib",
            "usr/lib/libcrypto.so.3",
            "usr/lib/engines-3",
            "usr/lib/engines-3/afalg.so"
        ]
    );
    // Chunking does not matter; CRLF everywhere reads the same.
    assert_eq!(feed(&bytes, 1), f);
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    assert_eq!(apk::parse_installed(crlf.as_bytes()).packages, f.packages);
    // Through the crate's dispatcher.
    let mut c =
        portcullis_packages::cataloger_for("lib/apk/db/installed", bytes.len() as u64).unwrap();
    assert!(c.chunk(&bytes));
    assert_eq!(c.finish(true), f);
    assert!(apk::cataloger("lib/apk/db/installed.old", 1).is_none());
    assert!(apk::cataloger("/lib/apk/db/installed", 1).is_none());
}

#[test]
fn truncated_database() {
    let bytes = db();
    let full = apk::parse_installed(&bytes);
    for cut in [0, 1, 50, bytes.len() / 2, bytes.len() - 3] {
        let part = apk::parse_installed(&bytes[..cut]);
        let n = part.packages.len();
        assert!(n <= full.packages.len());
        // All but the last are the full file's; the last may have lost files.
        assert_eq!(
            part.packages[..n.saturating_sub(1)],
            full.packages[..n.saturating_sub(1)],
            "cut {cut}"
        );
        if let (Some(p), Some(q)) = (part.packages.last(), full.packages.get(n.wrapping_sub(1))) {
            assert_eq!(p.name, q.name);
            assert!(q.files.starts_with(&p.files));
        }
    }
    let mut c = apk::cataloger("lib/apk/db/installed", bytes.len() as u64).unwrap();
    c.chunk(&bytes[..100]);
    assert_eq!(c.finish(false).notes, ["the file is truncated: not read"]);
}

#[test]
fn hostile_input() {
    // NULs and invalid UTF-8.
    let f = apk::parse_installed(b"P:a\xff\nV:1\0\nA:x\n\nP:b\nV:2\n");
    assert_eq!(f.packages.len(), 2);
    assert_eq!(f.packages[0].name, "a\u{fffd}");
    assert_eq!(f.notes, ["NUL bytes in the text"]);
    // A 10 MB one-line field: a description is ignored, a version dropped.
    let big = "x".repeat(10 << 20);
    let f =
        apk::parse_installed(format!("P:a\nT:{big}\nV:{big}\nR:{big}\n\nP:b\nV:1\n").as_bytes());
    assert_eq!(
        f.packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        f.notes,
        [
            "line 3: V: of 10485760 bytes: ignored",
            "line 4: R: of 10485760 bytes: ignored",
            "line 1: a has no V: its version is unknown"
        ]
    );
    // Many broken records: the notes are bounded.
    let f = apk::parse_installed("V:1\n\n".repeat(50_000).as_bytes());
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 21);
    assert_eq!(f.notes[20], "49980 more such notes");
    // Junk lines, a lone letter, empty values.
    let f = apk::parse_installed(b"junk\nP\nP:\n:x\nX\n\n\n\nP:ok\nV:1\nF:\nR:\n");
    assert_eq!(f.packages.len(), 1);
    assert!(f.packages[0].files.is_empty());
    // Too big, or lying about its size.
    let mut c = apk::cataloger("lib/apk/db/installed", 100 << 20).unwrap();
    assert!(!c.chunk(b"P:a\n"));
    assert_eq!(
        c.finish(true).notes,
        ["larger than the 64 MiB this cataloger reads: not read"]
    );
}
