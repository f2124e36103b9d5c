//! The record text of the advisory database (format version 2): a zstd
//! frame per record, compressed with a dictionary trained when the file is
//! written. What reads back (with and without summary, details, references),
//! details shared between records, `advisory_core`, and what a damaged frame
//! or dictionary does: refused on open by the checksum; left out, never a
//! panic, when the checksum is made to match.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use portcullis_advisories::db::{Advisory, Database, Record, Severity, Store, Timestamp};

const TEXT_DICT: u32 = 13;
const TEXT_DATA: u32 = 14;

/// xorshift64: reproducible text without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// About `len` bytes of words from a small vocabulary (it compresses as
/// prose does, and a dictionary helps).
fn prose(seed: u64, len: usize) -> String {
    const WORDS: &[&str] = &[
        "a",
        "buffer",
        "overflow",
        "in",
        "the",
        "parser",
        "of",
        "allows",
        "remote",
        "attackers",
        "to",
        "cause",
        "denial",
        "service",
        "via",
        "crafted",
        "input",
        "before",
        "version",
        "memory",
        "corruption",
        "when",
        "handling",
        "certificate",
        "heap",
        "use-after-free",
        "NOTE:",
        "this",
        "issue",
        "exists",
        "because",
        "an",
        "incomplete",
        "fix",
        "for",
    ];
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = String::with_capacity(len + 20);
    while out.len() < len {
        out.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
        out.push(if rng.next().is_multiple_of(11) {
            '.'
        } else {
            ' '
        });
    }
    out.truncate(out.trim_end().len());
    out
}

fn record(id: &str) -> Record {
    Record {
        id: id.to_owned(),
        modified: Timestamp::parse("2024-05-01T10:00:00Z").unwrap(),
        published: Timestamp::parse("2023-01-02T03:04:05Z"),
        aliases: Vec::new(),
        upstream: Vec::new(),
        related: Vec::new(),
        summary: None,
        details: None,
        severity: Vec::new(),
        database_specific: None,
        references: Vec::new(),
        affected: Vec::new(),
    }
}

/// Record `i` of the fixture: which text it has turns on `i % 6`.
fn fixture_record(i: u64) -> Record {
    let mut r = record(&format!("TEST-{i:05}"));
    r.aliases = vec![format!("CVE-2024-{i}")];
    r.severity = vec![Severity {
        kind: "CVSS_V3".into(),
        score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
    }];
    let details = prose(i, 300 + (i as usize * 37) % 1500);
    let summary = format!("{} — « {} »", prose(i + 1_000_000, 40), i);
    let references = (0..1 + i % 4)
        .map(|k| {
            (
                ["ADVISORY", "WEB", "FIX", "REPORT"][k as usize].to_owned(),
                format!("https://example.org/{i}/{k}"),
            )
        })
        .collect();
    match i % 6 {
        0 => {
            r.summary = Some(summary);
            r.details = Some(details);
            r.database_specific = Some(format!(r#"{{"severity":"HIGH","n":{i}}}"#));
            r.references = references;
        }
        1 => {
            // No details.
            r.summary = Some(summary);
            r.references = references;
        }
        2 => {
            // No summary.
            r.details = Some(details);
            r.references = references;
        }
        3 => {
            // No references.
            r.summary = Some(summary);
            r.details = Some(details);
        }
        4 => {
            // No text at all.
        }
        _ => {
            // The details of record i - 5 (a distribution's copy of NVD's
            // description), and a short details several records share.
            r.details = Some(prose(i - 5, 300 + ((i - 5) as usize * 37) % 1500));
            r.summary = Some("Short.".into());
            r.upstream = vec![format!("CVE-2024-{}", i - 5)];
        }
    }
    r
}

const RECORDS: u64 = 7200;

/// The fixture database (written once for the tests of this file): enough
/// text for the writer to train a dictionary.
fn fixture() -> &'static (tempfile::TempDir, PathBuf, Store) {
    static FIXTURE: OnceLock<(tempfile::TempDir, PathBuf, Store)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut store = Store::new();
        for i in 0..RECORDS {
            store.merge(fixture_record(i));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("text.db");
        store.write(&path).unwrap();
        (dir, path, store)
    })
}

