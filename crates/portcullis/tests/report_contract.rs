//! The report as a contract, through the real binary: no output links
//! anywhere that does not exist, the JSON report matches the published
//! schema (docs/report.schema.json), the scan block says how the run was
//! judged, and `--hide-suppressed` keeps the count of what it hides.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{code, dir_with, json, portcullis, repo, stderr, stdout};
use portcullis_report::Format;
use serde_json::Value;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `http://` or `https://` URL in `text`, to the first character
/// that cannot be in one as reports write them.
fn urls(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for scheme in ["http://", "https://"] {
        for (i, _) in text.match_indices(scheme) {
            let rest = &text[i..];
            let end = rest
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(c, '"' | '\'' | '<' | '>' | ')' | '`' | '\\' | ']')
                })
                .unwrap_or(rest.len());
            out.insert(rest[..end].to_owned());
        }
    }
    out
}

/// The standard URLs the formats require: SARIF's `$schema` (the OASIS
/// copy of the 2.1.0 schema), CycloneDX's `$schema` and GitLab's
/// container-scanning `schema` (v15.0.7), all published.
const SCHEMA_URLS: &[&str] = &[
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    "http://cyclonedx.org/schema/bom-1.6.schema.json",
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/container-scanning-report-format.json",
];

#[test]
fn no_output_of_any_format_carries_a_dead_link() {
    // Text that is not a link the report makes: URLs the scanned Dockerfiles
    // hold (quoted in messages, history and source lines) and those in the
    // rules' Dockerfile examples (SARIF's `help` carries the rule's doc).
    let mut quoted = urls(&read(&repo().join("examples/Dockerfile")));
    quoted.extend(urls(&read(&repo().join("examples/image/Dockerfile"))));
    let rules_doc = read(&repo().join("docs/rules.md"));
    quoted.extend(urls(&rules_doc));
    let configured = portcullis_report::docs_url();
    for target in ["examples/app.tar", "examples/Dockerfile"] {
        let out_dir = tempfile::tempdir().expect("tempdir");
        let mut args = vec!["scan".to_owned(), "--no-config".to_owned()];
        for f in Format::ALL {
            args.push("--format".to_owned());
            args.push(format!("{f}={}", out_dir.path().join(f.name()).display()));
        }
        args.push(target.to_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = portcullis(&args, &repo());
        assert_eq!(code(&out), 1, "{target}: {}", stderr(&out));
        let mut outputs = vec![("stdout (human)".to_owned(), stdout(&out))];
        for f in Format::ALL {
            outputs.push((f.to_string(), read(&out_dir.path().join(f.name()))));
        }
        for (name, text) in &outputs {
            assert!(
                !text.contains("example.invalid"),
                "{target} {name}: a placeholder link"
            );
            for url in urls(text) {
                let allowed = SCHEMA_URLS.contains(&url.as_str())
                    || quoted.contains(&url)
                    || configured.is_some_and(|base| url.starts_with(base));
                assert!(allowed, "{target} {name}: a link to {url}");
            }
        }
        let by_name = |n: &str| &outputs.iter().find(|(name, _)| name == n).expect(n).1;
        // Links proper: none, without a configured docs URL.
        if configured.is_none() {
            assert!(!by_name("markdown").contains("](http"), "{target}");
            let html = by_name("html");
            assert!(
                !html.contains("href=\"http") && !html.contains("src=\"http"),
                "{target}"
            );
            let sarif: Value = serde_json::from_str(by_name("sarif")).expect("sarif");
            let driver = &sarif["runs"][0]["tool"]["driver"];
            assert_eq!(driver.get("informationUri"), None, "{target}");
            let rules = driver["rules"].as_array().expect("rules");
            assert!(!rules.is_empty(), "{target}");
            for rule in rules {
                assert_eq!(rule.get("helpUri"), None, "{target}: {rule}");
                // The help is the rule's documentation itself.
                let id = rule["id"].as_str().expect("id");
                assert_eq!(
                    rule["help"]["markdown"].as_str(),
                    portcullis_report::rule_doc(id).as_deref(),
                    "{target}: {id}"
                );
            }
        }
        let sarif: Value = serde_json::from_str(by_name("sarif")).expect("sarif");
        valid_sarif(&sarif);
        let spdx: Value = serde_json::from_str(by_name("spdx")).expect("spdx");
        let ns = spdx["documentNamespace"].as_str().expect("namespace");
        assert!(
            ns.starts_with("urn:uuid:") && ns.len() == 45,
            "{target}: {ns}"
        );
    }
}

fn valid_sarif(log: &Value) {
    let schema: Value = serde_json::from_str(&read(
        &repo().join("crates/portcullis-report/tests/data/sarif-schema-2.1.0.json"),
    ))
    .expect("schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn report_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&read(&repo().join("docs/report.schema.json"))).expect("schema");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

#[test]
fn the_report_schema_is_current() {
    let out = portcullis(&["config", "schema", "--report"], &repo());
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        read(&repo().join("docs/report.schema.json")),
        "docs/report.schema.json is stale: run `portcullis config schema --report > docs/report.schema.json`"
    );
    let schema: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(schema["$id"], "urn:portcullis:report.schema.json");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

/// The JSON reports of real scans, the fixture images when they are built
/// (PORTCULLIS_SECRET_FIXTURES, PORTCULLIS_PACKAGE_FIXTURES).
#[test]
fn json_reports_of_real_scans_match_the_schema() {
    let validator = report_validator();
    let mut targets: Vec<String> = vec![
        "examples/app.tar".into(),
        "examples/Dockerfile".into(),
        "fixtures/images/docker-classic.tar".into(),
    ];
    for (var, image) in [
        ("PORTCULLIS_SECRET_FIXTURES", "docker-classic.tar"),
        ("PORTCULLIS_PACKAGE_FIXTURES", "pkgs-main.docker.tar"),
    ] {
        match std::env::var_os(var) {
            Some(dir) if Path::new(&dir).join(image).exists() => {
                targets.push(Path::new(&dir).join(image).to_string_lossy().into_owned())
            }
            _ => eprintln!("{var} not set or without {image}: that fixture is not checked"),
        }
    }
    for target in &targets {
        let out = portcullis(&["scan", "--no-config", "-f", "json", target], &repo());
        assert!(matches!(code(&out), 0 | 1), "{target}: {}", stderr(&out));
        let report = json(&out);
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{target}:\n{}", errors.join("\n"));
        let scan = &report["scan"];
        assert_eq!(scan["policy_file"], Value::Null, "{target}");
        assert_eq!(scan["fail_on"], "medium", "{target}");
        assert_eq!(scan["tool_version"], env!("CARGO_PKG_VERSION"));
        assert!(
            rfc3339_utc(scan["started"].as_str().expect("started")),
            "{target}: {scan}"
        );
        assert!(scan["duration_ms"].is_u64(), "{target}: {scan}");
        let first = &report["targets"][0];
        if first["kind"] == "dockerfile" {
            assert_eq!(first.get("config"), None, "{target}");
        } else {
            assert_eq!(first["config"]["os"], "linux", "{target}");
        }
    }
    // A wrong report is refused: the schema checks something.
    let mut broken = json(&portcullis(
        &["scan", "--no-config", "-f", "json", "examples/Dockerfile"],
        &repo(),
    ));
    broken["scan"]["duration_ms"] = Value::from("soon");
    broken["targets"][0]["verdict"] = Value::from("maybe");
    let errors: Vec<String> = validator
        .iter_errors(&broken)
        .map(|e| e.instance_path().to_string())
        .collect();
    // `scan` may be null (older reports), so its error is the whole block's.
    assert_eq!(errors, ["/scan", "/targets/0/verdict"]);
}

/// `YYYY-MM-DDTHH:MM:SSZ` with plausible fields.
fn rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    s.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z'
        && (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) < 24
        && num(14..16) < 60
        && num(17..19) < 61
}

#[test]
fn source_date_epoch_fixes_the_scan_time() {
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .args(["scan", "--no-config", "-f", "json", "examples/app.tar"])
            .current_dir(repo())
            .env("PORTCULLIS_DB", common::NO_DATABASE)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .expect("run")
    };
    let (a, b) = (run(), run());
    assert_eq!(code(&a), 1, "{}", stderr(&a));
    let report = json(&a);
    assert_eq!(report["scan"]["started"], "2023-11-14T22:13:20Z");
    assert_eq!(report["scan"]["duration_ms"], 0);
    // SARIF says when too.
    let sarif = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["scan", "--no-config", "-f", "sarif", "examples/app.tar"])
        .current_dir(repo())
        .env("PORTCULLIS_DB", common::NO_DATABASE)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run");
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["invocations"][0]["startTimeUtc"],
        "2023-11-14T22:13:20Z"
    );
    assert_eq!(stdout(&a), stdout(&b), "two scans, one report");
}

