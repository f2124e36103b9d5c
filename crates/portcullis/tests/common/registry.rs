//! A real registry (Debian's `docker-registry`) on a loopback port for the
//! tests that read images from one, started and stopped by the test.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{fixtures, stderr};

/// A real registry on 127.0.0.1, stopped (by its PID) when dropped.
pub struct Registry {
    child: Child,
    pub host: String,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    pub fn start(htpasswd: Option<&str>) -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let auth = match htpasswd {
            Some(entry) => {
                std::fs::write(dir.path().join("htpasswd"), entry).expect("htpasswd");
                format!(
                    "auth: {{htpasswd: {{realm: test, path: {}}}}}\n",
                    dir.path().join("htpasswd").display()
                )
            }
            None => String::new(),
        };
        Registry::start_with(dir, &auth)
    }

    pub fn start_with(dir: tempfile::TempDir, auth: &str) -> Registry {
        Registry::start_on(dir, auth, "127.0.0.1", "")
    }

    /// On `host`, with `http_extra` added to the `http` settings (e.g. TLS).
    pub fn start_on(dir: tempfile::TempDir, auth: &str, host: &str, http_extra: &str) -> Registry {
        let port = TcpListener::bind((host, 0))
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let config = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"{host}:{port}\"{http_extra}}}\n{auth}",
            dir.path().join("data").display()
        );
        std::fs::write(dir.path().join("config.yml"), config).expect("config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start docker-registry");
        let registry = Registry {
            child,
            host: host.to_owned(),
            port,
            _dir: dir,
        };
        let started = Instant::now();
        while TcpStream::connect((host, port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "docker-registry did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    pub fn push(&self, image: &str, to: &str, creds: Option<&str>) {
        self.push_from(&fixtures().join("docker-classic.tar"), image, to, creds);
    }

    /// Push `image` of the docker-archive `archive` to `to`.
    pub fn push_from(&self, archive: &Path, image: &str, to: &str, creds: Option<&str>) {
        let mut cmd = Command::new("skopeo");
        cmd.args(["copy", "-q", "--dest-tls-verify=false"]);
        if let Some(c) = creds {
            cmd.args(["--dest-creds", c]);
        }
        let o = cmd
            .arg(format!("docker-archive:{}:{image}", archive.display()))
            .arg(format!("docker://{}:{}/{to}", self.host, self.port))
            .output()
            .expect("skopeo");
        assert!(o.status.success(), "skopeo: {}", stderr(&o));
    }
}
