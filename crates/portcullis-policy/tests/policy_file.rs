//! The policy file: every key, precedence, exceptions and their expiry, and
//! the exact error for each kind of mistake.

use std::path::Path;

use portcullis_policy::{Action, Date, Policy, Status, TargetInfo, Verdict};
use portcullis_rules::registry::{find, Outcome};
use portcullis_rules::{Finding, Location, Rule, Severity};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn load(text: &str) -> Result<Policy, Vec<String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "portcullis.toml", text);
    Policy::load(&path, "portcullis.toml")
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect())
}

fn rule(code: &str) -> &'static Rule {
    find(code).expect("rule")
}

fn finding(code: &'static str, message: &str, location: Location) -> Finding {
    Finding {
        rule: code,
        message: message.into(),
        location,
        related: Vec::new(),
        snippet: String::new(),
        fingerprint: "f".into(),
        secret: None,
        vulnerability: None,
        remediation: None,
        suppressed: None,
        from_base: false,
    }
}

fn dockerfile_at(line: usize) -> Location {
    Location::Dockerfile {
        path: "svc/Dockerfile".into(),
        line,
        column: 1,
        end_line: line,
        end_column: 4,
    }
}

/// Evaluate one target holding `found` findings of their rules.
fn evaluate(
    policy: &Policy,
    target: &str,
    kind: &str,
    found: Vec<Finding>,
) -> portcullis_policy::TargetReport {
    let outcomes = portcullis_rules::RULES
        .iter()
        .map(|r| {
            (
                *r,
                Outcome::Checked {
                    findings: found.iter().filter(|f| f.rule == r.code).cloned().collect(),
                    notes: Vec::new(),
                },
            )
        })
        .collect();
    policy.evaluate(
        TargetInfo {
            target: target.into(),
            kind: kind.into(),
            digest: Some("sha256:abcdef".into()),
            path: None,
            references: Vec::new(),
            source: None,
        },
        outcomes,
    )
}

#[test]
fn default_policy_fails_on_medium() {
    let p = Policy::default();
    assert_eq!(p.action(rule("SQ40101")), Action::Fail); // medium
    assert_eq!(p.action(rule("SQ41102")), Action::Warn); // low
}

#[test]
fn profiles() {
    let strict = load("profile = \"strict\"").expect("loads");
    assert_eq!(strict.fail_on, Some(Severity::Info));
    assert_eq!(strict.action(rule("SQ41102")), Action::Fail);
    let audit = load("profile = \"audit\"").expect("loads");
    assert_eq!(audit.fail_on, None);
    assert_eq!(audit.action(rule("SQ40104")), Action::Warn);
    let default = load("profile = \"default\"").expect("loads");
    assert_eq!(default.fail_on, Some(Severity::Medium));
}

#[test]
fn fail_on_wins_over_the_files_profile() {
    let p = load("fail-on = \"high\"\nprofile = \"strict\"").expect("loads");
    assert_eq!(p.fail_on, Some(Severity::High));
    assert_eq!(p.action(rule("SQ40101")), Action::Warn);
    assert_eq!(p.action(rule("SQ40104")), Action::Fail);
    let never = load("fail-on = \"never\"").expect("loads");
    assert_eq!(never.action(rule("SQ40104")), Action::Warn);
}

#[test]
fn rule_severity_and_action() {
    let p = load(
        "[rule.SQ41102]\nseverity = \"critical\"\n\n[rule.SQ40104]\naction = \"info\"\n\n[rule.SQ41101]\nseverity = \"high\"\naction = \"warn\"\n",
    )
    .expect("loads");
    assert_eq!(p.severity(rule("SQ41102")), Severity::Critical);
    assert_eq!(p.action(rule("SQ41102")), Action::Fail);
    assert_eq!(p.action(rule("SQ40104")), Action::Info);
    assert_eq!(p.severity(rule("SQ40104")), Severity::High);
    assert_eq!(p.action(rule("SQ41101")), Action::Warn);
    // An explicit action holds whatever the threshold.
    let p = load("fail-on = \"never\"\n[rule.SQ41102]\naction = \"fail\"\n").expect("loads");
    assert_eq!(p.action(rule("SQ41102")), Action::Fail);
}

#[test]
fn exact_code_wins_over_glob_and_longer_glob_over_shorter() {
    let p = load(
        "[rule.SQ40104]\naction = \"warn\"\n\n[rule.\"SQ4*\"]\naction = \"info\"\n\n[rule.\"SQ401*\"]\naction = \"fail\"\n",
    )
    .expect("loads");
    assert_eq!(p.action(rule("SQ40104")), Action::Warn);
    assert_eq!(p.action(rule("SQ40105")), Action::Fail);
    assert_eq!(p.action(rule("SQ41102")), Action::Info);
}

#[test]
fn disable_then_enable() {
    let p = load("disable = [\"SQ411*\", \"sq40104\"]\nenable = [\"SQ41103\"]").expect("loads");
    assert!(!p.enabled(rule("SQ41101")));
    assert!(!p.enabled(rule("SQ40104")));
    assert!(p.enabled(rule("SQ41103")));
    assert!(p.enabled(rule("SQ40101")));
    // Disabled rules are neither reported nor listed as evaluated.
    let report = evaluate(
        &p,
        "svc/Dockerfile",
        "dockerfile",
        vec![finding("SQ41102", "ADD used", dockerfile_at(3))],
    );
    assert!(report.findings.is_empty());
    assert!(!report.policies.iter().any(|r| r.rule == "SQ41102"));
    assert!(report.policies.iter().any(|r| r.rule == "SQ41103"));
}

