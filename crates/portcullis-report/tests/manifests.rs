//! Every renderer on a report built in code whose findings are in a
//! Kubernetes manifest and a Compose project (one in its override file):
//! the place each format gives them, and the source line the human and
//! HTML reports show from the text the scan kept.

use std::sync::Arc;

use portcullis_policy::{
    Action, PolicyResult, Report, ReportedFinding, SourceText, Status, TargetReport, Verdict,
};
use portcullis_report::{
    read_json, render_codequality, render_gitlab_container_scanning, render_html, render_human,
    render_json, render_junit, render_markdown, render_sarif, HumanOptions, MarkdownLimits,
};
use portcullis_rules::{registry, Location};
use serde_json::Value;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bastion\nspec:\n  containers:\n  - name: ssh\n    image: sshd\n    ports:\n    - containerPort: 22\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - containerPort: 23\n";
const COMPOSE: &str = "services:\n  app:\n    image: app\n";
const OVERRIDE: &str = "services:\n  app:\n    ports:\n      - \"2222:22\"\n";

fn manifest(
    path: &str,
    line: usize,
    column: usize,
    end_column: usize,
    document: usize,
    pointer: &str,
) -> Location {
    Location::Manifest {
        path: path.to_owned(),
        line,
        column,
        end_line: line,
        end_column,
        document,
        pointer: pointer.to_owned(),
    }
}

