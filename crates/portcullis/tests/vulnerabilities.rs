//! The vulnerability policies (issue 15) end to end, by the real binary: a
//! database made with `portcullis db import` from the real OSV records and
//! KEV excerpt of `fixtures/vulns` (sources in fixtures/vulns/SOURCES.md),
//! and the images `fixtures/vulns/make.sh` builds from real packages, whose
//! expected findings `fixtures/vulns/expected.py` computed independently
//! with the reference version orders (`OUTDIR/truth/<image>.vulns.json`).
//!
//! - every vulnerability of the images exactly as the truth lists it (ids
//!   merged, package, installed and fixed version), and none it says must
//!   not be (fixed at the installed version, removed by a later layer,
//!   another distribution's);
//! - codes (KEV with ransomware use → SQ31103, KEV → SQ31101), locations,
//!   the Dockerfile's instruction as related with `--dockerfile`;
//! - VEX (`--vex`) and `[[exception]] vulnerabilities` suppressing, with
//!   their reasons; the verdict and exit status;
//! - no database: one line on stderr, every SQ31xxx not applicable with the
//!   reason; a damaged database and one older than `--db-max-age`: exit 2;
//! - CycloneDX `vulnerabilities` pointing at the SBOM's components.
//!
//! Fixtures: `PORTCULLIS_VULN_FIXTURES=DIR` names a built OUTDIR (without it
//! the tests build one into `target/vuln-fixtures`, as root, with the
//! network); they skip when none can be had, unless
//! `PORTCULLIS_VULN_TESTS=required` (scripts/test.sh).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::*;

fn complete(dir: &Path) -> Result<(), String> {
    has_outputs(
        dir,
        &["vulns-lang.docker.tar", "truth/vulns-lang.vulns.json"],
    )
}

const FIXTURES: FixtureSet = FixtureSet {
    script_dir: "vulns",
    env: "VULN",
    target: "vuln-fixtures",
    complete,
};

fn fixtures_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FIXTURES.dir(&DIR)
}

fn records() -> PathBuf {
    repo().join("fixtures/vulns")
}

/// A database made by `portcullis db import` of the committed records and
/// KEV excerpt, once per test process.
fn database() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("advisories.db");
        let o = portcullis(
            &[
                "db",
                "import",
                "--db",
                path.to_str().expect("utf-8"),
                records().join("osv").to_str().expect("utf-8"),
                records().join("kev.json").to_str().expect("utf-8"),
            ],
            dir.path(),
        );
        assert_eq!(code(&o), 0, "db import: {}", stderr(&o));
        (dir, path)
    });
    path
}

fn image(dir: &Path) -> String {
    format!(
        "docker-archive:{}/vulns-lang.docker.tar:localhost/vulns-lang:1",
        dir.display()
    )
}

/// `scan --no-config --db DB --format json ARGS… TARGET` in `cwd`.
fn scan_in(cwd: &Path, target: &str, args: &[&str]) -> (Output, Value) {
    let db = database().to_str().expect("utf-8").to_owned();
    let mut all = vec!["scan", "--db", &db, "--format", "json"];
    if !args.contains(&"--config") {
        all.push("--no-config");
    }
    all.extend_from_slice(args);
    all.push(target);
    let o = portcullis(&all, cwd);
    assert!(
        matches!(code(&o), 0 | 1),
        "exit {}: {}",
        code(&o),
        stderr(&o)
    );
    let report = json(&o);
    let t = report["targets"][0].clone();
    (o, t)
}

fn scan(target: &str, args: &[&str]) -> (Output, Value) {
    let cwd = tempfile::tempdir().expect("tempdir");
    scan_in(cwd.path(), target, args)
}

fn package_name(p: &Value) -> String {
    match (p["type"].as_str(), p["namespace"].as_str()) {
        (Some("golang"), Some(ns)) => format!("{ns}/{}", p["name"].as_str().unwrap_or("")),
        _ => p["name"].as_str().unwrap_or("").to_owned(),
    }
}

