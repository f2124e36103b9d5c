//! GitLab Code Quality (the CodeClimate subset GitLab reads): one issue per
//! finding, shown in merge request widgets and diffs
//! (`artifacts: reports: codequality:`).
//!
//! GitLab needs `description`, `check_name`, `fingerprint`, `severity`,
//! `location.path` and `location.lines.begin`. The path is a file relative to
//! the repository's root, as the scan named it (run the scan from the root).
//! An image finding goes where SARIF puts it: the Dockerfile line
//! `--dockerfile` related it to, else the image archive (an OCI layout's
//! `index.json`) at line 1; standard input is `-`.
//!
//! Suppressed findings (exceptions, inline ignores, VEX) are accepted, not
//! issues, and are left out. The fingerprint is the finding's own (it names
//! the target, the rule and the offending fact, not the line), so an issue
//! keeps its identity across unrelated edits as GitLab compares branches.

use portcullis_policy::{Report, ReportedFinding, TargetReport};
use portcullis_rules::{Location, Severity};
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    categories: [&'static str; 1],
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's five levels for portcullis' five.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

/// The file and line an issue is shown at.
fn place(target: &TargetReport, f: &ReportedFinding) -> (String, usize) {
    let file = |at: &Location| match at {
        Location::Dockerfile { path, line, .. }
        | Location::Policy { path, line, .. }
        | Location::Manifest { path, line, .. } => Some((path.clone(), (*line).max(1))),
        _ => None,
    };
    if let Some(p) = file(&f.location) {
        return p;
    }
    if let Some(p) = f.related.iter().find_map(|l| match l {
        Location::Dockerfile { .. } | Location::Manifest { .. } => file(l),
        _ => None,
    }) {
        return p;
    }
    let path = match target.path.as_deref() {
        Some(path) if target.kind == "oci" => format!("{}/index.json", path.trim_end_matches('/')),
        Some(path) => path.to_owned(),
        None => "-".to_owned(),
    };
    (path, 1)
}

/// `./a/Dockerfile` as `a/Dockerfile`: GitLab matches paths to the diff's.
fn repository_path(path: &str) -> String {
    let mut rest = path;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r.trim_start_matches('/');
    }
    rest.to_owned()
}

/// The Code Quality report: a JSON array, pretty-printed.
pub fn render_codequality(report: &Report) -> String {
    let mut issues = Vec::new();
    for target in &report.targets {
        for f in target.findings.iter().filter(|f| f.suppressed.is_none()) {
            let (path, begin) = place(target, f);
            issues.push(Issue {
                kind: "issue",
                // GitLab shows only this line: say which target and rule.
                description: format!("{}: {} ({})", f.rule, f.message, target.target),
                check_name: &f.rule,
                fingerprint: &f.fingerprint,
                severity: severity(f.severity),
                categories: ["Security"],
                location: IssueLocation {
                    path: repository_path(&path),
                    lines: Lines { begin },
                },
            });
        }
    }
    crate::to_json(&issues)
}
