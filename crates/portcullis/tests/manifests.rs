//! Kubernetes manifests and Compose files through the real binary: which
//! files are targets (by content, by a Compose name), standard input told
//! apart by content, and every kind of YAML that cannot be read as one line
//! `FILE:LINE:COL: message` with exit status 2 and nothing written. The
//! inputs are generated here (the bomb, the nesting, the 100 MB document in
//! the test's own temporary directory), never committed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::*;

fn with_stdin(args: &[&str], input: &[u8], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env("PORTCULLIS_DB", NO_DATABASE)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // The scan may stop reading (and close the pipe) before the end.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    out
}

/// Exit status 2, the one line given on standard error, nothing on
/// standard output.
fn refused(o: &Output, line: &str) {
    assert_eq!(
        (o.status.code(), stderr(o), stdout(o)),
        (Some(2), format!("error: {line}\n"), String::new())
    );
}

/// Anchors and aliases that expand to 9^7 (4.7 million) scalars from a
/// few hundred bytes.
fn bomb() -> String {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n",
    );
    for (name, previous) in ["b", "c", "d", "e", "f", "g"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f"])
    {
        let items = vec![format!("*{previous}"); 9].join(", ");
        text.push_str(&format!("  {name}: &{name} [{items}]\n"));
    }
    text
}

/// Each `*e` expands to about 66,400 nodes: the seventh (column 34) takes
/// the document past 500,000.
#[test]
fn a_yaml_bomb_is_refused_at_the_alias_that_crosses_the_limit() {
    let dir = dir_with(&[("bomb.yaml", &bomb())]);
    let o = portcullis(&["scan", "bomb.yaml"], dir.path());
    refused(
        &o,
        "bomb.yaml:9:34: the document grows to more than 500000 nodes (aliases count by what they expand to)",
    );
}

#[test]
fn deep_nesting_is_refused() {
    let flow = format!(
        "apiVersion: v1\nkind: Pod\nspec: {}{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let block: String = (0..200)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    let dir = dir_with(&[("flow.yaml", &flow), ("block.yml", &block)]);
    // The root mapping is level 1: the 128th `[` (column 134) is level 129.
    refused(
        &portcullis(&["scan", "flow.yaml"], dir.path()),
        "flow.yaml:3:134: nested more than 128 levels deep",
    );
    refused(
        &portcullis(&["scan", "block.yml"], dir.path()),
        "block.yml:129:257: nested more than 128 levels deep",
    );
}

#[test]
fn a_duplicate_key_is_refused_at_its_second_occurrence() {
    let dir = dir_with(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n",
    )]);
    refused(
        &portcullis(&["scan", "pod.yaml"], dir.path()),
        "pod.yaml:5:3: duplicate key `name`",
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_at_the_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pod.yaml"),
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n",
    )
    .expect("write");
    refused(
        &portcullis(&["scan", "pod.yaml"], dir.path()),
        "pod.yaml:4:12: not UTF-8 text",
    );
}

#[test]
fn a_tagged_value_is_one_line_naming_the_file() {
    // What a tag means is the reader's to judge (the message differs as
    // the Kubernetes reader grows); that it is one line with the file and
    // exit status 2 holds throughout.
    let dir = dir_with(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: !vault\n  name: a\n",
    )]);
    let o = portcullis(&["scan", "pod.yaml", "--format", "json"], dir.path());
    if o.status.code() == Some(2) {
        let err = stderr(&o);
        assert!(err.starts_with("error: pod.yaml"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(o.stdout.is_empty());
    } else {
        // Read: the report is of a Kubernetes manifest.
        assert_eq!(json(&o)["targets"][0]["kind"], "kubernetes");
    }
}

#[test]
fn a_100_mb_document_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.yaml");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        f.write_all(b"apiVersion: v1\nkind: ConfigMap\ndata:\n")
            .expect("write");
        let line = format!("  k: {}\n", "v".repeat(1000));
        for _ in 0..100_000 {
            f.write_all(line.as_bytes()).expect("write");
        }
    }
    assert!(std::fs::metadata(&path).expect("size").len() > 100_000_000);
    refused(
        &portcullis(&["scan", "big.yaml"], dir.path()),
        "big.yaml:1:1: more than the 32 MiB a manifest may have: not read further",
    );
    // The same on standard input: reading stops one byte past the limit.
    let bytes = std::fs::read(&path).expect("read");
    refused(
        &with_stdin(&["scan", "-"], &bytes, dir.path()),
        "<stdin>:1:1: standard input holds more than the 32 MiB a manifest may have: not read further",
    );
}

