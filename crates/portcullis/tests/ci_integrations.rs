//! The ways into CI: `action.yml` (GitHub), `ci/gitlab/portcullis.gitlab-ci.yml`
//! and `.pre-commit-hooks.yaml`. Each is read as YAML (PyYAML), checked for
//! pins (every action by a full commit SHA, every image by digest), and its
//! shell run for real with the binary built here: the action's scan and gate
//! steps, the GitLab job's scan line, and the pre-commit hook through
//! `pre-commit try-repo` (skipped without pre-commit unless
//! `PORTCULLIS_PRECOMMIT_TESTS=required`, as scripts/test.sh sets it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

/// A YAML file of the repository as JSON, read by PyYAML's safe loader.
fn yaml(path: &str) -> Value {
    let o = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(repo().join(path))
        .output()
        .expect("python3");
    assert!(
        o.status.success(),
        "{path} is not valid YAML (or PyYAML is missing): {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `owner/repo[/path]@<40 hex>`.
fn pinned_action(uses: &str) -> bool {
    uses.split_once('@')
        .is_some_and(|(name, rev)| name.contains('/') && is_hex(rev, 40))
}

/// `name[:tag]@sha256:<64 hex>`.
fn pinned_image(image: &str) -> bool {
    image
        .split_once("@sha256:")
        .is_some_and(|(_, digest)| is_hex(digest, 64))
}

#[test]
fn pin_checks_tell_pinned_from_mutable() {
    assert!(pinned_action(
        "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e"
    ));
    assert!(!pinned_action("github/codeql-action/upload-sarif@v4"));
    assert!(!pinned_action(
        "actions/checkout@8aad20d150bbac5944a9f9d289da16a4b0d87c1"
    ));
    assert!(pinned_image(
        "rust:1.95.0@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082"
    ));
    assert!(!pinned_image("rust:1.95.0-slim-bookworm"));
}

/// `(major, minor)` of a `1.95` / `1.95.0` version.
fn minor_version(v: &str) -> (u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().expect(v));
    (parts.next().expect(v), parts.next().unwrap_or(0))
}

/// The Rust images that build portcullis (the Dockerfile's builder, the
/// GitLab job's image) are a toolchain that can: not older than
/// Cargo.toml's `rust-version`, which is not older than what any locked
/// dependency asks for (`cargo build --locked` refuses one that asks more).
#[test]
fn the_rust_images_can_build_the_locked_dependencies() {
    let o = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(repo())
        .output()
        .expect("cargo metadata");
    assert!(o.status.success(), "{}", stderr(&o));
    let metadata: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let (needed, by) = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| {
            Some((
                minor_version(p["rust_version"].as_str()?),
                p["name"].as_str()?,
            ))
        })
        .max()
        .expect("some package has a rust-version");
    let cargo_toml = std::fs::read_to_string(repo().join("Cargo.toml")).expect("Cargo.toml");
    let declared = cargo_toml
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(minor_version)
        .expect("rust-version in Cargo.toml");
    assert!(
        declared >= needed,
        "rust-version {declared:?} is older than {by}'s {needed:?}"
    );
    let images = [
        std::fs::read_to_string(repo().join("Dockerfile")).expect("Dockerfile"),
        std::fs::read_to_string(repo().join("ci/gitlab/portcullis.gitlab-ci.yml"))
            .expect("template"),
    ];
    for text in images {
        let tag = text
            .split("docker.io/library/rust:")
            .nth(1)
            .and_then(|rest| rest.split(['-', '@']).next())
            .expect("a docker.io/library/rust image");
        assert!(
            minor_version(tag) >= declared,
            "rust:{tag} is older than rust-version {declared:?}"
        );
    }
}

fn steps() -> Vec<Value> {
    yaml("action.yml")["runs"]["steps"]
        .as_array()
        .expect("steps")
        .clone()
}

