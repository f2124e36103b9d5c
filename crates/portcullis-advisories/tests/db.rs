//! The advisory database: import (zip, directory, file, KEV, EPSS, export
//! files), merge rules, lookups, and what a damaged or hostile input does.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

mod db_support;

use std::path::{Path, PathBuf};

use db_support::*;
use portcullis_advisories::db::{
    self, Database, Event, Merge, RangeKind, SourceKind, Store, Timestamp,
};
use portcullis_advisories::osv::{self, Parsed};
use portcullis_advisories::source::{self, Report};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn import(store: &mut Store, paths: &[PathBuf]) -> Report {
    let mut report = Report::default();
    source::import(store, paths, &mut report).expect("import");
    report
}

/// A database made from a zip of every real record, plus the KEV excerpt
/// and EPSS scores.
fn real_database(dir: &Path) -> (PathBuf, Report) {
    let zip = dir.join("all.zip");
    make_zip(&zip, &records());
    let epss = dir.join("epss.csv.gz");
    std::fs::write(&epss, gzip(EPSS_CSV.as_bytes())).unwrap();
    let mut store = Store::new();
    let report = import(&mut store, &[zip, data().join("kev-excerpt.json"), epss]);
    let path = dir.join("advisories.db");
    store.write(&path).expect("write");
    (path, report)
}

