//! The image of portcullis itself (the repository's `Dockerfile`), built
//! offline by `fixtures/self-image/image.sh`: the Dockerfile's runtime stage
//! on a stand-in for its distroless base (`fixtures/self-image/make.sh`, an
//! mmdebstrap root of the same Debian 12 libraries), with the binary this
//! test suite built, stripped as the compile stage strips its own. Then
//! scanned with the default policy (`--no-config`), and the Dockerfile too.
//!
//! Both pass. Scanning this image found two gaps, closed since: Rust
//! binaries were judged by the C symbol checks (SQ18104–SQ18110; stable
//! Rust has no stack protector), and the secret scanner's own table of
//! documented examples, packed end to end with the next string literal in
//! the binary, read as live keys (SQ34305). Now our binary gives one note
//! (a Rust binary, not checked for a canary) and two SQ34251 warnings (the
//! documented AWS and Stripe examples it carries).
//!
//! Fixtures: `PORTCULLIS_SELF_IMAGE_FIXTURES=DIR` names a built OUTDIR of
//! make.sh (else built into `target/self-image-fixtures`, as root); the
//! test skips without root or buildah unless
//! `PORTCULLIS_SELF_IMAGE_TESTS=required` (scripts/test.sh).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::*;

fn complete(dir: &Path) -> Result<(), String> {
    has_outputs(dir, &["base-rootfs.tar"])
}

const FIXTURES: FixtureSet = FixtureSet {
    script_dir: "self-image",
    env: "SELF_IMAGE",
    target: "self-image-fixtures",
    complete,
};

fn scan_json(target: &str, cwd: &Path) -> (i32, Value) {
    let o = portcullis(&["scan", "--no-config", "--format", "json", target], cwd);
    (code(&o), json(&o))
}

#[test]
fn the_dockerfile_passes_the_default_policy() {
    let (status, report) = scan_json("Dockerfile", &repo());
    assert_eq!(status, 0, "{report}");
    let findings: Vec<(String, String)> = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["suppressed"]["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    // Only the missing HEALTHCHECK, suppressed with its reason.
    assert_eq!(
        findings,
        [(
            "SQ41101".to_owned(),
            "a command-line tool, not a service: there is nothing to probe".to_owned()
        )]
    );
}

#[test]
fn the_image_of_portcullis() {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let Some(fixtures) = FIXTURES.dir(&DIR) else {
        return;
    };
    if !have("buildah") {
        assert!(
            !FIXTURES.required(),
            "PORTCULLIS_SELF_IMAGE_TESTS=required: no buildah"
        );
        eprintln!("skipping: no buildah");
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let archive = out.path().join("portcullis.docker.tar");
    let built = Command::new("bash")
        .arg(repo().join("fixtures/self-image/image.sh"))
        .arg(fixtures.join("base-rootfs.tar"))
        .arg(env!("CARGO_BIN_EXE_portcullis"))
        .arg(&archive)
        .output()
        .expect("run image.sh");
    assert!(
        built.status.success(),
        "image.sh: {}",
        String::from_utf8_lossy(&built.stderr)
    );

    let (status, report) = scan_json(archive.to_str().expect("utf-8"), out.path());
    let target = &report["targets"][0];
    assert_eq!(target["references"][0], "localhost/portcullis:selftest");
    let findings = target["findings"].as_array().expect("findings");

    // The base's libraries: hardening warnings only, never failing (the
    // base image is not this build's).
    let base: BTreeSet<(&str, &str)> = findings
        .iter()
        .filter(|f| f["location"]["index"] == 0)
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or(""),
                f["action"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        base,
        BTreeSet::from([
            ("SQ18104", "warn"),
            ("SQ18106", "warn"),
            ("SQ18108", "warn"),
            ("SQ18113", "warn")
        ])
    );

    // Everything else, exactly: this build's layer holds the binary only.
    let ours: Vec<String> = findings
        .iter()
        .filter(|f| f["location"]["index"] != 0)
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap_or(""),
                f["action"].as_str().unwrap_or(""),
                f["location"]["path"].as_str().unwrap_or("(config)")
            )
        })
        .collect();
    assert_eq!(
        ours,
        [
            // No HEALTHCHECK in the image config (low: a warning).
            "SQ41101 warn (config)",
            // The detectors' documented examples (AWS, Stripe).
            "SQ34251 warn /usr/local/bin/portcullis",
            "SQ34251 warn /usr/local/bin/portcullis",
        ],
        "{target}"
    );
    // Not root, no setuid file, no shell form: those policies pass.
    let statuses = policy_statuses(target);
    for code in ["SQ40101", "SQ40102", "SQ41103"] {
        let (_, status, _) = statuses
            .iter()
            .find(|(c, _, _)| c == code)
            .unwrap_or_else(|| panic!("{code} evaluated"));
        assert_eq!(status, "pass", "{code}");
    }
    let notes: Vec<&str> = target["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert!(
        notes.contains(&"1 Rust binary (/usr/local/bin/portcullis) not checked for a stack protector or fortified functions: stable Rust has neither (safe Rust checks bounds at run time); C code linked into them is not told apart"),
        "{notes:?}"
    );
    assert_eq!(status, 0, "{target}");
    assert_eq!(target["verdict"], "pass");
}
