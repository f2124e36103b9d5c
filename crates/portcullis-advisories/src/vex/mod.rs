//! VEX documents (OpenVEX, CycloneDX VEX): statements that a vulnerability
//! does, or does not, affect a product, so that a scan can leave out what
//! its supplier or its user has assessed (`--vex FILE`, repeatable).
//!
//! [`VexSet::load`] reads one document of either format, told apart by
//! content; [`VexSet::decide`] gives the statement that decides one
//! (vulnerability, installed package) pair of one image, if any.
//!
//! # Formats
//!
//! **OpenVEX** (<https://github.com/openvex/spec>): a JSON object whose
//! `@context` is `https://openvex.dev/ns/v0.2.0`, or the older
//! `https://openvex.dev/ns` / `https://openvex.dev/ns/v0.0.1` (any
//! `https://openvex.dev/ns…`; one string or a JSON-LD list holding one).
//! Both shapes are read whatever the context says: `vulnerability` an
//! object (`name`, `@id`, `aliases`) or, in v0.0.1 documents, a string;
//! `products` objects (`@id`, `identifiers.purl`, `hashes`, `subcomponents`)
//! or strings, and v0.0.1's statement-level `subcomponents`, which apply to
//! each product of the statement. A statement's `@id` is its statement id;
//! `status_notes` is kept; `last_updated`, `version`, `supplier` and the
//! vulnerability's `@id` / `description` are not used. Also read: an
//! in-toto attestation whose
//! `predicateType` is OpenVEX (`vexctl attest`), its `subject`s standing
//! for the products of statements that name none (the specification's
//! "encapsulating document"), and that attestation in a DSSE envelope
//! (`payloadType` `application/vnd.in-toto+json`); **the envelope's
//! signatures are not verified** (a warning says so).
//!
//! **CycloneDX** 1.4–1.6: a BOM (`"bomFormat": "CycloneDX"`) with
//! `vulnerabilities[]`. A vulnerability is a statement when it has an
//! `analysis.state`; one without is a plain finding of some other tool,
//! skipped with a warning. Its ids are `id` and every `references[].id`.
//! States map to the four VEX statuses: `not_affected` → not affected;
//! **`false_positive` → not affected** too (the vulnerability does not
//! apply to the component: a report shows the document's own word, kept
//! in [`Statement::stated_status`]); `resolved`, `resolved_with_pedigree`
//! → fixed; `exploitable` → affected; `in_triage` → under investigation.
//! `analysis.justification` is the justification, `analysis.detail` the
//! impact statement. The action statement is, for `exploitable` and
//! `in_triage`, the vulnerability's `recommendation` and `workaround`;
//! otherwise (and when it has neither) the `analysis.response` values
//! (`response: will_not_fix, update`): a not-affected statement's
//! recommendation to upgrade describes the vulnerability, not the answer.
//! A vulnerability's `bom-ref` is its statement id.
//!
//! `affects[].ref` is resolved: a `bom-ref` of the document's
//! `metadata.component` or `components[]` (nested to any depth); a
//! BOM-Link `urn:cdx:SERIAL/VERSION#BOM-REF` into this document (its
//! `serialNumber`, any version) the same way; a purl, either directly or as
//! the bom-ref part of a BOM-Link into another BOM (bom-refs are very often
//! purls, and a purl names the package wherever it is listed). A component
//! counts by its `purl`; a `container` component also by its name and
//! version (tag or digest) and its SHA-256 hashes. A ref to a service, to a
//! component with no purl, a dangling ref, or a BOM-Link into another BOM
//! whose bom-ref is not a purl cannot be matched: that product is left out,
//! with a warning naming it. `affects[].versions[]` narrows the product to
//! the versions listed (`version` equal, or inside the `range`; see
//! `vers.rs` for which ranges can be decided): the product's own purl
//! version is then not compared. A version entry whose `status` contradicts
//! the analysis (`unaffected` under `exploitable`, `affected` under
//! `not_affected` / `false_positive` / `resolved…`) is an error.
//!
//! # Which statement applies
//!
//! A statement applies to a (vulnerability, package) pair of an image when
//!
//! 1. its vulnerability name or one of its aliases equals one of the ids
//!    the finding is known by (its id and all its aliases), ignoring ASCII
//!    case: a statement about `GHSA-jfh8-c2jp-5v3q` applies to the finding
//!    `CVE-2021-44228` whose aliases hold it; and
//! 2. one of its products either
//!    - **is the package**: a purl identifier matching the package's purl,
//!      or
//!    - **is the image** (a `pkg:oci` purl, an image reference or digest,
//!      an in-toto subject, a CycloneDX container) and has no
//!      subcomponents (the statement covers every package of the image) or
//!      one of its subcomponents is the package.
//!
//!    Subcomponents of a product that is itself a package are not matched
//!    on their own: that the installed package belongs to that product is
//!    not known here.
//!
//! Purls match when type, namespace and name
//! are equal after the type's normalisation (`pkg:pypi/Django` is
//! `pkg:pypi/django`); the statement's version, if it has one, equals the
//! package's (decoded: `%2B` is `+`, `%7E` `~`, `%3A` `:`); every qualifier
//! the statement gives is present and equal in the package's purl (a
//! statement without qualifiers matches every arch and distro; values are
//! compared as written: `distro=bookworm` is not `distro=debian-12`); the
//! subpath is compared only when the statement gives one. rpm epochs
//! compare the same written as `@1:3.0.7` or `@3.0.7?epoch=1`, and epoch 0
//! as no epoch; Maven's `type` defaults to `jar`, so a statement's
//! `?type=jar` matches a jar purl that leaves the type out (and not a
//! `type=pom` one). A package purl that does not parse matches no
//! package-scoped statement (image-wide ones still apply to it).
//!
//! Images match ([`ImageIdentity`]). The image's digests are its `digest`
//! (`sha256:…`, or bare hex), its purl's version and those of digest
//! references among its `names`. A `pkg:oci` purl with a version (which
//! must be a digest, `sha256%3A…`: anything else is an error) matches the
//! image with that digest whatever its name; one without a version matches
//! by name (the last component of a repository the image is known by) and
//! its `repository_url` (the repository, or the registry and path it is
//! under) and `tag` qualifiers, if given, its other qualifiers (`arch`…)
//! present and equal in the image's own purl. A reference with a digest,
//! a bare digest, a product's `hashes`, a CycloneDX container's hashes and
//! an in-toto subject's digests match by digest; a reference without one
//! by repository (Docker Hub names normalised: `nginx` is
//! `docker.io/library/nginx`), and by tag when it has one (`nginx` covers
//! every tag, `nginx:1.25` only that one); a `pkg:docker` purl is read as
//! such a reference (`repository_url` its registry, its version a tag or
//! a digest); anything else (an IRI) only when written exactly as one of
//! the image's names, its purl or its digest.
//!
//! When several statements apply, the one with the **latest timestamp**
//! wins (OpenVEX: each statement overrides the earlier ones). A statement's
//! timestamp is its own, else its document's (OpenVEX `timestamp`;
//! CycloneDX `analysis.lastUpdated`, else `analysis.firstIssued`, else
//! `metadata.timestamp`; a vulnerability's `published` / `updated` date the
//! vulnerability, not the assessment, and are not used). Timestamps compare
//! as instants (offsets applied). A statement without any timestamp is
//! older than every timestamped one. On equal timestamps the document
//! loaded later wins, and within a document the later statement.
//!
//! # Errors
//!
//! A document that cannot be used is refused whole, with one line naming
//! the file and what is wrong ([`VexError`]): larger than 64 MiB; not
//! JSON; neither format; OpenVEX without statements or CycloneDX without
//! vulnerabilities (or none with an analysis) — "names nothing"; a
//! statement that names no vulnerability or no product; an unknown status,
//! justification or response; a `not_affected` statement with neither a
//! justification nor an impact statement (OpenVEX requires one, and so do
//! CISA's minimum requirements for VEX; CycloneDX's `detail` counts as the
//! impact statement) — an error, not a warning, naming the statement,
//! since such a statement would silently take a finding out of a report; a
//! timestamp that is not an RFC 3339 date-time; a purl that does not parse
//! or a `pkg:oci` version that is not a digest; a CycloneDX version entry
//! contradicting its analysis; a document in which nothing can be matched
//! to a package or an image (the message gives the first reason and how
//! many more). A refused document leaves the set as it was.
//! Lesser problems (an `affected` statement without the action statement
//! OpenVEX asks for, a product identified only by CPE, an unresolvable
//! CycloneDX ref) are warnings ([`VexSet::warnings`]) and the rest of the
//! document is used.

