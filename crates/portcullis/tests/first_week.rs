//! Issue 18, "the first week with portcullis", through the real binary:
//! one identity per image for baselines (`--name`), gzip-compressed
//! `docker save` output, Containerfiles, `--recursive`, unrecognised input,
//! `--platform` and `--build-arg` that would do nothing, `-` for standard
//! output, `rules --format json`, `explain` by name, shell completions and
//! the man page.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

fn app_tar() -> PathBuf {
    repo().join("examples/app.tar")
}

/// `gzip -c FROM > TO`, by the real gzip.
fn gzip(from: &Path, to: &Path) {
    let out = Command::new("gzip")
        .arg("-c")
        .arg(from)
        .output()
        .expect("run gzip");
    assert!(out.status.success(), "gzip: {}", stderr(&out));
    std::fs::write(to, out.stdout).expect("write the gzip file");
}

/// `skopeo copy FROM TO`, quietly.
fn skopeo(from: &str, to: &str) {
    let o = Command::new("skopeo")
        .args(["copy", "-q", from, to])
        .output()
        .expect("run skopeo");
    assert!(o.status.success(), "skopeo: {}", stderr(&o));
}

/// (rule, suppressed by) of the one target's findings.
fn suppressions(o: &Output) -> Vec<(String, Option<String>)> {
    let report = json(o);
    let targets = report["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1, "{report}");
    targets[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["suppressed"]["by"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn fingerprints(o: &Output) -> Vec<String> {
    json(o)["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_baseline_of_the_archive_holds_for_the_same_image_as_a_layout_and_gzipped() {
    if !have("skopeo") {
        assert!(
            std::env::var_os("CI").is_none(),
            "skopeo is required in CI (scripts/test.sh installs it)"
        );
        eprintln!("skipping: skopeo is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = format!("docker-archive:{}", app_tar().display());
    let layout = format!("oci:{}:v1", dir.path().join("layout").display());
    let oci_archive = format!(
        "oci-archive:{}:v1",
        dir.path().join("app.oci.tar").display()
    );
    skopeo(&archive, &layout);
    skopeo(&archive, &oci_archive);
    let gzipped = dir.path().join("app.tar.gz");
    gzip(&app_tar(), &gzipped);
    let oci_gzipped = dir.path().join("app.oci.tar.gz");
    gzip(&dir.path().join("app.oci.tar"), &oci_gzipped);
    let base = dir.path().join("base.json").display().to_string();
    let o = portcullis(
        &[
            "scan",
            "-q",
            "--no-config",
            "--write-baseline",
            &base,
            &archive,
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let recorded: Value =
        serde_json::from_slice(&std::fs::read(&base).expect("baseline")).expect("JSON");
    let recorded = recorded["findings"].as_array().expect("findings").len();
    assert!(recorded >= 5, "the example image has findings: {recorded}");

    let gzipped = gzipped.display().to_string();
    let oci_gzipped = oci_gzipped.display().to_string();
    for target in [&layout, &oci_archive, &gzipped, &oci_gzipped, &archive] {
        let o = portcullis(
            &[
                "scan",
                "--no-config",
                "-f",
                "json",
                "--baseline",
                &base,
                target,
            ],
            dir.path(),
        );
        assert_eq!(code(&o), 0, "{target}: {}", stderr(&o));
        let found = suppressions(&o);
        assert_eq!(found.len(), recorded, "{target}");
        assert!(
            found
                .iter()
                .all(|(_, by)| by.as_deref() == Some("baseline")),
            "{target}: {found:?}"
        );
    }
    // --name tells images that share a baseline apart: nothing of the
    // unnamed recording is suppressed, and it is stable across sources.
    let named = |target: &str| {
        portcullis(
            &[
                "scan",
                "--no-config",
                "-f",
                "json",
                "--baseline",
                &base,
                "--name",
                "other",
                target,
            ],
            dir.path(),
        )
    };
    let o = named(&layout);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        suppressions(&o).iter().all(|(_, by)| by.is_none()),
        "{:?}",
        suppressions(&o)
    );
    assert_eq!(fingerprints(&o), fingerprints(&named(&archive)));
}

#[test]
fn name_is_for_one_image_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_tar().display().to_string();
    let dockerfile = repo().join("examples/Dockerfile").display().to_string();
    for (args, error) in [
        (
            vec!["--name", "x", app.as_str(), dockerfile.as_str()],
            "error: --name x: names one image, but 2 targets are given; scan each image with its own --name\n".to_owned(),
        ),
        (
            vec!["--name", "x", dockerfile.as_str()],
            format!("error: {dockerfile}: --name x names an image, and this is a Dockerfile (named by its path)\n"),
        ),
    ] {
        let mut all = vec!["scan", "--format", "json=out.json"];
        all.extend(args);
        let o = portcullis(&all, dir.path());
        assert_eq!((code(&o), stderr(&o)), (2, error));
        assert!(o.stdout.is_empty());
        assert!(!dir.path().join("out.json").exists(), "nothing written");
    }
}

#[test]
fn gzipped_docker_save_output_is_scanned_as_the_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gz = dir.path().join("app.tar.gz");
    gzip(&app_tar(), &gz);
    let plain = portcullis(
        &["scan", "-f", "json", &app_tar().display().to_string()],
        dir.path(),
    );
    let o = portcullis(&["scan", "-f", "json", "app.tar.gz"], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let (a, b) = (json(&plain), json(&o));
    assert_eq!(b["targets"][0]["kind"], "docker-archive");
    assert_eq!(b["targets"][0]["target"], "app.tar.gz");
    for key in ["findings", "packages", "references", "digest"] {
        assert_eq!(a["targets"][0][key], b["targets"][0][key], "{key}");
    }
    // Named explicitly, with the image's tag, too.
    let o = portcullis(
        &[
            "scan",
            "-f",
            "json",
            "docker-archive:app.tar.gz:localhost/app:1",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        json(&o)["targets"][0]["findings"],
        a["targets"][0]["findings"]
    );
    // Nothing was unpacked or left beside it.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["app.tar.gz"]);
}

#[test]
fn unrecognised_input_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("blob.bin"),
        b"\x7fELF\x02\x01\x01\0\0\0\xff",
    )
    .expect("write");
    let gz = dir.path().join("notes.gz");
    std::fs::write(dir.path().join("notes"), "just some text\n").expect("write");
    gzip(&dir.path().join("notes"), &gz);
    for (target, error) in [
        (
            "blob.bin",
            "error: blob.bin: unrecognised input: not a Dockerfile, image archive, OCI layout or LXD image\n",
        ),
        (
            "notes.gz",
            "error: notes.gz: unrecognised input: gzip-compressed, but not a tar archive (not a Dockerfile, image archive, OCI layout or LXD image)\n",
        ),
    ] {
        let o = portcullis(&["scan", target], dir.path());
        assert_eq!((code(&o), stderr(&o)), (2, error.to_owned()), "{target}");
        assert!(o.stdout.is_empty());
    }
    // Text whose first instruction is none is some other file too; a typo
    // further down is a Dockerfile's syntax error.
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}\n").expect("write");
    std::fs::write(dir.path().join("build"), "# build\nFROM scratch\nRUNN x\n").expect("write");
    for (target, error) in [
        (
            "package.json",
            "error: package.json: unrecognised input: not a Dockerfile, image archive, OCI layout or LXD image\n",
        ),
        ("build", "error: build:3:1: unknown instruction: RUNN\n"),
    ] {
        let o = portcullis(&["scan", target], dir.path());
        assert_eq!((code(&o), stderr(&o)), (2, error.to_owned()), "{target}");
    }
    std::fs::write(dir.path().join("Dockerfile.json"), "{}\n").expect("write");
    let o = portcullis(&["scan", "Dockerfile.json"], dir.path());
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            "error: Dockerfile.json:1:1: unknown instruction: {}\n".to_owned()
        )
    );
    // A Dockerfile by name keeps the line and column of its bad byte.
    std::fs::write(dir.path().join("Containerfile"), b"FROM a\n\xff\n").expect("write");
    let o = portcullis(&["scan", "Containerfile"], dir.path());
    assert_eq!(
        (code(&o), stderr(&o)),
        (2, "error: Containerfile:2:1: invalid UTF-8\n".to_owned())
    );
}

#[test]
fn containerfile_is_a_dockerfile_name() {
    let dir = dir_with(&[("app/Containerfile", "FROM scratch\nUSER 1\nEXPOSE 22\n")]);
    let o = portcullis(&["scan", "-f", "json", "app"], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["targets"][0]["target"], "app/Containerfile");
    assert_eq!(r["targets"][0]["kind"], "dockerfile");
    // With no target, ./Containerfile when there is no ./Dockerfile.
    let o = portcullis(&["scan", "-f", "json"], &dir.path().join("app"));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(json(&o)["targets"][0]["target"], "Containerfile");
}

#[test]
fn recursive_scans_everything_portcullis_reads_in_path_order() {
    let dir = dir_with(&[
        ("svc/api/Dockerfile", "FROM scratch\nUSER 1\nEXPOSE 22\n"),
        ("svc/web/Containerfile", "FROM scratch\nUSER 1\n"),
        ("svc/web/web.Dockerfile", "FROM scratch\nUSER 1\n"),
        ("svc/web/Dockerfile.dockerignore", "*\n"),
        ("README.md", "# not scanned\n"),
        (".git/Dockerfile", "not scanned\n"),
    ]);
    let root = dir.path();
    std::fs::create_dir_all(root.join("images")).expect("mkdir");
    gzip(&app_tar(), &root.join("images/app.tar.gz"));
    std::fs::copy(app_tar(), root.join("images/app.tar")).expect("copy");
    // An LXD unified image, as a plain tar.
    let lxd = Command::new("gunzip")
        .arg("-c")
        .arg(repo().join("fixtures/lxd/busybox.tar.gz"))
        .output()
        .expect("gunzip");
    assert!(lxd.status.success());
    std::fs::write(root.join("images/busybox.tar"), lxd.stdout).expect("write");
    // A random tarball is not an image: left alone.
    let o = Command::new("tar")
        .args(["-cf", "images/notes.tar", "README.md"])
        .current_dir(root)
        .output()
        .expect("tar");
    assert!(o.status.success());
    // A symbolic link out of the tree is not followed.
    let outside = dir_with(&[("Dockerfile", "FROM scratch\n")]);
    std::os::unix::fs::symlink(outside.path(), root.join("svc/linked")).expect("symlink");
    std::os::unix::fs::symlink(
        outside.path().join("Dockerfile"),
        root.join("svc/linked.Dockerfile"),
    )
    .expect("symlink");
    let o = portcullis(&["scan", "-r", "-f", "json", "."], root);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let targets: Vec<String> = json(&o)["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["target"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        targets,
        [
            "./images/app.tar",
            "./images/app.tar.gz",
            "./images/busybox.tar",
            "./svc/api/Dockerfile",
            "./svc/web/Containerfile",
            "./svc/web/web.Dockerfile",
        ]
    );
    // Without --recursive a directory still means its Dockerfile.
    let o = portcullis(&["scan", "svc"], root);
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            "error: svc: cannot read svc/Dockerfile: No such file or directory\n".to_owned()
        )
    );
    let empty = tempfile::tempdir().expect("tempdir");
    let o = portcullis(&["scan", "--recursive", "."], empty.path());
    assert_eq!(
        (code(&o), stderr(&o)),
        (2, "error: .: nothing to scan: no Dockerfile, Containerfile, Kubernetes manifest, Compose file, image archive, OCI layout or LXD image in it\n".to_owned())
    );
}

#[test]
fn a_platform_the_image_is_not_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_tar().display().to_string();
    let o = portcullis(
        &[
            "scan",
            "--platform",
            "linux/arm64",
            "-f",
            "json=out.json",
            &app,
        ],
        dir.path(),
    );
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            format!("error: {app}: the image is for linux/amd64, not linux/arm64 (--platform), and holds no other platform\n")
        )
    );
    assert!(!dir.path().join("out.json").exists());
    // Its own platform is fine.
    let o = portcullis(
        &["scan", "-q", "--platform", "linux/amd64", &app],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    // An LXD image is of its metadata's architecture (x86_64 here).
    let lxd = repo()
        .join("fixtures/lxd/busybox.tar.gz")
        .display()
        .to_string();
    let o = portcullis(&["scan", "--platform", "linux/s390x", &lxd], dir.path());
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            format!("error: {lxd}: the image is for linux/amd64, not linux/s390x (--platform), and holds no other platform\n")
        )
    );
    let o = portcullis(
        &["scan", "-q", "--platform", "linux/amd64", &lxd],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn an_archive_lists_its_tags_when_the_one_asked_for_is_missing() {
    let app = app_tar().display().to_string();
    let o = portcullis(&["scan", &format!("docker-archive:{app}:app:9.9")], &repo());
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            format!("error: {app}: no image tagged \"app:9.9\" in this archive (it has: localhost/app:1)\n")
        )
    );
}

