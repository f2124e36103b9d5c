//! `--dockerfile` with an image: history entries are linked to the
//! instructions that made them by content, and a Dockerfile that did not
//! build the image is said not to match rather than pointed at.

use serde_json::Value;

mod common;
use common::*;

/// examples/image/Dockerfile, but with the EXPOSE and CMD of another build:
/// the same keywords in the same order as the image's history.
const OTHER: &str = "FROM localhost/base:1
RUN printf '#!/bin/sh\\necho \"app: listening on $2\"\\n' > /usr/local/bin/app \\
 && chmod 755 /usr/local/bin/app \\
 && chmod u+s /usr/local/bin/app
ADD app.conf /etc/app/app.conf
EXPOSE 8080
CMD [\"/usr/local/bin/app\", \"--listen\", \":8080\"]
";

#[test]
fn a_dockerfile_that_did_not_build_the_image_is_never_pointed_at() {
    let dir = dir_with(&[("Dockerfile", OTHER)]);
    let dockerfile = dir.path().join("Dockerfile");
    let dockerfile = dockerfile.to_str().expect("utf-8 path");
    let app = repo().join("examples/app.tar");
    let app = app.to_str().expect("utf-8 path");

    let o = portcullis(
        &["scan", "--format", "json", "--dockerfile", dockerfile, app],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let t = &r["targets"][0];
    // The RUN and ADD lines made their entries (same content); EXPOSE 8080
    // did not make `EXPOSE 22 8080`, nor the JSON CMD the shell-form one.
    assert_eq!(
        linked(t),
        [
            "SQ18111@L0:/bin/busybox [h0]",
            "SQ40101@/config/User []",
            "SQ40102@L1:/usr/local/bin/app [2:1]",
            "SQ40104@/config/ExposedPorts/22~1tcp [h4]",
            "SQ41101@/config/Healthcheck []",
            "SQ41102@h3 [5:1]",
            "SQ41103@/config/Cmd [h5]",
        ]
    );
    assert_eq!(
        t["notes"],
        serde_json::json!([{
            "rule": "dockerfile",
            "message": format!("{dockerfile} does not match this image's history (no instruction of it made history entries 4 (EXPOSE map[22/tcp:{{}} 8080/tcp:{{}}]), 5 (CMD [\"/bin/sh\" \"-c\" \"/usr/local/bin/app --listen :8080\"]); no history entry comes from its lines 6, 7); findings from those entries show their image location only"),
            "location": {"kind": "history", "index": 4, "created_by": "EXPOSE map[22/tcp:{} 8080/tcp:{}]"},
        }])
    );

    // SARIF: the SSH port's only physical location is the archive, never
    // the EXPOSE 8080 line; the setuid file's is the RUN line that made it.
    let o = portcullis(
        &["scan", "--format", "sarif", "--dockerfile", dockerfile, app],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif = json(&o);
    let physical = |rule: &str| -> Vec<String> {
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["ruleId"] == rule)
            .flat_map(|r| {
                let mut all = r["locations"].as_array().cloned().unwrap_or_default();
                all.extend(
                    r["relatedLocations"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
                all
            })
            .filter_map(|l| {
                let p = &l["physicalLocation"];
                let uri = p["artifactLocation"]["uri"].as_str()?;
                Some(format!(
                    "{}:{}",
                    uri.rsplit('/').next().unwrap_or(uri),
                    p["region"]["startLine"]
                ))
            })
            .collect()
    };
    assert_eq!(physical("SQ40104"), ["app.tar:1"]);
    assert_eq!(physical("SQ41103"), ["app.tar:1"]);
    assert_eq!(physical("SQ40102"), ["Dockerfile:2", "Dockerfile:2"]);

    // The human report: the note, and no Dockerfile line under the port finding.
    let o = portcullis(
        &["scan", "--color", "never", "--dockerfile", dockerfile, app],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("    FAIL SQ40104 (high) port 22/tcp (SSH) is exposed\n         --> image config /config/ExposedPorts/22~1tcp\n         related: history entry 4: EXPOSE map[22/tcp:{} 8080/tcp:{}]\n         fix: "),
        "{out}"
    );
    assert!(!out.contains("EXPOSE 8080\n"), "{out}");
    assert!(
        out.contains(&format!("{dockerfile} does not match this image's history")),
        "{out}"
    );
}

#[test]
fn the_human_report_shows_the_line_that_made_a_finding() {
    let o = portcullis(
        &[
            "scan",
            "--color",
            "never",
            "--dockerfile",
            "examples/image/Dockerfile",
            "examples/app.tar",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    for expected in [
        "    FAIL SQ40104 (high) port 22/tcp (SSH) is exposed
         --> image config /config/ExposedPorts/22~1tcp
         related: history entry 4: EXPOSE map[22/tcp:{} 8080/tcp:{}]
         related: examples/image/Dockerfile:12:1
            |
         12 | EXPOSE 8080 22
            | ^^^^^^
",
        "         related: examples/image/Dockerfile:13:1
            |
         13 | CMD /usr/local/bin/app --listen :8080
            | ^^^
",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("does not match"), "{out}");
}

#[test]
fn every_builder_history_matches_its_dockerfile_and_no_other() {
    // The fixtures' Dockerfiles against the images classic Docker, BuildKit
    // and buildah built from them: every entry linked, no note; the good
    // image's Dockerfile against the bad image: nothing linked.
    for archive in [
        "docker-classic.tar",
        "docker-buildkit.tar",
        "buildah.docker.tar",
    ] {
        for name in ["bad", "good", "daemon", "rshell", "removed"] {
            let target = format!("docker-archive:{archive}:localhost/{name}:1");
            let dockerfile = format!("src/{name}/Dockerfile");
            let o = portcullis(
                &[
                    "scan",
                    "--format",
                    "json",
                    "--dockerfile",
                    &dockerfile,
                    &target,
                ],
                &fixtures(),
            );
            assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
            let notes = &json(&o)["targets"][0]["notes"];
            assert!(
                notes
                    .as_array()
                    .expect("notes")
                    .iter()
                    .all(|n| n["rule"] != "dockerfile"),
                "{archive} {name}: {notes}"
            );
        }
        let target = format!("docker-archive:{archive}:localhost/bad:1");
        let o = portcullis(
            &[
                "scan",
                "--format",
                "json",
                "--dockerfile",
                "src/good/Dockerfile",
                &target,
            ],
            &fixtures(),
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let t = &json(&o)["targets"][0];
        let to_dockerfile: Vec<&Value> = t["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .flat_map(|f| f["related"].as_array().expect("related"))
            .filter(|l| l["kind"] == "dockerfile")
            .collect();
        assert_eq!(to_dockerfile, Vec::<&Value>::new(), "{archive}");
        let note = t["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .find(|n| n["rule"] == "dockerfile")
            .and_then(|n| n["message"].as_str())
            .unwrap_or("");
        assert!(
            note.starts_with("src/good/Dockerfile does not match this image's history (no instruction of it made history entries 2 (USER root), 3 (EXPOSE "),
            "{archive}: {note}"
        );
        assert!(
            note.ends_with(" and 4 more; no history entry comes from its lines 2, 3, 4, 5, 6 and 1 more); findings from those entries show their image location only"),
            "{archive}: {note}"
        );
    }
}

/// The port rules' fix fits the subject: an image's config, a Dockerfile's
/// EXPOSE (a single port or a range), a CMD that starts the server.
#[test]
fn port_fixes_fit_the_subject() {
    let fix = |args: &[&str], pointer_or_line: &str| -> String {
        let o = portcullis(args, &fixtures());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        json(&o)["targets"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| {
                f["rule"] == "SQ40104"
                    && (f["location"]["pointer"] == pointer_or_line
                        || f["location"]["line"].to_string().as_str() == pointer_or_line)
            })
            .and_then(|f| f["remediation"].as_str())
            .unwrap_or("")
            .to_owned()
    };
    let tail = "do not run the SSH server in the container; use `docker exec`/`kubectl exec` or a purpose-built, authenticated service instead.";
    assert_eq!(
        fix(&["scan", "--format", "json", "docker-archive:docker-buildkit.tar:localhost/bad:1"], "/config/ExposedPorts/22~1tcp"),
        format!("Rebuild the image without 22/tcp in its Dockerfile's EXPOSE (the related history entry declared it), and {tail}")
    );
    assert_eq!(
        fix(&["scan", "--format", "json", "docker-archive:docker-classic.tar:localhost/daemon:1"], "/config/Cmd"),
        "Make CMD run the application rather than the SSH server, and remove the server from the image; use `docker exec`/`kubectl exec` or a purpose-built, authenticated service instead."
    );
    let dir = dir_with(&[("Dockerfile", "FROM scratch\nEXPOSE 20-25\nEXPOSE 22\n")]);
    let dockerfile = dir.path().join("Dockerfile");
    let dockerfile = dockerfile.to_str().expect("utf-8 path");
    assert_eq!(
        fix(&["scan", "--format", "json", dockerfile], "2"),
        format!("Narrow the range `20-25` in EXPOSE so that it leaves out 22/tcp, and {tail}")
    );
    assert_eq!(
        fix(&["scan", "--format", "json", dockerfile], "3"),
        format!("Remove the SSH port from EXPOSE and {tail}")
    );
}

/// `--base` names the base image: its config's layers are the image's
/// first, so that is where the base ends; one that shares no layer is said
/// not to be the base; an archive of several images must be narrowed.
#[test]
fn base_names_where_the_base_image_ends() {
    let boundary = |args: &[&str]| -> (Value, Value) {
        let o = portcullis(args, &fixtures());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let t = json(&o)["targets"][0].clone();
        (t["image"]["base_boundary"].clone(), t["notes"].clone())
    };
    let bad = "docker-archive:docker-classic.tar:localhost/bad:1";
    let (b, notes) = boundary(&[
        "scan",
        "--format",
        "json",
        "--base",
        "docker-archive:docker-classic.tar:localhost/base:1",
        bad,
    ]);
    assert_eq!(
        b,
        serde_json::json!({"last": 1, "signal": "base-image", "certain": true, "how": "the base image given with --base"})
    );
    assert_eq!(notes, serde_json::json!([]));
    let (b, notes) = boundary(&[
        "scan",
        "--format",
        "json",
        "--base",
        "docker-archive:docker-classic.tar:localhost/scratch:1",
        bad,
    ]);
    assert_eq!(b["signal"], "time-gap");
    assert_eq!(
        notes,
        serde_json::json!([{"rule": "base-boundary", "message": "--base docker-archive:docker-classic.tar:localhost/scratch:1 shares no layer with this image, so it is not its base: where the base ends is taken from the history", "location": {"kind": "config", "pointer": "/rootfs/diff_ids"}}])
    );
    let o = portcullis(
        &["scan", "--base", "docker-archive:docker-classic.tar", bad],
        &fixtures(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --base docker-archive:docker-classic.tar: holds 9 images; name one (docker-archive:FILE:NAME:TAG, oci:DIR:REF)\n"
    );
}

/// docker-classic.tar with `localhost/bad:1`'s config given `labels` (and
/// its history emptied when `no_history`, so nothing in it shows a base):
/// the archive written into `dir`, returned as its path.
fn relabelled(dir: &std::path::Path, labels: Value, no_history: bool) -> String {
    use sha2::Digest;
    let root = dir.join("archive");
    std::fs::create_dir_all(&root).expect("mkdir");
    let o = std::process::Command::new("tar")
        .arg("-xf")
        .arg(fixtures().join("docker-classic.tar"))
        .arg("-C")
        .arg(&root)
        .output()
        .expect("tar");
    assert!(o.status.success(), "tar -xf: {}", stderr(&o));
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).expect("manifest"))
            .expect("manifest.json");
    let entry = manifest
        .as_array_mut()
        .expect("manifest list")
        .iter_mut()
        .find(|m| m["RepoTags"][0] == "localhost/bad:1")
        .expect("localhost/bad:1");
    let config_name = entry["Config"].as_str().expect("Config").to_owned();
    let mut config: Value =
        serde_json::from_slice(&std::fs::read(root.join(&config_name)).expect("config"))
            .expect("config JSON");
    config["config"]["Labels"] = labels;
    if no_history {
        config["history"] = serde_json::json!([]);
    }
    let bytes = serde_json::to_vec(&config).expect("config");
    let name = format!("{:x}.json", sha2::Sha256::digest(&bytes));
    std::fs::write(root.join(&name), &bytes).expect("write config");
    std::fs::remove_file(root.join(&config_name)).expect("old config");
    entry["Config"] = Value::String(name);
    std::fs::write(
        root.join("manifest.json"),
        serde_json::to_vec(&manifest).expect("manifest"),
    )
    .expect("manifest");
    let archive = dir.join("labelled.tar");
    let o = std::process::Command::new("tar")
        .arg("-cf")
        .arg(&archive)
        .arg("-C")
        .arg(&root)
        .arg(".")
        .output()
        .expect("tar");
    assert!(o.status.success(), "tar -cf: {}", stderr(&o));
    archive.to_str().expect("utf-8 path").to_owned()
}

/// The notes of the JSON report's first target whose rule is `rule`.
fn notes_of(o: &std::process::Output, rule: &str) -> Vec<Value> {
    json(o)["targets"][0]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == rule)
        .cloned()
        .collect()
}

/// Each finding of `rule` as `path@layer`, sorted.
fn findings_of(o: &std::process::Output, rule: &str) -> Vec<String> {
    let mut out: Vec<String> = json(o)["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{}@{}",
                f["location"]["path"].as_str().unwrap_or(""),
                f["location"]["index"]
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn base_labels_say_which_base_and_how_to_give_the_boundary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = serde_json::json!({
        "org.opencontainers.image.base.name": "localhost/base:1",
        "org.opencontainers.image.base.digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    // No history: nothing shows where the base ends.
    let archive = relabelled(dir.path(), labels, true);
    let image = format!("docker-archive:{archive}:localhost/bad:1");
    let o = portcullis(&["scan", "--format", "json", &image], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let declared = "the image's `org.opencontainers.image.base.*` labels declare its base `localhost/base:1` (sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef): `--base localhost/base:1` reads that image's config and gives the exact boundary; a rule with `scope = \"build\"` in portcullis.toml is then judged on this build's layers alone";
    assert_eq!(
        notes_of(&o, "base-boundary"),
        [
            serde_json::json!({"rule": "base-boundary", "message": format!("no builder marker or time gap shows where a base image ends: every layer and history entry is taken as this build's, and a base image's files count as its findings; {declared}"), "location": {"kind": "config", "pointer": "/history"}})
        ]
    );
    assert_eq!(findings_of(&o, "SQ18111"), ["/bin/busybox@0"]);

    // scope = "build" with no boundary known: nothing to leave out, said so.
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "[rule.SQ18111]\nscope = \"build\"\n",
    )
    .expect("policy");
    let o = portcullis(&["scan", "--format", "json", &image], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let notes = notes_of(&o, "base-boundary");
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(
        notes[1],
        serde_json::json!({"rule": "base-boundary", "message": format!("scope = \"build\" (SQ18111) leaves nothing out: no base boundary is known, so every layer and history entry is taken as this build's; {declared}"), "location": {"kind": "config", "pointer": "/history"}})
    );
    assert_eq!(findings_of(&o, "SQ18111"), ["/bin/busybox@0"]);
    assert_eq!(notes_of(&o, "SQ18111"), Vec::<Value>::new());

    // Its base given, but no history entry to place the boundary at.
    let base = format!("docker-archive:{archive}:localhost/base:1");
    let o = portcullis(
        &["scan", "--format", "json", "--base", &base, &image],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let notes = notes_of(&o, "base-boundary");
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(
        notes[2],
        serde_json::json!({"rule": "base-boundary", "message": format!("--base {base} is the base of this image's first 1 layer, but no history entry of the image made them, so the boundary cannot be placed: where the base ends is taken from the history"), "location": {"kind": "config", "pointer": "/rootfs/diff_ids"}})
    );
    assert_eq!(findings_of(&o, "SQ18111"), ["/bin/busybox@0"]);
}

#[test]
fn scope_build_leaves_out_the_base_given_with_base() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = serde_json::json!({"org.opencontainers.image.base.name": "localhost/base:1"});
    let archive = relabelled(dir.path(), labels, false);
    let image = format!("docker-archive:{archive}:localhost/bad:1");
    let base = format!("docker-archive:{archive}:localhost/base:1");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "[rule.SQ18111]\nscope = \"build\"\n\n[rule.SQ40102]\nscope = \"build\"\n",
    )
    .expect("policy");
    let o = portcullis(
        &["scan", "--format", "json", "--base", &base, &image],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    // The base's static busybox is left out; this build's setuid files kept.
    assert_eq!(findings_of(&o, "SQ18111"), Vec::<String>::new());
    assert_eq!(
        notes_of(&o, "SQ18111"),
        [
            serde_json::json!({"rule": "SQ18111", "message": "scope = \"build\": 1 finding about the base image (history entries 0 to 1, up to the base image given with --base) left out", "location": {"kind": "config", "pointer": "/history"}})
        ]
    );
    assert_eq!(
        findings_of(&o, "SQ40102"),
        ["/usr/local/bin/gtool@1", "/usr/local/bin/tool@1"]
    );
    assert_eq!(notes_of(&o, "SQ40102"), Vec::<Value>::new());
    // The label names the base given: no note about it.
    assert_eq!(notes_of(&o, "base-boundary"), Vec::<Value>::new());
    let statuses = policy_statuses(&json(&o)["targets"][0]);
    assert!(
        statuses.contains(&("SQ18111".to_owned(), "pass".to_owned(), None)),
        "{statuses:?}"
    );
}

#[test]
fn base_labels_that_name_another_base_than_base_are_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels =
        serde_json::json!({"org.opencontainers.image.base.name": "docker.io/library/debian:12"});
    let archive = relabelled(dir.path(), labels, false);
    let image = format!("docker-archive:{archive}:localhost/bad:1");
    let base = format!("docker-archive:{archive}:localhost/base:1");
    let o = portcullis(
        &["scan", "--format", "json", "--base", &base, &image],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        json(&o)["targets"][0]["image"]["base_boundary"]["signal"],
        "base-image"
    );
    assert_eq!(
        notes_of(&o, "base-boundary"),
        [
            serde_json::json!({"rule": "base-boundary", "message": format!("the image's labels declare its base `docker.io/library/debian:12`, but --base {base} is `localhost/base:1`: the boundary is taken from --base, as its layers are the image's first"), "location": {"kind": "config", "pointer": "/config/Labels"}})
        ]
    );
}
