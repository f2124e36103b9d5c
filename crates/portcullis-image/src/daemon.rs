//! Docker daemon targets (`docker-daemon:NAME[:TAG]`): the image exported by
//! the Engine API (`GET /images/{name}/get`) on its unix socket or a
//! `tcp://` endpoint (`DOCKER_HOST`; with `DOCKER_TLS_VERIFY`, over TLS with
//! the client certificate in `DOCKER_CERT_PATH`, as the Docker CLI does),
//! read as the stream it is — never written to disk.
//!
//! The export is a `docker save` tar, and its index (`manifest.json`) comes
//! last, so the stream cannot be read the way archives are (seeking to the
//! members the manifest names). Instead each member is classified as it
//! passes: small JSON members (configs, manifests, the index) are kept in
//! memory (each at most the metadata cap); every other member is read as a
//! layer in the same single pass as archive layers (hash, decompress, walk)
//! and only its entry table is kept. At the end the manifest says which
//! tables are the image's layers, in which order; they are checked against
//! the config's diff_ids and merged. Memory grows with the layers' entries,
//! as for archives, not with their bytes; layers are read one after the
//! other, as the stream delivers them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{io_text, Error, Result};
use crate::fs::Filesystem;
use crate::layer::{self, Budget, LayerTable};
use crate::source::METADATA_CAP;
use crate::{Image, Layer, LoadOptions};

/// Where the Engine API answers.
enum Endpoint {
    Unix(String),
    /// `HOST:PORT`, plain TCP (a daemon started with `-H tcp://…`
    /// `--tls=false`, as Docker-in-Docker services in CI often are).
    Tcp(String),
    /// `HOST:PORT` over TLS: the daemon checked against `ca.pem`, the
    /// client known by `cert.pem` and `key.pem`, all in `certs`.
    Tls {
        authority: String,
        host: String,
        certs: PathBuf,
    },
}

/// What `DOCKER_*` variables say about the daemon.
struct DockerEnv<'a> {
    host: Option<&'a str>,
    tls_verify: bool,
    /// `DOCKER_CERT_PATH`, else `~/.docker`.
    cert_path: Option<PathBuf>,
}

/// The endpoint `DOCKER_HOST` names (`unix://PATH`, `tcp://HOST[:PORT]`,
/// port 2375, or 2376 with TLS), or the default socket.
fn endpoint(env: &DockerEnv<'_>) -> Result<Endpoint> {
    let Some(host) = env.host.filter(|h| !h.is_empty()) else {
        return Ok(Endpoint::Unix("/var/run/docker.sock".to_owned()));
    };
    if let Some(path) = host.strip_prefix("unix://") {
        return Ok(Endpoint::Unix(path.to_owned()));
    }
    if let Some(rest) = host.strip_prefix("tcp://") {
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains('/') || authority.contains('@') {
            return Err(Error::new(format!(
                "DOCKER_HOST={host}: expected tcp://HOST[:PORT]"
            )));
        }
        let (name, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && p.parse::<u16>().is_ok() => (h, Some(p)),
            _ => (authority, None),
        };
        let port = port.unwrap_or(if env.tls_verify { "2376" } else { "2375" });
        let authority = format!("{name}:{port}");
        if !env.tls_verify {
            return Ok(Endpoint::Tcp(authority));
        }
        let certs = env.cert_path.clone().ok_or_else(|| {
            Error::new(format!(
                "DOCKER_HOST={host} with DOCKER_TLS_VERIFY: no DOCKER_CERT_PATH and no home directory for ~/.docker"
            ))
        })?;
        return Ok(Endpoint::Tls {
            authority,
            host: name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            certs,
        });
    }
    Err(Error::new(format!(
        "DOCKER_HOST={host}: only unix:// and tcp:// endpoints are supported"
    )))
}

/// The TLS client of a `DOCKER_TLS_VERIFY` daemon: trusts `ca.pem` only and
/// presents `cert.pem` with `key.pem`, as the Docker CLI does.
fn tls_config(certs: &Path) -> std::result::Result<rustls::ClientConfig, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let shown = |file: &str| certs.join(file).display().to_string();
    let said = |e: rustls::pki_types::pem::Error| match e {
        rustls::pki_types::pem::Error::Io(e) => io_text(&e),
        rustls::pki_types::pem::Error::NoItemsFound => "nothing of that kind in it".to_owned(),
        other => format!("not valid PEM: {other}"),
    };
    let read_certs = |file: &str| -> std::result::Result<Vec<CertificateDer<'static>>, String> {
        let list = CertificateDer::pem_file_iter(certs.join(file))
            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| format!("{}: {} (DOCKER_CERT_PATH)", shown(file), said(e)))?;
        if list.is_empty() {
            return Err(format!(
                "{}: no certificate in it (DOCKER_CERT_PATH)",
                shown(file)
            ));
        }
        Ok(list)
    };
    let mut roots = rustls::RootCertStore::empty();
    for ca in read_certs("ca.pem")? {
        roots
            .add(ca)
            .map_err(|e| format!("{}: {e} (DOCKER_CERT_PATH)", shown("ca.pem")))?;
    }
    let chain = read_certs("cert.pem")?;
    let key = PrivateKeyDer::from_pem_file(certs.join("key.pem"))
        .map_err(|e| format!("{}: {} (DOCKER_CERT_PATH)", shown("key.pem"), said(e)))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .map_err(|e| {
            format!(
                "{} and key.pem do not make a client identity: {e}",
                shown("cert.pem")
            )
        })
}

