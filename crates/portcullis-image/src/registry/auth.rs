//! Registry credentials and challenges: `WWW-Authenticate` parsing, Docker
//! config files (`auths`, `credHelpers`, `credsStore`), base64.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;

/// A user name and password (or identity token) for one registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, <password>)", self.username)
    }
}

impl Credentials {
    pub fn basic_header(&self) -> String {
        format!(
            "Basic {}",
            base64_encode(format!("{}:{}", self.username, self.password).as_bytes())
        )
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.trim().bytes().filter(|&b| b != b'=') {
        let v = B64.iter().position(|&c| c == b)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A parsed `WWW-Authenticate` challenge: scheme (lowercased) and parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub params: BTreeMap<String, String>,
}

pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.is_empty() {
        return None;
    }
    let mut params = BTreeMap::new();
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, c)) = chars.next() {
                            value.push(c);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end?..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        params.insert(key, value);
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some(Challenge {
        scheme: scheme.to_ascii_lowercase(),
        params,
    })
}

#[derive(Deserialize, Default)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// `https://index.docker.io/v1/` → `index.docker.io`; `host:5000/path` → `host:5000`.
fn key_host(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" => "docker.io".to_owned(),
        _ => host,
    }
}

/// The auth files to look in, in order: `REGISTRY_AUTH_FILE`,
/// `$XDG_RUNTIME_DIR/containers/auth.json`, `$DOCKER_CONFIG/config.json`
/// (or `~/.docker/config.json`).
fn auth_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(f) = std::env::var_os("REGISTRY_AUTH_FILE") {
        files.push(PathBuf::from(f));
    }
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR") {
        files.push(PathBuf::from(d).join("containers/auth.json"));
    }
    match std::env::var_os("DOCKER_CONFIG") {
        Some(d) => files.push(PathBuf::from(d).join("config.json")),
        None => {
            if let Some(h) = std::env::var_os("HOME") {
                files.push(PathBuf::from(h).join(".docker/config.json"));
            }
        }
    }
    files
}

/// Credentials for `registry` (as in a reference: `docker.io`, `host:port`)
/// from the auth files, through a credential helper where one is named.
/// Unreadable files are skipped; a malformed entry or a failing helper is an error.
pub fn from_config(registry: &str) -> Result<Option<Credentials>, String> {
    for path in auth_files() {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let config: DockerConfig = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a valid auth file: {e}", path.display()))?;
        let helper = config
            .cred_helpers
            .iter()
            .find(|(k, _)| key_host(k) == registry)
            .map(|(_, h)| h.clone());
        if let Some(helper) = helper {
            return helper_get(&helper, registry);
        }
        if let Some((_, entry)) = config.auths.iter().find(|(k, _)| key_host(k) == registry) {
            return entry_credentials(entry)
                .map(Some)
                .map_err(|why| format!("{}: the entry for {registry} {why}", path.display()));
        }
        if let Some(store) = &config.creds_store {
            if let Some(c) = helper_get(store, registry)? {
                return Ok(Some(c));
            }
        }
    }
    Ok(None)
}

fn entry_credentials(entry: &AuthEntry) -> Result<Credentials, String> {
    if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64_decode(auth).ok_or("has an auth value that is not base64")?;
        let text = String::from_utf8(decoded).map_err(|_| "has an auth value that is not UTF-8")?;
        let (u, p) = text
            .split_once(':')
            .ok_or("has an auth value that is not user:password")?;
        return Ok(Credentials {
            username: u.to_owned(),
            password: p.to_owned(),
        });
    }
    if let Some(token) = &entry.identitytoken {
        return Ok(Credentials {
            username: "<token>".to_owned(),
            password: token.clone(),
        });
    }
    match (&entry.username, &entry.password) {
        (Some(u), Some(p)) => Ok(Credentials {
            username: u.clone(),
            password: p.clone(),
        }),
        _ => Err("has no credentials".to_owned()),
    }
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Secret")]
    secret: String,
}

/// `docker-credential-NAME get`, the server URL on standard input.
fn helper_get(name: &str, registry: &str) -> Result<Option<Credentials>, String> {
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(format!("credential helper name {name:?} is not valid"));
    }
    let program = format!("docker-credential-{name}");
    let server = match registry {
        "docker.io" => "https://index.docker.io/v1/",
        other => other,
    };
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run credential helper {program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading gives a broken pipe: its answer tells.
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("credential helper {program}: {e}"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout);
        // The protocol's answer for "nothing stored for this server".
        if text.contains("credentials not found") {
            return Ok(None);
        }
        return Err(format!(
            "credential helper {program} failed: {}",
            text.trim().lines().next().unwrap_or("no message")
        ));
    }
    let answer: HelperAnswer = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("credential helper {program} gave an invalid answer: {e}"))?;
    Ok(Some(Credentials {
        username: answer.username,
        password: answer.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "user:pa ss", "ünï:cödé"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).expect("ok"),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64_decode("%%"), None);
    }

    #[test]
    fn parses_challenges() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull""#,
        )
        .expect("ok");
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.example/token");
        assert_eq!(c.params["service"], "registry.example");
        assert_eq!(c.params["scope"], "repository:a/b:pull");
        let c = parse_challenge(r#"Basic realm="Registry Realm""#).expect("ok");
        assert_eq!(
            (c.scheme.as_str(), c.params["realm"].as_str()),
            ("basic", "Registry Realm")
        );
        assert_eq!(parse_challenge(r#"Bearer realm="unterminated"#), None);
    }

    #[test]
    fn reads_auth_entries() {
        let key = |k: &str| key_host(k);
        assert_eq!(key("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(key("http://127.0.0.1:5000"), "127.0.0.1:5000");
        let entry = AuthEntry {
            auth: Some(base64_encode(b"u:p:q")),
            ..AuthEntry::default()
        };
        assert_eq!(
            entry_credentials(&entry).expect("ok"),
            Credentials {
                username: "u".into(),
                password: "p:q".into()
            }
        );
        assert_eq!(
            entry_credentials(&AuthEntry::default()).expect_err("error"),
            "has no credentials"
        );
    }
}
