//! CycloneDX 1.6 JSON: the package inventory as a bill of materials.
//!
//! - One BOM per report. With one target, `metadata.component` is the
//!   target (type `container` for images, `file` for a Dockerfile; name the
//!   target, version its digest) and `components` are its operating system
//!   (type `operating-system`) and its packages (type `library`). With
//!   several targets there is no `metadata.component`: each target is a
//!   top-level component with its OS and packages nested in its own
//!   `components`, so which package is in which image stays clear.
//! - `bom-ref`: a package's id (its purl, unique within its target); a
//!   target's name; the OS `os:ID-VERSION_ID`. When two would be equal in one
//!   BOM (the same package in two targets), the later one gets `#2`, `#3`…
//! - A package's licenses: `[{"expression": …}]` when its declared licenses
//!   form an SPDX expression, else `[{"license": {"name": …}}]` per license
//!   as declared (and nothing when none is declared). Its evidence files are
//!   `evidence.occurrences` (`additionalContext` names the layer of the file
//!   read); the layer that introduced it, its architecture, source package
//!   and Go version are `portcullis:…` properties.
//! - `dependencies`: each target depends on its OS and each of its packages
//!   (how packages depend on each other is not recorded: they have no entry,
//!   which CycloneDX reads as unknown).
//! - A target whose package pass did not run (`packages` absent: a
//!   Dockerfile, a report from before packages) has no components, and a
//!   composition with aggregate `unknown` says its contents are not known;
//!   it is not an empty image.
//! - `vulnerabilities` (only when a target was checked against an advisory
//!   database and something was found): one entry per vulnerability id,
//!   its `affects` listing every component (in every target) it was found
//!   in, with the component's version as `affected`. Entries of one id are
//!   split only where the entry's own fields would differ between the
//!   components: a VEX verdict (`analysis`) or the fix (`recommendation`,
//!   e.g. two Debian releases with different fixed versions). `bom-ref`
//!   `vulnerability:ID` (numbered when split); `source` NVD for a CVE,
//!   GitHub Advisories for a GHSA, else OSV (with the record's page);
//!   `references` the aliases with theirs; `ratings` the CVSS vector with
//!   the base score we computed (`method` CVSSv4/CVSSv31/CVSSv3/CVSSv2), a
//!   vector-less rating as `other`, `unknown` when unrated; `advisories`
//!   the advisory page and OSV's page of each record matched; `analysis`
//!   the VEX verdict (OpenVEX status and justification mapped to
//!   CycloneDX's); KEV and EPSS as `portcullis:kev:*` and `portcullis:epss:*`
//!   properties (EPSS is a probability, not a rating). A checked target's
//!   component has `portcullis:vulnerabilities` (how many were found).
//! - Reproducible: `metadata.timestamp` is the images' creation time (see
//!   [`crate::sbom::report_time`]; absent when no target has one, e.g. a
//!   Dockerfile), and `serialNumber` is `urn:uuid:` + a UUID (version 8) made
//!   from the SHA-256 of the BOM as written without it. The same report
//!   gives the same BOM, byte for byte.

use std::collections::HashMap;

use portcullis_packages::{InstalledPackage, Os};
use portcullis_policy::{Report, TargetReport};
use serde::Serialize;

use crate::human::vulnerability::{Fix, VexVerdict, Vulnerability};
use crate::sbom::{content_uuid, report_time, UniqueIds};

const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";

/// The schema's limit on a `version` (in characters). A longer one (only a
/// hostile database writes one) is left out of `version` and kept whole in
/// a `portcullis:version` property, so the BOM stays valid and loses nothing.
const MAX_VERSION: usize = 1024;

/// `version`, or `None` with the whole text pushed as a property when it is
/// over the schema's limit.
fn version(v: &str, properties: &mut Vec<Property>) -> Option<String> {
    if v.chars().count() > MAX_VERSION {
        properties.push(property("portcullis:version", v));
        None
    } else {
        Some(v.to_owned())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    compositions: Vec<Composition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<BomVulnerability>,
}

#[derive(Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<License>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<ComponentEvidence>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License {
    Expression { expression: String },
    Named { license: NamedLicense },
}