#[test]
fn a_real_all_zip_imports_and_answers_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let (path, report) = real_database(dir.path());
    assert_eq!(report.added, records().len() as u64, "{report:?}");
    assert_eq!(report.skipped, 0, "{:?}", report.warnings);
    let db = Database::open(&path).expect("open");

    let ecosystems: Vec<&str> = db.ecosystems().collect();
    for e in [
        "AlmaLinux:10",
        "Debian:10",
        "Debian:11",
        "Debian:7",
        "Go",
        "Maven",
        "PyPI",
        "Ubuntu:Pro:14.04:LTS",
    ] {
        assert!(ecosystems.contains(&e), "{e} in {ecosystems:?}");
    }

    // DSA-3029-1: nginx in Debian 7, fixed in 1.2.1-2.2+wheezy3.
    let hits: Vec<_> = db.affected("Debian:7", "nginx").collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].advisory, "DSA-3029-1");
    assert_eq!(hits[0].package_name, "nginx");
    assert_eq!(hits[0].ranges[0].kind, RangeKind::Ecosystem);
    assert_eq!(
        hits[0].ranges[0].events,
        vec![Event::Introduced("0"), Event::Fixed("1.2.1-2.2+wheezy3")]
    );
    // Debian's urgency is the entry's ecosystem_specific; unfixed: no fixed event.
    let chromium: Vec<_> = db.affected("Debian:11", "chromium").collect();
    assert_eq!(chromium[0].ecosystem_specific, Some(r#"{"urgency":"low"}"#));
    assert_eq!(chromium[0].ranges[0].events, vec![Event::Introduced("0")]);

    // PyPI names normalise (the record says jinja2; Jinja2 finds it too).
    let name = db::normalize_name("PyPI", "Jinja2");
    let jinja: Vec<_> = db.affected("PyPI", &name).collect();
    assert_eq!(jinja[0].advisory, "GHSA-h5c8-rqwp-cp95");
    assert_eq!(db.affected("PyPI", "Jinja2").count(), 0);

    // Go: two ranges' worth of events in one SEMVER range.
    let go: Vec<_> = db.affected("Go", "stdlib").collect();
    assert_eq!(go[0].advisory, "GO-2024-2687");
    assert_eq!(go[0].ranges[0].kind, RangeKind::Semver);
    assert!(go[0].ranges[0].events.contains(&Event::Fixed("1.21.9")));
    assert!(go[0].ecosystem_specific.unwrap().contains("imports"));

    // Ubuntu: the explicit versions list, and the record's own severity.
    let linux: Vec<_> = db.affected("Ubuntu:Pro:14.04:LTS", "linux").collect();
    assert_eq!(linux[0].versions.len(), 180);
    assert_eq!(linux[0].versions[0], "3.11.0-12.19");
    let ubuntu = db.advisory("UBUNTU-CVE-2025-38094").unwrap();
    assert_eq!(ubuntu.severity[0].kind, "Ubuntu");
    assert_eq!(ubuntu.severity[0].score, "medium");
    assert_eq!(ubuntu.upstream, vec!["CVE-2025-38094"]);

    // The record's own fields.
    let ghsa = db.advisory("GHSA-h5c8-rqwp-cp95").unwrap();
    assert_eq!(ghsa.aliases, vec!["CVE-2024-22195"]);
    assert!(ghsa
        .summary
        .as_deref()
        .unwrap()
        .starts_with("Jinja vulnerable"));
    assert!(ghsa.details.as_deref().unwrap().contains("xmlattr"));
    assert_eq!(ghsa.modified.to_string(), "2024-01-11T15:20:48Z");
    assert_eq!(ghsa.severity[0].kind, "CVSS_V3");
    assert!(ghsa
        .database_specific
        .as_deref()
        .unwrap()
        .contains(r#""severity":"MODERATE""#));
    assert_eq!(ghsa.references.len(), 9);
    assert_eq!(
        ghsa.references[3],
        ("PACKAGE".into(), "https://github.com/pallets/jinja".into())
    );
    assert!(db.advisory("GHSA-nope").is_none());

    // related: by alias and by upstream id, and by its own id.
    assert_eq!(
        db.related("CVE-2024-22195").collect::<Vec<_>>(),
        vec!["GHSA-h5c8-rqwp-cp95"]
    );
    assert_eq!(
        db.related("CVE-2014-3616").collect::<Vec<_>>(),
        vec!["DSA-3029-1"]
    );
    assert_eq!(
        db.related("CVE-2025-38094").collect::<Vec<_>>(),
        vec!["UBUNTU-CVE-2025-38094"]
    );
    assert_eq!(
        db.related("DSA-3029-1").collect::<Vec<_>>(),
        vec!["DSA-3029-1"]
    );
    assert_eq!(db.related("CVE-1999-0000").count(), 0);

    // KEV and EPSS.
    assert!(db.has_kev() && db.has_epss());
    let log4shell = db.kev("CVE-2021-44228").expect("KEV entry");
    assert!(log4shell.known_ransomware);
    assert_eq!(log4shell.vendor, "Apache");
    assert_eq!(log4shell.date_added, "2021-12-10");
    assert_eq!(log4shell.due_date, "2021-12-24");
    assert!(!db.kev("CVE-2014-6271").unwrap().known_ransomware);
    assert!(db.kev("CVE-2024-22195").is_none());
    assert_eq!(db.epss("CVE-2021-44228"), Some((0.94358, 0.99957)));
    assert_eq!(db.epss("CVE-2020-0001"), None);

    // Sources and counts.
    let meta = db.meta();
    assert_eq!(meta.counts.records, records().len() as u64);
    assert_eq!(meta.counts.kev, 15);
    assert_eq!(meta.counts.epss, 3);
    let kinds: Vec<&SourceKind> = meta.sources.iter().map(|s| &s.kind).collect();
    assert!(kinds.contains(&&SourceKind::Osv {
        ecosystem: "Debian".into()
    }));
    assert!(kinds.contains(&&SourceKind::Kev));
    let kev = meta
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::Kev)
        .unwrap();
    assert_eq!(kev.version.as_deref(), Some("2025.08.25"));
    assert_eq!(
        kev.newest_modified.as_deref(),
        Some("2025-08-25T17:04:19.9796Z")
    );
    let epss = meta
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::Epss)
        .unwrap();
    assert_eq!(epss.version.as_deref(), Some("v2025.03.14"));
}

#[test]
fn a_directory_imports_recursively_and_skips_a_bad_file_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("osv");
    std::fs::create_dir_all(tree.join("a/b")).unwrap();
    for (i, (name, bytes)) in records().iter().enumerate() {
        let sub = if i % 2 == 0 { "a" } else { "a/b" };
        std::fs::write(tree.join(sub).join(name), bytes).unwrap();
    }
    std::fs::write(tree.join("a/README.md"), "not a record").unwrap();
    std::fs::write(
        tree.join("a/b/broken.json"),
        "{\"id\": \"X-1\", \"modified\": ",
    )
    .unwrap();
    let mut store = Store::new();
    let report = import(&mut store, std::slice::from_ref(&tree));
    assert_eq!(report.added, records().len() as u64);
    assert_eq!(report.skipped, 1);
    assert!(
        report.warnings[0].contains("broken.json"),
        "{:?}",
        report.warnings
    );
    assert!(
        report.warnings[0].contains("not an OSV record"),
        "{:?}",
        report.warnings
    );
}