#[test]
fn extends_layers_project_over_organisation() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "org/base.toml",
        "fail-on = \"low\"\ndisable = [\"SQ41101\", \"SQ41106\"]\nrequire-reason = true\n[rule.SQ40104]\nseverity = \"critical\"\naction = \"warn\"\n[[exception]]\nrules = [\"SQ40101\"]\nreason = \"org\"\n",
    );
    let project = write(
        dir.path(),
        "app/portcullis.toml",
        "extends = \"../org/base.toml\"\nprofile = \"audit\"\nenable = [\"SQ41101\"]\n[rule.SQ40104]\naction = \"fail\"\n[[exception]]\nrules = [\"SQ40102\"]\nreason = \"project\"\n",
    );
    let p = Policy::load(&project, "app/portcullis.toml").expect("loads");
    // The project's profile comes after the organisation's fail-on.
    assert_eq!(p.fail_on, None);
    assert!(p.enabled(rule("SQ41101")));
    assert!(!p.enabled(rule("SQ41106")));
    assert!(p.require_reason);
    // Per-rule settings merge key by key: severity from the organisation,
    // action from the project.
    assert_eq!(p.severity(rule("SQ40104")), Severity::Critical);
    assert_eq!(p.action(rule("SQ40104")), Action::Fail);
    // Exceptions of both, organisation first, each located in its own file.
    let reasons: Vec<&str> = p.exceptions.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons, ["org", "project"]);
    assert_eq!(
        p.exceptions[0].at,
        Location::Policy {
            path: "app/../org/base.toml".into(),
            line: 7,
            column: 1,
            end_line: 7,
            end_column: 14
        }
    );
    assert_eq!(p.file.as_deref(), Some("app/portcullis.toml"));
}

#[test]
fn extends_cycle_and_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
    write(dir.path(), "b.toml", "# b\nextends = \"a.toml\"\n");
    let errors = Policy::load(&dir.path().join("a.toml"), "a.toml").expect_err("cycle");
    assert_eq!(
        errors[0].to_string(),
        "b.toml:2:11: `extends` makes a cycle: a.toml → b.toml → a.toml"
    );
    write(dir.path(), "c.toml", "extends = \"org/none.toml\"\n");
    let errors = Policy::load(&dir.path().join("c.toml"), "c.toml").expect_err("missing");
    assert_eq!(
        errors[0].to_string(),
        "c.toml:1:11: cannot read org/none.toml: No such file or directory"
    );
    write(dir.path(), "self.toml", "extends = \"self.toml\"\n");
    let errors = Policy::load(&dir.path().join("self.toml"), "self.toml").expect_err("self");
    assert_eq!(
        errors[0].to_string(),
        "self.toml:1:11: `extends` makes a cycle: self.toml → self.toml"
    );
}