const POLICY: &str = r#"
fail-on = "high"

[[exception]]
rules = ["SQ40104"]
dockerfiles = ["Dockerfile"]
reason = "the debug image keeps sshd"
expires = "2099-12-31"
ticket = "SEC-12"

[[exception]]
rules = ["SQ41101"]
dockerfiles = ["Dockerfile"]
reason = "old"
expires = "2020-01-01"
"#;

const DOCKERFILE: &str = "FROM debian:12\nUSER app\nEXPOSE 22\nCMD [\"app\"]\n";

#[test]
fn the_scan_block_names_the_policy_threshold_and_exceptions() {
    let dir = dir_with(&[("portcullis.toml", POLICY), ("Dockerfile", DOCKERFILE)]);
    let out = portcullis(&["scan", "-f", "json", "Dockerfile"], dir.path());
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let scan = json(&out)["scan"].clone();
    assert_eq!(scan["policy_file"], "portcullis.toml", "{scan}");
    assert_eq!(scan["fail_on"], "high");
    assert_eq!(scan["profile"], Value::Null);
    assert_eq!(
        scan["exceptions"],
        serde_json::json!([
            {"rules": ["SQ40104"], "reason": "the debug image keeps sshd", "expires": "2099-12-31",
             "ticket": "SEC-12", "active": true, "at": "portcullis.toml:4"},
            {"rules": ["SQ41101"], "reason": "old", "expires": "2020-01-01",
             "ticket": null, "active": false, "at": "portcullis.toml:11"}
        ])
    );
    let human = stdout(&portcullis(&["scan", "Dockerfile"], dir.path()));
    for line in [
        "\nPolicy: portcullis.toml; fail-on high; 2 exceptions (1 in effect on ",
        "  SQ40104 until 2099-12-31: the debug image keeps sshd (portcullis.toml:4)\n",
        "  SQ41101 expired 2020-01-01: old (portcullis.toml:11)\n",
    ] {
        assert!(human.contains(line), "no {line:?} in:\n{human}");
    }
    let html_dir = tempfile::tempdir().expect("tempdir");
    let html_path = html_dir.path().join("r.html");
    let html_arg = format!("html={}", html_path.display());
    portcullis(&["scan", "-q", "-f", &html_arg, "Dockerfile"], dir.path());
    let html = read(&html_path);
    assert!(
        html.contains(")</li><li>SQ40104 until 2099-12-31: the debug image keeps sshd (portcullis.toml:4)</li>"),
        "{html}"
    );
}

