//! A manifest and the images it runs, judged together (`--images`): the
//! images of fixtures/runtime (built by buildah, see its make.sh) mapped
//! to the references the manifests name. Exact findings, suppressions,
//! notes and exit statuses; errors at the manifest's `image:` line.

use serde_json::Value;

mod common;
use common::*;

const NUMERIC: &str = "localhost/numeric:1=fixtures/runtime/numeric.docker.tar";
const ROOTFUL: &str = "localhost/rootful:1=fixtures/runtime/rootful.docker.tar";
const NAMED: &str = "localhost/named:1=fixtures/runtime/named.docker.tar";

fn scan(args: &[&str]) -> std::process::Output {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    portcullis(&all, &repo())
}

fn target<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["target"] == name)
        .unwrap_or_else(|| panic!("no target {name} in {report}"))
}

/// `RULE line:col message` of each finding of `rules`, in report order.
fn findings(target: &Value, rules: &[&str]) -> Vec<String> {
    target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| rules.contains(&f["rule"].as_str().unwrap_or("")))
        .map(|f| {
            let at = &f["location"];
            let place = match at["kind"].as_str() {
                Some("manifest") => format!("{}:{}", at["line"], at["column"]),
                _ => loc(at),
            };
            format!(
                "{} {place} {}{}",
                f["rule"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or(""),
                match f["suppressed"]["reason"].as_str() {
                    Some(reason) => format!(
                        " [suppressed by {}: {reason}]",
                        f["suppressed"]["by"].as_str().unwrap_or("")
                    ),
                    None => String::new(),
                }
            )
        })
        .collect()
}