#[test]
fn errors_point_at_line_and_column() {
    let cases: &[(&str, &[&str])] = &[
        (
            "fail-on = \"hgh\"",
            &["portcullis.toml:1:11: unknown value `hgh`, expected one of `info`, `low`, `medium`, `high`, `critical`, `never`"],
        ),
        (
            "# policy\ncolour = 1",
            &["portcullis.toml:2:1: unknown key `colour`, expected one of `extends`, `profile`, `fail-on`, `require-reason`, `disable`, `enable`, `rule`, `secrets`, `licenses`, `vulnerabilities`, `hardening`, `images`, `kubernetes`, `signatures`, `exception`"],
        ),
        (
            "profile = \"lenient\"",
            &["portcullis.toml:1:11: unknown value `lenient`, expected one of `default`, `strict`, `audit`, `pss-baseline`, `pss-restricted`"],
        ),
        (
            "[rule.SQ40104]\nseverity = \"huge\"",
            &["portcullis.toml:2:12: unknown value `huge`, expected one of `info`, `low`, `medium`, `high`, `critical`"],
        ),
        (
            "[rule.SQ40104]\naction = \"block\"",
            &["portcullis.toml:2:10: unknown value `block`, expected one of `fail`, `warn`, `info`"],
        ),
        (
            "[rule.SQ40104]\nlevel = \"high\"",
            &["portcullis.toml:2:1: unknown key `level`, expected one of `severity`, `action`, `scope`"],
        ),
        (
            "[rule.SQ40102]\nscope = \"base\"",
            &["portcullis.toml:2:9: unknown value `base`, expected `all` or `build`"],
        ),
        (
            "[rule.\"SQ181*\"]\nscope = 1",
            &["portcullis.toml:2:9: wanted string or table"],
        ),
        (
            "[rule.SQ40199]\naction = \"fail\"",
            &["portcullis.toml:1:7: unknown rule code `SQ40199`; `portcullis rules` lists them"],
        ),
        (
            "disable = [\"SQ40199\", \"SQ9*\"]",
            &[
                "portcullis.toml:1:12: unknown rule code `SQ40199`; `portcullis rules` lists them",
                "portcullis.toml:1:23: `SQ9*` matches no rule; `portcullis rules` lists them",
            ],
        ),
        (
            "enable = [\"SQ4[\"]",
            &["portcullis.toml:1:11: bad glob `SQ4[`: unclosed character class; missing ']'"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\n",
            &["portcullis.toml:1:1: exception has no `reason`: say why it is accepted (reason = \"…\")"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"  \"\n",
            &["portcullis.toml:3:10: `reason` is empty: say why the exception is accepted"],
        ),
        (
            "[[exception]]\nreason = \"r\"\n",
            &["portcullis.toml:1:1: exception has no `rules`: name the rule codes it covers (globs such as `SQ401*` work)"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = \"2026-02-30\"\n",
            &["portcullis.toml:4:11: `2026-02-30` is not a date: February 2026 has 28 days"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = \"31/12/2026\"\n",
            &["portcullis.toml:4:11: `31/12/2026` is not a date; expected YYYY-MM-DD, e.g. 2026-12-31"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = 2026-02-30\n",
            &["portcullis.toml:4:11: invalid date, expected day between 01 and 28"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = 2026-02-01T10:00:00\n",
            &["portcullis.toml:4:11: `2026-02-01T10:00:00` is a date and time; expected a date, YYYY-MM-DD"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nports = [\"22/xyz\", 70000, 0]\n",
            &[
                "portcullis.toml:4:10: expected a port such as 22 or \"22/tcp\", got \"22/xyz\"",
                "portcullis.toml:4:20: expected a port such as 22 or \"22/tcp\", got 70000",
                "portcullis.toml:4:27: expected a port such as 22 or \"22/tcp\", got 0",
            ],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\npaths = [\"/usr/[bin\"]\n",
            &["portcullis.toml:4:10: bad glob `/usr/[bin`: unclosed character class; missing ']'"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nimages = []\n",
            &["portcullis.toml:4:10: `images` is empty: leave it out to cover every image"],
        ),
        (
            "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nowner = \"me\"\n",
            &["portcullis.toml:4:1: unknown key `owner`, expected one of `rules`, `images`, `dockerfiles`, `manifests`, `paths`, `secrets`, `vulnerabilities`, `ports`, `reason`, `expires`, `ticket`"],
        ),
    ];
    for (text, want) in cases {
        let got = load(text).expect_err(text);
        assert_eq!(&got, want, "for {text:?}");
    }
}

#[test]
fn exceptions_suppress_within_scope() {
    // `dockerfiles` globs are relative to the policy file's directory.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "portcullis.toml",
        r#"
[[exception]]
rules = ["SQ40104"]
dockerfiles = ["svc/*"]
ports = ["22/tcp"]
reason = "bastion"
ticket = "SEC-1"
"#,
    );
    let p = Policy::load(&path, "portcullis.toml").expect("loads");
    let target = dir.path().join("svc/Dockerfile").display().to_string();
    let report = evaluate(
        &p,
        &target,
        "dockerfile",
        vec![
            finding("SQ40104", "port 22/tcp (SSH) is exposed", dockerfile_at(2)),
            finding(
                "SQ40104",
                "port 2222/tcp (SSH) is exposed",
                dockerfile_at(3),
            ),
        ],
    );
    let suppressed: Vec<bool> = report
        .findings
        .iter()
        .map(|f| f.suppressed.is_some())
        .collect();
    assert_eq!(suppressed, [true, false]);
    let s = report.findings[0].suppressed.as_ref().expect("suppressed");
    assert_eq!(
        (s.by.as_str(), s.reason.as_str()),
        ("exception", "bastion (SEC-1)")
    );
    assert_eq!(report.verdict, Verdict::Fail);
    // Another Dockerfile is out of scope.
    let other = evaluate(
        &p,
        "web/Dockerfile",
        "dockerfile",
        vec![finding(
            "SQ40104",
            "port 22/tcp (SSH) is exposed",
            Location::Dockerfile {
                path: "web/Dockerfile".into(),
                line: 2,
                column: 8,
                end_line: 2,
                end_column: 10,
            },
        )],
    );
    assert!(other.findings[0].suppressed.is_none());
    // A port without protocol covers every protocol.
    let p = load("[[exception]]\nrules = [\"SQ40104\"]\nports = [22]\nreason = \"r\"\n")
        .expect("loads");
    let report = evaluate(
        &p,
        "svc/Dockerfile",
        "dockerfile",
        vec![finding(
            "SQ40104",
            "port 22/udp (SSH) is exposed",
            dockerfile_at(2),
        )],
    );
    assert!(report.findings[0].suppressed.is_some());
}

#[test]
fn all_findings_suppressed_passes_with_status_suppressed() {
    let p = load("[[exception]]\nrules = [\"SQ401*\"]\nimages = [\"oci:*\"]\nreason = \"r\"\n")
        .expect("loads");
    let config = Location::Config {
        pointer: "/config/ExposedPorts/22~1tcp".into(),
    };
    let report = evaluate(
        &p,
        "oci:build/layout:app",
        "oci",
        vec![finding("SQ40104", "port 22/tcp (SSH) is exposed", config)],
    );
    assert_eq!(report.verdict, Verdict::Pass);
    let status = report
        .policies
        .iter()
        .find(|r| r.rule == "SQ40104")
        .map(|r| r.status);
    assert_eq!(status, Some(Status::Suppressed));
    // Image globs do not match Dockerfile targets.
    let dockerfile = evaluate(
        &p,
        "oci:Dockerfile",
        "dockerfile",
        vec![finding(
            "SQ40104",
            "port 22/tcp (SSH) is exposed",
            dockerfile_at(2),
        )],
    );
    assert_eq!(dockerfile.verdict, Verdict::Fail);
}

#[test]
fn image_globs_match_the_digest_and_paths_match_layer_files() {
    let p = load(
        "[[exception]]\nrules = [\"SQ40102\"]\nimages = [\"sha256:abc*\"]\npaths = [\"usr/bin/*\"]\nreason = \"r\"\n",
    )
    .expect("loads");
    let layer = |path: &str| Location::Layer {
        index: 0,
        digest: "sha256:00".into(),
        path: path.into(),
        line: None,
        column: None,
    };
    let report = evaluate(
        &p,
        "docker-archive:app.tar",
        "docker-archive",
        vec![
            finding("SQ40102", "setuid passwd", layer("/usr/bin/passwd")),
            finding("SQ40102", "setuid deep", layer("/usr/bin/x/deep")),
            finding("SQ40102", "setuid su", layer("/bin/su")),
        ],
    );
    let suppressed: Vec<bool> = report
        .findings
        .iter()
        .map(|f| f.suppressed.is_some())
        .collect();
    // `*` does not cross `/` in paths.
    assert_eq!(suppressed, [true, false, false]);
    // The digest glob does not match another image.
    let p2 =
        load("[[exception]]\nrules = [\"SQ40102\"]\nimages = [\"sha256:ff*\"]\nreason = \"r\"\n")
            .expect("loads");
    let report = evaluate(
        &p2,
        "docker-archive:app.tar",
        "docker-archive",
        vec![finding(
            "SQ40102",
            "setuid passwd",
            layer("/usr/bin/passwd"),
        )],
    );
    assert!(report.findings[0].suppressed.is_none());
}

#[test]
fn expiry_boundary_and_policy_findings() {
    let mut p = load(
        "\n[[exception]]\nrules = [\"SQ40104\"]\nreason = \"until the migration\"\nexpires = 2026-06-30\n\n[[exception]]\nrules = [\"SQ40105\"]\nreason = \"stale\"\n",
    )
    .expect("loads");
    let found = || {
        vec![finding(
            "SQ40104",
            "port 22/tcp (SSH) is exposed",
            dockerfile_at(2),
        )]
    };
    // Valid through its expiry date.
    p.today = Date::parse("2026-06-30").expect("date");
    let report = evaluate(&p, "svc/Dockerfile", "dockerfile", found());
    assert!(report.findings[0].suppressed.is_some());
    assert_eq!(report.verdict, Verdict::Pass);
    let own = p.policy_findings(&[report]).expect("policy findings");
    assert_eq!(own.kind, "policy");
    assert_eq!(own.target, "portcullis.toml");
    let messages: Vec<(&str, &str)> = own
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [(
            "SQ49002",
            "the exception for SQ40105 matched no finding in this scan"
        )]
    );
    assert_eq!(
        own.findings[0].location,
        Location::Policy {
            path: "portcullis.toml".into(),
            line: 7,
            column: 1,
            end_line: 7,
            end_column: 14
        }
    );
    assert_eq!(own.findings[0].action, Action::Warn);
    assert_eq!(own.verdict, Verdict::Pass);
    // Expired the day after.
    p.today = Date::parse("2026-07-01").expect("date");
    let report = evaluate(&p, "svc/Dockerfile", "dockerfile", found());
    assert!(report.findings[0].suppressed.is_none());
    assert_eq!(report.verdict, Verdict::Fail);
    let own = p.policy_findings(&[report]).expect("policy findings");
    let messages: Vec<(&str, &str)> = own
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "SQ49001",
                "the exception for SQ40104 expired on 2026-06-30 and no longer applies (reason: until the migration)"
            ),
            (
                "SQ49002",
                "the exception for SQ40105 matched no finding in this scan"
            ),
        ]
    );
    assert!(matches!(
        own.findings[0].location,
        Location::Policy { line: 2, .. }
    ));
}

#[test]
fn policy_findings_follow_rule_settings() {
    let p =
        load("disable = [\"SQ49002\"]\n[[exception]]\nrules = [\"SQ40105\"]\nreason = \"stale\"\n")
            .expect("loads");
    assert!(p.policy_findings(&[]).is_none());
    let p = load(
        "[rule.SQ49002]\naction = \"fail\"\n[[exception]]\nrules = [\"SQ40105\"]\nreason = \"stale\"\n",
    )
    .expect("loads");
    let own = p.policy_findings(&[]).expect("findings");
    assert_eq!(own.verdict, Verdict::Fail);
    // Without a policy file there is nothing to report.
    assert!(Policy::default().policy_findings(&[]).is_none());
}

#[test]
fn schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/portcullis.schema.json");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == portcullis_policy::json_schema(),
        "docs/portcullis.schema.json is stale: run `portcullis config schema > docs/portcullis.schema.json`"
    );
}

/// docs/policy.md ("Errors"): a bare TOML date that does not exist is the
/// parser's error, at its line and column, and the rest of the file is
/// still checked: the errors before and after it are all reported.
#[test]
fn a_bad_bare_date_is_reported_with_every_other_error() {
    let text = "profile = \"default\"\ndisable = [\"SQ40199\"]\n\n[[exception]]\nrules = [\"SQ40104\"]\nreason = \"bastion\"\nexpires = 2026-02-30\nports = [08, 22]\n\n[[exception]]\nrules = [\"SQ40102\"]\n";
    assert_eq!(
        load(text).expect_err("invalid"),
        [
            "portcullis.toml:2:12: unknown rule code `SQ40199`; `portcullis rules` lists them",
            "portcullis.toml:7:11: invalid date, expected day between 01 and 28",
            "portcullis.toml:8:10: unexpected leading zero, expected nothing",
            "portcullis.toml:10:1: exception has no `reason`: say why it is accepted (reason = \"…\")",
        ]
    );
    // A date and time with a space, and a month that does not exist: one
    // error each, at the value.
    for (value, message) in [
        (
            "2026-02-30 25:00:00",
            "invalid date, expected day between 01 and 28",
        ),
        (
            "2026-13-01",
            "invalid date, expected month between 01 and 12",
        ),
    ] {
        let text =
            format!("[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = {value}\n");
        assert_eq!(
            load(&text).expect_err("invalid"),
            [format!("portcullis.toml:4:11: {message}")],
            "{value}"
        );
    }
    // A good value of the wrong type is not blanked: it stops reading, with
    // the bad value read past before it, in file order.
    let text =
        "fail-on = 5\n[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = 2026-02-30\n";
    assert_eq!(
        load(text).expect_err("invalid"),
        [
            "portcullis.toml:1:11: wanted string or table",
            "portcullis.toml:5:11: invalid date, expected day between 01 and 28",
        ]
    );
    // A syntax error elsewhere is found before any value is read: it alone
    // is reported, as before.
    let text =
        "[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nexpires = 2026-02-30\nrules = [\n";
    assert_eq!(
        load(text).expect_err("invalid"),
        ["portcullis.toml:5:10: unclosed array, expected `]`"]
    );
}

#[test]
fn a_rules_scope_wins_over_the_hardening_scope() {
    let policy = load("").expect("empty policy");
    assert!(!policy.build_only(rule("SQ40102")));
    assert!(!policy.build_only(rule("SQ18113")));
    let policy = load(
        "[hardening]\nscope = \"build\"\n\n[rule.SQ18113]\nscope = \"all\"\n\n[rule.\"SQ401*\"]\nscope = \"build\"\n\n[rule.SQ40103]\nscope = \"all\"\n",
    )
    .expect("policy");
    // [hardening] scope: the binary and debug artefact policies only.
    assert!(policy.build_only(rule("SQ18101")));
    assert!(policy.build_only(rule("SQ34204")));
    assert!(!policy.build_only(rule("SQ34101")));
    // A rule's own scope wins; an exact code over a glob.
    assert!(!policy.build_only(rule("SQ18113")));
    assert!(policy.build_only(rule("SQ40102")));
    assert!(!policy.build_only(rule("SQ40103")));
    assert!(!policy.build_only(rule("SQ41101")));
}

#[test]
fn images_trusted_list_normalised_and_matching() {
    let p = load(
        "[images]\ntrusted = [\"docker.io/library/*\", \"ghcr.io/acme/**\", \"nginx\", \"acme/*\", \"index.docker.io/library/*\"]\n",
    )
    .expect("loads");
    let list = p.trusted_images.as_ref().expect("a list");
    let normalised: Vec<&str> = list
        .patterns
        .iter()
        .map(|p| p.normalised.as_str())
        .collect();
    // `index.docker.io/library/*` is the first pattern again once normalised.
    assert_eq!(
        normalised,
        [
            "docker.io/library/*",
            "ghcr.io/acme/**",
            "docker.io/library/nginx",
            "docker.io/acme/*"
        ]
    );
    let matched = |name: &str| list.matching(name).map(|p| p.written.as_str());
    assert_eq!(
        matched("docker.io/library/debian"),
        Some("docker.io/library/*")
    );
    assert_eq!(matched("ghcr.io/acme/team/app"), Some("ghcr.io/acme/**"));
    assert_eq!(matched("docker.io/acme/app"), Some("acme/*"));
    assert_eq!(matched("docker.io/acme/team/app"), None);
    assert_eq!(matched("quay.io/acme/app"), None);
    // No `[images]`: no list, and PC43101 does not apply.
    assert!(load("fail-on = \"high\"\n")
        .expect("loads")
        .trusted_images
        .is_none());
}

#[test]
fn images_trusted_lists_of_an_extends_chain_add_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "org.toml",
        "[images]\ntrusted = [\"registry.acme.internal/**\"]\n",
    );
    let project = write(
        dir.path(),
        "portcullis.toml",
        "extends = \"org.toml\"\n[images]\ntrusted = [\"docker.io/library/*\", \"registry.acme.internal/**\"]\n",
    );
    let p = Policy::load(&project, "portcullis.toml").expect("loads");
    let normalised: Vec<String> = p
        .trusted_images
        .expect("a list")
        .patterns
        .into_iter()
        .map(|p| p.normalised)
        .collect();
    assert_eq!(
        normalised,
        ["registry.acme.internal/**", "docker.io/library/*"]
    );
}

#[test]
fn images_trusted_errors_at_their_line() {
    assert_eq!(
        errors("[images]\ntrusted = [\n  \"docker.io/library/*\",\n  \"ghcr.io/acme/a**\",\n  \"nginx:1.27\",\n  \"ghcr.io/[ab]/x\",\n]\n"),
        vec![
            "portcullis.toml:4:3: bad glob `ghcr.io/acme/a**`: `**` must be a whole path component (`ghcr.io/acme/**`), not part of `a**`".to_owned(),
            "portcullis.toml:5:3: `nginx:1.27` names a tag or digest: a trusted pattern names a registry and repository only (`nginx`)".to_owned(),
            "portcullis.toml:6:3: bad glob `ghcr.io/[ab]/x`: `[` is not supported; `*` matches within one path component and `**` any number of components".to_owned(),
        ]
    );
    assert_eq!(
        errors("[images]\ntrusted = []\n"),
        vec!["portcullis.toml:2:11: `trusted` is empty: leave it out to trust every registry, or name the trusted ones (`docker.io/library/*`, `ghcr.io/acme/**`)".to_owned()]
    );
    assert_eq!(
        errors("[images]\ntrusted = [\"ghcr.io\", \"\"]\n"),
        vec![
            "portcullis.toml:2:12: `ghcr.io` names a registry without a repository: write `ghcr.io/**` to trust all of it".to_owned(),
            "portcullis.toml:2:23: an empty pattern: name a registry and repository, such as `docker.io/library/*` or `ghcr.io/acme/**`".to_owned(),
        ]
    );
    assert_eq!(
        errors("[images]\ntrusted = \"docker.io/library/*\"\n"),
        vec!["portcullis.toml:2:11: invalid type: string \"docker.io/library/*\", expected a sequence".to_owned()]
    );
    assert_eq!(
        errors("[images]\ntrust = [\"x/*\"]\n"),
        vec!["portcullis.toml:2:1: unknown key `trust`, expected `trusted`".to_owned()]
    );
}

fn errors(text: &str) -> Vec<String> {
    load(text).err().unwrap_or_default()
}

#[test]
fn pss_profiles_select_the_runtime_rules_as_kubernetes_groups_them() {
    use portcullis_policy::{Profile, PSS_BASELINE, PSS_RESTRICTED_ONLY};
    let baseline = load("profile = \"pss-baseline\"").expect("loads");
    assert_eq!(baseline.profile, Some(Profile::PssBaseline));
    assert_eq!(baseline.fail_on, Some(Severity::Medium));
    let restricted = load("profile = \"pss-restricted\"").expect("loads");
    assert_eq!(restricted.profile, Some(Profile::PssRestricted));
    assert_eq!(PSS_BASELINE.len(), 12);
    assert_eq!(
        PSS_RESTRICTED_ONLY,
        ["PC42102", "PC42104", "PC42201", "PC42202", "PC42402", "PC42407", "PC42408"]
    );
    // Each control of the level fails; the restricted-only ones do not
    // under baseline.
    for code in PSS_BASELINE {
        assert_eq!(
            baseline.overrides[*code].action,
            Some(Action::Fail),
            "{code}"
        );
        assert_eq!(
            restricted.overrides[*code].action,
            Some(Action::Fail),
            "{code}"
        );
    }
    for code in PSS_RESTRICTED_ONLY {
        assert!(!baseline.overrides.contains_key(*code), "{code}");
        assert_eq!(
            restricted.overrides[*code].action,
            Some(Action::Fail),
            "{code}"
        );
    }
    // Every runtime rule the registry has is either in the level or off.
    for r in portcullis_rules::RULES
        .iter()
        .filter(|r| r.code.starts_with("PC42"))
    {
        assert_eq!(
            baseline.enabled(r),
            PSS_BASELINE.contains(&r.code),
            "{}",
            r.code
        );
        assert_eq!(
            restricted.enabled(r),
            PSS_BASELINE.contains(&r.code) || PSS_RESTRICTED_ONLY.contains(&r.code),
            "{}",
            r.code
        );
    }
    // Other families are untouched.
    assert!(baseline.enabled(rule("SQ40104")));
    assert_eq!(baseline.action(rule("SQ41102")), Action::Warn);
    // A rule setting of the same file wins over the profile's action.
    let own = load("profile = \"pss-baseline\"\n[rule.PC42101]\naction = \"warn\"\n");
    if portcullis_rules::registry::find("PC42101").is_some() {
        assert_eq!(
            own.expect("loads").overrides["PC42101"].action,
            Some(Action::Warn)
        );
    }
}

#[test]
fn kubernetes_version_is_1_n() {
    let p = load("[kubernetes]\nversion = \"1.32\"\n").expect("loads");
    assert_eq!(
        p.kubernetes_version,
        Some(portcullis_policy::KubernetesVersion {
            major: 1,
            minor: 32
        })
    );
    assert_eq!(
        p.kubernetes_version.map(|v| v.to_string()).as_deref(),
        Some("1.32")
    );
    assert_eq!(Policy::default().kubernetes_version, None);
    for (bad, column) in [
        ("1.32.1", 11),
        ("v1.32", 11),
        ("2.0", 11),
        ("1.", 11),
        ("1.032", 11),
        ("1.-3", 11),
    ] {
        assert_eq!(
            load(&format!("[kubernetes]\nversion = \"{bad}\"\n")).expect_err(bad),
            [format!("portcullis.toml:2:{column}: `version` is \"{bad}\": write a Kubernetes version as 1.N (e.g. \"1.32\")")],
        );
    }
    assert_eq!(
        load("[kubernetes]\nversion = 1.32\n").expect_err("a number"),
        ["portcullis.toml:2:11: invalid type: floating point `1.32`, expected a string"],
    );
    assert_eq!(
        load("[kubernetes]\nrelease = \"1.32\"\n").expect_err("unknown key"),
        ["portcullis.toml:2:1: unknown key `release`, expected `version`"],
    );
}

fn manifest_at(path: &str, line: usize, pointer: &str) -> Location {
    Location::Manifest {
        path: path.into(),
        line,
        column: 9,
        end_line: line,
        end_column: 22,
        document: 0,
        pointer: pointer.into(),
    }
}

#[test]
fn exceptions_scope_manifests_by_path_glob() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "portcullis.toml",
        "[[exception]]\nrules = [\"SQ40104\"]\nmanifests = [\"k8s/*.yaml\"]\nreason = \"bastion\"\n",
    );
    let p = Policy::load(&path, "portcullis.toml").expect("loads");
    let inside = dir.path().join("k8s/bastion.yaml").display().to_string();
    let outside = dir.path().join("other/bastion.yaml").display().to_string();
    let ssh = "port 22/tcp (SSH) is exposed";
    for (target, kind, suppressed) in [
        (&inside, "kubernetes", true),
        (&inside, "compose", true),
        (&outside, "kubernetes", false),
    ] {
        let report = evaluate(
            &p,
            target,
            kind,
            vec![finding(
                "SQ40104",
                ssh,
                manifest_at(target, 7, "/spec/containers/0/ports/0"),
            )],
        );
        assert_eq!(report.findings.len(), 1);
        assert_eq!(
            report.findings[0].suppressed.is_some(),
            suppressed,
            "{target} {kind}"
        );
    }
    // `manifests` does not cover a Dockerfile of that path, nor `dockerfiles` a manifest.
    let df = evaluate(
        &p,
        &inside,
        "dockerfile",
        vec![finding("SQ40104", ssh, dockerfile_at(2))],
    );
    assert!(df.findings[0].suppressed.is_none());
    let path = write(
        dir.path(),
        "portcullis.toml",
        "[[exception]]\nrules = [\"SQ40104\"]\ndockerfiles = [\"k8s/*\"]\nreason = \"bastion\"\n",
    );
    let p = Policy::load(&path, "portcullis.toml").expect("loads");
    let report = evaluate(
        &p,
        &inside,
        "kubernetes",
        vec![finding("SQ40104", ssh, manifest_at(&inside, 7, "/spec"))],
    );
    assert!(report.findings[0].suppressed.is_none());
    // An `images` scope never covers a manifest (it is no image).
    let path = write(
        dir.path(),
        "portcullis.toml",
        "[[exception]]\nrules = [\"SQ40104\"]\nimages = [\"*\"]\nreason = \"bastion\"\n",
    );
    let p = Policy::load(&path, "portcullis.toml").expect("loads");
    let report = evaluate(
        &p,
        &inside,
        "kubernetes",
        vec![finding("SQ40104", ssh, manifest_at(&inside, 7, "/spec"))],
    );
    assert!(report.findings[0].suppressed.is_none());
}

