//! `portcullis.toml`: its types (which also generate the JSON Schema), and
//! loading: parsing with spans, `extends` chains, validation. Every error
//! points at a line and column of the file it is in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// The policy file, `portcullis.toml`. Every key is optional.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "portcullis.toml", extend("$id" = "urn:portcullis:portcullis.schema.json"))]
pub struct PolicyFile {
    /// Another policy file this one is layered over (a path relative to this
    /// file): its settings apply first, this file's on top.
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    /// The built-in profile to start from: `default` (findings of severity
    /// medium or higher fail), `strict` (every finding fails) or `audit`
    /// (nothing fails).
    pub profile: Option<ProfileName>,
    /// The failing threshold: findings of this severity or higher fail the
    /// gate (unless their rule sets `action`); `never` fails nothing.
    /// `--fail-on` on the command line wins over it.
    pub fail_on: Option<FailOnName>,
    /// Reject inline suppressions (`# portcullis ignore=…`) that give no
    /// `reason="…"`.
    pub require_reason: Option<bool>,
    /// Rules to turn off: codes or globs (`SQ411*`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub disable: Vec<Spanned<String>>,
    /// Rules to turn (back) on: codes or globs. Applied after `disable`, so
    /// `disable = ["SQ411*"]` with `enable = ["SQ41103"]` keeps SQ41103.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub enable: Vec<Spanned<String>>,
    /// Per-rule settings, keyed by rule code or glob: `[rule.SQ40104]`.
    /// An exact code wins over a glob; a longer glob over a shorter one.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RuleSettings>")]
    pub rule: BTreeMap<Spanned<String>, Spanned<RuleSettings>>,
    /// `[secrets]`: tokens the organisation knows to be canaries or examples.
    #[serde(default)]
    pub secrets: SecretsSettings,
    /// `[licenses]`: licenses and license families the organisation warns
    /// about or does not accept (SQ12401–SQ12403).
    #[serde(default)]
    pub licenses: LicensesSettings,
    /// `[vulnerabilities]`: which known vulnerabilities count (SQ31xxx).
    #[serde(default)]
    pub vulnerabilities: VulnerabilitiesSettings,
    /// `[hardening]`: which binaries the binary policies (SQ18xxx, SQ342xx) read.
    #[serde(default)]
    pub hardening: HardeningSettings,
    /// `[images]`: where images may come from (PC43101).
    #[serde(default)]
    pub images: ImagesSettings,
    /// `[kubernetes]`: how Kubernetes manifests are judged.
    #[serde(default)]
    pub kubernetes: KubernetesSettings,
    /// `[[signatures]]`: which images must be signed, by which keys or
    /// certificates, and whether they must carry provenance (PC43201–
    /// PC43203), verified offline in the same run. Entries of an `extends`
    /// chain add up; several entries that match one image together ask
    /// what each asks.
    #[serde(default)]
    #[schemars(with = "Vec<SignaturesEntry>")]
    pub signatures: Vec<Spanned<SignaturesEntry>>,
    /// Accepted exceptions: findings they cover are reported as suppressed
    /// and do not fail the gate.
    #[serde(default)]
    #[schemars(with = "Vec<ExceptionEntry>")]
    pub exception: Vec<Spanned<ExceptionEntry>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    Default,
    Strict,
    Audit,
    /// The Pod Security Standards' baseline controls (PC42xxx) as
    /// Kubernetes groups them; each violation fails.
    #[serde(rename = "pss-baseline")]
    PssBaseline,
    /// Baseline and the restricted controls.
    #[serde(rename = "pss-restricted")]
    PssRestricted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOnName {
    Info,
    Low,
    Medium,
    High,
    Critical,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionName {
    Fail,
    Warn,
    Info,
}

/// `[rule.CODE]`: how one rule's findings are treated.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSettings {
    /// The severity its findings are reported with (and judged by, against `fail-on`).
    pub severity: Option<SeverityName>,
    /// What its findings do to the gate, whatever their severity: `fail`,
    /// `warn` or `info`.
    pub action: Option<ActionName>,
    /// What of an image the rule is judged on: `all` (the default) or
    /// `build`, only what this build added (its layers and history
    /// entries, after the base boundary): findings about the base image
    /// are left out. Wins over `[hardening] scope`.
    pub scope: Option<HardeningScope>,
}

/// `[secrets]`: values named by the fingerprint a report shows
/// (`secret.fingerprint`, `sha256:` and 32 hex digits), never by the value.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsSettings {
    /// Tokens planted as canaries: reported as SQ34252 (low) instead of
    /// their usual policy.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub canaries: Vec<Spanned<String>>,
    /// Documented example values beyond the built-in list: reported as
    /// SQ34251 (low).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub examples: Vec<Spanned<String>>,
    /// Secret-named assignments and URI passwords in files that installed
    /// OS packages own: `skip` (the default: counted in a note per policy,
    /// as they are the packages' documentation and tests) or `report`.
    /// Keys in such files are always reported, as SQ34101; token shapes
    /// always as themselves.
    pub package_files: Option<PackageFiles>,
}

