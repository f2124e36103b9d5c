//! The policy file through the real binary: discovery, --config,
//! --no-config, --fail-on, exceptions and their expiry, the policy file's own
//! findings, `config check`, and exit statuses.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

const DOCKERFILE: &str = "FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48\nEXPOSE 22\nADD app.tar.gz /opt/\nUSER app\nHEALTHCHECK CMD true\nCMD [\"/opt/app\"]\n";

fn portcullis(args: &[&str], cwd: &Path) -> Output {
    portcullis_on(args, cwd, None)
}

fn portcullis_on(args: &[&str], cwd: &Path, today: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    command
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("PORTCULLIS_TODAY");
    if let Some(today) = today {
        command.env("PORTCULLIS_TODAY", today);
    }
    command.output().expect("run portcullis")
}

/// (rule, action, suppressed reason) of each finding of each target.
fn findings(report: &Value) -> Vec<(String, String, String, Option<String>)> {
    let mut out = Vec::new();
    for t in report["targets"].as_array().expect("targets") {
        for f in t["findings"].as_array().expect("findings") {
            out.push((
                t["target"].as_str().unwrap_or("").to_owned(),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["action"].as_str().unwrap_or("").to_owned(),
                f["suppressed"]["reason"].as_str().map(str::to_owned),
            ));
        }
    }
    out
}

#[test]
fn without_a_policy_file_the_default_applies() {
    let dir = dir_with(&[("Dockerfile", DOCKERFILE)]);
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let rules: Vec<(String, String)> = findings(&report)
        .into_iter()
        .map(|(_, r, a, _)| (r, a))
        .collect();
    assert_eq!(
        rules,
        [
            ("SQ40104".to_owned(), "fail".to_owned()),
            ("SQ41102".to_owned(), "warn".to_owned())
        ]
    );
}

#[test]
fn the_policy_file_is_found_by_walking_up() {
    let dir = dir_with(&[
        ("portcullis.toml", "fail-on = \"critical\"\n"),
        ("svc/deeper/Dockerfile", DOCKERFILE),
    ]);
    let cwd = dir.path().join("svc/deeper");
    let out = portcullis(&["scan"], &cwd);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).ends_with("2 findings (1 high, 1 low), 0 failing, 0 suppressed: PASS\n"),
        "{}",
        stdout(&out)
    );
    // --no-config ignores it.
    let out = portcullis(&["scan", "--no-config"], &cwd);
    assert_eq!(code(&out), 1);
    // --config names another one, relative to the working directory.
    std::fs::write(cwd.join("strict.toml"), "profile = \"strict\"\n").expect("write");
    let out = portcullis(
        &["scan", "--config", "strict.toml", "--format", "json"],
        &cwd,
    );
    assert_eq!(code(&out), 1);
    let actions: Vec<String> = findings(&json(&out))
        .into_iter()
        .map(|(_, _, a, _)| a)
        .collect();
    assert_eq!(actions, ["fail", "fail"]);
    // `config check` finds it too.
    let out = portcullis(&["config", "check"], &cwd);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        "../../portcullis.toml: ok (115 rules enabled, 0 exceptions, fail-on critical)\n"
    );
}