#[test]
fn standard_input_is_told_apart_by_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    // YAML that cannot be read: its error, at `<stdin>`.
    refused(
        &with_stdin(
            &["scan", "-"],
            b"apiVersion: v1\nkind: Pod\nkind: Pod\n",
            dir.path(),
        ),
        "<stdin>:3:1: duplicate key `kind`",
    );
    // A Dockerfile is still a Dockerfile.
    let o = with_stdin(
        &["scan", "-", "--format", "json"],
        b"FROM alpine:3.20\nUSER app\n",
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(report["targets"][0]["kind"], "dockerfile");
    assert_eq!(report["targets"][0]["target"], "<stdin>");
    // A Dockerfile with a typo in a later line keeps its Dockerfile error.
    refused(
        &with_stdin(&["scan", "-"], b"FROM alpine\nRUNN make\n", dir.path()),
        "<stdin>:2:1: unknown instruction: RUNN",
    );
}

#[test]
fn a_yaml_target_that_is_no_manifest_is_named_so() {
    let dir = dir_with(&[("values.yaml", "replicas: 3\nimage: nginx\n")]);
    refused(
        &portcullis(&["scan", "values.yaml"], dir.path()),
        "values.yaml: YAML that is neither a Kubernetes manifest (no `apiVersion` and `kind`) nor a Compose file (no `services`)",
    );
}

