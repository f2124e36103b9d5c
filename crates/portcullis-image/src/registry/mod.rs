//! Registry targets (`docker://…`): the distribution API v2 over HTTP(S).
//!
//! Manifests are fetched with content negotiation (OCI index and manifest,
//! Docker manifest list and schema 2; schema 1 is refused) and capped in
//! size; the platform is picked by the same index logic as for archives.
//! Config and layer blobs are streamed from the response body straight into
//! the single-pass layer reader (hash, decompress, walk), several layers at
//! once, never written to disk, their digests verified by the loader.
//!
//! Auth: anonymous, basic, and the bearer token flow of `WWW-Authenticate`.
//! Redirects are followed by hand, so credentials are only ever sent to the
//! registry's own origin (scheme, host and port) and never follow a redirect
//! to blob storage elsewhere. TLS (rustls, Mozilla roots) is verified;
//! plain HTTP is used only for loopback hosts and `--insecure-registry` ones.

mod auth;
mod reference;

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use auth::Credentials;
pub use reference::Reference;

use crate::error::{io_text, Error, Result};
use crate::source::ImageRef;
use crate::store::Store;

/// Manifests and indexes larger than this are refused (the distribution
/// spec's registries cap them at 4 MiB).
pub const MANIFEST_CAP: u64 = 4 << 20;
/// Token service answers larger than this are refused.
const TOKEN_CAP: u64 = 1 << 20;
const MAX_REDIRECTS: usize = 5;
const RETRIES: u32 = 3;

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.5";

/// How to reach registries.
#[derive(Clone, Debug)]
pub struct RegistryOptions {
    /// Hosts (`host` or `host:port`) reached over plain HTTP.
    pub insecure: Vec<String>,
    /// Credentials given on the command line; else the auth files are used.
    pub credentials: Option<Credentials>,
    /// Connect and read timeout: a registry silent this long is an error.
    pub timeout: Duration,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            insecure: Vec::new(),
            credentials: None,
            timeout: Duration::from_secs(30),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// The proxy requests to `scheme://host:port` go through, from the
/// environment as curl and Go read it: `https_proxy`/`HTTPS_PROXY` for
/// HTTPS, `http_proxy`/`HTTP_PROXY` for HTTP, else `all_proxy`/`ALL_PROXY`;
/// none for loopback hosts and for hosts `no_proxy`/`NO_PROXY` names (a
/// comma-separated list of host names, which also cover their subdomains,
/// with an optional leading `.` or `*.`; IP addresses (IPv6 in brackets
/// when a port follows) and CIDR ranges; each with an optional `:port`; or
/// `*` for every host). Returns (the variable, its value).
pub fn proxy_for(
    scheme: &str,
    host: &str,
    port: u16,
    var: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, String)> {
    let get = |name: &str| {
        let lower = name.to_ascii_lowercase();
        [lower, name.to_owned()]
            .into_iter()
            .find_map(|n| var(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if is_loopback(&host) {
        return None;
    }
    if let Some((_, list)) = get("NO_PROXY") {
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                return None;
            }
            let (name, wanted_port) = match entry.strip_prefix('[').and_then(|e| e.split_once(']'))
            {
                Some((name, after)) => (name, after.strip_prefix(':').and_then(|p| p.parse().ok())),
                None => match entry.rsplit_once(':') {
                    Some((name, p)) if !name.contains(':') => (name, p.parse::<u16>().ok()),
                    _ => (entry, None),
                },
            };
            if wanted_port.is_some_and(|p| p != port) {
                continue;
            }
            if let Some((network, bits)) = name.split_once('/') {
                if in_network(&host, network, bits) {
                    return None;
                }
                continue;
            }
            let name = name
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase();
            if host == name || host.ends_with(&format!(".{name}")) {
                return None;
            }
        }
    }
    match scheme {
        "https" => get("HTTPS_PROXY"),
        _ => get("HTTP_PROXY"),
    }
    .or_else(|| get("ALL_PROXY"))
}

/// Whether the IP address `host` is in `network/bits` (same family).
fn in_network(host: &str, network: &str, bits: &str) -> bool {
    use std::net::IpAddr;
    let (Ok(host), Ok(network), Ok(bits)) = (
        host.parse::<IpAddr>(),
        network
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    let prefix = |a: u128, b: u128, width: u32| {
        bits <= width && (bits == 0 || (a ^ b) >> (width - bits) == 0)
    };
    match (host, network) {
        (IpAddr::V4(h), IpAddr::V4(n)) => prefix(u32::from(h).into(), u32::from(n).into(), 32),
        (IpAddr::V6(h), IpAddr::V6(n)) => prefix(u128::from(h), u128::from(n), 128),
        _ => false,
    }
}

/// Loopback hosts and the ones the user named: TLS unverified, plain HTTP allowed.
fn is_insecure(reference: &Reference, options: &RegistryOptions) -> bool {
    is_loopback(reference.host_only())
        || options
            .insecure
            .iter()
            .any(|h| *h == reference.registry || h == reference.host_only())
}

/// Accepts any server certificate (signatures are still checked): only for
/// registries the user named insecure, and loopback ones.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn unverified_tls() -> Result<Arc<rustls::ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// For an insecure registry: `https` if it speaks TLS (any certificate),
/// else `http` — as Docker does for insecure registries.
fn probe_scheme(agent: &ureq::Agent, base: &url::Url) -> &'static str {
    match agent
        .request_url("GET", &base.join("v2/").unwrap_or_else(|_| base.clone()))
        .call()
    {
        Ok(_) | Err(ureq::Error::Status(..)) => "https",
        Err(ureq::Error::Transport(_)) => "http",
    }
}

/// A proxy URL as it may be shown: whatever is before an `@` (a user name
/// and password) left out. Read as text, not as a URL: `user:pass@host`
/// without a scheme parses as a URL whose scheme is the user name.
pub fn redacted(proxy: &str) -> String {
    let (scheme, rest) = match proxy.split_once("://") {
        Some((scheme, rest)) => (&proxy[..scheme.len() + 3], rest),
        None => ("", proxy),
    };
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}…@{host}"),
        None => proxy.to_owned(),
    }
}

