//! Package URLs (purls), built as the package-url specification says
//! (ECMA-427 / `docs/specification/how-to-build.md` and the per-type
//! definitions `types/*-definition.json` of the purl-spec repository).
//!
//! Rules applied, in the spec's order:
//!
//! - `pkg:` then the type (the [`Ecosystem`]'s purl type; `generic` for a
//!   package without one).
//! - The namespace split on `/` into segments, empty segments dropped, each
//!   percent-encoded; the name percent-encoded (a `/` in it becomes `%2F`).
//! - `@` and the percent-encoded version when there is one.
//! - Qualifiers with an empty value are dropped; the rest are `key=value`
//!   with the value percent-encoded, sorted by key, joined by `&`.
//! - Percent-encoding leaves the spec's alphanumeric and punctuation
//!   characters (`A-Z a-z 0-9 . - _ ~`) and the colon `:` as they are and
//!   encodes every other byte of the UTF-8 string as `%XX` (upper-case hex):
//!   `+` is `%2B`, `@` is `%40`, a space `%20`, `/` inside a value `%2F`.
//!   The colon stays unencoded: the specification says so ("the colon ':',
//!   whether used as a Separator Character or otherwise" shall not be
//!   encoded) and its test suite builds `pkg:deb/debian/attr@1:2.4.47-2%2Bb1`.
//!   Older tools write `%3A`; a purl parser decodes both to the same version.
//!
//! Per type (case folding follows each type's `case_sensitive: false`):
//!
//! - **deb**: namespace the OS id (`debian`, `ubuntu`), name lower-cased,
//!   the version as dpkg has it, epoch included (`1:2.4.47-2`); qualifiers
//!   `arch` and `distro`.
//! - **rpm**: namespace the OS id (`rhel`, `fedora`, `rocky`, `opensuse-leap`);
//!   the version without its epoch, the epoch as the `epoch` qualifier (an
//!   epoch of `0` is left out: rpm treats a missing epoch as 0, so the purl
//!   does not depend on whether the database wrote it); `arch`, `distro`.
//! - **apk**: namespace the OS id (`alpine`, `wolfi`), name lower-cased;
//!   `arch`, `distro`.
//! - **pypi**: no namespace; the name lower-cased with `_` replaced by `-`,
//!   as the pypi type definition says. Dots are kept (`zope.interface`):
//!   the purl type does not fold them, unlike PEP 503's `[-_.]+` → `-`
//!   that vulnerability matching uses on names.
//! - **npm**: the scope as the namespace, always with its `@` (encoded
//!   `%40`); a name `@scope/name` with no namespace is split.
//! - **maven**: `GROUP/ARTIFACT` (a jar whose group is not known gets no
//!   namespace rather than a made-up one). **composer**: `vendor/name`,
//!   lower-cased.
//! - **golang**: the module path, all but its last element as the
//!   namespace (a name holding the whole path is split at its last `/`).
//!   Case is kept: Go module paths are case-sensitive (the module proxy
//!   escapes upper case) and advisories name them exactly, although the
//!   type definition's note asks for lower case.
//! - **cargo**, **gem**, **nuget**: the name as it is (all case-sensitive).
//!
//! OS packages when the OS is not known: the namespace is the vendor of the
//! format where there is one, `debian` for deb and `alpine` for apk, with no
//! `distro` qualifier; rpm has no such vendor (Red Hat, Fedora, SUSE,
//! Oracle… all ship rpm), so an rpm purl then has no namespace rather than
//! a guessed one that would send vulnerability matching to the wrong
//! distribution.

use crate::model::{Ecosystem, Os, Package};

/// The package's purl; `os` is the image's operating system (the namespace
/// and `distro` qualifier of OS packages).
pub fn purl(p: &Package, os: Option<&Os>) -> String {
    let ty = p.ecosystem.map_or("generic", Ecosystem::purl_type);
    let mut namespace: Option<String> = p.namespace.clone().filter(|n| !n.is_empty());
    let mut name = p.name.clone();
    let mut version = p.version.clone();
    let mut qualifiers: Vec<(&str, String)> = Vec::new();

    match p.ecosystem {
        Some(eco @ (Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)) => {
            let os_id = os
                .map(|o| o.id.trim().to_lowercase())
                .filter(|id| !id.is_empty());
            namespace = match (os_id, eco) {
                (Some(id), _) => Some(id),
                (None, Ecosystem::Deb) => Some("debian".to_owned()),
                (None, Ecosystem::Apk) => Some("alpine".to_owned()),
                (None, _) => None,
            };
            if eco != Ecosystem::Rpm {
                name = name.to_lowercase();
            }
            if eco == Ecosystem::Rpm {
                if let Some((epoch, rest)) = split_epoch(&version) {
                    if !epoch.trim_start_matches('0').is_empty() {
                        qualifiers.push(("epoch", epoch.to_owned()));
                    }
                    version = rest.to_owned();
                }
            }
            if let Some(arch) = &p.arch {
                qualifiers.push(("arch", arch.clone()));
            }
            if let Some(d) = os.and_then(distro_qualifier) {
                qualifiers.push(("distro", d));
            }
        }
        Some(Ecosystem::Pypi) => {
            namespace = None;
            name = name.to_lowercase().replace('_', "-");
        }
        Some(Ecosystem::Npm) => {
            if namespace.is_none() {
                if let Some((scope, rest)) = name.split_once('/') {
                    if scope.starts_with('@') {
                        namespace = Some(scope.to_owned());
                        name = rest.to_owned();
                    }
                }
            }
            namespace = namespace.map(|s| {
                if s.starts_with('@') {
                    s
                } else {
                    format!("@{s}")
                }
            });
        }
        Some(Ecosystem::Golang) => {
            if namespace.is_none() {
                if let Some((ns, last)) = name.rsplit_once('/') {
                    namespace = Some(ns.to_owned());
                    name = last.to_owned();
                }
            }
        }
        Some(Ecosystem::Composer) => {
            namespace = namespace.map(|n| n.to_lowercase());
            name = name.to_lowercase();
        }
        Some(Ecosystem::Cargo | Ecosystem::Gem | Ecosystem::Nuget) => namespace = None,
        Some(Ecosystem::Maven) | None => {}
    }

    build(ty, namespace.as_deref(), &name, &version, &mut qualifiers)
}