#[test]
fn single_files_kev_and_epss_are_told_by_content() {
    let dir = tempfile::tempdir().unwrap();
    // Names that say nothing.
    let record = dir.path().join("a");
    std::fs::write(&record, record_bytes("GO-2024-2687.json")).unwrap();
    let kev = dir.path().join("b");
    std::fs::copy(data().join("kev-excerpt.json"), &kev).unwrap();
    let epss = dir.path().join("c");
    std::fs::write(&epss, EPSS_CSV).unwrap();
    let mut store = Store::new();
    let report = import(&mut store, &[record, kev, epss]);
    assert_eq!(
        (report.added, report.kev, report.epss),
        (1, Some(15), Some(3))
    );
    assert!(store.get("GO-2024-2687").is_some());
    assert_eq!(store.kev().unwrap().len(), 15);
    assert_eq!(store.epss_count(), 3);
}

fn record_bytes(name: &str) -> Vec<u8> {
    record(name)
}

#[test]
fn export_then_import_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = real_database(dir.path());
    let db = Database::open(&path).unwrap();
    let export = dir.path().join("export.pcdb");
    db::write_file(&export, &db.file_bytes().unwrap()).unwrap();

    let mut other = Store::new();
    let report = import(&mut other, &[export]);
    assert_eq!(report.added, records().len() as u64);
    assert_eq!(report.kev, Some(15));
    assert_eq!(report.epss, Some(3));
    let copy = dir.path().join("copy.db");
    other.write(&copy).unwrap();
    let again = Database::open(&copy).unwrap();

    let a = db.to_store();
    let b = again.to_store();
    let mut ids: Vec<&str> = db.ids().collect();
    ids.sort();
    assert_eq!(ids, again.ids().collect::<Vec<_>>());
    for id in ids {
        assert_eq!(a.get(id), b.get(id), "{id}");
        assert_eq!(db.advisory(id), again.advisory(id), "{id}");
    }
    for eco in db.ecosystems() {
        assert!(again.ecosystems().any(|e| e == eco));
    }
    assert_eq!(db.meta().sources, again.meta().sources);
    assert_eq!(db.kev("CVE-2021-44228"), again.kev("CVE-2021-44228"));
    assert_eq!(db.epss("CVE-2024-22195"), again.epss("CVE-2024-22195"));

    // And records parsed from JSON equal what comes back out of the file.
    for (name, bytes) in records() {
        let Parsed::Record(r) = osv::parse(&bytes).unwrap() else {
            panic!("{name} withdrawn")
        };
        assert_eq!(b.get(&r.id), Some(&r), "{name}");
    }
}

fn with_modified(name: &str, modified: &str) -> osv::Parsed {
    let mut v: serde_json::Value = serde_json::from_slice(&record(name)).unwrap();
    v["modified"] = modified.into();
    osv::parse(&serde_json::to_vec(&v).unwrap()).unwrap()
}

