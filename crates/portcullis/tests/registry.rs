//! `docker://` targets, scanned by the real binary: against the real CNCF
//! registry (Debian `docker-registry`, fixtures pushed by skopeo), without
//! auth and with htpasswd basic auth, and against small fake registries
//! (std TcpListener) for the token flow, redirects that must not carry
//! credentials, and hostile answers. Nothing here touches the network
//! beyond 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::registry::Registry;
use common::*;

fn run_in(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    cmd.env(
        "PORTCULLIS_DB",
        "/nonexistent/portcullis-tests/advisories.db",
    )
    .args(args)
    .current_dir(fixtures())
    .env_remove("REGISTRY_AUTH_FILE")
    .env_remove("XDG_RUNTIME_DIR")
    .env("DOCKER_CONFIG", "/nonexistent-portcullis-test")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    // A proxy set where the tests run must not take the tests' requests.
    for var in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] {
        cmd.env_remove(var).env_remove(var.to_ascii_uppercase());
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run portcullis");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn run(args: &[&str]) -> Output {
    run_in(args, "", &[])
}

/// Sorted `RULE@location[related]: message` of the one target's findings
/// and notes, plus its digest.
fn findings(o: &Output) -> (String, Vec<String>) {
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let targets = r["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1);
    let t = &targets[0];
    let mut items: Vec<String> = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let related: Vec<String> = f["related"]
                .as_array()
                .expect("related")
                .iter()
                .map(loc)
                .collect();
            format!(
                "{}@{}[{}]: {}",
                f["rule"].as_str().unwrap_or(""),
                loc(&f["location"]),
                related.join(","),
                f["message"].as_str().unwrap_or("")
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
    (t["digest"].as_str().unwrap_or("").to_owned(), items)
}

// ---------------------------------------------------------------- real registry

/// Whether the real-registry tests can run; a failure when
/// PORTCULLIS_REGISTRY_TESTS=required (scripts/test.sh sets it).
fn real_tools() -> bool {
    let ok = have("docker-registry") && have("skopeo");
    if !ok {
        assert!(
            std::env::var("PORTCULLIS_REGISTRY_TESTS").as_deref() != Ok("required"),
            "docker-registry and skopeo are required (PORTCULLIS_REGISTRY_TESTS=required)"
        );
        eprintln!("skipping: docker-registry or skopeo is not installed");
    }
    ok
}

#[test]
fn real_registry_anonymous_gives_the_archive_findings() {
    if !real_tools() {
        return;
    }
    let registry = Registry::start(None);
    let archive = findings(&run(&[
        "scan",
        "--format",
        "json",
        "docker-archive:docker-classic.tar:localhost/bad:1",
    ]));
    registry.push("localhost/bad:1", "team/bad:1", None);
    let target = format!("docker://127.0.0.1:{}/team/bad:1", registry.port);
    let o = run(&["scan", "--format", "json", &target]);
    let (digest, items) = findings(&o);
    assert_eq!(items, archive.1);
    assert!(!items.is_empty());
    assert!(digest.starts_with("sha256:"));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(r["targets"][0]["target"], target.as_str());
    assert_eq!(r["targets"][0]["kind"], "registry");
    // By digest too.
    let by_digest = format!("docker://127.0.0.1:{}/team/bad@{digest}", registry.port);
    assert_eq!(
        findings(&run(&["scan", "--format", "json", &by_digest])).1,
        archive.1
    );
    let missing = run(&[
        "scan",
        &format!("docker://127.0.0.1:{}/team/bad:2", registry.port),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        format!(
            "error: docker://127.0.0.1:{}/team/bad:2: manifest not found (404)\n",
            registry.port
        )
    );
}

/// `--images` reads the images a manifest names from their registry.
#[test]
fn images_named_by_a_manifest_are_read_from_their_registry() {
    if !real_tools() {
        return;
    }
    let registry = Registry::start(None);
    let numeric = repo().join("fixtures/runtime/numeric.docker.tar");
    registry.push_from(&numeric, "localhost/numeric:1", "team/numeric:1", None);
    let reference = format!("127.0.0.1:{}/team/numeric:1", registry.port);
    let missing = format!("127.0.0.1:{}/team/missing:1", registry.port);
    let pod = |image: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: {image}\n")
    };
    let dir = dir_with(&[
        ("pod.yaml", &pod(&reference)),
        ("missing.yaml", &pod(&missing)),
    ]);
    let o = portcullis(
        &["scan", "--format", "json", "--images", "pod.yaml"],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let targets = targets_and_kinds(&r);
    let shown = format!("docker://{reference}");
    assert_eq!(
        targets,
        [
            "pod.yaml (kubernetes)".to_owned(),
            format!("{shown} (registry)")
        ]
    );
    // USER 10001: the pod starts; port 22 is not in its `ports`.
    let rules = |t: &Value| -> Vec<String> {
        t["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["suppressed"].is_null())
            .map(|f| f["rule"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(!rules(&r["targets"][0]).contains(&"PC42204".to_owned()));
    let image = &r["targets"][1];
    assert_eq!(image["findings"][0]["rule"], "SQ40104");
    assert_eq!(
        image["findings"][0]["suppressed"]["reason"],
        "22/tcp is not published: no container that runs the image (container `app` of Pod `web`) lists it in `ports`"
    );
    assert_eq!(
        image["notes"][0]["message"],
        "run by container `app` of Pod `web`, judged with its settings"
    );
    let gone = portcullis(&["scan", "--images", "missing.yaml"], dir.path());
    assert_eq!(code(&gone), 2);
    assert_eq!(
        stderr(&gone),
        format!("error: missing.yaml:10:7: image `{missing}`: docker://{missing}: manifest not found (404)\n")
    );
}

#[test]
fn real_registry_basic_auth() {
    if !real_tools() || !have("htpasswd") {
        assert!(
            std::env::var("PORTCULLIS_REGISTRY_TESTS").as_deref() != Ok("required"),
            "htpasswd is required"
        );
        return;
    }
    let entry = Command::new("htpasswd")
        .args(["-Bbn", "alice", "s3cret"])
        .output()
        .expect("htpasswd");
    let registry = Registry::start(Some(&String::from_utf8_lossy(&entry.stdout)));
    registry.push("localhost/good:1", "good:1", Some("alice:s3cret"));
    let archive = findings(&run(&[
        "scan",
        "--format",
        "json",
        "docker-archive:docker-classic.tar:localhost/good:1",
    ]));
    let target = format!("docker://127.0.0.1:{}/good:1", registry.port);

    let anonymous = run(&["scan", &target]);
    assert_eq!(anonymous.status.code(), Some(2));
    assert_eq!(
        stderr(&anonymous),
        format!("error: {target}: manifest: unauthorized (401): the registry wants credentials (--username with --password-stdin, or docker login)\n")
    );

    let wrong = run_in(
        &["scan", "--username", "alice", "--password-stdin", &target],
        "nope\n",
        &[],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert_eq!(
        stderr(&wrong),
        format!(
            "error: {target}: manifest: unauthorized (401): the registry refused the credentials\n"
        )
    );

    let right = run_in(
        &[
            "scan",
            "--format",
            "json",
            "--username",
            "alice",
            "--password-stdin",
            &target,
        ],
        "s3cret\n",
        &[],
    );
    assert_eq!(findings(&right).1, archive.1);

    // The command line's credentials are not sent to the registries a
    // manifest names (`--images`): its host could be anyone's.
    let manifests = tempfile::tempdir().expect("tempdir");
    let pod = manifests.path().join("pod.yaml");
    let reference = target.trim_start_matches("docker://");
    std::fs::write(
        &pod,
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: {reference}\n"),
    )
    .expect("pod");
    let pod = pod.display().to_string();
    let named = run_in(
        &[
            "scan",
            "--username",
            "alice",
            "--password-stdin",
            "--images",
            &pod,
        ],
        "s3cret\n",
        &[("DOCKER_CONFIG", &manifests.path().display().to_string())],
    );
    assert_eq!(named.status.code(), Some(2));
    assert_eq!(
        stderr(&named),
        format!("error: {pod}:8:7: image `{reference}`: {target}: manifest: unauthorized (401): the registry wants credentials (--username with --password-stdin, or docker login)\n")
    );

    // The same credentials from a Docker config file.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.json"),
        format!(
            r#"{{"auths":{{"127.0.0.1:{}":{{"auth":"YWxpY2U6czNjcmV0"}}}}}}"#,
            registry.port
        ),
    )
    .expect("config");
    let config = dir.path().display().to_string();
    let from_file = run_in(
        &["scan", "--format", "json", &target],
        "",
        &[("DOCKER_CONFIG", &config)],
    );
    assert_eq!(findings(&from_file).1, archive.1);
    let auth_file = dir.path().join("config.json").display().to_string();
    let from_auth_file = run_in(
        &["scan", "--format", "json", &target],
        "",
        &[("REGISTRY_AUTH_FILE", &auth_file)],
    );
    assert_eq!(findings(&from_auth_file).1, archive.1);
}

// ---------------------------------------------------------------- fake registries

struct Request {
    path: String,
    authorization: Option<String>,
}

enum Reply {
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// Promise the whole body, send `sent` bytes of it, then go silent.
    Stall(Vec<u8>, usize),
    /// A 200 with no Content-Length: the body ends when the connection closes.
    Unsized(Vec<u8>),
}

fn ok(content_type: &str, body: Vec<u8>) -> Reply {
    Reply::Full(
        200,
        vec![("Content-Type".into(), content_type.into())],
        body,
    )
}

fn status(code: u16, headers: &[(&str, &str)]) -> Reply {
    Reply::Full(
        code,
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        Vec::new(),
    )
}

type Handler = dyn Fn(&Request, u16) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, each
/// connection closed after one answer); the handler gets its own port.
fn serve(handler: Arc<Handler>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || answer(stream, &*handler, port));
        }
    });
    port
}

fn answer(stream: TcpStream, handler: &Handler, port: u16) {
    let mut reader = BufReader::new(stream);
    // portcullis tries TLS first on loopback: close, as an HTTP-only server would.
    if reader.fill_buf().ok().and_then(|b| b.first().copied()) == Some(0x16) {
        return;
    }
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split(' ').nth(1).unwrap_or("").to_owned();
    let mut authorization = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_owned());
            }
        }
    }
    let mut stream = reader.into_inner();
    let request = Request {
        path,
        authorization,
    };
    match handler(&request, port) {
        Reply::Full(code, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {code} Status\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Unsized(body) => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(&body);
        }
        Reply::Stall(body, sent) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body[..sent]);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(60));
        }
    }
}