/// A connection to one repository of one registry.
pub(crate) struct Client {
    /// Agents by (proxy, TLS unverified), made as requests need them: the
    /// proxy is chosen for each request's host (a token realm or blob
    /// storage may be elsewhere, and `no_proxy` or loopback), and TLS is
    /// unverified only for the registry's own host when it is insecure.
    agents: Mutex<HashMap<(Option<String>, bool), ureq::Agent>>,
    insecure: bool,
    timeout: Duration,
    /// `https://host:port`
    base: url::Url,
    reference: Reference,
    shown: String,
    credentials: Option<Credentials>,
    /// The `Authorization` value the registry accepted (or last asked for).
    authorization: Mutex<Option<String>>,
    /// Blob sizes from the manifest, by digest.
    sizes: Mutex<HashMap<String, u64>>,
    /// Manifests already fetched, by digest.
    manifests: Mutex<HashMap<String, Vec<u8>>>,
    /// The longest `Retry-After` waited for (the timeout): a registry that
    /// asks for longer is an error at once.
    longest_wait: Duration,
}

enum Status {
    Unauthorized,
    Denied,
    NotFound,
    Other(u16, String),
}

impl Client {
    fn new(reference: &Reference, options: &RegistryOptions) -> Result<Client> {
        let shown = reference.to_string();
        let insecure = is_insecure(reference, options);
        let base_for = |scheme: &str| {
            url::Url::parse(&format!("{scheme}://{}/", reference.api_host()))
                .map_err(|e| Error::new(format!("{shown}: invalid registry address: {e}")))
        };
        let credentials = match &options.credentials {
            Some(c) => Some(c.clone()),
            None => auth::from_config(&reference.registry)
                .map_err(|e| Error::new(format!("{shown}: {e}")))?,
        };
        let mut client = Client {
            agents: Mutex::new(HashMap::new()),
            insecure,
            timeout: options.timeout,
            base: base_for("https")?,
            reference: reference.clone(),
            shown: shown.clone(),
            credentials,
            authorization: Mutex::new(None),
            sizes: Mutex::new(HashMap::new()),
            manifests: Mutex::new(HashMap::new()),
            longest_wait: options.timeout,
        };
        if insecure && probe_scheme(&client.agent(&client.base)?, &client.base) == "http" {
            client.base = base_for("http")?;
        }
        Ok(client)
    }