/// `[licenses]`: SPDX license identifiers (`GPL-3.0-only`, `AGPL-3.0-or-later`,
/// `GPL-2.0-only WITH Classpath-exception-2.0`, `LicenseRef-…`), spelt as the
/// SPDX License List spells them, and license families (`GPL`, `LGPL`,
/// `AGPL`, `GFDL`, `MPL`, `EPL`, `CDDL`, `EUPL`, `OSL`, `CeCILL`, `BSD`, `MIT`,
/// `ISC`, `Apache`, `Zlib`, `Boost`, `Python`, `Artistic`, `CC`,
/// `public-domain`, `Zope`, `OFL`, `OpenLDAP`, `BUSL`, `SSPL`, `Elastic`,
/// `PolyForm`, `other`). An unknown id or family is an error. An id listed
/// alone also names it with an exception; `X WITH E` names only that.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LicensesSettings {
    /// License families to warn about: a package under one is SQ12401.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub warn_families: Vec<Spanned<String>>,
    /// Licenses to warn about: a package under one is SQ12402.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub warn: Vec<Spanned<String>>,
    /// Licenses the organisation does not accept: a package under one is
    /// SQ12403 (high).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub restricted: Vec<Spanned<String>>,
}

/// `[vulnerabilities]`: which known vulnerabilities the SQ31xxx policies
/// report.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnerabilitiesSettings {
    /// Leave out vulnerabilities that have no fixed version yet (counted in
    /// a note). Default `false`: a vulnerability without a fix is still one.
    pub ignore_unfixed: Option<bool>,
    /// The EPSS score (0 to 1, the probability of exploitation activity in
    /// the next 30 days) from which a high or critical vulnerability is
    /// SQ31102. Default 0.1.
    #[schemars(with = "Option<f64>")]
    pub epss_threshold: Option<Spanned<f64>>,
}

/// `[hardening]`: which binaries the binary hardening (SQ18xxx) and debug
/// artefact (SQ342xx) policies look at.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HardeningSettings {
    /// `"all"` (the default): every binary of the image, the base image's
    /// too; `"build"`: only those of the layers this build added.
    pub scope: Option<HardeningScope>,
}