#[test]
fn yaml_inline_suppressions_through_the_policy() {
    let text = "kind: Pod\nspec:\n  containers:\n  - name: app\n    ports:\n    # portcullis ignore=SQ40104 reason=\"bastion\"\n    - containerPort: 22\n    - containerPort: 23  # portcullis ignore=SQ40105 reason=\"legacy\"\n    - containerPort: 21  # portcullis ignore=SQ40199 reason=\"typo\"\n";
    let inline = portcullis_policy::inline::yaml_suppressions("pod.yaml", text);
    let found = [
        finding(
            "SQ40104",
            "port 22/tcp (SSH) is exposed",
            manifest_at("pod.yaml", 7, "/spec/containers/0/ports/0"),
        ),
        finding(
            "SQ40105",
            "port 23/tcp (Telnet) is exposed",
            manifest_at("pod.yaml", 8, "/spec/containers/0/ports/1"),
        ),
        finding(
            "SQ40103",
            "port 21/tcp (FTP) is exposed",
            manifest_at("pod.yaml", 9, "/spec/containers/0/ports/2"),
        ),
    ];
    let outcomes = portcullis_rules::RULES
        .iter()
        .map(|r| {
            (
                *r,
                Outcome::Checked {
                    findings: found.iter().filter(|f| f.rule == r.code).cloned().collect(),
                    notes: Vec::new(),
                },
            )
        })
        .collect();
    let report = Policy::default().evaluate_with(
        TargetInfo {
            target: "pod.yaml".into(),
            kind: "kubernetes".into(),
            digest: None,
            path: Some("pod.yaml".into()),
            references: Vec::new(),
            source: None,
        },
        outcomes,
        &inline,
    );
    let shown: Vec<(String, Option<String>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.suppressed
                    .as_ref()
                    .map(|s| format!("{}: {}", s.by, s.reason)),
            )
        })
        .collect();
    let get = |code: &str| {
        shown
            .iter()
            .find(|(r, _)| r == code)
            .map(|(_, s)| s.clone())
    };
    assert_eq!(get("SQ40104"), Some(Some("inline: bastion".into())));
    assert_eq!(get("SQ40105"), Some(Some("inline: legacy".into())));
    assert_eq!(get("SQ40103"), Some(None));
    // The comment naming a rule that does not exist is reported at it.
    let about: Vec<&portcullis_policy::ReportedFinding> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("SQ490"))
        .collect();
    assert_eq!(about.len(), 1, "{about:#?}");
    assert!(
        matches!(&about[0].location, Location::Manifest { path, line: 9, column: 26, .. } if path == "pod.yaml"),
        "{:?}",
        about[0].location
    );
}