mod cyclonedx;
mod openvex;
pub(crate) mod subject;
mod time;
mod vers;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use portcullis_packages::purl;

use subject::{ImageView, Subject};
use vers::VersionSpec;

/// Documents larger than this are refused.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The four VEX statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl Status {
    /// The OpenVEX label: `not_affected`, `affected`, `fixed`,
    /// `under_investigation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The format of a loaded document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    OpenVex,
    CycloneDx,
}

/// What identifies the scanned image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageIdentity {
    /// Its manifest digest, `sha256:…`.
    pub digest: Option<String>,
    /// The names and references it is known by (`docker.io/library/nginx:1.25`,
    /// `nginx:1.25`, `localhost/app:1`, `nginx@sha256:…`).
    pub names: Vec<String>,
    /// Its `pkg:oci/…` purl, if known.
    pub purl: Option<String>,
}

/// One statement of a loaded document, as the document says it (for
/// reports), with what it names parsed for matching.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Index of its document in [`VexSet::documents`].
    pub document: usize,
    /// Where it is in its document: `statements[3]`, `vulnerabilities[0]`.
    pub location: String,
    /// OpenVEX statement `@id`; CycloneDX vulnerability `bom-ref`.
    pub statement_id: Option<String>,
    /// The vulnerability's main id (OpenVEX `name`, CycloneDX `id`).
    pub vulnerability: String,
    /// Its other ids (OpenVEX `aliases`, CycloneDX `references[].id`).
    pub aliases: Vec<String>,
    pub status: Status,
    /// The status as the document writes it (`false_positive`, `resolved`…).
    pub stated_status: String,
    pub justification: Option<String>,
    pub impact_statement: Option<String>,
    pub action_statement: Option<String>,
    /// OpenVEX `status_notes`.
    pub status_notes: Option<String>,
    /// CycloneDX `analysis.response`.
    pub responses: Vec<String>,
    /// Its own timestamp, else its document's, as written.
    pub timestamp: Option<String>,
    /// The products as the document identifies them (`@id`s, purls, refs).
    pub products: Vec<String>,
    pub(crate) time: Option<time::Instant>,
    pub(crate) targets: Vec<Product>,
}

