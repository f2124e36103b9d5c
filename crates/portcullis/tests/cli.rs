//! The real binary, run as a user would: output, files and exit status.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::markers::fill_secrets;
use common::*;

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn example_scan_fails_with_the_expected_findings() {
    let o = portcullis(&["scan", "examples/Dockerfile"], &repo());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\x1b'), "no colour when piped");
    for expected in [
        "examples/Dockerfile FAIL",
        "FAIL SQ40104 (high) port 22/tcp (SSH) is exposed (EXPOSE ${SSH_PORT})",
        "--> examples/Dockerfile:20:13",
        "20 | EXPOSE 8080 ${SSH_PORT}",
        "   |             ^^^^^^^^^^^",
        "FAIL SQ40102 (medium) chmod u+s sets the setuid bit on `/usr/bin/newgrp`",
        "--> examples/Dockerfile:17:11",
        "WARN SQ41103 (low) CMD /bin/app --listen :8080 is shell form",
        "fix: Set WORKDIR before the COPY, or give COPY an absolute destination.",
        "9 findings (1 high, 2 medium, 6 low), 3 failing, 0 suppressed: FAIL",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Grouped by category, most severe first within each.
    let sec = out.find("Container security").expect("category");
    let build = out.find("Build instructions").expect("category");
    assert!(sec < build);
    assert!(out.find("SQ40104").expect("high") < out.find("SQ40101").expect("medium"));
}

/// The README's first command scans the real image shipped in examples/
/// (a BuildKit `docker save` made by fixtures/images/make.sh from
/// examples/image/Dockerfile).
#[test]
fn readme_first_command_scans_the_shipped_image() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let first_block = readme.split("```sh\n").nth(1).expect("a sh code block");
    let mut commands = first_block
        .lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim());
    assert_eq!(
        commands.next(),
        Some("cargo run --release -- scan examples/app.tar")
    );
    assert_eq!(commands.next(), Some("./scripts/test.sh"));

    // Exactly that scan, by the binary `cargo run` builds.
    let o = portcullis(&["scan", "examples/app.tar"], &repo());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Without an advisory database, one line says so.
    assert_eq!(
        stderr(&o),
        format!("note: no advisory database at {NO_DATABASE}: run `portcullis db update` (or `portcullis db import FILE` on a machine without network); the vulnerability policies (SQ31xxx) are not applicable\n")
    );
    let out = stdout(&o);
    let codes: Vec<&str> = out
        .lines()
        .filter_map(|l| match l.trim_start().split_once(' ') {
            Some(("FAIL" | "WARN", rest)) => rest.split(' ').next(),
            _ => None,
        })
        .collect();
    assert_eq!(
        codes,
        ["SQ40104", "SQ40101", "SQ40102", "SQ41101", "SQ41103", "SQ41102", "SQ18111"],
        "{out}"
    );
    for expected in [
        "examples/app.tar FAIL",
        "FAIL SQ40104 (high) port 22/tcp (SSH) is exposed",
        "--> image config /config/ExposedPorts/22~1tcp",
        "FAIL SQ40102 (medium) /usr/local/bin/app has the setuid bit (mode 4755, owner 0:0)",
        "--> /usr/local/bin/app in layer 1 (sha256:",
        "--> history entry 3: ADD app.conf /etc/app/app.conf # buildkit",
        "Binary hardening\n    WARN SQ18111 (high) /bin/busybox: not position-independent (ET_EXEC): ASLR cannot move it (static executable, base image)",
        "7 findings (2 high, 2 medium, 3 low), 3 failing, 0 suppressed: FAIL",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }

    // The same image in JSON, with --dockerfile: exact locations and the
    // Dockerfile lines that made them.
    let o = portcullis(
        &[
            "scan",
            "--format",
            "json",
            "--dockerfile",
            "examples/image/Dockerfile",
            "examples/app.tar",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["targets"].as_array().map(Vec::len), Some(1));
    let t = &r["targets"][0];
    assert_eq!(t["target"], "examples/app.tar");
    assert_eq!(t["kind"], "docker-archive");
    let got = linked(t);
    assert_eq!(
        got,
        [
            "SQ18111@L0:/bin/busybox [h0]",
            "SQ40101@/config/User []",
            "SQ40102@L1:/usr/local/bin/app [8:1]",
            "SQ40104@/config/ExposedPorts/22~1tcp [h4,12:1]",
            "SQ41101@/config/Healthcheck []",
            "SQ41102@h3 [11:1]",
            "SQ41103@/config/Cmd [h5,13:1]",
        ]
    );
    assert_eq!(t["notes"], serde_json::json!([]));
}