/// A cosign public key and a Notation CA, as the tests of the signature
/// verifier keep them (real-tool files).
fn signature_files(dir: &Path) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portcullis-signatures/tests/data");
    let copy = |from: &str, to: &str| {
        let bytes = std::fs::read(data.join(from)).expect("test data");
        write(dir, to, &String::from_utf8(bytes).expect("utf-8"));
    };
    copy("cosign-sigstore-rs.pub", "keys/cosign.pub");
    copy("notation-go-NotationTestRoot.pem", "notation-ca.pem");
}

fn load_in(dir: &Path, text: &str) -> Result<Policy, Vec<String>> {
    let path = write(dir, "portcullis.toml", text);
    Policy::load(&path, "portcullis.toml")
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect())
}

#[test]
fn signatures_entries_name_images_keys_trust_stores_and_provenance() {
    let dir = tempfile::tempdir().expect("tempdir");
    signature_files(dir.path());
    let p = load_in(
        dir.path(),
        "[[signatures]]\nimages = [\"registry.acme.internal/**\"]\nkeys = [\"keys/cosign.pub\"]\n\n[[signatures]]\nimages = [\"registry.acme.internal/app\", \"ghcr.io/acme/*\"]\ntrust-store = \"notation-ca.pem\"\nrequire-provenance = true\n",
    )
    .expect("loads");
    assert_eq!(p.signatures.requirements.len(), 2);
    let app = p
        .signatures
        .for_image("registry.acme.internal/app")
        .expect("asked");
    let written: Vec<&str> = app.images.iter().map(|i| i.written.as_str()).collect();
    assert_eq!(
        written,
        ["registry.acme.internal/**", "registry.acme.internal/app"]
    );
    assert_eq!(app.keys.len(), 1);
    assert_eq!(app.keys[0].shown, "keys/cosign.pub");
    assert_eq!(app.keys[0].key.describe(), "ECDSA P-256");
    assert_eq!(app.trust_stores[0].shown, "notation-ca.pem");
    assert!(app.require_provenance && app.wants_signature());
    let other = p
        .signatures
        .for_image("registry.acme.internal/other")
        .expect("asked");
    assert!(!other.require_provenance && other.trust_stores.is_empty());
    let ghcr = p.signatures.for_image("ghcr.io/acme/tool").expect("asked");
    assert!(ghcr.keys.is_empty() && ghcr.require_provenance);
    assert!(p.signatures.for_image("docker.io/library/debian").is_none());
    // A provenance-only entry asks for no signature.
    let p = load_in(
        dir.path(),
        "[[signatures]]\nimages = [\"**\"]\nrequire-provenance = true\n",
    )
    .expect("loads");
    let any = p.signatures.for_image("quay.io/x/y").expect("asked");
    assert!(!any.wants_signature() && any.require_provenance);
}

