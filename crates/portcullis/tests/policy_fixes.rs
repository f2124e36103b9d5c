//! Review fixes of the policy file and baselines, through the real binary:
//! fingerprints that do not depend on how a target was typed nor on
//! unrelated edits or rebuilds; exception scopes relative to the policy
//! file and matched against image references; files a scan would overwrite.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

fn portcullis(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("PORTCULLIS_TODAY")
        .output()
        .expect("run portcullis")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/images")
        .join(name)
}

/// (rule, suppressed by) of every finding.
fn suppressed(report: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for t in report["targets"].as_array().expect("targets") {
        for f in t["findings"].as_array().expect("findings") {
            out.push((
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["suppressed"]["by"].as_str().map(str::to_owned),
            ));
        }
    }
    out.sort();
    out
}

const DOCKERFILE: &str =
    "ARG DEBIAN_TAG=12\nFROM debian:${DEBIAN_TAG}\nEXPOSE 22\nRUN chmod u+s /bin/x\nCMD sshd\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("b")).expect("mkdir");
    std::fs::write(dir.path().join("b/Dockerfile"), DOCKERFILE).expect("write");
    dir
}

#[test]
fn baselines_do_not_depend_on_how_the_target_was_typed() {
    let dir = project();
    let b = dir.path().join("b");
    let o = portcullis(
        &["scan", "-q", "--write-baseline", "base.json", "Dockerfile"],
        &b,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let abs = b.join("Dockerfile").display().to_string();
    for typed in ["./Dockerfile", ".", "Dockerfile", abs.as_str()] {
        let o = portcullis(&["scan", "-q", "--baseline", "base.json", typed], &b);
        assert_eq!(code(&o), 0, "{typed}: {}", stderr(&o));
    }
    // From another directory, outside any project (no .git, no policy file):
    // relative to the baseline's directory.
    let a = dir.path().join("a");
    let o = portcullis(
        &[
            "scan",
            "-q",
            "--baseline",
            "../b/base.json",
            "../b/Dockerfile",
        ],
        &a,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // In a project (a .git above), relative to its root, wherever the baseline is.
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    let o = portcullis(&["scan", "-q", "--write-baseline", "../base.json", "."], &b);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = portcullis(
        &["scan", "-q", "--baseline", "base.json", "b/Dockerfile"],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = portcullis(&["scan", "-q", "--baseline", "../base.json", "../b"], &a);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn fingerprints_survive_arg_bumps_and_moves_but_not_changed_instructions() {
    let dir = project();
    let b = dir.path().join("b");
    let o = portcullis(&["scan", "-q", "--write-baseline", "base.json"], &b);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The ARG bump changes the SQ40101 and SQ41101 messages; lines move.
    let edited = format!(
        "# a comment\n{}",
        DOCKERFILE.replace("DEBIAN_TAG=12", "DEBIAN_TAG=13")
    );
    std::fs::write(b.join("Dockerfile"), edited).expect("write");
    let o = portcullis(&["scan", "-f", "json", "--baseline", "base.json"], &b);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = suppressed(&json(&o));
    assert!(!all.is_empty());
    assert!(
        all.iter().all(|(_, by)| by.as_deref() == Some("baseline")),
        "{all:?}"
    );
    // A changed offending instruction is new.
    let changed = DOCKERFILE.replace("EXPOSE 22", "EXPOSE 22/tcp");
    std::fs::write(b.join("Dockerfile"), changed).expect("write");
    let o = portcullis(&["scan", "-f", "json", "--baseline", "base.json"], &b);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let new: Vec<String> = suppressed(&json(&o))
        .into_iter()
        .filter(|(_, by)| by.is_none())
        .map(|(rule, _)| rule)
        .collect();
    assert_eq!(new, vec!["SQ40104".to_owned()]);
}

#[test]
fn a_rebuilt_image_keeps_its_config_and_layer_fingerprints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let classic = format!(
        "docker-archive:{}:localhost/bad:1",
        fixture("docker-classic.tar").display()
    );
    let buildah = format!(
        "docker-archive:{}:localhost/bad:1",
        fixture("buildah.docker.tar").display()
    );
    let base = dir.path().join("base.json").display().to_string();
    let o = portcullis(
        &[
            "scan",
            "-q",
            "--no-config",
            "--write-baseline",
            &base,
            &classic,
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = portcullis(
        &[
            "scan",
            "--no-config",
            "-f",
            "json",
            "--baseline",
            &base,
            &buildah,
        ],
        dir.path(),
    );
    let report = json(&o);
    let mut kept = Vec::new();
    let mut new = Vec::new();
    for f in report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
    {
        let kind = f["location"]["kind"].as_str().unwrap_or("").to_owned();
        let entry = (f["rule"].as_str().unwrap_or("").to_owned(), kind);
        if f["suppressed"].is_null() {
            new.push(entry);
        } else {
            kept.push(entry);
        }
    }
    // The setuid/setgid files (layer paths, whatever the layer's digest),
    // the config user, Healthcheck, Cmd and SSH/RDP ports are the same facts.
    for want in [
        ("SQ40102", "layer"),
        ("SQ40101", "config"),
        ("SQ41101", "config"),
        ("SQ41103", "config"),
        ("SQ40104", "config"),
    ] {
        assert!(
            kept.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} not kept: kept {kept:?}, new {new:?}"
        );
    }
    assert_eq!(
        report["targets"][0]["references"],
        serde_json::json!(["localhost/bad:1"])
    );
}

#[test]
fn exception_dockerfiles_are_relative_to_the_policy_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc")).expect("mkdir");
    std::fs::write(root.join("svc/Dockerfile"), "FROM debian:12\nEXPOSE 22\n").expect("write");
    std::fs::write(
        root.join("portcullis.toml"),
        "[[exception]]\nrules = [\"SQ40104\"]\ndockerfiles = [\"svc/Dockerfile\"]\nreason = \"bastion\"\n",
    )
    .expect("write");
    let is_excepted = |o: &Output| {
        suppressed(&json(o)).contains(&("SQ40104".to_owned(), Some("exception".to_owned())))
    };
    let o = portcullis(&["scan", "-f", "json"], &root.join("svc"));
    assert!(is_excepted(&o), "{}", String::from_utf8_lossy(&o.stdout));
    let config = root.join("portcullis.toml").display().to_string();
    let abs = root.join("svc/Dockerfile").display().to_string();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let o = portcullis(
        &["scan", "-f", "json", "--config", &config, &abs],
        elsewhere.path(),
    );
    assert!(is_excepted(&o), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn exception_images_match_references_paths_and_digests() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "[[exception]]\nrules = [\"SQ40102\"]\nimages = [\"localhost/bad:*\"]\nreason = \"by tag\"\n\n[[exception]]\nrules = [\"SQ40101\"]\nimages = [\"docker-archive:*\"]\nreason = \"by kind\"\n\n[[exception]]\nrules = [\"SQ41101\"]\nimages = [\"bad\"]\nreason = \"by OCI ref name\"\n",
    )
    .expect("write");
    let reasons = |o: &Output| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = json(o)["targets"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| {
                Some((
                    f["rule"].as_str()?.to_owned(),
                    f["suppressed"]["reason"].as_str()?.to_owned(),
                ))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    };
    let tagged = format!(
        "docker-archive:{}:localhost/bad:1",
        fixture("docker-classic.tar").display()
    );
    let o = portcullis(&["scan", "-f", "json", &tagged], dir.path());
    assert_eq!(
        reasons(&o),
        vec![
            ("SQ40101".to_owned(), "by kind".to_owned()),
            ("SQ40102".to_owned(), "by tag".to_owned()),
        ]
    );
    let oci = format!("oci:{}:bad", fixture("oci-bad").display());
    let o = portcullis(&["scan", "-f", "json", &oci], dir.path());
    assert_eq!(
        reasons(&o),
        vec![("SQ41101".to_owned(), "by OCI ref name".to_owned())]
    );
}

#[test]
fn a_scan_does_not_overwrite_what_it_reads_or_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian:12\nEXPOSE 22\n").expect("write");
    let before = std::fs::read(dir.path().join("Dockerfile")).expect("read");
    for args in [
        vec![
            "scan",
            "--write-baseline",
            "out.json",
            "-f",
            "json=out.json",
        ],
        vec!["scan", "--write-baseline", "x.json", "-o", "./x.json"],
        vec!["scan", "-f", "json=Dockerfile", "Dockerfile"],
        vec!["scan", "-o", "Dockerfile", "."],
        vec!["scan", "--write-baseline", "Dockerfile", "Dockerfile"],
    ] {
        let o = portcullis(&args, dir.path());
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
        assert!(!dir.path().join("out.json").exists());
        assert!(!dir.path().join("x.json").exists());
        assert_eq!(
            std::fs::read(dir.path().join("Dockerfile")).expect("read"),
            before
        );
    }
    let o = portcullis(
        &[
            "scan",
            "--write-baseline",
            "out.json",
            "-f",
            "json=out.json",
        ],
        dir.path(),
    );
    assert_eq!(
        stderr(&o),
        "error: out.json: the baseline and a report would be written to the same file\n"
    );
    let o = portcullis(&["scan", "-o", "Dockerfile", "."], dir.path());
    assert_eq!(
        stderr(&o),
        "error: Dockerfile: would overwrite a file this scan reads\n"
    );
    // A directory whose file is a Containerfile: that is the file read.
    let only_containerfile = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        only_containerfile.path().join("Containerfile"),
        "FROM debian:12\nUSER 1\n",
    )
    .expect("write");
    let o = portcullis(
        &["scan", "-o", "Containerfile", "."],
        only_containerfile.path(),
    );
    assert_eq!(
        stderr(&o),
        "error: Containerfile: would overwrite a file this scan reads\n"
    );
    assert_eq!(
        std::fs::read_to_string(only_containerfile.path().join("Containerfile")).expect("read"),
        "FROM debian:12\nUSER 1\n"
    );
}

#[test]
fn malformed_and_misplaced_suppressions_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:12\n# portcullis ignroe=SQ40104\n# portcullis ignore = SQ40104\n# Portcullis ignore=SQ40104, SQ41101 reason=\"ok\"\nEXPOSE 22\nRUN true \\\n  # portcullis ignore=SQ40102\n  && chmod u+s /x\n# portcullis ignore=SQ99999 reason=\"x\"\nUSER 1\n# portcullis ignore=SQ41103 reason=\"unterminated\nCMD x\n",
    )
    .expect("write");
    let o = portcullis(&["scan", "--no-config", "-f", "json"], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = json(&o);
    let mut got: Vec<(String, u64, String, Option<String>)> = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_owned(),
                f["suppressed"]["reason"].as_str().map(str::to_owned),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, u64, String, Option<String>)> = [
        ("PC43102", 1, "FROM `debian:12` is not pinned by digest: the tag `12` can be moved to other content", None),
        ("SQ40102", 8, "chmod u+s sets the setuid bit on `/x`", None),
        ("SQ40104", 5, "port 22/tcp (SSH) is exposed", Some("ok")),
        ("SQ41101", 1, "no HEALTHCHECK instruction in the final stage; base image `debian:12` might define one, which is not checked here", None),
        ("SQ41103", 12, "CMD x is shell form: it runs through /bin/sh -c, which does not forward signals", None),
        ("SQ49003", 4, "the suppression of SQ41101 suppressed nothing", None),
        ("SQ49003", 9, "the suppression names `SQ99999`, which is not a rule", None),
        ("SQ49005", 2, "`# portcullis ignroe=SQ40104` is not applied: `ignroe` is not a portcullis directive: use `ignore=CODES` or `ignore-file=CODES`", None),
        ("SQ49005", 3, "`# portcullis ignore = SQ40104` is not applied: write `ignore=CODES` without spaces around `=`, e.g. `# portcullis ignore=SQ40104 reason=\"…\"`", None),
        ("SQ49005", 7, "`# portcullis ignore=SQ40102` is not applied: it is inside an instruction (a continuation line), where Docker drops comments: put it above the instruction", None),
        ("SQ49005", 11, "`# portcullis ignore=SQ41103 reason=\"unterminated` is not applied: `reason=\"` has no closing quote", None),
    ]
    .into_iter()
    .map(|(r, l, m, s)| (r.to_owned(), l, m.to_owned(), s.map(str::to_owned)))
    .collect();
    assert_eq!(got, want);
    let o = portcullis(&["explain", "SQ49005"], dir.path());
    assert_eq!(code(&o), 0);
    let o = portcullis(&["rules"], dir.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("SQ49005  malformed-suppression"));
}