fn notes(target: &Value) -> Vec<String> {
    target["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == "images")
        .map(|n| {
            let at = &n["location"];
            format!(
                "{}:{}:{} {}",
                at["path"].as_str().unwrap_or(""),
                at["line"],
                at["column"],
                n["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const DEPLOY: &str = "fixtures/runtime/will-not-start/deploy.yaml";
const POD: &str = "fixtures/runtime/overrides/pod.yaml";
const COMPOSE: &str = "fixtures/runtime/compose/compose.yaml";

#[test]
fn run_as_non_root_with_a_root_or_named_image_will_not_start() {
    let o = scan(&[
        "--image", NUMERIC, "--image", ROOTFUL, "--image", NAMED, DEPLOY,
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = json(&o);
    let names = target_names(&report);
    // The manifest, then its images in the order it names them.
    assert_eq!(
        names,
        [
            DEPLOY,
            "fixtures/runtime/numeric.docker.tar",
            "fixtures/runtime/rootful.docker.tar",
            "fixtures/runtime/named.docker.tar"
        ]
    );
    let manifest = target(&report, DEPLOY);
    assert_eq!(
        findings(manifest, &["PC42204", "PC42201"]),
        [
            "PC42204 16:11 container `rootful` of Deployment `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `localhost/rootful:1` runs as root (no USER): the kubelet refuses to run it",
            "PC42204 18:11 container `named` of Deployment `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `localhost/named:1` runs as `app` (its USER), a user name: the kubelet cannot verify that a name is not root",
        ]
    );
    // Related: the `runAsNonRoot: true` that applies.
    let related = &manifest["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "PC42204")
        .expect("PC42204")["related"][0];
    assert_eq!(
        (&related["line"], &related["column"], &related["pointer"]),
        (
            &Value::from(11),
            &Value::from(9),
            &Value::from("/spec/template/spec/securityContext/runAsNonRoot")
        )
    );
    let numeric = target(&report, "fixtures/runtime/numeric.docker.tar");
    assert_eq!(
        findings(numeric, &["SQ40101", "SQ40104"]),
        ["SQ40104 /config/ExposedPorts/22~1tcp port 22/tcp (SSH) is exposed [suppressed by manifest: 22/tcp is not published: no container that runs the image (container `numeric` of Deployment `web`) lists it in `ports`]"]
    );
    assert_eq!(
        notes(numeric),
        [format!("{DEPLOY}:14:11 run by container `numeric` of Deployment `web`, judged with its settings")]
    );
    assert_eq!(numeric["verdict"], "pass");
    // Run as root by the manifest too: the image's USER finding stays.
    let rootful = target(&report, "fixtures/runtime/rootful.docker.tar");
    assert_eq!(
        findings(rootful, &["SQ40101"]),
        ["SQ40101 /config/User the image config sets no user: the container runs as root"]
    );
    // Named: `app` is UID 1000 in the image's /etc/passwd, not root.
    assert_eq!(
        findings(
            target(&report, "fixtures/runtime/named.docker.tar"),
            &["SQ40101"]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn without_the_images_only_the_manifest_is_judged() {
    let o = scan(&[DEPLOY]);
    let report = json(&o);
    assert_eq!(report["targets"].as_array().map(Vec::len), Some(1));
    let manifest = target(&report, DEPLOY);
    assert_eq!(
        findings(manifest, &["PC42204", "PC42201"]),
        Vec::<String>::new()
    );
    let status = policy_statuses(manifest)
        .into_iter()
        .find(|(rule, _, _)| rule == "PC42204")
        .expect("PC42204");
    assert_eq!(status.1, "pass");
}

#[test]
fn run_as_user_zero_with_run_as_non_root_will_not_start_without_the_images() {
    let dir = dir_with(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n      securityContext:\n        runAsUser: 0\n",
    )]);
    let o = portcullis(&["scan", "--format", "json", "pod.yaml"], dir.path());
    let report = json(&o);
    assert_eq!(
        findings(target(&report, "pod.yaml"), &["PC42204"]),
        ["PC42204 12:9 container `app` of Pod `web` will not start: `runAsNonRoot: true` applies to it and its `runAsUser` is 0"]
    );
}

#[test]
fn a_non_root_run_as_user_makes_the_image_root_user_moot() {
    let o = scan(&["--image", ROOTFUL, POD]);
    let report = json(&o);
    let pod = target(&report, POD);
    assert_eq!(
        findings(pod, &["PC42204", "PC42201", "PC42202"]),
        Vec::<String>::new()
    );
    let rootful = target(&report, "fixtures/runtime/rootful.docker.tar");
    assert_eq!(
        findings(rootful, &["SQ40101", "SQ40104"]),
        [
            "SQ40101 /config/User the image config sets no user: the container runs as root [suppressed by manifest: every container that runs the image sets a non-root user: container `api` of Pod `api` (`runAsUser: 10002`, fixtures/runtime/overrides/pod.yaml:9:5)]",
            "SQ40104 /config/ExposedPorts/22~1tcp port 22/tcp (SSH) is exposed [suppressed by manifest: 22/tcp is not published: no container that runs the image (container `api` of Pod `api`) lists it in `ports`]",
        ]
    );
    // Nothing left that fails: the image passes in this deployment.
    assert_eq!(rootful["verdict"], "pass");
    let human = portcullis(&["scan", "--image", ROOTFUL, POD], &repo());
    assert!(
        stdout(&human).contains("2 suppressed (0 by baseline, 0 by exception, 0 by inline comment, 2 by the manifest that runs the image)"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn compose_services_take_the_image_user_and_publish_ports() {
    let o = scan(&["--image", NUMERIC, "--image", ROOTFUL, COMPOSE]);
    let report = json(&o);
    let compose = target(&report, COMPOSE);
    // `api` sets no user, but its image runs as 10001: no PC42201.
    assert_eq!(
        findings(compose, &["PC42201", "SQ40104"]),
        [
            "SQ40104 5:9 port 22/tcp (SSH) is published by service `app` on host port 2222",
            "PC42201 3:5 service `app` sets no `user`, and image `localhost/rootful:1` runs as root (no USER): the service runs as root",
        ]
    );
    // Published by `app`: still exposure. Not published by `api`: moot.
    assert_eq!(
        findings(
            target(&report, "fixtures/runtime/rootful.docker.tar"),
            &["SQ40104"]
        ),
        ["SQ40104 /config/ExposedPorts/22~1tcp port 22/tcp (SSH) is exposed"]
    );
    assert_eq!(
        findings(target(&report, "fixtures/runtime/numeric.docker.tar"), &["SQ40104"]),
        ["SQ40104 /config/ExposedPorts/22~1tcp port 22/tcp (SSH) is exposed [suppressed by manifest: 22/tcp is not published: no container that runs the image (service `api`) publishes it in `ports`]"]
    );
    // Judged alone, the service without a user is reported as before.
    let alone = json(&scan(&[COMPOSE]));
    assert_eq!(
        findings(target(&alone, COMPOSE), &["PC42201"]),
        [
            "PC42201 3:5 service `app` sets no `user`: it runs as the image's USER, which is root unless the image sets another",
            "PC42201 7:5 service `api` sets no `user`: it runs as the image's USER, which is root unless the image sets another",
        ]
    );
}

#[test]
fn an_image_run_as_root_by_one_container_keeps_its_finding() {
    // The pod runs the root image as 10002, the Compose service as root.
    let o = scan(&["--image", ROOTFUL, "--image", NUMERIC, POD, COMPOSE]);
    let report = json(&o);
    let rootful = target(&report, "fixtures/runtime/rootful.docker.tar");
    assert_eq!(
        findings(rootful, &["SQ40101"]),
        ["SQ40101 /config/User the image config sets no user: the container runs as root"]
    );
    assert_eq!(
        notes(rootful),
        [
            format!("{POD}:12:7 run by container `api` of Pod `api`, judged with its settings"),
            format!("{COMPOSE}:3:12 run by service `app`, judged with its settings"),
        ]
    );
}

#[test]
fn references_are_matched_as_docker_normalises_them() {
    let dir = dir_with(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: docker.io/library/nginx\n    - name: proxy\n      image: nginx\n",
    )]);
    let archive = repo().join("fixtures/runtime/rootful.docker.tar");
    let map = format!("nginx:latest={}", archive.display());
    let o = portcullis(
        &["scan", "--format", "json", "--image", &map, "pod.yaml"],
        dir.path(),
    );
    let report = json(&o);
    assert_eq!(
        findings(target(&report, "pod.yaml"), &["PC42204"]),
        [
            "PC42204 10:7 container `app` of Pod `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `docker.io/library/nginx` runs as root (no USER): the kubelet refuses to run it",
            "PC42204 12:7 container `proxy` of Pod `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `nginx` runs as root (no USER): the kubelet refuses to run it",
        ]
    );
    // Two spellings of one image: scanned once, run by both containers.
    assert_eq!(report["targets"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        notes(&report["targets"][1]),
        [
            "pod.yaml:10:7 run by container `app` of Pod `web`, judged with its settings",
            "pod.yaml:12:7 run by container `proxy` of Pod `web`, judged with its settings",
        ]
    );
}

#[test]
fn unmapped_images_are_noted_with_images_mapped() {
    let o = scan(&["--images=mapped", "--image", NUMERIC, DEPLOY]);
    let report = json(&o);
    assert_eq!(report["targets"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        notes(target(&report, DEPLOY)),
        [
            format!("{DEPLOY}:16:11 image `localhost/rootful:1` was not scanned: no --image maps it, so its containers are judged by the manifest alone"),
            format!("{DEPLOY}:18:11 image `localhost/named:1` was not scanned: no --image maps it, so its containers are judged by the manifest alone"),
        ]
    );
}

#[test]
fn an_image_that_cannot_be_read_fails_the_scan_at_the_image_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let out_arg = out.display().to_string();
    let o = portcullis(
        &[
            "scan",
            "--image",
            "localhost/rootful:1=fixtures/runtime/missing.docker.tar",
            "-o",
            &out_arg,
            POD,
        ],
        &repo(),
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert_eq!(
        err,
        format!("error: {POD}:12:7: image `localhost/rootful:1`: fixtures/runtime/missing.docker.tar does not exist\n")
    );
    assert!(!out.exists(), "a report was written");
    // A mapped target that is an archive of several images, none named so.
    let several = portcullis(
        &[
            "scan",
            "--image",
            "localhost/rootful:1=fixtures/images/docker-classic.tar",
            POD,
        ],
        &repo(),
    );
    assert_eq!(code(&several), 2);
    assert!(
        stderr(&several).starts_with(&format!("error: {POD}:12:7: image `localhost/rootful:1`: fixtures/images/docker-classic.tar holds 9 images and none is named `localhost/rootful:1`")),
        "{}",
        stderr(&several)
    );
}

#[test]
fn name_and_images_do_not_go_together() {
    let o = portcullis(&["scan", "--name", "x", "--images", POD], &repo());
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: --name x names one image target, and --images scans the images manifests name (each by its reference): use one or the other\n"
    );
    let bad = portcullis(&["scan", "--image", "no-equals", POD], &repo());
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("expected REF=TARGET, got \"no-equals\""),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_compose_service_that_builds_its_image_is_not_pulled() {
    let dir = dir_with(&[(
        "compose.yaml",
        "services:\n  web:\n    build: .\n    image: localhost/web:dev\n",
    )]);
    // No registry is asked (localhost:80 would refuse): a note instead.
    let o = portcullis(
        &["scan", "--format", "json", "--images", "compose.yaml"],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(target_names(&report), ["compose.yaml"]);
    assert_eq!(
        notes(&report["targets"][0]),
        ["compose.yaml:3:12 image `localhost/web:dev` was not scanned: service `web` builds it (`build:`), so a registry's copy is not what it runs; map it with --image localhost/web:dev=TARGET, or scan with --images=daemon after `docker compose build`"]
    );
    // Mapped, it is scanned: USER 10001, so no PC42201.
    let archive = repo().join("fixtures/runtime/numeric.docker.tar");
    let map = format!("localhost/web:dev={}", archive.display());
    let o = portcullis(
        &["scan", "--format", "json", "--image", &map, "compose.yaml"],
        dir.path(),
    );
    let report = json(&o);
    assert_eq!(report["targets"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        findings(&report["targets"][0], &["PC42201"]),
        Vec::<String>::new()
    );
}

#[test]
fn host_networking_and_root_user_names_keep_the_image_findings() {
    // `network_mode: host`: every port the image listens on is the
    // host's; `user: admin` is UID 0 in the image's /etc/passwd.
    let dir = dir_with(&[(
        "compose.yaml",
        "services:\n  api:\n    image: localhost/numeric:1\n    network_mode: host\n  app:\n    image: localhost/rootful:1\n    user: admin\n",
    )]);
    let map = |m: &str| {
        let (reference, path) = m.split_once('=').expect("map");
        format!("{reference}={}", repo().join(path).display())
    };
    let (numeric, rootful) = (map(NUMERIC), map(ROOTFUL));
    let o = portcullis(
        &[
            "scan",
            "--format",
            "json",
            "--image",
            &numeric,
            "--image",
            &rootful,
            "compose.yaml",
        ],
        dir.path(),
    );
    let report = json(&o);
    assert_eq!(
        findings(&report["targets"][1], &["SQ40104"]),
        ["SQ40104 /config/ExposedPorts/22~1tcp port 22/tcp (SSH) is exposed"]
    );
    assert_eq!(
        findings(&report["targets"][2], &["SQ40101"]),
        ["SQ40101 /config/User the image config sets no user: the container runs as root"]
    );
    // `user: app` is UID 1000 there: the root USER is moot.
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    image: localhost/rootful:1\n    user: app\n",
    )
    .expect("write");
    let o = portcullis(
        &[
            "scan",
            "--format",
            "json",
            "--image",
            &rootful,
            "compose.yaml",
        ],
        dir.path(),
    );
    let report = json(&o);
    assert_eq!(
        findings(&report["targets"][1], &["SQ40101"]),
        ["SQ40101 /config/User the image config sets no user: the container runs as root [suppressed by manifest: every container that runs the image sets a non-root user: service `app` (`user: app`, compose.yaml:4:11)]"]
    );
}

#[test]
fn a_manifest_naming_too_many_images_is_refused() {
    let mut pod =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n");
    for i in 0..1001 {
        pod.push_str(&format!("    - name: c{i}\n      image: localhost/x:{i}\n"));
    }
    let dir = dir_with(&[("pod.yaml", &pod)]);
    let o = portcullis(&["scan", "--images", "pod.yaml"], dir.path());
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: pod.yaml:2008:7: the manifests name more than 1000 images: refusing to scan them all with --images\n"
    );
}