/// A product (or CycloneDX affected component) as matched.
#[derive(Clone, Debug, Default)]
pub(crate) struct Product {
    pub(crate) ids: Vec<Subject>,
    pub(crate) subcomponents: Vec<Vec<Subject>>,
    /// CycloneDX `affects[].versions`: empty for any version.
    pub(crate) versions: Vec<VersionSpec>,
}

/// One loaded document.
#[derive(Clone, Debug)]
pub struct VexDocument {
    /// As given to [`VexSet::load`].
    pub path: PathBuf,
    pub format: Format,
    /// OpenVEX `@id`; CycloneDX `serialNumber`.
    pub id: Option<String>,
    /// OpenVEX `author`; CycloneDX `metadata.authors[].name` /
    /// `metadata.manufacturer.name` / `metadata.supplier.name`.
    pub author: Option<String>,
    pub timestamp: Option<String>,
    /// How many statements it contributed.
    pub statements: usize,
}

/// The statement that decides one (vulnerability, package) pair.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'a> {
    pub status: Status,
    /// OpenVEX justification label; CycloneDX `analysis.justification`.
    pub justification: Option<&'a str>,
    pub impact_statement: Option<&'a str>,
    pub action_statement: Option<&'a str>,
    /// The file it came from, as given to [`VexSet::load`].
    pub document: &'a Path,
    pub statement_id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    /// Everything the statement says.
    pub statement: &'a Statement,
}

impl Decision<'_> {
    /// As the vulnerability model carries it.
    pub fn verdict(&self) -> crate::VexVerdict {
        crate::VexVerdict {
            status: self.status.as_str().to_owned(),
            justification: self.justification.map(str::to_owned),
            impact: self.impact_statement.map(str::to_owned),
            action: self.action_statement.map(str::to_owned),
            document: self.document.display().to_string(),
        }
    }
}

/// A document that cannot be used. Displays as `<path>: <what is wrong>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexError {
    path: PathBuf,
    message: String,
}