#[test]
fn the_action_pins_what_it_uses_and_keeps_inputs_out_of_scripts() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs: Vec<&str> = action["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    for input in [
        "target",
        "config",
        "fail-on",
        "sarif-category",
        "upload-sarif",
    ] {
        assert!(inputs.contains(&input), "{input}: {inputs:?}");
    }
    let text = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    let mut uses = 0;
    for step in steps() {
        if let Some(u) = step["uses"].as_str() {
            uses += 1;
            assert!(pinned_action(u), "not pinned by commit SHA: {u}");
            // The tag the SHA is, said beside it for the reader.
            let line = text.lines().find(|l| l.contains(u)).expect("the uses line");
            assert!(line.contains("# v"), "{line}");
        }
        if let Some(run) = step["run"].as_str() {
            // Inputs reach scripts through env only (no script injection).
            assert!(!run.contains("${{"), "expression in a script: {run}");
        }
    }
    assert_eq!(uses, 1, "the SARIF upload");
    // The upload also runs when the policy failed; the gate comes last.
    let all = steps();
    let upload = all
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-sarif"))
        })
        .expect("upload step");
    assert_eq!(
        upload["if"],
        "${{ inputs.upload-sarif == 'true' && steps.scan.outputs.exit-code != '2' }}"
    );
    assert_eq!(
        upload["with"]["category"],
        "${{ steps.scan.outputs.category }}"
    );
    assert_eq!(all.last().expect("steps")["name"], "Gate");
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_portcullis"))
        .parent()
        .expect("bin dir")
        .to_path_buf()
}