#[derive(Serialize)]
struct NamedLicense {
    name: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

fn property(name: &'static str, value: impl Into<String>) -> Property {
    Property {
        name,
        value: value.into(),
    }
}

#[derive(Serialize)]
struct ComponentEvidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence {
    location: String,
    additional_context: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

#[derive(Serialize)]
struct Composition {
    aggregate: &'static str,
    assemblies: Vec<String>,
}

/// The report's package inventory as a CycloneDX 1.6 JSON BOM (see the
/// module documentation for the choices), pretty-printed, newline-terminated.
pub fn render_cyclonedx(report: &Report) -> String {
    let mut ids = UniqueIds::default();
    let mut targets = Vec::with_capacity(report.targets.len());
    let mut dependencies = Vec::new();
    let mut compositions = Vec::new();
    let mut vulnerabilities = Vulnerabilities::default();
    for t in &report.targets {
        let (image, depends_on, refs) = target_component(t, &mut ids);
        let reference = image.bom_ref.clone().unwrap_or_default();
        vulnerabilities.add(t, &reference, &refs);
        match depends_on {
            Some(depends_on) => dependencies.push(Dependency {
                reference,
                depends_on,
            }),
            None => compositions.push(Composition {
                aggregate: "unknown",
                assemblies: vec![reference],
            }),
        }
        targets.push(image);
    }
    let (component, components) = if targets.len() == 1 {
        let mut image = targets.pop().unwrap_or_default();
        let inside = std::mem::take(&mut image.components);
        (Some(image), inside)
    } else {
        (None, targets)
    };
    let mut bom = Bom {
        schema: SCHEMA,
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: None,
        version: 1,
        metadata: Metadata {
            timestamp: report_time(report),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    name: report.tool.name.clone(),
                    version: Some(report.tool.version.clone()),
                    ..Component::default()
                }],
            },
            component,
        },
        components,
        dependencies,
        compositions,
        vulnerabilities: vulnerabilities.finish(&mut ids),
    };
    let unnumbered = crate::to_json(&bom);
    bom.serial_number = Some(format!("urn:uuid:{}", content_uuid(unnumbered.as_bytes())));
    crate::to_json(&bom)
}

/// A package's inventory id → its `bom-ref` in this BOM, and its version.
type PackageRefs<'a> = HashMap<&'a str, (String, &'a str)>;

/// A target as a component with its OS and packages nested, what it
/// depends on (`None` when its packages are not known), and the `bom-ref`
/// each of its packages got.
fn target_component<'a>(
    t: &'a TargetReport,
    ids: &mut UniqueIds,
) -> (Component, Option<Vec<String>>, PackageRefs<'a>) {
    let mut properties = vec![property("portcullis:kind", t.kind.clone())];
    let digest = t
        .digest
        .as_deref()
        .and_then(|d| version(d, &mut properties));
    properties.extend(
        t.references
            .iter()
            .map(|r| property("portcullis:reference", r.clone())),
    );
    if t.packages.is_none() {
        properties.push(property("portcullis:packages", "not inventoried"));
    }
    if let Some(v) = &t.vulnerabilities {
        // Checked against an advisory database: how many (vulnerability,
        // package) pairs it found. Absent: not checked.
        properties.push(property("portcullis:vulnerabilities", v.len().to_string()));
    }
    let mut image = Component {
        kind: if matches!(t.kind.as_str(), "dockerfile" | "kubernetes" | "compose") {
            "file"
        } else {
            "container"
        },
        bom_ref: Some(ids.claim(t.target.clone(), "#")),
        name: t.target.clone(),
        version: digest,
        properties,
        ..Component::default()
    };
    let mut refs = PackageRefs::new();
    let Some(packages) = &t.packages else {
        return (image, None, refs);
    };
    let mut depends_on = Vec::with_capacity(packages.len() + 1);
    if let Some(os) = &t.os {
        let c = os_component(os, ids);
        depends_on.push(c.bom_ref.clone().unwrap_or_default());
        image.components.push(c);
    }
    for p in packages {
        let c = package_component(p, ids);
        let reference = c.bom_ref.clone().unwrap_or_default();
        refs.entry(p.id.as_str())
            .or_insert_with(|| (reference.clone(), p.version.as_str()));
        depends_on.push(reference);
        image.components.push(c);
    }
    (image, Some(depends_on), refs)
}