#[test]
fn build_args_no_dockerfile_declares_are_warned_about() {
    let dir = dir_with(&[
        ("a/Dockerfile", "ARG TAG=12\nFROM debian:${TAG}\nUSER 1\n"),
        ("b/Dockerfile", "FROM scratch\nARG UID\nUSER ${UID}\n"),
    ]);
    let o = portcullis(
        &[
            "scan",
            "-q",
            "--build-arg",
            "TAG=13",
            "--build-arg",
            "UID=10",
            "--build-arg",
            "UNUSED=1",
            "--build-arg",
            "HTTP_PROXY=http://proxy:3128",
            "--build-arg",
            "OTHER=2",
            "a",
            "b",
        ],
        dir.path(),
    );
    let warning = "warning: one or more build-args [UNUSED OTHER] were not consumed: no Dockerfile scanned declares them with ARG\n";
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("build-args").count(), 1);
    let o = portcullis(&["scan", "-q", "--build-arg", "TAG=13", "a"], dir.path());
    assert!(!stderr(&o).contains("build-args"), "{}", stderr(&o));
}

#[test]
fn scan_help_names_every_kind_of_target() {
    let o = portcullis(&["scan", "--help"], &repo());
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(
        help.contains("Check Dockerfiles and container images against the policies"),
        "{help}"
    );
    for kind in [
        "docker-archive:",
        "oci:",
        "oci-archive:",
        "docker://",
        "docker-daemon:",
        "lxd:",
        "Containerfile",
        "--recursive",
        "--name",
    ] {
        assert!(help.contains(kind), "{kind} missing from:\n{help}");
    }
}

