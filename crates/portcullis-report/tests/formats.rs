//! Every renderer on reports built in code: Dockerfile and image targets,
//! every kind of location, suppressed findings, notes, a rule this build does
//! not know. Each SARIF log is checked against the official 2.1.0 schema.

use portcullis_policy::{
    Action, BaseBoundary, HistoryDetails, ImageDetails, LayerDetails, PolicyResult, Report,
    ReportedFinding, Status, Suppression, TargetReport, Verdict,
};
use portcullis_report::{
    read_json, render_html, render_json, render_junit, render_markdown, render_sarif,
    MarkdownLimits,
};
use portcullis_rules::finding::Note;
use portcullis_rules::{registry, Category, Location, Severity, RULES};
use serde_json::{json, Value};

/// Parse a SARIF log and check it against the SARIF 2.1.0 schema (a copy of
/// the OASIS file in tests/data, read offline), listing every violation.
fn sarif(report: &Report) -> Value {
    let text = render_sarif(report);
    let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

fn schema_errors(log: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/sarif-schema-2.1.0.json"),
        )
        .expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_schema_check_catches_invalid_sarif() {
    let mut log = sarif(&sample());
    let result = &mut log["runs"][0]["results"][0];
    result["level"] = json!("fatal");
    result["colour"] = json!("red");
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = json!("not a uri");
    let errors = schema_errors(&log);
    for needle in [
        "/runs/0/results/0/level",
        "/runs/0/results/0: ",
        "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
        "/runs/0/tool/driver/rules/0/helpUri",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(needle)),
            "no error at {needle}: {errors:#?}"
        );
    }
}

fn finding(rule: &str, action: Action, message: &str, location: Location) -> ReportedFinding {
    let r = registry::find(rule).expect("rule");
    ReportedFinding {
        rule: rule.to_owned(),
        title: r.title.to_owned(),
        category: r.category,
        severity: r.severity,
        action,
        message: message.to_owned(),
        location,
        related: Vec::new(),
        remediation: r.remediation.to_owned(),
        fingerprint: format!("fp-{rule}-{message}"),
        suppressed: None,
        secret: None,
        vulnerability: None,
    }
}

fn df(path: &str, line: usize, column: usize, end_column: usize) -> Location {
    Location::Dockerfile {
        path: path.to_owned(),
        line,
        column,
        end_line: line,
        end_column,
    }
}

/// Policies as a scan would list them: every rule, those with findings by
/// their action, the rest passing (or not applicable where `na`).
fn policies(findings: &[ReportedFinding], na: &[&str]) -> Vec<PolicyResult> {
    RULES
        .iter()
        .map(|r| PolicyResult {
            rule: r.code.to_owned(),
            reason: None,
            status: if na.contains(&r.code) {
                Status::NotApplicable
            } else {
                status(findings, r.code)
            },
        })
        .collect()
}

fn status(findings: &[ReportedFinding], code: &str) -> Status {
    match findings.iter().find(|f| f.rule == code) {
        Some(f) if f.suppressed.is_some() => Status::Suppressed,
        Some(f) => match f.action {
            Action::Fail => Status::Fail,
            Action::Warn => Status::Warn,
            Action::Info => Status::Info,
        },
        None => Status::Pass,
    }
}