fn os_component(os: &Os, ids: &mut UniqueIds) -> Component {
    let mut wanted = format!("os:{}", os.id);
    if let Some(v) = &os.version_id {
        wanted.push('-');
        wanted.push_str(v);
    }
    let mut properties = Vec::new();
    let os_version = os
        .version_id
        .as_deref()
        .and_then(|v| version(v, &mut properties));
    if let Some(c) = &os.version_codename {
        properties.push(property("portcullis:os-codename", c.clone()));
    }
    if !os.id_like.is_empty() {
        properties.push(property("portcullis:os-id-like", os.id_like.join(" ")));
    }
    Component {
        kind: "operating-system",
        bom_ref: Some(ids.claim(wanted, "#")),
        name: os.id.clone(),
        version: os_version,
        description: os.pretty_name.clone(),
        properties,
        ..Component::default()
    }
}

fn package_component(p: &InstalledPackage, ids: &mut UniqueIds) -> Component {
    let licenses = match &p.license_expression {
        Some(e) => vec![License::Expression {
            expression: e.clone(),
        }],
        None => p
            .licenses
            .iter()
            .map(|l| License::Named {
                license: NamedLicense { name: l.clone() },
            })
            .collect(),
    };
    let mut properties = Vec::new();
    let package_version = version(&p.version, &mut properties);
    if let Some(layer) = p.layer {
        properties.push(property("portcullis:layer", layer.to_string()));
    }
    if let Some(arch) = &p.arch {
        properties.push(property("portcullis:arch", arch.clone()));
    }
    if let Some(source) = &p.source {
        properties.push(property("portcullis:source-package", source.name.clone()));
        if let Some(v) = &source.version {
            properties.push(property("portcullis:source-version", v.clone()));
        }
    }
    if let Some(go) = &p.go_version {
        properties.push(property("portcullis:go-version", go.clone()));
    }
    if p.license_expression.is_some() {
        // The expression is what the licenses say; as declared, they stay.
        properties.extend(
            p.licenses
                .iter()
                .map(|l| property("portcullis:declared-license", l.clone())),
        );
    }
    let evidence = (!p.evidence.is_empty()).then(|| ComponentEvidence {
        occurrences: p
            .evidence
            .iter()
            .map(|e| Occurrence {
                location: e.path.clone(),
                additional_context: format!("layer {}", e.layer),
            })
            .collect(),
    });
    Component {
        kind: "library",
        bom_ref: Some(ids.claim(p.id.clone(), "#")),
        group: p.namespace.clone(),
        name: p.name.clone(),
        version: package_version,
        licenses,
        purl: Some(p.purl.clone()).filter(|u| !u.is_empty()),
        properties,
        evidence,
        ..Component::default()
    }
}

// ---------------------------------------------------------------- vulnerabilities

#[derive(Serialize)]
pub(crate) struct BomVulnerability {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    recommendation: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<Analysis>,
    affects: Vec<Affects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize, Clone, PartialEq)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Serialize, PartialEq)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize, PartialEq)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

#[derive(Serialize, PartialEq)]
struct Advisory {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    url: String,
}