#[test]
fn dash_is_standard_output() {
    let dockerfile = repo().join("examples/Dockerfile").display().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["-f", "json", "-o", "-"],
        vec!["-f", "json=-"],
        vec!["-f", "json=-", "-f", "sarif=r.sarif"],
    ] {
        let mut all = vec!["scan"];
        all.extend(&args);
        all.push(&dockerfile);
        let o = portcullis(&all, dir.path());
        assert_eq!(code(&o), 1, "{args:?}: {}", stderr(&o));
        assert_eq!(
            json(&o)["targets"][0]["target"],
            dockerfile.as_str(),
            "{args:?}"
        );
        assert!(!dir.path().join("-").exists(), "{args:?}: no file named -");
    }
    assert!(dir.path().join("r.sarif").is_file());
    let o = portcullis(
        &["scan", "-f", "json=-", "-f", "sarif", &dockerfile],
        dir.path(),
    );
    assert_eq!(
        (code(&o), stderr(&o)),
        (2, "error: only one report can go to standard output (json, sarif given); name a file for the others, e.g. --format sarif=report.sarif\n".to_owned())
    );
}

#[test]
fn rules_as_json() {
    let o = portcullis(&["rules", "--format", "json"], &repo());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rules = json(&o);
    let rules = rules.as_array().expect("an array");
    let text = stdout(&portcullis(&["rules"], &repo()));
    assert_eq!(
        rules.len(),
        text.lines().count(),
        "the same rules as the text list"
    );
    let root = rules
        .iter()
        .find(|r| r["code"] == "SQ40101")
        .expect("SQ40101");
    assert_eq!(root["name"], "root-user");
    assert_eq!(root["severity"], "medium");
    assert_eq!(root["category"], "container-security");
    assert_eq!(root["default_action"], "fail");
    assert_eq!(
        root["applies_to"],
        serde_json::json!(["dockerfile", "image"])
    );
    assert_eq!(root["title"], "Image is configured to run as root");
    for r in rules {
        let keys: Vec<&String> = r.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "applies_to",
                "category",
                "code",
                "default_action",
                "name",
                "remediation",
                "severity",
                "title"
            ]
        );
    }
    let low = rules
        .iter()
        .find(|r| r["code"] == "SQ41103")
        .expect("SQ41103");
    assert_eq!(low["default_action"], "warn");
}

