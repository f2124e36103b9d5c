//! Real charts, rendered by the real `helm template` (fixtures/charts, helm
//! from scripts/reference-tools.sh) and piped into `portcullis scan -`, as a
//! user does. Without helm the test says so and passes, unless
//! `PORTCULLIS_REFERENCE_TESTS=required` (scripts/test.sh), where it fails.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::repo;
use serde_json::Value;

fn helm() -> Option<PathBuf> {
    let dir = std::env::var_os("PORTCULLIS_REFERENCE_TOOLS")?;
    let helm = PathBuf::from(dir).join("helm/helm");
    if helm.is_file() {
        return Some(helm);
    }
    assert!(
        std::env::var("PORTCULLIS_REFERENCE_TESTS").as_deref() != Ok("required"),
        "PORTCULLIS_REFERENCE_TESTS=required but {} is missing (scripts/reference-tools.sh)",
        helm.display()
    );
    None
}

/// `helm template NAME CHART | portcullis scan --no-config - --format json`:
/// the findings as `RULE LINE POINTER`, and the exit status.
fn scan_chart(helm: &PathBuf, name: &str, chart: &str) -> (Vec<String>, Option<i32>) {
    let rendered = Command::new(helm)
        .args(["template", name])
        .arg(repo().join("fixtures/charts").join(chart))
        .output()
        .expect("helm runs");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["scan", "--no-config", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("portcullis runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&rendered.stdout)
        .expect("written");
    let out = child.wait_with_output().expect("portcullis ends");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let target = &report["targets"][0];
    assert_eq!(target["kind"], "kubernetes");
    let findings = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap_or(""),
                f["location"]["line"],
                f["location"]["pointer"].as_str().unwrap_or("")
            )
        })
        .collect();
    (findings, out.status.code())
}

#[test]
fn ingress_nginx_as_rendered_by_helm() {
    let Some(helm) = helm() else {
        eprintln!("skipped: no helm (scripts/reference-tools.sh installs it)");
        return;
    };
    let (findings, code) = scan_chart(&helm, "ing", "ingress-nginx");
    // The chart is restricted-clean (non-root, no privilege escalation,
    // capabilities dropped, RuntimeDefault seccomp, images pinned by
    // digest); what is left is a writable root filesystem, missing limits
    // and the API token the controller does need.
    assert_eq!(
        findings,
        [
            "PC42501 384 /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem",
            "PC42601 430 /spec/template/spec/containers/0/resources",
            "PC42601 657 /spec/template/spec/containers/0",
            "PC42601 719 /spec/template/spec/containers/0",
            "PC42801 437 /spec/template/spec/automountServiceAccountToken",
            "PC42801 683 /spec/template/spec/automountServiceAccountToken",
            "PC42801 747 /spec/template/spec/automountServiceAccountToken",
        ]
    );
    assert_eq!(code, Some(1), "PC42601 fails the default gate");
}

#[test]
fn metrics_server_as_rendered_by_helm() {
    let Some(helm) = helm() else {
        eprintln!("skipped: no helm (scripts/reference-tools.sh installs it)");
        return;
    };
    let (findings, code) = scan_chart(&helm, "ms", "metrics-server");
    // Non-root, read-only, capabilities dropped, RuntimeDefault seccomp;
    // no limits, the API token (it reads metrics through the API) and an
    // image by tag.
    assert_eq!(
        findings,
        [
            "PC42601 224 /spec/template/spec/containers/0/resources",
            "PC42801 178 /spec/template/spec",
            "PC43102 193 /spec/template/spec/containers/0/image",
        ]
    );
    assert_eq!(code, Some(1), "PC42601 fails the default gate");
}
