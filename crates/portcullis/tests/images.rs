//! Real images made by real tools (fixtures/images/make.sh: Docker classic,
//! BuildKit, buildah, skopeo conversions), scanned by the real binary. The
//! expectations are fixtures/images/EXPECTED.md, derived from POLICIES.md.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("run portcullis")
}

/// target name → sorted `RULE@location[related]` of findings and `note:RULE@location` of notes.
fn scan(target: &str) -> BTreeMap<String, Vec<String>> {
    let o = run(&["scan", "--format", "json", target]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{target}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut out = BTreeMap::new();
    for t in r["targets"].as_array().expect("targets") {
        let mut items: Vec<String> = t["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| !is_binary_finding(f))
            .map(|f| {
                let related: Vec<String> = f["related"]
                    .as_array()
                    .expect("related")
                    .iter()
                    .map(loc)
                    .collect();
                let related = if related.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", related.join(","))
                };
                format!(
                    "{}@{}{related}",
                    f["rule"].as_str().unwrap_or(""),
                    loc(&f["location"])
                )
            })
            .chain(t["notes"].as_array().expect("notes").iter().map(|n| {
                format!(
                    "note:{}@{}",
                    n["rule"].as_str().unwrap_or(""),
                    loc(&n["location"])
                )
            }))
            .collect();
        items.sort();
        let name = t["target"]
            .as_str()
            .unwrap_or("")
            .rsplit(".tar:")
            .next()
            .unwrap_or("")
            .to_owned();
        out.insert(name, items);
    }
    out
}

/// `CODE@location LINE:COL,…` per finding of the first target of a JSON
/// report, with the Dockerfile lines `--dockerfile` related to it; sorted.
fn with_dockerfile_lines(o: &Output) -> Vec<String> {
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut lines: Vec<String> = r["targets"][0]["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter(|f| !is_binary_finding(f))
        .map(|f| {
            let at: Vec<String> = f["related"]
                .as_array()
                .expect("related")
                .iter()
                .filter(|l| l["kind"] == "dockerfile")
                .map(|l| format!("{}:{}", l["line"], l["column"]))
                .collect();
            format!(
                "{}@{} {}",
                f["rule"].as_str().unwrap_or(""),
                loc(&f["location"]),
                at.join(",")
            )
        })
        .collect();
    lines.sort();
    lines
}

/// These tests are about the container and build policies across
/// builders; the binary hardening family (busybox is a static ET_EXEC:
/// SQ18111 on every busybox-based image here) is asserted on its own
/// fixture (tests/hardening.rs) and once here, in
/// `busybox_is_not_position_independent_in_every_builder`.
fn is_binary_finding(f: &Value) -> bool {
    f["rule"].as_str().is_some_and(|r| r.starts_with("SQ18"))
}

fn v(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const BAD_COMMON: [&str; 11] = [
    "SQ40101@/config/User[h2]",
    "SQ40102@L1:/usr/local/bin/gtool",
    "SQ40102@L1:/usr/local/bin/tool",
    "SQ40104@/config/ExposedPorts/22~1tcp[h3]",
    "SQ40108@/config/ExposedPorts/3389~1udp[h3]",
    "SQ41101@/config/Healthcheck",
    "SQ41102@h5",
    "SQ41103@/config/Cmd[h10]",
    "SQ41104@h10[h6]",
    "SQ41105@h8[h7]",
    "SQ41106@h9",
];

fn bad(ftp_telnet_pointer: &[&str]) -> Vec<String> {
    let mut all: Vec<&str> = BAD_COMMON.to_vec();
    all.extend_from_slice(ftp_telnet_pointer);
    v(&all)
}

/// `guessed`: the images whose base boundary no builder marker or time gap
/// shows, so it is a guess from the history shape and the report says so in
/// a `base-boundary` note at the entry taken as the base's last. Which ones
/// depends on the builder and on build timing (see EXPECTED.md).
fn expected_archive(ranges_kept: bool, guessed: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    let ftp_telnet: &[&str] = if ranges_kept {
        &[
            "SQ40103@/config/ExposedPorts/20-25~1tcp[h3]",
            "SQ40105@/config/ExposedPorts/20-25~1tcp[h3]",
        ]
    } else {
        &[
            "SQ40103@/config/ExposedPorts/21~1tcp[h3]",
            "SQ40105@/config/ExposedPorts/23~1tcp[h3]",
        ]
    };
    let root_no_hc = v(&["SQ40101@/config/User", "SQ41101@/config/Healthcheck"]);
    BTreeMap::from([
        ("localhost/base:1".to_owned(), root_no_hc.clone()),
        ("localhost/bad:1".to_owned(), bad(ftp_telnet)),
        ("localhost/good:1".to_owned(), vec![]),
        (
            "localhost/removed:1".to_owned(),
            v(&[
                "SQ40101@/config/User",
                "SQ41101@/config/Healthcheck",
                "note:SQ40102@L1:/usr/local/bin/suid-gone",
                "note:SQ40102@L1:/usr/local/bin/suid-link",
                "note:SQ40102@L1:/usr/local/bin/suid-unset",
            ]),
        ),
        (
            "localhost/daemon:1".to_owned(),
            v(&[
                "SQ40101@/config/User",
                "SQ40104@/config/Cmd[h3]",
                "SQ41101@/config/Healthcheck",
            ]),
        ),
        ("localhost/scratch:1".to_owned(), root_no_hc),
        (
            "localhost/hcnone:1".to_owned(),
            v(&["SQ41101@/config/Healthcheck[h8]"]),
        ),
        (
            "localhost/adminuser:1".to_owned(),
            v(&["SQ40101@/config/User[h2]", "SQ41101@/config/Healthcheck"]),
        ),
        ("localhost/rshell:1".to_owned(), v(&RSHELL)),
    ])
    .into_iter()
    .map(|(image, mut found)| {
        for (name, entry) in guessed {
            if image == format!("localhost/{name}:1") {
                found.push(format!("note:base-boundary@{entry}"));
            }
        }
        (image, found)
    })
    .collect()
}

/// `EXPOSE 513/tcp 514 513/udp 514/udp` (history 4): rlogin and rsh, nothing
/// for the udp keys (who, syslog), and nothing else (USER app, HEALTHCHECK,
/// exec-form CMD).
const RSHELL: [&str; 2] = [
    "SQ40106@/config/ExposedPorts/513~1tcp[h4]",
    "SQ40107@/config/ExposedPorts/514~1tcp[h4]",
];

#[test]
fn docker_classic_builder() {
    assert_eq!(
        scan("docker-classic.tar"),
        expected_archive(false, &[("hcnone", "h7")])
    );
}

#[test]
fn docker_buildkit() {
    assert_eq!(
        scan("docker-buildkit.tar"),
        expected_archive(false, &[("adminuser", "h1"), ("rshell", "h1")])
    );
}

#[test]
fn buildah_podman_save() {
    // buildah keeps `EXPOSE 20-25` as one `20-25/tcp` key; 22 is still reported once.
    assert_eq!(
        scan("docker-archive:buildah.docker.tar"),
        expected_archive(true, &[])
    );
}

#[test]
fn opaque_directory_hides_a_setuid_file() {
    let got = scan("buildah-overlay-opaque.docker.tar");
    let only: Vec<&Vec<String>> = got.values().collect();
    assert_eq!(
        only,
        [&v(&[
            "SQ40101@/config/User",
            "SQ41101@/config/Healthcheck",
            "note:SQ40102@L0:/opt/d/suid",
            // Two layers and no marker of a base: the note says how to name one.
            "note:base-boundary@/history"
        ])]
    );
}

#[test]
fn oci_layout_archive_and_zstd_match_the_docker_archive() {
    let bad_classic = expected_archive(false, &[])
        .remove("localhost/bad:1")
        .expect("bad");
    let one = |target: &str| scan(target).into_values().collect::<Vec<_>>();
    // Two refs in one layout: one target each; `good` lost its Healthcheck in the conversion.
    let layout = scan("oci-bad");
    assert_eq!(layout.len(), 2);
    let by_ref = |r: &str| {
        scan(&format!("oci:oci-bad:{r}"))
            .into_values()
            .next()
            .expect("one target")
    };
    assert_eq!(by_ref("bad"), bad_classic);
    assert_eq!(by_ref("good"), v(&["SQ41101@/config/Healthcheck"]));
    assert_eq!(one("bad.oci.tar"), std::slice::from_ref(&bad_classic));
    assert_eq!(
        one("oci-archive:bad.oci.tar:bad"),
        std::slice::from_ref(&bad_classic)
    );
    assert_eq!(
        scan("oci-bad-zstd").into_values().collect::<Vec<_>>(),
        [bad_classic]
    );
    assert_eq!(
        scan("oci-good-buildah").into_values().collect::<Vec<_>>(),
        [v(&["SQ41101@/config/Healthcheck"])]
    );
}

#[test]
fn json_report_names_each_image_with_its_digest() {
    let o = run(&[
        "scan",
        "--format",
        "json",
        "docker-archive:docker-classic.tar:localhost/bad:1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let t = &r["targets"][0];
    assert_eq!(r["targets"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        t["target"],
        "docker-archive:docker-classic.tar:localhost/bad:1"
    );
    assert_eq!(t["kind"], "docker-archive");
    assert!(t["digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71));
    let tool = t["findings"]
        .as_array()
        .expect("f")
        .iter()
        .find(|f| f["location"]["path"] == "/usr/local/bin/tool")
        .expect("tool");
    assert_eq!(
        tool["message"],
        "/usr/local/bin/tool has the setuid bit (mode 4755, owner 0:0)"
    );
    assert!(tool["location"]["digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha256:")));
}

#[test]
fn human_report_for_an_image() {
    let o = run(&["scan", "--color", "never", "oci:oci-bad:bad"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    for expected in [
        "oci:oci-bad:bad FAIL",

        "FAIL SQ40104 (high) port 22/tcp (SSH) is exposed",
        "--> image config /config/ExposedPorts/22~1tcp",
        "related: history entry 3: /bin/sh -c #(nop)  EXPOSE 20-25 2121 22 3389/udp 513/udp 514/udp",
        "FAIL SQ40102 (medium) /usr/local/bin/tool has the setuid bit (mode 4755, owner 0:0)",
        "--> /usr/local/bin/tool in layer 1 (sha256:",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

/// Copy a fixture into a temporary directory to damage it there.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("ls") {
            let e = e.expect("entry");
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).expect("copy");
    }
}

#[test]
fn damaged_images_are_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = dir.path().join("layout");
    copy_tree(&fixtures().join("oci-bad-zstd"), &layout);
    let index: Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("index"))
            .expect("json");
    let manifest_digest = index["manifests"][0]["digest"]
        .as_str()
        .expect("digest")
        .to_owned();
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(layout.join("blobs/sha256").join(&manifest_digest[7..])).expect("m"),
    )
    .expect("json");
    let layer = manifest["layers"][1]["digest"]
        .as_str()
        .expect("layer")
        .to_owned();
    let layer_path = layout.join("blobs/sha256").join(&layer[7..]);
    let target = layout.display().to_string();
    let scan = |t: &str| {
        Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .env(
                "PORTCULLIS_DB",
                "/nonexistent/portcullis-tests/advisories.db",
            )
            .args(["scan", "--format", "json", "-o", "report.json", t])
            .current_dir(dir.path())
            .output()
            .expect("run")
    };

    // A flipped byte: the blob no longer matches its digest.
    let mut bytes = std::fs::read(&layer_path).expect("layer");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&layer_path, &bytes).expect("write");
    let o = scan(&target);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: {target}: layer 1 (blobs/sha256/{}): ",
            &layer[7..]
        )),
        "{err}"
    );
    assert!(
        err.contains("zstd stream is corrupt or truncated")
            || err.contains(&format!(
                "blob does not match its digest: expected {layer}, got sha256:"
            )),
        "{err}"
    );
    assert!(
        !dir.path().join("report.json").exists(),
        "no report on error"
    );

    // The manifest names a blob that is not there.
    std::fs::remove_file(&layer_path).expect("rm");
    let o = scan(&target);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!("error: {target}: blobs/sha256/{} is missing\n", &layer[7..])
    );

    // Unknown references and platforms.
    let o = run(&["scan", "docker-archive:docker-classic.tar:localhost/nope:1"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: docker-classic.tar: no image tagged \"localhost/nope:1\" in this archive (it has: localhost/base:1, localhost/bad:1, localhost/good:1, localhost/daemon:1, localhost/adminuser:1, localhost/removed:1, localhost/scratch:1, localhost/hcnone:1, localhost/rshell:1)\n"
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["scan", "oci:oci-bad:nope"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: oci-bad: no image \"nope\" in this layout (it has: bad, good)\n"
    );
    let o = run(&["scan", "--max-uncompressed", "1M", "oci:oci-bad:bad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("more than 1048576 bytes after decompression (the --max-uncompressed limit)"));
    std::fs::write(dir.path().join("junk.tar"), vec![0u8; 4096]).expect("junk");
    let o = scan("docker-archive:junk.tar");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: junk.tar: not a tar archive, or an empty one\n"
    );
}

#[test]
fn dockerfile_lines_are_related_to_findings_from_instructions() {
    for archive in [
        "docker-classic.tar",
        "docker-buildkit.tar",
        "buildah.docker.tar",
    ] {
        let target = format!("docker-archive:{archive}:localhost/bad:1");
        let o = run(&[
            "scan",
            "--format",
            "json",
            "--dockerfile",
            "src/bad/Dockerfile",
            &target,
        ]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let lines = with_dockerfile_lines(&o);
        assert_eq!(
            lines,
            [
                "SQ40101@/config/User 2:1",
                "SQ40102@L1:/usr/local/bin/gtool 4:1",
                "SQ40102@L1:/usr/local/bin/tool 4:1",
                if archive.starts_with("buildah") {
                    "SQ40103@/config/ExposedPorts/20-25~1tcp 3:1"
                } else {
                    "SQ40103@/config/ExposedPorts/21~1tcp 3:1"
                },
                "SQ40104@/config/ExposedPorts/22~1tcp 3:1",
                if archive.starts_with("buildah") {
                    "SQ40105@/config/ExposedPorts/20-25~1tcp 3:1"
                } else {
                    "SQ40105@/config/ExposedPorts/23~1tcp 3:1"
                },
                "SQ40108@/config/ExposedPorts/3389~1udp 3:1",
                "SQ41101@/config/Healthcheck ",
                "SQ41102@h5 5:1",
                "SQ41103@/config/Cmd 10:1",
                "SQ41104@h10 10:1,6:1",
                "SQ41105@h8 8:1,7:1",
                "SQ41106@h9 9:1",
            ],
            "{archive}"
        );
    }
    let o = run(&["scan", "--dockerfile", "nope/Dockerfile", "oci-bad-zstd"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: nope/Dockerfile: cannot read: No such file or directory\n"
    );
}

#[test]
fn rlogin_and_rsh_ports_fail_in_every_builder_and_udp_does_not() {
    for (archive, boundary_note) in [
        ("docker-classic.tar", None),
        // Built without a pause after `base`: no time gap, no marker.
        ("docker-buildkit.tar", Some("note:base-boundary@h1")),
        ("buildah.docker.tar", None),
    ] {
        let target = format!("docker-archive:{archive}:localhost/rshell:1");
        // Human report and exit status: two high findings fail the scan.
        let o = run(&["scan", "--color", "never", &target]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{archive}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8_lossy(&o.stdout);
        for expected in [
            "FAIL SQ40106 (high) port 513/tcp (rlogin) is exposed",
            "--> image config /config/ExposedPorts/513~1tcp",
            "FAIL SQ40107 (high) port 514/tcp (rsh) is exposed",
            "--> image config /config/ExposedPorts/514~1tcp",
        ] {
            assert!(
                out.contains(expected),
                "{archive}: missing {expected:?} in:\n{out}"
            );
        }
        assert!(
            !out.contains("udp ("),
            "{archive}: a udp port reported:\n{out}"
        );

        // JSON: exactly these findings, and every other policy passes.
        let mut expected = v(&RSHELL);
        expected.extend(boundary_note.map(str::to_owned));
        assert_eq!(
            scan(&target).into_values().collect::<Vec<_>>(),
            [expected],
            "{archive}"
        );
        let o = run(&["scan", "--format", "json", &target]);
        assert_eq!(o.status.code(), Some(1), "{archive}");
        let r: Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["verdict"], "fail");
        let t = &r["targets"][0];
        let statuses: Vec<String> = policy_statuses(t)
            .into_iter()
            .map(|(rule, status, reason)| match reason {
                Some(reason) => format!("{rule} {status} ({reason})"),
                None => format!("{rule} {status}"),
            })
            .collect();
        // Every sensitive-information policy applies to an image and passes,
        // except the online ones; so do the license ones (no packages).
        let expected: Vec<String> = [
            "SQ40101", "SQ40102", "SQ40103", "SQ40104", "SQ40105", "SQ40106", "SQ40107", "SQ40108",
            "SQ41101", "SQ41102", "SQ41103", "SQ41104", "SQ41105", "SQ41106",
        ]
        .iter()
        .chain(&SECRET_POLICIES)
        .chain(&LICENSE_POLICIES)
        .chain(&VULNERABILITY_POLICIES)
        .chain(&BINARY_POLICIES_ON)
        .chain(&RUNTIME_POLICIES)
        .chain(&SUPPLY_CHAIN_POLICIES)
        .map(|c| {
            if c.starts_with("PC42") {
                format!("{c} not-applicable")
            } else if *c == "PC43101" {
                format!("{c} not-applicable (the policy file has no `[images] trusted` list)")
            } else if c.starts_with("PC432") {
                format!("{c} not-applicable ({NO_SIGNATURES_ASKED})")
            } else if matches!(*c, "SQ40106" | "SQ40107") {
                format!("{c} fail")
            } else if *c == "SQ18111" {
                // busybox, linked at a fixed address: the base image's, so
                // it warns.
                format!("{c} warn")
            } else if ONLINE_POLICIES.contains(c) {
                format!("{c} not-applicable ({ONLINE_REASON})")
            } else if VULNERABILITY_POLICIES.contains(c) {
                format!("{c} not-applicable ({})", no_database_reason())
            } else {
                format!("{c} pass")
            }
        })
        .collect();
        assert_eq!(statuses, expected, "{archive}");
        for f in t["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| !is_binary_finding(f))
        {
            assert_eq!(f["severity"], "high", "{archive}");
            assert_eq!(f["related"][0]["kind"], "history", "{archive}");
            assert_eq!(f["related"][0]["index"], 4, "{archive}");
        }

        // --dockerfile relates both findings to the EXPOSE line of src/rshell.
        let o = run(&[
            "scan",
            "--format",
            "json",
            "--dockerfile",
            "src/rshell/Dockerfile",
            &target,
        ]);
        assert_eq!(o.status.code(), Some(1), "{archive}");
        let lines = with_dockerfile_lines(&o);
        assert_eq!(
            lines,
            [
                "SQ40106@/config/ExposedPorts/513~1tcp 12:1",
                "SQ40107@/config/ExposedPorts/514~1tcp 12:1",
            ],
            "{archive}"
        );
    }
}

#[test]
fn rshell_dockerfile_has_the_same_two_findings() {
    let o = run(&["scan", "--format", "json", "src/rshell/Dockerfile"]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let got: Vec<String> = r["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{}@{}:{}-{}",
                f["rule"].as_str().unwrap_or(""),
                l["line"],
                l["column"],
                l["end_column"]
            )
        })
        .collect();
    // EXPOSE 513/tcp 514 513/udp 514/udp
    // 1      8       16  20      28      (columns, 1-based)
    // And `FROM localhost/base:1` is not pinned by digest (PC43102), which
    // the image cannot tell: it declares no base.
    assert_eq!(
        got,
        ["SQ40106@12:8-15", "SQ40107@12:16-19", "PC43102@9:6-22"]
    );
}

/// The ELF pass on images made by each builder: busybox (Debian's
/// busybox-static, linked at a fixed address) is SQ18111 in the base layer
/// of every image but `scratch`, and nothing else of the family is.
#[test]
fn busybox_is_not_position_independent_in_every_builder() {
    for archive in [
        "docker-classic.tar",
        "docker-buildkit.tar",
        "docker-archive:buildah.docker.tar",
    ] {
        let o = run(&["scan", "--format", "json", archive]);
        let r: Value = serde_json::from_slice(&o.stdout).expect("json");
        let targets = r["targets"].as_array().expect("targets");
        assert_eq!(targets.len(), 9, "{archive}");
        for t in targets {
            let name = t["target"].as_str().unwrap_or("");
            let binaries: Vec<(String, String, String)> = t["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| is_binary_finding(f))
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or("").to_owned(),
                        loc(&f["location"]),
                        f["message"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            if name.ends_with("localhost/scratch:1") {
                assert!(binaries.is_empty(), "{name}: {binaries:?}");
                continue;
            }
            assert_eq!(binaries.len(), 1, "{name}: {binaries:?}");
            let (rule, at, message) = &binaries[0];
            assert_eq!(
                (rule.as_str(), at.as_str()),
                ("SQ18111", "L0:/bin/busybox"),
                "{name}"
            );
            assert!(
                message.starts_with("/bin/busybox: not position-independent (ET_EXEC): ASLR cannot move it (static executable, "),
                "{name}: {message}"
            );
        }
    }
}