const MANIFEST: &str = "sha256:50582e1d982befb8cf7d61f700f143c0f1ac447569d96ab1996fcf4ba993f23f";
const CONFIG: &str = "sha256:715e8c139d8d38307ee6ab2cd1265d75a853c29168fbe56b8a3be73d6ecdef0c";
const LAYER0: &str = "sha256:66765a26634995a12e35f4e8909e8f59d8e1033cf7604e2a2061af130a9ddf27";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A blob of fixtures/images/oci-good-buildah by digest.
fn blob(digest: &str) -> Option<Vec<u8>> {
    let hex = digest.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    std::fs::read(fixtures().join("oci-good-buildah/blobs/sha256").join(hex)).ok()
}

/// The registry API for oci-good-buildah as repository `good`, tag `1`.
fn registry_answer(path: &str) -> Reply {
    if path == "/v2/good/manifests/1" || path == format!("/v2/good/manifests/{MANIFEST}") {
        return ok(OCI_MANIFEST, blob(MANIFEST).expect("manifest"));
    }
    match path.strip_prefix("/v2/good/blobs/").and_then(blob) {
        Some(b) => ok("application/octet-stream", b),
        None => status(404, &[]),
    }
}

fn layout_findings() -> Vec<String> {
    findings(&run(&["scan", "--format", "json", "oci:oci-good-buildah"])).1
}