/// The `distro` qualifier for OS packages: `ID-VERSION_ID` (`debian-12`,
/// `alpine-3.20.1`, `rhel-9.4`, `ubuntu-22.04`); `ID-CODENAME` for a
/// release with a codename but no version (Debian testing: `debian-trixie`);
/// the ID alone for a rolling distribution (`arch`); `None` with no ID.
pub fn distro_qualifier(os: &Os) -> Option<String> {
    let id = os.id.trim().to_lowercase();
    if id.is_empty() {
        return None;
    }
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Some(
        match nonempty(&os.version_id).or_else(|| nonempty(&os.version_codename)) {
            Some(v) => format!("{id}-{v}"),
            None => id,
        },
    )
}

/// `E:rest` where `E` is all digits: (epoch, rest).
fn split_epoch(version: &str) -> Option<(&str, &str)> {
    let (epoch, rest) = version.split_once(':')?;
    (!epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit())).then_some((epoch, rest))
}

fn build(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    qualifiers: &mut [(&str, String)],
) -> String {
    let mut out = String::with_capacity(8 + name.len() + version.len());
    out.push_str("pkg:");
    out.push_str(ty);
    out.push('/');
    if let Some(ns) = namespace {
        for segment in ns.split('/').filter(|s| !s.is_empty()) {
            encode_into(&mut out, segment);
            out.push('/');
        }
    }
    encode_into(&mut out, name.trim_matches('/'));
    if !version.is_empty() {
        out.push('@');
        encode_into(&mut out, version);
    }
    qualifiers.sort_by(|a, b| a.0.cmp(b.0));
    let mut first = true;
    for (key, value) in qualifiers.iter() {
        if value.is_empty() {
            continue;
        }
        out.push(if first { '?' } else { '&' });
        first = false;
        out.push_str(key);
        out.push('=');
        encode_into(&mut out, value);
    }
    out
}

/// Percent-encode `s` into `out`: everything but `A-Z a-z 0-9 . - _ ~ :`.
fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// A parsed purl: its components percent-decoded and normalised as the
/// specification (`docs/specification/how-to-parse.md`) and the type's
/// definition (`types/<type>-definition.json`) say. Two purls naming the
/// same package compare equal component by component whatever their
/// spelling (`pkg:PyPI/Django_Package` and `pkg:pypi/django-package`,
/// `@1%3A2` and `@1:2`, qualifiers in any order).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Purl {
    /// Lower case (`deb`, `pypi`, `oci`).
    pub ty: String,
    /// The decoded segments joined by `/`; `None` when there are none.
    pub namespace: Option<String>,
    /// Decoded; never empty.
    pub name: String,
    /// Decoded; `None` when absent or empty.
    pub version: Option<String>,
    /// Keys lower case, values decoded; pairs with an empty value dropped.
    pub qualifiers: std::collections::BTreeMap<String, String>,
    /// The decoded segments joined by `/` (`.`, `..` and empty segments
    /// dropped); `None` when there are none.
    pub subpath: Option<String>,
}

