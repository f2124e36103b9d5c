//! The GitLab report formats through the real binary: `codequality` (Code
//! Quality issues for merge requests) and `gitlab-container-scanning` (the
//! security report, checked against GitLab's own schema 15.0.7, the copy in
//! tests/data read offline), on the shipped example Dockerfile and image and
//! on the vulnerability fixture image with the committed advisories.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{json, Value};

mod common;
use common::*;

/// `portcullis ARGS` in `cwd` with the render time fixed.
fn run(args: &[&str], cwd: &Path, db: Option<&Path>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .current_dir(cwd)
        .env("PORTCULLIS_DB", db.unwrap_or(Path::new(NO_DATABASE)))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run portcullis")
}

fn parse(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// Check a container-scanning report against GitLab's schema.
fn valid_container_scanning(report: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo()
                .join("crates/portcullis/tests/data/container-scanning-report-format-15.0.7.json"),
        )
        .expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid container-scanning report:\n{}",
        errors.join("\n")
    );
}

fn scan_header(messages: Option<Value>) -> Value {
    let tool = json!({"id": "portcullis", "name": "portcullis", "version": env!("CARGO_PKG_VERSION"), "vendor": {"name": "portcullis"}});
    let mut scan = json!({
        "analyzer": tool,
        "scanner": tool,
        "type": "container_scanning",
        "status": "success",
        "start_time": "2023-11-14T22:13:20",
        "end_time": "2023-11-14T22:13:20",
    });
    if let Some(m) = messages {
        scan["messages"] = m;
    }
    scan
}

#[test]
fn the_schema_rejects_what_gitlab_would() {
    // The validator really validates: a report without `scan` and with a
    // vulnerability lacking its location is refused.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo()
                .join("crates/portcullis/tests/data/container-scanning-report-format-15.0.7.json"),
        )
        .expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("schema compiles");
    let bad = json!({"version": "15.0.7", "vulnerabilities": [{"id": "x", "identifiers": [{"type": "cve", "name": "CVE-1", "value": "CVE-1"}]}]});
    let errors: Vec<String> = validator
        .iter_errors(&bad)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(errors, ["", "/vulnerabilities/0"], "{errors:?}");
}

