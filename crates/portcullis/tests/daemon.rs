//! `docker-daemon:` targets against a real Docker engine (Debian `docker.io`)
//! started by the test with vfs storage on a private socket and a loopback
//! TCP port, as /work/shared/FIXTURES.md shows, and stopped by the test;
//! plus the errors when no daemon answers or the image is not there.

use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::*;

fn run(args: &[&str], docker_host: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(fixtures())
        .env("DOCKER_HOST", docker_host)
        .output()
        .expect("run portcullis")
}

/// Sorted `RULE location related message` of the one target's findings; and its kind.
fn findings(o: &Output) -> (String, Vec<String>) {
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let t = &r["targets"][0];
    let mut items: Vec<String> = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"], f["location"], f["related"], f["message"]
            )
        })
        .chain(
            t["notes"]
                .as_array()
                .expect("notes")
                .iter()
                .map(|n| format!("note {} {}", n["rule"], n["location"])),
        )
        .collect();
    items.sort();
    (t["kind"].as_str().unwrap_or("").to_owned(), items)
}

/// A Docker engine on a private socket, stopped (by its PID) when dropped.
struct Daemon {
    child: Child,
    host: String,
    /// `tcp://127.0.0.1:PORT`: plain (`--tls=false`), or TLS with client
    /// certificates when started with a certificate directory.
    tcp_host: String,
    dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM lets dockerd clean up its mounts; wait, then make sure.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

impl Daemon {
    /// With `tls`, a directory holding `ca.pem`, `server-cert.pem` and
    /// `server-key.pem`: the TCP port then wants TLS and a client
    /// certificate signed by that CA (`--tlsverify`).
    fn start(tls: Option<&Path>) -> Option<Daemon> {
        let required = std::env::var("PORTCULLIS_DAEMON_TESTS").as_deref() == Ok("required");
        if !have("dockerd") || !have("docker") {
            assert!(
                !required,
                "dockerd is required (PORTCULLIS_DAEMON_TESTS=required)"
            );
            eprintln!("skipping: dockerd is not installed");
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("pd")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let d = dir.path();
        let socket = d.join("d.sock");
        let host = format!("unix://{}", socket.display());
        let tcp_host = format!("tcp://127.0.0.1:{}", free_port());
        let child = Command::new("dockerd")
            .arg("--data-root")
            .arg(d.join("data"))
            .arg("--exec-root")
            .arg(d.join("exec"))
            .arg("-H")
            .arg(&host)
            .arg("-H")
            .arg(&tcp_host)
            .args(match tls {
                None => vec!["--tls=false".to_owned()],
                Some(certs) => {
                    let file = |name: &str| certs.join(name).display().to_string();
                    vec![
                        "--tlsverify".to_owned(),
                        format!("--tlscacert={}", file("ca.pem")),
                        format!("--tlscert={}", file("server-cert.pem")),
                        format!("--tlskey={}", file("server-key.pem")),
                    ]
                }
            })
            .arg("--pidfile")
            .arg(d.join("dockerd.pid"))
            .args([
                "--storage-driver",
                "vfs",
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dockerd");
        let mut daemon = Daemon {
            child,
            host,
            tcp_host,
            dir,
        };
        let started = Instant::now();
        loop {
            let ok = Command::new("docker")
                .args(["version"])
                .env("DOCKER_HOST", &daemon.host)
                .output()
                .is_ok_and(|o| o.status.success());
            if ok {
                break;
            }
            if let Ok(Some(status)) = daemon.child.try_wait() {
                assert!(!required, "dockerd exited: {status}");
                eprintln!("skipping: dockerd cannot run here ({status})");
                return None;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "dockerd did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(daemon)
    }

    fn load(&self, archive: &Path) {
        let o = Command::new("docker")
            .arg("load")
            .arg("-q")
            .arg("-i")
            .arg(archive)
            .env("DOCKER_HOST", &self.host)
            .output()
            .expect("docker load");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn real_daemon_gives_the_archive_findings() {
    let Some(daemon) = Daemon::start(None) else {
        return;
    };
    daemon.load(&fixtures().join("docker-classic.tar"));
    for image in ["localhost/bad:1", "localhost/good:1", "localhost/removed:1"] {
        let archive = findings(&run(
            &[
                "scan",
                "--format",
                "json",
                &format!("docker-archive:docker-classic.tar:{image}"),
            ],
            &daemon.host,
        ));
        let o = run(
            &[
                "scan",
                "--format",
                "json",
                &format!("docker-daemon:{image}"),
            ],
            &daemon.host,
        );
        let (kind, items) = findings(&o);
        assert_eq!(kind, "docker-daemon");
        assert_eq!(items, archive.1, "{image}");
        // The same daemon over plain TCP.
        let o = run(
            &[
                "scan",
                "--format",
                "json",
                &format!("docker-daemon:{image}"),
            ],
            &daemon.tcp_host,
        );
        assert_eq!(findings(&o), (kind, items), "{image} over tcp://");
    }
    let missing = run(&["scan", "docker-daemon:localhost/none:1"], &daemon.host);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "error: docker-daemon:localhost/none:1: the Docker daemon answered 404: reference does not exist\n"
    );
    images_named_by_a_manifest_come_from_the_daemon(&daemon);
}

/// `--images=daemon`: the images a manifest names, from the same daemon
/// (run from the one test that starts it: a daemon takes seconds).
fn images_named_by_a_manifest_come_from_the_daemon(daemon: &Daemon) {
    let runtime = repo().join("fixtures/runtime");
    for name in ["numeric", "rootful", "named"] {
        daemon.load(&runtime.join(format!("{name}.docker.tar")));
    }
    let deploy = runtime
        .join("will-not-start/deploy.yaml")
        .display()
        .to_string();
    let o = run(
        &["scan", "--format", "json", "--images=daemon", &deploy],
        &daemon.host,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let targets = targets_and_kinds(&r);
    assert_eq!(
        targets,
        [
            format!("{deploy} (kubernetes)"),
            "docker-daemon:localhost/numeric:1 (docker-daemon)".into(),
            "docker-daemon:localhost/rootful:1 (docker-daemon)".into(),
            "docker-daemon:localhost/named:1 (docker-daemon)".into(),
        ]
    );
    let will_not_start: Vec<&str> = r["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "PC42204")
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        will_not_start,
        [
            "container `rootful` of Deployment `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `localhost/rootful:1` runs as root (no USER): the kubelet refuses to run it",
            "container `named` of Deployment `web` will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `localhost/named:1` runs as `app` (its USER), a user name: the kubelet cannot verify that a name is not root",
        ]
    );
}

#[test]
fn no_daemon() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("none.sock");
    let host = format!("unix://{}", socket.display());
    let o = run(&["scan", "docker-daemon:app:dev"], &host);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: docker-daemon:app:dev: no Docker daemon answers at {}: No such file or directory (set DOCKER_HOST=unix://PATH or tcp://HOST:PORT)\n",
            socket.display()
        )
    );
    let port = free_port();
    let tcp = run(
        &["scan", "docker-daemon:app:dev"],
        &format!("tcp://127.0.0.1:{port}"),
    );
    assert_eq!(tcp.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&tcp.stderr),
        format!("error: docker-daemon:app:dev: no Docker daemon answers at tcp://127.0.0.1:{port}: Connection refused (set DOCKER_HOST=unix://PATH or tcp://HOST:PORT)\n")
    );
    for (host, tls, message) in [
        (
            "ssh://me@host",
            "",
            "DOCKER_HOST=ssh://me@host: only unix:// and tcp:// endpoints are supported",
        ),
        (
            "tcp://127.0.0.1:2376",
            "1",
            "/nonexistent-portcullis/ca.pem: No such file or directory (DOCKER_CERT_PATH)",
        ),
        (
            "tcp://",
            "",
            "DOCKER_HOST=tcp://: expected tcp://HOST[:PORT]",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .env(
                "PORTCULLIS_DB",
                "/nonexistent/portcullis-tests/advisories.db",
            )
            .args(["scan", "docker-daemon:app:dev"])
            .env("DOCKER_HOST", host)
            .env("DOCKER_TLS_VERIFY", tls)
            .env("DOCKER_CERT_PATH", "/nonexistent-portcullis")
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(2), "{host}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!("error: docker-daemon:app:dev: {message}\n")
        );
    }
}

/// Run openssl in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A CA (`ca.pem`), a server certificate for 127.0.0.1 signed by it
/// (`server-cert.pem`, `server-key.pem`) and a client one (`cert.pem`,
/// `key.pem`), as `dockerd --tlsverify` and `DOCKER_CERT_PATH` want them.
fn make_certificates(dir: &Path, ca_name: &str) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let subject = format!("/CN={ca_name}");
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        &subject,
    ]);
    openssl(dir, &ca);
    for (name, key, ext) in [
        (
            "server",
            "server-key.pem",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "key.pem", "extendedKeyUsage=clientAuth\n"),
    ] {
        std::fs::write(dir.join(format!("{name}.ext")), ext).expect("ext");
        let mut req = vec!["req"];
        req.extend(ec);
        let csr = format!("{name}.csr");
        let subject = format!("/CN={name}");
        req.extend(["-keyout", key, "-out", &csr, "-subj", &subject]);
        openssl(dir, &req);
        let cert = if name == "server" {
            "server-cert.pem"
        } else {
            "cert.pem"
        };
        let ext = format!("{name}.ext");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca-key.pem",
                "-CAcreateserial",
                "-out",
                cert,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
    }
}

/// `DOCKER_TLS_VERIFY`: a real daemon that wants TLS and a client
/// certificate is scanned with `DOCKER_CERT_PATH`'s; one whose certificate
/// that CA did not sign is refused.
#[test]
fn real_daemon_over_tls_with_a_client_certificate() {
    let certs = tempfile::tempdir().expect("tempdir");
    make_certificates(certs.path(), "test-ca");
    let Some(daemon) = Daemon::start(Some(certs.path())) else {
        return;
    };
    daemon.load(&fixtures().join("docker-classic.tar"));
    let scan = |cert_path: &Path| {
        Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .env(
                "PORTCULLIS_DB",
                "/nonexistent/portcullis-tests/advisories.db",
            )
            .args(["scan", "--format", "json", "docker-daemon:localhost/bad:1"])
            .current_dir(fixtures())
            .env("DOCKER_HOST", &daemon.tcp_host)
            .env("DOCKER_TLS_VERIFY", "1")
            .env("DOCKER_CERT_PATH", cert_path)
            .output()
            .expect("run portcullis")
    };
    let archive = findings(&run(
        &[
            "scan",
            "--format",
            "json",
            "docker-archive:docker-classic.tar:localhost/bad:1",
        ],
        &daemon.host,
    ));
    let (kind, items) = findings(&scan(certs.path()));
    assert_eq!(kind, "docker-daemon");
    assert_eq!(items, archive.1);
    // Another CA: the daemon's certificate is not trusted.
    let other = tempfile::tempdir().expect("tempdir");
    make_certificates(other.path(), "other-ca");
    let o = scan(other.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: docker-daemon:localhost/bad:1: cannot talk to the Docker daemon: invalid peer certificate: UnknownIssuer\n"
    );
    // No client key where DOCKER_CERT_PATH says.
    std::fs::remove_file(other.path().join("key.pem")).expect("rm");
    let o = scan(other.path());
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr
            == format!(
                "error: docker-daemon:localhost/bad:1: {}: No such file or directory (DOCKER_CERT_PATH)\n",
                other.path().join("key.pem").display()
            ),
        "{stderr}"
    );
}

/// A loopback port nothing listens on (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn a_daemon_that_stalls_times_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("slow.sock");
    let listener = UnixListener::bind(&socket).expect("bind");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            // Accept, say nothing.
            held.push(s);
        }
    });
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(["scan", "--registry-timeout", "1", "docker-daemon:app:dev"])
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .output()
        .expect("run");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: docker-daemon:app:dev: reading from the Docker daemon: timed out\n"
    );
}