/// A connection to the Engine API, any kind.
enum Connection {
    Unix(UnixStream),
    Tcp(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Connection::Unix(s) => s.read(buf),
            Connection::Tcp(s) => s.read(buf),
            Connection::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Connection::Unix(s) => s.write(buf),
            Connection::Tcp(s) => s.write(buf),
            Connection::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Connection::Unix(s) => s.flush(),
            Connection::Tcp(s) => s.flush(),
            Connection::Tls(s) => s.flush(),
        }
    }
}

/// A TCP connection to `authority`, with `timeout` for connecting, reading
/// and writing.
fn connect_tcp(authority: &str, timeout: Duration) -> std::io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in authority.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no address")))
}

/// Connect, with `timeout` for connecting (TCP), reading and writing. The
/// error is a sentence naming where (and, for TLS, which file) failed.
fn connect(endpoint: &Endpoint, timeout: Duration) -> std::result::Result<Connection, String> {
    let unreachable = |at: &str, e: std::io::Error| {
        format!(
            "no Docker daemon answers at {at}: {} (set DOCKER_HOST=unix://PATH or tcp://HOST:PORT)",
            io_text(&e)
        )
    };
    match endpoint {
        Endpoint::Unix(path) => {
            let s = UnixStream::connect(path).map_err(|e| unreachable(path, e))?;
            s.set_read_timeout(Some(timeout))
                .and_then(|()| s.set_write_timeout(Some(timeout)))
                .map_err(|e| io_text(&e))?;
            Ok(Connection::Unix(s))
        }
        Endpoint::Tcp(authority) => connect_tcp(authority, timeout)
            .map(Connection::Tcp)
            .map_err(|e| unreachable(&format!("tcp://{authority}"), e)),
        Endpoint::Tls {
            authority,
            host,
            certs,
        } => {
            let config = tls_config(certs)?;
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|e| format!("DOCKER_HOST names {host:?}, not a host name: {e}"))?;
            let client = rustls::ClientConnection::new(Arc::new(config), name)
                .map_err(|e| format!("TLS to tcp://{authority}: {e}"))?;
            let tcp = connect_tcp(authority, timeout)
                .map_err(|e| unreachable(&format!("tcp://{authority}"), e))?;
            Ok(Connection::Tls(Box::new(rustls::StreamOwned::new(
                client, tcp,
            ))))
        }
    }
}

/// `app` → `app:latest`; names with a tag or digest, and image IDs, as given.
fn with_tag(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(':') || name.contains('@') {
        name.to_owned()
    } else {
        format!("{name}:latest")
    }
}

/// Percent-encode a path segment.
fn encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
}

/// `a/b/../c` → `a/c`, `./x` → `x`.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Load the image `name` from the Docker daemon.
pub fn load(name: &str, options: &LoadOptions<'_>, timeout: Duration) -> Result<Image> {
    let shown = format!("docker-daemon:{name}");
    let fail = |m: String| Error::new(format!("{shown}: {m}"));
    let host = std::env::var("DOCKER_HOST").ok();
    let env = DockerEnv {
        host: host.as_deref(),
        tls_verify: std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty()),
        cert_path: std::env::var_os("DOCKER_CERT_PATH")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker"))),
    };
    let endpoint = endpoint(&env).map_err(|e| fail(e.message))?;
    let socket = match &endpoint {
        Endpoint::Unix(path) => path.clone(),
        Endpoint::Tcp(authority) | Endpoint::Tls { authority, .. } => format!("tcp://{authority}"),
    };
    let mut stream = connect(&endpoint, timeout).map_err(fail)?;
    let wanted = with_tag(name);
    // HTTP/1.0: the daemon answers without chunked encoding and closes.
    let request = format!(
        "GET /images/{}/get HTTP/1.0\r\nHost: docker\r\nUser-Agent: portcullis\r\n\r\n",
        encode(&wanted)
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| fail(format!("cannot talk to the Docker daemon: {}", io_text(&e))))?;
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let read_err =
        |e: std::io::Error| fail(format!("reading from the Docker daemon: {}", said(&e)));
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(read_err)?;
    let code: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| fail(format!("not an HTTP answer from {socket}")))?;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(read_err)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            if k.eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
            {
                chunked = true;
            }
        }
    }
    if code != 200 {
        let mut body = Vec::new();
        let _ = (&mut reader).take(64 << 10).read_to_end(&mut body);
        #[derive(Deserialize)]
        struct Message {
            message: String,
        }
        let message = serde_json::from_slice::<Message>(&body)
            .map(|m| m.message)
            .unwrap_or_else(|_| String::from_utf8_lossy(&body).trim().to_owned());
        return Err(fail(format!(
            "the Docker daemon answered {code}: {message}"
        )));
    }
    if chunked {
        return Err(fail(
            "the Docker daemon sent a chunked answer to HTTP/1.0".into(),
        ));
    }
    read_export(Said { inner: reader }, &shown, options)
}