#[test]
fn skip_other_yaml_skips_yaml_that_is_no_manifest_but_not_broken_yaml() {
    let dir = dir_with(&[
        ("values.yaml", "replicas: 3\nimage: nginx\n"),
        ("broken.yaml", "a: [1, 2\n"),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        ),
    ]);
    let o = portcullis(
        &[
            "scan",
            "--skip-other-yaml",
            "--format",
            "json",
            "values.yaml",
            "pod.yaml",
        ],
        dir.path(),
    );
    let report = json(&o);
    let targets = target_names(&report);
    assert_eq!(targets, ["pod.yaml"]);
    let alone = portcullis(&["scan", "--skip-other-yaml", "values.yaml"], dir.path());
    assert_eq!(code(&alone), 0, "{}", stderr(&alone));
    let broken = portcullis(&["scan", "--skip-other-yaml", "broken.yaml"], dir.path());
    assert_eq!(code(&broken), 2);
    assert!(
        stderr(&broken).starts_with("error: broken.yaml:"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn directory_walks_skip_other_yaml_and_report_a_broken_compose_file() {
    // Other YAML (a chart's values, a template that is not YAML yet) is
    // skipped silently, beside a Dockerfile.
    let quiet = dir_with(&[
        ("Dockerfile", "FROM alpine:3.20\nUSER app\n"),
        ("values.yaml", "replicas: 3\n"),
        (
            "chart/templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: {{ .Values.kind }}\nkind: x\n",
        ),
    ]);
    for args in [
        &["scan", ".", "--format", "json"][..],
        &["scan", "--recursive", ".", "--format", "json"][..],
    ] {
        let o = portcullis(args, quiet.path());
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let targets: Vec<String> = json(&o)["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .map(|t| t["kind"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(targets, ["dockerfile"], "{args:?}");
    }
    // A Compose file by its name is a target whatever it holds: YAML that
    // cannot be read is an error, whether the directory is searched or not.
    let broken = dir_with(&[
        ("Dockerfile", "FROM alpine:3.20\nUSER app\n"),
        (
            "svc/compose.yaml",
            "services:\n  app:\n    image: a\n    image: b\n",
        ),
    ]);
    refused(
        &portcullis(&["scan", "--recursive", "."], broken.path()),
        "./svc/compose.yaml:4:5: duplicate key `image`",
    );
    refused(
        &portcullis(&["scan", "svc"], broken.path()),
        "svc/compose.yaml:4:5: duplicate key `image`",
    );
    // An override beside its main file is read with it, not on its own.
    let with_override = dir_with(&[
        (
            "compose.yaml",
            "services:\n  app:\n    image: a\n    image: b\n",
        ),
        ("compose.override.yaml", "services: [\n"),
    ]);
    refused(
        &portcullis(&["scan", "--recursive", "."], with_override.path()),
        "./compose.yaml:4:5: duplicate key `image`",
    );
}

#[test]
fn an_empty_directory_names_every_kind_it_looked_for() {
    let dir = dir_with(&[("notes/values.yaml", "a: 1\n")]);
    refused(
        &portcullis(&["scan", "--recursive", "notes"], dir.path()),
        "notes: nothing to scan: no Dockerfile, Containerfile, Kubernetes manifest, Compose file, image archive, OCI layout or LXD image in it",
    );
}

/// The library's manifest scan, whichever findings the runtime rules make:
/// the target's kind, its fingerprint key and digest, and a YAML
/// suppression comment that suppresses nothing reported at its place, with
/// the comment's line shown by the human report from the kept text.
#[test]
fn a_manifest_report_carries_its_kind_texts_and_suppression_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    # portcullis ignore=SQ40104 reason=\"no ssh here\"\n    image: nginx\n";
    let path = dir.path().join("pod.yaml");
    std::fs::write(&path, text).expect("write");
    let shown = path.display().to_string();
    let scanner = portcullis::Scanner {
        keep_source: true,
        ..portcullis::Scanner::default()
    };
    let report = scanner
        .scan_manifest(
            &shown,
            Some(&path),
            portcullis_manifests::Platform::Kubernetes,
            text.as_bytes(),
        )
        .expect("scans");
    assert_eq!(report.kind, "kubernetes");
    assert_eq!(report.target, shown);
    assert_eq!(report.path.as_deref(), Some(shown.as_str()));
    assert!(report
        .digest
        .as_deref()
        .is_some_and(|d| d.starts_with("sha256:")));
    assert_eq!(report.texts.len(), 1);
    assert_eq!(report.texts[0].path, shown);
    let unused: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "SQ49003")
        .collect();
    assert_eq!(unused.len(), 1, "{:#?}", report.findings);
    assert_eq!(
        unused[0].location,
        portcullis_rules::Location::Manifest {
            path: shown.clone(),
            line: 8,
            column: 5,
            end_line: 8,
            end_column: 53,
            document: 0,
            pointer: String::new(),
        }
    );
    let human = portcullis_report::render_human(
        &portcullis::Scanner::report(vec![report]),
        portcullis_report::HumanOptions { color: false },
    );
    let at = human
        .lines()
        .position(|l| l.contains(&format!("--> {shown}:8:5 (document 0)")))
        .unwrap_or_else(|| panic!("{human}"));
    let lines: Vec<&str> = human.lines().skip(at + 1).take(3).collect();
    assert_eq!(
        lines,
        [
            "           |",
            "         8 |     # portcullis ignore=SQ40104 reason=\"no ssh here\"",
            &format!("           |     {}", "^".repeat(48)),
        ]
    );
}

#[test]
fn a_report_never_overwrites_a_file_of_the_compose_project() {
    let dir = dir_with(&[
        ("app/compose.yaml", "services:\n  app:\n    image: a\n"),
        ("app/.env", "TAG=1\n"),
    ]);
    for (target, out) in [
        ("app/compose.yaml", "json=app/.env"),
        ("app/compose.yaml", "json=app/compose.override.yml"),
        ("app", "sarif=app/compose.override.yaml"),
    ] {
        let o = portcullis(&["scan", target, "--format", out], dir.path());
        let written = out.split_once('=').map_or(out, |(_, p)| p);
        refused(
            &o,
            &format!("{written}: would overwrite a file this scan reads"),
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app/.env")).expect("kept"),
        "TAG=1\n"
    );
}

#[test]
fn compose_include_is_followed_and_findings_point_into_the_included_file() {
    let dir = dir_with(&[
        (
            "app/compose.yaml",
            "include:\n  - ../shared/db.yaml\nservices:\n  web:\n    image: registry.example/web:1.4.2\n    ports:\n      - \"8080:80\"\n",
        ),
        (
            "shared/db.yaml",
            "services:\n  db:\n    image: postgres:${PG_TAG}\n    ports:\n      - \"5432:5432\"\n      # portcullis ignore=PC42701 reason=\"the metrics port is for the LAN\"\n      - \"9187:9187\"\n",
        ),
        // The included project's .env, beside its file.
        ("shared/.env", "PG_TAG=16.4\n"),
    ]);
    let o = portcullis(
        &["scan", "app/compose.yaml", "--format", "json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let found: Vec<String> = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| matches!(f["rule"].as_str(), Some("PC42701" | "PC43102")))
        .map(|f| {
            let at = &f["location"];
            format!(
                "{} {}:{}:{} {} {}{}",
                f["rule"].as_str().unwrap_or_default(),
                at["path"].as_str().unwrap_or_default(),
                at["line"],
                at["column"],
                at["pointer"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default(),
                if f["suppressed"].is_null() {
                    ""
                } else {
                    " (suppressed)"
                }
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "PC42701 app/compose.yaml:7:9 /services/web/ports/0 service `web` publishes 8080->80/tcp on every host interface (no host IP)",
            "PC42701 shared/db.yaml:5:9 /services/db/ports/0 service `db` publishes 5432->5432/tcp on every host interface (no host IP)",
            "PC42701 shared/db.yaml:7:9 /services/db/ports/1 service `db` publishes 9187->9187/tcp on every host interface (no host IP) (suppressed)",
            "PC43102 app/compose.yaml:5:12 /services/web/image image `registry.example/web:1.4.2` is not pinned by digest: the tag `1.4.2` can be moved to other content",
            "PC43102 shared/db.yaml:3:12 /services/db/image image `postgres:16.4` is not pinned by digest: the tag `16.4` can be moved to other content",
        ]
    );
    // An included file is a file the scan reads: no report overwrites it.
    refused(
        &portcullis(
            &[
                "scan",
                "app/compose.yaml",
                "--format",
                "json=shared/db.yaml",
            ],
            dir.path(),
        ),
        "shared/db.yaml: would overwrite a file this scan reads",
    );
    // A missing one is a one-line error at the entry that names it.
    std::fs::remove_file(dir.path().join("shared/db.yaml")).expect("remove");
    refused(
        &portcullis(&["scan", "app/compose.yaml"], dir.path()),
        "app/compose.yaml:2:5: included file shared/db.yaml does not exist",
    );
    // One that is no regular file is refused unopened (a FIFO would block).
    let made = Command::new("mkfifo")
        .arg(dir.path().join("shared/db.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    refused(
        &portcullis(&["scan", "app/compose.yaml"], dir.path()),
        "app/compose.yaml:2:5: shared/db.yaml: cannot read: not a regular file",
    );
}

/// The files read beside a Compose file (`.env`, the override) that are
/// not regular files are refused unopened: a FIFO would block the scan.
#[test]
fn a_compose_env_or_override_that_is_a_fifo_is_refused() {
    for beside in [".env", "compose.override.yaml"] {
        let dir = dir_with(&[("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")]);
        let made = Command::new("mkfifo")
            .arg(dir.path().join(beside))
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "mkfifo");
        let o = portcullis(&["scan", "compose.yaml"], dir.path());
        assert_eq!(code(&o), 2, "{beside}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!("error: {beside}: "))
                && err.contains(": cannot read: not a regular file (a FIFO)"),
            "{beside}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