#[test]
fn signatures_entry_errors_are_at_their_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    signature_files(dir.path());
    write(dir.path(), "not-a-key.pub", "hello\n");
    let errors = load_in(
        dir.path(),
        "[[signatures]]\nkeys = [\"keys/cosign.pub\"]\n\n[[signatures]]\nimages = []\nrequire-provenance = true\n\n[[signatures]]\nimages = [\"nginx:1.27\"]\nkeys = [\"missing.pub\", \"not-a-key.pub\"]\ntrust-store = \"keys/cosign.pub\"\n\n[[signatures]]\nimages = [\"ghcr.io/**\"]\n\n[[signatures]]\nimages = [\"ghcr.io/**\"]\nkey = \"keys/cosign.pub\"\n",
    )
    .expect_err("errors");
    assert_eq!(
        errors,
        [
            "portcullis.toml:18:1: unknown key `key`, expected one of `images`, `keys`, `trust-store`, `require-provenance`",
        ]
    );
    let errors = load_in(
        dir.path(),
        "[[signatures]]\nkeys = [\"keys/cosign.pub\"]\n\n[[signatures]]\nimages = []\nrequire-provenance = true\n\n[[signatures]]\nimages = [\"nginx:1.27\"]\nkeys = [\"missing.pub\", \"not-a-key.pub\"]\ntrust-store = \"keys/cosign.pub\"\n\n[[signatures]]\nimages = [\"ghcr.io/**\"]\n",
    )
    .expect_err("errors");
    let first = errors.first().cloned().unwrap_or_default();
    assert!(
        first.starts_with("portcullis.toml:1:1: a `[[signatures]]` entry has no `images`"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1..],
        [
            "portcullis.toml:5:10: `images` is empty: name the images the entry is about (`registry.acme.internal/**`)".to_owned(),
            "portcullis.toml:9:11: `nginx:1.27` names a tag or digest: a trusted pattern names a registry and repository only (`nginx`)".into(),
            "portcullis.toml:10:9: cannot read missing.pub: No such file or directory".into(),
            format!("portcullis.toml:10:24: not-a-key.pub is not a public key: {}", portcullis_signatures::PublicKey::from_pem("hello\n").map(|_| ()).expect_err("not a key")),
            format!("portcullis.toml:11:15: keys/cosign.pub is not a trust store: {}", portcullis_signatures::TrustStore::from_pem(&std::fs::read_to_string(dir.path().join("keys/cosign.pub")).expect("read")).map(|_| ()).expect_err("not certificates")),
            "portcullis.toml:13:1: a `[[signatures]]` entry names no `keys`, no `trust-store` and not `require-provenance = true`: it asks for nothing".into(),
        ]
    );
}