/// (ids, package, installed, fixed) of each vulnerability in a report's
/// target, versions without Go's `v`.
fn found(target: &Value) -> BTreeSet<(Vec<String>, String, String, String)> {
    let packages = target["packages"].as_array().expect("packages");
    target["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| {
            let p = packages
                .iter()
                .find(|p| p["id"] == v["package"])
                .unwrap_or_else(|| panic!("no package {}", v["package"]));
            let mut ids: Vec<String> = std::iter::once(&v["id"])
                .chain(v["aliases"].as_array().into_iter().flatten())
                .map(|s| s.as_str().expect("id").to_owned())
                .collect();
            ids.sort();
            (
                ids,
                package_name(p),
                v["installed"]
                    .as_str()
                    .expect("installed")
                    .trim_start_matches('v')
                    .to_owned(),
                v["fix"]["version"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches('v')
                    .to_owned(),
            )
        })
        .collect()
}

fn expected(truth: &Value) -> BTreeSet<(Vec<String>, String, String, String)> {
    truth["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| {
            let mut ids: Vec<String> = v["ids"]
                .as_array()
                .expect("ids")
                .iter()
                .map(|s| s.as_str().expect("id").to_owned())
                .collect();
            ids.sort();
            (
                ids,
                v["package"]["name"].as_str().expect("name").to_owned(),
                v["installed"].as_str().expect("installed").to_owned(),
                v["fixed"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn truth(dir: &Path, image: &str) -> Value {
    let path = dir.join(format!("truth/{image}.vulns.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("truth JSON")
}

/// `CODE id package-path` of the SQ31 findings, with `suppressed-by` when
/// suppressed.
fn findings(target: &Value) -> Vec<String> {
    target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().unwrap_or("").starts_with("SQ31"))
        .map(|f| {
            let mut line = format!(
                "{} {} {}",
                f["rule"].as_str().unwrap_or(""),
                f["vulnerability"]["id"].as_str().unwrap_or(""),
                f["location"]["path"].as_str().unwrap_or("")
            );
            if let Some(by) = f["suppressed"]["by"].as_str() {
                line.push_str(&format!(" suppressed-by {by}"));
            }
            line
        })
        .collect()
}

#[test]
fn the_image_has_exactly_the_vulnerabilities_the_truth_lists() {
    let Some(dir) = fixtures_dir() else { return };
    let (o, target) = scan(&image(dir), &[]);
    assert_eq!(code(&o), 1, "high findings fail the default policy");
    let truth = truth(dir, "vulns-lang");
    assert_eq!(found(&target), expected(&truth));
    assert_eq!(truth["vulnerabilities"].as_array().map(Vec::len), Some(13));
    // What must not match did not: each is a package the image has.
    for miss in truth["not_matched"].as_array().expect("not_matched") {
        let id = miss["record"]
            .as_str()
            .or(miss["id"].as_str())
            .unwrap_or("");
        assert!(
            !target["vulnerabilities"]
                .as_array()
                .expect("vulnerabilities")
                .iter()
                .any(|v| v["advisories"]
                    .as_array()
                    .is_some_and(|a| { a.iter().any(|x| x == id) })
                    && v["installed"] == miss["installed"]),
            "{miss}"
        );
    }
    let all = findings(&target);
    for line in [
        "SQ31103 CVE-2023-46604 /opt/java/lib/activemq-client-5.17.2.jar",
        "SQ31101 CVE-2023-39325 /usr/local/bin/vulnfix-go",
        "SQ31104 CVE-2021-44906 /srv/node-app/node_modules/mkdirp/node_modules/minimist/package.json",
        "SQ31105 CVE-2021-23337 /srv/node-app/node_modules/lodash/package.json",
    ] {
        assert!(all.iter().any(|l| l == line), "{line} not in {all:#?}");
    }
    // One finding per (vulnerability, package): the Go binary's stdlib and
    // x/net both have HTTP/2 rapid reset.
    assert_eq!(all.len(), 13, "{all:#?}");
    let statuses = policy_statuses(&target);
    let sq31102 = statuses
        .iter()
        .find(|(r, _, _)| r == "SQ31102")
        .expect("SQ31102");
    assert_eq!(sq31102.1, "not-applicable");
    // The fix is concrete.
    let lodash = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["vulnerability"]["id"] == "CVE-2021-23337")
        .expect("lodash");
    assert_eq!(
        lodash["remediation"],
        "Upgrade lodash to 4.17.21 or later (a newer base image, or the package manager's upgrade in the build)."
    );
    assert_eq!(lodash["location"]["index"], 2);
    assert_eq!(
        lodash["related"][0]["kind"], "history",
        "the history entry that installed it: {}",
        lodash["related"]
    );
}

#[test]
fn the_package_fixtures_have_what_their_truth_lists() {
    // pkgs-main: Go's stdlib, x/net and the venv's pip and setuptools, but
    // not the copies Debian's packages own (nor dpkg by DLA-3022-1, a
    // Debian 9 record); pkgs-apk: musl 1.2.4_git20230717-r4 by
    // ALPINE-CVE-2025-26519 (fixed in -r5 on v3.19); pkgs-distroless:
    // nothing (no Debian 12 records are committed).
    let Some(dir) = fixtures_dir() else { return };
    let packages = match std::env::var_os("PORTCULLIS_PACKAGE_FIXTURES") {
        Some(p) => PathBuf::from(p),
        None => repo().join("target/package-fixtures"),
    };
    for name in ["pkgs-main", "pkgs-apk", "pkgs-distroless"] {
        let archive = packages.join(format!("{name}.docker.tar"));
        if !archive.is_file() || !dir.join(format!("truth/{name}.vulns.json")).is_file() {
            assert!(!FIXTURES.required(), "{}: not built", archive.display());
            eprintln!("skipping {name}: not built");
            continue;
        }
        let target = format!("docker-archive:{}:localhost/{name}:1", archive.display());
        let (_, t) = scan(&target, &[]);
        let want = expected(&truth(dir, name));
        assert_eq!(found(&t), want, "{name}");
        if name == "pkgs-apk" {
            // The truth itself, so that an empty one cannot pass.
            let ids: Vec<String> = findings(&t);
            assert_eq!(
                ids,
                ["SQ31105 CVE-2025-26519 /lib/apk/db/installed"],
                "{name}"
            );
        }
    }
}

#[test]
fn vex_and_exceptions_suppress_with_their_reasons() {
    let Some(dir) = fixtures_dir() else { return };
    let work = tempfile::tempdir().expect("tempdir");
    // An OpenVEX document scoped to the image by name, and one package.
    let vex = work.path().join("app.openvex.json");
    std::fs::write(
        &vex,
        r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/vulns-lang-1",
  "author": "Platform security <security@example.com>",
  "timestamp": "2026-11-30T12:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "CVE-2021-23337"},
      "products": [{"@id": "pkg:npm/lodash@4.17.15"}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "the app never calls _.template"
    },
    {
      "vulnerability": {"name": "GHSA-q2q7-5pp4-w6pg"},
      "products": [{"@id": "pkg:pypi/urllib3@1.26.0"}],
      "status": "not_affected",
      "justification": "component_not_present"
    }
  ]
}"#,
    )
    .expect("write");
    std::fs::write(
        work.path().join("portcullis.toml"),
        "[[exception]]\nvulnerabilities = [\"GHSA-mjmj-j48q-9wg2\"]\nreason = \"SafeConstructor only\"\nexpires = 2099-01-01\n",
    )
    .expect("write");
    let (_, t) = scan_in(
        work.path(),
        &image(dir),
        &[
            "--vex",
            vex.to_str().expect("utf-8"),
            "--config",
            work.path().join("portcullis.toml").to_str().expect("utf-8"),
        ],
    );
    let all = findings(&t);
    assert!(all.contains(&"SQ31105 CVE-2021-23337 /srv/node-app/node_modules/lodash/package.json suppressed-by vex".to_owned()), "{all:#?}");
    assert!(
        all.contains(
            &"SQ31105 CVE-2022-1471 /opt/java/lib/snakeyaml-1.33.jar suppressed-by exception"
                .to_owned()
        ),
        "{all:#?}"
    );
    // Scoped to another version: urllib3 1.26.4 stays.
    assert!(all.contains(&"SQ31105 CVE-2021-33503 /opt/app/lib/python3.11/site-packages/urllib3-1.26.4.dist-info/METADATA".to_owned()), "{all:#?}");
    let lodash = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["vulnerability"]["id"] == "CVE-2021-23337")
        .expect("lodash");
    assert_eq!(
        lodash["suppressed"]["reason"],
        format!(
            "VEX {}: not_affected (vulnerable_code_not_in_execute_path): the app never calls _.template",
            vex.display()
        )
    );
    let v = t["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|v| v["id"] == "CVE-2021-23337")
        .expect("lodash vulnerability");
    assert_eq!(
        v["vex"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
}

#[test]
fn a_vex_document_that_names_nothing_is_an_error() {
    let work = tempfile::tempdir().expect("tempdir");
    let vex = work.path().join("empty.openvex.json");
    std::fs::write(
        &vex,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2026-11-30T12:00:00Z", "version": 1, "statements": []}"#,
    )
    .expect("write");
    let db = database().to_str().expect("utf-8");
    let o = portcullis(
        &[
            "scan",
            "--no-config",
            "--db",
            db,
            "--vex",
            vex.to_str().expect("utf-8"),
            "Dockerfile",
        ],
        work.path(),
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("error: {}: ", vex.display())),
        "{err}"
    );
}

#[test]
fn without_a_database_the_policies_say_why_they_do_not_apply() {
    let Some(dir) = fixtures_dir() else { return };
    let cwd = tempfile::tempdir().expect("tempdir");
    let o = portcullis(
        &["scan", "--no-config", "--format", "json", &image(dir)],
        cwd.path(),
    );
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    let note = format!(
        "note: no advisory database at {NO_DATABASE}: run `portcullis db update` (or `portcullis db import FILE` on a machine without network); the vulnerability policies (SQ31xxx) are not applicable\n"
    );
    assert!(stderr(&o).contains(&note), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("advisory database").count(), 1);
    let t = &json(&o)["targets"][0];
    assert!(t.get("vulnerabilities").is_none());
    let reason = format!(
        "no advisory database at {NO_DATABASE}: run `portcullis db update` (or `portcullis db import FILE` on a machine without network)"
    );
    let statuses = policy_statuses(t);
    let sq31: Vec<_> = statuses
        .iter()
        .filter(|(r, _, _)| r.starts_with("SQ31"))
        .collect();
    assert_eq!(sq31.len(), 7);
    for (rule, status, why) in sq31 {
        assert_eq!(status, "not-applicable", "{rule}");
        assert_eq!(why.as_deref(), Some(reason.as_str()), "{rule}");
    }
    // A Dockerfile has no packages: nothing said.
    let df = dir_with(&[("Dockerfile", "FROM scratch\nUSER 1000\n")]);
    let o = portcullis(&["scan", "--no-config", "Dockerfile"], df.path());
    assert!(!stderr(&o).contains("advisory database"), "{}", stderr(&o));
}

#[test]
fn a_damaged_or_too_old_database_is_refused() {
    let work = tempfile::tempdir().expect("tempdir");
    let copy = work.path().join("advisories.db");
    let mut bytes = std::fs::read(database()).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(&copy, &bytes).expect("write");
    let df = dir_with(&[("Dockerfile", "FROM scratch\n")]);
    let o = portcullis(
        &[
            "scan",
            "--no-config",
            "--db",
            copy.to_str().expect("utf-8"),
            "Dockerfile",
        ],
        df.path(),
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("error: {}: ", copy.display())),
        "{err}"
    );
    // Age: the database was written at least a second ago.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = portcullis(
        &[
            "scan",
            "--no-config",
            "--db",
            database().to_str().expect("utf-8"),
            "--db-max-age",
            "1s",
            "Dockerfile",
        ],
        df.path(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "error: {}: the advisory database is ",
            database().display()
        )) && err.trim_end().ends_with(
            " seconds old, older than --db-max-age allows (1s): run `portcullis db update`"
        ),
        "{err}"
    );
}

#[test]
fn cyclonedx_lists_the_vulnerabilities_of_its_components() {
    let Some(dir) = fixtures_dir() else { return };
    let cwd = tempfile::tempdir().expect("tempdir");
    let db = database().to_str().expect("utf-8");
    let o = portcullis(
        &[
            "scan",
            "--no-config",
            "--db",
            db,
            "--format",
            "cyclonedx",
            &image(dir),
        ],
        cwd.path(),
    );
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    let bom = json(&o);
    let refs: BTreeSet<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    let ids: BTreeSet<&str> = vulns.iter().filter_map(|v| v["id"].as_str()).collect();
    assert!(ids.contains("CVE-2023-46604"), "{ids:?}");
    for v in vulns {
        for a in v["affects"].as_array().expect("affects") {
            let r = a["ref"].as_str().expect("ref");
            assert!(refs.contains(r), "{r} is no component");
        }
    }
}
