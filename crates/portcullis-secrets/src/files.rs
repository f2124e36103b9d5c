//! Well-known credential files read by their structure, not by one regex:
//! `.npmrc`, Docker `config.json`, `.pypirc`, `.netrc`, `.git-credentials`,
//! `.aws/credentials`, kube config, cloud service-account JSON, `.env`,
//! and a few more (`.my.cnf`, `.pgpass`, `.s3cfg`, `.boto`,
//! `.gem/credentials`, `.cargo/credentials`, Composer's `auth.json`, Maven's
//! `settings.xml`, `gradle.properties`, the GitHub CLI's `hosts.yml`,
//! Terraform's credentials, `.vault-token`, `.yarnrc.yml`).
//!
//! Each reader is a small parser of its format that keeps byte offsets:
//! INI-style `key = value` lines, `.netrc` tokens, a line-based YAML
//! reader good enough for what `kubectl`, `gh` and `yarn` write (block
//! mappings and sequences, plain and quoted scalars; no flow collections,
//! anchors or multi-line scalars), and a JSON parser that keeps the raw
//! range of every string (so a value's range is exact even when it holds
//! escapes, without searching the file for the decoded text).
//!
//! The structure says what a value is, so the checks are lighter than
//! [`generic::real_looking`]'s: a password must be at least 6 bytes and a
//! token 16, and neither may be a [`generic::placeholder`] or a variable
//! reference; an encoded `user:password` pair must decode and have a
//! password. A UUID or hex string *is* reported here (legacy npm tokens
//! are UUIDs). `.env` and `gradle.properties` name their keys freely, so
//! there [`generic::secret_name`] and [`generic::real_looking`] decide.
//!
//! Only what the structure says is reported; tokens of known shapes,
//! private keys and URIs in these files are the other detectors' (the
//! scanner keeps the most specific finding for the same bytes).

use std::collections::HashMap;
use std::ops::Range;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};
use memchr::memmem;

use crate::generic;
use crate::{Code, Found};

/// The largest credential file read whole.
pub const MAX_FILE: u64 = 1 << 20;

/// The longest value considered a credential (a PEM key in a service
/// account JSON is under 4 KiB).
const MAX_VALUE: usize = 16 << 10;

/// Nesting deeper than this in JSON or YAML is not a credential file.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Npmrc,
    YarnrcYml,
    Docker,
    Dockercfg,
    Pypirc,
    Netrc,
    GitCredentials,
    Aws,
    Kube,
    CloudJson,
    Env,
    MyCnf,
    Pgpass,
    S3cfg,
    Boto,
    Gem,
    Cargo,
    Composer,
    Maven,
    Gradle,
    GhHosts,
    Terraformrc,
    TerraformJson,
    VaultToken,
}

/// `path` is `suffix` or ends with `/` + `suffix`.
fn ends_with_path(path: &[u8], suffix: &[u8]) -> bool {
    path == suffix
        || (path.len() > suffix.len()
            && path.ends_with(suffix)
            && path[path.len() - suffix.len() - 1] == b'/')
}

fn base_name(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(k) => &path[k + 1..],
        None => path,
    }
}

fn kind_of(path: &[u8]) -> Option<Kind> {
    let path = path.strip_prefix(b"/").unwrap_or(path);
    let base = base_name(path);
    let parent = {
        let dir = &path[..path.len() - base.len()];
        base_name(dir.strip_suffix(b"/").unwrap_or(dir))
    };
    let kind = match base {
        b".npmrc" => Kind::Npmrc,
        b".yarnrc.yml" => Kind::YarnrcYml,
        b".dockercfg" => Kind::Dockercfg,
        b".pypirc" => Kind::Pypirc,
        b".netrc" | b"_netrc" => Kind::Netrc,
        b".git-credentials" => Kind::GitCredentials,
        b".my.cnf" | b"my.cnf" => Kind::MyCnf,
        b".pgpass" | b"pgpass.conf" => Kind::Pgpass,
        b".s3cfg" => Kind::S3cfg,
        b".boto" => Kind::Boto,
        b"gradle.properties" => Kind::Gradle,
        b".terraformrc" | b"terraform.rc" => Kind::Terraformrc,
        b".vault-token" => Kind::VaultToken,
        b".env" => Kind::Env,
        _ if base.starts_with(b".env.") => Kind::Env,
        _ if base.len() > 4 && base.ends_with(b".env") => Kind::Env,
        _ if ends_with_path(path, b"etc/npmrc")
            || ends_with_path(path, b"node_modules/npm/npmrc") =>
        {
            Kind::Npmrc
        }
        _ if ends_with_path(path, b".docker/config.json")
            || ends_with_path(path, b"containers/auth.json")
            || (path.starts_with(b"run/containers/") && base == b"auth.json") =>
        {
            Kind::Docker
        }
        _ if ends_with_path(path, b".config/git/credentials") => Kind::GitCredentials,
        _ if ends_with_path(path, b".aws/credentials") || ends_with_path(path, b".aws/config") => {
            Kind::Aws
        }
        _ if ends_with_path(path, b".kube/config")
            || (path.starts_with(b"etc/kubernetes/") && base.ends_with(b".conf"))
            || ends_with_path(path, b"etc/rancher/k3s/k3s.yaml")
            || ends_with_path(path, b"etc/rancher/rke2/rke2.yaml")
            || kubeconfig_name(base) =>
        {
            Kind::Kube
        }
        _ if ends_with_path(path, b".config/gcloud/application_default_credentials.json")
            || (base == b"adc.json"
                && memmem::find(path, b".config/gcloud/legacy_credentials/").is_some()) =>
        {
            Kind::CloudJson
        }
        _ if path.starts_with(b"etc/mysql/") && base.ends_with(b".cnf") => Kind::MyCnf,
        _ if path.starts_with(b"etc/my.cnf.d/") && base.ends_with(b".cnf") => Kind::MyCnf,
        _ if path == b"etc/boto.cfg" => Kind::Boto,
        _ if ends_with_path(path, b".gem/credentials")
            || ends_with_path(path, b".local/share/gem/credentials") =>
        {
            Kind::Gem
        }
        _ if ends_with_path(path, b".cargo/credentials")
            || ends_with_path(path, b".cargo/credentials.toml") =>
        {
            Kind::Cargo
        }
        _ if ends_with_path(path, b".composer/auth.json")
            || ends_with_path(path, b".config/composer/auth.json") =>
        {
            Kind::Composer
        }
        _ if ends_with_path(path, b".m2/settings.xml")
            || (base == b"settings.xml"
                && parent == b"conf"
                && memmem::find(path, b"maven").is_some()) =>
        {
            Kind::Maven
        }
        _ if ends_with_path(path, b".config/gh/hosts.yml")
            || ends_with_path(path, b".config/hub") =>
        {
            Kind::GhHosts
        }
        _ if ends_with_path(path, b".terraform.d/credentials.tfrc.json") => Kind::TerraformJson,
        _ => return None,
    };
    Some(kind)
}

/// `kubeconfig`, `.kubeconfig`, `kubeconfig-prod.yaml`, `admin.kubeconfig`:
/// a name with `kubeconfig` in it and no extension or a config one (not
/// `kubeconfig.go`).
fn kubeconfig_name(base: &[u8]) -> bool {
    let Some(k) = memmem::find(base, b"kubeconfig") else {
        return false;
    };
    let rest = &base[k + 10..];
    match memchr::memrchr(b'.', rest) {
        None => true,
        Some(d) => matches!(
            &rest[d..],
            b".yaml" | b".yml" | b".conf" | b".config" | b".kubeconfig"
        ),
    }
}

/// Whether `path` (relative to the image root, no leading `/`; or a bare
/// file name) is a credential file this module reads, so that the scanner
/// holds it whole (up to [`MAX_FILE`]) and calls [`scan`].
pub fn wants(path: &[u8]) -> bool {
    kind_of(path).is_some()
}

/// Whether the first block of a file (`head`) shows a JSON credential file
/// that no path names: a cloud service-account key (`"type":
/// "service_account"`, `"private_key_id"`), gcloud's `authorized_user`
/// credentials, or Composer's `auth.json` (`"http-basic"`,
/// `"github-oauth"`, `"gitlab-token"`). Only the first 64 KiB are read.
pub fn wants_by_head(head: &[u8]) -> bool {
    head_kind(head).is_some()
}

fn head_kind(head: &[u8]) -> Option<Kind> {
    let head = &head[..head.len().min(64 << 10)];
    let mut i = 0;
    if head.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    while i < head.len() && head[i].is_ascii_whitespace() {
        i += 1;
    }
    if head.get(i) != Some(&b'{') {
        return None;
    }
    let has = |s: &[u8]| memmem::find(head, s).is_some();
    if has(b"\"private_key_id\"")
        || json_type_is(head, b"service_account")
        || (json_type_is(head, b"authorized_user") && has(b"\"refresh_token\""))
    {
        Some(Kind::CloudJson)
    } else if has(b"\"http-basic\"") || has(b"\"github-oauth\"") || has(b"\"gitlab-token\"") {
        Some(Kind::Composer)
    } else {
        None
    }
}

