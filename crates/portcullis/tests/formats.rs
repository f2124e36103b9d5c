//! Report formats through the real binary: several formats in one run,
//! `convert`, and SARIF / JUnit / Markdown of real Dockerfiles and images.
//! Every SARIF log produced here is checked against the SARIF 2.1.0 schema.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

mod common;
use common::*;

fn images() -> PathBuf {
    repo().join("fixtures/images")
}

fn with_stdin(args: &[&str], cwd: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ls(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Parse a SARIF log and check it against the official SARIF 2.1.0 schema
/// (the copy in portcullis-report's tests/data, read offline).
fn sarif(text: &str) -> Value {
    let log: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    let schema: Value = serde_json::from_str(&read(
        &repo().join("crates/portcullis-report/tests/data/sarif-schema-2.1.0.json"),
    ))
    .expect("schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

/// `RULE@uri:line` of each result's file location, in order.
fn placed(log: &Value) -> Vec<String> {
    results(log)
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            format!(
                "{}@{}:{}",
                r["ruleId"].as_str().unwrap_or(""),
                p["artifactLocation"]["uri"].as_str().unwrap_or("-"),
                p["region"]["startLine"]
            )
        })
        .collect()
}

#[test]
fn several_formats_in_one_run_and_the_human_report_on_stdout() {
    let out = tempfile::tempdir().expect("tempdir");
    let file = |name: &str| out.path().join(name).display().to_string();
    let specs = [
        format!("sarif={}", file("results.sarif")),
        format!("junit={}", file("junit.xml")),
        format!("markdown={}", file("summary.md")),
        format!("json={}", file("report.json")),
    ];
    let mut args = vec!["scan", "examples/Dockerfile"];
    for s in &specs {
        args.extend(["--format", s.as_str()]);
    }
    // Two runs, one report: the scan time fixed.
    let o = portcullis_at_epoch(&args, &repo());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let plain = portcullis_at_epoch(&["scan", "examples/Dockerfile"], &repo());
    assert_eq!(
        stdout(&o),
        stdout(&plain),
        "the human report, as without files"
    );
    assert_eq!(
        ls(out.path()),
        ["junit.xml", "report.json", "results.sarif", "summary.md"]
    );

    let log = sarif(&read(&out.path().join("results.sarif")));
    assert_eq!(
        placed(&log),
        [
            "SQ40101@examples/Dockerfile:12",
            "SQ40102@examples/Dockerfile:17",
            "SQ40104@examples/Dockerfile:20",
            "SQ41101@examples/Dockerfile:12",
            "SQ41102@examples/Dockerfile:18",
            "SQ41103@examples/Dockerfile:21",
            "SQ41106@examples/Dockerfile:19",
            "PC43102@examples/Dockerfile:5",
            "PC43102@examples/Dockerfile:12",
        ]
    );
    let ssh = &results(&log)[2];
    assert_eq!(ssh["level"], "error");
    assert_eq!(
        ssh["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 20, "startColumn": 13, "endLine": 20, "endColumn": 24})
    );
    assert_eq!(results(&log)[3]["level"], "warning");
    assert_eq!(log["runs"][0]["invocations"][0]["exitCode"], 1);

    let json_stdout = stdout(&portcullis_at_epoch(
        &["scan", "--format", "json", "examples/Dockerfile"],
        &repo(),
    ));
    assert_eq!(read(&out.path().join("report.json")), json_stdout);
    let fp: Value = serde_json::from_str(&json_stdout).expect("json");
    assert_eq!(
        ssh["partialFingerprints"]["portcullisFingerprint/v1"],
        fp["targets"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == "SQ40104")
            .expect("ssh")["fingerprint"]
    );

    let junit = quick_junit::Report::deserialize_from_str(&read(&out.path().join("junit.xml")))
        .expect("junit");
    // 14 container, 28 sensitive-information, 11 license, 7 vulnerability,
    // 17 binary (SQ18114 is off by default), 24 runtime and 5 supply-chain
    // policies;
    // the 6 that are about image files only, the 8 online ones, the
    // license, vulnerability and binary ones (packages and binaries are in
    // layers), the runtime ones (no manifest) and PC43101 (no trusted list)
    // are skipped.
    assert_eq!((junit.tests, junit.failures, junit.skipped), (110, 3, 78));
    let suite = &junit.test_suites[0];
    assert_eq!(suite.name.as_str(), "examples/Dockerfile");
    let skipped: Vec<&str> = suite
        .test_cases
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::Skipped { .. }))
        .filter_map(|c| c.name.as_str().split(' ').next())
        .collect();
    let mut expected = IMAGE_ONLY_POLICIES.to_vec();
    expected.extend(ONLINE_POLICIES);
    expected.sort_unstable();
    // In the registry's order: after the secret policies.
    expected.extend(LICENSE_POLICIES);
    expected.extend(VULNERABILITY_POLICIES);
    expected.extend(BINARY_POLICIES_ON);
    expected.extend(RUNTIME_POLICIES);
    // No trusted list; the signature policies are for images.
    expected.extend(["PC43101", "PC43201", "PC43202", "PC43203"]);
    assert_eq!(skipped, expected);
    let failed: Vec<&str> = suite
        .test_cases
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::NonSuccess { .. }))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        failed,
        [
            "SQ40101 Image is configured to run as root",
            "SQ40102 Files with setuid or setgid permissions",
            "SQ40104 Image might expose the SSH port",
        ]
    );

    let md = read(&out.path().join("summary.md"));
    assert!(md.starts_with("## portcullis: **FAIL**\n\n1 target, 9 findings (1 high, 2 medium, 6 low), 3 failing, 0 suppressed.\n"), "{md}");
    assert!(md.contains("\n| **FAIL** | [SQ40104](#sq40104) | high | `examples/Dockerfile:20:13` | port 22/tcp (SSH) is exposed (EXPOSE ${SSH\\_PORT}) |\n"), "{md}");
}