    /// The agent for a request to `url`: through the proxy the environment
    /// names for its host (if any), verifying TLS unless it is this
    /// registry's own host and the registry is insecure.
    fn agent(&self, url: &url::Url) -> Result<ureq::Agent> {
        let proxy = proxy_for(
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default(),
            &|name| std::env::var(name).ok(),
        );
        let unverified = self.insecure
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default();
        let key = (proxy.as_ref().map(|(_, value)| value.clone()), unverified);
        let mut agents = self.agents.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(agent) = agents.get(&key) {
            return Ok(agent.clone());
        }
        let mut builder = ureq::AgentBuilder::new()
            .timeout_connect(self.timeout)
            .timeout_read(self.timeout)
            .timeout_write(self.timeout)
            .redirects(0)
            .user_agent(concat!("portcullis/", env!("CARGO_PKG_VERSION")));
        if unverified {
            builder = builder.tls_config(unverified_tls().map_err(|e| self.fail(e))?);
        }
        if let Some((name, value)) = &proxy {
            let proxy = ureq::Proxy::new(value).map_err(|e| {
                self.fail(format!(
                    "the proxy in {name} ({}) is not usable: {e}; an http:// proxy is",
                    redacted(value)
                ))
            })?;
            builder = builder.proxy(proxy);
        }
        let agent = builder.build();
        agents.insert(key, agent.clone());
        Ok(agent)
    }

    pub(crate) fn describe(&self) -> &str {
        &self.shown
    }

    fn fail(&self, m: impl std::fmt::Display) -> Error {
        Error::new(format!("{}: {m}", self.shown))
    }