fn finding(rule: &str, message: &str, location: Location) -> ReportedFinding {
    let r = registry::find(rule).expect("rule");
    ReportedFinding {
        rule: rule.to_owned(),
        title: r.title.to_owned(),
        category: r.category,
        severity: r.severity,
        action: Action::Fail,
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

fn target(
    name: &str,
    kind: &str,
    findings: Vec<ReportedFinding>,
    texts: &[(&str, &str)],
) -> TargetReport {
    TargetReport {
        target: name.to_owned(),
        kind: kind.to_owned(),
        digest: Some(format!("sha256:{}", "ab".repeat(32))),
        path: Some(name.to_owned()),
        references: Vec::new(),
        verdict: Verdict::Fail,
        policies: ["SQ40104", "SQ40105"]
            .iter()
            .map(|code| PolicyResult {
                rule: (*code).to_owned(),
                status: if findings.iter().any(|f| f.rule == *code) {
                    Status::Fail
                } else {
                    Status::Pass
                },
                reason: None,
            })
            .collect(),
        findings,
        notes: Vec::new(),
        source: None,
        texts: texts
            .iter()
            .map(|(path, text)| {
                Arc::new(SourceText {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
            })
            .collect(),
        image: None,
        lxd: None,
        config: None,
        hidden: None,
        os: None,
        packages: None,
        vulnerabilities: None,
    }
}

fn sample() -> Report {
    let ssh = finding(
        "SQ40104",
        "port 22/tcp (SSH) is exposed",
        manifest(
            "k8s/pods.yaml",
            10,
            22,
            24,
            0,
            "/spec/containers/0/ports/0/containerPort",
        ),
    );
    let telnet = finding(
        "SQ40105",
        "port 23/tcp (Telnet) is exposed",
        manifest(
            "k8s/pods.yaml",
            21,
            22,
            24,
            1,
            "/spec/containers/0/ports/0/containerPort",
        ),
    );
    let compose = finding(
        "SQ40104",
        "port 22/tcp (SSH) is published",
        manifest(
            "compose.override.yaml",
            4,
            9,
            18,
            0,
            "/services/app/ports/0",
        ),
    );
    Report::new(
        "9.9.9",
        vec![
            target(
                "k8s/pods.yaml",
                "kubernetes",
                vec![ssh, telnet],
                &[("k8s/pods.yaml", POD)],
            ),
            target(
                "compose.yaml",
                "compose",
                vec![compose],
                &[
                    ("compose.yaml", COMPOSE),
                    ("compose.override.yaml", OVERRIDE),
                ],
            ),
        ],
    )
}

fn lines_after<'a>(text: &'a str, first: &str, n: usize) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(first))
        .unwrap_or_else(|| panic!("no line with {first:?} in\n{text}"));
    lines[at..(at + n).min(lines.len())].to_vec()
}

#[test]
fn human_shows_the_manifest_line_with_a_marker() {
    let text = render_human(&sample(), HumanOptions { color: false });
    assert_eq!(
        lines_after(&text, "SQ40104 (high) port 22/tcp (SSH) is exposed", 6),
        [
            "    FAIL SQ40104 (high) port 22/tcp (SSH) is exposed",
            "         --> k8s/pods.yaml:10:22 (document 0, /spec/containers/0/ports/0/containerPort)",
            "            |",
            "         10 |     - containerPort: 22",
            "            |                      ^^",
            &format!("         fix: {}", registry::find("SQ40104").expect("rule").remediation),
        ]
    );
    assert_eq!(
        lines_after(&text, "port 23/tcp (Telnet)", 5)[1..],
        [
            "         --> k8s/pods.yaml:21:22 (document 1, /spec/containers/0/ports/0/containerPort)",
            "            |",
            "         21 |     - containerPort: 23",
            "            |                      ^^",
        ]
    );
    // The override file's line, from the project's texts.
    assert_eq!(
        lines_after(&text, "port 22/tcp (SSH) is published", 5)[1..],
        [
            "         --> compose.override.yaml:4:9 (document 0, /services/app/ports/0)",
            "           |",
            "         4 |       - \"2222:22\"",
            "           |         ^^^^^^^^^",
        ]
    );
}

#[test]
fn human_without_the_text_shows_the_place_alone() {
    // A report read back from JSON has no texts: the place, no excerpt.
    let back = read_json(render_json(&sample()).as_bytes()).expect("reads");
    assert!(back.targets.iter().all(|t| t.texts.is_empty()));
    let text = render_human(&back, HumanOptions { color: false });
    let shown = lines_after(&text, "port 22/tcp (SSH) is exposed", 3);
    assert_eq!(
        shown[1],
        "         --> k8s/pods.yaml:10:22 (document 0, /spec/containers/0/ports/0/containerPort)"
    );
    assert!(shown[2].starts_with("         fix: "), "{shown:?}");
}

#[test]
fn json_keeps_every_field_and_reads_back() {
    let v: Value = serde_json::from_str(&render_json(&sample())).expect("JSON");
    assert_eq!(v["targets"][0]["kind"], "kubernetes");
    assert_eq!(v["targets"][1]["kind"], "compose");
    assert_eq!(
        v["targets"][0]["findings"][1]["location"],
        serde_json::json!({
            "kind": "manifest", "path": "k8s/pods.yaml", "line": 21, "column": 22,
            "end_line": 21, "end_column": 24, "document": 1,
            "pointer": "/spec/containers/0/ports/0/containerPort"
        })
    );
    assert!(v["targets"][0].get("texts").is_none());
    let back = read_json(render_json(&sample()).as_bytes()).expect("reads");
    assert_eq!(
        back.targets[1].findings[0].location,
        sample().targets[1].findings[0].location
    );
}

#[test]
fn sarif_points_code_scanning_at_the_line_with_relative_uris() {
    let log: Value = serde_json::from_str(&render_sarif(&sample())).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let physical: Vec<(String, Value, Value)> = results
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or("").to_owned(),
                p["artifactLocation"].clone(),
                p["region"].clone(),
            )
        })
        .collect();
    assert_eq!(
        physical,
        [
            (
                "SQ40104".to_owned(),
                serde_json::json!({"uri": "k8s/pods.yaml", "uriBaseId": "%SRCROOT%"}),
                serde_json::json!({"startLine": 10, "startColumn": 22, "endLine": 10, "endColumn": 24}),
            ),
            (
                "SQ40105".to_owned(),
                serde_json::json!({"uri": "k8s/pods.yaml", "uriBaseId": "%SRCROOT%"}),
                serde_json::json!({"startLine": 21, "startColumn": 22, "endLine": 21, "endColumn": 24}),
            ),
            (
                "SQ40104".to_owned(),
                serde_json::json!({"uri": "compose.override.yaml", "uriBaseId": "%SRCROOT%"}),
                serde_json::json!({"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 18}),
            ),
        ]
    );
}

#[test]
fn junit_names_the_place() {
    let xml = render_junit(&sample());
    assert!(
        xml.contains(
            "  at k8s/pods.yaml:21:22 (document 1, /spec/containers/0/ports/0/containerPort)\n"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("  at compose.override.yaml:4:9 (document 0, /services/app/ports/0)\n"),
        "{xml}"
    );
}

#[test]
fn markdown_names_the_place() {
    let md = render_markdown(&sample(), MarkdownLimits::default());
    assert!(
        md.contains("`k8s/pods.yaml:10:22 (document 0, /spec/containers/0/ports/0/containerPort)`"),
        "{md}"
    );
    assert!(
        md.contains("`compose.override.yaml:4:9 (document 0, /services/app/ports/0)`"),
        "{md}"
    );
}

#[test]
fn html_shows_the_manifest_line() {
    let html = render_html(&sample());
    // The findings' data: the place, the kind of location, the source line
    // and where the marker goes on it (start, length).
    assert!(
        html.contains("k8s/pods.yaml:21:22 (document 1, /spec/containers/0/ports/0/containerPort)"),
        "no place in the HTML"
    );
    assert!(
        html.contains(r#""src":[21,"    - containerPort: 23",21,2]"#),
        "no source line in the HTML"
    );
    assert!(
        html.contains(r#""src":[4,"      - \"2222:22\"",8,9]"#),
        "no override line in the HTML"
    );
    // No "no layer details" remark for a manifest (it has none to have).
    assert!(!html.contains("no layer or history details"));
}

#[test]
fn codequality_gives_path_and_line() {
    let issues: Value = serde_json::from_str(&render_codequality(&sample())).expect("JSON");
    let places: Vec<(String, u64)> = issues
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            (
                i["location"]["path"].as_str().unwrap_or("").to_owned(),
                i["location"]["lines"]["begin"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("k8s/pods.yaml".to_owned(), 10),
            ("k8s/pods.yaml".to_owned(), 21),
            ("compose.override.yaml".to_owned(), 4),
        ]
    );
}

#[test]
fn gitlab_container_scanning_leaves_manifests_out() {
    // Manifests have no packages, so no vulnerabilities: not "unchecked".
    let doc: Value =
        serde_json::from_str(&render_gitlab_container_scanning(&sample())).expect("JSON");
    assert_eq!(doc["vulnerabilities"], serde_json::json!([]));
    assert_eq!(doc["scan"].get("messages"), None, "{doc:#}");
}