#[test]
fn an_image_report_shows_its_references_and_config() {
    let out = portcullis(&["scan", "--no-config", "examples/app.tar"], &repo());
    let human = stdout(&out);
    assert!(
        human.starts_with(
            "examples/app.tar FAIL\n  References: localhost/app:1\n  Config: linux/amd64, user not set (root), entrypoint none, cmd [\"/bin/sh\",\"-c\",\"/usr/local/bin/app --listen :8080\"], workdir /, ports 22/tcp, 8080/tcp\n"
        ),
        "{human}"
    );
}

#[test]
fn hide_suppressed_leaves_the_baseline_out_but_counts_it() {
    let dir = dir_with(&[("Dockerfile", DOCKERFILE)]);
    let base = portcullis(
        &[
            "scan",
            "--no-config",
            "--write-baseline",
            "base.json",
            "-q",
            "Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(code(&base), 0, "{}", stderr(&base));
    // One new finding on top of the baseline.
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("{DOCKERFILE}EXPOSE 23\n"),
    )
    .expect("write");
    let args = ["scan", "--no-config", "--baseline", "base.json"];
    let all = stdout(&portcullis(
        &[&args[..], &["Dockerfile"]].concat(),
        dir.path(),
    ));
    let hidden_run = portcullis(
        &[&args[..], &["--hide-suppressed", "Dockerfile"]].concat(),
        dir.path(),
    );
    assert_eq!(code(&hidden_run), 1, "the new finding fails");
    let hidden = stdout(&hidden_run);
    let suppressed = all.matches("SUPPRESSED").count();
    assert_eq!(suppressed, 3, "SQ40104, SQ41101 and PC43102: {all}");
    assert_eq!(hidden.matches("SUPPRESSED").count(), 0, "{hidden}");
    assert!(
        hidden.contains("SQ40105"),
        "the new one is listed: {hidden}"
    );
    let summary = |n: usize| {
        format!("Summary: 1 failed, 0 warned, 0 info, {n} suppressed ({n} by baseline, 0 by exception, 0 by inline comment), ")
    };
    assert!(all.contains(&summary(suppressed)), "{all}");
    assert!(
        hidden.contains(&format!(
            "; the {suppressed} suppressed findings are not listed (--hide-suppressed)\n"
        )),
        "{hidden}"
    );
    assert!(hidden.contains(&summary(suppressed)), "{hidden}");
    // `convert` hides the same way, from the saved report.
    let saved = portcullis(
        &[
            &args[..],
            &["--hide-suppressed", "-f", "json=r.json", "Dockerfile"],
        ]
        .concat(),
        dir.path(),
    );
    let converted = portcullis(&["convert", "--hide-suppressed", "r.json"], dir.path());
    assert_eq!(code(&converted), 1, "{}", stderr(&converted));
    // (A saved report has no source lines to show; the rest is the same.)
    let summary_line = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("Summary: "))
            .map(str::to_owned)
    };
    let converted = stdout(&converted);
    assert_eq!(summary_line(&converted), summary_line(&stdout(&saved)));
    assert!(
        summary_line(&converted).is_some_and(|l| l.ends_with(" not listed (--hide-suppressed)"))
    );
    assert_eq!(converted.matches("SUPPRESSED").count(), 0, "{converted}");
    assert!(converted.contains("FAIL SQ40105 (high)"), "{converted}");
    // The machine formats keep every finding.
    let j = json(&portcullis(
        &[
            &args[..],
            &["--hide-suppressed", "-f", "json", "Dockerfile"],
        ]
        .concat(),
        dir.path(),
    ));
    let findings = j["targets"][0]["findings"].as_array().expect("findings");
    assert_eq!(
        findings
            .iter()
            .filter(|f| !f["suppressed"].is_null())
            .count(),
        suppressed
    );
    // Markdown says the same.
    let md = stdout(&portcullis(
        &[
            &args[..],
            &["--hide-suppressed", "-f", "markdown", "Dockerfile"],
        ]
        .concat(),
        dir.path(),
    ));
    assert!(
        md.contains(&format!(
            "; the {suppressed} suppressed findings are not listed (--hide-suppressed).\n"
        )),
        "{md}"
    );
    assert!(!md.contains("\n| suppressed | ["), "{md}");
    assert!(
        md.contains(&format!(
            "| `Dockerfile` | **FAIL** | 0 | 1 | 0 | 0 | 0 | {suppressed} |\n"
        )),
        "{md}"
    );
}