/// Why a string is not a purl.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PurlError {
    /// No `pkg:` scheme.
    Scheme,
    /// No type, or one that is not letters, digits, `.` and `-` starting
    /// with a letter.
    Type(String),
    /// No name.
    Name,
    /// A qualifier key that is not lower-case letters, digits, `.`, `-`, `_`
    /// starting with a letter.
    QualifierKey(String),
    /// The same qualifier key twice.
    DuplicateQualifier(String),
    /// A `%` not followed by two hex digits.
    PercentEncoding,
    /// Percent-decoded bytes that are not UTF-8.
    Utf8,
    /// A decoded namespace or subpath segment holding a `/`.
    Slash,
    /// The type's definition requires a namespace and there is none.
    NamespaceRequired(String),
    /// The type's definition prohibits a namespace and there is one.
    NamespaceProhibited(String),
    /// The type's definition requires this qualifier.
    QualifierRequired { ty: String, key: &'static str },
    /// A name or version the type's definition does not permit.
    NotPermitted { ty: String, what: &'static str },
}

impl std::fmt::Display for PurlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PurlError::Scheme => f.write_str("no pkg: scheme"),
            PurlError::Type(t) if t.is_empty() => f.write_str("no type"),
            PurlError::Type(t) => write!(f, "type {t:?} is not a purl type"),
            PurlError::Name => f.write_str("no name"),
            PurlError::QualifierKey(k) => write!(f, "qualifier key {k:?} is not a purl key"),
            PurlError::DuplicateQualifier(k) => write!(f, "qualifier {k:?} given twice"),
            PurlError::PercentEncoding => f.write_str("a % not followed by two hex digits"),
            PurlError::Utf8 => f.write_str("percent-encoded bytes that are not UTF-8"),
            PurlError::Slash => f.write_str("a namespace or subpath segment holding a /"),
            PurlError::NamespaceRequired(t) => write!(f, "a {t} purl needs a namespace"),
            PurlError::NamespaceProhibited(t) => write!(f, "a {t} purl has no namespace"),
            PurlError::QualifierRequired { ty, key } => {
                write!(f, "a {ty} purl needs the {key} qualifier")
            }
            PurlError::NotPermitted { ty, what } => {
                write!(f, "{what} not permitted in a {ty} purl")
            }
        }
    }
}

impl std::error::Error for PurlError {}

/// Parse a purl as the specification says, applying its type's
/// normalisation and enforcing its type's requirements.
///
/// Parsing (`how-to-parse.md`), right to left: the subpath after the last
/// `#` (segments decoded; empty, `.` and `..` dropped), the qualifiers
/// after the last `?` (`&`-separated `key=value`, keys lower-cased, values
/// decoded, empty values dropped), the `pkg:` scheme (case-insensitive;
/// slashes after it ignored: `pkg://maven/…`), the type up to the first
/// `/` (lower-cased), the version after the last `@` that follows the last
/// `/` (an unencoded `@` of an npm scope is not a version), the name after
/// the last `/`, and the namespace: the segments before it, empty ones
/// dropped, each decoded.
///
/// Type-specific normalisation (from the type definitions,
/// `case_sensitive: false` and `normalization_rules`):
///
/// - namespace lower-cased: alpm, apk, bitbucket, brew, composer, deb,
///   github, hex, luarocks, qpkg, rpm, vscode-extension, yocto; upper-cased:
///   cpan (a CPAN author id "shall be uppercase").
/// - name lower-cased: alpm, apk, bitbucket, bitnami, brew,
///   chrome-extension, composer, deb, github, hex, luarocks, oci, otp,
///   pypi (and `_` replaced by `-`), pub (and every character outside
///   `[a-z0-9_]` replaced by `_`), vscode-extension; mlflow when its
///   `repository_url` is a Databricks server (case-insensitive there,
///   case-sensitive on Azure ML, as the definition says).
/// - version lower-cased: huggingface, oci (digests), pypi,
///   vscode-extension.
/// - git: the namespace is the host, the name the repository path on it
///   (`pkg:git/codeberg.org/forgejo/forgejo`: `codeberg.org`,
///   `forgejo/forgejo`), as the suite's parse cases read it.
/// - Everything else is kept as written: golang, maven, npm, nuget, cargo,
///   gem, git… are case-sensitive by their definitions (the purl-spec test
///   suite's *recommended* case lowering a `git` purl is not applied).
///
/// Type requirements (errors here, not in [`parse_relaxed`]): a namespace
/// where the definition requires one (alpm, apk, bitbucket, composer, deb,
/// git, github, golang, huggingface, maven, qpkg, rpm, swift,
/// vscode-extension) or prohibits one (bazel, bitnami, cargo,
/// chrome-extension, cocoapods, conda, cran, gem, hackage, julia, mlflow,
/// nuget, oci, opam, otp, pub, pypi, vcpkg); the required qualifiers
/// (julia `uuid`, swid `tag_id`); a cpan name holding `::` (a module, not
/// a distribution); a chrome-extension id that is not 32 letters `a`–`p`,
/// or a version that is not one to four dot-separated numbers.
///
/// Qualifier keys are lower-cased as `how-to-parse.md` says, so
/// `?Arch=i386` is read as `arch`: the test suite's parse cases for rpm
/// and gem expect a failure there while its maven case expects
/// `repositorY_url` to be read, and its validate cases canonicalise both;
/// the specification's text decides.
pub fn parse(s: &str) -> Result<Purl, PurlError> {
    let purl = parse_relaxed(s)?;
    check_type_rules(&purl)?;
    Ok(purl)
}