#[test]
fn command_line_fail_on_wins_over_the_file() {
    let dir = dir_with(&[
        ("portcullis.toml", "fail-on = \"critical\"\n"),
        ("Dockerfile", DOCKERFILE),
    ]);
    let out = portcullis(&["scan", "--fail-on", "low"], dir.path());
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).ends_with("2 findings (1 high, 1 low), 2 failing, 0 suppressed: FAIL\n"));
    let out = portcullis(&["scan", "--fail-on", "never", "--no-config"], dir.path());
    assert_eq!(code(&out), 0);
    let out = portcullis(&["scan", "--fail-on", "severe"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: --fail-on: expected info, low, medium, high, critical or never, got \"severe\"\n"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn rule_settings_in_the_report() {
    let dir = dir_with(&[
        (
            "portcullis.toml",
            "disable = [\"SQ401*\"]\n\n[rule.SQ41102]\nseverity = \"high\"\naction = \"fail\"\n",
        ),
        ("Dockerfile", DOCKERFILE),
    ]);
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let f = &report["targets"][0]["findings"];
    assert_eq!(f.as_array().map(Vec::len), Some(1));
    assert_eq!(f[0]["rule"], "SQ41102");
    assert_eq!(f[0]["severity"], "high");
    assert_eq!(f[0]["action"], "fail");
    let policies: Vec<&str> = report["targets"][0]["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter_map(|p| p["rule"].as_str())
        .collect();
    assert!(!policies.iter().any(|p| p.starts_with("SQ401")));
}

const EXCEPTIONS: &str = r#"# the organisation's accepted risks
[[exception]]
rules = ["SQ40104"]
dockerfiles = ["Dockerfile"]
ports = ["22/tcp"]
reason = "bastion host, reviewed"
expires = 2026-06-30
ticket = "SEC-42"

[[exception]]
rules = ["SQ40105"]
reason = "telnet was removed"
"#;

#[test]
fn exceptions_suppress_until_they_expire() {
    let dir = dir_with(&[("portcullis.toml", EXCEPTIONS), ("Dockerfile", DOCKERFILE)]);
    // On its expiry date the exception still applies.
    let out = portcullis_on(
        &["scan", "--format", "json"],
        dir.path(),
        Some("2026-06-30"),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "pass");
    let ssh = &report["targets"][0]["findings"][0];
    assert_eq!(ssh["rule"], "SQ40104");
    assert_eq!(
        ssh["suppressed"],
        serde_json::json!({"by": "exception", "reason": "bastion host, reviewed (SEC-42)"})
    );
    let status = report["targets"][0]["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .find(|p| p["rule"] == "SQ40104")
        .map(|p| p["status"].clone());
    assert_eq!(status, Some(Value::from("suppressed")));
    // The exception that matched nothing is reported at its line, as a warning.
    let own = &report["targets"][1];
    assert_eq!(own["target"], "portcullis.toml");
    assert_eq!(own["kind"], "policy");
    assert_eq!(own["verdict"], "pass");
    assert_eq!(
        own["findings"][0]["location"],
        serde_json::json!({"kind": "policy", "path": "portcullis.toml", "line": 10, "column": 1, "end_line": 10, "end_column": 14})
    );
    assert_eq!(own["findings"][0]["rule"], "SQ49002");
    assert_eq!(own["findings"][0]["action"], "warn");
    assert_eq!(
        own["findings"][0]["message"],
        "the exception for SQ40105 matched no finding in this scan"
    );

    // The day after, it no longer applies, and says so.
    let out = portcullis_on(
        &["scan", "--format", "json"],
        dir.path(),
        Some("2026-07-01"),
    );
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let got = findings(&report);
    assert_eq!(
        got,
        [
            ("Dockerfile".into(), "SQ40104".into(), "fail".into(), None),
            ("Dockerfile".into(), "SQ41102".into(), "warn".into(), None),
            (
                "portcullis.toml".into(),
                "SQ49001".into(),
                "warn".into(),
                None
            ),
            (
                "portcullis.toml".into(),
                "SQ49002".into(),
                "warn".into(),
                None
            ),
        ]
    );
    assert_eq!(
        report["targets"][1]["findings"][0]["message"],
        "the exception for SQ40104 expired on 2026-06-30 and no longer applies (reason: bastion host, reviewed)"
    );
    assert_eq!(report["targets"][1]["findings"][0]["location"]["line"], 2);

    // The human report ends with the counts, the suppressed and the verdict.
    let out = portcullis_on(&["scan"], dir.path(), Some("2026-06-30"));
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.ends_with("2 targets, 3 findings (1 high, 2 low), 0 failing, 1 suppressed: PASS\n"),
        "{text}"
    );
    assert!(text.contains("    WARN SQ49002 (low) the exception for SQ40105 matched no finding in this scan\n         --> portcullis.toml:10:1\n"), "{text}");
}

#[test]
fn a_bad_today_is_an_error() {
    let dir = dir_with(&[("Dockerfile", DOCKERFILE)]);
    let out = portcullis_on(&["scan"], dir.path(), Some("2026-02-30"));
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: PORTCULLIS_TODAY: `2026-02-30` is not a date: February 2026 has 28 days\n"
    );
}

#[test]
fn errors_in_the_policy_file_stop_the_scan() {
    let dir = dir_with(&[
        (
            "portcullis.toml",
            "disable = [\"SQ40199\"]\n\n[[exception]]\nrules = [\"SQ40104\"]\nexpires = \"2026-13-01\"\n",
        ),
        ("Dockerfile", DOCKERFILE),
    ]);
    let want = "error: portcullis.toml:1:12: unknown rule code `SQ40199`; `portcullis rules` lists them\n\
                error: portcullis.toml:3:1: exception has no `reason`: say why it is accepted (reason = \"…\")\n\
                error: portcullis.toml:5:11: `2026-13-01` is not a date: there is no month 13\n";
    for args in [
        &["scan"][..],
        &["scan", "--format", "json"],
        &["config", "check"],
    ] {
        let out = portcullis(args, dir.path());
        assert_eq!(code(&out), 2, "{args:?}");
        assert_eq!(stderr(&out), want, "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    // A syntax error, located.
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "fail-on = \"high\nprofile = 1\n",
    )
    .expect("write");
    let out = portcullis(&["config", "check"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: portcullis.toml:1:16: invalid basic string, expected `\"`\n"
    );
    // --no-config does not read it.
    let out = portcullis(&["scan", "--no-config"], dir.path());
    assert_eq!(code(&out), 1);
}

#[test]
fn config_check_paths_and_missing_files() {
    let dir = dir_with(&[
        ("org/base.toml", "profile = \"audit\"\n"),
        ("app/portcullis.toml", "extends = \"../org/base.toml\"\n[[exception]]\nrules = [\"SQ401*\"]\nreason = \"legacy\"\n"),
    ]);
    let out = portcullis(&["config", "check", "app/portcullis.toml"], dir.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "app/portcullis.toml: ok (115 rules enabled, 1 exception, fail-on never)\n"
    );
    let out = portcullis(&["config", "check", "nope.toml"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: nope.toml: cannot read: No such file or directory\n"
    );
    let out = portcullis(&["scan", "--config", "nope.toml"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: nope.toml: cannot read: No such file or directory\n"
    );
    let out = portcullis(&["config", "check"], &dir.path().join("org"));
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: no portcullis.toml in the working directory or above\n"
    );
    let out = portcullis(&["scan", "--config", "x.toml", "--no-config"], dir.path());
    assert_eq!(code(&out), 2);
}

#[test]
fn the_schema_is_printed_as_documented() {
    let dir = dir_with(&[]);
    let out = portcullis(&["config", "schema"], dir.path());
    assert_eq!(code(&out), 0);
    let on_disk = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/portcullis.schema.json"),
    )
    .expect("schema");
    assert_eq!(stdout(&out), on_disk);
}

#[test]
fn sarif_carries_suppressions_and_policy_file_locations() {
    let dir = dir_with(&[("portcullis.toml", EXCEPTIONS), ("Dockerfile", DOCKERFILE)]);
    let out = portcullis_on(
        &["scan", "--format", "sarif"],
        dir.path(),
        Some("2026-06-30"),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let log = json(&out);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let ssh = results
        .iter()
        .find(|r| r["ruleId"] == "SQ40104")
        .expect("SQ40104");
    assert_eq!(ssh["suppressions"][0]["kind"], "external");
    let unused = results
        .iter()
        .find(|r| r["ruleId"] == "SQ49002")
        .expect("SQ49002");
    let physical = &unused["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "portcullis.toml");
    assert_eq!(physical["region"]["startLine"], 10);
    assert_eq!(unused["level"], "warning");
}

const SUPPRESSED: &str = r#"FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48
# portcullis ignore=SQ40104 reason="bastion, reviewed"
EXPOSE 22
# portcullis ignore=SQ41102,SQ41103,SQ4999
ADD x \
    /x

# portcullis ignore=SQ41103 reason="detached by the blank line"

CMD sshd
# portcullis ignore-file=SQ41101,SQ40101 reason="orchestrator checks health"
"#;

fn summary(report: &Value) -> Vec<(String, u64, Option<String>, Option<String>)> {
    report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["suppressed"]["by"].as_str().map(str::to_owned),
                f["suppressed"]["reason"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| f["message"].as_str().map(str::to_owned)),
            )
        })
        .collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn inline_suppressions() {
    let dir = dir_with(&[("Dockerfile", SUPPRESSED)]);
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    // SQ41103 is not suppressed (the comment is detached) and warns; the
    // unused suppressions warn: the verdict passes.
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let inline = s("inline");
    assert_eq!(
        summary(&json(&out)),
        [
            ("SQ40101".into(), 1, inline.clone(), s("orchestrator checks health")),
            ("SQ40104".into(), 3, inline.clone(), s("bastion, reviewed")),
            ("SQ41101".into(), 1, inline.clone(), s("orchestrator checks health")),
            ("SQ41102".into(), 5, inline.clone(), s("(no reason given)")),
            (
                "SQ41103".into(),
                10,
                None,
                s("CMD sshd is shell form: it runs through /bin/sh -c, which does not forward signals")
            ),
            ("SQ49003".into(), 4, None, s("the suppression of SQ41103 suppressed nothing")),
            ("SQ49003".into(), 4, None, s("the suppression names `SQ4999`, which is not a rule")),
            (
                "SQ49003".into(),
                8,
                None,
                s("the suppression of SQ41103 is not directly above an instruction, so it suppresses nothing")
            ),
        ]
    );
}

#[test]
fn require_reason_rejects_suppressions_without_one() {
    let dir = dir_with(&[
        ("Dockerfile", SUPPRESSED),
        ("portcullis.toml", "require-reason = true\n"),
    ]);
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    assert_eq!(code(&out), 1);
    let got = summary(&json(&out));
    let add = got.iter().find(|f| f.0 == "SQ41102").expect("SQ41102");
    assert_eq!(add.2, None);
    let rejected = got.iter().find(|f| f.0 == "SQ49004").expect("SQ49004");
    assert_eq!(
        rejected,
        &(
            "SQ49004".into(),
            4,
            None,
            s("the suppression of SQ41102, SQ41103, SQ4999 gives no reason=\"…\", which this policy requires (require-reason = true); it is not applied")
        )
    );
    // Unused-suppression findings can be turned off like any rule.
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "disable = [\"SQ49003\"]\n",
    )
    .expect("write");
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    assert!(!summary(&json(&out)).iter().any(|f| f.0 == "SQ49003"));
}

#[test]
fn dockerfiles_without_suppressions_list_no_suppression_policies() {
    let dir = dir_with(&[("Dockerfile", DOCKERFILE)]);
    let out = portcullis(&["scan", "--format", "json"], dir.path());
    let policies = json(&out)["targets"][0]["policies"].to_string();
    assert!(!policies.contains("SQ4900"), "{policies}");
}

#[test]
fn baselines_fail_only_on_new_findings_and_survive_line_moves() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48\nUSER app\nHEALTHCHECK CMD true\nEXPOSE 22\nADD x /x\n",
    )]);
    let out = portcullis(
        &[
            "scan",
            "--write-baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let reasons: Vec<Option<String>> = findings(&report).into_iter().map(|f| f.3).collect();
    assert_eq!(
        reasons,
        [
            s("in the baseline baseline.json"),
            s("in the baseline baseline.json")
        ]
    );
    assert_eq!(
        report["targets"][0]["findings"][0]["suppressed"]["by"],
        "baseline"
    );
    let written: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("baseline.json")).expect("baseline written"),
    )
    .expect("JSON");
    assert_eq!(written["version"], 1);
    let rules: Vec<&str> = written["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["SQ40104", "SQ41102"]);
    let fingerprint = report["targets"][0]["findings"][0]["fingerprint"].clone();
    assert_eq!(written["findings"][0]["fingerprint"], fingerprint);

    // Lines move, a new finding appears: only the new one fails.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# moved down\nFROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48\n\nUSER app\nHEALTHCHECK CMD true\nEXPOSE 23\nEXPOSE 22\nADD x /x\n",
    )
    .expect("write");
    let out = portcullis(
        &["scan", "--baseline", "baseline.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let got: Vec<(String, Option<String>)> =
        findings(&report).into_iter().map(|f| (f.1, f.3)).collect();
    assert_eq!(
        got,
        [
            ("SQ40104".into(), s("in the baseline baseline.json")),
            ("SQ40105".into(), None),
            ("SQ41102".into(), s("in the baseline baseline.json")),
        ]
    );
    assert_eq!(
        report["targets"][0]["findings"][0]["fingerprint"],
        fingerprint
    );
    assert_eq!(report["targets"][0]["findings"][0]["location"]["line"], 7);
    let status = |rule: &str| {
        report["targets"][0]["policies"]
            .as_array()
            .expect("policies")
            .iter()
            .find(|p| p["rule"] == rule)
            .map(|p| p["status"].clone())
    };
    assert_eq!(status("SQ40104"), Some(Value::from("suppressed")));
    assert_eq!(status("SQ40105"), Some(Value::from("fail")));

    // Without the new finding, the baseline passes.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48\nUSER app\nHEALTHCHECK CMD true\n\nEXPOSE 22\nADD x /x\n",
    )
    .expect("write");
    let out = portcullis(&["scan", "--baseline", "baseline.json"], dir.path());
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).ends_with("2 findings (1 high, 1 low), 0 failing, 2 suppressed: PASS\n"));
}