/// Where section `kind` is in a database file (absolute offsets).
fn section(bytes: &[u8], kind: u32) -> Range<usize> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let count = u32_at(12) as usize;
    let at = (0..count)
        .map(|i| 32 + i * 24)
        .find(|&at| u32_at(at) == kind)
        .unwrap();
    32 + u64_at(at + 8)..32 + u64_at(at + 8) + u64_at(at + 16)
}

/// Recomputes the body's and the header's checksums (a file made to pass
/// them).
fn fix_checksums(bytes: &mut [u8]) {
    let body = crc32fast::hash(&bytes[32..]);
    bytes[24..28].copy_from_slice(&body.to_le_bytes());
    let header = crc32fast::hash(&bytes[..28]);
    bytes[28..32].copy_from_slice(&header.to_le_bytes());
}

fn assert_text(a: &Advisory, r: &Record) {
    assert_eq!(a.summary, r.summary, "{}", r.id);
    assert_eq!(a.details, r.details, "{}", r.id);
    assert_eq!(a.database_specific, r.database_specific, "{}", r.id);
    assert_eq!(a.references, r.references, "{}", r.id);
}

fn assert_core(a: &Advisory, r: &Record) {
    assert_eq!(a.id, r.id);
    assert_eq!(a.aliases, r.aliases, "{}", r.id);
    assert_eq!(a.upstream, r.upstream, "{}", r.id);
    assert_eq!(a.related, r.related, "{}", r.id);
    assert_eq!(a.severity, r.severity, "{}", r.id);
    assert_eq!(a.modified, r.modified, "{}", r.id);
    assert_eq!(a.published, r.published, "{}", r.id);
}

#[test]
fn record_text_round_trips_with_a_trained_dictionary() {
    let (_, path, store) = fixture();
    let bytes = std::fs::read(path).unwrap();
    let dict = section(&bytes, TEXT_DICT);
    assert!(
        (16 << 10..=112 << 10).contains(&dict.len()),
        "a dictionary of {} bytes",
        dict.len()
    );
    let db = Database::open(path).unwrap();
    for r in store.records() {
        let a = db.advisory(&r.id).unwrap();
        assert_core(&a, r);
        assert_text(&a, r);
        // The same record with no text decoded.
        let core = db.advisory_core(&r.id).unwrap();
        assert_core(&core, r);
        assert_eq!(
            core,
            Advisory {
                summary: None,
                details: None,
                database_specific: None,
                references: Vec::new(),
                ..a
            }
        );
    }
    assert!(db.advisory("TEST-99999").is_none());
    assert!(db.advisory_core("TEST-99999").is_none());
    // Loaded for a merge: every record's text read back.
    let loaded = Store::load(path).unwrap();
    assert_eq!(loaded.record_count(), RECORDS as usize);
    for r in store.records() {
        assert_eq!(loaded.get(&r.id), Some(r));
    }
    // The frames are much smaller than the text they hold.
    let raw: usize = store
        .records()
        .map(|r| {
            r.summary.as_ref().map_or(0, String::len) + r.details.as_ref().map_or(0, String::len)
        })
        .sum();
    let text = section(&bytes, TEXT_DATA).len();
    assert!(
        text < raw / 2,
        "{text} bytes of frames for {raw} bytes of text"
    );
}

#[test]
fn database_is_send_and_sync_and_reads_text_from_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Database>();
    let (_, path, store) = fixture();
    let db = Database::open(path).unwrap();
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let db = &db;
            s.spawn(move || {
                for i in (t..RECORDS).step_by(4) {
                    let id = format!("TEST-{i:05}");
                    assert_text(&db.advisory(&id).unwrap(), store.get(&id).unwrap());
                }
            });
        }
    });
}