#[test]
fn config_check_warns_about_exceptions_that_cannot_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "disable = [\"SQ40105\"]\n\n[[exception]]\nrules = [\"SQ40104\"]\nreason = \"old\"\nexpires = \"2026-01-31\"\n\n[[exception]]\nrules = [\"SQ40105\"]\nreason = \"off anyway\"\n\n[[exception]]\nrules = [\"SQ4900*\"]\nreason = \"meta\"\n\n[[exception]]\nrules = [\"SQ40102\"]\nreason = \"fine\"\n",
    )
    .expect("write");
    let run = |today: &str| {
        Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .env(
                "PORTCULLIS_DB",
                "/nonexistent/portcullis-tests/advisories.db",
            )
            .args(["config", "check"])
            .current_dir(dir.path())
            .env("PORTCULLIS_TODAY", today)
            .output()
            .expect("run")
    };
    let o = run("2026-02-01");
    assert_eq!(code(&o), 0);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "portcullis.toml: ok (114 rules enabled, 4 exceptions, fail-on medium)\n"
    );
    assert_eq!(
        stderr(&o),
        "warning: portcullis.toml:3:1: the exception for SQ40104 expired on 2026-01-31 (today is 2026-02-01); it no longer applies\n\
         warning: portcullis.toml:8:1: the exception for SQ40105 covers only rules this policy disables\n\
         warning: portcullis.toml:12:1: the exception for SQ49001, SQ49002, SQ49003, SQ49004, SQ49005 covers only the policy file's own rules, which exceptions never suppress\n"
    );
    // On its expiry date it still applies.
    let o = run("2026-01-31");
    assert_eq!(code(&o), 0);
    assert!(!stderr(&o).contains("expired"), "{}", stderr(&o));
}