#[test]
fn hardened_example_passes() {
    let o = portcullis(&["scan", "examples/hardened"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // The findings, how the run was judged (its time varies), what it came to.
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "examples/hardened/Dockerfile PASS",
            "  no findings; 32 policies checked",
            ""
        ],
        "{text}"
    );
    assert!(
        lines[3].starts_with("Scanned ")
            && lines[3].ends_with(concat!(" by portcullis ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert_eq!(
        lines[4..],
        [
            "Policy: built-in default; fail-on medium; no exceptions",
            "Summary: 0 failed, 0 warned, 0 info, 0 suppressed (0 by baseline, 0 by exception, 0 by inline comment), 32 policies passed",
            "no findings: PASS",
        ],
        "{text}"
    );
}

#[test]
fn json_report_follows_the_contract() {
    let o = portcullis(
        &["scan", "--format", "json", "examples/Dockerfile"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "portcullis");
    assert_eq!(r["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["verdict"], "fail");
    let t = &r["targets"][0];
    assert_eq!(t["target"], "examples/Dockerfile");
    assert_eq!(t["kind"], "dockerfile");
    assert!(t["digest"].as_str().expect("digest").starts_with("sha256:"));
    assert_eq!(t["digest"].as_str().map(str::len), Some(71));
    assert_eq!(t["verdict"], "fail");
    // The 14 container policies, then the 28 sensitive-information ones:
    // the image-only ones and the online ones do not apply to a Dockerfile,
    // and only the online ones say why.
    let p = |r: &str, s: &str| (r.to_owned(), s.to_owned(), None);
    let online = |r: &str| {
        (
            r.to_owned(),
            "not-applicable".to_owned(),
            Some(ONLINE_REASON.to_owned()),
        )
    };
    assert_eq!(
        policy_statuses(t),
        vec![
            p("SQ40101", "fail"),
            p("SQ40102", "fail"),
            p("SQ40103", "pass"),
            p("SQ40104", "fail"),
            p("SQ40105", "pass"),
            p("SQ40106", "pass"),
            p("SQ40107", "pass"),
            p("SQ40108", "pass"),
            p("SQ41101", "warn"),
            p("SQ41102", "warn"),
            p("SQ41103", "warn"),
            p("SQ41104", "pass"),
            p("SQ41105", "pass"),
            p("SQ41106", "warn"),
            p("SQ34101", "not-applicable"),
            p("SQ34102", "not-applicable"),
            p("SQ34103", "pass"),
            p("SQ34104", "not-applicable"),
            p("SQ34105", "pass"),
            p("SQ34106", "pass"),
            p("SQ34107", "pass"),
            p("SQ34108", "not-applicable"),
            p("SQ34109", "pass"),
            p("SQ34110", "not-applicable"),
            p("SQ34111", "pass"),
            p("SQ34201", "not-applicable"),
            p("SQ34251", "pass"),
            p("SQ34252", "pass"),
            online("SQ34253"),
            online("SQ34254"),
            online("SQ34255"),
            online("SQ34256"),
            p("SQ34301", "pass"),
            p("SQ34302", "pass"),
            p("SQ34303", "pass"),
            p("SQ34304", "pass"),
            p("SQ34305", "pass"),
            p("SQ34306", "pass"),
            online("SQ34401"),
            online("SQ34402"),
            online("SQ34403"),
            online("SQ34404"),
            p("SQ12101", "not-applicable"),
            p("SQ12102", "not-applicable"),
            p("SQ12103", "not-applicable"),
            p("SQ12401", "not-applicable"),
            p("SQ12402", "not-applicable"),
            p("SQ12403", "not-applicable"),
            p("SQ12404", "not-applicable"),
            p("SQ12405", "not-applicable"),
            p("SQ12406", "not-applicable"),
            p("SQ12407", "not-applicable"),
            p("SQ12408", "not-applicable"),
            p("SQ31101", "not-applicable"),
            p("SQ31102", "not-applicable"),
            p("SQ31103", "not-applicable"),
            p("SQ31104", "not-applicable"),
            p("SQ31105", "not-applicable"),
            p("SQ31106", "not-applicable"),
            p("SQ31107", "not-applicable"),
            p("SQ18101", "not-applicable"),
            p("SQ18102", "not-applicable"),
            p("SQ18103", "not-applicable"),
            p("SQ18104", "not-applicable"),
            p("SQ18105", "not-applicable"),
            p("SQ18106", "not-applicable"),
            p("SQ18107", "not-applicable"),
            p("SQ18108", "not-applicable"),
            p("SQ18109", "not-applicable"),
            p("SQ18110", "not-applicable"),
            p("SQ18111", "not-applicable"),
            p("SQ18112", "not-applicable"),
            p("SQ18113", "not-applicable"),
            p("SQ18115", "not-applicable"),
            p("SQ34202", "not-applicable"),
            p("SQ34203", "not-applicable"),
            p("SQ34204", "not-applicable"),
            p("PC42101", "not-applicable"),
            p("PC42102", "not-applicable"),
            p("PC42103", "not-applicable"),
            p("PC42104", "not-applicable"),
            p("PC42201", "not-applicable"),
            p("PC42202", "not-applicable"),
            p("PC42203", "not-applicable"),
            p("PC42204", "not-applicable"),
            p("PC42301", "not-applicable"),
            p("PC42302", "not-applicable"),
            p("PC42303", "not-applicable"),
            p("PC42304", "not-applicable"),
            p("PC42305", "not-applicable"),
            p("PC42401", "not-applicable"),
            p("PC42402", "not-applicable"),
            p("PC42403", "not-applicable"),
            p("PC42404", "not-applicable"),
            p("PC42405", "not-applicable"),
            p("PC42406", "not-applicable"),
            p("PC42407", "not-applicable"),
            p("PC42408", "not-applicable"),
            p("PC42501", "not-applicable"),
            p("PC42601", "not-applicable"),
            p("PC42701", "not-applicable"),
            p("PC42801", "not-applicable"),
            (
                "PC43101".to_owned(),
                "not-applicable".to_owned(),
                Some("the policy file has no `[images] trusted` list".to_owned()),
            ),
            p("PC43102", "warn"),
            p("PC43103", "pass"),
            p("PC43104", "pass"),
            p("PC43105", "pass"),
            p("PC43201", "not-applicable"),
            p("PC43202", "not-applicable"),
            p("PC43203", "not-applicable"),
        ]
    );
    let ssh = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "SQ40104")
        .expect("SQ40104 finding");
    assert_eq!(ssh["title"], "Image might expose the SSH port");
    assert_eq!(ssh["category"], "container-security");
    assert_eq!(ssh["severity"], "high");
    assert_eq!(ssh["action"], "fail");
    assert_eq!(
        ssh["message"],
        "port 22/tcp (SSH) is exposed (EXPOSE ${SSH_PORT})"
    );
    assert_eq!(
        ssh["location"],
        serde_json::json!({"kind": "dockerfile", "path": "examples/Dockerfile", "line": 20, "column": 13, "end_line": 20, "end_column": 24})
    );
    assert_eq!(ssh["related"], serde_json::json!([]));
    assert!(ssh["remediation"]
        .as_str()
        .expect("remediation")
        .starts_with("Remove the SSH port"));
    let fp = ssh["fingerprint"].as_str().expect("fingerprint");
    assert!(
        fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
        "{fp}"
    );
    assert_eq!(ssh["suppressed"], Value::Null);
    assert_eq!(t["findings"].as_array().map(Vec::len), Some(9));
}

#[test]
fn only_low_severity_findings_warn_and_pass() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM scratch\nCOPY app /app\nUSER 1000\nCMD /app\n",
    )]);
    let o = portcullis(&["scan", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["verdict"], "pass");
    let rules: Vec<&str> = r["targets"][0]["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["SQ41101", "SQ41103"]);
    assert_eq!(
        r["targets"][0]["target"], "Dockerfile",
        "no target means ./Dockerfile"
    );
}

#[test]
fn missing_file_is_exit_2_with_one_line_naming_it() {
    let dir = dir_with(&[]);
    let o = portcullis(
        &[
            "scan",
            "nope/Dockerfile",
            "--output",
            "report.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: nope/Dockerfile: cannot read: No such file or directory\n"
    );
    assert_eq!(stdout(&o), "");
    assert!(
        !dir.path().join("report.json").exists(),
        "nothing written on error"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("ls").count(),
        0,
        "no temporary files left"
    );
}

#[test]
fn directory_target_means_its_dockerfile() {
    let dir = dir_with(&[("app/Dockerfile", "FROM scratch\nUSER 1\nHEALTHCHECK NONE\n")]);
    let o = portcullis(&["scan", "app"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("WARN SQ41101 (low) HEALTHCHECK NONE disables the health check"),
        "{}",
        stdout(&o)
    );
    let o = portcullis(&["scan", "."], dir.path());
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "error: .: cannot read ./Dockerfile: No such file or directory\n".to_owned()
        )
    );
}

#[test]
fn no_dockerfile_in_cwd_is_exit_2() {
    let dir = dir_with(&[]);
    let o = portcullis(&["scan"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: Dockerfile: cannot read: No such file or directory\n"
    );
}

#[test]
fn syntax_errors_are_exit_2_with_line_and_column() {
    let dir = dir_with(&[
        ("bad.Dockerfile", "FROM debian\n  RUNN echo hi\n"),
        ("ok.Dockerfile", "FROM scratch\n"),
    ]);
    let o = portcullis(&["scan", "ok.Dockerfile", "bad.Dockerfile"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: bad.Dockerfile:2:3: unknown instruction: RUNN\n"
    );
    assert_eq!(stdout(&o), "", "no partial report");
    let o = with_stdin(&["scan", "-"], "FROM a\nCMD [\"x\", 1]\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: <stdin>:2:5: when using JSON array syntax, arrays must be comprised of strings only\n");
}

#[test]
fn binary_and_empty_input_are_exit_2() {
    let dir = dir_with(&[("empty", "")]);
    std::fs::write(dir.path().join("bin"), b"FROM a\n\xff\xfe\n").expect("write");
    // Not text and not named as a Dockerfile: none of the kinds portcullis
    // reads (a Dockerfile by name gets the line and column, see
    // tests/first_week.rs).
    let o = portcullis(&["scan", "bin"], dir.path());
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "error: bin: unrecognised input: not a Dockerfile, image archive, OCI layout or LXD image\n"
                .to_owned()
        )
    );
    let o = portcullis(&["scan", "empty"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: empty:1:1: no FROM instruction: a Dockerfile needs at least one build stage\n"
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    let o = portcullis(&["scan", "--format", "xml", "Dockerfile"], &repo());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid value 'xml'"), "{}", stderr(&o));
    let o = portcullis(&["frobnicate"], &repo());
    assert_eq!(o.status.code(), Some(2));
    let o = portcullis(&["scan", "--build-arg", "novalue", "x"], &repo());
    assert_eq!(o.status.code(), Some(2));
    let o = portcullis(&["scan", "-", "-"], &repo());
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "error: standard input (-) can be scanned only once\n".to_owned()
        )
    );
    let o = portcullis(&["--help"], &repo());
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn stdin_is_scanned_as_a_dockerfile() {
    let o = with_stdin(
        &["scan", "--format", "json", "-"],
        "FROM scratch\nEXPOSE 23\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    let f = &r["targets"][0]["findings"];
    let telnet = f
        .as_array()
        .expect("f")
        .iter()
        .find(|f| f["rule"] == "SQ40105")
        .expect("telnet");
    assert_eq!(telnet["location"]["path"], "<stdin>");
    assert_eq!(telnet["location"]["line"], 2);
    assert_eq!(telnet["message"], "port 23/tcp (Telnet) is exposed");
}

#[test]
fn many_targets_report_in_the_order_given() {
    let names: Vec<String> = (0..40).map(|i| format!("d{i}.Dockerfile")).collect();
    let files: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.clone(),
                format!(
                    "FROM scratch\nUSER {}\nEXPOSE {}\n",
                    1000 + i,
                    if i % 2 == 0 { 22 } else { 80 }
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = dir_with(&refs);
    let mut args = vec!["scan", "--format", "json"];
    args.extend(names.iter().map(String::as_str));
    let o = portcullis(&args, dir.path());
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    let targets = r["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 40);
    for (i, t) in targets.iter().enumerate() {
        assert_eq!(t["target"], names[i].as_str());
        assert_eq!(t["verdict"], if i % 2 == 0 { "fail" } else { "pass" });
    }
}

#[test]
fn output_file_and_quiet() {
    let dir = dir_with(&[("Dockerfile", "FROM scratch\nUSER 1\nEXPOSE 22\n")]);
    let o = portcullis(
        &["scan", "--format", "json", "--output", "out/r.json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "missing directory is an error");
    assert!(
        stderr(&o).starts_with("error: out/r.json: cannot write the report: "),
        "{}",
        stderr(&o)
    );
    let o = portcullis(&["scan", "--format", "json", "-o", "r.json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let written: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).expect("report"))
            .expect("json");
    assert_eq!(written["verdict"], "fail");
    let o = portcullis(&["scan", "--quiet"], dir.path());
    assert_eq!(
        (o.status.code(), stdout(&o), stderr(&o)),
        (Some(1), String::new(), String::new())
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = dir_with(&[("Dockerfile", "FROM scratch\nUSER 1\nEXPOSE 22\n")]);
    let o = portcullis(&["scan", "--color", "always"], dir.path());
    assert!(stdout(&o).contains("\x1b[1;31mFAIL"), "{}", stdout(&o));
    let o = portcullis(&["scan", "--color", "never"], dir.path());
    assert!(!stdout(&o).contains('\x1b'));
    let o = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(["scan"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn build_args_change_the_outcome() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM scratch\nARG UID\nUSER $UID\nHEALTHCHECK CMD [\"/h\"]\n",
    )]);
    let o = portcullis(&["scan", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    assert_eq!(
        r["targets"][0]["findings"][0]["message"],
        "USER $UID runs as root unless a build argument sets UID: it has no default value, so the user is empty, which means root"
    );
    let o = portcullis(&["scan", "--build-arg", "UID=1000"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn fingerprints_survive_moved_lines() {
    let a = dir_with(&[(
        "Dockerfile",
        "FROM scratch\nUSER 1\nEXPOSE 22\nADD a.txt /a\n",
    )]);
    let b = dir_with(&[(
        "Dockerfile",
        "# a new comment\n\nFROM scratch\nUSER 1\nLABEL x=y\nEXPOSE 22\nADD a.txt /a\n",
    )]);
    let fps = |d: &Path| -> Vec<(String, String, u64)> {
        let r = json(&portcullis(&["scan", "--format", "json"], d));
        r["targets"][0]["findings"]
            .as_array()
            .expect("f")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_owned(),
                    f["fingerprint"].as_str().unwrap_or("").to_owned(),
                    f["location"]["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    let (fa, fb) = (fps(a.path()), fps(b.path()));
    assert_eq!(
        fa.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["SQ40104", "SQ41101", "SQ41102"]
    );
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!((&x.0, &x.1), (&y.0, &y.1), "same finding, same fingerprint");
        assert_ne!(x.2, y.2, "the line did move");
    }
    let c = dir_with(&[(
        "Dockerfile",
        "FROM scratch\nUSER 1\nEXPOSE 22\nADD b.txt /a\n",
    )]);
    let fc = fps(c.path());
    assert_ne!(
        fa[2].1, fc[2].1,
        "a changed instruction gets a new fingerprint"
    );
}

#[test]
fn rules_and_explain() {
    let o = portcullis(&["rules"], &repo());
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    // The 14 container policies, the 28 sensitive-information ones, the
    // 11 license ones, the 7 vulnerability ones, the 18 binary ones, the 5
    // supply-chain ones, then the policy file's own 5 (SQ49xxx).
    assert_eq!(out.lines().count(), 116);
    let codes: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut expected = vec![
        "SQ40101", "SQ40102", "SQ40103", "SQ40104", "SQ40105", "SQ40106", "SQ40107", "SQ40108",
        "SQ41101", "SQ41102", "SQ41103", "SQ41104", "SQ41105", "SQ41106",
    ];
    expected.extend(SECRET_POLICIES);
    expected.extend(LICENSE_POLICIES);
    expected.extend([
        "SQ31101", "SQ31102", "SQ31103", "SQ31104", "SQ31105", "SQ31106", "SQ31107",
    ]);
    expected.extend(BINARY_POLICIES);
    expected.extend(RUNTIME_POLICIES);
    expected.extend(SUPPLY_CHAIN_POLICIES);
    expected.extend(["SQ49001", "SQ49002", "SQ49003", "SQ49004", "SQ49005"]);
    assert_eq!(codes, expected);
    assert!(out
        .lines()
        .nth(111)
        .is_some_and(|l| l.starts_with("SQ49001 ")));
    assert!(out
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()[..3]
            == ["SQ34304", "service-access-token", "high"]));
    assert!(out
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()[..3]
            == ["SQ40104", "exposed-ssh-port", "high"]));
    let o = portcullis(&["explain", "sq40104"], &repo());
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for part in [
        "## SQ40104 Image might expose the SSH port",
        "### What it detects",
        "### Why it matters",
        "### How to fix it",
        "Bad:",
        "Good:",
        "EXPOSE 22",
    ] {
        assert!(out.contains(part), "missing {part:?}");
    }
    let o = portcullis(&["explain", "SQ99999"], &repo());
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "error: no rule \"SQ99999\"; `portcullis rules` lists them\n".to_owned()
        )
    );
}

#[test]
fn rules_doc_is_generated_from_the_declarations() {
    let o = portcullis(&["rules", "--markdown"], &repo());
    let committed = std::fs::read_to_string(repo().join("docs/rules.md")).expect("docs/rules.md");
    assert!(
        committed == stdout(&o),
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
}

/// Rules whose doc examples are not scanned, with what `explain` says they
/// apply to: the secret policies about a key file of its own and version
/// control data (the image tests cover them), the online ones (never
/// applicable), SQ34252 (a token is a canary only when a policy file
/// lists it), the license and vulnerability policies (packages are in
/// images' layers; tests/licenses.rs, tests/vulnerabilities.rs and
/// portcullis-rules' cover them), and the binary ones (ELF files and debug
/// databases: tests/hardening.rs). A Dockerfile's report lists each with
/// that applicability, but SQ18114, off by default, which it does not list.
const NOT_BY_EXAMPLE: [(&str, &str); 54] = [
    ("SQ34101", "image, lxd"),
    ("SQ34102", "image, lxd"),
    ("SQ34104", "image, lxd"),
    ("SQ34108", "image, lxd"),
    ("SQ34110", "image, lxd"),
    ("SQ34201", "image, lxd"),
    ("SQ34252", "dockerfile, image, lxd"),
    ("SQ34253", common::ONLINE_REASON),
    ("SQ34254", common::ONLINE_REASON),
    ("SQ34255", common::ONLINE_REASON),
    ("SQ34256", common::ONLINE_REASON),
    ("SQ34401", common::ONLINE_REASON),
    ("SQ34402", common::ONLINE_REASON),
    ("SQ34403", common::ONLINE_REASON),
    ("SQ34404", common::ONLINE_REASON),
    ("SQ12101", "image, lxd"),
    ("SQ12102", "image, lxd"),
    ("SQ12103", "image, lxd"),
    ("SQ12401", "image, lxd"),
    ("SQ12402", "image, lxd"),
    ("SQ12403", "image, lxd"),
    ("SQ12404", "image, lxd"),
    ("SQ12405", "image, lxd"),
    ("SQ12406", "image, lxd"),
    ("SQ12407", "image, lxd"),
    ("SQ12408", "image, lxd"),
    ("SQ31101", "image, lxd"),
    ("SQ31102", "image, lxd"),
    ("SQ31103", "image, lxd"),
    ("SQ31104", "image, lxd"),
    ("SQ31105", "image, lxd"),
    ("SQ31106", "image, lxd"),
    ("SQ31107", "image, lxd"),
    ("SQ34202", "image, lxd"),
    ("SQ34203", "image, lxd"),
    ("SQ34204", "image, lxd"),
    ("SQ18101", "image, lxd"),
    ("SQ18102", "image, lxd"),
    ("SQ18103", "image, lxd"),
    ("SQ18104", "image, lxd"),
    ("SQ18105", "image, lxd"),
    ("SQ18106", "image, lxd"),
    ("SQ18107", "image, lxd"),
    ("SQ18108", "image, lxd"),
    ("SQ18109", "image, lxd"),
    ("SQ18110", "image, lxd"),
    ("SQ18111", "image, lxd"),
    ("SQ18112", "image, lxd"),
    ("SQ18113", "image, lxd"),
    ("SQ18114", "image, lxd"),
    ("SQ18115", "image, lxd"),
    // Signatures are the image's, checked in tests/signatures.rs.
    ("PC43201", "image"),
    ("PC43202", "image"),
    ("PC43203", "image"),
];

/// Secret rules whose Bad example holds its value as written: a publicly
/// documented example (SQ34251), a placeholder (SQ34301), random-looking
/// passwords no detector knows the shape of (SQ34302, SQ34303). The other
/// secret rules' examples hold markers (`{{fake:KIND:SEED}}`,
/// `{{key:NAME}}`), filled here before scanning: a doc never holds a secret.
const LITERAL_EXAMPLES: [&str; 4] = ["SQ34251", "SQ34301", "SQ34302", "SQ34303"];

#[test]
fn every_rule_doc_example_behaves_as_documented() {
    // An example that needs a policy file says so in its first line
    // (`# portcullis.toml: [images] trusted = […]`, PC43101).
    let policy_dir = tempfile::tempdir().expect("tempdir");
    let scan = |dockerfile: &str| -> Value {
        let policy = dockerfile
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# portcullis.toml: [images] "));
        let config = policy_dir.path().join("portcullis.toml");
        let mut args = vec!["scan", "--format", "json"];
        if let Some(setting) = policy {
            std::fs::write(&config, format!("[images]\n{setting}\n")).expect("write policy");
            args.extend(["--config", config.to_str().expect("UTF-8 path")]);
        }
        args.push("-");
        let o = with_stdin(&args, dockerfile);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}\n{dockerfile}",
            stderr(&o)
        );
        json(&o)
    };
    let fired = |r: &Value, prefix: &str| -> Vec<String> {
        let mut rules: Vec<String> = r["targets"][0]["findings"]
            .as_array()
            .expect("f")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|code| code.starts_with(prefix))
            .map(str::to_owned)
            .collect();
        rules.sort();
        rules.dedup();
        rules
    };
    // Where the rules not checked by their examples are listed.
    let plain = scan("FROM debian:bookworm\nUSER 1000\n");
    for rule in portcullis_rules_codes() {
        let o = portcullis(&["explain", &rule], &repo());
        let doc = stdout(&o);
        let applies_to = doc
            .lines()
            .find_map(|l| l.split_once(" · applies to: "))
            .map(|(_, kinds)| kinds)
            .expect("applies to");
        // The runtime rules' examples are YAML: crates/portcullis-rules
        // tests/runtime.rs scans each through the manifest reader.
        if applies_to == "manifest" {
            continue;
        }
        let block = |after: &str| -> String {
            let start = doc.find(after).expect("section") + after.len();
            let rest = &doc[start..];
            let open = rest.find("```dockerfile\n").expect("fence") + "```dockerfile\n".len();
            let close = rest[open..].find("```").expect("close");
            rest[open..open + close].to_owned()
        };
        if let Some((_, kinds)) = NOT_BY_EXAMPLE.iter().find(|(code, _)| *code == rule) {
            assert_eq!(applies_to, *kinds, "{rule}");
            let listed: Vec<_> = policy_statuses(&plain["targets"][0])
                .into_iter()
                .filter(|(code, ..)| *code == rule)
                .collect();
            let (status, reason) = if rule == "SQ34252" {
                ("pass", None)
            } else if ONLINE_POLICIES.contains(&rule.as_str()) {
                ("not-applicable", Some(ONLINE_REASON.to_owned()))
            } else {
                ("not-applicable", None)
            };
            if rule == "SQ18114" {
                assert!(listed.is_empty(), "{rule} is off by default: {listed:?}");
                continue;
            }
            assert_eq!(
                listed,
                [(rule.clone(), status.to_owned(), reason)],
                "{rule}"
            );
            continue;
        }
        assert!(
            applies_to.split(", ").any(|kind| kind == "dockerfile"),
            "{rule} applies to {applies_to:?}, not to Dockerfiles: list it in NOT_BY_EXAMPLE"
        );
        for (section, must_fire) in [("Bad:", true), ("Good:", false)] {
            let example = block(section);
            let r = scan(&fill_secrets(&example));
            assert_eq!(
                !fired(&r, &rule).is_empty(),
                must_fire,
                "{rule} {section} example"
            );
            if rule.starts_with("SQ34") {
                // As written, the example holds no secret: only the literal
                // ones fire, and only their own rule.
                let literal = must_fire && LITERAL_EXAMPLES.contains(&rule.as_str());
                assert_eq!(
                    fired(&scan(&example), "SQ34"),
                    if literal { vec![rule.clone()] } else { vec![] },
                    "{rule} {section} example as written"
                );
            }
        }
    }
}

/// The container policies (the SQ49xxx ones are about the policy file and
/// have no Dockerfile examples).
fn portcullis_rules_codes() -> Vec<String> {
    stdout(&portcullis(&["rules"], &repo()))
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|code| !code.starts_with("SQ49"))
        .collect()
}

#[test]
fn control_characters_from_the_input_are_escaped() {
    // A file name with a newline and an escape sequence: one error line.
    let dir = dir_with(&[]);
    let o = portcullis(&["scan", "no\nsuch\x1b[2Jfile"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: no\\nsuch\\u{1b}[2Jfile: cannot read: No such file or directory\n"
    );

    // A Dockerfile line with an escape sequence: shown escaped, marker aligned.
    let dir = dir_with(&[("Dockerfile", "FROM scratch\nCOPY \x1b[2J. app\n")]);
    let o = portcullis(&["scan", "--color", "never"], dir.path());
    let out = stdout(&o);
    assert!(!out.contains('\x1b'), "{out}");
    assert!(
        out.contains(
            "--> Dockerfile:2:12\n           |\n         2 | COPY \\u{1b}[2J. app\n           |                 ^^^\n"
        ),
        "{out}"
    );
}