/// [`parse`] without the per-type requirements (namespace required or
/// prohibited, required qualifiers, permitted characters); the same
/// normalisation. For comparing purls: some producers (this crate among
/// them: an rpm package of an unknown distribution, a jar of an unknown
/// group) write purls without the namespace their type requires.
pub fn parse_relaxed(s: &str) -> Result<Purl, PurlError> {
    // Subpath: after the last '#'.
    let (rest, subpath) = match s.rsplit_once('#') {
        Some((rest, sub)) => (rest, decode_segments(sub)?),
        None => (s, None),
    };
    // Qualifiers: after the last '?'.
    let (rest, qualifier_str) = match rest.rsplit_once('?') {
        Some((rest, q)) => (rest, Some(q)),
        None => (rest, None),
    };
    // Scheme.
    let (scheme, rest) = rest.split_once(':').ok_or(PurlError::Scheme)?;
    if !scheme.eq_ignore_ascii_case("pkg") {
        return Err(PurlError::Scheme);
    }
    // Type.
    let rest = rest.trim_start_matches('/');
    let (ty, rest) = rest
        .split_once('/')
        .ok_or_else(|| PurlError::Type(String::new()))?;
    let ty = ty.to_ascii_lowercase();
    let valid_type = ty.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !valid_type {
        return Err(PurlError::Type(ty));
    }
    // Version: after the last '@' that follows the last '/'.
    let last_slash = rest.rfind('/');
    let (rest, version) = match rest.rfind('@') {
        Some(at) if last_slash.is_none_or(|sl| at > sl) => {
            let v = decode(&rest[at + 1..])?;
            (&rest[..at], (!v.is_empty()).then_some(v))
        }
        _ => (rest, None),
    };
    // Name: after the last '/'. A '/' right before the version leaves the
    // name empty (`pkg:swift/github.com/Alamofire/@5.4.3`); without a
    // version trailing slashes are not significant.
    if version.is_some() && rest.ends_with('/') {
        return Err(PurlError::Name);
    }
    let rest = rest.trim_end_matches('/');
    let (ns_str, name) = match rest.rsplit_once('/') {
        Some((ns, name)) => (ns, name),
        None => ("", rest),
    };
    let name = decode(name)?;
    if name.is_empty() {
        return Err(PurlError::Name);
    }
    let mut segments = Vec::new();
    for segment in ns_str.split('/').filter(|s| !s.is_empty()) {
        let segment = decode(segment)?;
        if segment.contains('/') {
            return Err(PurlError::Slash);
        }
        segments.push(segment);
    }
    // git: the namespace is the host, the name the repository path on it
    // ("repository name with owner": `codeberg.org` / `forgejo/forgejo`).
    let name = if ty == "git" && segments.len() > 1 {
        let mut path = segments.split_off(1);
        path.push(name);
        path.join("/")
    } else {
        name
    };
    let namespace = (!segments.is_empty()).then(|| segments.join("/"));

    let mut qualifiers = std::collections::BTreeMap::new();
    for pair in qualifier_str
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.to_ascii_lowercase();
        let valid_key = key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !valid_key {
            return Err(PurlError::QualifierKey(key));
        }
        let value = decode(value)?;
        if value.is_empty() {
            continue;
        }
        if qualifiers.insert(key.clone(), value).is_some() {
            return Err(PurlError::DuplicateQualifier(key));
        }
    }

    let mut purl = Purl {
        ty,
        namespace,
        name,
        version,
        qualifiers,
        subpath,
    };
    normalise(&mut purl);
    Ok(purl)
}

impl std::str::FromStr for Purl {
    type Err = PurlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// The canonical form: components encoded as [`purl`] encodes them,
/// qualifiers sorted by key, the subpath after `#`.
impl std::fmt::Display for Purl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::with_capacity(16 + self.name.len());
        out.push_str("pkg:");
        out.push_str(&self.ty);
        out.push('/');
        if let Some(ns) = &self.namespace {
            for segment in ns.split('/').filter(|s| !s.is_empty()) {
                encode_into(&mut out, segment);
                out.push('/');
            }
        }
        if self.ty == "git" {
            for (i, segment) in self.name.split('/').enumerate() {
                if i > 0 {
                    out.push('/');
                }
                encode_into(&mut out, segment);
            }
        } else {
            encode_into(&mut out, &self.name);
        }
        if let Some(v) = &self.version {
            out.push('@');
            encode_into(&mut out, v);
        }
        for (i, (key, value)) in self.qualifiers.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            out.push('=');
            encode_into(&mut out, value);
        }
        if let Some(sub) = &self.subpath {
            out.push('#');
            for (i, segment) in sub.split('/').enumerate() {
                if i > 0 {
                    out.push('/');
                }
                encode_into(&mut out, segment);
            }
        }
        f.write_str(&out)
    }
}

/// Percent-decode `s` (`%XX`, either case of hex) and read it as UTF-8.
fn decode(s: &str) -> Result<String, PurlError> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| char::from(b).to_digit(16);
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(hi), Some(lo)) => {
                    // Both digits are < 16: the byte fits.
                    out.push(u8::try_from(hi * 16 + lo).map_err(|_| PurlError::PercentEncoding)?);
                    i += 3;
                }
                _ => return Err(PurlError::PercentEncoding),
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PurlError::Utf8)
}

