//! SPDX 2.3 JSON: the package inventory as an SPDX document.
//!
//! - One document per report. Each target is a package (purpose
//!   `CONTAINER`, or `SOURCE` for a Dockerfile; name the target, version its
//!   digest) that the document `DESCRIBES`; it `CONTAINS` its operating
//!   system (purpose `OPERATING_SYSTEM`) and each of its packages (purpose
//!   `LIBRARY`).
//! - SPDX ids use only letters, digits, `.` and `-`: `SPDXRef-Target-NAME`,
//!   `SPDXRef-OperatingSystem-ID-VERSION`, and for a package
//!   `SPDXRef-Package-TYPE-NAME-HASH`, HASH being 8 hex digits of the
//!   SHA-256 of the package's id (its purl), so a package keeps its SPDX id
//!   from one scan to the next whatever else changes. Other characters
//!   become `-`; should two ids still be equal, the later gets `-2`, `-3`…
//! - A package: `name` with its namespace (`@babel/core`,
//!   `org.slf4j:slf4j-api`), `versionInfo`, `downloadLocation`,
//!   `licenseConcluded` and `copyrightText` `NOASSERTION` (nothing was
//!   concluded or read), `filesAnalyzed: false`, `licenseDeclared` the SPDX
//!   expression of its declared licenses or `NOASSERTION` when none can be
//!   formed (the licenses as declared are then in `licenseComments`), its
//!   purl as a `PACKAGE-MANAGER` external reference, its evidence files and
//!   layers in `sourceInfo`, architecture, source package and Go version in
//!   `comment`.
//! - A target whose package pass did not run (`packages` absent) is
//!   described with no `CONTAINS`, and its `comment` says its contents are
//!   not known.
//! - Reproducible: `created` is the images' creation time (see
//!   [`crate::sbom::report_time`]), or the Unix epoch when no target has one
//!   (a Dockerfile), which `creationInfo.comment` then says. The
//!   `documentNamespace` is `urn:uuid:UUID` (an absolute URI, as SPDX
//!   requires; no URL that would have to resolve), UUID (version 8) made
//!   from the SHA-256 of the document as written without its namespace; so
//!   it is the same for the same report and differs when anything in it
//!   differs.

use portcullis_packages::{InstalledPackage, Os};
use portcullis_policy::{Report, TargetReport};
use serde::Serialize;

use crate::sbom::{content_uuid, full_name, report_time, short_hash, UniqueIds};

const NOASSERTION: &str = "NOASSERTION";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<Package>,
    relationships: Vec<Relationship>,
    /// Every `LicenseRef-` id the expressions use must be declared here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    name: String,
    extracted_text: String,
}