impl VexError {
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for VexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for VexError {}

/// Something a loaded document says that cannot be used, the rest being
/// used. Displays as `<path>: <what>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexWarning {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for VexWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// What a format parser hands back.
pub(crate) struct Parsed {
    pub(crate) format: Format,
    pub(crate) id: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) statements: Vec<Statement>,
    pub(crate) warnings: Vec<String>,
    /// Why products were left out (also in `warnings`): the message when
    /// nothing is left.
    pub(crate) unmatched: Vec<String>,
}

/// All statements of all documents loaded.
#[derive(Clone, Debug, Default)]
pub struct VexSet {
    documents: Vec<VexDocument>,
    statements: Vec<Statement>,
    warnings: Vec<VexWarning>,
    /// Lower-cased vulnerability id or alias → statement indexes.
    by_id: HashMap<String, Vec<usize>>,
}

impl VexSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse one document (OpenVEX, or CycloneDX with
    /// `vulnerabilities[].analysis`), told apart by content, and add its
    /// statements. `Ok`: how many statements it holds. A document with any
    /// error adds nothing.
    pub fn load(&mut self, path: &Path, bytes: &[u8]) -> Result<usize, VexError> {
        let err = |message: String| VexError {
            path: path.to_owned(),
            message: one_line(&message),
        };
        let parsed = parse_document(bytes).map_err(err)?;
        if parsed.statements.iter().all(|s| s.targets.is_empty()) {
            let why = parsed.unmatched.first().map_or_else(String::new, |w| {
                let more = parsed.unmatched.len() - 1;
                if more == 0 {
                    format!(": {w}")
                } else {
                    format!(": {w} (and {more} more)")
                }
            });
            return Err(err(format!(
                "it names nothing this scanner can match to a package or an image{why}"
            )));
        }
        let doc_index = self.documents.len();
        let count = parsed.statements.len();
        self.documents.push(VexDocument {
            path: path.to_owned(),
            format: parsed.format,
            id: parsed.id,
            author: parsed.author,
            timestamp: parsed.timestamp,
            statements: count,
        });
        self.warnings
            .extend(parsed.warnings.into_iter().map(|message| VexWarning {
                path: path.to_owned(),
                message: one_line(&message),
            }));
        for mut s in parsed.statements {
            s.document = doc_index;
            let index = self.statements.len();
            let mut keys: Vec<String> = std::iter::once(&s.vulnerability)
                .chain(&s.aliases)
                .map(|id| id.trim().to_ascii_lowercase())
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                self.by_id.entry(k).or_default().push(index);
            }
            self.statements.push(s);
        }
        Ok(count)
    }

    /// The statement that decides this (vulnerability, package) pair, if
    /// any (module docs: which statements apply, latest timestamp wins).
    /// `ids`: the vulnerability's id and all its aliases; `package_purl`:
    /// the installed package's purl; `image`: the scanned image.
    pub fn decide(
        &self,
        ids: &[&str],
        package_purl: &str,
        image: &ImageIdentity,
    ) -> Option<Decision<'_>> {
        let mut candidates: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.by_id.get(&id.trim().to_ascii_lowercase()))
            .flatten()
            .copied()
            .collect();
        if candidates.is_empty() {
            return None;
        }
        candidates.sort_unstable();
        candidates.dedup();
        let package = purl::parse_relaxed(package_purl)
            .ok()
            .map(|p| subject::with_defaults(subject::for_matching(p)));
        let view = ImageView::new(image);
        // Indexes grow with load order, so (time, index) orders documents
        // loaded later, and later statements, after earlier ones.
        let best = candidates
            .into_iter()
            .filter(|&i| applies(&self.statements[i], package.as_ref(), &view))
            .max_by_key(|&i| (self.statements[i].time, i))?;
        let s = &self.statements[best];
        Some(Decision {
            status: s.status,
            justification: s.justification.as_deref(),
            impact_statement: s.impact_statement.as_deref(),
            action_statement: s.action_statement.as_deref(),
            document: &self.documents[s.document].path,
            statement_id: s.statement_id.as_deref(),
            timestamp: s.timestamp.as_deref(),
            statement: s,
        })
    }

    /// Every statement of every document, in load order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// The documents loaded, in order, each with its statement count.
    pub fn documents(&self) -> &[VexDocument] {
        &self.documents
    }

    /// The statements of one document.
    pub fn statements_of(&self, document: usize) -> impl Iterator<Item = &Statement> {
        self.statements
            .iter()
            .filter(move |s| s.document == document)
    }

    /// What the loaded documents say that could not be used.
    pub fn warnings(&self) -> &[VexWarning] {
        &self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// Does `s` apply to this package of this image? (Its ids were matched.)
fn applies(s: &Statement, package: Option<&purl::Purl>, image: &ImageView<'_>) -> bool {
    s.targets.iter().any(|product| {
        let any_version = product.versions.is_empty();
        // CycloneDX `affects[].versions`: the version must be one listed.
        let version_listed = |v: &str| {
            product
                .versions
                .iter()
                .any(|spec| spec.contains(v) == Some(true))
        };
        // The product is the package.
        if let Some(pkg) = package {
            let is_package = product.ids.iter().any(|id| match id {
                Subject::Package(p) => {
                    subject::package_matches(p, pkg, any_version)
                        && (any_version || package_versions(pkg).iter().any(|v| version_listed(v)))
                }
                Subject::Image(_) => false,
            });
            if is_package {
                return true;
            }
        }
        // The product is the image: all its packages, or its subcomponents.
        let is_image = product.ids.iter().any(|id| match id {
            Subject::Image(i) => {
                image.matches(i) && (any_version || image.tags().any(version_listed))
            }
            Subject::Package(_) => false,
        });
        if !is_image {
            return false;
        }
        if product.subcomponents.is_empty() {
            return true;
        }
        package.is_some_and(|pkg| {
            product.subcomponents.iter().flatten().any(|id| match id {
                Subject::Package(p) => subject::package_matches(p, pkg, true),
                Subject::Image(_) => false,
            })
        })
    })
}

/// The package's version as a CycloneDX version entry may write it: as
/// in its purl, and for rpm also `EPOCH:VERSION` (rpm purls carry the
/// epoch as a qualifier).
fn package_versions(pkg: &purl::Purl) -> Vec<String> {
    let Some(v) = &pkg.version else {
        return Vec::new();
    };
    let mut out = vec![v.clone()];
    if pkg.ty == "rpm" {
        if let Some(e) = pkg.qualifiers.get("epoch") {
            out.push(format!("{e}:{v}"));
        }
    }
    out
}

/// Bytes → a parsed document of either format.
fn parse_document(bytes: &[u8]) -> Result<Parsed, String> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "{} bytes, more than the {} MiB a VEX document may have",
            bytes.len(),
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    parse_value(&value, 0)
}