fn target(
    name: &str,
    kind: &str,
    path: Option<&str>,
    findings: Vec<ReportedFinding>,
    na: &[&str],
) -> TargetReport {
    let verdict = if findings
        .iter()
        .any(|f| f.action == Action::Fail && f.suppressed.is_none())
    {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    TargetReport {
        target: name.to_owned(),
        kind: kind.to_owned(),
        digest: Some(format!("sha256:{}", "ab".repeat(32))),
        path: path.map(str::to_owned),
        references: Vec::new(),
        verdict,
        policies: policies(&findings, na),
        findings,
        notes: Vec::new(),
        source: None,
        texts: Vec::new(),
        image: None,
        lxd: None,
        config: None,
        hidden: None,
        os: None,
        packages: None,
        vulnerabilities: None,
    }
}

const LAYER0: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

/// Three layers (the base's, two of this build) made by history entries 0,
/// 4 and 5 of seven; the base ends at entry 1.
fn image_details() -> ImageDetails {
    let layer = |n: u8, size: u64| LayerDetails {
        diff_id: if n == 0 {
            LAYER0.to_owned()
        } else {
            format!("sha256:{}", format!("{n}{n}").repeat(32))
        },
        digest: format!("sha256:{}", "cd".repeat(32)),
        compression: "gzip".into(),
        size,
        compressed_size: size / 2,
        entries: 10,
    };
    let entry = |created_by: &str, layer: Option<usize>| HistoryDetails {
        created: Some("2024-05-01T12:34:56.789Z".into()),
        created_by: created_by.into(),
        comment: None,
        layer,
    };
    ImageDetails {
        layers: vec![layer(0, 8_000_000), layer(1, 2_000_000), layer(2, 1_000)],
        history: vec![
            entry("/bin/sh -c #(nop) ADD file:abc in / ", Some(0)),
            entry("/bin/sh -c #(nop)  CMD [\"sh\"]", None),
            entry("/bin/sh -c #(nop)  USER root", None),
            entry("/bin/sh -c #(nop)  EXPOSE 22", None),
            entry("/bin/sh -c apt-get install -y app", Some(1)),
            entry("ADD notes.txt /etc/notes.txt # buildkit", Some(2)),
            entry("/bin/sh -c #(nop)  CMD [\"app\"]", None),
        ],
        base_boundary: Some(BaseBoundary {
            last: 1,
            signal: "time-gap".into(),
            certain: true,
            how: "the time between the base image's history and this build's".into(),
        }),
    }
}

/// A Dockerfile, a docker-archive image, an OCI layout image built from a
/// Dockerfile, an image with no file (as from a registry), and standard input.
fn sample() -> Report {
    let mut ssh = finding(
        "SQ40104",
        Action::Fail,
        "port 22/tcp (SSH) is exposed",
        df("app/Dockerfile", 4, 8, 10),
    );
    ssh.fingerprint = "0123456789abcdef0123456789abcdef".into();
    let mut add = finding(
        "SQ41102",
        Action::Warn,
        "ADD of a local file",
        df("app/Dockerfile", 3, 1, 4),
    );
    add.suppressed = Some(Suppression {
        by: "inline".into(),
        reason: "the tarball is vendored and checked".into(),
    });
    let dockerfile = target(
        "app/Dockerfile",
        "dockerfile",
        Some("app/Dockerfile"),
        vec![ssh, add],
        &[],
    );

    let mut root = finding(
        "SQ40101",
        Action::Fail,
        "the config user is `root`, which is root",
        Location::Config {
            pointer: "/config/User".into(),
        },
    );
    root.related = vec![Location::History {
        index: 2,
        created_by: "/bin/sh -c #(nop)  USER root".into(),
    }];
    let setuid = finding(
        "SQ40102",
        Action::Fail,
        "/usr/bin/su has the setuid bit",
        Location::Layer {
            index: 0,
            digest: LAYER0.into(),
            path: "/usr/bin/su".into(),
            line: None,
            column: None,
        },
    );
    let add_history = finding(
        "SQ41102",
        Action::Warn,
        "ADD of a local file",
        Location::History {
            index: 5,
            created_by: "ADD notes.txt /etc/notes.txt # buildkit".into(),
        },
    );
    let mut archive = target(
        "docker-archive:images/app.tar:app:1",
        "docker-archive",
        Some("images/app.tar"),
        vec![root, setuid, add_history],
        &[],
    );
    archive.image = Some(image_details());
    archive.notes.push(Note {
        rule: "SQ40102".into(),
        message: "/usr/bin/newgrp had the setuid bit in layer 0; a later layer removed it".into(),
        location: Location::Layer {
            index: 0,
            digest: LAYER0.into(),
            path: "/usr/bin/newgrp".into(),
            line: None,
            column: None,
        },
    });

    let mut telnet = finding(
        "SQ40105",
        Action::Fail,
        "port 23/tcp (Telnet) is exposed",
        Location::Config {
            pointer: "/config/ExposedPorts/23~1tcp".into(),
        },
    );
    telnet.related = vec![
        Location::History {
            index: 3,
            created_by: "EXPOSE 23".into(),
        },
        df("app/Dockerfile", 4, 1, 7),
    ];
    let layout = target("oci:layout:v1", "oci", Some("layout/"), vec![telnet], &[]);

    let daemon = target(
        "registry.example/app:1",
        "registry",
        None,
        vec![finding(
            "SQ41101",
            Action::Warn,
            "no health check",
            Location::Config {
                pointer: "/config/Healthcheck".into(),
            },
        )],
        &[],
    );

    let stdin = target(
        "<stdin>",
        "dockerfile",
        None,
        vec![finding(
            "SQ41103",
            Action::Warn,
            "CMD app is shell form",
            df("<stdin>", 2, 5, 8),
        )],
        &["SQ40102"],
    );
    Report::new("9.9.9", vec![dockerfile, archive, layout, daemon, stdin])
}

fn result<'a>(log: &'a Value, rule: &str, message_start: &str) -> &'a Value {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["ruleId"] == rule
                && r["message"]["text"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(message_start))
        })
        .unwrap_or_else(|| panic!("no {rule} result {message_start:?}"))
}

#[test]
fn sarif_tool_rules_and_invocation() {
    let log = sarif(&sample());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "portcullis");
    assert_eq!(driver["version"], "9.9.9", "the version that scanned");
    // A link only to configured docs, never to a placeholder.
    assert_eq!(
        driver.get("informationUri").and_then(Value::as_str),
        portcullis_report::docs_url()
    );

    // Every rule evaluated on some target, in registry order.
    let ids: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let all: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(ids, all);

    let ssh = &driver["rules"][3];
    let rule = registry::find("SQ40104").expect("rule");
    assert_eq!(ssh["id"], "SQ40104");
    assert_eq!(ssh["name"], "exposed-ssh-port");
    assert_eq!(ssh["shortDescription"]["text"], rule.title);
    assert_eq!(ssh["fullDescription"]["text"], rule.doc.what);
    assert_eq!(ssh["help"]["markdown"], registry::explain(rule));
    let help = ssh["help"]["text"].as_str().expect("help text");
    for part in [rule.doc.what, rule.doc.why, rule.doc.fix, rule.doc.bad] {
        assert!(help.contains(part), "help text lacks {part:?}");
    }
    // A link only when this build was given a docs URL; the help is the doc.
    assert_eq!(
        ssh.get("helpUri").and_then(Value::as_str),
        portcullis_report::rule_doc_url("SQ40104").as_deref()
    );
    assert_eq!(
        portcullis_report::rule_doc_url_in(Some("https://docs.example/p"), "SQ40104").as_deref(),
        Some("https://docs.example/p/rules.md#sq40104")
    );
    assert_eq!(portcullis_report::rule_doc_url_in(None, "SQ40104"), None);
    assert_eq!(ssh["defaultConfiguration"], json!({"level": "error"}));
    assert_eq!(
        ssh["properties"],
        json!({"tags": ["security", "container-security"], "category": "container-security",
               "severity": "high", "security-severity": "8.0"})
    );
    let add = &driver["rules"][9];
    assert_eq!(add["id"], "SQ41102");
    assert_eq!(add["defaultConfiguration"], json!({"level": "warning"}));
    assert_eq!(
        add["properties"],
        json!({"tags": ["build-instructions"], "category": "build-instructions", "severity": "low"})
    );

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["exitCode"], 1);
    assert_eq!(invocation["exitCodeDescription"], "policy failed");
    assert_eq!(
        invocation["toolExecutionNotifications"],
        json!([{
            "level": "note",
            "message": {"text": "docker-archive:images/app.tar:app:1: /usr/bin/newgrp had the setuid bit in layer 0; a later layer removed it"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": "images/app.tar", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}},
                "logicalLocations": [{"name": "/usr/bin/newgrp", "fullyQualifiedName": "layer:0:/usr/bin/newgrp", "kind": "resource",
                                      "properties": {"layerIndex": 0, "diffId": LAYER0}}],
                "message": {"text": format!("/usr/bin/newgrp in layer 0 ({LAYER0})")}
            }],
            "associatedRule": {"id": "SQ40102", "index": 1}
        }])
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["properties"]["verdict"], "fail");
    assert_eq!(
        run["properties"]["targets"][2],
        json!({"target": "oci:layout:v1", "kind": "oci", "digest": format!("sha256:{}", "ab".repeat(32)), "verdict": "fail"})
    );
    assert_eq!(run["results"].as_array().map(Vec::len), Some(8));
    // ruleIndex points at the rule's descriptor.
    for r in run["results"].as_array().expect("results") {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(driver["rules"][i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_dockerfile_results_have_a_region_fingerprint_and_suppressions() {
    let log = sarif(&sample());
    let ssh = result(&log, "SQ40104", "port 22");
    assert_eq!(
        ssh,
        &json!({
            "ruleId": "SQ40104",
            "ruleIndex": 3,
            "level": "error",
            "message": {"text": "port 22/tcp (SSH) is exposed"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "app/Dockerfile", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 8, "endLine": 4, "endColumn": 10}
            }}],
            "partialFingerprints": {"portcullisFingerprint/v1": "0123456789abcdef0123456789abcdef"},
            "suppressions": [],
            "properties": {
                "target": "app/Dockerfile",
                "targetKind": "dockerfile",
                "digest": format!("sha256:{}", "ab".repeat(32)),
                "severity": "high",
                "category": "container-security",
                "action": "fail",
                "remediation": registry::find("SQ40104").expect("rule").remediation
            }
        })
    );
    let add = result(&log, "SQ41102", "ADD of a local file");
    assert_eq!(add["level"], "warning");
    assert_eq!(
        add["suppressions"],
        json!([{"kind": "inSource", "status": "accepted", "justification": "the tarball is vendored and checked"}])
    );
    // Standard input has no file name; the URI still is a valid reference.
    let stdin = result(&log, "SQ41103", "CMD app");
    assert_eq!(
        stdin["locations"][0]["physicalLocation"]["artifactLocation"],
        json!({"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%"})
    );
}

