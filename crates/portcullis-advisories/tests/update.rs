//! `db update` against a local OSV-style bucket and KEV file (an HTTP
//! server on 127.0.0.1 in a test thread; no other network).

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

mod db_support;

use std::path::Path;

use db_support::http::{Reply, Server};
use db_support::*;
use portcullis_advisories::db::{self, Database, Event, Store, Timestamp};
use portcullis_advisories::source::update::{self, Options};
use portcullis_advisories::source::Report;

struct Bucket<'a> {
    server: &'a Server,
    dir: tempfile::TempDir,
}

impl Bucket<'_> {
    /// Serves `records` (JSON values) as ecosystem `eco`: all.zip,
    /// modified_id.csv (newest first) and one <ID>.json each.
    fn publish(&self, eco: &str, records: &[serde_json::Value]) {
        let entries: Vec<(String, Vec<u8>)> = records
            .iter()
            .map(|r| {
                (
                    format!("{}.json", r["id"].as_str().unwrap()),
                    serde_json::to_vec(r).unwrap(),
                )
            })
            .collect();
        let zip = self.dir.path().join(format!("{eco}.zip"));
        make_zip(&zip, &entries);
        self.server.put(
            &format!("/{eco}/all.zip"),
            Reply::Body(std::fs::read(&zip).unwrap()),
        );
        let mut lines: Vec<(String, String)> = records
            .iter()
            .map(|r| {
                (
                    r["modified"].as_str().unwrap().to_owned(),
                    r["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        lines.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let csv: String = lines.iter().map(|(m, id)| format!("{m},{id}\n")).collect();
        self.server.put(
            &format!("/{eco}/modified_id.csv"),
            Reply::Body(csv.into_bytes()),
        );
        for (name, bytes) in entries {
            self.server
                .put(&format!("/{eco}/{name}"), Reply::Body(bytes));
        }
    }
}

fn json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&record(name)).unwrap()
}

fn options(server: &Server, ecosystems: &[&str]) -> Options {
    Options {
        osv_url: server.url(),
        kev_url: Some(format!("{}/kev.json", server.url())),
        epss_url: None,
        ecosystems: ecosystems.iter().map(|e| (*e).to_owned()).collect(),
        timeout: std::time::Duration::from_secs(10),
        incremental_limit: update::INCREMENTAL_LIMIT,
    }
}

/// What `db update` does: lock, load, update, write on success.
fn run(path: &Path, options: &Options) -> Result<Report, db::DbError> {
    let _lock = db::lock(path, &mut |_| {})?;
    let mut store = Store::load(path)?;
    let mut report = Report::default();
    update::update(&mut store, path, options, &mut |_| {}, &mut report)?;
    store.write(path)?;
    Ok(report)
}

#[test]
fn the_first_update_fetches_all_zip_and_later_ones_only_what_changed() {
    let server = Server::start();
    let bucket = Bucket {
        server: &server,
        dir: tempfile::tempdir().unwrap(),
    };
    let dsa = json("DSA-3029-1.json");
    let chromium = json("CVE-2024-3847.debian.json");
    bucket.publish("Debian", &[dsa.clone(), chromium.clone()]);
    bucket.publish("PyPI", &[json("GHSA-h5c8-rqwp-cp95.json")]);
    server.put("/kev.json", Reply::Body(record("kev-excerpt.json")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.db");

    let report = run(&path, &options(&server, &["Debian", "PyPI"])).expect("first update");
    assert_eq!(report.added, 3);
    assert_eq!(
        server.log(),
        vec!["/Debian/all.zip", "/PyPI/all.zip", "/kev.json"]
    );
    let db = Database::open(&path).unwrap();
    assert_eq!(db.affected("Debian:7", "nginx").count(), 1);
    assert!(db.kev("CVE-2021-44228").is_some());
    let debian = db
        .meta()
        .sources
        .iter()
        .find(|s| s.origin == format!("{}/Debian", server.url()))
        .expect("the Debian source");
    assert!(debian.complete);
    assert_eq!(debian.records, 2);
    assert_eq!(
        debian.newest_modified.as_deref(),
        Some("2024-05-03T03:16:29Z")
    );

    // Nothing changed: only the lists are read.
    server.clear_log();
    run(&path, &options(&server, &["Debian", "PyPI"])).expect("second update");
    assert_eq!(
        server.log(),
        vec![
            "/Debian/modified_id.csv",
            "/PyPI/modified_id.csv",
            "/kev.json"
        ]
    );

    // Two records change (one new, one fixed now): only they are fetched.
    let mut new = dsa.clone();
    new["id"] = "DSA-9999-1".into();
    new["modified"] = "2026-01-01T00:00:00Z".into();
    let mut fixed = chromium.clone();
    fixed["modified"] = "2026-01-02T00:00:00.123Z".into();
    fixed["affected"][1]["ranges"][0]["events"] =
        serde_json::json!([{"introduced": "0"}, {"fixed": "124.0.6367.60-1~deb11u1"}]);
    bucket.publish("Debian", &[dsa.clone(), fixed.clone(), new.clone()]);
    server.clear_log();
    let report = run(&path, &options(&server, &["Debian", "PyPI"])).expect("third update");
    assert_eq!(
        server.log(),
        vec![
            "/Debian/modified_id.csv",
            "/Debian/CVE-2024-3847.json",
            "/Debian/DSA-9999-1.json",
            "/PyPI/modified_id.csv",
            "/kev.json"
        ]
    );
    assert_eq!((report.added, report.replaced), (1, 1));
    let db = Database::open(&path).unwrap();
    assert_eq!(db.affected("Debian:7", "nginx").count(), 2);
    let c: Vec<_> = db.affected("Debian:11", "chromium").collect();
    assert_eq!(
        c[0].ranges[0].events[1],
        Event::Fixed("124.0.6367.60-1~deb11u1")
    );
    let debian = db
        .meta()
        .sources
        .iter()
        .find(|s| s.origin == format!("{}/Debian", server.url()))
        .unwrap();
    assert_eq!(
        debian.newest_modified.as_deref(),
        Some("2026-01-02T00:00:00.123Z")
    );
    assert_eq!(debian.records, 3);

    // A withdrawal arrives the same way and removes the record.
    let mut gone = new.clone();
    gone["modified"] = "2026-02-01T00:00:00Z".into();
    gone["withdrawn"] = "2026-02-01T00:00:00Z".into();
    bucket.publish("Debian", &[dsa.clone(), fixed.clone(), gone]);
    server.clear_log();
    let report = run(&path, &options(&server, &["Debian"])).expect("fourth update");
    assert_eq!(report.withdrawn, 1);
    assert!(server.log().contains(&"/Debian/DSA-9999-1.json".to_owned()));
    let db = Database::open(&path).unwrap();
    assert!(db.advisory("DSA-9999-1").is_none());
    assert_eq!(db.affected("Debian:7", "nginx").count(), 1);

    // More changes than the limit: all.zip again.
    let mut a = dsa.clone();
    a["modified"] = "2026-03-01T00:00:00Z".into();
    let mut b = fixed.clone();
    b["modified"] = "2026-03-02T00:00:00Z".into();
    bucket.publish("Debian", &[a, b]);
    server.clear_log();
    let mut limited = options(&server, &["Debian"]);
    limited.incremental_limit = 1;
    limited.kev_url = None;
    run(&path, &limited).expect("fifth update");
    assert_eq!(
        server.log(),
        vec!["/Debian/modified_id.csv", "/Debian/all.zip"]
    );
    let db = Database::open(&path).unwrap();
    assert_eq!(
        db.advisory("DSA-3029-1").unwrap().modified,
        Timestamp::parse("2026-03-01T00:00:00Z").unwrap()
    );
}

#[test]
fn ecosystem_names_with_spaces_are_encoded_and_another_mirror_starts_over() {
    let server = Server::start();
    let bucket = Bucket {
        server: &server,
        dir: tempfile::tempdir().unwrap(),
    };
    bucket.publish("Red Hat", &[json("ALSA-2025-10073.json")]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.db");
    let mut o = options(&server, &["Red Hat"]);
    o.kev_url = None;
    run(&path, &o).unwrap();
    assert_eq!(server.log(), vec!["/Red%20Hat/all.zip"]);
    // The same bucket under another base URL (a trailing slash is the same).
    server.clear_log();
    o.osv_url = format!("{}/", server.url());
    run(&path, &o).unwrap();
    assert_eq!(server.log(), vec!["/Red%20Hat/modified_id.csv"]);
    server.clear_log();
    o.osv_url = format!("http://localhost:{}", server.port);
    run(&path, &o).unwrap();
    assert_eq!(server.log(), vec!["/Red%20Hat/all.zip"]);
}

#[test]
fn a_failed_download_is_a_clear_error_and_the_database_stays_as_it_was() {
    let server = Server::start();
    let bucket = Bucket {
        server: &server,
        dir: tempfile::tempdir().unwrap(),
    };
    bucket.publish("PyPI", &[json("GHSA-h5c8-rqwp-cp95.json")]);
    server.put("/kev.json", Reply::Body(record("kev-excerpt.json")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.db");
    run(&path, &options(&server, &["PyPI"])).unwrap();
    let before = std::fs::read(&path).unwrap();
    let zip = match server.state.lock().unwrap().files.get("/PyPI/all.zip") {
        Some(Reply::Body(b)) => b.clone(),
        _ => unreachable!(),
    };

    let cases: Vec<(&str, Reply, &str, &str)> = vec![
        (
            "/kev.json",
            Reply::Status(404),
            "/kev.json: HTTP 404",
            "a missing KEV file",
        ),
        (
            "/kev.json",
            Reply::Body(b"<html>maintenance</html>".to_vec()),
            "not JSON",
            "a KEV file that is not one",
        ),
        (
            "/kev.json",
            Reply::Body(br#"{"title":"x"}"#.to_vec()),
            "no `vulnerabilities` list",
            "a KEV file without entries",
        ),
        (
            "/PyPI/modified_id.csv",
            Reply::Status(500),
            "/PyPI/modified_id.csv: HTTP 500",
            "a server error",
        ),
    ];
    for (at, reply, expected, what) in cases {
        let saved = server.state.lock().unwrap().files.get(at).cloned();
        server.put(at, reply);
        let e = run(&path, &options(&server, &["PyPI"]))
            .expect_err(what)
            .to_string();
        assert!(e.contains(expected), "{what}: {e}");
        assert!(!e.contains('\n'), "{what}: one line: {e}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{what}");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new(), "{what}");
        if let Some(s) = saved {
            server.put(at, s);
        }
    }

    // A first update (no source held yet) through a truncated or failing all.zip.
    let fresh = dir.path().join("fresh.db");
    for (reply, expected) in [
        (Reply::Truncated(zip.clone(), zip.len() / 2), "broke off"),
        (Reply::Status(500), "HTTP 500"),
        (Reply::Body(zip[..zip.len() - 10].to_vec()), "truncated"),
    ] {
        server.put("/PyPI/all.zip", reply);
        let e = run(&fresh, &options(&server, &["PyPI"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{e}");
        assert!(!fresh.exists());
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }
    // A server that is not there.
    let mut o = options(&server, &["PyPI"]);
    o.osv_url = "http://127.0.0.1:9".into();
    let e = run(&fresh, &o).unwrap_err().to_string();
    assert!(e.contains("GET http://127.0.0.1:9/PyPI/all.zip"), "{e}");
}