#[test]
fn container_scanning_without_a_database_says_so() {
    let o = run(
        &[
            "scan",
            "--no-config",
            "--format",
            "gitlab-container-scanning",
            "examples/app.tar",
            "examples/Dockerfile",
        ],
        &repo(),
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = parse(&o);
    valid_container_scanning(&report);
    // The image is named; the Dockerfile has no packages and no message.
    assert_eq!(
        report,
        json!({
            "version": "15.0.7",
            "schema": "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/container-scanning-report-format.json",
            "scan": scan_header(Some(json!([{
                "level": "warn",
                "value": "examples/app.tar: vulnerabilities were not checked (no advisory database; run `portcullis db update`)"
            }]))),
            "vulnerabilities": [],
        })
    );
}

#[test]
fn codequality_of_a_dockerfile() {
    let cq = parse(&run(
        &[
            "scan",
            "--no-config",
            "--format",
            "codequality",
            "./examples/Dockerfile",
        ],
        &repo(),
        None,
    ));
    let report = parse(&run(
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "./examples/Dockerfile",
        ],
        &repo(),
        None,
    ));
    let issues = cq.as_array().expect("an array");
    let placed: Vec<String> = issues
        .iter()
        .map(|i| {
            format!(
                "{} {} {}:{}",
                i["check_name"].as_str().expect("check_name"),
                i["severity"].as_str().expect("severity"),
                i["location"]["path"].as_str().expect("path"),
                i["location"]["lines"]["begin"]
            )
        })
        .collect();
    // As SARIF places them; the path relative to the repository, `./` gone.
    assert_eq!(
        placed,
        [
            "SQ40101 major examples/Dockerfile:12",
            "SQ40102 major examples/Dockerfile:17",
            "SQ40104 critical examples/Dockerfile:20",
            "SQ41101 minor examples/Dockerfile:12",
            "SQ41102 minor examples/Dockerfile:18",
            "SQ41103 minor examples/Dockerfile:21",
            "SQ41106 minor examples/Dockerfile:19",
            "PC43102 minor examples/Dockerfile:5",
            "PC43102 minor examples/Dockerfile:12",
        ]
    );
    let findings = report["targets"][0]["findings"]
        .as_array()
        .expect("findings");
    for (issue, finding) in issues.iter().zip(findings) {
        assert_eq!(issue["fingerprint"], finding["fingerprint"]);
        assert_eq!(issue["type"], "issue");
        assert_eq!(issue["categories"], json!(["Security"]));
        assert_eq!(
            issue["description"].as_str(),
            Some(
                format!(
                    "{}: {} (./examples/Dockerfile)",
                    finding["rule"].as_str().expect("rule"),
                    finding["message"].as_str().expect("message")
                )
                .as_str()
            )
        );
    }
    let unique: BTreeSet<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    assert_eq!(unique.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn codequality_of_an_image_points_at_its_dockerfile_lines_or_the_archive() {
    let cq = parse(&run(
        &[
            "scan",
            "--no-config",
            "--format",
            "codequality",
            "--dockerfile",
            "examples/image/Dockerfile",
            "examples/app.tar",
        ],
        &repo(),
        None,
    ));
    let placed: Vec<String> = cq
        .as_array()
        .expect("an array")
        .iter()
        .map(|i| {
            format!(
                "{} {} {}:{}",
                i["check_name"].as_str().unwrap_or(""),
                i["severity"].as_str().unwrap_or(""),
                i["location"]["path"].as_str().unwrap_or(""),
                i["location"]["lines"]["begin"]
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            "SQ40101 major examples/app.tar:1",
            "SQ40102 major examples/image/Dockerfile:8",
            "SQ40104 critical examples/image/Dockerfile:12",
            "SQ41101 minor examples/app.tar:1",
            "SQ41102 minor examples/image/Dockerfile:11",
            "SQ41103 minor examples/image/Dockerfile:13",
            "SQ18111 critical examples/app.tar:1",
        ]
    );
}

#[test]
fn codequality_leaves_suppressed_findings_out() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\n\
         USER 10001\n\
         # portcullis ignore=SQ40104 reason=\"a bastion: ssh is its job\"\n\
         EXPOSE 22\n",
    )]);
    let report = parse(&run(
        &["scan", "--no-config", "--format", "json", "Dockerfile"],
        dir.path(),
        None,
    ));
    let rules: Vec<&str> = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"SQ40104"), "the finding exists: {rules:?}");
    let cq = parse(&run(
        &[
            "scan",
            "--no-config",
            "--format",
            "codequality",
            "Dockerfile",
        ],
        dir.path(),
        None,
    ));
    let checks: Vec<&str> = cq
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|i| i["check_name"].as_str())
        .collect();
    assert!(!checks.contains(&"SQ40104"), "{checks:?}");
    assert_eq!(checks.len(), rules.len() - 1, "{checks:?} {rules:?}");
}

// ---------------------------------------------------------------- with vulnerabilities

fn vuln_complete(dir: &Path) -> Result<(), String> {
    has_outputs(dir, &["vulns-lang.docker.tar"])
}

const VULN_FIXTURES: FixtureSet = FixtureSet {
    script_dir: "vulns",
    env: "VULN",
    target: "vuln-fixtures",
    complete: vuln_complete,
};

/// A database of the committed OSV records and KEV excerpt.
fn database() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("advisories.db");
        let records = repo().join("fixtures/vulns");
        let o = portcullis(
            &[
                "db",
                "import",
                "--db",
                path.to_str().expect("utf-8"),
                records.join("osv").to_str().expect("utf-8"),
                records.join("kev.json").to_str().expect("utf-8"),
            ],
            dir.path(),
        );
        assert_eq!(code(&o), 0, "db import: {}", stderr(&o));
        (dir, path)
    });
    path
}