#[test]
fn sarif_image_results_have_logical_locations_and_a_file() {
    let log = sarif(&sample());
    // No --dockerfile: the image archive, line 1, beside the config pointer.
    let root = result(&log, "SQ40101", "the config user");
    assert_eq!(
        root["locations"],
        json!([{
            "physicalLocation": {"artifactLocation": {"uri": "images/app.tar", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}},
            "logicalLocations": [{"name": "/config/User", "fullyQualifiedName": "config:/config/User", "kind": "property"}],
            "message": {"text": "image config /config/User"}
        }])
    );
    assert_eq!(
        root["relatedLocations"],
        json!([{
            "id": 1,
            "logicalLocations": [{"name": "history[2]", "fullyQualifiedName": "config:/history/2", "kind": "object"}],
            "message": {"text": "history entry 2: /bin/sh -c #(nop)  USER root"}
        }])
    );
    assert_eq!(
        root["properties"]["target"],
        "docker-archive:images/app.tar:app:1"
    );
    assert_eq!(root["properties"]["targetKind"], "docker-archive");

    let su = result(&log, "SQ40102", "/usr/bin/su");
    assert_eq!(
        su["locations"][0]["logicalLocations"],
        json!([{"name": "/usr/bin/su", "fullyQualifiedName": "layer:0:/usr/bin/su", "kind": "resource",
                "properties": {"layerIndex": 0, "diffId": LAYER0}}])
    );
    let history = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["properties"]["targetKind"] == "docker-archive" && r["ruleId"] == "SQ41102")
        .expect("history result");
    assert_eq!(
        history["locations"][0]["logicalLocations"],
        json!([{"name": "history[5]", "fullyQualifiedName": "config:/history/5", "kind": "object"}])
    );
    assert_eq!(history["suppressions"], json!([]), "not suppressed");

    // Built from a Dockerfile (--dockerfile): its line is the file location.
    let telnet = result(&log, "SQ40105", "port 23");
    assert_eq!(
        telnet["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "app/Dockerfile", "uriBaseId": "%SRCROOT%"},
               "region": {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 7}})
    );
    assert_eq!(
        telnet["relatedLocations"][1],
        json!({"id": 2, "physicalLocation": {"artifactLocation": {"uri": "app/Dockerfile", "uriBaseId": "%SRCROOT%"},
               "region": {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 7}},
               "message": {"text": "app/Dockerfile:4:1"}})
    );

    // An image with no file at all: only the logical location.
    let hc = result(&log, "SQ41101", "no health check");
    assert_eq!(
        hc["locations"],
        json!([{
            "logicalLocations": [{"name": "/config/Healthcheck", "fullyQualifiedName": "config:/config/Healthcheck", "kind": "property"}],
            "message": {"text": "image config /config/Healthcheck"}
        }])
    );
}

#[test]
fn sarif_oci_layout_without_dockerfile_points_at_its_index() {
    let layout = target(
        "oci:layout:v1",
        "oci",
        Some("layout/"),
        vec![finding(
            "SQ40101",
            Action::Fail,
            "root",
            Location::Config {
                pointer: "/config/User".into(),
            },
        )],
        &[],
    );
    let log = sarif(&Report::new("1.0.0", vec![layout]));
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "layout/index.json", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}})
    );
}