    fn same_origin(&self, url: &url::Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    /// GET `path` (relative to the registry), with auth, retries and redirects.
    fn get(&self, path: &str, accept: Option<&str>, what: &str) -> Result<ureq::Response> {
        self.get_unless_missing(path, accept, what)?
            .ok_or_else(|| self.status_error(Status::NotFound, what))
    }

    /// [`Client::get`], with a 404 as `None`: for what a registry may not
    /// hold (a signature tag, the referrers API).
    fn get_unless_missing(
        &self,
        path: &str,
        accept: Option<&str>,
        what: &str,
    ) -> Result<Option<ureq::Response>> {
        let mut url = self
            .base
            .join(path)
            .map_err(|e| self.fail(format!("invalid request path {path:?}: {e}")))?;
        let mut authenticated = false;
        let mut hops = 0;
        loop {
            let same = self.same_origin(&url);
            let mut request = self.agent(&url)?.request_url("GET", &url);
            if let Some(a) = accept {
                request = request.set("Accept", a);
            }
            if same {
                let authorization = self
                    .authorization
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                if let Some(a) = authorization {
                    request = request.set("Authorization", &a);
                }
            }
            match self.call(request, what)? {
                Ok(response) if (300..400).contains(&response.status()) => {
                    hops += 1;
                    if hops > MAX_REDIRECTS {
                        return Err(self.fail(format!(
                            "{what}: more than {MAX_REDIRECTS} redirects (a redirect loop?)"
                        )));
                    }
                    let location = response.header("Location").ok_or_else(|| {
                        self.fail(format!(
                            "{what}: redirect ({}) without a Location",
                            response.status()
                        ))
                    })?;
                    let next = url.join(location).map_err(|e| {
                        self.fail(format!("{what}: invalid redirect to {location:?}: {e}"))
                    })?;
                    if url.scheme() == "https" && next.scheme() != "https" {
                        return Err(self.fail(format!(
                            "{what}: refusing a redirect from HTTPS to {}",
                            next.scheme()
                        )));
                    }
                    url = next;
                }
                Ok(response) => return Ok(Some(response)),
                Err((404, _)) => return Ok(None),
                Err((401, response)) if same && !authenticated => {
                    authenticated = true;
                    let challenge = response.header("WWW-Authenticate").map(str::to_owned);
                    self.authenticate(challenge.as_deref(), what)?;
                }
                Err((code, response)) => {
                    let status = match code {
                        401 => Status::Unauthorized,
                        403 => Status::Denied,
                        404 => Status::NotFound,
                        _ => Status::Other(code, response.status_text().to_owned()),
                    };
                    return Err(self.status_error(status, what));
                }
            }
        }
    }

    /// One request, retried with backoff on 429, 5xx and connection errors.
    /// The outer error is final; the inner one is an HTTP error status.
    fn call(
        &self,
        request: ureq::Request,
        what: &str,
    ) -> Result<std::result::Result<ureq::Response, (u16, ureq::Response)>> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= RETRIES;
            let backoff = Duration::from_millis(250 << attempt);
            match request.clone().call() {
                Ok(r) => return Ok(Ok(r)),
                Err(ureq::Error::Status(code, r)) => {
                    if (code == 429 || code >= 500) && !last {
                        // The registry's own wait, when it says one in
                        // seconds (the HTTP-date form falls back to ours).
                        let asked = r
                            .header("Retry-After")
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(Duration::from_secs);
                        if let Some(asked) = asked.filter(|a| *a > self.longest_wait) {
                            return Err(self.fail(format!(
                                "{what}: the registry answered {code} {} and asks to retry after {} s, longer than the timeout ({} s, --registry-timeout)",
                                r.status_text(),
                                asked.as_secs(),
                                self.longest_wait.as_secs()
                            )));
                        }
                        std::thread::sleep(asked.map_or(backoff, |a| a.max(backoff)));
                        continue;
                    }
                    return Ok(Err((code, r)));
                }
                Err(ureq::Error::Transport(t)) => {
                    let text = transport_text(&t);
                    if let Some(why) = text.split("invalid peer certificate: ").nth(1) {
                        return Err(self.fail(format!(
                            "{what}: the registry's TLS certificate is not trusted ({why}); --insecure-registry {} skips verification",
                            self.reference.registry
                        )));
                    }
                    let retry = matches!(
                        t.kind(),
                        ureq::ErrorKind::ConnectionFailed | ureq::ErrorKind::Io
                    ) && !timed_out(&t);
                    if retry && !last {
                        std::thread::sleep(backoff);
                        continue;
                    }
                    return Err(self.fail(format!("{what}: {text}")));
                }
            }
        }
    }

    fn status_error(&self, status: Status, what: &str) -> Error {
        match status {
            Status::Unauthorized if self.credentials.is_none() => self.fail(format!(
                "{what}: unauthorized (401): the registry wants credentials (--username with --password-stdin, or docker login)"
            )),
            Status::Unauthorized => self.fail(format!(
                "{what}: unauthorized (401): the registry refused the credentials"
            )),
            Status::Denied => self.fail(format!(
                "{what}: denied (403): no permission to pull this repository"
            )),
            Status::NotFound => self.fail(format!("{what} not found (404)")),
            Status::Other(code, text) => self.fail(format!("{what}: the registry answered {code} {text}")),
        }
    }

    /// Answer a 401 challenge: basic credentials, or a bearer token.
    fn authenticate(&self, challenge: Option<&str>, what: &str) -> Result<()> {
        let challenge = challenge.and_then(auth::parse_challenge);
        let authorization = match challenge {
            Some(c) if c.scheme == "bearer" => self.token(&c.params)?,
            Some(c) if c.scheme == "basic" => match &self.credentials {
                Some(creds) => creds.basic_header(),
                None => return Err(self.status_error(Status::Unauthorized, what)),
            },
            Some(c) => {
                return Err(self.fail(format!(
                    "the registry asks for {:?} authentication, which is not supported",
                    c.scheme
                )))
            }
            None => return Err(self.status_error(Status::Unauthorized, what)),
        };
        *self
            .authorization
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(authorization);
        Ok(())
    }

    /// The bearer token flow: GET realm?service=…&scope=…, basic credentials
    /// (if any) sent to the realm, the token from `token` or `access_token`.
    fn token(&self, params: &std::collections::BTreeMap<String, String>) -> Result<String> {
        let realm = params
            .get("realm")
            .ok_or_else(|| self.fail("the registry's bearer challenge names no realm"))?;
        let mut url = url::Url::parse(realm)
            .map_err(|e| self.fail(format!("invalid token realm {realm:?}: {e}")))?;
        let realm_plain_ok =
            url.host_str().is_some_and(is_loopback) || self.base.scheme() == "http";
        if url.scheme() != "https" && !(url.scheme() == "http" && realm_plain_ok) {
            return Err(self.fail(format!(
                "refusing token realm {realm:?}: credentials go over HTTPS only"
            )));
        }
        {
            let mut q = url.query_pairs_mut();
            if let Some(s) = params.get("service") {
                q.append_pair("service", s);
            }
            let default_scope = format!("repository:{}:pull", self.reference.repository);
            q.append_pair("scope", params.get("scope").unwrap_or(&default_scope));
        }
        let mut request = self.agent(&url)?.request_url("GET", &url);
        if let Some(c) = &self.credentials {
            request = request.set("Authorization", &c.basic_header());
        }
        let what = format!("token service {realm}");
        let response = match self.call(request, &what)? {
            Ok(r) if r.status() == 200 => r,
            Ok(r) => return Err(self.fail(format!("{what}: unexpected answer {}", r.status()))),
            Err((401 | 403, _)) => return Err(self.status_error(Status::Unauthorized, &what)),
            Err((code, r)) => {
                return Err(
                    self.status_error(Status::Other(code, r.status_text().to_owned()), &what)
                )
            }
        };
        let body =
            read_capped(response, TOKEN_CAP).map_err(|e| self.fail(format!("{what}: {e}")))?;
        #[derive(serde::Deserialize)]
        struct Token {
            #[serde(default)]
            token: Option<String>,
            #[serde(default)]
            access_token: Option<String>,
        }
        let token: Token = serde_json::from_slice(&body)
            .map_err(|e| self.fail(format!("{what} gave an invalid answer: {e}")))?;
        let token = token
            .token
            .or(token.access_token)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| self.fail(format!("{what} gave an invalid answer: no usable token")))?;
        Ok(format!("Bearer {token}"))
    }

    /// A manifest by tag or digest: its bytes (at most [`MANIFEST_CAP`]), its
    /// digest (checked when the request named one) and its media type.
    fn manifest(&self, reference: &str) -> Result<(Vec<u8>, String, Option<String>)> {
        if let Some(bytes) = self
            .manifests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(reference)
        {
            return Ok((bytes.clone(), reference.to_owned(), None));
        }
        let what = match reference.starts_with("sha256:") {
            true => format!("manifest {reference}"),
            false => "manifest".to_owned(),
        };
        let path = format!("v2/{}/manifests/{reference}", self.reference.repository);
        let response = self.get(&path, Some(ACCEPT), &what)?;
        let media_type = response
            .header("Content-Type")
            .map(|t| t.split(';').next().unwrap_or(t).trim().to_owned());
        let bytes =
            read_capped(response, MANIFEST_CAP).map_err(|e| self.fail(format!("{what}: {e}")))?;
        let digest = crate::layer::sha256_hex(&bytes);
        if reference.starts_with("sha256:") && digest != reference {
            return Err(self.fail(format!("{what} does not match its digest: got {digest}")));
        }
        self.manifests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(digest.clone(), bytes.clone());
        Ok((bytes, digest, media_type))
    }

    /// A manifest by tag, `None` when the registry has no such tag: its
    /// bytes (at most [`MANIFEST_CAP`]) and digest.
    pub(crate) fn manifest_if_tagged(&self, tag: &str) -> Result<Option<(Vec<u8>, String)>> {
        let what = format!("manifest {tag}");
        let path = format!("v2/{}/manifests/{tag}", self.reference.repository);
        let Some(response) = self.get_unless_missing(&path, Some(ACCEPT), &what)? else {
            return Ok(None);
        };
        let bytes =
            read_capped(response, MANIFEST_CAP).map_err(|e| self.fail(format!("{what}: {e}")))?;
        let digest = crate::layer::sha256_hex(&bytes);
        self.manifests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(digest.clone(), bytes.clone());
        Ok(Some((bytes, digest)))
    }

    /// The OCI 1.1 referrers API's index for `digest`; `None` when the
    /// registry has no referrers API (it answers 404).
    pub(crate) fn referrers(&self, digest: &str) -> Result<Option<Vec<u8>>> {
        let what = format!("referrers of {digest}");
        let path = format!("v2/{}/referrers/{digest}", self.reference.repository);
        let accept = "application/vnd.oci.image.index.v1+json";
        let Some(response) = self.get_unless_missing(&path, Some(accept), &what)? else {
            return Ok(None);
        };
        read_capped(response, MANIFEST_CAP)
            .map(Some)
            .map_err(|e| self.fail(format!("{what}: {e}")))
    }

    pub(crate) fn note_size(&self, digest: &str, size: u64) {
        self.sizes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(digest.to_owned(), size);
    }

    pub(crate) fn size(&self, name: &str) -> Option<u64> {
        let digest = name_digest(name)?;
        self.sizes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&digest)
            .copied()
    }

    /// A member by store name: `blobs/sha256/HEX` (a blob, streamed) or
    /// `manifests/sha256/HEX` (a manifest, fetched whole and capped).
    pub(crate) fn open(&self, name: &str) -> Result<(Box<dyn Read + Send>, u64)> {
        let digest = name_digest(name).ok_or_else(|| self.fail(format!("no such blob {name}")))?;
        if name.starts_with("manifests/") {
            let (bytes, _, _) = self.manifest(&digest)?;
            let size = bytes.len() as u64;
            return Ok((Box::new(std::io::Cursor::new(bytes)), size));
        }
        let what = format!("blob {digest}");
        let path = format!("v2/{}/blobs/{digest}", self.reference.repository);
        let response = self.get(&path, None, &what)?;
        let length = response
            .header("Content-Length")
            .and_then(|l| l.parse::<u64>().ok());
        let size = self.size(name).or(length).unwrap_or(0);
        Ok((
            Box::new(BlobReader {
                inner: response.into_reader(),
            }),
            size,
        ))
    }
}