/// `[images]`: the registries and repositories images may come from.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImagesSettings {
    /// Globs over the normalised `registry/repository` of an image
    /// reference, without tag or digest (`docker.io/library/*`,
    /// `ghcr.io/acme/**`, `registry.acme.internal/**`): `*` matches within
    /// one path component, `**` any number of components. Names are
    /// normalised as Docker does, patterns too: `nginx` is
    /// `docker.io/library/nginx`, `acme/*` is `docker.io/acme/*`. With a
    /// list, an image (a Dockerfile's `FROM`, `COPY --from`, `RUN
    /// --mount=from=`, an image's declared base) that no pattern matches is
    /// PC43101; without one, PC43101 does not apply. Lists of an `extends`
    /// chain add up.
    #[schemars(with = "Option<Vec<String>>")]
    pub trusted: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[kubernetes]`: how Kubernetes manifests are judged.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KubernetesSettings {
    /// The Kubernetes version (`"1.32"`) whose Pod Security Standards
    /// apply: the admission library's semantics change between versions
    /// (the safe sysctls, the `hostUsers: false` exemptions). Default: the
    /// newest the rules know.
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
}

/// `[[signatures]]`: what one set of images must carry. Signatures are
/// looked for only for images read from a registry (`docker://`) or an OCI
/// layout, and only when an entry names the image.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SignaturesEntry {
    /// The images it is about: globs over the normalised
    /// `registry/repository`, as `[images] trusted` (`ghcr.io/acme/**`,
    /// `registry.acme.internal/app`). Required.
    #[schemars(with = "Vec<String>")]
    pub images: Option<Spanned<Vec<Spanned<String>>>>,
    /// PEM public keys (cosign's `cosign.pub`: ECDSA P-256/384/521 or
    /// RSA), paths relative to this policy file: the image must have a
    /// cosign signature (the `sha256-<digest>.sig` tag) or a Sigstore
    /// bundle (an OCI 1.1 referrer) that one of them verifies (PC43201).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub keys: Vec<Spanned<String>>,
    /// A PEM file of CA certificates, relative to this policy file: the
    /// image must have a Notation signature (an OCI 1.1 referrer) whose
    /// x509 chain reaches one of them (PC43201).
    #[schemars(with = "Option<String>")]
    pub trust_store: Option<Spanned<String>>,
    /// The image's index must carry a BuildKit SLSA provenance attestation
    /// about it (PC43203). Default `false`.
    pub require_provenance: Option<bool>,
}

/// `all`: the whole image, the base image's layers too; `build`: only what
/// this build added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HardeningScope {
    All,
    Build,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PackageFiles {
    Skip,
    Report,
}

/// `[[exception]]`: findings an organisation accepts, with why and until when.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExceptionEntry {
    /// The rules it covers: codes or globs (`SQ401*`; `*` for all). Required,
    /// but for an exception naming `vulnerabilities`, which covers every
    /// vulnerability policy (`SQ31*`) when it names no rules.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub rules: Vec<Spanned<String>>,
    /// Image targets it covers: globs matched against the image reference
    /// (the target name, e.g. `docker-archive:app.tar`) and its digest
    /// (`sha256:…`). `*` also matches `/` and `:`.
    #[schemars(with = "Option<Vec<String>>")]
    pub images: Option<Spanned<Vec<Spanned<String>>>>,
    /// Dockerfiles it covers: path globs (`services/*/Dockerfile`, `**/Dockerfile`).
    #[schemars(with = "Option<Vec<String>>")]
    pub dockerfiles: Option<Spanned<Vec<Spanned<String>>>>,
    /// Kubernetes manifests and Compose files it covers: path globs
    /// (`k8s/**/*.yaml`, `compose.yaml`), relative as `dockerfiles`.
    #[schemars(with = "Option<Vec<String>>")]
    pub manifests: Option<Spanned<Vec<Spanned<String>>>>,
    /// Files in the image it covers: path globs (`/usr/bin/*`), matched
    /// against findings located at a file of a layer.
    #[schemars(with = "Option<Vec<String>>")]
    pub paths: Option<Spanned<Vec<Spanned<String>>>>,
    /// Secrets it covers, by the fingerprint of their value (`sha256:` and
    /// 32 hex digits, as reports show it): names one secret without
    /// repeating it.
    #[schemars(with = "Option<Vec<String>>")]
    pub secrets: Option<Spanned<Vec<Spanned<String>>>>,
    /// Vulnerabilities it covers, by id: the CVE or any alias a finding
    /// lists (`CVE-2024-5535`, `GHSA-…`, `DSA-5726-1`), case-insensitive.
    #[schemars(with = "Option<Vec<String>>")]
    pub vulnerabilities: Option<Spanned<Vec<Spanned<String>>>>,
    /// Ports it covers: `22` (any protocol) or `"22/tcp"`, matched against
    /// the port a finding names.
    #[schemars(with = "Option<Vec<PortSchema>>")]
    pub ports: Option<Vec<Spanned<toml::Value>>>,
    /// Why the exception is accepted. Required, not empty.
    #[schemars(with = "String")]
    pub reason: Option<Spanned<String>>,
    /// The last day it applies (`YYYY-MM-DD`, a TOML date or a string); from
    /// the next day on it no longer applies and is reported.
    #[schemars(with = "Option<String>", pattern(r"^\d{4}-\d{2}-\d{2}$"))]
    pub expires: Option<Spanned<toml::Value>>,
    /// A ticket or link tracking it, shown with the suppression.
    pub ticket: Option<String>,
}