/// Subpath segments: decoded, empty / `.` / `..` dropped, joined by `/`.
fn decode_segments(s: &str) -> Result<Option<String>, PurlError> {
    let mut segments = Vec::new();
    for segment in s.split('/') {
        let segment = decode(segment)?;
        if segment.is_empty() || segment == "." || segment == ".." {
            continue;
        }
        if segment.contains('/') {
            return Err(PurlError::Slash);
        }
        segments.push(segment);
    }
    Ok((!segments.is_empty()).then(|| segments.join("/")))
}

const LOWER_NAMESPACE: &[&str] = &[
    "alpm",
    "apk",
    "bitbucket",
    "brew",
    "composer",
    "deb",
    "github",
    "hex",
    "luarocks",
    "qpkg",
    "rpm",
    "vscode-extension",
    "yocto",
];
const LOWER_NAME: &[&str] = &[
    "alpm",
    "apk",
    "bitbucket",
    "bitnami",
    "brew",
    "chrome-extension",
    "composer",
    "deb",
    "github",
    "hex",
    "luarocks",
    "oci",
    "otp",
    "pub",
    "pypi",
    "vscode-extension",
];
const LOWER_VERSION: &[&str] = &["huggingface", "oci", "pypi", "vscode-extension"];
const NAMESPACE_REQUIRED: &[&str] = &[
    "alpm",
    "apk",
    "bitbucket",
    "composer",
    "deb",
    "git",
    "github",
    "golang",
    "huggingface",
    "maven",
    "qpkg",
    "rpm",
    "swift",
    "vscode-extension",
];
const NAMESPACE_PROHIBITED: &[&str] = &[
    "bazel",
    "bitnami",
    "cargo",
    "chrome-extension",
    "cocoapods",
    "conda",
    "cran",
    "gem",
    "hackage",
    "julia",
    "mlflow",
    "nuget",
    "oci",
    "opam",
    "otp",
    "pub",
    "pypi",
    "vcpkg",
];

fn normalise(p: &mut Purl) {
    let ty = p.ty.as_str();
    if LOWER_NAMESPACE.contains(&ty) {
        p.namespace = p.namespace.take().map(|n| n.to_lowercase());
    }
    if ty == "cpan" {
        p.namespace = p.namespace.take().map(|n| n.to_uppercase());
    }
    if LOWER_NAME.contains(&ty) {
        p.name = p.name.to_lowercase();
    }
    match ty {
        "pypi" => p.name = p.name.replace('_', "-"),
        "pub" => {
            p.name = p
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
        }
        "mlflow" => {
            let databricks = p
                .qualifiers
                .get("repository_url")
                .is_some_and(|u| u.to_ascii_lowercase().contains("databricks"));
            if databricks {
                p.name = p.name.to_lowercase();
            }
        }
        _ => {}
    }
    if LOWER_VERSION.contains(&ty) {
        p.version = p.version.take().map(|v| v.to_lowercase());
    }
}