#[test]
fn one_format_on_stdout_beside_files() {
    let out = tempfile::tempdir().expect("tempdir");
    let junit = format!("junit={}", out.path().join("j.xml").display());
    let o = portcullis(
        &["scan", "-f", "sarif", "-f", &junit, "examples/Dockerfile"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1));
    let log = sarif(&stdout(&o));
    assert_eq!(results(&log).len(), 9);
    assert_eq!(ls(out.path()), ["j.xml"]);

    // --output takes the format named without a file; stdout stays empty.
    let o = portcullis(
        &[
            "scan",
            "--format",
            "markdown",
            "-o",
            &out.path().join("s.md").display().to_string(),
            "--format",
            &format!("sarif={}", out.path().join("r.sarif").display()),
            "examples/Dockerfile",
        ],
        &repo(),
    );
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    assert!(read(&out.path().join("s.md")).starts_with("## portcullis: **FAIL**"));
    sarif(&read(&out.path().join("r.sarif")));

    // --quiet: nothing on stdout, files still written.
    let o = portcullis(
        &[
            "scan",
            "--quiet",
            "--format",
            &format!("sarif={}", out.path().join("q.sarif").display()),
            "examples/hardened",
        ],
        &repo(),
    );
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
    let log = sarif(&read(&out.path().join("q.sarif")));
    assert_eq!(results(&log).len(), 0);
    assert_eq!(log["runs"][0]["invocations"][0]["exitCode"], 0);
}

#[test]
fn bad_format_arguments_are_exit_2_before_scanning() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\nEXPOSE 22\n").expect("write");
    let cases: [(&[&str], &str); 5] = [
        (
            &["scan", "--format", "sarif", "--format", "junit"],
            "error: only one report can go to standard output (sarif, junit given); name a file for the others, e.g. --format junit=report.xml\n",
        ),
        (
            &["scan", "-f", "json", "-f", "markdown", "-o", "r.json"],
            "error: only one report can go to --output (json, markdown given); name a file for the others, e.g. --format markdown=report.md\n",
        ),
        (
            &["scan", "-f", "sarif=r.out", "-f", "junit=./r.out"],
            "error: ./r.out: two reports would be written to the same file\n",
        ),
        (
            &["scan", "-f", "json", "-o", "r.json", "-f", "sarif=r.json"],
            "error: r.json: two reports would be written to the same file\n",
        ),
        (
            &["convert", "missing.json", "-f", "sarif", "-f", "json"],
            "error: only one report can go to standard output (sarif, json given); name a file for the others, e.g. --format json=report.json\n",
        ),
    ];
    for (args, expected) in cases {
        let o = portcullis(args, dir.path());
        assert_eq!(
            (o.status.code(), stderr(&o), stdout(&o)),
            (Some(2), expected.to_owned(), String::new()),
            "{args:?}"
        );
        assert_eq!(ls(dir.path()), ["Dockerfile"], "nothing written: {args:?}");
    }
    for (spec, expected) in [
        ("xml", "invalid value 'xml' for '--format <FORMAT[=PATH]>': unknown format (use human, json, sarif, junit, markdown, html, cyclonedx, spdx, codequality, gitlab-container-scanning)"),
        ("sarif=", "invalid value 'sarif=' for '--format <FORMAT[=PATH]>': no file after '='"),
        ("pdf=r.pdf", "invalid value 'pdf=r.pdf' for '--format <FORMAT[=PATH]>': unknown format"),
    ] {
        let o = portcullis(&["scan", "--format", spec], dir.path());
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
        assert_eq!(ls(dir.path()), ["Dockerfile"]);
    }
}

