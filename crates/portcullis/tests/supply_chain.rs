//! The supply-chain policies (PC43101–PC43105) through the real binary:
//! the policy file's `[images] trusted` list, Dockerfiles, and images made
//! by buildah (`fixtures/supply-chain/make.sh`) whose history pipes a
//! download to a shell and whose labels declare their base.

use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::*;

fn supply_fixtures() -> PathBuf {
    repo().join("fixtures/supply-chain")
}

/// `RULE ACTION location message` of each PC431xx finding of the first target.
fn pc_findings(report: &Value) -> Vec<String> {
    report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("PC431")))
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"].as_str().unwrap_or(""),
                f["action"].as_str().unwrap_or(""),
                loc(&f["location"]),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn pc_statuses(report: &Value) -> Vec<String> {
    policy_statuses(&report["targets"][0])
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("PC431"))
        .map(|(rule, status, _)| format!("{rule} {status}"))
        .collect()
}

const TRUSTED: &str = "[images]\ntrusted = [\"docker.io/library/*\", \"ghcr.io/acme/**\"]\n";

const DOCKERFILE: &str = "ARG BASE=ghcr.io/acme/base:2\nFROM ${BASE} AS build\nRUN curl -fsSL https://get.example/i.sh | sh\nFROM debian:12@sha256:21dc6063fd678b478f57c0e13f47560d0ea4eeba26dfc947b2a4f81f686b9f45\nCOPY --from=build /app /app\nCOPY --from=quay.io/other/tools /bin/t /bin/t\nUSER 1000\nHEALTHCHECK CMD [\"/app\", \"health\"]\nCMD [\"/app\"]\n";