fn check_type_rules(p: &Purl) -> Result<(), PurlError> {
    let ty = p.ty.as_str();
    if p.namespace.is_none() && NAMESPACE_REQUIRED.contains(&ty) {
        return Err(PurlError::NamespaceRequired(p.ty.clone()));
    }
    if p.namespace.is_some() && NAMESPACE_PROHIBITED.contains(&ty) {
        return Err(PurlError::NamespaceProhibited(p.ty.clone()));
    }
    let required: &[&'static str] = match ty {
        "julia" => &["uuid"],
        "swid" => &["tag_id"],
        _ => &[],
    };
    for key in required {
        if !p.qualifiers.contains_key(*key) {
            return Err(PurlError::QualifierRequired {
                ty: p.ty.clone(),
                key,
            });
        }
    }
    let not_permitted = |what| {
        Err(PurlError::NotPermitted {
            ty: p.ty.clone(),
            what,
        })
    };
    match ty {
        "cpan" if p.name.contains("::") => return not_permitted("a module name (::)"),
        "chrome-extension" => {
            if p.name.len() != 32 || !p.name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                return not_permitted("an extension id other than 32 letters a-p");
            }
            if let Some(v) = &p.version {
                let parts: Vec<&str> = v.split('.').collect();
                let numeric = parts
                    .iter()
                    .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
                if parts.len() > 4 || !numeric {
                    return not_permitted("a version other than 1 to 4 dot-separated numbers");
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(eco: Option<Ecosystem>, ns: Option<&str>, name: &str, version: &str) -> Package {
        Package {
            ecosystem: eco,
            namespace: ns.map(str::to_owned),
            name: name.to_owned(),
            version: version.to_owned(),
            ..Package::default()
        }
    }

    fn os(id: &str, version_id: Option<&str>, codename: Option<&str>) -> Os {
        Os {
            id: id.to_owned(),
            version_id: version_id.map(str::to_owned),
            version_codename: codename.map(str::to_owned),
            ..Os::default()
        }
    }

    fn with_arch(mut p: Package, arch: &str) -> Package {
        p.arch = Some(arch.to_owned());
        p
    }

    /// type, namespace, name, version, qualifiers, the purl.
    type BuildCase = (
        &'static str,
        Option<&'static str>,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    );

    /// The "build" cases of purl-spec's test suite (tests/types/*-test.json,
    /// tests/spec/specification-test.json at commit 16f3d0e) whose inputs the
    /// model can express. The qualifiers we never set (distro codenames as
    /// in `distro=jessie`, `classifier`, `file_name`…) go through `build`.
    #[test]
    fn purl_spec_build_vectors() {
        let cases: &[BuildCase] = &[
            ("deb", Some("debian"), "curl", "7.50.3-1", &[("arch", "i386"), ("distro", "jessie")],
             "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"),
            ("deb", Some("debian"), "dpkg", "1.19.0.4", &[("arch", "amd64"), ("distro", "stretch")],
             "pkg:deb/debian/dpkg@1.19.0.4?arch=amd64&distro=stretch"),
            ("deb", Some("ubuntu"), "dpkg", "1.19.0.4", &[("arch", "amd64")],
             "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64"),
            ("deb", Some("debian"), "attr", "1:2.4.47-2", &[("arch", "source")],
             "pkg:deb/debian/attr@1:2.4.47-2?arch=source"),
            ("deb", Some("debian"), "attr", "1:2.4.47-2+b1", &[("arch", "amd64")],
             "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64"),
            ("rpm", Some("fedora"), "curl", "7.50.3-1.fc25", &[("arch", "i386"), ("distro", "fedora-25")],
             "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25"),
            ("rpm", Some("fedora"), "centerim", "4.22.10-1.el6",
             &[("arch", "i686"), ("epoch", "1"), ("distro", "fedora-25")],
             "pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1"),
            ("apk", Some("alpine"), "curl", "7.83.0-r0", &[("arch", "x86")],
             "pkg:apk/alpine/curl@7.83.0-r0?arch=x86"),
            ("pypi", None, "django", "1.11.1", &[("file_name", "Django-1.11.1-py2.py3-none-any.whl")],
             "pkg:pypi/django@1.11.1?file_name=Django-1.11.1-py2.py3-none-any.whl"),
            ("npm", None, "mypackage", "12.4.5", &[("vcs_url", "git://host.com/path/to/repo.git@4345abcd34343")],
             "pkg:npm/mypackage@12.4.5?vcs_url=git:%2F%2Fhost.com%2Fpath%2Fto%2Frepo.git%404345abcd34343"),
            ("maven", Some("org.apache.xmlgraphics"), "batik-anim", "1.9.1",
             &[("repository_url", "repo.spring.io/release"), ("classifier", "sources")],
             "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io%2Frelease"),
            ("maven", Some("mygroup"), "myartifact", "1.0.0 Final", &[("mykey", "my value")],
             "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value"),
            ("maven", Some("org.apache.commons"), "io", "", &[], "pkg:maven/org.apache.commons/io"),
            ("maven", Some("groovy"), "groovy", "1.0", &[("repository_url", "https://maven.google.com")],
             "pkg:maven/groovy/groovy@1.0?repository_url=https:%2F%2Fmaven.google.com"),
            ("generic", None, "openssl", "1.1.10g", &[("checksum", "sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d")],
             "pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d"),
            ("gem", None, "jruby-launcher", "1.1.2", &[("platform", "java")],
             "pkg:gem/jruby-launcher@1.1.2?platform=java"),
            ("npm", None, "foobar", "12.3.1", &[("empty", "")], "pkg:npm/foobar@12.3.1"),
        ];
        for (ty, ns, name, version, qualifiers, want) in cases {
            let mut q: Vec<(&str, String)> = qualifiers
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            assert_eq!(build(ty, *ns, name, version, &mut q), *want, "{name}");
        }
    }

    /// The same suite's build cases through `purl` itself.
    #[test]
    fn purl_spec_build_vectors_from_packages() {
        let cases: Vec<(Package, &str)> = vec![
            (
                pkg(Some(Ecosystem::Pypi), None, "django-package", "1.11.1.dev1"),
                "pkg:pypi/django-package@1.11.1.dev1",
            ),
            (
                pkg(Some(Ecosystem::Pypi), None, "Django_package", "1.11.1.dev1"),
                "pkg:pypi/django-package@1.11.1.dev1",
            ),
            (
                pkg(Some(Ecosystem::Pypi), None, "django-allauth", "12.23"),
                "pkg:pypi/django-allauth@12.23",
            ),
            (
                pkg(
                    Some(Ecosystem::Npm),
                    Some("@angular"),
                    "animation",
                    "12.3.1",
                ),
                "pkg:npm/%40angular/animation@12.3.1",
            ),
            (
                pkg(Some(Ecosystem::Npm), None, "foobar", "12.3.1"),
                "pkg:npm/foobar@12.3.1",
            ),
            (
                pkg(
                    Some(Ecosystem::Maven),
                    Some("org.apache.commons"),
                    "io",
                    "1.3.4",
                ),
                "pkg:maven/org.apache.commons/io@1.3.4",
            ),
            (
                pkg(
                    Some(Ecosystem::Maven),
                    Some("HTTPClient"),
                    "HTTPClient",
                    "0.3-3",
                ),
                "pkg:maven/HTTPClient/HTTPClient@0.3-3",
            ),
            (
                pkg(
                    Some(Ecosystem::Golang),
                    Some("github.com/gorilla"),
                    "context",
                    "234fd47e07d1004f0aed9c",
                ),
                "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c",
            ),
            (
                pkg(Some(Ecosystem::Cargo), None, "rand", "0.7.2"),
                "pkg:cargo/rand@0.7.2",
            ),
            (
                pkg(
                    Some(Ecosystem::Gem),
                    None,
                    "ruby-advisory-db-check",
                    "0.12.4",
                ),
                "pkg:gem/ruby-advisory-db-check@0.12.4",
            ),
            (
                pkg(
                    Some(Ecosystem::Composer),
                    Some("laravel"),
                    "laravel",
                    "5.5.0",
                ),
                "pkg:composer/laravel/laravel@5.5.0",
            ),
            (
                pkg(
                    Some(Ecosystem::Nuget),
                    None,
                    "EnterpriseLibrary.Common",
                    "6.0.1304",
                ),
                "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
            ),
            (
                with_arch(
                    pkg(Some(Ecosystem::Deb), None, "attr", "1:2.4.47-2+b1"),
                    "amd64",
                ),
                "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64",
            ),
            (
                with_arch(pkg(Some(Ecosystem::Apk), None, "apk", "2.12.9-r3"), "x86"),
                "pkg:apk/alpine/apk@2.12.9-r3?arch=x86",
            ),
        ];
        for (p, want) in cases {
            assert_eq!(purl(&p, None), want, "{p:?}");
        }
    }

    #[test]
    fn os_packages_take_namespace_and_distro_from_the_os() {
        let debian = os("debian", Some("12"), Some("bookworm"));
        let p = with_arch(
            pkg(Some(Ecosystem::Deb), None, "libc6", "2.36-9+deb12u7"),
            "amd64",
        );
        assert_eq!(
            purl(&p, Some(&debian)),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12"
        );
        let p = with_arch(
            pkg(Some(Ecosystem::Deb), None, "libc6", "2.35-0ubuntu3.8"),
            "arm64",
        );
        let ubuntu = os("ubuntu", Some("22.04"), Some("jammy"));
        assert_eq!(
            purl(&p, Some(&ubuntu)),
            "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?arch=arm64&distro=ubuntu-22.04"
        );
        // A multi-arch package with an epoch.
        let p = with_arch(
            pkg(Some(Ecosystem::Deb), None, "libgcrypt20", "1:1.10.1-3"),
            "i386",
        );
        assert_eq!(
            purl(&p, Some(&debian)),
            "pkg:deb/debian/libgcrypt20@1:1.10.1-3?arch=i386&distro=debian-12"
        );

        let alpine = os("alpine", Some("3.20.1"), None);
        let p = with_arch(
            pkg(Some(Ecosystem::Apk), None, "musl", "1.2.5-r0"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&alpine)),
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.1"
        );

        let rhel = os("rhel", Some("9.4"), None);
        let p = with_arch(
            pkg(Some(Ecosystem::Rpm), None, "openssl-libs", "1:3.0.7-27.el9"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&rhel)),
            "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1"
        );
        let p = with_arch(
            pkg(Some(Ecosystem::Rpm), None, "bash", "5.1.8-9.el9"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&rhel)),
            "pkg:rpm/rhel/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9.4"
        );
        // Epoch 0 is the default: left out. rpm names keep their case.
        let fedora = os("fedora", Some("40"), None);
        let p = with_arch(
            pkg(
                Some(Ecosystem::Rpm),
                None,
                "NetworkManager",
                "0:1.46.0-1.fc40",
            ),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&fedora)),
            "pkg:rpm/fedora/NetworkManager@1.46.0-1.fc40?arch=x86_64&distro=fedora-40"
        );
        let suse = os("opensuse-leap", Some("15.6"), None);
        let p = with_arch(
            pkg(Some(Ecosystem::Rpm), None, "zypper", "1.14.73-150600.1.2"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&suse)),
            "pkg:rpm/opensuse-leap/zypper@1.14.73-150600.1.2?arch=x86_64&distro=opensuse-leap-15.6"
        );
    }

    #[test]
    fn os_packages_without_an_os() {
        let p = with_arch(
            pkg(Some(Ecosystem::Rpm), None, "bash", "2:5.1.8-9.el9"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, None),
            "pkg:rpm/bash@5.1.8-9.el9?arch=x86_64&epoch=2"
        );
        let p = pkg(Some(Ecosystem::Deb), None, "Tzdata", "2024a-0+deb12u1");
        assert_eq!(purl(&p, None), "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1");
        // An OS with an empty id is no OS; an empty arch is no qualifier.
        let p = with_arch(pkg(Some(Ecosystem::Apk), None, "busybox", "1.36.1-r29"), "");
        assert_eq!(
            purl(&p, Some(&os("", Some("3.20"), None))),
            "pkg:apk/alpine/busybox@1.36.1-r29"
        );
    }

    #[test]
    fn distro_qualifiers() {
        assert_eq!(
            distro_qualifier(&os("debian", Some("12"), Some("bookworm"))).as_deref(),
            Some("debian-12")
        );
        assert_eq!(
            distro_qualifier(&os("debian", None, Some("trixie"))).as_deref(),
            Some("debian-trixie")
        );
        assert_eq!(
            distro_qualifier(&os("arch", None, None)).as_deref(),
            Some("arch")
        );
        assert_eq!(
            distro_qualifier(&os("Alpine ", Some(" 3.20.1"), None)).as_deref(),
            Some("alpine-3.20.1")
        );
        assert_eq!(
            distro_qualifier(&os("rhel", Some(""), None)).as_deref(),
            Some("rhel")
        );
        assert_eq!(distro_qualifier(&os("", Some("12"), None)), None);
        let wolfi = os("wolfi", Some("20230201"), None);
        let p = with_arch(
            pkg(Some(Ecosystem::Apk), None, "glibc", "2.40-r3"),
            "x86_64",
        );
        assert_eq!(
            purl(&p, Some(&wolfi)),
            "pkg:apk/wolfi/glibc@2.40-r3?arch=x86_64&distro=wolfi-20230201"
        );
    }

    #[test]
    fn language_packages() {
        let cases: Vec<(Package, &str)> = vec![
            (
                pkg(Some(Ecosystem::Pypi), None, "Flask_SQLAlchemy", "3.1.1"),
                "pkg:pypi/flask-sqlalchemy@3.1.1",
            ),
            (
                pkg(Some(Ecosystem::Pypi), None, "zope.interface", "6.4"),
                "pkg:pypi/zope.interface@6.4",
            ),
            (
                pkg(Some(Ecosystem::Npm), None, "@babel/core", "7.24.0"),
                "pkg:npm/%40babel/core@7.24.0",
            ),
            (
                pkg(Some(Ecosystem::Npm), Some("types"), "node", "20.11.5"),
                "pkg:npm/%40types/node@20.11.5",
            ),
            (
                pkg(Some(Ecosystem::Npm), None, "semver", "7.6.0-rc.1+build.5"),
                "pkg:npm/semver@7.6.0-rc.1%2Bbuild.5",
            ),
            (
                pkg(
                    Some(Ecosystem::Golang),
                    Some("github.com/spf13"),
                    "cobra",
                    "v1.8.0",
                ),
                "pkg:golang/github.com/spf13/cobra@v1.8.0",
            ),
            (
                pkg(
                    Some(Ecosystem::Golang),
                    None,
                    "github.com/Azure/go-autorest",
                    "v14.2.0+incompatible",
                ),
                "pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible",
            ),
            (
                pkg(Some(Ecosystem::Golang), None, "stdlib", "go1.22.1"),
                "pkg:golang/stdlib@go1.22.1",
            ),
            (
                pkg(
                    Some(Ecosystem::Maven),
                    Some("org.apache.logging.log4j"),
                    "log4j-core",
                    "2.17.1",
                ),
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
            ),
            (
                pkg(Some(Ecosystem::Cargo), None, "serde_json", "1.0.120"),
                "pkg:cargo/serde_json@1.0.120",
            ),
            (
                pkg(
                    Some(Ecosystem::Gem),
                    None,
                    "nokogiri",
                    "1.16.5-x86_64-linux",
                ),
                "pkg:gem/nokogiri@1.16.5-x86_64-linux",
            ),
            (
                pkg(
                    Some(Ecosystem::Composer),
                    Some("Symfony"),
                    "Console",
                    "v6.4.8",
                ),
                "pkg:composer/symfony/console@v6.4.8",
            ),
            (
                pkg(Some(Ecosystem::Nuget), None, "Newtonsoft.Json", "13.0.3"),
                "pkg:nuget/Newtonsoft.Json@13.0.3",
            ),
            (
                pkg(None, None, "thing", "1 0/β"),
                "pkg:generic/thing@1%200%2F%CE%B2",
            ),
            (
                pkg(Some(Ecosystem::Cargo), None, "no-version", ""),
                "pkg:cargo/no-version",
            ),
            (
                pkg(Some(Ecosystem::Maven), Some("/a//b/"), "/c/d/", "1?#&="),
                "pkg:maven/a/b/c%2Fd@1%3F%23%26%3D",
            ),
        ];
        for (p, want) in cases {
            assert_eq!(
                purl(&p, Some(&os("debian", Some("12"), None))),
                want,
                "{p:?}"
            );
        }
    }

    #[test]
    fn hostile_input_is_linear() {
        let name = "/@%".repeat(300_000);
        let p = pkg(Some(Ecosystem::Npm), None, &name, "1");
        let out = purl(&p, None);
        assert!(out.starts_with("pkg:npm/%40%25%2F%40%25"));
        assert_eq!(
            out.len(),
            "pkg:npm/".len() + 3 * (name.len() - 1) + "@1".len()
        );
    }
}