#[test]
fn the_newer_modified_wins_and_a_withdrawn_record_removes_the_id() {
    let mut store = Store::new();
    let Parsed::Record(base) = with_modified("DSA-3029-1.json", "2020-01-01T00:00:00Z") else {
        panic!()
    };
    assert_eq!(store.merge(base.clone()), Merge::Added);
    let mut older = base.clone();
    older.modified = Timestamp::parse("2019-01-01T00:00:00Z").unwrap();
    older.summary = Some("older".into());
    assert_eq!(store.merge(older), Merge::Older);
    assert_ne!(
        store.get("DSA-3029-1").unwrap().summary.as_deref(),
        Some("older")
    );
    let mut newer = base.clone();
    newer.modified = Timestamp::parse("2021-01-01T00:00:00.5Z").unwrap();
    newer.summary = Some("newer".into());
    assert_eq!(store.merge(newer.clone()), Merge::Replaced);
    assert_eq!(
        store.get("DSA-3029-1").unwrap().summary.as_deref(),
        Some("newer")
    );
    // Withdrawn, older than what is held: ignored.
    assert_eq!(
        store.withdraw(
            "DSA-3029-1",
            Timestamp::parse("2020-06-01T00:00:00Z").unwrap()
        ),
        Merge::Older
    );
    assert!(store.get("DSA-3029-1").is_some());
    // Withdrawn, newer: gone, and an older copy does not bring it back.
    let withdrawn = osv::parse(
        br#"{"id":"DSA-3029-1","modified":"2022-01-01T00:00:00Z","withdrawn":"2022-01-01T00:00:00Z","affected":[]}"#,
    )
    .unwrap();
    let mut report = Report::default();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.json");
    std::fs::write(&file, serde_json::to_vec(&serde_json::json!({
        "id": "DSA-3029-1", "modified": "2022-01-01T00:00:00Z", "withdrawn": "2022-01-01T00:00:00Z"
    })).unwrap()).unwrap();
    source::import(&mut store, &[file], &mut report).unwrap();
    assert!(matches!(withdrawn, Parsed::Withdrawn { .. }));
    assert_eq!(report.withdrawn, 1);
    assert!(store.get("DSA-3029-1").is_none());
    assert_eq!(store.merge(newer.clone()), Merge::Older);
    assert!(store.get("DSA-3029-1").is_none());

    // The withdrawal survives a write and a read.
    let path = dir.path().join("db");
    store.write(&path).unwrap();
    let db = Database::open(&path).unwrap();
    assert!(db.advisory("DSA-3029-1").is_none());
    assert_eq!(db.affected("Debian:7", "nginx").count(), 0);
    assert_eq!(
        db.withdrawn("DSA-3029-1"),
        Timestamp::parse("2022-01-01T00:00:00Z")
    );
    let mut again = Store::load(&path).unwrap();
    assert_eq!(again.merge(newer.clone()), Merge::Older);
    // A newer record after the withdrawal is live again.
    let mut revived = newer;
    revived.modified = Timestamp::parse("2023-01-01T00:00:00Z").unwrap();
    assert_eq!(again.merge(revived), Merge::Replaced);
    assert!(again.get("DSA-3029-1").is_some());
}