#[test]
fn the_scan_block_names_the_advisory_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("advisories.db");
    let db_arg = db.to_str().expect("utf-8");
    let kev = repo().join("fixtures/vulns/kev.json");
    let o = portcullis(
        &["db", "import", "--db", db_arg, kev.to_str().expect("utf-8")],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "db import: {}", stderr(&o));
    let out = portcullis(
        &[
            "scan",
            "--no-config",
            "--db",
            db_arg,
            "-f",
            "json",
            "examples/app.tar",
        ],
        &repo(),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let info = &report["scan"]["advisory_db"];
    assert_eq!(info["path"], db_arg, "{info}");
    assert!(
        rfc3339_utc(info["built"].as_str().expect("built")),
        "{info}"
    );
    assert!(info["age_seconds"].is_u64(), "{info}");
    let human = stdout(&portcullis(
        &["scan", "--no-config", "--db", db_arg, "examples/app.tar"],
        &repo(),
    ));
    assert!(
        human.contains(&format!("\nAdvisory database: {db_arg}, built ")),
        "{human}"
    );
    // Without one, the block says none.
    let none = json(&portcullis(
        &["scan", "--no-config", "-f", "json", "examples/app.tar"],
        &repo(),
    ));
    assert_eq!(none["scan"]["advisory_db"], Value::Null);
}