/// The `LicenseRef-` ids used in the packages' declared licenses, once each,
/// sorted: what the package declared is all portcullis knows of them.
fn extracted_licenses(packages: &[Package]) -> Vec<ExtractedLicense> {
    let mut ids: Vec<&str> = packages
        .iter()
        .flat_map(|p| {
            p.license_declared
                .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        })
        .filter(|t| t.starts_with("LicenseRef-"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| ExtractedLicense {
            license_id: id.to_owned(),
            name: id.trim_start_matches("LicenseRef-").replace('-', " "),
            extracted_text: format!(
                "Not an SPDX-listed license: the package's metadata declares it by name ({}); no license text is recorded.",
                id.trim_start_matches("LicenseRef-")
            ),
        })
        .collect()
}

#[derive(Serialize)]
struct CreationInfo {
    creators: Vec<String>,
    created: String,
    comment: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
}

impl Package {
    fn new(spdx_id: String, name: String, purpose: &'static str) -> Package {
        Package {
            spdx_id,
            name,
            version_info: None,
            download_location: NOASSERTION,
            files_analyzed: false,
            license_concluded: NOASSERTION,
            license_declared: NOASSERTION.to_owned(),
            license_comments: None,
            copyright_text: NOASSERTION,
            description: None,
            source_info: None,
            comment: None,
            external_refs: Vec::new(),
            primary_package_purpose: purpose,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

fn relationship(from: &str, kind: &'static str, to: &str) -> Relationship {
    Relationship {
        spdx_element_id: from.to_owned(),
        relationship_type: kind,
        related_spdx_element: to.to_owned(),
    }
}

/// The report's package inventory as an SPDX 2.3 JSON document (see the
/// module documentation for the choices), pretty-printed, newline-terminated.
pub fn render_spdx(report: &Report) -> String {
    let mut ids = UniqueIds::default();
    let mut packages = Vec::new();
    let mut relationships = Vec::new();
    for t in &report.targets {
        target_packages(t, &mut ids, &mut packages, &mut relationships);
    }
    let (created, comment) = match report_time(report) {
        Some(time) => (
            time,
            "created is the creation time of the image described (the latest, for several): \
             the same report gives the same document"
                .to_owned(),
        ),
        None => (
            "1970-01-01T00:00:00Z".to_owned(),
            "no target described has a creation time: created is the Unix epoch, a placeholder \
             that keeps the document reproducible"
                .to_owned(),
        ),
    };
    let mut doc = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: document_name(report),
        document_namespace: String::new(),
        creation_info: CreationInfo {
            creators: vec![format!(
                "Tool: {}-{}",
                report.tool.name, report.tool.version
            )],
            created,
            comment,
        },
        has_extracted_licensing_infos: extracted_licenses(&packages),
        packages,
        relationships,
    };
    let unnamed = crate::to_json(&doc);
    // A URN: SPDX wants a unique absolute URI, not one that resolves, and
    // an `https://` one under a host that serves nothing would be a dead link.
    doc.document_namespace = format!("urn:uuid:{}", content_uuid(unnamed.as_bytes()));
    crate::to_json(&doc)
}

fn document_name(report: &Report) -> String {
    match report.targets.as_slice() {
        [] => "no targets".to_owned(),
        [one] => one.target.clone(),
        [first, rest @ ..] => format!(
            "{} and {} more target{}",
            first.target,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

/// `text` in the characters an SPDX id allows (letters, digits, `.`, `-`):
/// others become `-`, runs of `-` one, none at either end; at most `max`
/// characters; `x` if nothing is left.
fn id_chars(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        if out.len() >= max {
            break;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

fn target_packages(
    t: &TargetReport,
    ids: &mut UniqueIds,
    packages: &mut Vec<Package>,
    relationships: &mut Vec<Relationship>,
) {
    let root_id = ids.claim(format!("SPDXRef-Target-{}", id_chars(&t.target, 80)), "-");
    let purpose = if matches!(t.kind.as_str(), "dockerfile" | "kubernetes" | "compose") {
        "SOURCE"
    } else {
        "CONTAINER"
    };
    let mut root = Package::new(root_id.clone(), t.target.clone(), purpose);
    root.version_info = t.digest.clone();
    let mut comment = format!("portcullis target of kind {}", t.kind);
    if !t.references.is_empty() {
        comment.push_str(&format!("; references: {}", t.references.join(", ")));
    }
    if t.packages.is_none() {
        comment.push_str(
            "; its packages were not inventoried (the package pass did not run): \
             what it contains is not known",
        );
    }
    root.comment = Some(comment);
    packages.push(root);
    relationships.push(relationship("SPDXRef-DOCUMENT", "DESCRIBES", &root_id));
    let Some(inventory) = &t.packages else {
        return;
    };
    if let Some(os) = &t.os {
        let p = os_package(os, ids);
        relationships.push(relationship(&root_id, "CONTAINS", &p.spdx_id));
        packages.push(p);
    }
    for p in inventory {
        let p = package(p, ids);
        relationships.push(relationship(&root_id, "CONTAINS", &p.spdx_id));
        packages.push(p);
    }
}

fn os_package(os: &Os, ids: &mut UniqueIds) -> Package {
    let mut wanted = os.id.clone();
    if let Some(v) = &os.version_id {
        wanted.push('-');
        wanted.push_str(v);
    }
    let id = ids.claim(
        format!("SPDXRef-OperatingSystem-{}", id_chars(&wanted, 80)),
        "-",
    );
    let mut p = Package::new(id, os.id.clone(), "OPERATING_SYSTEM");
    p.version_info = os.version_id.clone();
    p.description = os.pretty_name.clone();
    let mut facts = Vec::new();
    if let Some(c) = &os.version_codename {
        facts.push(format!("codename {c}"));
    }
    if !os.id_like.is_empty() {
        facts.push(format!("like {}", os.id_like.join(", ")));
    }
    if !facts.is_empty() {
        p.comment = Some(facts.join("; "));
    }
    p
}

fn package(ip: &InstalledPackage, ids: &mut UniqueIds) -> Package {
    let id = ids.claim(
        format!(
            "SPDXRef-Package-{}-{}-{}",
            ip.ecosystem,
            id_chars(&full_name(ip), 64),
            short_hash(&ip.id, 4)
        ),
        "-",
    );
    let mut p = Package::new(id, full_name(ip), "LIBRARY");
    p.version_info = Some(ip.version.clone()).filter(|v| !v.is_empty());
    if let Some(e) = &ip.license_expression {
        p.license_declared = e.clone();
    }
    if !ip.licenses.is_empty() {
        let quoted: Vec<String> = ip.licenses.iter().map(|l| format!("\"{l}\"")).collect();
        p.license_comments = Some(format!(
            "declared as {}{}",
            quoted.join(", "),
            if ip.license_expression.is_some() {
                ""
            } else {
                " (no SPDX expression could be formed)"
            }
        ));
    }
    let evidence: Vec<String> = ip
        .evidence
        .iter()
        .map(|e| format!("{} (layer {})", e.path, e.layer))
        .collect();
    let mut source_info = Vec::new();
    if !evidence.is_empty() {
        source_info.push(format!("found in {}", evidence.join(", ")));
    }
    if let Some(layer) = ip.layer {
        source_info.push(format!("introduced by layer {layer}"));
    }
    if !source_info.is_empty() {
        p.source_info = Some(source_info.join("; "));
    }
    let mut facts = Vec::new();
    if let Some(arch) = &ip.arch {
        facts.push(format!("architecture {arch}"));
    }
    if let Some(s) = &ip.source {
        match &s.version {
            Some(v) => facts.push(format!("source package {} {v}", s.name)),
            None => facts.push(format!("source package {}", s.name)),
        }
    }
    if let Some(go) = &ip.go_version {
        facts.push(format!("built with {go}"));
    }
    if !facts.is_empty() {
        p.comment = Some(facts.join("; "));
    }
    if !ip.purl.is_empty() {
        p.external_refs.push(ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: ip.purl.clone(),
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::id_chars;

    #[test]
    fn ids_keep_only_letters_digits_dots_and_dashes() {
        assert_eq!(id_chars("@babel/core", 64), "babel-core");
        assert_eq!(
            id_chars("docker-archive:img.tar", 80),
            "docker-archive-img.tar"
        );
        assert_eq!(id_chars("__--__", 80), "x");
        assert_eq!(id_chars("Zürich_1.0", 80), "Z-rich-1.0");
        assert_eq!(id_chars("abcdef", 3), "abc");
        assert_eq!(id_chars("ab/cd", 3), "ab");
        assert_eq!(id_chars("ab-/-", 80), "ab");
    }
}