#[test]
fn baseline_errors() {
    let dir = dir_with(&[
        ("Dockerfile", DOCKERFILE),
        ("bad.json", "{\"version\": 2, \"findings\": []}"),
    ]);
    let out = portcullis(&["scan", "--baseline", "none.json"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: none.json: cannot read: No such file or directory\n"
    );
    let out = portcullis(&["scan", "--baseline", "bad.json"], dir.path());
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: bad.json: baseline version 2 is not supported (this portcullis reads version 1)\n"
    );
    let out = portcullis(
        &[
            "scan",
            "--baseline",
            "bad.json",
            "--write-baseline",
            "b.json",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    let out = portcullis(
        &["scan", "--write-baseline", "missing/dir/b.json"],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: missing/dir/b.json: cannot write the baseline: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn suppression_reasons_are_printed_escaped() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48\nUSER app\nHEALTHCHECK CMD true\n# portcullis ignore=SQ41102 reason=\"ok\x1b[2J\"\nADD x /x\n",
    )]);
    let out = portcullis(&["scan", "--color", "never"], dir.path());
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("suppressed: ok\\u{1b}[2J (inline)"), "{text}");
}

#[test]
fn exceptions_on_a_real_image() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let image = repo.join("examples/app.tar");
    let image = image.to_str().expect("UTF-8 path");
    let dir = dir_with(&[(
        "portcullis.toml",
        r#"fail-on = "high"

[[exception]]
rules = ["SQ40102"]
images = ["*app.tar"]
paths = ["/usr/local/bin/*"]
reason = "the app drops privileges itself"

[[exception]]
rules = ["SQ40104"]
images = ["sha256:766c7fd3*"]
ports = ["22/tcp"]
reason = "debug port, removed in the next release"

[[exception]]
rules = ["SQ40104"]
images = ["other.tar"]
reason = "for another image"

[[exception]]
rules = ["SQ18111"]
images = ["*app.tar"]
paths = ["/bin/busybox"]
reason = "Debian builds busybox-static without PIE"
"#,
    )]);
    let out = portcullis(&["scan", image, "--format", "json"], dir.path());
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report = json(&out);
    let got: Vec<(String, Option<String>)> =
        findings(&report).into_iter().map(|f| (f.1, f.3)).collect();
    assert_eq!(
        got,
        [
            ("SQ40101".into(), None),
            ("SQ40102".into(), s("the app drops privileges itself")),
            (
                "SQ40104".into(),
                s("debug port, removed in the next release")
            ),
            ("SQ41101".into(), None),
            ("SQ41102".into(), None),
            ("SQ41103".into(), None),
            (
                "SQ18111".into(),
                s("Debian builds busybox-static without PIE")
            ),
            ("SQ49002".into(), None),
        ]
    );
    assert_eq!(report["targets"][1]["findings"][0]["location"]["line"], 15);
}