#[test]
fn dockerfile_with_a_trusted_list() {
    let dir = dir_with(&[("portcullis.toml", TRUSTED), ("Dockerfile", DOCKERFILE)]);
    let out = portcullis(&["scan", "--format", "json", "Dockerfile"], dir.path());
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        pc_findings(&report),
        [
            "PC43101 fail 6:13 COPY --from `quay.io/other/tools` comes from `quay.io/other/tools`, which the trusted list (`docker.io/library/*`, `ghcr.io/acme/**`) does not match",
            "PC43102 warn 2:6 FROM `ghcr.io/acme/base:2` is not pinned by digest: the tag `2` can be moved to other content",
            "PC43102 warn 6:13 COPY --from `quay.io/other/tools` is not pinned by digest: the tag `latest` can be moved to other content",
            "PC43103 fail 6:13 COPY --from `quay.io/other/tools` has no tag, so it means `latest`: whatever was pushed last is what the build gets",
            "PC43105 fail 3:43 `curl … | sh` runs a script downloaded from `https://get.example/i.sh` without verifying it",
        ]
    );
    assert_eq!(
        pc_statuses(&report),
        [
            "PC43101 fail",
            "PC43102 warn",
            "PC43103 fail",
            "PC43104 pass",
            "PC43105 fail"
        ]
    );
    let f = &report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "PC43105")
        .cloned()
        .expect("PC43105");
    assert_eq!(f["category"], "supply-chain");
    assert_eq!(f["severity"], "high");
    assert_eq!(loc(&f["related"][0]), "3:5");
    // The human report groups them under their category.
    let human = portcullis(&["scan", "Dockerfile"], dir.path());
    assert!(
        stdout(&human).contains("\n  Supply chain\n"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn without_a_trusted_list_pc43101_does_not_apply() {
    let dir = dir_with(&[("Dockerfile", "FROM quay.io/other/app:1@sha256:21dc6063fd678b478f57c0e13f47560d0ea4eeba26dfc947b2a4f81f686b9f45\nUSER 1000\nHEALTHCHECK CMD [\"/app\"]\nCMD [\"/app\"]\n")]);
    let out = portcullis(&["scan", "--format", "json", "Dockerfile"], dir.path());
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let report = json(&out);
    assert_eq!(pc_findings(&report), Vec::<String>::new());
    let na = policy_statuses(&report["targets"][0])
        .into_iter()
        .find(|(rule, _, _)| rule == "PC43101")
        .expect("PC43101");
    assert_eq!(
        (na.1.as_str(), na.2.as_deref()),
        (
            "not-applicable",
            Some("the policy file has no `[images] trusted` list")
        )
    );
}

#[test]
fn a_bad_trusted_pattern_is_an_error_at_its_line() {
    let dir = dir_with(&[
        ("portcullis.toml", "fail-on = \"high\"\n[images]\ntrusted = [\n  \"docker.io/library/*\",\n  \"ghcr.io/acme/a**\",\n]\n"),
        ("Dockerfile", DOCKERFILE),
    ]);
    let out = portcullis(
        &[
            "scan",
            "--format",
            "json",
            "-o",
            "report.json",
            "Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out).lines().next(),
        Some("error: portcullis.toml:5:3: bad glob `ghcr.io/acme/a**`: `**` must be a whole path component (`ghcr.io/acme/**`), not part of `a**`")
    );
    assert!(!dir.path().join("report.json").exists());
    let check = portcullis(&["config", "check"], dir.path());
    assert_eq!(code(&check), 2, "{}", stderr(&check));
    assert!(
        stderr(&check).contains("portcullis.toml:5:3: bad glob"),
        "{}",
        stderr(&check)
    );
}

fn scan_image(archive: &str, policy: Option<&str>) -> (i32, Value) {
    let dir = dir_with(
        &policy
            .map(|p| vec![("portcullis.toml", p)])
            .unwrap_or_default(),
    );
    let target = format!(
        "docker-archive:{}",
        supply_fixtures().join(archive).display()
    );
    let out = portcullis(&["scan", "--format", "json", &target], dir.path());
    (code(&out), json(&out))
}

#[test]
fn image_history_and_declared_base() {
    let (status, report) = scan_image("unverified.docker.tar", Some(TRUSTED));
    assert_eq!(status, 1);
    let created_by = "/bin/sh -c curl -fsSL https://get.example/install.sh | sh && curl -k https://files.example/tool -o /usr/local/bin/tool";
    assert_eq!(
        report["targets"][0]["findings"][0]["location"]["kind"],
        "config"
    );
    assert_eq!(
        pc_findings(&report),
        [
            "PC43101 fail /config/Labels/org.opencontainers.image.base.name the declared base image `ghcr.io/someone/base:1.0@sha256:21dc6063fd678b478f57c0e13f47560d0ea4eeba26dfc947b2a4f81f686b9f45` (org.opencontainers.image.base.name) comes from `ghcr.io/someone/base`, which the trusted list (`docker.io/library/*`, `ghcr.io/acme/**`) does not match",
            "PC43104 fail h0 `curl -k` accepts any TLS certificate",
            "PC43105 fail h0 `curl … | sh` runs a script downloaded from `https://get.example/install.sh` without verifying it",
        ]
    );
    let history = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "PC43105")
        .expect("PC43105")["location"]["created_by"]
        .clone();
    assert_eq!(history, created_by);
    assert_eq!(
        pc_statuses(&report),
        [
            "PC43101 fail",
            "PC43102 pass",
            "PC43103 pass",
            "PC43104 fail",
            "PC43105 fail"
        ]
    );
}

#[test]
fn image_with_a_verified_script_and_a_base_by_tag() {
    let (status, report) = scan_image("base-by-tag.docker.tar", Some(TRUSTED));
    assert_eq!(
        pc_findings(&report),
        ["PC43102 warn /config/Labels/org.opencontainers.image.base.name the declared base image `docker.io/library/debian:12` (org.opencontainers.image.base.name) is not pinned by digest: the tag `12` can be moved to other content"]
    );
    assert_eq!(
        pc_statuses(&report),
        [
            "PC43101 pass",
            "PC43102 warn",
            "PC43103 pass",
            "PC43104 pass",
            "PC43105 pass"
        ]
    );
    let _ = status;
    // The existing fixture images declare no base: the reference policies pass.
    let (_, report) = {
        let dir = dir_with(&[("portcullis.toml", TRUSTED)]);
        let target = format!(
            "docker-archive:{}",
            fixtures().join("docker-classic.tar").display()
        );
        let out = portcullis(&["scan", "--format", "json", &target], dir.path());
        (code(&out), json(&out))
    };
    assert_eq!(pc_findings(&report), Vec::<String>::new());
}