/// A forward proxy on 127.0.0.1: CONNECT is tunnelled, an absolute-form
/// request is forwarded in origin form, both to 127.0.0.1 at the port asked
/// for. It records what it was asked (`CONNECT host:port`, `GET url`).
fn forward_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                let first = head.lines().next().unwrap_or("").to_owned();
                let mut words = first.split(' ');
                let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                log.lock().expect("log").push(format!("{method} {target}"));
                let (authority, rest) = match method {
                    "CONNECT" => (target, None),
                    _ => {
                        let after = target.strip_prefix("http://").unwrap_or(target);
                        let (authority, path) =
                            after.split_at(after.find('/').unwrap_or(after.len()));
                        let head = head.replacen(target, path, 1);
                        (authority, Some(head))
                    }
                };
                let upstream_port = authority.rsplit(':').next().unwrap_or("80");
                let Ok(upstream) = TcpStream::connect(format!("127.0.0.1:{upstream_port}")) else {
                    return;
                };
                let mut client = reader.into_inner();
                let mut to_upstream = upstream.try_clone().expect("clone");
                match rest {
                    None => {
                        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    }
                    Some(head) => {
                        let _ = to_upstream.write_all(head.as_bytes());
                    }
                }
                let mut from_client = client.try_clone().expect("clone");
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_client, &mut to_upstream);
                    let _ = to_upstream.shutdown(std::net::Shutdown::Write);
                });
                let mut from_upstream = upstream;
                let _ = std::io::copy(&mut from_upstream, &mut client);
                let _ = client.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    (port, seen)
}