#[test]
fn policy_file_errors_name_the_file_once_and_the_duplicate_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.toml"), b"\xff\xfe").expect("write");
    std::fs::write(
        dir.path().join("dup.toml"),
        "[rule.SQ40104]\nseverity = \"low\"\nseverity = \"high\"\n",
    )
    .expect("write");
    let o = portcullis(&["config", "check", "bad.toml"], dir.path());
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o), "error: bad.toml: not UTF-8 text\n");
    let o = portcullis(&["config", "check", "dup.toml"], dir.path());
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: dup.toml:3:1: duplicate key `severity`\n"
    );
}

#[test]
fn a_single_image_archive_matches_docker_archive_globs() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "[[exception]]\nrules = [\"SQ4*\", \"SQ18*\"]\nimages = [\"docker-archive:*app.tar\"]\nreason = \"by kind and path\"\n",
    )
    .expect("write");
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/app.tar");
    for typed in [
        format!("docker-archive:{}", app.display()),
        app.display().to_string(),
    ] {
        let o = portcullis(&["scan", "-f", "json", &typed], dir.path());
        assert_eq!(code(&o), 0, "{typed}: {}", stderr(&o));
        let report = json(&o);
        let t = &report["targets"][0];
        assert_eq!(t["references"], serde_json::json!(["localhost/app:1"]));
        let findings = t["findings"].as_array().expect("findings");
        assert!(!findings.is_empty());
        assert!(findings
            .iter()
            .all(|f| f["suppressed"]["reason"] == "by kind and path"));
    }
}