fn said(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timed out".to_owned(),
        _ => io_text(e),
    }
}

/// The daemon's stream, its read errors said as they are (not as a corrupt layer).
struct Said<R> {
    inner: R,
}

impl<R: Read> Read for Said<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                crate::error::SourceError(format!("reading from the Docker daemon: {}", said(&e))),
            )
        })
    }
}

/// Read a `docker save` tar stream in one pass (see the module docs).
pub(crate) fn read_export(
    stream: impl Read,
    shown: &str,
    options: &LoadOptions<'_>,
) -> Result<Image> {
    let fail = |m: String| Error::new(format!("{shown}: {m}"));
    let budget = Budget::new(options.max_uncompressed);
    let mut metadata: HashMap<String, Vec<u8>> = HashMap::new();
    let mut tables: HashMap<String, LayerTable> = HashMap::new();
    let mut links: HashMap<String, String> = HashMap::new();
    let mut archive = tar::Archive::new(stream);
    let bad = |e: std::io::Error| {
        fail(format!(
            "the export is not a readable tar stream: {}",
            io_text(&e)
        ))
    };
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let member = clean(&String::from_utf8_lossy(&entry.path_bytes()));
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            if let Some(target) = entry.link_name_bytes() {
                let target = String::from_utf8_lossy(&target).into_owned();
                let base = match kind.is_symlink() {
                    true => member.rsplit_once('/').map_or("", |(d, _)| d).to_owned(),
                    false => String::new(),
                };
                links.insert(member, clean(&format!("{base}/{target}")));
            }
            continue;
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let size = entry.size();
        let mut buffered = BufReader::with_capacity(1 << 16, &mut entry);
        let first = buffered.fill_buf().map_err(bad)?.first().copied();
        // Layers are `<id>/layer.tar` (classic) or blobs that are not JSON
        // (Docker 25+); the rest (VERSION, json, repositories) is metadata.
        let layer_like = crate::store::is_layer_member(&member, first);
        if !layer_like {
            if size > METADATA_CAP {
                continue;
            }
            let mut bytes = Vec::with_capacity(size as usize);
            buffered.read_to_end(&mut bytes).map_err(bad)?;
            metadata.insert(member, bytes);
        } else {
            let read = |n: u64| (options.progress)(n);
            let counted = Counting {
                inner: buffered,
                report: &read,
            };
            // No blob digest to lean on (layers are named by their diff_id
            // at best): always hash what the tar stream is.
            let table =
                layer::read_layer_with(counted, &budget, options.want, true, options.analyser)
                    .map_err(|e| fail(format!("{member}: {e}")))?;
            tables.insert(member, table);
        }
    }
    let resolve = |name: &str| -> String {
        let mut at = clean(name);
        for _ in 0..16 {
            match links.get(&at) {
                Some(next) => at = next.clone(),
                None => break,
            }
        }
        at
    };
    let manifest = metadata
        .get("manifest.json")
        .ok_or_else(|| fail("the export has no manifest.json".into()))?;
    let entries: Vec<ManifestEntry> = serde_json::from_slice(manifest)
        .map_err(|e| fail(format!("the export's manifest.json is not valid: {e}")))?;
    let entry = match entries.as_slice() {
        [one] => one,
        [] => return Err(fail("the export lists no image".into())),
        _ => {
            return Err(fail(format!(
                "the export holds {} images; name one tag",
                entries.len()
            )))
        }
    };
    let config_name = resolve(&entry.config);
    let config_bytes = metadata
        .get(&config_name)
        .ok_or_else(|| fail(format!("the export has no config {config_name}")))?;
    let config_digest = layer::sha256_hex(config_bytes);
    let hex = config_name
        .strip_prefix("blobs/sha256/")
        .or_else(|| config_name.strip_suffix(".json"))
        .unwrap_or("");
    if hex.len() == 64 && format!("sha256:{hex}") != config_digest {
        return Err(fail(format!(
            "config {config_name} does not match its digest: got {config_digest}"
        )));
    }
    let (config, diff_ids) =
        crate::parse_config(config_bytes, &config_digest, entry.layers.len()).map_err(fail)?;
    let mut fs = Filesystem::default();
    let mut layers = Vec::new();
    let mut facts = Vec::new();
    for (index, name) in entry.layers.iter().enumerate() {
        let at = |m: String| fail(format!("layer {index} ({name}): {m}"));
        let member = resolve(name);
        let mut table = match (tables.get(&member), metadata.get(&member)) {
            (Some(t), _) => t.clone(),
            // A layer that looked like JSON: read it from memory.
            (None, Some(bytes)) => {
                layer::read_layer_with(&bytes[..], &budget, options.want, true, options.analyser)
                    .map_err(at)?
            }
            (None, None) => return Err(at("missing from the export".into())),
        };
        if let Some(hex) = member.strip_prefix("blobs/sha256/") {
            if format!("sha256:{hex}") != table.blob_digest {
                return Err(at(format!(
                    "blob does not match its digest: got {}",
                    table.blob_digest
                )));
            }
        }
        layers.push(Layer::checked(&table, &diff_ids[index]).map_err(at)?);
        facts.push(table.facts.take());
        fs.apply(table, options.want);
    }
    Ok(Image {
        name: shown.to_owned(),
        kind: "docker-daemon",
        digest: config_digest.clone(),
        config_digest,
        config,
        layers,
        fs,
        facts,
        references: vec![shown.trim_start_matches("docker-daemon:").to_owned()],
    })
}