fn path_with_portcullis() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Run one of the action's `run:` scripts as the runner would (bash, its
/// env and the runner's files), in `cwd`.
fn run_step(name: &str, env: &[(&str, &str)], cwd: &Path, runner: &Path) -> Output {
    let all = steps();
    let step = all
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("step {name}"));
    assert_eq!(step["shell"], "bash");
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(step["run"].as_str().expect("run"))
        .current_dir(cwd)
        .env("PATH", path_with_portcullis())
        .env("PORTCULLIS_DB", NO_DATABASE)
        .env("RUNNER_TEMP", runner)
        .env("GITHUB_OUTPUT", runner.join("output"))
        .env("GITHUB_STEP_SUMMARY", runner.join("summary"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("bash")
}

fn outputs(runner: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(runner.join("output"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn the_action_scans_records_the_status_and_gates_after() {
    let project = dir_with(&[(
        "app/Dockerfile",
        "FROM debian:12\nEXPOSE 22\nCMD [\"sleep\", \"1\"]\n",
    )]);
    let runner = tempfile::tempdir().expect("runner");
    let env = [
        ("TARGET", "app/Dockerfile"),
        ("CONFIG", ""),
        ("FAIL_ON", ""),
        ("DOCKERFILE", ""),
        ("CATEGORY", ""),
    ];
    let o = run_step("Scan", &env, project.path(), runner.path());
    // The step itself succeeds: the gate is applied after the upload.
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = outputs(runner.path());
    let get = |k: &str| {
        out.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("output {k}: {out:?}"))
    };
    assert_eq!(get("exit-code"), "1");
    assert_eq!(get("category"), "portcullis/app-Dockerfile");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(get("sarif-file")).expect("the SARIF file"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 1);
    let summary = std::fs::read_to_string(runner.path().join("summary")).expect("summary");
    assert!(summary.starts_with("## portcullis: **FAIL**"), "{summary}");

    // A category given is kept as it is; --fail-on critical passes this one.
    std::fs::remove_file(runner.path().join("output")).expect("rm");
    let env = [
        ("TARGET", "app/Dockerfile"),
        ("CONFIG", ""),
        ("FAIL_ON", "critical"),
        ("DOCKERFILE", ""),
        ("CATEGORY", "images/app"),
    ];
    let o = run_step("Scan", &env, project.path(), runner.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = outputs(runner.path());
    assert!(out.contains(&("exit-code".into(), "0".into())), "{out:?}");
    assert!(
        out.contains(&("category".into(), "images/app".into())),
        "{out:?}"
    );

    // A target that cannot be scanned: exit 2, recorded, no SARIF file.
    std::fs::remove_file(runner.path().join("output")).expect("rm");
    let env = [
        ("TARGET", "missing/Dockerfile"),
        ("CONFIG", ""),
        ("FAIL_ON", ""),
        ("DOCKERFILE", ""),
        ("CATEGORY", ""),
    ];
    let o = run_step("Scan", &env, project.path(), runner.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = outputs(runner.path());
    assert!(out.contains(&("exit-code".into(), "2".into())), "{out:?}");
    let sarif = out
        .iter()
        .find(|(k, _)| k == "sarif-file")
        .expect("sarif-file")
        .1
        .clone();
    assert!(
        !Path::new(&sarif).exists(),
        "no report when the scan failed"
    );

    for (status, expected) in [("0", 0), ("1", 1), ("2", 2), ("", 2)] {
        let o = run_step("Gate", &[("STATUS", status)], project.path(), runner.path());
        assert_eq!(code(&o), expected, "STATUS={status}: {}", stdout(&o));
    }
}

#[test]
fn the_gitlab_template_pins_its_image_and_keeps_both_reports() {
    let doc = yaml("ci/gitlab/portcullis.gitlab-ci.yml");
    let job = &doc[".portcullis"];
    let image = job["image"].as_str().expect("image");
    assert!(pinned_image(image), "not pinned by digest: {image}");
    assert_eq!(job["artifacts"]["when"], "always");
    assert_eq!(
        job["artifacts"]["reports"],
        serde_json::json!({
            "codequality": "gl-code-quality-report.json",
            "container_scanning": "gl-container-scanning-report.json",
        })
    );
    let script: Vec<&str> = job["script"]
        .as_array()
        .expect("script")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        script[1],
        "cargo install --locked --quiet --git \"$PORTCULLIS_GIT\" --rev \"$PORTCULLIS_REV\" portcullis"
    );
    // The guard before it: a full commit SHA and a URL, or the job stops
    // (exit 2) before anything is fetched.
    let guard = |git: &str, rev: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(script[0])
            .env("PORTCULLIS_GIT", git)
            .env("PORTCULLIS_REV", rev)
            .output()
            .expect("sh");
        (code(&o), stderr(&o))
    };
    let refused = (
        2,
        "portcullis: set PORTCULLIS_GIT to the repository URL and PORTCULLIS_REV to a full 40-hex commit SHA (not a branch or tag: those can be moved)\n".to_owned(),
    );
    let url = "https://git.example/portcullis.git";
    let sha = "8aad20d150bbac5944a9f9d289da16a4b0d87c1e";
    assert_eq!(guard(url, "main"), refused);
    assert_eq!(guard(url, "v0.1.0"), refused);
    assert_eq!(guard(url, &sha[..12]), refused);
    assert_eq!(guard(url, ""), refused);
    assert_eq!(guard("", sha), refused);
    assert_eq!(guard(url, sha), (0, String::new()));
    // The scan line, run as the job's shell would, on a failing Dockerfile:
    // both reports written, the job's status 1.
    let scan = script
        .iter()
        .find(|l| l.contains("portcullis scan"))
        .expect("scan line");
    let project = dir_with(&[("Dockerfile", "FROM debian:12\nEXPOSE 22\n")]);
    let o = Command::new("sh")
        .arg("-c")
        .arg(scan)
        .current_dir(project.path())
        .env("PATH", path_with_portcullis())
        .env("PORTCULLIS_DB", NO_DATABASE)
        .env("PORTCULLIS_TARGET", "Dockerfile")
        .env("PORTCULLIS_ARGS", "--no-config")
        .output()
        .expect("sh");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("FAIL SQ40104"), "{}", stdout(&o));
    let cq: Value = serde_json::from_str(
        &std::fs::read_to_string(project.path().join("gl-code-quality-report.json"))
            .expect("code quality report"),
    )
    .expect("JSON");
    let checks: Vec<&str> = cq
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["check_name"].as_str())
        .collect();
    assert_eq!(checks, ["SQ40101", "SQ40104", "SQ41101", "PC43102"]);
    let cs: Value = serde_json::from_str(
        &std::fs::read_to_string(project.path().join("gl-container-scanning-report.json"))
            .expect("container scanning report"),
    )
    .expect("JSON");
    assert_eq!(cs["version"], "15.0.7");
    assert_eq!(cs["vulnerabilities"], serde_json::json!([]));
}

#[test]
fn the_dockerfile_pins_its_bases_by_digest() {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).expect("Dockerfile");
    let bases: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("ARG BUILDER=")
                .or(l.strip_prefix("ARG BASE="))
        })
        .collect();
    assert_eq!(bases.len(), 2, "{bases:?}");
    for b in bases {
        assert!(pinned_image(b), "{b}");
    }
}