#[test]
fn sarif_of_a_pass_and_of_an_unknown_rule() {
    let clean = target("Dockerfile", "dockerfile", Some("Dockerfile"), vec![], &[]);
    let log = sarif(&Report::new("1.0.0", vec![clean]));
    let run = &log["runs"][0];
    assert_eq!(run["results"], json!([]));
    assert_eq!(run["invocations"][0]["exitCode"], 0);
    assert_eq!(
        run["invocations"][0]["exitCodeDescription"],
        "policy passed"
    );
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(RULES.len())
    );

    // A saved report from a newer portcullis may name a rule this one lacks.
    let mut f = finding(
        "SQ41101",
        Action::Warn,
        "new",
        Location::Config {
            pointer: "/config/X".into(),
        },
    );
    f.rule = "SQ49999".into();
    f.title = "A future rule".into();
    let mut t = target("img.tar", "docker-archive", Some("img.tar"), vec![f], &[]);
    for p in &mut t.policies {
        p.status = Status::NotApplicable;
    }
    let log = sarif(&Report::new("1.0.0", vec![t]));
    let driver = &log["runs"][0]["tool"]["driver"];
    let mut described = json!({
        "id": "SQ49999", "name": "SQ49999",
        "shortDescription": {"text": "A future rule"}, "fullDescription": {"text": "A future rule"},
        "help": {"text": registry::find("SQ41101").expect("r").remediation, "markdown": registry::find("SQ41101").expect("r").remediation},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["build-instructions"], "category": "build-instructions", "severity": "low"}
    });
    if let Some(url) = portcullis_report::rule_doc_url("SQ49999") {
        described["helpUri"] = json!(url);
    }
    assert_eq!(
        driver["rules"],
        json!([described]),
        "only rules evaluated, and the unknown one described from its finding"
    );
    assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], 0);
}

#[test]
fn sarif_keeps_hostile_text_as_data() {
    let mut f = finding(
        "SQ40102",
        Action::Fail,
        "x\u{1b}[2J\"}\n<script>",
        Location::Layer {
            index: 0,
            digest: LAYER0.into(),
            path: "/a b/\u{0}é".into(),
            line: None,
            column: None,
        },
    );
    f.related.push(df("we:ird/Docker file#1", 0, 0, 0));
    let t = target("a:b", "docker-archive", Some("/abs/a b.tar"), vec![f], &[]);
    let log = sarif(&Report::new("1.0.0", vec![t]));
    let r = &log["runs"][0]["results"][0];
    assert_eq!(r["message"]["text"], "x\u{1b}[2J\"}\n<script>");
    // --dockerfile's line is preferred; a saved report's zero line is made valid.
    assert_eq!(
        r["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "we%3Aird/Docker%20file%231", "uriBaseId": "%SRCROOT%"},
               "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}})
    );
    let t = target(
        "a:b",
        "docker-archive",
        Some("/abs/a b.tar"),
        vec![finding(
            "SQ40101",
            Action::Fail,
            "m",
            Location::Config {
                pointer: "/config/User".into(),
            },
        )],
        &[],
    );
    let log = sarif(&Report::new("1.0.0", vec![t]));
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        json!({"uri": "file:///abs/a%20b.tar"})
    );
}

#[test]
fn junit_one_suite_per_target_one_case_per_policy() {
    let ssh = finding(
        "SQ40104",
        Action::Fail,
        "port 22/tcp (SSH) is exposed",
        df("Dockerfile", 4, 8, 10),
    );
    let mut ssh2 = finding(
        "SQ40104",
        Action::Fail,
        "port 22/tcp (SSH) is exposed <again>",
        df("Dockerfile", 5, 8, 10),
    );
    ssh2.related.push(Location::History {
        index: 1,
        created_by: "EXPOSE 22".into(),
    });
    let hc = finding(
        "SQ41101",
        Action::Warn,
        "no HEALTHCHECK",
        df("Dockerfile", 1, 1, 5),
    );
    let t = target(
        "Dockerfile",
        "dockerfile",
        Some("Dockerfile"),
        vec![ssh, ssh2, hc],
        &["SQ40102"],
    );
    let xml = render_junit(&Report::new("1.0.0", vec![t]));
    let r = |code: &str| registry::find(code).expect("rule");
    let mut expected = [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<testsuites name=\"portcullis\" tests=\"111\" skipped=\"1\" failures=\"1\" errors=\"0\">\n",
        "    <testsuite name=\"Dockerfile\" tests=\"111\" skipped=\"1\" errors=\"0\" failures=\"1\">\n",
        "        <properties>\n",
        "            <property name=\"kind\" value=\"dockerfile\"/>\n",
    ]
    .concat();
    expected.push_str(&format!(
        "            <property name=\"digest\" value=\"sha256:{}\"/>\n",
        "ab".repeat(32)
    ));
    expected.push_str(
        "            <property name=\"verdict\" value=\"fail\"/>\n        </properties>\n",
    );
    for rule in RULES {
        let open = format!(
            "        <testcase name=\"{} {}\" classname=\"portcullis.{}\"",
            rule.code,
            rule.title.replace('\'', "&apos;"),
            rule.category.as_str()
        );
        match rule.code {
            "SQ40102" => expected.push_str(&format!(
                "{open}>\n            <skipped message=\"does not apply to a dockerfile\"/>\n        </testcase>\n"
            )),
            "SQ40104" => expected.push_str(&format!(
                "{open}>\n            <failure message=\"port 22/tcp (SSH) is exposed (and 1 more finding)\" type=\"high\">\
FAIL SQ40104 (high): port 22/tcp (SSH) is exposed\n  at Dockerfile:4:8\n  fix: {fix}\n\
FAIL SQ40104 (high): port 22/tcp (SSH) is exposed &lt;again&gt;\n  at Dockerfile:5:8\n  related: history entry 1: EXPOSE 22\n  fix: {fix}\n\
</failure>\n        </testcase>\n",
                fix = r("SQ40104").remediation
            )),
            "SQ41101" => expected.push_str(&format!(
                "{open}>\n            <system-out>WARN SQ41101 (low): no HEALTHCHECK\n  at Dockerfile:1:1\n  fix: {}\n</system-out>\n        </testcase>\n",
                r("SQ41101").remediation
            )),
            _ => expected.push_str(&format!("{open}/>\n")),
        }
    }
    expected.push_str("    </testsuite>\n</testsuites>\n");
    assert_eq!(xml, expected);
}