/// Says "timed out" for a stalled blob stream.
struct BlobReader {
    inner: Box<dyn Read + Send + Sync>,
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let text = if matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                "timed out".to_owned()
            } else {
                io_text(&e)
            };
            std::io::Error::new(
                e.kind(),
                crate::error::SourceError(format!("reading from the registry: {text}")),
            )
        })
    }
}

fn name_digest(name: &str) -> Option<String> {
    let hex = name
        .strip_prefix("blobs/sha256/")
        .or_else(|| name.strip_prefix("manifests/sha256/"))?;
    Some(format!("sha256:{hex}"))
}

fn timed_out(t: &ureq::Transport) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(t);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        source = e.source();
    }
    false
}

fn transport_text(t: &ureq::Transport) -> String {
    if timed_out(t) {
        return "timed out".to_owned();
    }
    let text = match t.kind() {
        ureq::ErrorKind::ConnectionFailed => "cannot connect",
        ureq::ErrorKind::Dns => "cannot resolve the host",
        ureq::ErrorKind::TooManyRedirects => "too many redirects",
        ureq::ErrorKind::BadStatus | ureq::ErrorKind::BadHeader => "not an HTTP answer",
        ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => "invalid address",
        _ => "",
    };
    let detail = std::error::Error::source(t)
        .map(|e| match e.downcast_ref::<std::io::Error>() {
            Some(io) => io_text(io),
            None => e.to_string(),
        })
        .or_else(|| t.message().map(str::to_owned));
    match (text, detail) {
        ("", Some(d)) => d,
        ("", None) => t.kind().to_string(),
        (t, Some(d)) => format!("{t}: {d}"),
        (t, None) => t.to_owned(),
    }
}