#[test]
fn no_file_is_written_when_a_target_cannot_be_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.Dockerfile"), "FROM scratch\nUSER 1\n").expect("write");
    let o = portcullis(
        &[
            "scan",
            "-f",
            "sarif=r.sarif",
            "-f",
            "junit=j.xml",
            "-f",
            "markdown=m.md",
            "-o",
            "r.txt",
            "ok.Dockerfile",
            "missing.Dockerfile",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: missing.Dockerfile: cannot read: No such file or directory\n"
    );
    assert_eq!(ls(dir.path()), ["ok.Dockerfile"]);
}

#[test]
fn reports_are_written_all_or_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\nUSER 1\n").expect("write");
    // The second file cannot be written: the first is not left behind either.
    let o = portcullis(
        &[
            "scan",
            "-f",
            "sarif=r.sarif",
            "-f",
            "junit=no/such/dir/j.xml",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: no/such/dir/j.xml: cannot write the report: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    assert_eq!(
        ls(dir.path()),
        ["Dockerfile"],
        "no report, no temporary file"
    );

    std::fs::create_dir(dir.path().join("d")).expect("mkdir");
    let o = portcullis(&["scan", "-f", "sarif=r.sarif", "-f", "json=d"], dir.path());
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "error: d: cannot write the report: it is a directory\n".to_owned()
        )
    );
    std::fs::remove_dir(dir.path().join("d")).expect("rmdir");
    assert_eq!(ls(dir.path()), ["Dockerfile"]);

    // An existing report is replaced whole.
    std::fs::write(dir.path().join("r.sarif"), "old").expect("write");
    let o = portcullis(&["scan", "-f", "sarif=r.sarif", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    sarif(&read(&dir.path().join("r.sarif")));
    assert_eq!(ls(dir.path()), ["Dockerfile", "r.sarif"]);

    // Devices are written to, not replaced.
    let o = portcullis(&["scan", "-f", "sarif=/dev/null", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn convert_renders_a_saved_report_like_the_scan_did() {
    let out = tempfile::tempdir().expect("tempdir");
    let saved = out.path().join("report.json");
    // Separate scans compared whole: the scan time fixed.
    let o = portcullis_at_epoch(
        &[
            "scan",
            "--format",
            &format!("json={}", saved.display()),
            "--dockerfile",
            "src/bad/Dockerfile",
            "docker-classic.tar",
            "-q",
        ],
        &images(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for format in ["sarif", "junit", "markdown", "json", "html"] {
        let scanned = portcullis_at_epoch(
            &[
                "scan",
                "--format",
                format,
                "--dockerfile",
                "src/bad/Dockerfile",
                "docker-classic.tar",
            ],
            &images(),
        );
        let converted = portcullis(
            &["convert", &saved.display().to_string(), "--format", format],
            &images(),
        );
        assert_eq!(converted.status.code(), Some(1), "the report's verdict");
        assert_eq!(stderr(&converted), "");
        assert_eq!(stdout(&converted), stdout(&scanned), "{format}");
        if format == "sarif" {
            sarif(&stdout(&converted));
        }
    }

    // Several at once, from standard input; the human report has no source
    // lines to show (the JSON has none) but every finding.
    let bytes = std::fs::read(&saved).expect("saved");
    let o = with_stdin(
        &[
            "convert",
            "-",
            "-f",
            &format!("sarif={}", out.path().join("c.sarif").display()),
            "-f",
            &format!("junit={}", out.path().join("c.xml").display()),
        ],
        &images(),
        &bytes,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let human = stdout(&o);
    assert!(
        human.contains("FAIL SQ40104 (high) port 22/tcp (SSH) is exposed"),
        "{human}"
    );
    assert!(human.contains("\n9 targets, "), "{human}");
    sarif(&read(&out.path().join("c.sarif")));
    quick_junit::Report::deserialize_from_str(&read(&out.path().join("c.xml"))).expect("junit");

    // A passing report converts with exit status 0.
    let pass = out.path().join("pass.json");
    portcullis(
        &[
            "scan",
            "-f",
            &format!("json={}", pass.display()),
            "-q",
            "examples/hardened",
        ],
        &repo(),
    );
    let o = portcullis(
        &["convert", &pass.display().to_string(), "-f", "markdown"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("## portcullis: **PASS**\n"));
}

#[test]
fn convert_refuses_what_is_not_a_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif_log = stdout(&portcullis(
        &["scan", "--format", "sarif", "examples/hardened"],
        &repo(),
    ));
    for (name, content) in [
        ("sarif.json", sarif_log.as_str()),
        ("v2.json", "{\"schema_version\": 2, \"targets\": []}"),
        ("bad.json", "{\"schema_version\": 1,\n \"tool\": 3}"),
        ("text.json", "hello\n"),
    ] {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    for (name, expected) in [
        ("sarif.json", "error: sarif.json: not a portcullis JSON report: it has no schema_version\n"),
        ("v2.json", "error: v2.json: schema_version 2 is not supported: this portcullis reads schema_version 1\n"),
        ("bad.json", "error: bad.json: not a valid portcullis JSON report (schema_version 1): invalid type: integer `3`, expected struct Tool at line 2 column 10\n"),
        ("text.json", "error: text.json: not a portcullis JSON report: expected value at line 1 column 1\n"),
        ("missing.json", "error: missing.json: cannot read: No such file or directory\n"),
    ] {
        let o = portcullis(
            &["convert", name, "-f", "sarif=out.sarif", "-o", "out.txt"],
            dir.path(),
        );
        assert_eq!(
            (o.status.code(), stderr(&o), stdout(&o)),
            (Some(2), expected.to_owned(), String::new()),
            "{name}"
        );
        assert!(!dir.path().join("out.sarif").exists());
        assert!(!dir.path().join("out.txt").exists());
    }
}

#[test]
fn sarif_of_an_image_has_logical_locations_and_the_archive() {
    let o = portcullis(
        &[
            "scan",
            "--format",
            "sarif",
            "docker-archive:docker-classic.tar:localhost/bad:1",
        ],
        &images(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log = sarif(&stdout(&o));
    // Without --dockerfile every result points at the archive, line 1.
    assert!(placed(&log)
        .iter()
        .all(|p| p.ends_with("@docker-classic.tar:1")));
    let logical: Vec<String> = results(&log)
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["logicalLocations"][0];
            format!(
                "{} {} {}",
                r["ruleId"].as_str().unwrap_or(""),
                l["kind"].as_str().unwrap_or(""),
                l["fullyQualifiedName"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        logical,
        [
            "SQ40101 property config:/config/User",
            "SQ40102 resource layer:1:/usr/local/bin/gtool",
            "SQ40102 resource layer:1:/usr/local/bin/tool",
            "SQ40103 property config:/config/ExposedPorts/21~1tcp",
            "SQ40104 property config:/config/ExposedPorts/22~1tcp",
            "SQ40105 property config:/config/ExposedPorts/23~1tcp",
            "SQ40108 property config:/config/ExposedPorts/3389~1udp",
            "SQ41101 property config:/config/Healthcheck",
            "SQ41102 object config:/history/5",
            "SQ41103 property config:/config/Cmd",
            "SQ41104 object config:/history/10",
            "SQ41105 object config:/history/8",
            "SQ41106 object config:/history/9",
            "SQ18111 resource layer:0:/bin/busybox",
        ]
    );
    let root = &results(&log)[0];
    assert_eq!(
        root["relatedLocations"],
        json!([{"id": 1,
                "logicalLocations": [{"name": "history[2]", "fullyQualifiedName": "config:/history/2", "kind": "object"}],
                "message": {"text": "history entry 2: /bin/sh -c #(nop)  USER root"}}])
    );
    assert_eq!(
        root["properties"]["target"],
        "docker-archive:docker-classic.tar:localhost/bad:1"
    );
    assert_eq!(root["properties"]["targetKind"], "docker-archive");
    assert!(root["properties"]["digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha256:")));
    let tool = &results(&log)[2]["locations"][0]["logicalLocations"][0];
    assert_eq!(tool["name"], "/usr/local/bin/tool");
    assert_eq!(tool["properties"]["layerIndex"], 1);
    // The layer's diff_id, as the JSON report (and rootfs.diff_ids) has it.
    let o = portcullis(
        &[
            "scan",
            "--format",
            "json",
            "docker-archive:docker-classic.tar:localhost/bad:1",
        ],
        &images(),
    );
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    let diff_id = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["location"]["path"] == "/usr/local/bin/tool")
        .map(|f| f["location"]["digest"].clone())
        .expect("the setuid finding");
    assert!(diff_id.as_str().is_some_and(|d| d.starts_with("sha256:")));
    assert_eq!(tool["properties"]["diffId"], diff_id);
}

#[test]
fn sarif_of_an_image_built_from_a_dockerfile_points_at_its_lines() {
    let o = portcullis(
        &[
            "scan",
            "--format",
            "sarif",
            "--dockerfile",
            "src/bad/Dockerfile",
            "docker-archive:docker-classic.tar:localhost/bad:1",
        ],
        &images(),
    );
    let log = sarif(&stdout(&o));
    assert_eq!(
        placed(&log),
        [
            "SQ40101@src/bad/Dockerfile:2",
            "SQ40102@src/bad/Dockerfile:4",
            "SQ40102@src/bad/Dockerfile:4",
            "SQ40103@src/bad/Dockerfile:3",
            "SQ40104@src/bad/Dockerfile:3",
            "SQ40105@src/bad/Dockerfile:3",
            "SQ40108@src/bad/Dockerfile:3",
            // The config's missing Healthcheck comes from no instruction.
            "SQ41101@docker-classic.tar:1",
            "SQ41102@src/bad/Dockerfile:5",
            "SQ41103@src/bad/Dockerfile:10",
            "SQ41104@src/bad/Dockerfile:10",
            "SQ41105@src/bad/Dockerfile:8",
            "SQ41106@src/bad/Dockerfile:9",
            // busybox came with the base image: no instruction of this
            // Dockerfile made it.
            "SQ18111@docker-classic.tar:1",
        ]
    );
    // The logical location stays with the file one.
    assert_eq!(
        results(&log)[4]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "config:/config/ExposedPorts/22~1tcp"
    );
}

#[test]
fn sarif_of_oci_layouts_and_notes() {
    let o = portcullis(&["scan", "--format", "sarif", "oci-bad"], &images());
    let log = sarif(&stdout(&o));
    assert!(placed(&log)
        .iter()
        .all(|p| p.ends_with("@oci-bad/index.json:1")));
    let targets: Vec<&str> = results(&log)
        .iter()
        .filter_map(|r| r["properties"]["target"].as_str())
        .collect();
    assert_eq!(
        targets.iter().filter(|t| **t == "oci:oci-bad:bad").count(),
        14
    );
    assert_eq!(
        targets.iter().filter(|t| **t == "oci:oci-bad:good").count(),
        2
    );

    // A setuid file a later layer removed: a note, not a result.
    let o = portcullis(
        &[
            "scan",
            "--format",
            "sarif",
            "docker-archive:docker-classic.tar:localhost/removed:1",
        ],
        &images(),
    );
    let log = sarif(&stdout(&o));
    let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let note = notes
        .as_array()
        .expect("notifications")
        .iter()
        .find(|n| n["associatedRule"]["id"] == "SQ40102")
        .expect("setuid note");
    assert_eq!(note["level"], "note");
    assert_eq!(
        note["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "layer:1:/usr/local/bin/suid-gone"
    );
    assert!(!results(&log).iter().any(|r| r["message"]["text"]
        .as_str()
        .is_some_and(|m| m.contains("suid-gone"))));
}

#[test]
fn junit_of_images() {
    let o = portcullis(
        &["scan", "--format", "junit", "docker-classic.tar"],
        &images(),
    );
    assert_eq!(o.status.code(), Some(1));
    let junit = quick_junit::Report::deserialize_from_str(&stdout(&o)).expect("junit");
    let suites: Vec<(&str, usize, usize)> = junit
        .test_suites
        .iter()
        .map(|s| (s.name.as_str(), s.tests, s.failures))
        .collect();
    assert_eq!(suites.len(), 9);
    // 14 container, 28 sensitive-information, 11 license, 7
    // vulnerability, 17 binary, 25 runtime and 8 supply-chain policies.
    assert!(suites.iter().all(|s| s.1 == 110));
    // The 8 online ones do not apply to an image, nor, without an advisory
    // database, the 7 vulnerability ones, nor the 25 runtime ones, nor
    // PC43101 without a trusted list, nor PC43201–PC43203 without a
    // `[[signatures]]` entry.
    for suite in &junit.test_suites {
        let skipped: Vec<&str> = suite
            .test_cases
            .iter()
            .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::Skipped { .. }))
            .filter_map(|c| c.name.as_str().split(' ').next())
            .collect();
        let mut want = ONLINE_POLICIES.to_vec();
        want.extend(VULNERABILITY_POLICIES);
        want.extend(RUNTIME_POLICIES);
        // No trusted list, and no `[[signatures]]` entry.
        want.extend(["PC43101", "PC43201", "PC43202", "PC43203"]);
        assert_eq!(
            (suite.skipped, skipped),
            (44, want),
            "{}",
            suite.name.as_str()
        );
    }
    let bad = suites
        .iter()
        .find(|s| s.0 == "docker-archive:docker-classic.tar:localhost/bad:1")
        .expect("bad");
    // busybox's fixed address (SQ18111) warns: the base image's binary.
    assert_eq!(bad.2, 6, "root, setuid and four port policies fail");
    let bad_suite = junit
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == bad.0)
        .expect("suite");
    let setuid = bad_suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str().starts_with("SQ40102"))
        .expect("case");
    match &setuid.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message,
            ty,
            description,
            ..
        } => {
            assert_eq!(
                message.as_deref(),
                Some("/usr/local/bin/gtool has the setgid bit (mode 2755, owner 0:0) (and 1 more finding)")
            );
            assert_eq!(ty.as_deref(), Some("medium"));
            let d = description.as_deref().unwrap_or("");
            // Layer 1 of `bad` (the digest changes when the fixtures are rebuilt).
            let at = "  at /usr/local/bin/tool in layer 1 (sha256:";
            let digest = d
                .split_once(at)
                .map(|(_, rest)| rest.split_once(")\n").map_or(rest, |(hex, _)| hex))
                .unwrap_or("");
            assert!(
                digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
                "{d}"
            );
        }
        other => panic!("not a failure: {other:?}"),
    }
}

#[test]
fn markdown_on_stdout() {
    let o = portcullis_at_epoch(
        &[
            "scan",
            "--no-config",
            "--format",
            "markdown",
            "examples/hardened",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let (head, scan) = text.split_at(text.find("\n<details>").expect("a scan block"));
    assert_eq!(
        head,
        "## portcullis: **PASS**\n\n1 target, no findings.\n\n\
Summary: 0 failed, 0 warned, 0 info, 0 suppressed (0 by baseline, 0 by exception, 0 by inline comment), 32 policies passed.\n\n\
| target | verdict | critical | high | medium | low | info | suppressed |\n\
|---|---|--:|--:|--:|--:|--:|--:|\n\
| `examples/hardened/Dockerfile` | **PASS** | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    );
    let scanned = format!(
        "\n<details><summary>Scan</summary>\n\n\
- Scanned 2026-01-01T00:00:00Z in 0 ms by portcullis {}\n\
- Policy: built-in default; fail-on medium; no exceptions\n\n</details>\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(scan, scanned, "no findings: no rules section");
}

#[test]
fn json_names_the_file_each_target_was_read_from() {
    let path = |o: &Output| -> Vec<Value> {
        let r: Value = serde_json::from_slice(&o.stdout).expect("json");
        r["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .map(|t| t["path"].clone())
            .collect()
    };
    let o = portcullis(&["scan", "-f", "json", "examples/hardened"], &repo());
    assert_eq!(path(&o), [json!("examples/hardened/Dockerfile")]);
    let o = with_stdin(&["scan", "-f", "json", "-"], &repo(), b"FROM scratch\n");
    assert_eq!(path(&o), [Value::Null]);
    let o = portcullis(
        &["scan", "-f", "json", "oci:oci-bad:bad", "bad.oci.tar"],
        &images(),
    );
    assert_eq!(path(&o), [json!("oci-bad"), json!("bad.oci.tar")]);
}

/// The JSON block the HTML report renders its findings from.
fn html_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"portcullis-data\">";
    let start = html.find(open).expect("the data block") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("JSON")
}

#[test]
fn html_of_images_and_dockerfiles() {
    // Images: the JSON carries layers and history, the HTML draws them.
    let out = tempfile::tempdir().expect("tempdir");
    let o = portcullis(
        &[
            "scan",
            "docker-archive:docker-buildkit.tar:localhost/bad:1",
            "-q",
            "-f",
            &format!("json={}", out.path().join("r.json").display()),
            "-f",
            &format!("html={}", out.path().join("r.html").display()),
        ],
        &images(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: Value = serde_json::from_str(&read(&out.path().join("r.json"))).expect("json");
    let image = &json["targets"][0]["image"];
    assert_eq!(image["layers"].as_array().map(Vec::len), Some(4));
    assert_eq!(image["history"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        image["base_boundary"],
        // BuildKit marks the base's entries too here, so the time gap tells.
        json!({"last": 1, "signal": "time-gap", "certain": true, "how": "the time between the base image's history and this build's"})
    );
    let diff_ids = json["targets"][0]["image"]["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["diff_id"].clone())
        .collect::<Vec<_>>();
    // Layer locations name the same diff_ids, by the same index.
    for f in json["targets"][0]["findings"].as_array().expect("findings") {
        if f["location"]["kind"] == "layer" {
            let i = f["location"]["index"].as_u64().expect("index") as usize;
            assert_eq!(f["location"]["digest"], diff_ids[i]);
        }
    }
    // Each layer was made by one history entry, in order.
    let made: Vec<u64> = image["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["layer"].as_u64())
        .collect();
    assert_eq!(made, [0, 1, 2, 3]);
    let html = read(&out.path().join("r.html"));
    assert!(html.contains("<table class=\"grid layers\" data-target=\"0\">"));
    assert!(html.contains("<li class=\"boundary\" data-boundary=\"1\">"));
    assert_eq!(
        html_data(&html)["targets"][0]["findings"]
            .as_array()
            .map(Vec::len),
        json["targets"][0]["findings"].as_array().map(Vec::len)
    );

    // A report from before `image` existed still converts, to every format.
    let mut old = json.clone();
    old["targets"][0]
        .as_object_mut()
        .expect("target")
        .remove("image");
    let old_path = out.path().join("old.json");
    std::fs::write(&old_path, old.to_string()).expect("write");
    for format in ["html", "json", "sarif", "junit", "markdown", "human"] {
        let o = portcullis(
            &["convert", &old_path.display().to_string(), "-f", format],
            &images(),
        );
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        if format == "html" {
            assert!(stdout(&o).contains("no layer or history details"));
        }
        if format == "json" {
            assert!(!stdout(&o).contains("\"image\""), "still absent");
        }
    }

    // Dockerfiles: no image part, and the source line of each finding.
    let o = portcullis(&["scan", "examples/Dockerfile", "-f", "html"], &repo());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(!html.contains("<h3>Layers</h3>"));
    let data = html_data(&html);
    let ssh = data["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["m"].as_str().is_some_and(|m| m.contains("22/tcp")))
        .expect("the SSH finding");
    assert_eq!(ssh["l"], "examples/Dockerfile:20:13");
    assert_eq!(ssh["src"][0], 20);
    let line = ssh["src"][1].as_str().expect("line");
    let start = ssh["src"][2].as_u64().expect("start") as usize;
    let len = ssh["src"][3].as_u64().expect("len") as usize;
    let marked: String = line.chars().skip(start).take(len).collect();
    assert_eq!(marked, "${SSH_PORT}");
}