#[test]
fn junit_of_the_sample_parses_and_counts() {
    let xml = render_junit(&sample());
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    let suites: Vec<(String, usize, usize, usize)> = parsed
        .test_suites
        .iter()
        .map(|s| (s.name.to_string(), s.tests, s.failures, s.skipped))
        .collect();
    let n = RULES.len();
    assert_eq!(
        suites,
        vec![
            ("app/Dockerfile".into(), n, 1, 0),
            ("docker-archive:images/app.tar:app:1".into(), n, 2, 0),
            ("oci:layout:v1".into(), n, 1, 0),
            ("registry.example/app:1".into(), n, 0, 0),
            ("<stdin>".into(), n, 0, 1),
        ]
    );
}

#[test]
fn junit_shows_control_characters_instead_of_dropping_them() {
    let f = finding(
        "SQ40101",
        Action::Fail,
        "user `\u{1b}[31mroot`",
        Location::Config {
            pointer: "/config/User".into(),
        },
    );
    let t = target("a\u{7}b", "docker-archive", None, vec![f], &[]);
    let xml = render_junit(&Report::new("1.0.0", vec![t]));
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{xml}");
    assert!(xml.contains("<testsuite name=\"a\\u{7}b\""), "{xml}");
    assert!(xml.contains("message=\"user `\\u{1b}[31mroot`\""), "{xml}");
}

#[test]
fn markdown_summary_and_table() {
    let report = sample();
    let md = render_markdown(&report, MarkdownLimits::default());
    let url = |c: &str| format!("#{}", c.to_ascii_lowercase());
    let expected_start = "## portcullis: **FAIL**\n\n\
5 targets, 8 findings (2 high, 2 medium, 4 low), 4 failing, 1 suppressed.\n\n\
Summary: 4 failed, 3 warned, 0 info, 1 suppressed (0 by baseline, 0 by exception, 1 by inline comment), 546 policies passed.\n\n\
| target | verdict | critical | high | medium | low | info | suppressed |\n\
|---|---|--:|--:|--:|--:|--:|--:|\n\
| `app/Dockerfile` | **FAIL** | 0 | 1 | 0 | 0 | 0 | 1 |\n\
| `docker-archive:images/app.tar:app:1` | **FAIL** | 0 | 0 | 2 | 1 | 0 | 0 |\n\
| `oci:layout:v1` | **FAIL** | 0 | 1 | 0 | 0 | 0 | 0 |\n\
| `registry.example/app:1` | **PASS** | 0 | 0 | 0 | 1 | 0 | 0 |\n\
| `<stdin>` | **PASS** | 0 | 0 | 0 | 1 | 0 | 0 |\n";
    assert!(md.starts_with(expected_start), "{md}");
    let section = format!(
        "\n### `app/Dockerfile`: **FAIL**\n\n\
2 findings (1 high, 1 low), 1 failing, 1 suppressed; 111 policies checked.\n\n\
| | rule | severity | location | message |\n|---|---|---|---|---|\n\
| **FAIL** | [SQ40104]({}) | high | `app/Dockerfile:4:8` | port 22/tcp (SSH) is exposed |\n\
| suppressed | [SQ41102]({}) | low | `app/Dockerfile:3:1` | ADD of a local file (suppressed by inline: the tarball is vendored and checked) |\n",
        url("SQ40104"),
        url("SQ41102")
    );
    assert!(md.contains(&section), "{md}");
    let image = format!(
        "\n### `docker-archive:images/app.tar:app:1`: **FAIL**\n\n\
3 findings (2 medium, 1 low), 2 failing, 0 suppressed; 111 policies checked; 1 note.\n\n\
| | rule | severity | location | message |\n|---|---|---|---|---|\n\
| **FAIL** | [SQ40101]({}) | medium | `image config /config/User` | the config user is `root`, which is root |\n\
| **FAIL** | [SQ40102]({}) | medium | `/usr/bin/su in layer 0 ({LAYER0})` | /usr/bin/su has the setuid bit |\n\
| WARN | [SQ41102]({}) | low | `history entry 5: ADD notes.txt /etc/notes.txt # buildkit` | ADD of a local file |\n",
        url("SQ40101"),
        url("SQ40102"),
        url("SQ41102")
    );
    assert!(md.contains(&image), "{md}");
    assert!(md.contains("\n### `<stdin>`: **PASS**\n"), "{md}");
    assert!(!md.contains("not shown"), "{md}");
    // The rules the table links to are explained at the end, each at its
    // anchor, in the order first linked, from the rule's own declaration.
    let rules = &md[md.find("\n### Rules\n").expect("a rules section")..];
    let anchors: Vec<&str> = rules
        .match_indices("<a id=\"")
        .map(|(i, _)| &rules[i + 7..i + 7 + 7])
        .collect();
    assert_eq!(
        anchors,
        ["sq40104", "sq41102", "sq40101", "sq40102", "sq40105", "sq41101", "sq41103"]
    );
    let ssh = registry::find("SQ40104").expect("rule");
    assert!(rules.contains(&format!(
        "<a id=\"sq40104\"></a>\n\n**SQ40104** Image might expose the SSH port (high, container-security)\n\n{}\n\n_Why:_ {}\n\n_Fix:_ {}\n",
        ssh.doc.what, ssh.doc.why, ssh.doc.fix
    )), "{rules}");
    // External links only to configured docs.
    let external = md.matches("](http").count();
    match portcullis_report::docs_url() {
        None => assert_eq!(external, 0, "{md}"),
        Some(base) => assert_eq!(md.matches(&format!("]({base}/rules.md#")).count(), external),
    }
}