/// A response body, refused when longer than `cap`.
fn read_capped(response: ureq::Response, cap: u64) -> std::result::Result<Vec<u8>, String> {
    if let Some(length) = response
        .header("Content-Length")
        .and_then(|l| l.parse::<u64>().ok())
    {
        if length > cap {
            return Err(format!("{length} bytes, more than the {cap}-byte limit"));
        }
    }
    let mut buf = Vec::new();
    response
        .into_reader()
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timed out".to_owned(),
            _ => io_text(&e),
        })?;
    if buf.len() as u64 > cap {
        return Err(format!("more than the {cap}-byte limit"));
    }
    Ok(buf)
}

/// The image a registry reference names, for the platform wanted.
pub fn resolve(
    reference: &Reference,
    platform: Option<&str>,
    options: &RegistryOptions,
) -> Result<Vec<ImageRef>> {
    let client = Client::new(reference, options)?;
    let (bytes, digest, media_type) = client.manifest(reference.manifest_reference())?;
    if media_type.as_deref() == Some("application/vnd.docker.distribution.manifest.v1+prettyjws")
        || media_type.as_deref() == Some("application/vnd.docker.distribution.manifest.v1+json")
    {
        return Err(client.fail(format!(
            "manifest {digest} is Docker schema 1, which is not supported"
        )));
    }
    drop(bytes);
    let name = client.describe().to_owned();
    let store = Arc::new(Store::Registry(Box::new(client)));
    let image =
        crate::source::image_from_manifest(store, name, "registry", &digest, media_type, platform)?;
    Ok(vec![image])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_come_from_the_environment_unless_no_proxy_names_the_host() {
        let with = |vars: &[(&str, &str)], scheme: &str, host: &str, port: u16| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            proxy_for(scheme, host, port, &|name| {
                vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
            })
            .map(|(name, value)| format!("{name}={value}"))
        };
        let both = [
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("HTTP_PROXY", "http://plain:3128"),
        ];
        // Lower case first, as curl; by scheme; ALL_PROXY last.
        assert_eq!(
            with(&both, "https", "reg.example.com", 443).as_deref(),
            Some("https_proxy=http://lower:3128")
        );
        assert_eq!(
            with(&both, "http", "reg.example.com", 80).as_deref(),
            Some("HTTP_PROXY=http://plain:3128")
        );
        let all = [("ALL_PROXY", "http://all:1"), ("HTTPS_PROXY", " ")];
        assert_eq!(
            with(&all, "https", "reg.example.com", 443).as_deref(),
            Some("ALL_PROXY=http://all:1")
        );
        // Never for loopback.
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            assert_eq!(with(&both, "https", host, 5000), None, "{host}");
        }
        // NO_PROXY: names cover their subdomains, ports narrow, `*` is all.
        let cases: [(&str, &str, u16, bool); 17] = [
            ("[fd00::1]:5000", "[fd00::1]", 5000, false),
            ("[fd00::1]:5000", "[fd00::1]", 443, true),
            ("fd00::1", "[fd00::1]", 443, false),
            ("10.0.0.0/8", "10.20.30.40", 443, false),
            ("10.0.0.0/8", "11.0.0.1", 443, true),
            ("fd00::/8", "[fd12::3]", 443, false),
            ("0.0.0.0/0", "reg.example.com", 443, true),
            ("example.com", "reg.example.com", 443, false),
            ("example.com", "example.com", 443, false),
            ("example.com", "badexample.com", 443, true),
            (".example.com", "reg.example.com", 443, false),
            ("*.example.com", "a.b.example.com", 443, false),
            ("reg.lan:5000", "reg.lan", 5000, false),
            ("reg.lan:5000", "reg.lan", 443, true),
            ("other, 10.0.0.5", "10.0.0.5", 443, false),
            ("*", "anything.org", 443, false),
            ("", "anything.org", 443, true),
        ];
        for (no_proxy, host, port, proxied) in cases {
            let vars = [("HTTPS_PROXY", "http://p:3128"), ("no_proxy", no_proxy)];
            assert_eq!(
                with(&vars, "https", host, port).is_some(),
                proxied,
                "NO_PROXY={no_proxy:?} {host}:{port}"
            );
        }
    }

    #[test]
    fn proxies_are_shown_without_credentials() {
        assert_eq!(
            redacted("http://ci:s3cret@proxy:3128"),
            "http://…@proxy:3128"
        );
        assert_eq!(redacted("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(redacted("http://a@b:c@proxy:1/"), "http://…@proxy:1/");
        assert_eq!(redacted("ci:s3cret@proxy:3128"), "…@proxy:3128");
        assert_eq!(redacted("proxy:3128"), "proxy:3128");
    }

    #[test]
    fn insecure_only_for_loopback_and_named_hosts() {
        let insecure = |r: &str, named: &[&str]| {
            let options = RegistryOptions {
                insecure: named.iter().map(|s| s.to_string()).collect(),
                ..RegistryOptions::default()
            };
            is_insecure(&Reference::parse(r).expect("reference"), &options)
        };
        assert!(!insecure("nginx", &[]));
        assert!(!insecure("registry.example.com/a", &[]));
        assert!(!insecure("reg.lan:5000/a", &[]));
        assert!(insecure("reg.lan:5000/a", &["reg.lan:5000"]));
        assert!(insecure("reg.lan:5000/a", &["reg.lan"]));
        assert!(!insecure("reg.lan:5000/a", &["other.lan"]));
        assert!(insecure("127.0.0.1:5000/a", &[]));
        assert!(insecure("localhost:5000/a", &[]));
        assert!(insecure("127.1.2.3/a", &[]));
    }
}