#[test]
fn pc43202_always_fails_whatever_the_policy_file_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Its severity may be lowered, and the threshold raised: it still fails.
    let p = load_in(
        dir.path(),
        "profile = \"audit\"\ndisable = [\"PC43*\"]\n[rule.PC43202]\nseverity = \"low\"\n[rule.\"PC432*\"]\naction = \"info\"\n[[exception]]\nrules = [\"PC43*\"]\nreason = \"accepted\"\n",
    )
    .expect("loads");
    let tampered = rule("PC43202");
    assert!(p.enabled(tampered));
    assert!(!p.enabled(rule("PC43201")));
    assert_eq!(p.severity(tampered), Severity::Low);
    assert_eq!(p.action(tampered), Action::Fail);
    let report = evaluate(
        &p,
        "docker://registry.acme.internal/app:1",
        "registry",
        vec![finding(
            "PC43202",
            "cosign signature … is not a valid signature",
            Location::ImageManifest {
                digest: "sha256:abcdef".into(),
                pointer: "/layers/0".into(),
            },
        )],
    );
    assert_eq!(report.verdict, Verdict::Fail);
    let f = &report.findings[0];
    assert_eq!(
        (f.action, f.severity, f.suppressed.is_none()),
        (Action::Fail, Severity::Low, true)
    );
    // Named exactly, what cannot happen is an error.
    let errors = load_in(
        dir.path(),
        "disable = [\"PC43202\"]\n[rule.PC43202]\naction = \"warn\"\n[[exception]]\nrules = [\"pc43202\"]\nreason = \"accepted\"\n",
    )
    .expect_err("errors");
    let why = "a signature that does not verify, or signs another digest, is tampering and always fails (its severity can be set)";
    assert_eq!(
        errors,
        [
            format!("portcullis.toml:1:12: PC43202 cannot be disabled: {why}"),
            format!("portcullis.toml:2:7: PC43202 cannot be given an action: {why}"),
            format!("portcullis.toml:5:10: PC43202 cannot be excepted: {why}"),
        ]
    );
}