#[test]
fn identical_details_are_stored_once() {
    // Its first sentence, which each record shows, is its own small frame.
    let details = format!("A shared description. {}", prose(7, 2000));
    // `copies` records, the first `shared` of them with the same details
    // (each record also has its display frame: compared with as many
    // records, not fewer).
    let write = |copies: usize, shared: usize| -> (Vec<u8>, Database) {
        let mut store = Store::new();
        for i in 0..copies {
            let mut r = record(&format!("DEBIAN-CVE-2024-{i:04}"));
            r.details = (i < shared).then(|| details.clone());
            store.merge(r);
        }
        // A short details is not worth sharing; two records have it.
        for id in ["X-1", "X-2"] {
            let mut r = record(id);
            r.details = Some("Short details.".into());
            store.merge(r);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        store.write(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let db = Database::from_vec(bytes.clone(), &path).unwrap();
        (bytes, db)
    };
    let (one, _) = write(3, 1);
    let (three, db) = write(3, 3);
    let grown = section(&three, TEXT_DATA).len() - section(&one, TEXT_DATA).len();
    // Two more display frames (the sentence, frame overhead), no details.
    assert!(grown < 160, "two more copies took {grown} bytes");
    assert!(
        section(&three, TEXT_DICT).is_empty(),
        "too little text for a dictionary"
    );
    for i in 0..3 {
        let a = db.advisory(&format!("DEBIAN-CVE-2024-{i:04}")).unwrap();
        assert_eq!(a.details.as_deref(), Some(details.as_str()));
    }
    for id in ["X-1", "X-2"] {
        assert_eq!(
            db.advisory(id).unwrap().details.as_deref(),
            Some("Short details.")
        );
    }
}

#[test]
fn a_changed_text_frame_is_refused_on_open() {
    let (_, path, _) = fixture();
    let bytes = std::fs::read(path).unwrap();
    let text = section(&bytes, TEXT_DATA);
    let dict = section(&bytes, TEXT_DICT);
    for at in [
        text.start,
        text.start + text.len() / 3,
        text.end - 1,
        dict.start,
        dict.start + dict.len() / 2,
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x10;
        let e = Database::from_vec(b, path)
            .expect_err(&format!("byte {at}"))
            .to_string();
        assert!(e.contains("damaged") && !e.contains('\n'), "byte {at}: {e}");
    }
}

/// A frame changed, the checksums made to match: that record (and those
/// whose details are in it) comes back without text; no other record
/// changes; nothing panics.
#[test]
fn a_broken_frame_that_passes_the_checksum_reads_as_no_text() {
    let (_, path, store) = fixture();
    let bytes = std::fs::read(path).unwrap();
    let text = section(&bytes, TEXT_DATA);
    let before = Database::open(path).unwrap();
    for (n, at) in [text.start + 3, text.start + text.len() / 2, text.end - 2]
        .into_iter()
        .enumerate()
    {
        let mut b = bytes.clone();
        b[at] ^= 0x5a;
        fix_checksums(&mut b);
        let db = Database::from_vec(b, path).expect("the checksums match");
        let mut without = 0;
        for r in store.records() {
            let a = db.advisory(&r.id).unwrap();
            assert_core(&a, r);
            assert_eq!(db.advisory_core(&r.id), before.advisory_core(&r.id));
            if a != before.advisory(&r.id).unwrap() {
                assert_eq!(
                    (
                        a.summary,
                        a.details,
                        a.database_specific,
                        a.references.len()
                    ),
                    (None, None, None, 0),
                    "{}: changed, but not left out",
                    r.id
                );
                without += 1;
            }
        }
        assert!((1..=3).contains(&without), "case {n}: {without} records");
    }
    // A broken dictionary: no text decodes, the rest answers.
    let dict = section(&bytes, TEXT_DICT);
    for at in [
        dict.start,
        dict.start + 9,
        dict.start + dict.len() / 2,
        dict.end - 1,
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x5a;
        fix_checksums(&mut b);
        let db = Database::from_vec(b, path).unwrap();
        for r in store.records().step_by(17) {
            let a = db.advisory(&r.id).unwrap();
            assert_core(&a, r);
            if a.summary.is_some() || a.details.is_some() {
                // Only possible if the byte changed no content it reads.
                assert_text(&a, r);
            }
        }
    }
}

/// Any byte of a small database changed and the checksums made to match:
/// opening may fail; if it does not, every lookup answers without a panic.
#[test]
fn any_byte_changed_behind_the_checksum_is_no_panic() {
    let mut store = Store::new();
    for i in 0..40 {
        store.merge(fixture_record(i));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.db");
    store.write(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let ids: Vec<String> = store.records().map(|r| r.id.clone()).collect();
    let step = (bytes.len() / 1500).max(1);
    for at in (32..bytes.len()).step_by(step) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] ^= flip;
            fix_checksums(&mut b);
            let Ok(db) = Database::from_vec(b, Path::new("small.db")) else {
                continue;
            };
            for id in &ids {
                let _ = db.advisory(id);
                let _ = db.advisory_core(id);
                let _ = db.related(id).count();
            }
            let _ = db.ids().count();
            let _ = db.to_store();
        }
    }
}