#[test]
fn every_changed_byte_is_an_error_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = real_database(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    Database::from_vec(bytes.clone(), &path).expect("the original opens");
    let step = (bytes.len() / 400).max(1);
    let mut positions: Vec<usize> = (0..64).collect();
    positions.extend((64..bytes.len()).step_by(step));
    positions.push(bytes.len() - 1);
    for at in positions {
        for flip in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[at] ^= flip;
            let e = Database::from_vec(b, &path).expect_err(&format!("byte {at} ^ {flip:#x}"));
            let m = e.to_string();
            assert!(m.starts_with(&path.display().to_string()), "{m}");
            assert!(!m.contains('\n'), "{m}");
        }
    }
    // Truncated anywhere, or extended.
    for len in [0, 1, 7, 8, 31, 32, 33, bytes.len() / 2, bytes.len() - 1] {
        let e = Database::from_vec(bytes[..len].to_vec(), &path).unwrap_err();
        assert!(e.to_string().contains(&path.display().to_string()));
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let e = Database::from_vec(longer, &path).unwrap_err().to_string();
    assert!(e.contains("truncated or extended"), "{e}");
    // Not ours at all.
    let e = Database::from_vec(b"SQLite format 3\0 and more bytes here...".to_vec(), &path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("wrong magic"), "{e}");
    // Another format version, with a header checksum that matches it: the
    // first one (its text in blocks) and the previous one (matching read
    // every found record's text) say to rebuild the file, as does a newer one.
    assert_eq!(db::format::VERSION, 3);
    for (version, expected) in [
        (
            1u32,
            "format version 1, which this portcullis no longer reads",
        ),
        (2, "format version 2, this portcullis reads version 3"),
        (4, "format version 4, this portcullis reads version 3"),
    ] {
        let mut other = bytes.clone();
        other[8..12].copy_from_slice(&version.to_le_bytes());
        let crc = crc32(&other[..28]);
        other[28..32].copy_from_slice(&crc.to_le_bytes());
        let e = Database::from_vec(other, &path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(
            e.contains(expected) && e.contains("portcullis db update"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
    }
    // A missing file says how to get one.
    let e = Database::open(&dir.path().join("none.db"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("db update"), "{e}");
}

fn crc32(b: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(b);
    h.finalize()
}

#[test]
fn hostile_records_are_errors_not_panics() {
    let deep = format!(
        r#"{{"id":"X-1","modified":"2024-01-01T00:00:00Z","database_specific":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let many_affected = format!(
        r#"{{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{}]}}"#,
        vec![r#"{"package":{"ecosystem":"PyPI","name":"a"}}"#; 1_000_000].join(",")
    );
    let huge_id = format!(
        r#"{{"id":"{}","modified":"2024-01-01T00:00:00Z"}}"#,
        "A".repeat(1 << 20)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not JSON", b"<html>".to_vec(), "not an OSV record"),
        ("truncated", br#"{"id":"X-1","modified":"2024"#.to_vec(), "not an OSV record"),
        ("an array", b"[1,2]".to_vec(), "not an OSV record"),
        ("no id", br#"{"modified":"2024-01-01T00:00:00Z"}"#.to_vec(), "missing field `id`"),
        ("id a number", br#"{"id":5,"modified":"2024-01-01T00:00:00Z"}"#.to_vec(), "invalid type"),
        (
            "affected an object",
            br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":{}}"#.to_vec(),
            "invalid type",
        ),
        (
            "events of numbers",
            br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":0}]}]}]}"#.to_vec(),
            "invalid type",
        ),
        ("deep nesting", deep.into_bytes(), "recursion limit"),
        ("10^6 affected entries", many_affected.into_bytes(), "more than 20000"),
        ("a 1 MiB id", huge_id.into_bytes(), "longer than 256"),
        (
            "a bad time",
            br#"{"id":"X-1","modified":"2024-02-30T00:00:00Z"}"#.to_vec(),
            "RFC 3339",
        ),
        ("not UTF-8", b"{\"id\":\"X-\xff\",\"modified\":\"2024-01-01T00:00:00Z\"}".to_vec(), "not an OSV record"),
    ];
    for (what, bytes, expected) in cases {
        let e = osv::parse(&bytes).expect_err(what);
        assert!(e.contains(expected), "{what}: {e}");
        assert!(e.len() < 400, "{what}: a short message: {}", e.len());
    }
    // Nulls and unknown fields are fine; huge free text is cut.
    let ok = format!(
        r#"{{"id":"X-1","modified":"2024-01-01T00:00:00Z","aliases":null,"summary":"{}","details":"{}","x-unknown":{{"a":[1]}},"affected":[{{"package":{{"ecosystem":"npm","name":"@scope/a"}},"ranges":[{{"type":"FUTURE","events":[]}},{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"1.0.0"}}]}}]}}]}}"#,
        "s".repeat(100_000),
        "d".repeat(100_000)
    );
    let Parsed::Record(r) = osv::parse(ok.as_bytes()).unwrap() else {
        panic!()
    };
    assert!(r.summary.unwrap().len() <= osv::SUMMARY_CAP);
    assert!(r.details.unwrap().len() <= osv::DETAILS_CAP);
    assert_eq!(
        r.affected[0].ranges.len(),
        1,
        "the unknown range type is left out"
    );
}

#[test]
fn a_bad_record_inside_a_zip_is_skipped_with_a_warning_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    let mut entries = records();
    entries.push((
        "EVIL-1.json".into(),
        br#"{"id":"EVIL-1","modified":5}"#.to_vec(),
    ));
    entries.push(("README.txt".into(), b"ignored".to_vec()));
    make_zip(&zip, &entries);
    let mut store = Store::new();
    let report = import(&mut store, &[zip]);
    assert_eq!(report.added, records().len() as u64);
    assert_eq!(report.skipped, 1);
    assert!(
        report.warnings[0].contains("entry EVIL-1.json: skipped"),
        "{:?}",
        report.warnings
    );
}

#[test]
fn a_truncated_zip_and_a_file_of_nothing_known_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    make_zip(&zip, &records());
    let bytes = std::fs::read(&zip).unwrap();
    for cut in [bytes.len() - 1, bytes.len() - 30, bytes.len() / 2, 100] {
        let truncated = dir.path().join(format!("cut-{cut}.zip"));
        std::fs::write(&truncated, &bytes[..cut]).unwrap();
        let mut store = Store::new();
        let e = source::import(
            &mut store,
            std::slice::from_ref(&truncated),
            &mut Report::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with(&truncated.display().to_string()), "{e}");
        assert!(e.contains("truncated"), "{e}");
    }
    let odd = dir.path().join("odd.bin");
    std::fs::write(&odd, b"\x00\x01binary").unwrap();
    let e = source::import(
        &mut Store::new(),
        std::slice::from_ref(&odd),
        &mut Report::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(&odd.display().to_string()) && e.contains("not a file portcullis imports"),
        "{e}"
    );
    let not_kev = dir.path().join("kev.json");
    std::fs::write(
        &not_kev,
        br#"{"title":"KEV","vulnerabilities":[{"cveID":"nope"}]}"#,
    )
    .unwrap();
    let e = source::import(
        &mut Store::new(),
        std::slice::from_ref(&not_kev),
        &mut Report::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("kev.json: not the KEV catalog") && e.contains("not a CVE id"),
        "{e}"
    );
    let neither = dir.path().join("x.json");
    std::fs::write(&neither, br#"{"hello":"world"}"#).unwrap();
    let e = source::import(&mut Store::new(), &[neither], &mut Report::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("neither an OSV record"), "{e}");
    let bad_epss = dir.path().join("epss.csv");
    std::fs::write(&bad_epss, "#model_version:v1\nnot,the,header\n").unwrap();
    let e = source::import(&mut Store::new(), &[bad_epss], &mut Report::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("not an EPSS file"), "{e}");
    let bad_gz = dir.path().join("epss.csv.gz");
    std::fs::write(&bad_gz, &gzip(EPSS_CSV.as_bytes())[..40]).unwrap();
    let e = source::import(
        &mut Store::new(),
        std::slice::from_ref(&bad_gz),
        &mut Report::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with(&bad_gz.display().to_string()), "{e}");
}

#[test]
fn zip_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // One entry of 100 MiB of zeros (100 KiB compressed): over the per-record cap.
    let big = dir.path().join("big.zip");
    python(
        r#"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("GOOD-1.json", '{"id":"GOOD-1","modified":"2024-01-01T00:00:00Z"}')
    with z.open("BOMB-1.json", "w") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
"#,
        &[big.to_str().unwrap()],
    );
    let mut store = Store::new();
    let report = import(&mut store, &[big]);
    assert_eq!(report.added, 1);
    assert_eq!(report.skipped, 1);
    assert!(
        report.warnings[0].contains("BOMB-1.json") && report.warnings[0].contains("cap"),
        "{:?}",
        report.warnings
    );

    // Overlapping entries: every central directory entry points at the same data.
    let overlap = dir.path().join("overlap.zip");
    python(
        r#"
import sys, zipfile, struct
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(3):
        z.writestr("R-%d.json" % i, '{"id":"R-%d","modified":"2024-01-01T00:00:00Z"}' % i)
data = bytearray(open(sys.argv[1], "rb").read())
at = 0
while True:
    at = data.find(b"PK\x01\x02", at)
    if at < 0: break
    data[at + 42:at + 46] = struct.pack("<I", 0)
    at += 4
open(sys.argv[1], "wb").write(data)
"#,
        &[overlap.to_str().unwrap()],
    );
    let e = source::import(&mut Store::new(), &[overlap], &mut Report::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("zip bomb") && e.contains("overlap"), "{e}");
}

#[test]
fn zip64_archives_with_more_than_65535_entries_read() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    python(
        r#"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(70000):
        z.writestr("T-%d.json" % i, '{"id":"T-%d","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"p%d"},"versions":["1.0"]}]}' % (i, i % 100))
"#,
        &[zip.to_str().unwrap()],
    );
    let mut store = Store::new();
    let report = import(&mut store, &[zip]);
    assert_eq!(report.added, 70000);
    let path = dir.path().join("db");
    store.write(&path).unwrap();
    let db = Database::open(&path).unwrap();
    assert_eq!(db.affected("PyPI", "p7").count(), 700);
    assert_eq!(db.meta().counts.packages, 100);
}

#[test]
fn a_failed_import_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = real_database(dir.path());
    let before = std::fs::read(&path).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"id\": ").unwrap();
    // What `db import` does: lock, load, merge, write only on success.
    {
        let _lock = db::lock(&path, &mut |_| panic!("not held")).unwrap();
        let mut store = Store::load(&path).unwrap();
        let good = data().join("GO-2024-2687.json");
        let e = source::import(&mut store, &[good, bad], &mut Report::default());
        assert!(e.is_err());
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());

    // A write that cannot replace the file (a directory is in the way)
    // leaves no temporary file either.
    let blocked = dir.path().join("blocked.db");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("x"), b"x").unwrap();
    let e = Store::new().write(&blocked).unwrap_err().to_string();
    assert!(e.contains("blocked.db"), "{e}");
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn a_second_writer_waits_for_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.db");
    let first = db::lock(&path, &mut |_| panic!("free")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.clone();
    let waiter = std::thread::spawn(move || {
        let mut told = false;
        let lock = db::lock(&p, &mut |_| {
            told = true;
            tx.send(()).unwrap();
        })
        .unwrap();
        drop(lock);
        told
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("told to wait");
    drop(first);
    assert!(waiter.join().unwrap());
}

#[test]
fn an_empty_database_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    Store::new().write(&path).unwrap();
    let db = Database::open(&path).unwrap();
    assert!(db.is_empty());
    assert_eq!(db.ecosystems().count(), 0);
    assert_eq!(db.affected("PyPI", "x").count(), 0);
    assert!(db.advisory("X").is_none() && db.kev("CVE-2021-44228").is_none());
    assert!(!db.has_kev() && !db.has_epss());
}

#[test]
fn records_sharing_a_description_read_back_whole() {
    let details = "A description that several distributions copy from NVD. ".repeat(20);
    let mut store = Store::new();
    for (i, id) in [
        "DEBIAN-CVE-2024-0001",
        "UBUNTU-CVE-2024-0001",
        "ALPINE-CVE-2024-0001",
    ]
    .iter()
    .enumerate()
    {
        let json = serde_json::json!({
            "id": id, "modified": format!("2024-01-0{}T00:00:00Z", i + 1),
            "upstream": ["CVE-2024-0001"], "details": details,
            "affected": [{"package": {"ecosystem": "Debian:12", "name": format!("p{i}")}}],
        });
        let Parsed::Record(r) = osv::parse(&serde_json::to_vec(&json).unwrap()).unwrap() else {
            panic!()
        };
        store.merge(r);
    }
    // Enough other records between them to put them in different blocks.
    for i in 0..2000 {
        let json = serde_json::json!({"id": format!("DEBIAN-CVE-2024-1{i:04}"), "modified": "2024-01-01T00:00:00Z",
            "details": format!("{i} {}", "other text ".repeat(10))});
        let Parsed::Record(r) = osv::parse(&serde_json::to_vec(&json).unwrap()).unwrap() else {
            panic!()
        };
        store.merge(r);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    store.write(&path).unwrap();
    let db = Database::open(&path).unwrap();
    for id in [
        "DEBIAN-CVE-2024-0001",
        "UBUNTU-CVE-2024-0001",
        "ALPINE-CVE-2024-0001",
    ] {
        assert_eq!(
            db.advisory(id).unwrap().details.as_deref(),
            Some(details.trim()),
            "{id}"
        );
    }
    assert_eq!(db.related("CVE-2024-0001").count(), 3);
    assert_eq!(
        db.advisory("DEBIAN-CVE-2024-11999")
            .unwrap()
            .details
            .unwrap(),
        format!("1999 {}", "other text ".repeat(10)).trim()
    );
}

/// A database over 8 MiB, which the reader opens with the record text left
/// on disk: its bytes are checked on open all the same, and afterwards
/// each record's text frame is checked (zstd's checksum) when read.
#[test]
fn a_large_database_is_checked_whole_on_open_and_its_text_when_read() {
    let mut store = Store::new();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut noise = |n: usize| {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect::<String>()
    };
    for i in 0..9000 {
        let json = serde_json::json!({
            "id": format!("BIG-{i:05}"), "modified": "2024-01-01T00:00:00Z",
            "summary": format!("record {i}"), "details": noise(1900),
            "affected": [{"package": {"ecosystem": "PyPI", "name": format!("p{}", i % 50)},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}],
        });
        let Parsed::Record(r) = osv::parse(&serde_json::to_vec(&json).unwrap()).unwrap() else {
            panic!()
        };
        store.merge(r);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    store.write(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8 << 20, "{} bytes", bytes.len());
    let db = Database::open(&path).unwrap();
    assert_eq!(db.len(), bytes.len());
    let a = db.advisory("BIG-04321").unwrap();
    assert_eq!(a.summary.as_deref(), Some("record 4321"));
    assert_eq!(a.details.as_ref().map(String::len), Some(1900));
    assert_eq!(db.affected("PyPI", "p7").count(), 180);
    assert_eq!(db.file_bytes().unwrap(), bytes);
    // Loading it for a merge reads all the text back from the file.
    let loaded = Store::load(&path).unwrap();
    assert_eq!(loaded.record_count(), 9000);
    assert_eq!(loaded.get("BIG-04321"), store.get("BIG-04321"));

    // Changed on disk before opening, anywhere (the text included): refused.
    let flipped = dir.path().join("flipped.db");
    for at in [
        40,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 100,
        bytes.len() - 1,
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x04;
        std::fs::write(&flipped, &b).unwrap();
        let e = Database::open(&flipped)
            .expect_err(&format!("byte {at}"))
            .to_string();
        assert!(e.contains("damaged"), "byte {at}: {e}");
    }
    let short = dir.path().join("short.db");
    std::fs::write(&short, &bytes[..bytes.len() - 1]).unwrap();
    assert!(Database::open(&short).is_err());

    // Changed in place after opening: the record whose text frame it is
    // comes back without text (the frame's checksum), the rest still
    // answers, nothing panics, and export refuses to copy it.
    std::fs::copy(&path, &flipped).unwrap();
    let db = Database::open(&flipped).unwrap();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&flipped)
            .unwrap();
        f.seek(SeekFrom::Start(bytes.len() as u64 - 100)).unwrap();
        f.write_all(b"XXXX").unwrap();
    }
    let mut missing = Vec::new();
    for i in 0..9000 {
        let a = db.advisory(&format!("BIG-{i:05}")).unwrap();
        if a.details.is_none() {
            assert_eq!(a.summary, None);
            missing.push(a.id);
        }
    }
    // The last record's frame is the file's last bytes.
    assert_eq!(missing, ["BIG-08999"]);
    assert_eq!(db.advisory_core("BIG-08999").unwrap().id, "BIG-08999");
    assert!(db
        .file_bytes()
        .unwrap_err()
        .to_string()
        .contains("changed since it was opened"));
}