#[test]
fn explain_takes_names_and_suggests_the_nearest_rule() {
    let by_code = portcullis(&["explain", "SQ40104"], &repo());
    let by_name = portcullis(&["explain", "exposed-ssh-port"], &repo());
    assert_eq!(code(&by_name), 0, "{}", stderr(&by_name));
    assert_eq!(stdout(&by_name), stdout(&by_code));
    assert!(
        stdout(&by_name).starts_with("## SQ40104 "),
        "{}",
        stdout(&by_name)
    );
    for (query, error) in [
        ("SQ40114", "error: no rule \"SQ40114\"; did you mean SQ40104 (exposed-ssh-port)? `portcullis rules` lists them\n"),
        ("root-usr", "error: no rule \"root-usr\"; did you mean SQ40101 (root-user)? `portcullis rules` lists them\n"),
        ("nothing-like-any-rule-at-all", "error: no rule \"nothing-like-any-rule-at-all\"; `portcullis rules` lists them\n"),
    ] {
        let o = portcullis(&["explain", query], &repo());
        assert_eq!((code(&o), stderr(&o)), (2, error.to_owned()), "{query}");
        assert!(o.stdout.is_empty());
    }
}

/// The subcommands, as `portcullis --help` lists them.
fn subcommands() -> Vec<String> {
    let help = stdout(&portcullis(&["--help"], &repo()));
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap_or("");
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    names
}