/// A port: a number, or `NUMBER/PROTOCOL`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PortSchema {
    Number(u16),
    Text(String),
}

/// The JSON Schema of `portcullis.toml` (docs/portcullis.schema.json).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(PolicyFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A problem in a policy file, at a line and column (1-based; the column
/// counts characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// The file as the user named it (or as found).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The text of that line, for a marker under the column.
    pub source_line: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}

/// One policy file's text, for turning byte offsets into positions.
pub(crate) struct Source {
    pub shown: String,
    pub text: String,
    /// The file's directory (absolute, symbolic links resolved): what the
    /// `dockerfiles` globs of its exceptions are relative to.
    pub dir: Option<std::path::PathBuf>,
}

impl Source {
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    pub fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> PolicyError {
        let (line, column) = self.position(span.start);
        let source_line = self.text.lines().nth(line - 1).unwrap_or("").to_owned();
        PolicyError {
            path: self.shown.clone(),
            line,
            column,
            message: message.into(),
            source_line,
        }
    }

    /// The span's start and end as (line, column) pairs, the end exclusive.
    pub fn range(&self, span: &std::ops::Range<usize>) -> (usize, usize, usize, usize) {
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end);
        (line, column, end_line, end_column)
    }
}

/// A parsed file of an `extends` chain, with its text.
pub(crate) struct Layer {
    pub source: Source,
    pub file: PolicyFile,
}

/// Read `path` (shown as `shown`) and every file it extends, organisation
/// file first, with the errors in bare values the parser reported and read
/// past (see [`blank_bad_value`]). Stops at the first file that cannot be
/// read or parsed otherwise.
pub(crate) fn read_chain(
    path: &Path,
    shown: &str,
) -> Result<(Vec<Layer>, Vec<PolicyError>), Vec<PolicyError>> {
    let mut chain = Vec::new();
    let mut value_errors: Vec<PolicyError> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    /// A file to read: its path, how it is shown, and which file's `extends` named it, where.
    type Next = (PathBuf, String, Option<(usize, std::ops::Range<usize>)>);
    let mut next: Option<Next> = Some((path.to_path_buf(), shown.to_owned(), None));
    while let Some((path, shown, from)) = next.take() {
        // Where the `extends` that named this file is, for errors.
        let at_extends = |message: String, chain: &Vec<Layer>| -> Vec<PolicyError> {
            match &from {
                Some((i, span)) => vec![chain[*i].source.error(span.clone(), message)],
                None => vec![PolicyError {
                    path: shown.clone(),
                    line: 0,
                    column: 0,
                    message,
                    source_line: String::new(),
                }],
            }
        };
        let text = match crate::paths::read_regular(&path, crate::paths::MAX_POLICY_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    // At the top of the chain the error names the file already.
                    let message = match &from {
                        Some(_) => format!("{shown}: not UTF-8 text"),
                        None => "not UTF-8 text".to_owned(),
                    };
                    return Err(at_extends(message, &chain));
                }
            },
            Err(e) => {
                let message = match &from {
                    Some(_) => format!("cannot read {shown}: {}", io_text(&e)),
                    None => format!("cannot read: {}", io_text(&e)),
                };
                return Err(at_extends(message, &chain));
            }
        };
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        if let Some(first) = seen.iter().position(|p| *p == real) {
            let mut names: Vec<String> = chain[first..]
                .iter()
                .map(|l: &Layer| l.source.shown.clone())
                .collect();
            names.push(shown.clone());
            return Err(at_extends(
                format!("`extends` makes a cycle: {}", names.join(" → ")),
                &chain,
            ));
        }
        let dir = crate::paths::absolute(&real)
            .parent()
            .map(std::path::Path::to_path_buf);
        seen.push(real);
        let source = Source { shown, text, dir };
        // The text parsed: the source, with each bad bare value the parser
        // stopped at blanked out, so that one bad date does not hide the
        // rest of the file's errors. Spans keep their offsets.
        let mut parsed = source.text.clone();
        let parsed_file = loop {
            match toml::from_str::<PolicyFile>(&parsed) {
                Ok(file) => break Ok(file),
                Err(e) => {
                    let blanked = e
                        .span()
                        .filter(|_| value_errors.len() < 64)
                        .and_then(|span| blank_bad_value(&parsed, span.start).map(|t| (span, t)));
                    match blanked {
                        Some((span, text)) => {
                            value_errors.push(source.error(span, tidy_toml_message(e.message())));
                            parsed = text;
                        }
                        None => break Err(e),
                    }
                }
            }
        };
        let file: PolicyFile = match parsed_file {
            Ok(file) => file,
            Err(e) => {
                let mut message = tidy_toml_message(e.message());
                if message == "duplicate key" {
                    // Name the key: the text at the error, up to `=` or the line end.
                    let key = e
                        .span()
                        .and_then(|span| source.text.get(span.start..))
                        .and_then(|rest| rest.lines().next())
                        .map(|line| line.split('=').next().unwrap_or("").trim())
                        .filter(|key| !key.is_empty());
                    if let Some(key) = key {
                        message = format!("duplicate key `{key}`");
                    }
                }
                value_errors.push(match e.span() {
                    Some(span) => source.error(span, message),
                    None => PolicyError {
                        path: source.shown.clone(),
                        line: 0,
                        column: 0,
                        message,
                        source_line: String::new(),
                    },
                });
                value_errors.sort_by_key(|e| (e.line, e.column));
                return Err(value_errors);
            }
        };
        if let Some(parent) = &file.extends {
            let base = path.parent().unwrap_or(Path::new(""));
            let parent_path = base.join(parent.get_ref());
            let shown_base = Path::new(&source.shown).parent().unwrap_or(Path::new(""));
            let parent_shown = shown_base.join(parent.get_ref()).display().to_string();
            next = Some((
                parent_path,
                parent_shown,
                Some((chain.len(), parent.span())),
            ));
        }
        chain.push(Layer { source, file });
    }
    chain.reverse();
    Ok((chain, value_errors))
}