#[derive(Serialize, Clone, PartialEq)]
struct Analysis {
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

/// The BOM's `vulnerabilities`, gathered over the targets: one entry per
/// vulnerability id listing every component it affects, split only where
/// what the entry says would differ between them (a VEX verdict, or the
/// fix: another fixed version, or none), since `analysis` and
/// `recommendation` are the entry's, not each component's.
#[derive(Default)]
struct Vulnerabilities {
    entries: Vec<Entry>,
    by_key: HashMap<(String, String, Option<VexKey>), usize>,
}

type VexKey = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

struct Entry {
    first: Vulnerability,
    affects: Vec<Affects>,
    ratings: Vec<Rating>,
    references: Vec<String>,
    advisories: Vec<Advisory>,
    ecosystems: Vec<String>,
}

impl Vulnerabilities {
    /// Add the vulnerabilities of target `t`, whose component is `target_ref`
    /// and whose packages got the `refs`.
    fn add(&mut self, t: &TargetReport, target_ref: &str, refs: &PackageRefs) {
        let Some(list) = crate::human::vulnerability::of(t) else {
            return;
        };
        for v in list {
            // The package's component; the image itself when the package is
            // not in the inventory (a report edited by hand).
            let (reference, version) = match refs.get(v.package.as_str()) {
                Some((r, version)) => (r.clone(), (*version).to_owned()),
                None => (target_ref.to_owned(), v.installed.clone()),
            };
            let key = (
                v.id.clone(),
                recommendation(&v),
                v.vex.as_ref().map(|x| {
                    (
                        x.status.clone(),
                        x.justification.clone(),
                        x.impact.clone(),
                        x.action.clone(),
                        x.document.clone(),
                    )
                }),
            );
            let index = match self.by_key.get(&key) {
                Some(i) => *i,
                None => {
                    self.entries.push(Entry {
                        first: v.clone(),
                        affects: Vec::new(),
                        ratings: Vec::new(),
                        references: Vec::new(),
                        advisories: Vec::new(),
                        ecosystems: Vec::new(),
                    });
                    self.by_key.insert(key, self.entries.len() - 1);
                    self.entries.len() - 1
                }
            };
            let Some(entry) = self.entries.get_mut(index) else {
                continue;
            };
            if !entry.affects.iter().any(|a| a.reference == reference) {
                let mut unused = Vec::new();
                entry.affects.push(Affects {
                    reference,
                    versions: self::version(&version, &mut unused)
                        .map(|version| AffectedVersion {
                            version,
                            status: "affected",
                        })
                        .into_iter()
                        .collect(),
                });
            }
            let rating = rating(&v);
            if !entry.ratings.contains(&rating) {
                entry.ratings.push(rating);
            }
            for alias in &v.aliases {
                if *alias != v.id && !entry.references.contains(alias) {
                    entry.references.push(alias.clone());
                }
            }
            for a in advisories(&v) {
                if !entry.advisories.contains(&a) {
                    entry.advisories.push(a);
                }
            }
            if !entry.ecosystems.contains(&v.ecosystem) {
                entry.ecosystems.push(v.ecosystem.clone());
            }
            if entry.first.summary.is_none() {
                entry.first.summary = v.summary.clone();
            }
            if entry.first.kev.is_none() {
                entry.first.kev = v.kev.clone();
            }
            if entry.first.epss.is_none() {
                entry.first.epss = v.epss;
            }
        }
    }