#[test]
fn bash_completion_loads_and_knows_every_subcommand() {
    if !have("bash") {
        eprintln!("skipping: bash is not installed");
        return;
    }
    let o = portcullis(&["completions", "bash"], &repo());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("portcullis.bash");
    std::fs::write(&script, &o.stdout).expect("write");
    let loaded = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p portcullis",
            script.display()
        ))
        .output()
        .expect("bash");
    assert_eq!(loaded.status.code(), Some(0), "{}", stderr(&loaded));
    assert!(
        stdout(&loaded).ends_with("-F _portcullis portcullis\n"),
        "{}",
        stdout(&loaded)
    );
    // Completing `portcullis ` offers every subcommand.
    let offered = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && COMP_WORDS=(portcullis '') COMP_CWORD=1 COMP_LINE='portcullis ' COMP_POINT=11 && _portcullis portcullis '' portcullis && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .expect("bash");
    let offered = stdout(&offered);
    for name in subcommands() {
        assert!(
            offered.lines().any(|l| l == name),
            "{name} not offered: {offered}"
        );
    }
    // fish and zsh (scripts/test.sh installs both) load theirs, and fish,
    // asked to complete `portcullis `, offers every subcommand.
    let ready = |shell: &str| {
        let found = have(shell);
        assert!(
            found || std::env::var("CI").is_err(),
            "{shell} is not installed (scripts/test.sh installs it)"
        );
        found
    };
    let o = portcullis(&["completions", "fish"], &repo());
    assert_eq!(code(&o), 0);
    let fish_script = dir.path().join("portcullis.fish");
    std::fs::write(&fish_script, &o.stdout).expect("write");
    if ready("fish") {
        let bin = Path::new(env!("CARGO_BIN_EXE_portcullis"))
            .parent()
            .expect("bin dir")
            .to_owned();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let offered = Command::new("fish")
            .arg("-c")
            .arg(format!(
                "source {}; complete -C 'portcullis '",
                fish_script.display()
            ))
            .env("PATH", path)
            .output()
            .expect("fish");
        assert_eq!(offered.status.code(), Some(0), "{}", stderr(&offered));
        let offered = stdout(&offered);
        for name in subcommands() {
            assert!(
                offered
                    .lines()
                    .any(|l| l.split('\t').next() == Some(name.as_str())),
                "fish: {name} not offered: {offered}"
            );
        }
    }
    let o = portcullis(&["completions", "zsh"], &repo());
    assert_eq!(code(&o), 0);
    let zsh_script = dir.path().join("_portcullis");
    std::fs::write(&zsh_script, &o.stdout).expect("write");
    let text = stdout(&o);
    for name in subcommands() {
        assert!(text.contains(&name), "zsh: {name}");
    }
    if ready("zsh") {
        let loaded = Command::new("zsh")
            .arg("-c")
            .arg(format!(
                "autoload -Uz compinit && compinit -u -D && source {} && whence -w _portcullis",
                zsh_script.display()
            ))
            .output()
            .expect("zsh");
        assert_eq!(
            (loaded.status.code(), stdout(&loaded)),
            (Some(0), "_portcullis: function\n".to_owned()),
            "{}",
            stderr(&loaded)
        );
    }
    let o = portcullis(&["completions", "tcsh"], &repo());
    assert_eq!(code(&o), 2);
}