#[test]
fn markdown_of_a_huge_report_is_cut_to_fit_a_comment() {
    let findings: Vec<ReportedFinding> = (0..10_000)
        .map(|i| {
            let mut f = finding(
                "SQ40102",
                if i % 10 == 0 {
                    Action::Fail
                } else {
                    Action::Warn
                },
                &format!("/usr/bin/tool{i} has the setuid bit {}", "x".repeat(300)),
                Location::Layer {
                    index: i % 7,
                    digest: LAYER0.into(),
                    path: format!("/usr/bin/tool{i}"),
                    line: None,
                    column: None,
                },
            );
            f.severity = if i % 10 == 0 {
                Severity::High
            } else {
                Severity::Low
            };
            f
        })
        .collect();
    let many: Vec<TargetReport> = (0..150)
        .map(|i| target(&format!("t{i}"), "dockerfile", None, vec![], &[]))
        .collect();
    let mut targets = vec![target(
        "big.tar",
        "docker-archive",
        Some("big.tar"),
        findings,
        &[],
    )];
    targets.extend(many);
    let md = render_markdown(&Report::new("1.0.0", targets), MarkdownLimits::default());
    assert!(md.len() < 65_536, "{} bytes", md.len());
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| **FAIL** |") || l.starts_with("| WARN |"))
        .collect();
    assert_eq!(rows.len(), 100);
    assert!(
        rows.iter().all(|r| r.starts_with("| **FAIL** |")),
        "failing findings first"
    );
    assert!(rows[0].contains("x…"), "long messages are cut: {}", rows[0]);
    assert!(md.contains("\n_51 more targets not shown._\n"), "{md}");
    assert!(
        md.contains("\n_9900 more findings not shown: the JSON or SARIF report has every one._\n\n### Rules\n\n<a id=\"sq40102\"></a>\n"),
        "{md}"
    );
}

#[test]
fn json_reads_back_into_the_same_report() {
    let report = sample();
    let text = render_json(&report);
    let again = read_json(text.as_bytes()).expect("reads back");
    assert_eq!(render_json(&again), text);
    assert_eq!(render_sarif(&again), render_sarif(&report));
    assert_eq!(again.targets[0].path.as_deref(), Some("app/Dockerfile"));
    assert_eq!(
        again.targets[0].findings[1].suppressed,
        Some(Suppression {
            by: "inline".into(),
            reason: "the tarball is vendored and checked".into()
        })
    );
    assert_eq!(again.targets[1].notes.len(), 1);
    // A report written before `path` existed still reads.
    let mut v: Value = serde_json::from_str(&text).expect("json");
    for t in v["targets"].as_array_mut().expect("targets") {
        t.as_object_mut().expect("object").remove("path");
    }
    let old = read_json(v.to_string().as_bytes()).expect("reads");
    assert_eq!(old.targets[0].path, None);
    let _ = (Category::ContainerSecurity, Severity::High);
}

#[test]
fn json_that_is_not_a_report_is_one_clear_line() {
    let err = |bytes: &str| read_json(bytes.as_bytes()).expect_err("must fail");
    assert_eq!(
        err("{\"schema_version\": 2, \"whatever\": true}"),
        "schema_version 2 is not supported: this portcullis reads schema_version 1"
    );
    assert_eq!(
        err("{\"schema_version\": \"1\"}"),
        "schema_version \"1\" is not supported: this portcullis reads schema_version 1"
    );
    assert_eq!(
        err("{\"version\": \"2.1.0\", \"runs\": []}"),
        "not a portcullis JSON report: it has no schema_version"
    );
    assert_eq!(
        err("not json"),
        "not a portcullis JSON report: expected ident at line 1 column 2"
    );
    assert_eq!(
        err("[1]"),
        "not a portcullis JSON report: not a JSON object"
    );
    assert_eq!(
        err("{\"schema_version\": 1, \"tool\": {\"name\": \"portcullis\", \"version\": \"0\"}, \"verdict\": \"maybe\", \"targets\": []}"),
        "not a valid portcullis JSON report (schema_version 1): unknown variant `maybe`, expected `pass` or `fail` at line 1 column 88"
    );
    assert_eq!(
        err("{\"schema_version\": 1}"),
        "not a valid portcullis JSON report (schema_version 1): missing field `tool` at line 1 column 21"
    );
    for e in [err("{\"schema_version\": 1}"), err("\u{1b}")] {
        assert!(!e.contains('\n'), "one line: {e:?}");
    }
}

// ---------------------------------------------------------------- HTML

/// The JSON block the HTML report's script renders findings from.
fn html_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"portcullis-data\">";
    let start = html.find(open).expect("the data block") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("the data block is JSON")
}

/// The part of the HTML for target `i`.
fn html_target(html: &str, i: usize) -> &str {
    let start = html
        .find(&format!("<section class=\"target\" id=\"target-{i}\""))
        .expect("target section");
    let end = start + html[start..].find("</section>").expect("section end");
    &html[start..end]
}