#[test]
fn container_scanning_of_the_vulnerable_image() {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let Some(fixtures) = VULN_FIXTURES.dir(&DIR) else {
        return;
    };
    let image = fixtures.join("vulns-lang.docker.tar");
    let image = image.to_str().expect("utf-8");
    let cwd = tempfile::tempdir().expect("tempdir");
    let scan = |format: &str| {
        let o = run(
            &["scan", "--no-config", "--format", format, image],
            cwd.path(),
            Some(database()),
        );
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        parse(&o)
    };
    let report = scan("gitlab-container-scanning");
    let full = scan("json");
    valid_container_scanning(&report);
    assert_eq!(report["version"], "15.0.7");
    assert_eq!(report["scan"], scan_header(None));

    // Exactly the SQ31xxx findings: (id, aliases, package, version), from the
    // JSON report's findings and inventory.
    let target = &full["targets"][0];
    let packages = target["packages"].as_array().expect("packages");
    let expected: BTreeSet<(String, Vec<String>, String, String)> = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .filter_map(|f| {
            let v = f.get("vulnerability")?;
            let p = packages
                .iter()
                .find(|p| p["purl"] == v["purl"])
                .expect("the finding's package is in the inventory");
            let name = match p["namespace"].as_str() {
                Some(ns) if p["type"] == "maven" => format!("{ns}:{}", p["name"].as_str()?),
                Some(ns) => format!("{ns}/{}", p["name"].as_str()?),
                None => p["name"].as_str()?.to_owned(),
            };
            let mut ids = vec![v["id"].as_str()?.to_owned()];
            ids.extend(
                v["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_owned)),
            );
            Some((ids[0].clone(), ids, name, p["version"].as_str()?.to_owned()))
        })
        .collect();
    assert_eq!(expected.len(), 13, "the fixture's vulnerabilities");
    let vulns = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities");
    let got: BTreeSet<(String, Vec<String>, String, String)> = vulns
        .iter()
        .map(|v| {
            let ids: Vec<String> = v["identifiers"]
                .as_array()
                .expect("identifiers")
                .iter()
                .map(|i| i["value"].as_str().expect("value").to_owned())
                .collect();
            (
                ids[0].clone(),
                ids,
                v["location"]["dependency"]["package"]["name"]
                    .as_str()
                    .expect("name")
                    .to_owned(),
                v["location"]["dependency"]["version"]
                    .as_str()
                    .expect("version")
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(vulns.len(), expected.len(), "one per finding");
    for v in vulns {
        assert_eq!(v["location"]["image"], "localhost/vulns-lang:1");
        assert_eq!(v["location"]["operating_system"], "debian 12 (bookworm)");
    }
    let ids: BTreeSet<&str> = vulns.iter().filter_map(|v| v["id"].as_str()).collect();
    assert_eq!(ids.len(), vulns.len(), "ids are unique");

    // One in full: Go's standard library, in KEV, unrated by its advisories.
    let stdlib = vulns
        .iter()
        .find(|v| v["identifiers"][0]["value"] == "CVE-2023-39325")
        .expect("CVE-2023-39325");
    assert_eq!(
        (
            &stdlib["name"],
            &stdlib["severity"],
            &stdlib["solution"],
            &stdlib["links"],
            &stdlib["identifiers"][0],
            &stdlib["identifiers"][3],
        ),
        (
            &json!("HTTP/2 rapid reset can cause excessive work in net/http"),
            &json!("Unknown"),
            &json!("Rebuild the binary with Go 1.20.10 or later (its standard library is compiled in). CISA's required action: Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable."),
            &json!([{"url": "https://go.dev/issue/63417"}]),
            &json!({"type": "cve", "name": "CVE-2023-39325", "value": "CVE-2023-39325", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-39325"}),
            &json!({"type": "go", "name": "GO-2023-2102", "value": "GO-2023-2102"}),
        )
    );
    assert!(
        stdlib["description"]
            .as_str()
            .is_some_and(|d| d.ends_with("(SQ31101: A package has a vulnerability in CISA's Known Exploited Vulnerabilities catalog)")),
        "{}",
        stdlib["description"]
    );
    // A CVSS v3.1 vector, with the advisory it is from.
    let vectors: Vec<&Value> = vulns.iter().filter_map(|v| v.get("cvss_vectors")).collect();
    assert_eq!(vectors.len(), 8, "the v3 vectors");
    let lodash = vulns
        .iter()
        .find(|v| {
            v["location"]["dependency"]["package"]["name"] == "lodash"
                && v["identifiers"][0]["value"] == "CVE-2021-23337"
        })
        .expect("lodash CVE-2021-23337");
    assert_eq!(
        lodash["cvss_vectors"],
        json!([{"vendor": "GHSA-35jh-r3h4-6jhm", "vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}])
    );
    assert_eq!(lodash["severity"], "High");
    // The same scan again: the same ids (made from the fingerprints).
    assert_eq!(scan("gitlab-container-scanning"), report);
}