    fn finish(self, ids: &mut UniqueIds) -> Vec<BomVulnerability> {
        self.entries
            .into_iter()
            .map(|e| {
                let v = e.first;
                let mut properties = Vec::new();
                properties.extend(
                    e.ecosystems
                        .into_iter()
                        .map(|x| property("portcullis:ecosystem", x)),
                );
                properties.push(property(
                    "portcullis:advisory-package",
                    v.advisory_package.clone(),
                ));
                match &v.fix {
                    Fix::Fixed { version } => {
                        properties.push(property("portcullis:fixed-version", version.clone()))
                    }
                    Fix::NotFixed { note } => {
                        properties.push(property("portcullis:fix", "none published"));
                        if let Some(note) = note {
                            properties.push(property("portcullis:fix-note", note.clone()));
                        }
                    }
                }
                if let Some(source) = &v.severity.source {
                    properties.push(property("portcullis:severity-source", source.clone()));
                }
                if let Some(k) = &v.kev {
                    // CISA's catalog, under its own field names.
                    properties.push(property("portcullis:kev:cveID", k.cve.clone()));
                    properties.push(property("portcullis:kev:dateAdded", k.date_added.clone()));
                    if let Some(due) = &k.due_date {
                        properties.push(property("portcullis:kev:dueDate", due.clone()));
                    }
                    properties.push(property(
                        "portcullis:kev:knownRansomwareCampaignUse",
                        if k.ransomware { "Known" } else { "Unknown" },
                    ));
                    if let Some(action) = &k.required_action {
                        properties.push(property("portcullis:kev:requiredAction", action.clone()));
                    }
                }
                if let Some(epss) = &v.epss {
                    // A probability, not a severity: a property, not a rating.
                    properties.push(property("portcullis:epss:score", epss.score.to_string()));
                    properties.push(property(
                        "portcullis:epss:percentile",
                        epss.percentile.to_string(),
                    ));
                }
                if let Some(x) = &v.vex {
                    properties.push(property("portcullis:vex:document", x.document.clone()));
                    properties.push(property("portcullis:vex:status", x.status.clone()));
                    if let Some(j) = &x.justification {
                        properties.push(property("portcullis:vex:justification", j.clone()));
                    }
                }
                BomVulnerability {
                    bom_ref: ids.claim(format!("vulnerability:{}", v.id), "#"),
                    source: source_of(&v.id),
                    references: e
                        .references
                        .into_iter()
                        .map(|id| Reference {
                            source: source_of(&id),
                            id,
                        })
                        .collect(),
                    ratings: e.ratings,
                    description: v.summary.clone().filter(|s| !s.trim().is_empty()),
                    recommendation: recommendation(&v),
                    advisories: e.advisories,
                    analysis: v.vex.as_ref().map(analysis),
                    affects: e.affects,
                    properties,
                    id: v.id,
                }
            })
            .collect()
    }
}

/// Who publishes an id and where its record is: NVD for a CVE, GitHub's
/// advisory database for a GHSA, else OSV's page of the record (OSV holds
/// every record the advisory database was built from).
fn source_of(id: &str) -> Source {
    let id_part = url_part(id);
    if id.starts_with("CVE-") {
        Source {
            name: "NVD",
            url: format!("https://nvd.nist.gov/vuln/detail/{id_part}"),
        }
    } else if id.starts_with("GHSA-") {
        Source {
            name: "GitHub Advisories",
            url: format!("https://github.com/advisories/{id_part}"),
        }
    } else {
        Source {
            name: "OSV",
            url: format!("https://osv.dev/vulnerability/{id_part}"),
        }
    }
}

/// An id as one path segment: everything but unreserved characters
/// percent-encoded (ids come from the advisory data).
fn url_part(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A URL from the advisory data as an `iri-reference`: only `http(s)`, and
/// what an IRI may not hold (spaces, controls, `<>"{}|\^` and backquotes, a
/// `%` not starting an escape) percent-encoded. `None` for anything else.
pub(crate) fn advisory_url(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, c) in url.char_indices() {
        let escape_start = c == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let allowed = if c.is_ascii() {
            c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c) && (c != '%' || escape_start)
        } else {
            false
        };
        if allowed {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(out)
}

/// The advisory page the data names, then OSV's page of each record matched.
fn advisories(v: &Vulnerability) -> Vec<Advisory> {
    let mut out: Vec<Advisory> = v
        .url
        .as_deref()
        .and_then(advisory_url)
        .map(|url| Advisory { title: None, url })
        .into_iter()
        .collect();
    for record in &v.advisories {
        let a = Advisory {
            title: Some(record.clone()),
            url: format!("https://osv.dev/vulnerability/{}", url_part(record)),
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// `Upgrade openssl to 3.0.14-1~deb12u1 or later.`, or that there is no fix.
fn recommendation(v: &Vulnerability) -> String {
    match &v.fix {
        Fix::Fixed { version } => format!("Upgrade {} to {version} or later.", v.advisory_package),
        Fix::NotFixed { note: Some(note) } => format!(
            "No fixed version of {} is published yet ({note}).",
            v.advisory_package
        ),
        Fix::NotFixed { note: None } => format!(
            "No fixed version of {} is published yet.",
            v.advisory_package
        ),
    }
}

/// The severity as a rating: a CVSS vector with the base score portcullis
/// computed from it, a rating without a vector (`method` `other`), or
/// `unknown` when the advisories rate it neither way.
fn rating(v: &Vulnerability) -> Rating {
    let s = &v.severity;
    // `CVSS:3.1 of GHSA-…` names the record; `HIGH rating of GHSA-…` too.
    let record = s
        .source
        .as_deref()
        .map(|src| match src.rsplit_once(" of ") {
            Some((_, record)) => record,
            None => src,
        });
    let source = record.map(source_of);
    match (&s.vector, s.score) {
        (Some(vector), Some(score)) => Rating {
            source,
            score: Some(score),
            severity: s.class.as_str(),
            method: Some(cvss_method(vector)),
            vector: Some(vector.clone()),
            justification: None,
        },
        _ if s.class == crate::human::vulnerability::Class::Unknown => Rating {
            source: None,
            score: None,
            severity: "unknown",
            method: None,
            vector: None,
            justification: Some(
                "no CVSS vector and no rating in its advisories (portcullis reports it as medium)"
                    .to_owned(),
            ),
        },
        _ => Rating {
            source,
            score: None,
            severity: s.class.as_str(),
            method: Some("other"),
            vector: None,
            justification: s.source.clone(),
        },
    }
}

/// The CycloneDX `method` of a CVSS vector, by its prefix (v2 vectors have
/// none).
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0/") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else if vector.starts_with("AV:") || vector.starts_with("(AV:") {
        "CVSSv2"
    } else {
        "other"
    }
}

/// A VEX verdict as CycloneDX's impact analysis: OpenVEX statuses and
/// justifications mapped to the nearest CycloneDX ones (a CycloneDX VEX
/// document's own values pass through); the impact statement (and action
/// statement) as the detail. The verdict as written is kept in
/// `portcullis:vex:*` properties, since the mapping is not one to one.
fn analysis(x: &VexVerdict) -> Analysis {
    let state = match x.status.as_str() {
        "not_affected" => Some("not_affected"),
        "fixed" => Some("resolved"),
        "affected" => Some("exploitable"),
        "under_investigation" => Some("in_triage"),
        "resolved" | "resolved_with_pedigree" | "exploitable" | "in_triage" | "false_positive" => {
            CYCLONEDX_STATES.iter().copied().find(|s| *s == x.status)
        }
        _ => None,
    };
    let justification = x.justification.as_deref().and_then(|j| match j {
        "component_not_present" | "vulnerable_code_not_present" => Some("code_not_present"),
        "vulnerable_code_not_in_execute_path" => Some("code_not_reachable"),
        "vulnerable_code_cannot_be_controlled_by_adversary" => Some("requires_environment"),
        "inline_mitigations_already_exist" => Some("protected_by_mitigating_control"),
        other => CYCLONEDX_JUSTIFICATIONS
            .iter()
            .copied()
            .find(|s| *s == other),
    });
    let detail: Vec<&str> = [x.impact.as_deref(), x.action.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    Analysis {
        state,
        justification,
        detail: (!detail.is_empty()).then(|| detail.join("\n")),
    }
}

const CYCLONEDX_STATES: [&str; 5] = [
    "resolved",
    "resolved_with_pedigree",
    "exploitable",
    "in_triage",
    "false_positive",
];

const CYCLONEDX_JUSTIFICATIONS: [&str; 9] = [
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_urls_become_iri_references() {
        assert_eq!(
            advisory_url("https://security-tracker.debian.org/tracker/CVE-2024-5535").as_deref(),
            Some("https://security-tracker.debian.org/tracker/CVE-2024-5535")
        );
        assert_eq!(
            advisory_url("https://e.example/a b<c>%zz%41ü").as_deref(),
            Some("https://e.example/a%20b%3Cc%3E%25zz%41%C3%BC")
        );
        assert_eq!(advisory_url("javascript:alert(1)"), None);
        assert_eq!(advisory_url("ftp://x"), None);
        assert_eq!(url_part("CVE-2024-1/../x y"), "CVE-2024-1%2F..%2Fx%20y");
    }

    #[test]
    fn cvss_methods_by_prefix() {
        assert_eq!(cvss_method("CVSS:4.0/AV:N"), "CVSSv4");
        assert_eq!(cvss_method("CVSS:3.1/AV:N"), "CVSSv31");
        assert_eq!(cvss_method("CVSS:3.0/AV:N"), "CVSSv3");
        assert_eq!(cvss_method("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "CVSSv2");
        assert_eq!(cvss_method("something"), "other");
    }
}