#[test]
fn html_is_one_file_that_fetches_nothing() {
    let html = render_html(&sample());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</html>\n"));
    // Style and script inline; nothing that loads anything.
    for never in [
        "<link",
        "<img",
        " src=",
        "@import",
        "url(",
        "<iframe",
        "<object",
        "http-equiv=\"refresh\"",
    ] {
        assert!(!html.contains(never), "the page contains {never:?}");
    }
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data and the script"
    );
    assert_eq!(html.matches("</script>").count(), 2);
    assert_eq!(html.matches("<style>").count(), 1);
    // The browser is told to fetch nothing and to run only this script.
    let csp_start = html
        .find("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .expect("a CSP");
    let csp = &html[csp_start..csp_start + html[csp_start..].find('>').expect("end")];
    assert!(
        csp.contains("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(csp.contains("style-src 'sha256-"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Each policy's documentation is in the page, to unfold; a link (not a
    // request) only to a configured docs URL.
    assert!(html.contains("<details class=\"rule-doc\" id=\"rule-sq40104\"><summary><code>SQ40104</code></summary><div class=\"doc\"><p>"), "{html}");
    match portcullis_report::rule_doc_url("SQ40104") {
        Some(url) => assert!(html.contains(&format!("href=\"{url}\"")), "{html}"),
        None => assert!(!html.contains("href=\"http"), "{html}"),
    }
    // Findings are rendered by the script, a page at a time.
    assert!(!html.contains("<article"));
}

#[test]
fn html_summary_counts_policies_and_verdicts() {
    let report = sample();
    let html = render_html(&report);
    assert!(html.contains("<title>portcullis: FAIL — 5 targets, 8 findings</title>"));
    assert!(
        html.contains("5 targets, 8 findings (2 high, 2 medium, 4 low), 4 failing, 1 suppressed.")
    );
    // The overview table, one row per target.
    assert_eq!(html.matches("<tr data-target=").count(), 5);

    let archive = html_target(&html, 1);
    assert!(archive.contains("<span class=\"name\">docker-archive:images/app.tar:app:1</span>"));
    assert!(archive.contains("data-verdict=\"fail\">FAIL</span>"));
    assert!(archive.contains(&format!(
        "<code class=\"digest\">sha256:{}</code>",
        "ab".repeat(32)
    )));
    for (what, n) in [
        ("severity=\"critical\"", 0),
        ("severity=\"high\"", 0),
        ("severity=\"medium\"", 2),
        ("severity=\"low\"", 1),
        ("severity=\"info\"", 0),
        ("category=\"container-security\"", 2),
        ("category=\"build-instructions\"", 1),
        ("outcome=\"fail\"", 2),
        ("outcome=\"warn\"", 1),
        ("outcome=\"suppressed\"", 0),
    ] {
        let needle = format!("data-count-{what}>{n}<");
        assert!(archive.contains(&needle), "{needle} in {archive}");
    }
    assert!(archive.contains("data-count-total>3<"));
    assert!(archive.contains("data-count-notes>1<"));
    // Every policy, with its outcome.
    assert_eq!(archive.matches("<tr class=\"st-").count(), RULES.len());
    assert!(archive.contains("data-rule=\"SQ40101\" data-status=\"fail\""));
    assert!(archive.contains("data-rule=\"SQ41102\" data-status=\"warn\""));
    assert!(archive.contains("data-rule=\"SQ40104\" data-status=\"pass\""));
    assert!(archive.contains("Policies: 111 evaluated — 2 fail, 1 warn, 108 pass"));

    let dockerfile = html_target(&html, 0);
    assert!(dockerfile.contains("data-count-outcome=\"suppressed\">1<"));
    assert!(dockerfile.contains("data-rule=\"SQ41102\" data-status=\"suppressed\""));
    assert!(
        !dockerfile.contains("<h3>Layers</h3>"),
        "no layers for a Dockerfile"
    );
    let stdin = html_target(&html, 4);
    assert!(stdin.contains("data-rule=\"SQ40102\" data-status=\"not-applicable\""));
    assert!(stdin.contains("not applicable</span>"));
    // An image without layer details (as from an older report) says so.
    assert!(html_target(&html, 2).contains("no layer or history details"));
}

#[test]
fn html_layers_and_history_show_where_findings_sit() {
    let html = render_html(&sample());
    let archive = html_target(&html, 1);
    // A bar per layer, by size against the largest (per mille, at least 4).
    for (layer, class, width) in [(0, "base", 1000), (1, "own", 250), (2, "own", 4)] {
        let row_start = archive
            .find(&format!("<tr class=\"{class}\" data-layer=\"{layer}\">"))
            .unwrap_or_else(|| panic!("layer {layer} row"));
        let row =
            &archive[row_start..row_start + archive[row_start..].find("</tr>").expect("row end")];
        assert!(
            row.contains(&format!(
                "<rect class=\"{class}\" x=\"0\" y=\"2\" width=\"{width}\""
            )),
            "{row}"
        );
        // Layer 0 holds the setuid file; layer 2 was made by the ADD of entry 5.
        let found = match layer {
            0 => "data-place=\"layer\" data-index=\"0\" data-target=\"1\" title=\"Show the findings in layer 0\">1<",
            2 => "data-place=\"layer\" data-index=\"2\" data-target=\"1\" title=\"Show the findings in layer 2\">1<",
            _ => "<span class=\"zero\">0</span>",
        };
        assert!(row.contains(found), "{row}");
    }
    assert!(archive.contains("7.6 MiB"), "sizes in words");
    // The history: every entry, the boundary after entry 1, findings at
    // entry 2 (USER, related) and 5 (the ADD), and entry 0 by its layer.
    assert_eq!(archive.matches("<li class=\"base").count(), 2);
    assert_eq!(archive.matches("<li class=\"own").count(), 5);
    let boundary = archive.find("data-boundary=\"1\"").expect("the boundary");
    assert!(archive.find("data-history=\"1\"").expect("1") < boundary);
    assert!(boundary < archive.find("data-history=\"2\"").expect("2"));
    assert!(!archive.contains("boundary guessed"));
    for entry in [0, 2, 5] {
        assert!(
            archive.contains(&format!("data-place=\"history\" data-index=\"{entry}\"")),
            "entry {entry}"
        );
    }
    assert!(archive.contains("<span class=\"when\">2024-05-01 12:34:56</span>"));

    // The data: each finding's layer and history entries, for the filters.
    let data = html_data(&html);
    let findings = data["targets"][1]["findings"].as_array().expect("findings");
    let place: Vec<(Value, Value)> = findings
        .iter()
        .map(|f| (f["ly"].clone(), f["h"].clone()))
        .collect();
    // Container security first (config, then layer), then build instructions.
    assert_eq!(
        place,
        [
            (Value::Null, json!([2])),
            (json!(0), json!([0])),
            (json!(2), json!([5])),
        ]
    );
}

#[test]
fn html_guessed_boundary_and_long_history() {
    let mut report = sample();
    let image = report.targets[1].image.as_mut().expect("image");
    image.base_boundary = Some(BaseBoundary {
        last: 1,
        signal: "last-cmd".into(),
        certain: false,
        how: "the base image's last CMD/ENTRYPOINT".into(),
    });
    let html = render_html(&report);
    assert!(html_target(&html, 1).contains("<li class=\"boundary guessed\" data-boundary=\"1\"><span>base image ends here (guessed)</span></li>"));
    assert!(html_target(&html, 1).contains("a guess from the history's shape"));

    // 5,000 history entries: those that matter are drawn, the rest folded.
    let image = report.targets[1].image.as_mut().expect("image");
    image.history.extend((0..5_000).map(|i| HistoryDetails {
        created: None,
        created_by: format!("/bin/sh -c #(nop)  LABEL n={i}"),
        comment: None,
        layer: None,
    }));
    report.targets[1].findings[0].related = vec![Location::History {
        index: 3000,
        created_by: "LABEL".into(),
    }];
    let html = render_html(&report);
    let archive = html_target(&html, 1);
    let drawn =
        archive.matches("<li class=\"base").count() + archive.matches("<li class=\"own").count();
    assert!(drawn < 30, "{drawn} entries drawn");
    assert!(archive.contains("data-history=\"3000\""));
    assert!(archive.contains("data-history=\"5006\""), "the last entry");
    assert!(archive.contains("entries not shown (no findings, no layer)"));
}

#[test]
fn html_data_block_holds_every_finding() {
    let report = sample();
    let html = render_html(&report);
    let data = html_data(&html);
    assert_eq!(data["doc"], json!(portcullis_report::rule_doc_url("")));
    let targets = data["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), report.targets.len());
    for (t, r) in targets.iter().zip(&report.targets) {
        assert_eq!(t["name"], r.target.as_str());
        assert_eq!(
            t["findings"].as_array().map(Vec::len),
            Some(r.findings.len())
        );
    }
    // Findings sorted most severe first within a category; what a rule's
    // findings share is stored once.
    let dockerfile = &targets[0]["findings"];
    let kinds = &data["kinds"];
    let ssh = &kinds[dockerfile[0]["k"].as_u64().expect("k") as usize];
    assert_eq!(ssh["rule"], "SQ40104");
    assert_eq!(ssh["severity"], "high");
    assert_eq!(ssh["action"], "fail");
    assert_eq!(ssh["category"], "container-security");
    assert_eq!(
        ssh["remediation"],
        registry::find("SQ40104").expect("rule").remediation
    );
    assert_eq!(dockerfile[0]["m"], "port 22/tcp (SSH) is exposed");
    assert_eq!(dockerfile[0]["l"], "app/Dockerfile:4:8");
    assert_eq!(dockerfile[0]["lk"], "dockerfile");
    assert_eq!(dockerfile[0]["fp"], "0123456789abcdef0123456789abcdef");
    assert_eq!(
        dockerfile[1]["s"],
        json!(["inline", "the tarball is vendored and checked"])
    );
    let telnet = &targets[2]["findings"][0];
    assert_eq!(
        telnet["r"],
        json!([
            ["history", "history entry 3: EXPOSE 23"],
            ["dockerfile", "app/Dockerfile:4:1"]
        ])
    );
    let kinds_used: std::collections::BTreeSet<u64> = targets
        .iter()
        .flat_map(|t| t["findings"].as_array().expect("findings"))
        .map(|f| f["k"].as_u64().expect("k"))
        .collect();
    assert_eq!(kinds_used.len(), kinds.as_array().expect("kinds").len());
}

#[test]
fn html_keeps_hostile_text_as_text() {
    let mut report = sample();
    let evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)><!-- \"' & \u{1b}[2J \u{202e}gpj.exe";
    report.targets[1].target = format!("app {evil}");
    report.targets[1].findings[0].message = format!("user `{evil}`");
    report.targets[1].findings[0].related = vec![Location::History {
        index: 2,
        created_by: evil.to_owned(),
    }];
    report.targets[1].kind = evil.to_owned();
    report.targets[1].notes[0].message = evil.to_owned();
    report.targets[1].policies[0].rule = evil.to_owned();
    let image = report.targets[1].image.as_mut().expect("image");
    image.history[2].created_by = evil.to_owned();
    image.history[2].comment = Some(evil.to_owned());
    image.layers[1].diff_id = evil.to_owned();
    image.history[3].created = Some(evil.to_owned());
    let html = render_html(&report);
    assert_eq!(
        html.matches("<script").count(),
        2,
        "no script from the input"
    );
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(!html.contains("<img"));
    assert!(!html.contains("<!--"));
    assert!(!html.contains('\u{1b}'));
    assert!(!html.contains('\u{202e}'));
    assert!(html.contains(
        "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&lt;!-- &quot;&#39; &amp; \\u{1b}[2J \\u{202e}gpj.exe"
    ));
    // The data block reads back to the shown text.
    let data = html_data(&html);
    assert_eq!(
        data["targets"][1]["name"],
        "app </script><script>alert(1)</script><img src=x onerror=alert(2)><!-- \"' & \\u{1b}[2J \\u{202e}gpj.exe"
    );
}

#[test]
fn html_of_a_report_without_targets_or_findings() {
    let empty = Report::new("1.0.0", Vec::new());
    let html = render_html(&empty);
    assert!(html.contains("The report has no targets."));
    assert_eq!(html_data(&html)["targets"], json!([]));

    let clean = Report::new(
        "1.0.0",
        vec![target(
            "Dockerfile",
            "dockerfile",
            Some("Dockerfile"),
            Vec::new(),
            &[],
        )],
    );
    let html = render_html(&clean);
    assert!(html.contains("data-verdict=\"pass\">PASS</span>"));
    assert!(html.contains("<p class=\"empty\">No findings.</p>"));
}

#[test]
fn image_details_are_optional_in_the_json() {
    // Written with them, read back the same.
    let report = sample();
    let json = render_json(&report);
    let value: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["targets"][1]["image"]["layers"][0]["size"], 8_000_000);
    assert_eq!(value["targets"][1]["image"]["history"][4]["layer"], 1);
    assert_eq!(
        value["targets"][1]["image"]["base_boundary"]["signal"],
        "time-gap"
    );
    assert!(
        value["targets"][0].get("image").is_none(),
        "absent, not null, for Dockerfiles"
    );
    let back = read_json(json.as_bytes()).expect("reads back");
    assert_eq!(back.targets[1].image, report.targets[1].image);
    assert_eq!(render_json(&back), json);

    // A report from before the field: reads, and renders in every format.
    let mut old = value.clone();
    for t in old["targets"].as_array_mut().expect("targets") {
        t.as_object_mut().expect("target").remove("image");
    }
    let old = read_json(old.to_string().as_bytes()).expect("an old report reads");
    assert!(old.targets.iter().all(|t| t.image.is_none()));
    let html = render_html(&old);
    assert!(html_target(&html, 1).contains("no layer or history details"));
}