const NEITHER: &str = "neither an OpenVEX document (an \"@context\" of https://openvex.dev/ns…) \
                       nor a CycloneDX BOM (\"bomFormat\": \"CycloneDX\")";

fn parse_value(value: &serde_json::Value, depth: u8) -> Result<Parsed, String> {
    let Some(obj) = value.as_object() else {
        let kind = match value {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(format!("{NEITHER}: the JSON is {kind}, not an object"));
    };
    if openvex::is_openvex(obj) {
        return openvex::parse(obj, &[]);
    }
    if obj.get("bomFormat").and_then(|v| v.as_str()) == Some("CycloneDX") {
        return cyclonedx::parse(obj);
    }
    if let Some(parsed) = openvex::parse_attestation(obj, depth)? {
        return Ok(parsed);
    }
    Err(NEITHER.to_owned())
}

/// Messages quote what documents say: control characters (a newline in a
/// vulnerability name) are escaped so that a message stays one line.
fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `key` as a string: `Ok(None)` when absent, null or empty (after
/// trimming); an error naming `what` when it is another JSON type.
pub(crate) fn opt_str(
    obj: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    what: &str,
) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => {
            let t = s.trim();
            Ok((!t.is_empty()).then(|| t.to_owned()))
        }
        Some(_) => Err(format!("{what}: {key} is not a string")),
    }
}

/// A timestamp field, checked.
pub(crate) fn opt_time(
    obj: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    what: &str,
) -> Result<Option<(String, time::Instant)>, String> {
    match opt_str(obj, key, what)? {
        None => Ok(None),
        Some(s) => match time::parse(&s) {
            Some(t) => Ok(Some((s, t))),
            None => Err(format!("{what}: {key} {s:?} is not an RFC 3339 date-time")),
        },
    }
}

/// `allowed` as a list for messages.
pub(crate) fn one_of(allowed: &[&str]) -> String {
    allowed.join(", ")
}
