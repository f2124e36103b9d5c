//! What the reports for people say about the run and an image's config:
//! the scan block, the config summary with its label cap, the summary line
//! and `--hide-suppressed`, on reports read from JSON.

use portcullis_report::{
    read_json, render_html, render_human, render_json, render_with, Format, HumanOptions,
    RenderOptions, Summary,
};
use serde_json::json;

fn report(labels: serde_json::Map<String, serde_json::Value>) -> portcullis_policy::Report {
    let finding = |rule: &str, by: Option<&str>| {
        json!({
            "rule": rule, "title": "t", "category": "container-security", "severity": "high",
            "action": "fail", "message": format!("{rule} message"),
            "location": {"kind": "config", "pointer": "/config/User"},
            "related": [], "remediation": "fix it", "fingerprint": format!("fp-{rule}"),
            "suppressed": by.map(|b| json!({"by": b, "reason": "known"}))
        })
    };
    let value = json!({
        "schema_version": 1,
        "tool": {"name": "portcullis", "version": "9.9.9"},
        "scan": {
            "started": "2026-01-02T03:04:05Z", "duration_ms": 1234, "tool_version": "9.9.9",
            "policy_file": "ci/portcullis.toml", "fail_on": "high", "profile": "strict",
            "today": "2026-01-02",
            "exceptions": [{"rules": ["SQ40101"], "reason": "legacy", "expires": "2026-06-30",
                            "ticket": null, "active": true, "at": "ci/portcullis.toml:7"}],
            "baseline": "base.json", "advisory_db": null
        },
        "verdict": "fail",
        "targets": [{
            "target": "app.tar", "kind": "docker-archive", "digest": "sha256:ab", "path": "app.tar",
            "references": ["app:1", "registry.example/app:1"],
            "verdict": "fail",
            "policies": [{"rule": "SQ40101", "status": "suppressed"}, {"rule": "SQ40104", "status": "fail"},
                         {"rule": "SQ40105", "status": "pass"}],
            "findings": [finding("SQ40104", None), finding("SQ40101", Some("exception")),
                         finding("SQ40101", Some("baseline")), finding("SQ40101", Some("inline"))],
            "config": {
                "os": "linux", "architecture": "arm64", "variant": "v8", "user": "10001",
                "entrypoint": ["/app"], "cmd": null, "working_dir": "/srv",
                "exposed_ports": ["8080/tcp"], "labels": labels
            }
        }]
    });
    read_json(value.to_string().as_bytes()).expect("a report")
}

fn many_labels() -> serde_json::Map<String, serde_json::Value> {
    (0..20)
        .map(|i| (format!("k{i:02}"), json!("v".repeat(100))))
        .chain([("z\u{1b}[2J".to_owned(), json!("<img onerror=x>"))])
        .collect()
}

#[test]
fn the_human_report_says_how_the_scan_was_judged() {
    let text = render_human(&report(many_labels()), HumanOptions { color: false });
    let tail = "Scanned 2026-01-02T03:04:05Z in 1.2 s by portcullis 9.9.9\n\
Policy: ci/portcullis.toml; fail-on high, profile strict; 1 exception (1 in effect on 2026-01-02)\n  \
SQ40101 until 2026-06-30: legacy (ci/portcullis.toml:7)\n\
Baseline: base.json\n\
Summary: 1 failed, 0 warned, 0 info, 3 suppressed (1 by baseline, 1 by exception, 1 by inline comment), 1 policy passed\n";
    assert!(text.contains(tail), "{text}");
}

#[test]
fn the_human_report_caps_labels_and_the_json_keeps_them() {
    let r = report(many_labels());
    let text = render_human(&r, HumanOptions { color: false });
    let value = format!("{}…", "v".repeat(80));
    let shown: Vec<String> = (0..8).map(|i| format!("k{i:02}={value}")).collect();
    assert!(
        text.starts_with(&format!(
            "app.tar FAIL\n  References: app:1, registry.example/app:1\n  \
Config: linux/arm64/v8, user 10001, entrypoint [\"/app\"], cmd none, workdir /srv, ports 8080/tcp\n  \
Labels (21): {}, … 13 more (the JSON report has every one)\n",
            shown.join(", ")
        )),
        "{text}"
    );
    let again = read_json(render_json(&r).as_bytes()).expect("reads back");
    let labels = &again.targets[0].config.as_ref().expect("config").labels;
    assert_eq!(labels.len(), 21);
    assert_eq!(labels["k19"], "v".repeat(100));
}

#[test]
fn label_text_stays_text() {
    let mut labels = serde_json::Map::new();
    labels.insert("z\u{1b}[2J".into(), json!("<img onerror=x>"));
    let r = report(labels);
    let text = render_human(&r, HumanOptions { color: false });
    assert!(
        text.contains("  Labels (1): z\\u{1b}[2J=<img onerror=x>\n"),
        "{text}"
    );
    let html = render_html(&r);
    assert!(!html.contains("<img onerror"), "{html}");
    assert!(
        html.contains("<tr><td><code>z\\u{1b}[2J</code></td><td>&lt;img onerror=x&gt;</td></tr>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<dt>platform</dt><dd>linux/arm64/v8</dd><dt>user</dt><dd><code>10001</code></dd>"
        ),
        "{html}"
    );
}

#[test]
fn hide_suppressed_lists_only_what_is_not_suppressed_and_counts_the_rest() {
    let r = report(serde_json::Map::new());
    let full = Summary::of(&r);
    let hide = RenderOptions {
        color: false,
        hide_suppressed: true,
    };
    let human = render_with(Format::Human, &r, hide);
    assert_eq!(human.matches("SUPPRESSED").count(), 0, "{human}");
    assert_eq!(human.matches("SQ40104 message").count(), 1, "{human}");
    assert!(human.contains("Summary: 1 failed, 0 warned, 0 info, 3 suppressed (1 by baseline, 1 by exception, 1 by inline comment), 1 policy passed; the 3 suppressed findings are not listed (--hide-suppressed)\n"), "{human}");
    let shown = render_with(Format::Human, &r, RenderOptions::default());
    assert_eq!(shown.matches("SUPPRESSED").count(), 3, "{shown}");
    // Hiding changes what is listed, not what is counted.
    let mut hidden = r.clone();
    hidden.hide_suppressed();
    assert_eq!(Summary::of(&hidden), Summary { hidden: 3, ..full });
    assert_eq!(hidden.targets[0].findings.len(), 1);
    // The machine formats ignore it.
    assert_eq!(
        render_with(Format::Json, &r, hide),
        render_json(&r),
        "JSON keeps every finding"
    );
    let html = render_with(Format::Html, &r, hide);
    assert!(html.contains("<dt>not listed</dt><dd class=\"hidden-count\">3 suppressed (--hide-suppressed): 1 by baseline, 1 by exception, 1 by inline comment</dd>"), "{html}");
}