/// `text` with the bare value (a date, time or number) that starts at
/// `at` replaced by `0` and spaces — same length, so every span still
/// points where it did, and a value of the wrong type that validation
/// reports at the same place (whose error is dropped for the parser's).
/// `None` when no bare value starts there: the error is of another kind.
fn blank_bad_value(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    if !rest.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-') {
        return None;
    }
    let ends = |c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#');
    let mut len = rest.find(ends).unwrap_or(rest.len());
    // `2026-02-30 10:00:00`: a date and a time separated by a space.
    let after = &rest[len..];
    if after.starts_with(' ')
        && after.get(1..4).is_some_and(|t| {
            let b = t.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b':'
        })
    {
        len += 1 + after[1..].find(ends).unwrap_or(after.len() - 1);
    }
    // Only a value that is bad TOML by itself: a good one of the wrong
    // type (`fail-on = 5`) is an error of the file's shape, which stops.
    if format!("v = {}", &rest[..len])
        .parse::<toml::Table>()
        .is_ok()
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    out.push('0');
    out.extend(std::iter::repeat_n(' ', len - 1));
    out.push_str(&rest[len..]);
    Some(out)
}

/// toml's messages end with a newline and sometimes spell out the expected
/// variants in a list; keep one line.
fn tidy_toml_message(message: &str) -> String {
    message
        .trim()
        .replace('\n', "; ")
        .replace("unknown field", "unknown key")
        .replace("unknown variant", "unknown value")
}

fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// The `portcullis.toml` in `dir` or the nearest directory above it, and how
/// to show it relative to `dir` (`portcullis.toml`, `../portcullis.toml`).
pub fn discover(dir: &Path) -> Option<(PathBuf, String)> {
    let mut shown = String::new();
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join(crate::FILE_NAME);
        if candidate.is_file() {
            return Some((candidate, format!("{shown}{}", crate::FILE_NAME)));
        }
        shown.push_str("../");
    }
    None
}