/// Whether `head` has a `"type"` key whose value is the string `ty`.
fn json_type_is(head: &[u8], ty: &[u8]) -> bool {
    let skip = |mut i: usize| {
        while i < head.len() && head[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    memmem::find_iter(head, b"\"type\"").any(|k| {
        let i = skip(k + 6);
        if head.get(i) != Some(&b':') {
            return false;
        }
        let i = skip(i + 1);
        head.get(i) == Some(&b'"')
            && head[i + 1..].starts_with(ty)
            && head.get(i + 1 + ty.len()) == Some(&b'"')
    })
}

/// The credentials in a credential file, each with its byte range in `bytes`
/// (ordered by position). Only the first [`MAX_FILE`] bytes are read. A file
/// no path rule names is read when [`wants_by_head`] says its content is a
/// JSON credential file.
pub fn scan(path: &[u8], bytes: &[u8]) -> Vec<Found> {
    let b = &bytes[..bytes.len().min(MAX_FILE as usize)];
    let mut out = Vec::new();
    let Some(kind) = kind_of(path).or_else(|| head_kind(b)) else {
        return out;
    };
    match kind {
        Kind::Npmrc => npmrc(b, &mut out),
        Kind::YarnrcYml => yarnrc(b, &mut out),
        Kind::Docker => docker(b, false, &mut out),
        Kind::Dockercfg => docker(b, true, &mut out),
        Kind::Pypirc => pypirc(b, &mut out),
        Kind::Netrc => netrc(b, &mut out),
        Kind::GitCredentials => git_credentials(b, &mut out),
        Kind::Aws => ini_rules(b, b"=", false, AWS, &mut out),
        Kind::Kube => kube(b, &mut out),
        Kind::CloudJson => cloud_json(b, &mut out),
        Kind::Env => env_file(b, &mut out),
        Kind::MyCnf => ini_rules(b, b"=", true, MY_CNF, &mut out),
        Kind::Pgpass => pgpass(b, &mut out),
        Kind::S3cfg => ini_rules(b, b"=", false, S3CFG, &mut out),
        Kind::Boto => ini_rules(b, b"=:", false, BOTO, &mut out),
        Kind::Gem => gem(b, &mut out),
        Kind::Cargo => cargo(b, &mut out),
        Kind::Composer => composer(b, &mut out),
        Kind::Maven => maven(b, &mut out),
        Kind::Gradle => gradle(b, &mut out),
        Kind::GhHosts => gh_hosts(b, &mut out),
        Kind::Terraformrc => terraformrc(b, &mut out),
        Kind::TerraformJson => terraform_json(b, &mut out),
        Kind::VaultToken => vault_token(b, &mut out),
    }
    out.sort_by_key(|f| (f.range.start, f.range.end));
    out
}

// ---------------------------------------------------------------------------
// Checks and helpers

fn found(
    code: Code,
    kind: &'static str,
    what: &'static str,
    range: Range<usize>,
    pair: Option<Range<usize>>,
) -> Found {
    Found {
        code,
        kind,
        what,
        range,
        pair,
    }
}

/// A password in a credential file: at least 6 bytes, no control bytes,
/// not a placeholder or a reference.
fn password_ok(v: &[u8]) -> bool {
    (6..=MAX_VALUE).contains(&v.len())
        && !v.iter().any(|&b| b < 0x20 || b == 0x7f)
        && !generic::placeholder(v)
}

/// A token in a credential file: at least 16 printable bytes, not a
/// placeholder or a reference (the lighter check: token formats may hold
/// `secret` or `test`).
fn token_ok(v: &[u8]) -> bool {
    (16..=MAX_VALUE).contains(&v.len())
        && v.iter().all(u8::is_ascii_graphic)
        && !generic::placeholder_token(v)
}

/// A decoded `user:password`: a password that is not empty and not a
/// placeholder (the lighter check: the encoding itself says it is a login,
/// and Docker writes one only after the registry accepted it). Google's
/// `_json_key:{…}` logins carry a whole service-account key as password.
fn basic_ok(decoded: &[u8]) -> bool {
    let Some(k) = memchr::memchr(b':', decoded) else {
        return false;
    };
    let (user, pw) = (&decoded[..k], &decoded[k + 1..]);
    if user == b"_json_key" || user == b"_json_key_base64" {
        return pw.len() > 64
            && (memmem::find(pw, b"private_key").is_some() || user == b"_json_key_base64");
    }
    !pw.is_empty() && !pw.iter().any(|&b| b < 0x20 || b == 0x7f) && !generic::placeholder_token(pw)
}

const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const B64_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn b64(v: &[u8]) -> Option<Vec<u8>> {
    let v = v.trim_ascii();
    if v.is_empty() || v.len() > 4 * MAX_VALUE {
        return None;
    }
    B64.decode(v).or_else(|_| B64_URL.decode(v)).ok()
}

/// Line ranges, without the `\n` and a `\r` before it.
fn lines(b: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', b).chain(std::iter::once(b.len()));
    std::iter::from_fn(move || {
        let e = ends.next()?;
        let s = start;
        start = e + 1;
        let end = if e > s && b[e - 1] == b'\r' { e - 1 } else { e };
        Some(s..end)
    })
}

fn trim(b: &[u8], mut r: Range<usize>) -> Range<usize> {
    if r.start == 0 && b[r.clone()].starts_with(b"\xEF\xBB\xBF") {
        r.start = 3;
    }
    while r.start < r.end && b[r.start].is_ascii_whitespace() {
        r.start += 1;
    }
    while r.end > r.start && b[r.end - 1].is_ascii_whitespace() {
        r.end -= 1;
    }
    r
}

fn eq_key(a: &[u8], b: &str) -> bool {
    a.len() == b.len()
        && a.iter().zip(b.bytes()).all(|(&x, y)| {
            let norm = |c: u8| {
                if c == b'-' {
                    b'_'
                } else {
                    c.to_ascii_lowercase()
                }
            };
            norm(x) == norm(y)
        })
}

/// A scalar: the inside of its quotes when quoted (anything after the
/// closing quote ignored), else the text, cut at an inline ` #`/` ;`
/// comment when `inline_comments`.
fn scalar(b: &[u8], r: Range<usize>, inline_comments: bool) -> Range<usize> {
    if let Some(&q @ (b'"' | b'\'')) = b.get(r.start) {
        if r.len() >= 2 {
            if let Some(k) = memchr::memchr(q, &b[r.start + 1..r.end]) {
                return r.start + 1..r.start + 1 + k;
            }
        }
        return r;
    }
    if inline_comments {
        let v = &b[r.clone()];
        if let Some(k) = v
            .windows(2)
            .position(|w| w[0].is_ascii_whitespace() && matches!(w[1], b'#' | b';'))
        {
            return trim(b, r.start..r.start + k);
        }
    }
    r
}

// ---------------------------------------------------------------------------
// INI-style files

/// One `key = value` line.
struct Entry {
    /// 0 before the first `[section]`, then 1, 2, … in order.
    section: usize,
    key: Range<usize>,
    value: Range<usize>,
}

/// The `key = value` lines of an INI-style file (`#` and `;` comment
/// lines, `[section]` headers), `key` and `value` split at the first of
/// `seps`, values unquoted.
fn ini(b: &[u8], seps: &[u8], inline_comments: bool) -> (Vec<Range<usize>>, Vec<Entry>) {
    let mut sections = Vec::new();
    let mut entries = Vec::new();
    for line in lines(b) {
        let r = trim(b, line);
        let Some(&first) = b.get(r.start).filter(|_| !r.is_empty()) else {
            continue;
        };
        if first == b'#' || first == b';' {
            continue;
        }
        if first == b'[' {
            let end = memchr::memchr(b']', &b[r.clone()]).map_or(r.end, |k| r.start + k);
            sections.push(trim(b, r.start + 1..end));
            continue;
        }
        let Some(k) = b[r.clone()].iter().position(|c| seps.contains(c)) else {
            continue;
        };
        let key = trim(b, r.start..r.start + k);
        let value = scalar(b, trim(b, r.start + k + 1..r.end), inline_comments);
        entries.push(Entry {
            section: sections.len(),
            key,
            value,
        });
    }
    (sections, entries)
}

/// A key of an INI-style file that holds a secret.
struct Rule {
    key: &'static str,
    /// The key of the same section that names the identifier it goes with.
    pair: Option<&'static str>,
    code: Code,
    kind: &'static str,
    what: &'static str,
    /// Checked as a token (else as a password).
    token: bool,
}

const AWS: &[Rule] = &[
    Rule {
        key: "aws_secret_access_key",
        pair: Some("aws_access_key_id"),
        code: Code::SQ34303,
        kind: "aws-secret-access-key",
        what: "AWS secret access key",
        token: true,
    },
    Rule {
        key: "aws_session_token",
        pair: Some("aws_access_key_id"),
        code: Code::SQ34303,
        kind: "aws-session-token",
        what: "AWS session token",
        token: true,
    },
    Rule {
        key: "aws_security_token",
        pair: Some("aws_access_key_id"),
        code: Code::SQ34303,
        kind: "aws-session-token",
        what: "AWS session token",
        token: true,
    },
];

const MY_CNF: &[Rule] = &[
    Rule {
        key: "password",
        pair: Some("user"),
        code: Code::SQ34303,
        kind: "mysql-config-password",
        what: "MySQL client password",
        token: false,
    },
    Rule {
        key: "pass",
        pair: Some("user"),
        code: Code::SQ34303,
        kind: "mysql-config-password",
        what: "MySQL client password",
        token: false,
    },
];

const S3CFG: &[Rule] = &[
    Rule {
        key: "secret_key",
        pair: Some("access_key"),
        code: Code::SQ34303,
        kind: "s3cfg-secret-key",
        what: "s3cmd secret key",
        token: true,
    },
    Rule {
        key: "access_token",
        pair: Some("access_key"),
        code: Code::SQ34303,
        kind: "s3cfg-access-token",
        what: "s3cmd session token",
        token: true,
    },
    Rule {
        key: "gpg_passphrase",
        pair: None,
        code: Code::SQ34303,
        kind: "s3cfg-gpg-passphrase",
        what: "s3cmd GPG passphrase",
        token: false,
    },
];

const BOTO: &[Rule] = &[
    Rule {
        key: "aws_secret_access_key",
        pair: Some("aws_access_key_id"),
        code: Code::SQ34303,
        kind: "boto-secret-access-key",
        what: "AWS secret access key (boto)",
        token: true,
    },
    Rule {
        key: "gs_secret_access_key",
        pair: Some("gs_access_key_id"),
        code: Code::SQ34303,
        kind: "boto-gs-secret-access-key",
        what: "Google Cloud Storage HMAC secret (boto)",
        token: true,
    },
    Rule {
        key: "gs_oauth2_refresh_token",
        pair: None,
        code: Code::SQ34304,
        kind: "boto-gs-refresh-token",
        what: "Google Cloud Storage OAuth2 refresh token (boto)",
        token: true,
    },
];

/// The entries of an INI-style file that `rules` name, each paired with
/// its section's identifier.
fn ini_rules(b: &[u8], seps: &[u8], inline_comments: bool, rules: &[Rule], out: &mut Vec<Found>) {
    let (_, entries) = ini(b, seps, inline_comments);
    let mut ids: HashMap<(usize, &'static str), Range<usize>> = HashMap::new();
    for e in &entries {
        for p in rules.iter().filter_map(|r| r.pair) {
            if eq_key(&b[e.key.clone()], p) {
                ids.entry((e.section, p)).or_insert_with(|| e.value.clone());
            }
        }
    }
    for e in &entries {
        let Some(r) = rules.iter().find(|r| eq_key(&b[e.key.clone()], r.key)) else {
            continue;
        };
        let v = &b[e.value.clone()];
        let ok = if r.token { token_ok(v) } else { password_ok(v) };
        if ok {
            let pair = r.pair.and_then(|p| ids.get(&(e.section, p)).cloned());
            out.push(found(r.code, r.kind, r.what, e.value.clone(), pair));
        }
    }
}

// ---------------------------------------------------------------------------
// npm and yarn

/// `.npmrc` (what `npm config set` and `npm login` write): `_authToken`,
/// `_auth` (base64 `user:password`) and `_password` (base64), global or
/// per registry (`//registry.npmjs.org/:_authToken=…`).
fn npmrc(b: &[u8], out: &mut Vec<Found>) {
    let (_, entries) = ini(b, b"=", false);
    // The setting's name after its registry prefix (`//host/:`), if any.
    let split = |k: &[u8]| -> (Vec<u8>, Vec<u8>) {
        match memchr::memrchr(b':', k) {
            Some(i) if k.starts_with(b"//") => (k[..i].to_vec(), k[i + 1..].to_vec()),
            _ => (Vec::new(), k.to_vec()),
        }
    };
    let mut users: HashMap<Vec<u8>, Range<usize>> = HashMap::new();
    for e in &entries {
        let (prefix, name) = split(&b[e.key.clone()]);
        if name == b"username" {
            users.entry(prefix).or_insert_with(|| e.value.clone());
        }
    }
    for e in &entries {
        let (prefix, name) = split(&b[e.key.clone()]);
        let v = &b[e.value.clone()];
        match &name[..] {
            b"_authToken" if token_ok(v) => out.push(found(
                Code::SQ34304,
                "npmrc-auth-token",
                "npm registry auth token",
                e.value.clone(),
                None,
            )),
            b"_auth" if b64(v).is_some_and(|d| basic_ok(&d)) => out.push(found(
                Code::SQ34303,
                "npmrc-auth",
                "npm registry credentials (base64 user:password)",
                e.value.clone(),
                None,
            )),
            b"_password" => {
                let ok = match b64(v) {
                    Some(d) if !d.is_empty() && d.iter().all(|c| c.is_ascii_graphic()) => {
                        password_ok(&d)
                    }
                    _ => password_ok(v),
                };
                if ok {
                    out.push(found(
                        Code::SQ34303,
                        "npmrc-password",
                        "npm registry password (base64)",
                        e.value.clone(),
                        users.get(&prefix).cloned(),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// `.yarnrc.yml` (Yarn 2+): `npmAuthToken` and `npmAuthIdent`, at the top
/// level or under `npmRegistries`/`npmScopes`.
fn yarnrc(b: &[u8], out: &mut Vec<Found>) {
    yaml_walk(b, |path, value| {
        let Some(last) = path.last() else {
            return;
        };
        let v = &b[value.clone()];
        match &b[last.clone()] {
            b"npmAuthToken" if token_ok(v) => out.push(found(
                Code::SQ34304,
                "yarnrc-npm-auth-token",
                "Yarn npm registry auth token",
                value,
                None,
            )),
            b"npmAuthIdent" if basic_ok(v) || b64(v).is_some_and(|d| basic_ok(&d)) => {
                out.push(found(
                    Code::SQ34303,
                    "yarnrc-npm-auth-ident",
                    "Yarn npm registry credentials (user:password)",
                    value,
                    None,
                ))
            }
            _ => {}
        }
    });
}

// ---------------------------------------------------------------------------
// JSON

/// A JSON value; strings keep their raw range (between the quotes). No
/// credential file here keeps a secret in an array, so arrays are parsed
/// and dropped.
enum Json {
    Obj(Vec<(JStr, Json)>),
    Str(JStr),
    Other,
}

struct JStr {
    /// The decoded string.
    text: Vec<u8>,
    /// Its bytes in the file, between the quotes (escapes as written).
    raw: Range<usize>,
}

type Obj = [(JStr, Json)];

fn json(b: &[u8]) -> Option<Json> {
    let mut p = JsonParser { b, i: 0 };
    if b.starts_with(b"\xEF\xBB\xBF") {
        p.i = 3;
    }
    p.value(0)
}

struct JsonParser<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(Json::Obj(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    members.push((key, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Some(Json::Obj(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(Json::Other);
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Some(Json::Other);
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::Str),
            _ => {
                let st = self.i;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric()
                        || matches!(self.b[self.i], b'-' | b'+' | b'.'))
                {
                    self.i += 1;
                }
                (self.i > st).then_some(Json::Other)
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.b.get(at..at + 4)?;
        let s = std::str::from_utf8(h).ok()?;
        u32::from_str_radix(s, 16).ok()
    }

    fn string(&mut self) -> Option<JStr> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let st = self.i;
        let mut text = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            match c {
                b'"' => {
                    let raw = st..self.i;
                    self.i += 1;
                    return Some(JStr { text, raw });
                }
                b'\\' => {
                    let e = *self.b.get(self.i + 1)?;
                    self.i += 2;
                    match e {
                        b'n' => text.push(b'\n'),
                        b't' => text.push(b'\t'),
                        b'r' => text.push(b'\r'),
                        b'b' => text.push(8),
                        b'f' => text.push(12),
                        b'u' => {
                            let mut cp = self.hex4(self.i)?;
                            self.i += 4;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                if let Some(lo) = self
                                    .hex4(self.i + 2)
                                    .filter(|lo| (0xDC00..0xE000).contains(lo))
                                {
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    self.i += 6;
                                }
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            let mut buf = [0u8; 4];
                            text.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => text.push(other),
                    }
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

fn get<'a>(obj: &'a Obj, key: &str) -> Option<&'a Json> {
    obj.iter()
        .find(|(k, _)| k.text == key.as_bytes())
        .map(|(_, v)| v)
}

fn get_str<'a>(obj: &'a Obj, key: &str) -> Option<&'a JStr> {
    match get(obj, key) {
        Some(Json::Str(s)) => Some(s),
        _ => None,
    }
}

fn get_obj<'a>(obj: &'a Obj, key: &str) -> Option<&'a Obj> {
    match get(obj, key) {
        Some(Json::Obj(o)) => Some(o),
        _ => None,
    }
}

fn root_obj(b: &[u8]) -> Option<Vec<(JStr, Json)>> {
    match json(b)? {
        Json::Obj(o) => Some(o),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Docker and Podman

/// Docker's `config.json` / Podman's `auth.json` (`{"auths": {registry:
/// {"auth": base64(user:password), "identitytoken": …}}}`, as `docker
/// login` writes it) and the legacy `.dockercfg` (registries at the top).
fn docker(b: &[u8], legacy: bool, out: &mut Vec<Found>) {
    let Some(root) = root_obj(b) else {
        return;
    };
    let registries: &Obj = match get_obj(&root, "auths") {
        Some(a) => a,
        None if legacy => &root,
        None => return,
    };
    for (_, entry) in registries {
        let Json::Obj(e) = entry else {
            continue;
        };
        if let Some(s) = get_str(e, "auth") {
            if b64(&s.text).is_some_and(|d| basic_ok(&d)) {
                out.push(found(
                    Code::SQ34303,
                    "docker-config-auth",
                    "container registry credentials (base64 user:password)",
                    s.raw.clone(),
                    None,
                ));
            }
        }
        for (key, kind, what) in [
            (
                "identitytoken",
                "docker-config-identity-token",
                "container registry identity token",
            ),
            (
                "registrytoken",
                "docker-config-registry-token",
                "container registry bearer token",
            ),
        ] {
            if let Some(s) = get_str(e, key).filter(|s| token_ok(&s.text)) {
                out.push(found(Code::SQ34303, kind, what, s.raw.clone(), None));
            }
        }
        if let Some(s) = get_str(e, "password").filter(|s| password_ok(&s.text)) {
            out.push(found(
                Code::SQ34303,
                "docker-config-password",
                "container registry password",
                s.raw.clone(),
                get_str(e, "username").map(|u| u.raw.clone()),
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Cloud JSON

/// A Google Cloud service-account key (`"type": "service_account"` with a
/// PEM `private_key`, as `gcloud iam service-accounts keys create` writes
/// it) or gcloud's `authorized_user` credentials (`refresh_token`).
fn cloud_json(b: &[u8], out: &mut Vec<Found>) {
    let Some(root) = root_obj(b) else {
        return;
    };
    let ty = get_str(&root, "type").map(|s| &s.text[..]);
    let key_id = get_str(&root, "private_key_id");
    let service_account = ty == Some(b"service_account")
        || (ty.is_none() && key_id.is_some() && get_str(&root, "client_email").is_some());
    if service_account {
        if let Some(k) = get_str(&root, "private_key") {
            if pem_private(&k.text).is_some() {
                out.push(found(
                    Code::SQ34303,
                    "gcp-service-account-key",
                    "Google Cloud service account private key",
                    k.raw.clone(),
                    key_id.map(|s| s.raw.clone()),
                ));
            }
        }
    }
    if ty == Some(b"authorized_user") {
        if let Some(t) = get_str(&root, "refresh_token").filter(|t| token_ok(&t.text)) {
            out.push(found(
                Code::SQ34304,
                "gcp-refresh-token",
                "Google OAuth refresh token (gcloud credentials)",
                t.raw.clone(),
                None,
            ));
        }
    }
}

/// Whether `text` is a PEM private key block whose body decodes to a
/// plausible key (a DER SEQUENCE, or the `openssh-key-v1` layout):
/// `Some(true)` when it is encrypted. A truncated or elided example
/// (`MIIE...`) is `None`.
fn pem_private(text: &[u8]) -> Option<bool> {
    let st = memmem::find(text, b"-----BEGIN ")?;
    let label_start = st + 11;
    let label_len = memmem::find(&text[label_start..], b"-----")?;
    let label = &text[label_start..label_start + label_len];
    if !label.ends_with(b"PRIVATE KEY") {
        return None;
    }
    let body_start = label_start + label_len + 5;
    let end = body_start + memmem::find(&text[body_start..], b"-----END ")?;
    let mut encrypted = label.starts_with(b"ENCRYPTED");
    let mut body = Vec::new();
    for line in text[body_start..end].split(|&c| c == b'\n') {
        let line = line.trim_ascii();
        if line.contains(&b':') {
            encrypted |=
                line.starts_with(b"Proc-Type:") && memmem::find(line, b"ENCRYPTED").is_some();
            continue;
        }
        body.extend_from_slice(line);
    }
    let der = B64.decode(&body).ok()?;
    let plausible = (der.len() >= 32 && der[0] == 0x30) || der.starts_with(b"openssh-key-v1\0");
    plausible.then_some(encrypted)
}

// ---------------------------------------------------------------------------
// Python, netrc, git

/// `.pypirc`: a section's `password` with its `username` (a `pypi-` API
/// token is SQ34304 with or without a username, as twine defaults the
/// user to `__token__`).
fn pypirc(b: &[u8], out: &mut Vec<Found>) {
    let (sections, entries) = ini(b, b"=:", false);
    let mut users: Vec<Option<Range<usize>>> = vec![None; sections.len() + 1];
    for e in &entries {
        if eq_key(&b[e.key.clone()], "username") && users[e.section].is_none() {
            users[e.section] = Some(e.value.clone());
        }
    }
    for e in &entries {
        if !eq_key(&b[e.key.clone()], "password") {
            continue;
        }
        let v = &b[e.value.clone()];
        let user = users[e.section].clone();
        if v.starts_with(b"pypi-") && token_ok(v) {
            let pair = user.filter(|u| &b[u.clone()] != b"__token__");
            out.push(found(
                Code::SQ34304,
                "pypirc-token",
                "PyPI API token",
                e.value.clone(),
                pair,
            ));
        } else if user.is_some() && password_ok(v) {
            out.push(found(
                Code::SQ34303,
                "pypirc-password",
                "Python package index password",
                e.value.clone(),
                user,
            ));
        }
    }
}

/// The next `.netrc` token from `pos`: whitespace-separated, `"…"` quoted
/// (the inside, escapes as written), `#` comments to the end of the line.
fn netrc_token(b: &[u8], pos: &mut usize) -> Option<Range<usize>> {
    loop {
        while *pos < b.len() && b[*pos].is_ascii_whitespace() {
            *pos += 1;
        }
        if b.get(*pos) == Some(&b'#') {
            *pos = memchr::memchr(b'\n', &b[*pos..]).map_or(b.len(), |k| *pos + k);
            continue;
        }
        break;
    }
    if *pos >= b.len() {
        return None;
    }
    if b[*pos] == b'"' {
        let st = *pos + 1;
        let mut i = st;
        while i < b.len() && b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        let end = i.min(b.len());
        *pos = (end + 1).min(b.len());
        return Some(st..end);
    }
    let st = *pos;
    while *pos < b.len() && !b[*pos].is_ascii_whitespace() {
        *pos += 1;
    }
    Some(st..*pos)
}

/// `.netrc`: `machine host login user password secret` entries (and
/// `default`), one line or many; `macdef` bodies skipped; anonymous FTP
/// logins left out.
fn netrc(b: &[u8], out: &mut Vec<Found>) {
    #[derive(Default)]
    struct Machine {
        login: Option<Range<usize>>,
        password: Option<Range<usize>>,
    }
    let finish = |m: &mut Machine, out: &mut Vec<Found>| {
        let m = std::mem::take(m);
        let Some(pw) = m.password else {
            return;
        };
        let anonymous = m.login.as_ref().is_some_and(|l| {
            let l = &b[l.clone()];
            l.eq_ignore_ascii_case(b"anonymous") || l.eq_ignore_ascii_case(b"ftp")
        });
        if !anonymous && password_ok(&b[pw.clone()]) {
            out.push(found(
                Code::SQ34303,
                "netrc-password",
                "netrc password",
                pw,
                m.login,
            ));
        }
    };
    let mut pos = 0;
    let mut m = Machine::default();
    while let Some(tok) = netrc_token(b, &mut pos) {
        match &b[tok] {
            b"machine" => {
                finish(&mut m, out);
                netrc_token(b, &mut pos);
            }
            b"default" => finish(&mut m, out),
            b"login" => m.login = netrc_token(b, &mut pos),
            b"password" => m.password = netrc_token(b, &mut pos),
            b"account" => {
                netrc_token(b, &mut pos);
            }
            b"macdef" => {
                netrc_token(b, &mut pos);
                // The macro runs to the next empty line.
                let rest = &b[pos..];
                let blank = memmem::find(rest, b"\n\n").map(|k| k + 2);
                let blank_crlf = memmem::find(rest, b"\n\r\n").map(|k| k + 3);
                pos += match (blank, blank_crlf) {
                    (Some(x), Some(y)) => x.min(y),
                    (Some(x), None) | (None, Some(x)) => x,
                    (None, None) => rest.len(),
                };
            }
            _ => {}
        }
    }
    finish(&mut m, out);
}

/// `.git-credentials` (git's `store` helper): one `https://user:secret@host`
/// per line.
fn git_credentials(b: &[u8], out: &mut Vec<Found>) {
    for line in lines(b) {
        let r = trim(b, line);
        let l = &b[r.clone()];
        if l.starts_with(b"#") {
            continue;
        }
        let Some(k) = memmem::find(l, b"://") else {
            continue;
        };
        let Some(u) = generic::userinfo(l, k) else {
            continue;
        };
        if !u.placeholder {
            let user = (!u.user.is_empty()).then(|| r.start + u.user.start..r.start + u.user.end);
            out.push(found(
                Code::SQ34303,
                "git-credentials",
                "Git credential store entry",
                r.start + u.password.start..r.start + u.password.end,
                user,
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// YAML (kube config, gh, yarn, gem)

/// One `key: value` line of block YAML.
struct YamlLine {
    /// Column of the key (after a `- ` list marker).
    col: usize,
    key: Range<usize>,
    /// A scalar value (quotes removed); `None` for a nested block or a
    /// value this reader does not read (flow collections, anchors, tags).
    value: Option<Range<usize>>,
    /// The value is a block scalar (`|`, `>`): its lines follow, deeper.
    block: bool,
}

fn yaml_line(b: &[u8], line: Range<usize>) -> Option<YamlLine> {
    let mut i = line.start;
    let end = line.end;
    while i < end && b[i] == b' ' {
        i += 1;
    }
    if i >= end || b[i] == b'#' {
        return None;
    }
    while i < end && b[i] == b'-' && (i + 1 == end || b[i + 1] == b' ') {
        i += 1;
        while i < end && b[i] == b' ' {
            i += 1;
        }
    }
    if i >= end {
        return None;
    }
    let col = i - line.start;
    let (key, after) = match b[i] {
        q @ (b'"' | b'\'') => {
            let k = memchr::memchr(q, &b[i + 1..end])?;
            let key = i + 1..i + 1 + k;
            let mut j = i + 2 + k;
            while j < end && b[j] == b' ' {
                j += 1;
            }
            if b.get(j) != Some(&b':') || j >= end {
                return None;
            }
            (key, j + 1)
        }
        _ => {
            let mut j = i;
            loop {
                let k = memchr::memchr(b':', &b[j..end])?;
                let c = j + k;
                if c + 1 == end || b[c + 1] == b' ' || b[c + 1] == b'\t' {
                    break (trim(b, i..c), c + 1);
                }
                j = c + 1;
            }
        }
    };
    let v = trim(b, after..end);
    let (value, block) = match b.get(v.start).filter(|_| !v.is_empty()) {
        None | Some(b'#') => (None, false),
        Some(b'|' | b'>') => (None, true),
        Some(b'{' | b'[' | b'&' | b'*' | b'!') => (None, false),
        Some(&q @ (b'"' | b'\'')) => {
            let mut k = v.start + 1;
            loop {
                if k >= v.end {
                    break (None, false);
                }
                if b[k] == b'\\' && q == b'"' {
                    k += 2;
                    continue;
                }
                if b[k] == q {
                    break (Some(v.start + 1..k), false);
                }
                k += 1;
            }
        }
        Some(_) => {
            let s = &b[v.clone()];
            let cut = s
                .windows(2)
                .position(|w| w[0] == b' ' && w[1] == b'#')
                .map_or(v.end, |k| v.start + k);
            (Some(trim(b, v.start..cut)), false)
        }
    };
    Some(YamlLine {
        col,
        key,
        value,
        block,
    })
}

/// Calls `f` with the path of keys (their ranges, outermost first, the
/// line's own key last) and the value of every `key: scalar` line.
fn yaml_walk(b: &[u8], mut f: impl FnMut(&[Range<usize>], Range<usize>)) {
    let mut stack: Vec<(usize, Range<usize>)> = Vec::new();
    let mut path: Vec<Range<usize>> = Vec::new();
    let mut block_col: Option<usize> = None;
    for line in lines(b) {
        let text = &b[line.clone()];
        let indent = text.iter().take_while(|&&c| c == b' ').count();
        if indent == text.len() {
            continue;
        }
        if let Some(c) = block_col {
            if indent > c {
                continue;
            }
            block_col = None;
        }
        let Some(y) = yaml_line(b, line) else {
            continue;
        };
        while stack.last().is_some_and(|(c, _)| *c >= y.col) {
            stack.pop();
        }
        if y.block {
            block_col = Some(y.col);
        }
        if let Some(v) = y.value {
            path.clear();
            path.extend(stack.iter().map(|(_, k)| k.clone()));
            path.push(y.key.clone());
            f(&path, v);
        }
        if stack.len() < MAX_DEPTH {
            stack.push((y.col, y.key));
        }
    }
}

/// Kube config (`kubectl config view --raw`, kubeadm's `admin.conf`):
/// under `users[].user`, `token`, `password`, `client-key-data` (a base64
/// PEM private key) and the `auth-provider` config's `client-secret`,
/// `refresh-token`, `id-token` and `access-token`.
fn kube(b: &[u8], out: &mut Vec<Found>) {
    // Identifiers by (the `user` key's offset, key): a `username`, a
    // `client-id`; and the findings that want them as their pair.
    let mut ids: HashMap<(usize, &'static str), Range<usize>> = HashMap::new();
    let mut wanting: Vec<(usize, &'static str, usize)> = Vec::new();
    yaml_walk(b, |path, value| {
        if path.len() < 3 || &b[path[0].clone()] != b"users" {
            return;
        }
        let Some(ui) = (1..path.len() - 1).find(|&i| &b[path[i].clone()] == b"user") else {
            return;
        };
        let group = path[ui].start;
        let rel: Vec<&[u8]> = path[ui + 1..].iter().map(|r| &b[r.clone()]).collect();
        let v = &b[value.clone()];
        let mut push = |code, kind, what, pair: Option<&'static str>| {
            if let Some(p) = pair {
                wanting.push((out.len(), p, group));
            }
            out.push(found(code, kind, what, value.clone(), None));
        };
        match rel.as_slice() {
            [b"token"] if token_ok(v) => push(
                Code::SQ34304,
                "kubeconfig-token",
                "Kubernetes bearer token",
                None,
            ),
            [b"username"] => {
                ids.entry((group, "username"))
                    .or_insert_with(|| value.clone());
            }
            [b"password"] if password_ok(v) => push(
                Code::SQ34303,
                "kubeconfig-password",
                "Kubernetes basic-auth password",
                Some("username"),
            ),
            [b"client-key-data"] => {
                if let Some(encrypted) = b64(v).and_then(|pem| pem_private(&pem)) {
                    let code = if encrypted {
                        Code::SQ34111
                    } else {
                        Code::SQ34109
                    };
                    push(
                        code,
                        "kubeconfig-client-key",
                        "Kubernetes client private key",
                        None,
                    );
                }
            }
            [b"auth-provider", b"config", key] => match *key {
                b"client-id" => {
                    ids.entry((group, "client-id"))
                        .or_insert_with(|| value.clone());
                }
                b"client-secret" if token_ok(v) => push(
                    Code::SQ34303,
                    "kubeconfig-auth-provider-secret",
                    "Kubernetes OIDC client secret",
                    Some("client-id"),
                ),
                b"refresh-token" | b"id-token" | b"access-token" if token_ok(v) => push(
                    Code::SQ34304,
                    "kubeconfig-auth-provider-token",
                    "Kubernetes auth-provider token",
                    None,
                ),
                _ => {}
            },
            _ => {}
        }
    });
    for (i, key, group) in wanting {
        if let Some(f) = out.get_mut(i) {
            f.pair = ids.get(&(group, key)).cloned();
        }
    }
}

/// GitHub CLI `hosts.yml` and hub's config: `oauth_token` under a host.
fn gh_hosts(b: &[u8], out: &mut Vec<Found>) {
    yaml_walk(b, |path, value| {
        if path.last().is_some_and(|k| &b[k.clone()] == b"oauth_token")
            && token_ok(&b[value.clone()])
        {
            out.push(found(
                Code::SQ34304,
                "gh-cli-oauth-token",
                "GitHub CLI OAuth token",
                value,
                None,
            ));
        }
    });
}

/// `.gem/credentials`: each top-level key (`:rubygems_api_key:`, a host
/// URL) holds an API key, sometimes as `Bearer …`.
fn gem(b: &[u8], out: &mut Vec<Found>) {
    yaml_walk(b, |path, mut value| {
        if path.len() != 1 {
            return;
        }
        if b[value.clone()].starts_with(b"Bearer ") {
            value.start += 7;
        }
        if token_ok(&b[value.clone()]) {
            out.push(found(
                Code::SQ34304,
                "gem-credentials",
                "RubyGems API key",
                value,
                None,
            ));
        }
    });
}

// ---------------------------------------------------------------------------
// Cargo, Composer, Terraform, Vault

/// `.cargo/credentials(.toml)`: `token` (and an asymmetric `secret-key`)
/// under `[registry]` or `[registries.NAME]`.
fn cargo(b: &[u8], out: &mut Vec<Found>) {
    let (sections, entries) = ini(b, b"=", false);
    for e in &entries {
        let in_registry = e.section > 0
            && sections.get(e.section - 1).is_some_and(|s| {
                let s = &b[s.clone()];
                s == b"registry" || s.starts_with(b"registries.")
            });
        if !in_registry {
            continue;
        }
        let mut value = e.value.clone();
        if b[value.clone()].starts_with(b"Bearer ") {
            value.start += 7;
        }
        let v = &b[value.clone()];
        let key = &b[e.key.clone()];
        if key == b"token" && token_ok(v) {
            out.push(found(
                Code::SQ34304,
                "cargo-registry-token",
                "Cargo registry token",
                value,
                None,
            ));
        } else if key == b"secret-key" && token_ok(v) {
            out.push(found(
                Code::SQ34303,
                "cargo-registry-secret-key",
                "Cargo registry asymmetric secret key",
                e.value.clone(),
                None,
            ));
        }
    }
}

/// Composer's `auth.json`: `http-basic` logins, `github-oauth`,
/// `gitlab-oauth`, `gitlab-token` and `bearer` tokens, `bitbucket-oauth`
/// consumer secrets.
fn composer(b: &[u8], out: &mut Vec<Found>) {
    let Some(root) = root_obj(b) else {
        return;
    };
    for (_, host) in get_obj(&root, "http-basic").unwrap_or_default() {
        let Json::Obj(h) = host else {
            continue;
        };
        if let Some(pw) = get_str(h, "password").filter(|p| password_ok(&p.text)) {
            out.push(found(
                Code::SQ34303,
                "composer-http-basic-password",
                "Composer HTTP basic auth password",
                pw.raw.clone(),
                get_str(h, "username").map(|u| u.raw.clone()),
            ));
        }
    }
    for key in ["github-oauth", "gitlab-oauth", "gitlab-token", "bearer"] {
        for (_, v) in get_obj(&root, key).unwrap_or_default() {
            let tok = match v {
                Json::Str(s) => Some(s),
                Json::Obj(o) => get_str(o, "token"),
                _ => None,
            };
            if let Some(t) = tok.filter(|t| token_ok(&t.text)) {
                out.push(found(
                    Code::SQ34304,
                    "composer-token",
                    "Composer repository token",
                    t.raw.clone(),
                    None,
                ));
            }
        }
    }
    for (_, host) in get_obj(&root, "bitbucket-oauth").unwrap_or_default() {
        let Json::Obj(h) = host else {
            continue;
        };
        if let Some(s) = get_str(h, "consumer-secret").filter(|s| token_ok(&s.text)) {
            out.push(found(
                Code::SQ34303,
                "composer-bitbucket-consumer-secret",
                "Composer Bitbucket OAuth consumer secret",
                s.raw.clone(),
                get_str(h, "consumer-key").map(|k| k.raw.clone()),
            ));
        }
    }
}

/// `.terraformrc`: `credentials "host" { token = "…" }`.
fn terraformrc(b: &[u8], out: &mut Vec<Found>) {
    let (_, entries) = ini(b, b"=", false);
    for e in entries {
        if &b[e.key.clone()] == b"token" && token_ok(&b[e.value.clone()]) {
            out.push(found(
                Code::SQ34304,
                "terraform-token",
                "Terraform registry API token",
                e.value,
                None,
            ));
        }
    }
}

/// `credentials.tfrc.json` (what `terraform login` writes).
fn terraform_json(b: &[u8], out: &mut Vec<Found>) {
    let Some(root) = root_obj(b) else {
        return;
    };
    for (_, host) in get_obj(&root, "credentials").unwrap_or_default() {
        let Json::Obj(h) = host else {
            continue;
        };
        if let Some(t) = get_str(h, "token").filter(|t| token_ok(&t.text)) {
            out.push(found(
                Code::SQ34304,
                "terraform-token",
                "Terraform registry API token",
                t.raw.clone(),
                None,
            ));
        }
    }
}

/// `.vault-token`: the file is the token (what `vault login` leaves).
fn vault_token(b: &[u8], out: &mut Vec<Found>) {
    let r = trim(b, 0..b.len());
    let v = &b[r.clone()];
    if v.len() <= 512 && token_ok(v) {
        out.push(found(
            Code::SQ34304,
            "vault-token-file",
            "HashiCorp Vault token",
            r,
            None,
        ));
    }
}

// ---------------------------------------------------------------------------
// MySQL, PostgreSQL, Maven, Gradle, dotenv

/// `.pgpass`: `hostname:port:database:username:password` lines, `\:` and
/// `\\` escaped.
fn pgpass(b: &[u8], out: &mut Vec<Found>) {
    for line in lines(b) {
        let r = trim(b, line);
        let l = &b[r.clone()];
        if l.is_empty() || l[0] == b'#' {
            continue;
        }
        let mut colons = Vec::with_capacity(4);
        let mut i = 0;
        while i < l.len() && colons.len() < 4 {
            match l[i] {
                b'\\' => i += 1,
                b':' => colons.push(i),
                _ => {}
            }
            i += 1;
        }
        let [_, _, c3, c4] = colons[..] else {
            continue;
        };
        let password = r.start + c4 + 1..r.end;
        if password_ok(&b[password.clone()]) {
            out.push(found(
                Code::SQ34303,
                "pgpass-password",
                "PostgreSQL password file entry",
                password,
                Some(r.start + c3 + 1..r.start + c4),
            ));
        }
    }
}

/// Maven `settings.xml`: `<password>` (and `<passphrase>`) of a `<server>`
/// or `<proxy>`, paired with its `<username>`; commented-out examples and
/// `{…}`-encrypted passwords left out.
fn maven(b: &[u8], out: &mut Vec<Found>) {
    let text = |st: usize| -> Option<Range<usize>> {
        let end = st + memchr::memchr(b'<', &b[st..])?;
        Some(trim(b, st..end))
    };
    let mut user: Option<Range<usize>> = None;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let p = i + k;
        let rest = &b[p..];
        if rest.starts_with(b"<!--") {
            i = memmem::find(&b[p + 4..], b"-->").map_or(b.len(), |k| p + 4 + k + 3);
            continue;
        }
        if rest.starts_with(b"<server>") || rest.starts_with(b"<proxy>") {
            user = None;
        } else if rest.starts_with(b"<username>") {
            user = text(p + 10);
        } else if rest.starts_with(b"<password>") || rest.starts_with(b"<passphrase>") {
            let pass = rest.starts_with(b"<password>");
            if let Some(v) = text(p + if pass { 10 } else { 12 }) {
                if password_ok(&b[v.clone()]) {
                    let (kind, what, pair) = if pass {
                        (
                            "maven-settings-password",
                            "Maven repository password",
                            user.clone(),
                        )
                    } else {
                        ("maven-settings-passphrase", "Maven key passphrase", None)
                    };
                    out.push(found(Code::SQ34303, kind, what, v, pair));
                }
            }
        }
        i = p + 1;
    }
}

/// `gradle.properties`: `key=value` (or `key: value`) lines whose key says
/// it is secret (`signing.password`, `ossrhPassword`, `mavenCentralToken`)
/// and whose value is real-looking.
fn gradle(b: &[u8], out: &mut Vec<Found>) {
    for line in lines(b) {
        let r = trim(b, line);
        let l = &b[r.clone()];
        if l.is_empty() || matches!(l[0], b'#' | b'!') {
            continue;
        }
        let Some(k) = l.iter().position(|&c| c == b'=' || c == b':') else {
            continue;
        };
        let key = &b[trim(b, r.start..r.start + k)];
        let value = trim(b, r.start + k + 1..r.end);
        if let Some(what) = generic::secret_name(key) {
            if generic::real_looking(&b[value.clone()]) {
                out.push(found(
                    Code::SQ34303,
                    "gradle-properties-secret",
                    what,
                    value,
                    None,
                ));
            }
        }
    }
}

/// `.env` files (dotenv, `docker --env-file`, Compose): `[export] KEY=value`
/// lines, values bare (to an inline ` #` comment) or quoted on one line,
/// whose key says it is secret and whose value is real-looking and not
/// interpolated.
fn env_file(b: &[u8], out: &mut Vec<Found>) {
    for line in lines(b) {
        let r = trim(b, line);
        let mut i = r.start;
        if b[i..r.end].starts_with(b"export ") {
            i += 7;
            while i < r.end && b[i] == b' ' {
                i += 1;
            }
        }
        let key_start = i;
        if !b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            || i >= r.end
        {
            continue;
        }
        while i < r.end && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-')) {
            i += 1;
        }
        let key = &b[key_start..i];
        while i < r.end && b[i] == b' ' {
            i += 1;
        }
        if b.get(i) != Some(&b'=') || i >= r.end {
            continue;
        }
        let v = trim(b, i + 1..r.end);
        let value = match b.get(v.start).filter(|_| !v.is_empty()) {
            Some(&q @ (b'"' | b'\'')) => {
                let mut k = v.start + 1;
                let mut end = None;
                while k < v.end {
                    if b[k] == b'\\' && q == b'"' {
                        k += 2;
                        continue;
                    }
                    if b[k] == q {
                        end = Some(k);
                        break;
                    }
                    k += 1;
                }
                match end {
                    Some(e) => v.start + 1..e,
                    None => continue,
                }
            }
            Some(_) => {
                let s = &b[v.clone()];
                let cut = s
                    .windows(2)
                    .position(|w| w[0].is_ascii_whitespace() && w[1] == b'#')
                    .map_or(v.end, |k| v.start + k);
                trim(b, v.start..cut)
            }
            None => continue,
        };
        let Some(what) = generic::secret_name(key) else {
            continue;
        };
        let s = &b[value.clone()];
        if generic::real_looking(s) && !generic::interpolated(s) {
            out.push(found(Code::SQ34303, "dotenv-secret", what, value, None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    /// Fake, random-looking values (see `crate::fake::text`).
    fn fake(seed: usize, len: usize) -> String {
        crate::fake::text(seed, len)
    }

    fn enc(s: &str) -> String {
        STANDARD.encode(s.as_bytes())
    }

    /// A PEM block of `label` around a body that decodes to a DER SEQUENCE
    /// of filler (assembled here so no key-looking literal is in the source).
    fn fake_pem(label: &str) -> String {
        let mut der = vec![0x30, 0x82, 0x01, 0x00];
        der.extend((0..200u32).map(|i| (i * 37 % 251) as u8));
        let body = STANDARD.encode(&der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    type Row = (Code, &'static str, String, Option<String>);

    fn got(path: &str, text: &str) -> Vec<Row> {
        let b = text.as_bytes();
        let s = |r: &Range<usize>| String::from_utf8_lossy(&b[r.clone()]).into_owned();
        scan(path.as_bytes(), b)
            .iter()
            .map(|f| (f.code, f.kind, s(&f.range), f.pair.as_ref().map(s)))
            .collect()
    }

    fn row(code: Code, kind: &'static str, value: &str, pair: Option<&str>) -> Row {
        (code, kind, value.to_owned(), pair.map(str::to_owned))
    }

    #[test]
    fn paths() {
        for p in [
            "root/.npmrc",
            "home/app/.npmrc",
            ".npmrc",
            "etc/npmrc",
            "usr/etc/npmrc",
            "usr/local/etc/npmrc",
            "usr/lib/node_modules/npm/npmrc",
            "home/app/.docker/config.json",
            "kaniko/.docker/config.json",
            "run/user/0/containers/auth.json",
            "root/.dockercfg",
            "root/.pypirc",
            "root/.netrc",
            "_netrc",
            "root/.git-credentials",
            "root/.config/git/credentials",
            "root/.aws/credentials",
            "root/.aws/config",
            "root/.kube/config",
            "etc/kubernetes/admin.conf",
            "etc/rancher/k3s/k3s.yaml",
            "srv/kubeconfig",
            "srv/prod-kubeconfig.yaml",
            "root/.config/gcloud/application_default_credentials.json",
            "app/.env",
            "app/.env.production",
            "app/prod.env",
            "root/.my.cnf",
            "etc/mysql/debian.cnf",
            "root/.pgpass",
            "root/.s3cfg",
            "root/.boto",
            "root/.gem/credentials",
            "root/.cargo/credentials.toml",
            "root/.cargo/credentials",
            "root/.composer/auth.json",
            "root/.m2/settings.xml",
            "usr/share/maven/conf/settings.xml",
            "root/.gradle/gradle.properties",
            "root/.config/gh/hosts.yml",
            "root/.terraformrc",
            "root/.terraform.d/credentials.tfrc.json",
            "root/.vault-token",
            "app/.yarnrc.yml",
        ] {
            assert!(wants(p.as_bytes()), "{p}");
        }
        for p in [
            "app/config.json",
            "root/.npmrc.bak/x",
            "src/kubeconfig.go",
            "app/.envrc",
            "app/environment",
            "etc/kubernetes/manifests/etcd.yaml",
            "usr/share/doc/netrc.5",
            "app/settings.xml",
            "root/.docker/daemon.json",
            "app/auth.json",
        ] {
            assert!(!wants(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn npmrc_tokens_auth_and_passwords() {
        let tok = fake(1, 36);
        let pw = fake(2, 14);
        let auth = enc(&format!("ci-bot:{pw}"));
        let pw64 = enc(&pw);
        let text = format!(
            "; written by npm config set\r\n\
             //registry.npmjs.org/:_authToken={tok}\r\n\
             @corp:registry=https://npm.corp.example/\r\n\
             //npm.corp.example/:_authToken=\"${{NPM_TOKEN}}\"\r\n\
             # _authToken={tok}\r\n\
             //npm.corp.example/:username=deploy\r\n\
             //npm.corp.example/:_password=\"{pw64}\"\r\n\
             //npm.corp.example/:email=ops@example.com\r\n\
             _auth = {auth}\r\n\
             //other.example/:_authToken=\r\n\
             //other.example/:_auth={}\r\n",
            enc("user:password")
        );
        assert_eq!(
            got("root/.npmrc", &text),
            vec![
                row(Code::SQ34304, "npmrc-auth-token", &tok, None),
                row(Code::SQ34303, "npmrc-password", &pw64, Some("deploy")),
                row(Code::SQ34303, "npmrc-auth", &auth, None),
            ]
        );
        // Exact range of the token.
        let f = scan(b"etc/npmrc", text.as_bytes());
        let start = text.find(&tok).unwrap_or(0);
        assert_eq!(f.first().map(|f| f.range.clone()), Some(start..start + 36));
        // A legacy UUID token is a token here.
        let uuid = "9f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0";
        assert_eq!(
            got("home/u/.npmrc", &format!("_authToken='{uuid}'\n")),
            vec![row(Code::SQ34304, "npmrc-auth-token", uuid, None)]
        );
    }

    #[test]
    fn docker_config_as_docker_login_writes_it() {
        let pw = fake(3, 20);
        let auth = enc(&format!("alice:{pw}"));
        let idt = fake(4, 48);
        let text = format!(
            "{{\n\t\"auths\": {{\n\t\t\"https://index.docker.io/v1/\": {{\n\t\t\t\"auth\": \"{auth}\"\n\t\t}},\n\
             \t\t\"ghcr.io\": {{\n\t\t\t\"auth\": \"{}\"\n\t\t}},\n\
             \t\t\"corp.azurecr.io\": {{\n\t\t\t\"auth\": \"{}\",\n\t\t\t\"identitytoken\": \"{}\\/{idt}\"\n\t\t}},\n\
             \t\t\"quay.io\": {{\n\t\t\t\"auth\": \"\"\n\t\t}},\n\
             \t\t\"reg.example\": {{\n\t\t\t\"auth\": \"not base64!\"\n\t\t}},\n\
             \t\t\"legacy.example\": {{\"username\": \"bob\", \"password\": \"{pw}\"}}\n\
             \t}},\n\t\"credsStore\": \"desktop\"\n}}",
            enc("alice:password"),
            enc("00000000-0000-0000-0000-000000000000:"),
            "ab"
        );
        let rows = got("root/.docker/config.json", &text);
        assert_eq!(
            rows,
            vec![
                row(Code::SQ34303, "docker-config-auth", &auth, None),
                row(
                    Code::SQ34303,
                    "docker-config-identity-token",
                    &format!("ab\\/{idt}"),
                    None
                ),
                row(Code::SQ34303, "docker-config-password", &pw, Some("bob")),
            ]
        );
        // Podman's auth.json: the same format.
        assert_eq!(got("run/containers/0/auth.json", &text).len(), 3);
        // A GCR `_json_key` login: a service-account key as the password.
        let sa = service_account(&fake_pem("PRIVATE KEY"));
        let gcr = enc(&format!("_json_key:{sa}"));
        let text = format!("{{\"auths\":{{\"https://gcr.io\":{{\"auth\":\"{gcr}\"}}}}}}");
        assert_eq!(
            got("root/.docker/config.json", &text),
            vec![row(Code::SQ34303, "docker-config-auth", &gcr, None)]
        );
        // Only a credential helper: nothing.
        assert!(got(
            "root/.docker/config.json",
            "{\"auths\": {}, \"credsStore\": \"osxkeychain\"}"
        )
        .is_empty());
        // The legacy .dockercfg has the registries at the top.
        let legacy = format!("{{\"https://index.docker.io/v1/\":{{\"auth\":\"{auth}\",\"email\":\"a@example.com\"}}}}");
        assert_eq!(
            got("root/.dockercfg", &legacy),
            vec![row(Code::SQ34303, "docker-config-auth", &auth, None)]
        );
        assert!(got("root/.docker/config.json", &legacy).is_empty());
        // Not JSON: nothing, no panic.
        assert!(got(
            "root/.docker/config.json",
            "{\"auths\": {\"x\": {\"auth\": \""
        )
        .is_empty());
    }

    #[test]
    fn pypirc_sections() {
        let tok = format!("pypi-{}", fake(5, 60));
        let pw = fake(6, 12);
        let text = format!(
            "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    private\n\n\
             [pypi]\nusername = __token__\npassword = {tok}\n\n\
             [testpypi]\nrepository = https://test.pypi.org/legacy/\nusername: alice\npassword: {pw}\n\n\
             [private]\nrepository = https://pypi.corp.example\npassword = {pw}\n\n\
             [other]\nusername = bob\npassword = %(PYPI_PASSWORD)s\n"
        );
        assert_eq!(
            got("root/.pypirc", &text),
            vec![
                row(Code::SQ34304, "pypirc-token", &tok, None),
                row(Code::SQ34303, "pypirc-password", &pw, Some("alice")),
            ]
        );
    }

    #[test]
    fn netrc_entries() {
        let a = fake(7, 16);
        let b = fake(8, 10);
        let c = fake(9, 12);
        let text = format!(
            "# ~/.netrc\nmachine api.example.com login alice password {a}\n\
             machine git.example.com\n  login bob\n  password \"{b}\"\n\
             machine ftp.example.org login anonymous password user@example.org\n\
             machine x.example login carol password changeme\n\
             macdef init\ncd /pub\npassword {c}\n\n\
             default\n\tpassword {c}\n\tlogin dave\n"
        );
        assert_eq!(
            got("root/.netrc", &text),
            vec![
                row(Code::SQ34303, "netrc-password", &a, Some("alice")),
                row(Code::SQ34303, "netrc-password", &b, Some("bob")),
                row(Code::SQ34303, "netrc-password", &c, Some("dave")),
            ]
        );
        assert_eq!(
            got("_netrc", &format!("machine h login u password {a}")).len(),
            1,
            "no trailing newline"
        );
    }

    #[test]
    fn git_credentials_lines() {
        let a = fake(10, 40);
        let text = format!(
            "https://alice:{a}@github.com\nhttps://bob:p%40ss%3A{a}@gitlab.example.com/group\n\
             https://carol@git.example.com\nhttps://dave:password@git.example.com\n"
        );
        assert_eq!(
            got("root/.git-credentials", &text),
            vec![
                row(Code::SQ34303, "git-credentials", &a, Some("alice")),
                row(
                    Code::SQ34303,
                    "git-credentials",
                    &format!("p%40ss%3A{a}"),
                    Some("bob")
                ),
            ]
        );
    }

    #[test]
    fn aws_profiles() {
        let id1 = "FAKEKEYIDQWERTZUIOP1";
        let s1 = fake(11, 40);
        let s2 = fake(12, 40);
        let st = fake(13, 300);
        let text = format!(
            "[default]\r\naws_access_key_id = {id1}\r\naws_secret_access_key = {s1}\r\n\r\n\
             [profile dev]\r\nregion = eu-west-1\r\naws_secret_access_key={s2}\r\naws_session_token = {st}\r\n\
             [profile docs]\r\naws_access_key_id = {id1}\r\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n\
             [profile env]\r\naws_secret_access_key = ${{AWS_SECRET_ACCESS_KEY}}\r\n\
             [profile empty]\r\naws_secret_access_key =\r\n"
        );
        assert_eq!(
            got("root/.aws/credentials", &text),
            vec![
                row(Code::SQ34303, "aws-secret-access-key", &s1, Some(id1)),
                row(Code::SQ34303, "aws-secret-access-key", &s2, None),
                row(Code::SQ34303, "aws-session-token", &st, None),
            ]
        );
    }

    fn kubeconfig(key_data: &str, token: &str, pw: &str, secret: &str, rt: &str) -> String {
        format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://10.0.0.1:6443\n  name: kubernetes\n\
             contexts:\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\n\
             current-context: kubernetes-admin@kubernetes\nkind: Config\npreferences: {{}}\n\
             users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: {ca}\n    client-key-data: {key_data}\n\
             - name: sa\n  user:\n    token: {token}\n\
             - name: basic\n  user:\n    password: \"{pw}\"\n    username: admin\n\
             - name: oidc\n  user:\n    auth-provider:\n      config:\n        client-id: kubernetes\n        client-secret: {secret}\n        id-token: ${{ID_TOKEN}}\n        idp-issuer-url: https://issuer.example\n        refresh-token: '{rt}'\n      name: oidc\n\
             - name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args:\n      - token\n",
            ca = enc(&fake_pem("CERTIFICATE")),
        )
    }

    #[test]
    fn kubeconfig_as_kubectl_writes_it() {
        let key = enc(&fake_pem("RSA PRIVATE KEY"));
        let token = format!("{}.{}", fake(14, 40), fake(15, 60));
        let pw = fake(16, 12);
        let secret = fake(17, 32);
        let rt = fake(18, 40);
        let text = kubeconfig(&key, &token, &pw, &secret, &rt);
        assert_eq!(
            got("root/.kube/config", &text),
            vec![
                row(Code::SQ34109, "kubeconfig-client-key", &key, None),
                row(Code::SQ34304, "kubeconfig-token", &token, None),
                row(Code::SQ34303, "kubeconfig-password", &pw, Some("admin")),
                row(
                    Code::SQ34303,
                    "kubeconfig-auth-provider-secret",
                    &secret,
                    Some("kubernetes")
                ),
                row(Code::SQ34304, "kubeconfig-auth-provider-token", &rt, None),
            ]
        );
        // CRLF line endings and an indented sequence style give the same.
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(got("etc/kubernetes/admin.conf", &crlf).len(), 5);
        let indented = format!("users:\n  - name: a\n    user:\n      token: \"{token}\"\n  - name: b\n    user: {{}}\n");
        assert_eq!(
            got("srv/kubeconfig", &indented),
            vec![row(Code::SQ34304, "kubeconfig-token", &token, None)]
        );
        // An encrypted key is SQ34111; a truncated one or a certificate is nothing.
        let text = kubeconfig(&enc(&fake_pem("ENCRYPTED PRIVATE KEY")), "x", "", "", "");
        assert_eq!(
            got("root/.kube/config", &text),
            vec![row(
                Code::SQ34111,
                "kubeconfig-client-key",
                &enc(&fake_pem("ENCRYPTED PRIVATE KEY")),
                None
            )]
        );
        let truncated = enc(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
        );
        assert!(got("root/.kube/config", &kubeconfig(&truncated, "", "", "", "")).is_empty());
        // A token in a block scalar's text is not a key.
        let block = format!(
            "users:\n- name: a\n  user:\n    note: |\n      token: {token}\n    other: x\n"
        );
        assert!(got("root/.kube/config", &block).is_empty());
    }

    fn service_account(key: &str) -> String {
        let key = key.replace('\n', "\\n");
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n  \"private_key_id\": \"{kid}\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"sa@demo-project.iam.gserviceaccount.com\",\n  \"client_id\": \"100000000000000000001\",\n  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\",\n  \"auth_provider_x509_cert_url\": \"https://www.googleapis.com/oauth2/v1/certs\",\n  \"client_x509_cert_url\": \"https://www.googleapis.com/robot/v1/metadata/x509/sa%40demo-project.iam.gserviceaccount.com\",\n  \"universe_domain\": \"googleapis.com\"\n}}\n",
            kid = "0123456789abcdef0123456789abcdef01234567",
        )
    }

    #[test]
    fn service_account_json_by_content() {
        let pem = fake_pem("PRIVATE KEY");
        let text = service_account(&pem);
        assert!(wants_by_head(text.as_bytes()));
        assert!(!wants(b"app/key.json"));
        let rows = got("app/key.json", &text);
        assert_eq!(
            rows,
            vec![row(
                Code::SQ34303,
                "gcp-service-account-key",
                &pem.replace('\n', "\\n"),
                Some("0123456789abcdef0123456789abcdef01234567"),
            )]
        );
        // The range is the raw JSON string, escapes as written.
        let f = scan(b"x.json", text.as_bytes());
        let start = text.find("-----BEGIN").unwrap_or(0);
        assert_eq!(f.first().map(|f| f.range.start), Some(start));
        // A documentation example with an elided body is not a key.
        let elided =
            service_account("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n");
        assert!(got("x.json", &elided).is_empty());
        // gcloud's user credentials.
        let rt = format!("1//{}", fake(19, 60));
        let adc = format!(
            "{{\n  \"account\": \"\",\n  \"client_id\": \"000000000000-fake.apps.googleusercontent.com\",\n  \"client_secret\": \"{}\",\n  \"refresh_token\": \"{rt}\",\n  \"type\": \"authorized_user\",\n  \"universe_domain\": \"googleapis.com\"\n}}\n",
            fake(20, 24)
        );
        assert_eq!(
            got(
                "root/.config/gcloud/application_default_credentials.json",
                &adc
            ),
            vec![row(Code::SQ34304, "gcp-refresh-token", &rt, None)]
        );
        assert!(wants_by_head(adc.as_bytes()));
        for head in [
            "[1, 2]",
            "{\"type\": \"service\"}",
            "{\"name\": \"type\"}",
            "",
            "   ",
        ] {
            assert!(!wants_by_head(head.as_bytes()), "{head}");
        }
        assert!(wants_by_head(b"\xEF\xBB\xBF {\"type\":\"service_account\""));
    }

    #[test]
    fn env_files() {
        let a = fake(21, 24);
        let b = fake(22, 32);
        let c = fake(23, 16);
        let text = format!(
            "# app settings\nDEBUG=false\nDB_HOST=db\nDB_PASSWORD={a}\nexport API_KEY=\"{b}\"\n\
             SECRET_KEY='{c}' # rotated\nTOKEN_URL=https://auth.example/token\nDB_PASSWORD2=${{FROM_ENV}}\n\
             JWT_SECRET=changeme\nEMPTY_PASSWORD=\nSTRIPE_SECRET_KEY=sk_{a}$suffix\nPASSWORD_FILE=/run/secrets/db\n\
             BROKEN=\"{a}\n"
        );
        let want = vec![
            row(Code::SQ34303, "dotenv-secret", &a, None),
            row(Code::SQ34303, "dotenv-secret", &b, None),
            row(Code::SQ34303, "dotenv-secret", &c, None),
        ];
        assert_eq!(got("app/.env", &text), want);
        assert_eq!(got("app/.env.local", &text.replace('\n', "\r\n")), want);
        assert_eq!(
            scan(b"app/prod.env", text.as_bytes())
                .first()
                .map(|f| f.what),
            Some("password")
        );
    }

    #[test]
    fn mysql_and_postgres() {
        let pw = fake(24, 16);
        let debian = format!(
            "# Automatically generated for Debian scripts. DO NOT TOUCH!\n[client]\nhost     = localhost\nuser     = debian-sys-maint\npassword = {pw}\nsocket   = /var/run/mysqld/mysqld.sock\n[mysql_upgrade]\nhost     = localhost\nuser     = debian-sys-maint\npassword = \"{pw}\" # same\nbasedir  = /usr\n"
        );
        assert_eq!(
            got("etc/mysql/debian.cnf", &debian),
            vec![
                row(
                    Code::SQ34303,
                    "mysql-config-password",
                    &pw,
                    Some("debian-sys-maint")
                ),
                row(
                    Code::SQ34303,
                    "mysql-config-password",
                    &pw,
                    Some("debian-sys-maint")
                ),
            ]
        );
        let mine = "[client]\nuser=root\npassword\n[mysqldump]\npassword=${MYSQL_PWD}\n";
        assert!(got("root/.my.cnf", mine).is_empty());
        let pgpass = format!("# host:port:db:user:password\ndb:5432:*:app:{pw}\n*:*:*:ops:a\\:b{pw}\nlocalhost:5432:x:y:changeme\nshort:line\n");
        assert_eq!(
            got("root/.pgpass", &pgpass),
            vec![
                row(Code::SQ34303, "pgpass-password", &pw, Some("app")),
                row(
                    Code::SQ34303,
                    "pgpass-password",
                    &format!("a\\:b{pw}"),
                    Some("ops")
                ),
            ]
        );
    }

    #[test]
    fn s3cfg_and_boto() {
        let s = fake(25, 40);
        let s3 = format!(
            "[default]\naccess_key = FAKEKEYIDQWERTZUIOP1\naccess_token = \nsecret_key = {s}\ngpg_passphrase = \nhost_base = s3.amazonaws.com\n"
        );
        assert_eq!(
            got("root/.s3cfg", &s3),
            vec![row(
                Code::SQ34303,
                "s3cfg-secret-key",
                &s,
                Some("FAKEKEYIDQWERTZUIOP1")
            )]
        );
        let boto = format!(
            "[Credentials]\ngs_access_key_id = GOOGFAKEID1234567890\ngs_secret_access_key = {s}\ngs_oauth2_refresh_token = 1//{s}\n[Boto]\nhttps_validate_certificates = True\n"
        );
        assert_eq!(
            got("root/.boto", &boto),
            vec![
                row(
                    Code::SQ34303,
                    "boto-gs-secret-access-key",
                    &s,
                    Some("GOOGFAKEID1234567890")
                ),
                row(
                    Code::SQ34304,
                    "boto-gs-refresh-token",
                    &format!("1//{s}"),
                    None
                ),
            ]
        );
    }

    #[test]
    fn gem_cargo_composer() {
        let t = fake(26, 48);
        let gem = format!("---\n:rubygems_api_key: rubygems_{t}\n:github: Bearer {t}\n");
        assert_eq!(
            got("root/.gem/credentials", &gem),
            vec![
                row(
                    Code::SQ34304,
                    "gem-credentials",
                    &format!("rubygems_{t}"),
                    None
                ),
                row(Code::SQ34304, "gem-credentials", &t, None),
            ]
        );
        let cargo = format!(
            "[registry]\ntoken = \"{t}\"\n\n[registries.corp]\ntoken = \"Bearer {t}\"\nsecret-key = \"k3.secret.{t}\"\n[net]\ntoken = \"{t}\"\n"
        );
        assert_eq!(
            got("root/.cargo/credentials.toml", &cargo),
            vec![
                row(Code::SQ34304, "cargo-registry-token", &t, None),
                row(Code::SQ34304, "cargo-registry-token", &t, None),
                row(
                    Code::SQ34303,
                    "cargo-registry-secret-key",
                    &format!("k3.secret.{t}"),
                    None
                ),
            ]
        );
        let pw = fake(27, 14);
        let composer = format!(
            "{{\n    \"http-basic\": {{\n        \"repo.example.org\": {{\n            \"username\": \"me\",\n            \"password\": \"{pw}\"\n        }}\n    }},\n    \"github-oauth\": {{\n        \"github.com\": \"{t}\"\n    }},\n    \"gitlab-token\": {{\n        \"gitlab.example.org\": {{\"username\": \"me\", \"token\": \"{t}\"}}\n    }},\n    \"bitbucket-oauth\": {{\"bitbucket.org\": {{\"consumer-key\": \"key1\", \"consumer-secret\": \"{t}\"}}}}\n}}\n"
        );
        let want = vec![
            row(
                Code::SQ34303,
                "composer-http-basic-password",
                &pw,
                Some("me"),
            ),
            row(Code::SQ34304, "composer-token", &t, None),
            row(Code::SQ34304, "composer-token", &t, None),
            row(
                Code::SQ34303,
                "composer-bitbucket-consumer-secret",
                &t,
                Some("key1"),
            ),
        ];
        assert_eq!(got("root/.composer/auth.json", &composer), want);
        // A project's auth.json, found by content.
        assert!(wants_by_head(composer.as_bytes()));
        assert_eq!(got("app/auth.json", &composer), want);
    }

    #[test]
    fn maven_and_gradle() {
        let pw = fake(28, 14);
        let settings = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<settings>\n  <!--\n  <server>\n    <id>deploymentRepo</id>\n    <username>repouser</username>\n    <password>repopwd1234</password>\n  </server>\n  -->\n  <servers>\n    <server>\n      <id>corp</id>\n      <username>deployer</username>\n      <password>{pw}</password>\n    </server>\n    <server>\n      <id>enc</id>\n      <username>x</username>\n      <password>{{COQLCE6DU6GtcS5P=}}</password>\n    </server>\n    <server>\n      <id>env</id>\n      <password>${{env.REPO_PASSWORD}}</password>\n    </server>\n    <server>\n      <id>key</id>\n      <privateKey>/home/u/.ssh/id_rsa</privateKey>\n      <passphrase>{pw}</passphrase>\n    </server>\n  </servers>\n</settings>\n"
        );
        assert_eq!(
            got("root/.m2/settings.xml", &settings),
            vec![
                row(
                    Code::SQ34303,
                    "maven-settings-password",
                    &pw,
                    Some("deployer")
                ),
                row(Code::SQ34303, "maven-settings-passphrase", &pw, None),
            ]
        );
        let props = format!(
            "org.gradle.jvmargs=-Xmx2g\nsigning.keyId=0ABCDEF1\nsigning.password={pw}\nsigning.secretKeyRingFile=/root/.gnupg/secring.gpg\nossrhPassword: {pw}\nmavenCentralToken=${{TOKEN}}\n"
        );
        assert_eq!(
            got("root/.gradle/gradle.properties", &props),
            vec![
                row(Code::SQ34303, "gradle-properties-secret", &pw, None),
                row(Code::SQ34303, "gradle-properties-secret", &pw, None),
            ]
        );
    }

    #[test]
    fn gh_terraform_vault_yarn() {
        let t = fake(29, 40);
        let hosts = format!("github.com:\n    users:\n        octo:\n            oauth_token: {t}\n    git_protocol: https\n    oauth_token: {t}\n    user: octo\n");
        assert_eq!(got("root/.config/gh/hosts.yml", &hosts).len(), 2);
        let hub = format!("github.com:\n- user: octo\n  oauth_token: {t}\n  protocol: https\n");
        assert_eq!(
            got("root/.config/hub", &hub),
            vec![row(Code::SQ34304, "gh-cli-oauth-token", &t, None)]
        );
        let rc =
            format!("credentials \"app.terraform.io\" {{\n  token = \"{t}.atlasv1.{t}\"\n}}\n");
        assert_eq!(
            got("root/.terraformrc", &rc),
            vec![row(
                Code::SQ34304,
                "terraform-token",
                &format!("{t}.atlasv1.{t}"),
                None
            )]
        );
        let tf = format!("{{\n  \"credentials\": {{\n    \"app.terraform.io\": {{\n      \"token\": \"{t}\"\n    }}\n  }}\n}}\n");
        assert_eq!(
            got("root/.terraform.d/credentials.tfrc.json", &tf),
            vec![row(Code::SQ34304, "terraform-token", &t, None)]
        );
        let vt = format!("hvs.{}", fake(30, 24));
        assert_eq!(
            got("root/.vault-token", &format!("{vt}\n")),
            vec![row(Code::SQ34304, "vault-token-file", &vt, None)]
        );
        assert!(got("root/.vault-token", "").is_empty());
        assert!(got("root/.vault-token", "not a token at all\n").is_empty());
        let yarn = format!(
            "nodeLinker: node-modules\nnpmAuthToken: \"${{NPM_TOKEN}}\"\nnpmRegistries:\n  \"https://npm.corp.example\":\n    npmAuthToken: {t}\n    npmAlwaysAuth: true\nnpmScopes:\n  corp:\n    npmAuthIdent: \"deploy:{t}\"\n"
        );
        assert_eq!(
            got("app/.yarnrc.yml", &yarn),
            vec![
                row(Code::SQ34304, "yarnrc-npm-auth-token", &t, None),
                row(
                    Code::SQ34303,
                    "yarnrc-npm-auth-ident",
                    &format!("deploy:{t}"),
                    None
                ),
            ]
        );
    }

    #[test]
    fn linear_and_total_on_hostile_files() {
        // A MiB of near-misses in every format: each reader stays linear.
        let mut env = String::new();
        while env.len() < (1 << 20) {
            env.push_str("DB_PASSWORD=password\nA=\"b\n");
        }
        for p in [
            "app/.env",
            "root/.netrc",
            "root/.pgpass",
            "root/.npmrc",
            "root/.aws/credentials",
            "root/.kube/config",
            "root/.m2/settings.xml",
            "root/.git-credentials",
            "root/.docker/config.json",
        ] {
            assert!(scan(p.as_bytes(), env.as_bytes()).is_empty(), "{p}");
        }
        let deep = "{\"a\":".repeat(100_000);
        assert!(scan(b"root/.docker/config.json", deep.as_bytes()).is_empty());
        let deep_yaml: String = (0..2000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(scan(b"root/.kube/config", deep_yaml.as_bytes()).is_empty());
        let many = "machine m login l password ".repeat(40_000);
        assert!(scan(b"root/.netrc", many.as_bytes()).is_empty());
        let tags = "<password><!--".repeat(50_000);
        assert!(scan(b"root/.m2/settings.xml", tags.as_bytes()).is_empty());
        // Every prefix of every sample: no panic.
        let key = enc(&fake_pem("RSA PRIVATE KEY"));
        let samples = [
            ("root/.kube/config", kubeconfig(&key, &fake(1, 30), &fake(2, 9), &fake(3, 20), &fake(4, 20))),
            ("x.json", service_account(&fake_pem("PRIVATE KEY"))),
            ("root/.netrc", "machine a login b password \"c\\\"d\" macdef x\ny\n\n".to_owned()),
            ("root/.docker/config.json", format!("{{\"auths\":{{\"r\":{{\"auth\":\"{}\",\"identitytoken\":\"\\ud83d\\ude00\\u00\"}}}}}}", enc("a:bcdefgh"))),
            ("app/.env", "export A_TOKEN=\"x\\\"\nB_SECRET='".to_owned()),
            ("root/.pgpass", "a:b:c:d\\".to_owned()),
            ("root/.m2/settings.xml", "<server><username>u</username><password>p".to_owned()),
            ("app/.yarnrc.yml", "- - \"k\": 'v\n\"q: x\n  - npmAuthIdent: |\n".to_owned()),
        ];
        for (p, s) in &samples {
            let b = s.as_bytes();
            for end in 0..=b.len() {
                let _ = scan(p.as_bytes(), &b[..end]);
                let _ = wants_by_head(&b[..end]);
            }
        }
    }
}