/// A proxy ureq cannot use is one line naming the variable, without the
/// password in it; nothing is sent anywhere.
#[test]
fn an_unusable_proxy_is_named_without_its_password() {
    let o = run_in(
        &["scan", "docker://registry.test:5000/app:1"],
        "",
        &[("HTTPS_PROXY", "https://ci:s3cret@proxy.test:3128")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: docker://registry.test:5000/app:1: the proxy in HTTPS_PROXY (https://…@proxy.test:3128) is not usable: Malformed proxy; an http:// proxy is\n"
    );
}

/// HTTP(S)_PROXY is honoured for a registry that is not loopback (here a
/// name only the proxy knows), and never for a loopback one.
#[test]
fn registries_are_reached_through_the_environment_proxy() {
    let registry = serve(Arc::new(|r: &Request, _| registry_answer(&r.path)));
    let (proxy, log) = forward_proxy();
    let proxy_url = format!("http://127.0.0.1:{proxy}");
    let env = [
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
    ];
    let host = format!("registry.test:{registry}");
    let o = run_in(
        &[
            "scan",
            "--format",
            "json",
            "--insecure-registry",
            &host,
            &format!("docker://{host}/good:1"),
        ],
        "",
        &env,
    );
    assert_eq!(findings(&o).1, layout_findings(), "{}", stderr(&o));
    let seen = log.lock().expect("log").clone();
    // The TLS probe goes through a tunnel, the plain HTTP requests in
    // absolute form: every one of them through the proxy.
    assert_eq!(seen.first(), Some(&format!("CONNECT {host}")));
    let fetched: Vec<&String> = seen.iter().filter(|s| s.starts_with("GET ")).collect();
    assert!(
        fetched.contains(&&format!("GET http://{host}/v2/good/manifests/1")),
        "{seen:?}"
    );
    assert!(
        fetched
            .iter()
            .any(|s| s.contains(&format!("/v2/good/blobs/{LAYER0}"))),
        "{seen:?}"
    );
    let before = seen.len();
    let o = run_in(
        &[
            "scan",
            "--format",
            "json",
            &format!("docker://127.0.0.1:{registry}/good:1"),
        ],
        "",
        &env,
    );
    assert_eq!(findings(&o).1, layout_findings());
    assert_eq!(
        log.lock().expect("log").len(),
        before,
        "loopback is never proxied"
    );
}

#[test]
fn fake_registry_anonymous() {
    let port = serve(Arc::new(|r: &Request, _| registry_answer(&r.path)));
    let o = run(&[
        "scan",
        "--format",
        "json",
        &format!("docker://127.0.0.1:{port}/good:1"),
    ]);
    let (digest, items) = findings(&o);
    assert_eq!(digest, MANIFEST);
    assert_eq!(items, layout_findings());
}

#[test]
fn credentials_never_follow_a_redirect_to_another_host() {
    let seen_by_storage: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = seen_by_storage.clone();
    let storage = serve(Arc::new(move |r: &Request, _| {
        seen.lock().expect("lock").push(r.authorization.clone());
        match r.path.strip_prefix("/storage/").and_then(blob) {
            Some(b) => ok("application/octet-stream", b),
            None => status(404, &[]),
        }
    }));
    let seen_by_registry: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = seen_by_registry.clone();
    let registry = serve(Arc::new(move |r: &Request, _| {
        seen.lock().expect("lock").push(r.authorization.clone());
        if r.authorization.as_deref() != Some("Basic YWxpY2U6czNjcmV0") {
            return status(401, &[("WWW-Authenticate", r#"Basic realm="fake""#)]);
        }
        if let Some(digest) = r.path.strip_prefix("/v2/good/blobs/") {
            // Blob storage elsewhere, as S3-backed registries do.
            let to = format!("http://127.0.0.1:{storage}/storage/{digest}");
            return status(307, &[("Location", &to)]);
        }
        registry_answer(&r.path)
    }));
    let o = run_in(
        &[
            "scan",
            "--format",
            "json",
            "--username",
            "alice",
            "--password-stdin",
            &format!("docker://127.0.0.1:{registry}/good:1"),
        ],
        "s3cret\n",
        &[],
    );
    assert_eq!(findings(&o).1, layout_findings());
    let storage_saw = seen_by_storage.lock().expect("lock").clone();
    assert_eq!(storage_saw.len(), 3, "config and two layers from storage");
    assert!(storage_saw.iter().all(Option::is_none), "{storage_saw:?}");
    let registry_saw = seen_by_registry.lock().expect("lock").clone();
    assert!(registry_saw
        .iter()
        .any(|a| a.as_deref() == Some("Basic YWxpY2U6czNjcmV0")));
}

/// A registry behind the bearer token flow; the token service answers `token_body`.
fn token_registry(token_body: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = asked.clone();
    let port = serve(Arc::new(move |r: &Request, port| {
        if r.path.starts_with("/token?") {
            log.lock()
                .expect("lock")
                .push(format!("{} {:?}", r.path, r.authorization));
            return ok("application/json", token_body.as_bytes().to_vec());
        }
        if r.authorization.as_deref() != Some("Bearer t0ken") {
            let challenge = format!(
                r#"Bearer realm="http://127.0.0.1:{port}/token",service="fake-registry",scope="repository:good:pull""#
            );
            return status(401, &[("WWW-Authenticate", &challenge)]);
        }
        registry_answer(&r.path)
    }));
    (port, asked)
}

#[test]
fn bearer_token_flow() {
    let (port, asked) = token_registry(r#"{"token":"t0ken","expires_in":300}"#);
    let o = run(&[
        "scan",
        "--format",
        "json",
        &format!("docker://127.0.0.1:{port}/good:1"),
    ]);
    assert_eq!(findings(&o).1, layout_findings());
    let asked = asked.lock().expect("lock").clone();
    assert_eq!(
        asked[0],
        "/token?service=fake-registry&scope=repository%3Agood%3Apull None"
    );
}

#[test]
fn garbage_token_answer() {
    let (port, _) = token_registry("<html>no</html>");
    let target = format!("docker://127.0.0.1:{port}/good:1");
    let o = run(&["scan", &target]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {target}: token service http://127.0.0.1:{port}/token gave an invalid answer: expected value at line 1 column 1\n")
    );
}

/// Scan a fake registry's `docker://127.0.0.1:PORT/good:1`; (status, stderr, target).
fn hostile(handler: Arc<Handler>, extra: &[&str]) -> (Option<i32>, String, String) {
    let port = serve(handler);
    let target = format!("docker://127.0.0.1:{port}/good:1");
    let mut args = vec!["scan"];
    args.extend_from_slice(extra);
    args.push(&target);
    let o = run(&args);
    (o.status.code(), stderr(&o), target)
}

#[test]
fn manifest_over_the_cap() {
    let (code, err, target) = hostile(
        Arc::new(|_: &Request, _| ok(OCI_MANIFEST, vec![b' '; 5 << 20])),
        &[],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!("error: {target}: manifest: 5242880 bytes, more than the 4194304-byte limit\n")
    );
}

#[test]
fn manifest_over_the_cap_without_a_length() {
    let (code, err, target) = hostile(
        Arc::new(|_: &Request, _| Reply::Unsized(vec![b' '; 5 << 20])),
        &[],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!("error: {target}: manifest: more than the 4194304-byte limit\n")
    );
}

#[test]
fn layer_digest_mismatch() {
    const LAYER1: &str = "sha256:1d13aaad45f16d4cb70c0ea90f0bb72775d45094d72a27ac5b2d8519341b326c";
    let (code, err, target) = hostile(
        Arc::new(|r: &Request, _| {
            if r.path == format!("/v2/good/blobs/{LAYER0}") {
                // A valid layer, but not the one asked for.
                return ok("application/octet-stream", blob(LAYER1).expect("layer"));
            }
            registry_answer(&r.path)
        }),
        &[],
    );
    assert_eq!(code, Some(2));
    let hex = LAYER0.trim_start_matches("sha256:");
    assert_eq!(
        err,
        format!("error: {target}: layer 0 (blobs/sha256/{hex}): blob does not match its digest: expected {LAYER0}, got {LAYER1}\n")
    );
}

#[test]
fn blob_digest_mismatch() {
    let (code, err, target) = hostile(
        Arc::new(|r: &Request, _| {
            if r.path == format!("/v2/good/blobs/{CONFIG}") {
                let mut config = blob(CONFIG).expect("config");
                config.push(b'\n');
                return ok("application/octet-stream", config);
            }
            registry_answer(&r.path)
        }),
        &[],
    );
    assert_eq!(code, Some(2));
    let hex = CONFIG.trim_start_matches("sha256:");
    let mut config = blob(CONFIG).expect("config");
    config.push(b'\n');
    use sha2::Digest;
    let got = format!("sha256:{:x}", sha2::Sha256::digest(&config));
    assert_eq!(
        err,
        format!("error: {target}: config blobs/sha256/{hex} does not match its digest: expected {CONFIG}, got {got}\n")
    );
}

#[test]
fn registry_that_stalls_mid_blob_times_out() {
    let started = Instant::now();
    let (code, err, target) = hostile(
        Arc::new(|r: &Request, _| {
            if r.path == format!("/v2/good/blobs/{LAYER0}") {
                return Reply::Stall(blob(LAYER0).expect("layer"), 100_000);
            }
            registry_answer(&r.path)
        }),
        &["--registry-timeout", "1"],
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(code, Some(2));
    let hex = LAYER0.trim_start_matches("sha256:");
    assert_eq!(
        err,
        format!(
            "error: {target}: layer 0 (blobs/sha256/{hex}): reading from the registry: timed out\n"
        )
    );
}

#[test]
fn redirect_loop() {
    let (code, err, target) = hostile(
        Arc::new(|r: &Request, _| status(302, &[("Location", &r.path)])),
        &[],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!("error: {target}: manifest: more than 5 redirects (a redirect loop?)\n")
    );
}

#[test]
fn schema_1_is_refused() {
    let (code, err, target) = hostile(
        Arc::new(|_: &Request, _| {
            ok(
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
                br#"{"schemaVersion":1}"#.to_vec(),
            )
        }),
        &[],
    );
    assert_eq!(code, Some(2));
    let digest = {
        use sha2::Digest;
        format!(
            "sha256:{:x}",
            sha2::Sha256::digest(br#"{"schemaVersion":1}"#)
        )
    };
    assert_eq!(
        err,
        format!("error: {target}: manifest {digest} is Docker schema 1, which is not supported\n")
    );
}

#[test]
fn forbidden() {
    let (code, err, target) = hostile(Arc::new(|_: &Request, _| status(403, &[])), &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!("error: {target}: manifest: denied (403): no permission to pull this repository\n")
    );
}

#[test]
fn invalid_reference() {
    let bad = run(&["scan", "docker://Bad/Name"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "error: docker://Bad/Name: invalid image reference: \"Bad/Name\" is not a valid repository name (lowercase letters, digits and . _ - separators)\n"
    );
}

#[test]
fn retries_on_503_and_429() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let port = serve(Arc::new(move |r: &Request, _| {
        if r.path == "/v2/good/manifests/1" {
            match counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => return status(503, &[]),
                1 => return status(429, &[]),
                _ => {}
            }
        }
        registry_answer(&r.path)
    }));
    let o = run(&[
        "scan",
        "--format",
        "json",
        &format!("docker://127.0.0.1:{port}/good:1"),
    ]);
    assert_eq!(findings(&o).1, layout_findings());
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[test]
fn retry_after_is_waited_for_up_to_the_timeout() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let port = serve(Arc::new(move |r: &Request, _| {
        if r.path == "/v2/good/manifests/1"
            && counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0
        {
            return status(429, &[("Retry-After", "2")]);
        }
        if r.path == "/v2/slow/manifests/1" {
            return status(503, &[("Retry-After", "3600")]);
        }
        registry_answer(&r.path)
    }));
    let started = std::time::Instant::now();
    let o = run(&[
        "scan",
        "--format",
        "json",
        &format!("docker://127.0.0.1:{port}/good:1"),
    ]);
    assert_eq!(findings(&o).1, layout_findings());
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    // The registry's 2 s, not our first backoff (0.5 s).
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    // An hour is longer than the timeout: an error at once, not a hang.
    let o = run(&[
        "scan",
        "--registry-timeout",
        "5",
        &format!("docker://127.0.0.1:{port}/slow:1"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: docker://127.0.0.1:{port}/slow:1: manifest: the registry answered 503 Status and asks to retry after 3600 s, longer than the timeout (5 s, --registry-timeout)\n"
        )
    );
}

#[test]
fn credential_helper_from_docker_config() {
    use std::os::unix::fs::PermissionsExt;
    let port = serve(Arc::new(|r: &Request, _| {
        if r.authorization.as_deref() != Some("Basic YWxpY2U6czNjcmV0") {
            return status(401, &[("WWW-Authenticate", r#"Basic realm="fake""#)]);
        }
        registry_answer(&r.path)
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    // A docker-credential-* helper: `get`, the server on stdin, JSON out.
    let helper = dir.path().join("docker-credential-fake");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = 127.0.0.1:{port} ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\necho '{{\"Username\":\"alice\",\"Secret\":\"s3cret\"}}'\n"
        ),
    )
    .expect("helper");
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::write(
        dir.path().join("config.json"),
        format!(r#"{{"credHelpers":{{"127.0.0.1:{port}":"fake"}}}}"#),
    )
    .expect("config");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let config = dir.path().display().to_string();
    let o = run_in(
        &[
            "scan",
            "--format",
            "json",
            &format!("docker://127.0.0.1:{port}/good:1"),
        ],
        "",
        &[("DOCKER_CONFIG", &config), ("PATH", &path)],
    );
    assert_eq!(findings(&o).1, layout_findings());
}

// ---------------------------------------------------------------- real registry, token auth

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn base64std(bytes: &[u8]) -> String {
    let mut s = base64url(bytes).replace('-', "+").replace('_', "/");
    while !s.len().is_multiple_of(4) {
        s.push('=');
    }
    s
}

/// A token service for the real registry: RS256 JWTs signed with a key made
/// by openssl, the certificate in the registry's rootcertbundle and in each
/// token's `x5c`, granting pull and push on every repository asked for.
struct TokenService {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

/// A self-signed RSA certificate for `/CN=name` (with `extra` openssl
/// arguments), made by openssl into `key` and `cert`.
fn self_signed(name: &str, extra: &[&str], key: &Path, cert: &Path) {
    let subject = format!("/CN={name}");
    let o = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", &subject])
        .args(extra)
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("openssl");
    assert!(o.status.success(), "openssl: {}", stderr(&o));
}

impl TokenService {
    fn start(dir: &Path) -> TokenService {
        let key = dir.join("key.pem");
        let cert = dir.join("cert.pem");
        self_signed("token", &[], &key, &cert);
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .expect("openssl");
        let x5c = base64std(&der.stdout);
        let asked: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = asked.clone();
        let port = serve(Arc::new(move |r: &Request, _| {
            log.lock().expect("lock").push(r.path.clone());
            let query = r.path.split_once('?').map_or("", |(_, q)| q);
            let scopes: Vec<String> = query
                .split('&')
                .filter_map(|kv| kv.strip_prefix("scope="))
                .map(|s| {
                    s.replace("%3A", ":")
                        .replace("%2F", "/")
                        .replace("%2C", ",")
                })
                .collect();
            let access: Vec<String> = scopes
                .iter()
                .filter_map(|s| {
                    let mut parts = s.split(':');
                    let (kind, name) = (parts.next()?, parts.next()?);
                    Some(format!(
                        r#"{{"type":"{kind}","name":"{name}","actions":["pull","push"]}}"#
                    ))
                })
                .collect();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("time")
                .as_secs();
            let header = format!(r#"{{"alg":"RS256","typ":"JWT","x5c":["{x5c}"]}}"#);
            let claims = format!(
                r#"{{"iss":"test-issuer","sub":"alice","aud":"test-registry","exp":{},"nbf":{},"iat":{},"jti":"{now}{}","access":[{}]}}"#,
                now + 300,
                now - 10,
                now - 10,
                scopes.len(),
                access.join(",")
            );
            let signing = format!(
                "{}.{}",
                base64url(header.as_bytes()),
                base64url(claims.as_bytes())
            );
            let mut sign = Command::new("openssl")
                .args(["dgst", "-sha256", "-sign"])
                .arg(&key)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("openssl");
            sign.stdin
                .take()
                .expect("stdin")
                .write_all(signing.as_bytes())
                .expect("sign");
            let signature = sign.wait_with_output().expect("sign").stdout;
            let token = format!("{signing}.{}", base64url(&signature));
            ok(
                "application/json",
                format!(r#"{{"token":"{token}","access_token":"{token}","expires_in":300}}"#)
                    .into_bytes(),
            )
        }));
        TokenService { port, asked }
    }
}

#[test]
fn real_registry_token_auth() {
    if !real_tools() || !have("openssl") {
        assert!(
            std::env::var("PORTCULLIS_REGISTRY_TESTS").as_deref() != Ok("required"),
            "openssl is required"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens = TokenService::start(dir.path());
    let auth = format!(
        "auth: {{token: {{realm: \"http://127.0.0.1:{}/token\", service: test-registry, issuer: test-issuer, rootcertbundle: {}}}}}\n",
        tokens.port,
        dir.path().join("cert.pem").display()
    );
    let registry = Registry::start_with(dir, &auth);
    registry.push("localhost/bad:1", "team/bad:1", None);
    let archive = findings(&run(&[
        "scan",
        "--format",
        "json",
        "docker-archive:docker-classic.tar:localhost/bad:1",
    ]));
    tokens.asked.lock().expect("lock").clear();
    let target = format!("docker://127.0.0.1:{}/team/bad:1", registry.port);
    let o = run(&["scan", "--format", "json", &target]);
    assert_eq!(findings(&o).1, archive.1);
    let asked = tokens.asked.lock().expect("lock").clone();
    assert_eq!(
        asked,
        vec!["/token?service=test-registry&scope=repository%3Ateam%2Fbad%3Apull".to_owned()]
    );
}

// ---------------------------------------------------------------- real registry over TLS

/// This machine's first non-loopback IPv4 address, if it has one.
fn local_address() -> Option<String> {
    let o = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .find(|a| {
            a.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| !ip.is_loopback())
        })
        .map(str::to_owned)
}

#[test]
fn real_registry_over_tls_verified_unless_named_insecure() {
    if !real_tools() || !have("openssl") {
        return;
    }
    // A non-loopback address of this machine (no traffic leaves it), so
    // that TLS is verified; loopback if there is none.
    let host = local_address().unwrap_or_else(|| "127.0.0.1".to_owned());
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = (dir.path().join("tls.pem"), dir.path().join("tls.key"));
    let san = format!("subjectAltName=IP:{host},IP:127.0.0.1");
    self_signed("registry", &["-addext", &san], &key, &cert);
    let tls = format!(
        ", tls: {{certificate: {}, key: {}}}",
        cert.display(),
        key.display()
    );
    let registry = Registry::start_on(dir, "", &host, &tls);
    registry.push("localhost/bad:1", "team/bad:1", None);
    let archive = findings(&run(&[
        "scan",
        "--format",
        "json",
        "docker-archive:docker-classic.tar:localhost/bad:1",
    ]));
    let named = format!("{host}:{}", registry.port);
    let target = format!("docker://{named}/team/bad:1");
    if host != "127.0.0.1" {
        // Not loopback, not named: the self-signed certificate is refused.
        let refused = run(&["scan", &target]);
        assert_eq!(refused.status.code(), Some(2));
        assert_eq!(
            stderr(&refused),
            format!("error: {target}: manifest: the registry's TLS certificate is not trusted (Other(OtherError(CaUsedAsEndEntity))); --insecure-registry {named} skips verification\n")
        );
    }
    // Named insecure (or loopback): TLS without verification.
    let o = run(&[
        "scan",
        "--format",
        "json",
        "--insecure-registry",
        &named,
        &target,
    ]);
    assert_eq!(findings(&o).1, archive.1);
}

/// Issue 18: a baseline written from `docker save` output in the build
/// stage holds for the same image pulled from a registry in the deploy
/// stage: image fingerprints do not name the source, host or tag.
#[test]
fn a_baseline_of_the_archive_holds_for_the_image_in_a_registry() {
    if !real_tools() {
        return;
    }
    let registry = Registry::start(None);
    let app = repo().join("examples/app.tar");
    let o = Command::new("skopeo")
        .args(["copy", "-q", "--dest-tls-verify=false"])
        .arg(format!("docker-archive:{}", app.display()))
        .arg(format!("docker://127.0.0.1:{}/team/app:7", registry.port))
        .output()
        .expect("skopeo");
    assert!(o.status.success(), "skopeo: {}", stderr(&o));
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base.json").display().to_string();
    let archive = format!("docker-archive:{}", app.display());
    let o = run(&[
        "scan",
        "-q",
        "--no-config",
        "--write-baseline",
        &base,
        &archive,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let target = format!("docker://127.0.0.1:{}/team/app:7", registry.port);
    let o = run(&[
        "scan",
        "--no-config",
        "-f",
        "json",
        "--baseline",
        &base,
        &target,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = r["targets"][0]["findings"].as_array().expect("findings");
    assert!(findings.len() >= 5, "{findings:?}");
    for f in findings {
        assert_eq!(f["suppressed"]["by"], "baseline", "{f}");
    }
    // The same image under another name is new to the baseline.
    let o = run(&[
        "scan",
        "--no-config",
        "-q",
        "--baseline",
        &base,
        "--name",
        "worker",
        &target,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}
