//! `portcullis db`: the real binary importing, exporting, describing and
//! updating the advisory database; exit statuses and messages.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

mod common;
#[path = "../../portcullis-advisories/tests/db_support/mod.rs"]
mod db_support;

use std::path::Path;
use std::process::{Command, Output};

use common::{json, portcullis, stderr, stdout};
use db_support::http::{Reply, Server};
use db_support::{data, make_zip, record, records, temp_files, EPSS_CSV};

fn db(args: &[&str], cwd: &Path) -> Output {
    portcullis(args, cwd)
}

/// A database of the real records, the KEV excerpt and EPSS scores.
fn imported(dir: &Path) -> std::path::PathBuf {
    let zip = dir.join("all.zip");
    make_zip(&zip, &records());
    std::fs::write(dir.join("epss.csv"), EPSS_CSV).unwrap();
    let kev = data().join("kev-excerpt.json");
    let o = db(
        &[
            "db",
            "import",
            "--db",
            "advisories.db",
            "all.zip",
            kev.to_str().unwrap(),
            "epss.csv",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("advisories.db: 7 records (7 new"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("KEV 15 entries, EPSS 3 CVEs"),
        "{}",
        stdout(&o)
    );
    dir.join("advisories.db")
}

#[test]
fn import_status_and_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    imported(dir.path());

    let o = db(&["db", "status", "--db", "advisories.db"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for expected in [
        "database  advisories.db",
        "records   7 (0 withdrawn ids remembered), 9 affected entries, 9 packages in 8 ecosystems",
        "kev       15 entries",
        "epss      3 CVEs",
        "OSV Debian",
        "newest 2024-05-03T03:16:29Z",
        "version 2025.08.25",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }

    let o = db(
        &["db", "status", "--db", "advisories.db", "--json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["counts"]["records"], 7);
    assert_eq!(v["counts"]["kev"], 15);
    assert_eq!(v["has_epss"], true);
    assert_eq!(v["format_version"], 3);
    assert!(v["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "Ubuntu:Pro:14.04:LTS"));
    let sources = v["sources"].as_array().unwrap();
    assert!(sources
        .iter()
        .any(|s| s["kind"] == "kev" && s["records"] == 15));
    assert!(sources
        .iter()
        .any(|s| s["kind"] == "osv" && s["ecosystem"] == "PyPI"));
    assert!(v["age_seconds"].as_u64().unwrap() < 3600);

    let o = db(
        &["db", "export", "--db", "advisories.db", "offline.db"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("offline.db: 7 records, KEV 15 entries, EPSS 3 CVEs"));
    let o = db(
        &["db", "import", "--db", "other.db", "offline.db"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a = json(&db(
        &["db", "status", "--db", "advisories.db", "--json"],
        dir.path(),
    ));
    let b = json(&db(
        &["db", "status", "--db", "other.db", "--json"],
        dir.path(),
    ));
    assert_eq!(a["counts"], b["counts"]);
    assert_eq!(a["ecosystems"], b["ecosystems"]);
}

#[test]
fn errors_are_one_line_naming_the_file_exit_2_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = imported(dir.path());
    let before = std::fs::read(&path).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let zip = std::fs::read(dir.path().join("all.zip")).unwrap();
    std::fs::write(dir.path().join("cut.zip"), &zip[..zip.len() / 2]).unwrap();
    std::fs::write(
        dir.path().join("kev.json"),
        r#"{"title":"CISA KEV","vulnerabilities":[{"cveID":"CVE-2021-44228","knownRansomwareCampaignUse":7}]}"#,
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["notes.txt"], "notes.txt: not a file portcullis imports"),
        (&["cut.zip"], "cut.zip: not a zip archive, or truncated"),
        (&["kev.json"], "kev.json: not the KEV catalog"),
        (&["missing.json"], "missing.json: cannot read"),
        // A good file before a bad one: nothing of either is kept.
        (&["epss.csv", "notes.txt"], "notes.txt"),
    ];
    for (files, expected) in cases {
        let mut args = vec!["db", "import", "--db", "advisories.db"];
        args.extend_from_slice(files);
        let o = db(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{files:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{files:?}: one line: {err}");
        assert!(err.starts_with("portcullis db import: "), "{err}");
        assert!(err.contains(expected), "{expected:?} in {err}");
        assert!(err.contains("the database was not changed"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{files:?}");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }

    // A damaged database: status and export refuse it, import does not
    // build over it.
    let mut damaged = before.clone();
    let at = damaged.len() / 2;
    damaged[at] ^= 0x20;
    std::fs::write(dir.path().join("damaged.db"), &damaged).unwrap();
    for args in [
        &["db", "status", "--db", "damaged.db"][..],
        &["db", "export", "--db", "damaged.db", "x.db"],
        &["db", "import", "--db", "damaged.db", "epss.csv"],
    ] {
        let o = db(args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("damaged.db: not a usable advisory database"),
            "{err}"
        );
        assert!(err.contains("damaged"), "{err}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("damaged.db")).unwrap(),
        damaged
    );
    assert!(!dir.path().join("x.db").exists());

    let o = db(&["db", "status", "--db", "none.db"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("none.db: no advisory database here (run `portcullis db update`"),
        "{}",
        stderr(&o)
    );
    let o = db(
        &["db", "update", "--db", "x.db", "--ecosystem", "Gentoo"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--ecosystem \"Gentoo\": not one portcullis catalogs"));
}

#[test]
fn update_from_a_local_mirror_and_a_failed_one_keeps_the_database() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("PyPI.zip");
    make_zip(
        &zip,
        &[(
            "GHSA-h5c8-rqwp-cp95.json".into(),
            record("GHSA-h5c8-rqwp-cp95.json"),
        )],
    );
    server.put("/PyPI/all.zip", Reply::Body(std::fs::read(&zip).unwrap()));
    server.put(
        "/PyPI/modified_id.csv",
        Reply::Body(b"2024-01-11T15:20:48Z,GHSA-h5c8-rqwp-cp95\n".to_vec()),
    );
    server.put("/kev.json", Reply::Body(record("kev-excerpt.json")));
    let kev = format!("{}/kev.json", server.url());
    let args = [
        "db",
        "update",
        "--db",
        "advisories.db",
        "--osv-url",
        &server.url(),
        "--kev-url",
        &kev,
        "--ecosystem",
        "pypi",
    ];
    let o = db(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("advisories.db: 1 records (1 new"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains(&format!("PyPI: GET {}/PyPI/all.zip", server.url())),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.log(), vec!["/PyPI/all.zip", "/kev.json"]);

    // The second: incremental, nothing changed.
    server.clear_log();
    let o = db(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("PyPI: up to date"), "{}", stderr(&o));
    assert_eq!(server.log(), vec!["/PyPI/modified_id.csv", "/kev.json"]);

    let path = dir.path().join("advisories.db");
    let before = std::fs::read(&path).unwrap();
    server.put("/kev.json", Reply::Status(404));
    let o = db(&args, dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("portcullis db update: GET "), "{err}");
    assert!(
        last.contains("/kev.json: HTTP 404 Not Found (the database was not changed)"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn the_default_place_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    std::fs::write(&file, record("GO-2024-2687.json")).unwrap();
    let run = |envs: &[(&str, &Path)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portcullis"));
        c.args(["db", "import"]).arg(&file).current_dir(dir.path());
        for v in ["PORTCULLIS_DB", "XDG_CACHE_HOME", "HOME"] {
            c.env_remove(v);
        }
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let o = run(&[("PORTCULLIS_DB", &dir.path().join("env.db"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("env.db").exists());
    let o = run(&[("XDG_CACHE_HOME", &dir.path().join("cache"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("cache/portcullis/advisories.db").exists());
    let o = run(&[("HOME", &dir.path().join("home"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir
        .path()
        .join("home/.cache/portcullis/advisories.db")
        .exists());
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no place for the advisory database"),
        "{}",
        stderr(&o)
    );
}