#[test]
fn the_man_page_renders_and_documents_every_subcommand() {
    let o = portcullis(&["man"], &repo());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let roff = stdout(&o);
    assert!(
        roff.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &roff[..200.min(roff.len())]
    );
    assert!(roff.contains(".TH portcullis 1"), "{roff}");
    let (program, args): (&str, &[&str]) = if have("man") {
        ("man", &["-l", "-"])
    } else if have("groff") {
        ("groff", &["-man", "-Tutf8"])
    } else {
        eprintln!("skipping the rendering: neither man nor groff is installed");
        return;
    };
    let mut child = Command::new(program)
        .args(args)
        .env("MANWIDTH", "100")
        .env_remove("MAN_KEEP_FORMATTING")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run man");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), roff.as_bytes())
        .expect("write");
    let rendered = child.wait_with_output().expect("man");
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert!(
        !String::from_utf8_lossy(&rendered.stderr).contains("warning"),
        "{}",
        stderr(&rendered)
    );
    // groff may still embolden by overstriking (`S\bS`): read the letters.
    let text: String = {
        let raw: Vec<char> = stdout(&rendered).chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < raw.len() {
            if raw.get(i + 1) == Some(&'\u{8}') {
                i += 2;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        out
    };
    for name in subcommands() {
        let heading = format!("PORTCULLIS {}", name.to_ascii_uppercase());
        assert!(text.contains(&heading), "{heading} missing from:\n{text}");
    }
    assert!(text.contains("--recursive"));
    assert!(text.contains("portcullis db update"));
}