/// Reports bytes as they are read.
struct Counting<'a, R> {
    inner: R,
    report: &'a dyn Fn(u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.report)(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_forms() {
        let shown = |host: Option<&str>, tls_verify: bool| {
            let env = DockerEnv {
                host,
                tls_verify,
                cert_path: Some(PathBuf::from("/certs")),
            };
            match endpoint(&env) {
                Ok(Endpoint::Unix(p)) => format!("unix {p}"),
                Ok(Endpoint::Tcp(a)) => format!("tcp {a}"),
                Ok(Endpoint::Tls {
                    authority,
                    host,
                    certs,
                }) => format!("tls {authority} {host} {}", certs.display()),
                Err(e) => e.message,
            }
        };
        assert_eq!(shown(None, false), "unix /var/run/docker.sock");
        assert_eq!(shown(Some(""), false), "unix /var/run/docker.sock");
        assert_eq!(shown(Some("unix:///run/d.sock"), false), "unix /run/d.sock");
        assert_eq!(shown(Some("tcp://dind:2375"), false), "tcp dind:2375");
        assert_eq!(shown(Some("tcp://dind"), false), "tcp dind:2375");
        assert_eq!(shown(Some("tcp://dind/"), false), "tcp dind:2375");
        assert_eq!(shown(Some("tcp://[::1]:2375"), false), "tcp [::1]:2375");
        assert_eq!(shown(Some("tcp://[::1]"), false), "tcp [::1]:2375");
        assert_eq!(
            shown(Some("tcp://dind:2376"), true),
            "tls dind:2376 dind /certs"
        );
        assert_eq!(shown(Some("tcp://dind"), true), "tls dind:2376 dind /certs");
        assert_eq!(
            shown(Some("tcp://[::1]"), true),
            "tls [::1]:2376 ::1 /certs"
        );
        assert_eq!(
            shown(Some("tcp://user@dind"), false),
            "DOCKER_HOST=tcp://user@dind: expected tcp://HOST[:PORT]"
        );
        assert_eq!(
            shown(Some("npipe:////./pipe/docker_engine"), false),
            "DOCKER_HOST=npipe:////./pipe/docker_engine: only unix:// and tcp:// endpoints are supported"
        );
    }

    #[test]
    fn names_and_paths() {
        assert_eq!(with_tag("app"), "app:latest");
        assert_eq!(with_tag("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(with_tag("app:dev"), "app:dev");
        assert_eq!(with_tag("app@sha256:00"), "app@sha256:00");
        assert_eq!(encode("reg:5000/a b"), "reg:5000%2Fa%20b");
        assert_eq!(clean("./a/../b/./c"), "b/c");
    }

    #[test]
    fn reads_a_whole_export_stream_then_wants_one_image() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/images/docker-classic.tar"
        );
        let file = std::fs::File::open(path).expect("fixture");
        let want = |_: &[u8]| false;
        let progress = |_: u64| {};
        let options = LoadOptions {
            max_uncompressed: u64::MAX,
            want: &want,
            progress: &progress,
            full_digests: false,
            analyser: None,
        };
        let err = read_export(file, "docker-daemon:x", &options).expect_err("nine images");
        assert_eq!(
            err.message,
            "docker-daemon:x: the export holds 9 images; name one tag"
        );
    }
}