#[test]
fn explain_knows_the_policy_file_rules() {
    let dir = dir_with(&[]);
    for rule in ["SQ49001", "sq49002", "SQ49003", "SQ49004"] {
        let out = portcullis(&["explain", rule], dir.path());
        assert_eq!(code(&out), 0, "{rule}");
        assert!(stdout(&out).starts_with(&format!("## {}", rule.to_uppercase())));
        assert!(stdout(&out).contains("### How to fix it"));
    }
}

/// On a terminal, each error is followed by its line and a marker (run
/// under `script`, util-linux, for a pseudo-terminal; skipped without it).
#[test]
fn errors_on_a_terminal_show_the_line() {
    let dir = dir_with(&[(
        "bad.toml",
        "fail-on = \"high\"\n[rule.SQ40104]\nseverity = \"huge\"\n",
    )]);
    let command = format!("{} config check bad.toml", env!("CARGO_BIN_EXE_portcullis"));
    let Ok(out) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
    else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    let text = stdout(&out).replace("\r\n", "\n");
    if !text.starts_with("error: ") {
        eprintln!(
            "skipped: `script` could not make a terminal: {}",
            stderr(&out)
        );
        return;
    }
    assert_eq!(
        text,
        "error: bad.toml:3:12: unknown value `huge`, expected one of `info`, `low`, `medium`, `high`, `critical`\n  |\n3 | severity = \"huge\"\n  |            ^\n"
    );
}