#[test]
fn the_pre_commit_hooks() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let ids: Vec<&str> = hooks
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert_eq!(ids, ["portcullis-dockerfile", "portcullis-manifests"]);

    let required = std::env::var("PORTCULLIS_PRECOMMIT_TESTS").as_deref() == Ok("required");
    if !have("pre-commit") || !have("git") {
        assert!(
            !required,
            "PORTCULLIS_PRECOMMIT_TESTS=required: no pre-commit"
        );
        eprintln!("skipping try-repo: no pre-commit");
        return;
    }
    let project = dir_with(&[
        (
            "api/Dockerfile",
            "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\nUSER 10001\nCMD [\"true\"]\n",
        ),
        ("Containerfile", "FROM debian:12\nEXPOSE 22\nCMD true\n"),
        // Not a Dockerfile by name: never given to the hook.
        ("README.md", "FROM nothing\n"),
        (
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n      securityContext:\n        privileged: true\n",
        ),
        // YAML that is no manifest: skipped by the manifests hook.
        (".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"),
        (
            "compose.yaml",
            "services:\n  web:\n    image: registry.example/web:2.0\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  web:\n    privileged: true\n",
        ),
    ]);
    let home = tempfile::tempdir().expect("pre-commit home");
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(project.path())
            .output()
            .expect("git");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    let try_hook = |hook: &str, files: &[&str]| {
        let mut c = Command::new("pre-commit");
        c.args(["try-repo"])
            .arg(repo())
            .arg(hook)
            .current_dir(project.path())
            .env("PATH", path_with_portcullis())
            .env("PORTCULLIS_DB", NO_DATABASE)
            .env("PRE_COMMIT_HOME", home.path())
            .env_remove("NO_COLOR");
        if files.is_empty() {
            c.arg("--all-files");
        } else {
            c.arg("--files").args(files);
        }
        c.output().expect("pre-commit")
    };
    let try_repo = |files: &[&str]| try_hook("portcullis-dockerfile", files);
    let o = try_repo(&[]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("portcullis (Dockerfiles)....") && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("Containerfile FAIL"), "{out}");
    assert!(
        out.contains("FAIL SQ40104 (high) port 22/tcp (SSH) is exposed"),
        "{out}"
    );
    assert!(out.contains("api/Dockerfile PASS"), "{out}");
    assert!(!out.contains("README.md"), "{out}");

    let o = try_repo(&["api/Dockerfile", "README.md"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}{}", stderr(&o));
    assert!(out.contains("Passed"), "{out}");

    // The manifests hook: every YAML file; the workflow is skipped, the
    // override is scanned with its main file (findings in the override).
    let o = try_hook("portcullis-manifests", &[]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("portcullis (Kubernetes manifests and Compose files)...")
            && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("k8s/pod.yaml FAIL"), "{out}");
    assert!(out.contains("FAIL PC42101 (critical) container `app` of Pod `web` runs privileged (`securityContext.privileged` is true)"), "{out}");
    assert!(out.contains("compose.yaml FAIL"), "{out}");
    assert!(
        out.contains("--> compose.override.yaml:3:17 (document 0, /services/web/privileged)"),
        "{out}"
    );
    assert!(!out.contains("ci.yml"), "{out}");
    assert!(
        !out.contains("compose.override.yaml FAIL"),
        "scanned on its own: {out}"
    );
    let o = try_hook("portcullis-manifests", &[".github/workflows/ci.yml"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}
