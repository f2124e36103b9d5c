//! GitLab's container-scanning security report (`artifacts: reports:
//! container_scanning:`), schema version [`SCHEMA_VERSION`]: one
//! vulnerability per SQ31xxx finding, at the image, its operating system and
//! the package.
//!
//! - Identifiers: the vulnerability's id (its CVE when it has one) first,
//!   which GitLab takes as the primary identifier, then its aliases.
//! - Severity: the vulnerability's own class from its CVSS score or its
//!   ecosystem's rating (`Unknown` when unrated, `Info` for CVSS 0.0), not
//!   the policy's severity of the finding (KEV findings are critical to the
//!   gate, whatever their score).
//! - Left out: suppressed findings (a VEX `not_affected`, an exception),
//!   which are accepted, and targets that are not images. An image checked
//!   without an advisory database gets a `warn` message in `scan.messages`,
//!   never a silent empty list.
//! - Times: the schema wants when the scan started and ended; the report
//!   model does not record them, so both are the time the report is
//!   rendered, or `SOURCE_DATE_EPOCH` when set (reproducible output).
//! - `id`: a UUID made from the finding's fingerprint, stable across scans.

use std::collections::HashMap;

use portcullis_advisories::{Class, Vulnerability};
use portcullis_policy::{Date, Report, ReportedFinding, TargetReport};
use serde::Serialize;

/// The schema version the report declares (and is validated against in
/// crates/portcullis/tests/gitlab.rs).
pub const SCHEMA_VERSION: &str = "15.0.7";

const SCHEMA_URL: &str = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/container-scanning-report-format.json";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    schema: &'static str,
    scan: Scan<'a>,
    vulnerabilities: Vec<GlVulnerability<'a>>,
}

#[derive(Serialize)]
struct Scan<'a> {
    analyzer: Tool<'a>,
    scanner: Tool<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
    start_time: String,
    end_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<Message>,
}

#[derive(Serialize)]
struct Tool<'a> {
    id: &'static str,
    name: &'static str,
    version: &'a str,
    vendor: Vendor,
}

#[derive(Serialize)]
struct Vendor {
    name: &'static str,
}

#[derive(Serialize)]
struct Message {
    level: &'static str,
    value: String,
}

#[derive(Serialize)]
struct GlVulnerability<'a> {
    id: String,
    name: String,
    description: String,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    solution: Option<String>,
    identifiers: Vec<Identifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cvss_vectors: Vec<CvssVector>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link>,
    location: GlLocation<'a>,
}

#[derive(Serialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct CvssVector {
    vendor: String,
    vector: String,
}

#[derive(Serialize)]
struct Link {
    url: String,
}

#[derive(Serialize)]
struct GlLocation<'a> {
    image: &'a str,
    operating_system: String,
    dependency: Dependency,
}

#[derive(Serialize)]
struct Dependency {
    package: Package,
    version: String,
}

#[derive(Serialize)]
struct Package {
    name: String,
}

/// The container-scanning report, pretty-printed.
pub fn render_gitlab_container_scanning(report: &Report) -> String {
    let now = timestamp(render_time());
    let tool = || Tool {
        id: "portcullis",
        name: "portcullis",
        version: &report.tool.version,
        vendor: Vendor { name: "portcullis" },
    };
    let mut messages = Vec::new();
    let mut vulnerabilities = Vec::new();
    // Images only: a Dockerfile, a manifest or a Compose project has no
    // packages to have vulnerabilities.
    for target in report
        .targets
        .iter()
        .filter(|t| !matches!(t.kind.as_str(), "dockerfile" | "kubernetes" | "compose"))
    {
        let Some(known) = target.vulnerabilities.as_ref() else {
            messages.push(Message {
                level: "warn",
                value: format!(
                    "{}: vulnerabilities were not checked (no advisory database; run `portcullis db update`)",
                    target.target
                ),
            });
            continue;
        };
        let by_id: HashMap<(&str, &str), &Vulnerability> = known
            .iter()
            .map(|v| ((v.id.as_str(), v.purl.as_str()), v))
            .collect();
        for f in target.findings.iter().filter(|f| f.suppressed.is_none()) {
            let Some(r) = f.vulnerability.as_ref() else {
                continue;
            };
            let v = by_id.get(&(r.id.as_str(), r.purl.as_str())).copied();
            vulnerabilities.push(vulnerability(target, f, r, v));
        }
    }
    crate::to_json(&Document {
        version: SCHEMA_VERSION,
        schema: SCHEMA_URL,
        scan: Scan {
            analyzer: tool(),
            scanner: tool(),
            kind: "container_scanning",
            // The scan ran: a failing gate is a result, not a failed scan
            // (a scan that cannot be done writes no report at all).
            status: "success",
            start_time: now.clone(),
            end_time: now,
            messages,
        },
        vulnerabilities,
    })
}

fn vulnerability<'a>(
    target: &'a TargetReport,
    f: &ReportedFinding,
    r: &portcullis_rules::VulnerabilityRef,
    v: Option<&Vulnerability>,
) -> GlVulnerability<'a> {
    let (name, version) = package_of(target, r, v);
    let image = target
        .references
        .first()
        .map_or(target.target.as_str(), String::as_str);
    let operating_system = target
        .os
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), crate::sbom::os_words);
    let identifiers = std::iter::once(&r.id)
        .chain(&r.aliases)
        .map(|id| identifier(id))
        .collect();
    let cvss_vectors = v
        .and_then(|v| v.severity.vector.as_deref().map(|vector| (v, vector)))
        // The schema knows CVSS v2 and v3.x vectors only; a v4.0 one would
        // make the report invalid, so it stays out (the score is in the
        // severity).
        .filter(|(_, vector)| vector.starts_with("CVSS:3.0/") || vector.starts_with("CVSS:3.1/"))
        .map(|(v, vector)| CvssVector {
            // The advisory the vector is from (`GHSA-…`).
            vendor: v
                .severity
                .source
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "unknown".to_owned()),
            vector: vector.to_owned(),
        })
        .into_iter()
        .collect();
    let links = v
        .and_then(|v| v.url.as_deref())
        .and_then(crate::cyclonedx::advisory_url)
        .map(|url| Link { url })
        .into_iter()
        .collect();
    let summary = v.and_then(|v| v.summary.as_deref());
    GlVulnerability {
        id: crate::sbom::content_uuid(
            format!("gitlab-container-scanning\0{}", f.fingerprint).as_bytes(),
        ),
        name: truncate(summary.unwrap_or(&r.id), 255),
        description: truncate(
            &format!("{} ({}: {})", f.message, f.rule, f.title),
            1_048_576,
        ),
        severity: severity(v.map(|v| v.severity.class)),
        solution: (!f.remediation.is_empty()).then(|| truncate(&f.remediation, 7000)),
        identifiers,
        cvss_vectors,
        links,
        location: GlLocation {
            image,
            operating_system,
            dependency: Dependency {
                package: Package { name },
                version,
            },
        },
    }
}

/// The package's name and installed version: from the inventory when the
/// report has it, else from the purl.
fn package_of(
    target: &TargetReport,
    r: &portcullis_rules::VulnerabilityRef,
    v: Option<&Vulnerability>,
) -> (String, String) {
    let installed = target
        .packages
        .iter()
        .flatten()
        .find(|p| v.is_some_and(|v| v.package == p.id) || p.purl == r.purl);
    if let Some(p) = installed {
        return (crate::sbom::full_name(p), p.version.clone());
    }
    // pkg:type/namespace/name@version?qualifiers#subpath
    let path = r.purl.split(['?', '#']).next().unwrap_or(&r.purl);
    let (path, version) = path.rsplit_once('@').unwrap_or((path, ""));
    let name = path.rsplit('/').next().unwrap_or(path);
    (percent_decode(name), percent_decode(version))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An id as GitLab types it: `cve`, `ghsa`, else the id's prefix in lower
/// case (`dsa`, `pysec`, `go`), with a page for CVEs and GHSAs.
fn identifier(id: &str) -> Identifier {
    let prefix = id.split('-').next().unwrap_or(id).to_ascii_lowercase();
    let url = match prefix.as_str() {
        "cve" => Some(format!("https://nvd.nist.gov/vuln/detail/{id}")),
        "ghsa" => Some(format!("https://github.com/advisories/{id}")),
        _ => None,
    };
    Identifier {
        kind: if prefix.is_empty() {
            "advisory".to_owned()
        } else {
            prefix
        },
        name: id.to_owned(),
        value: id.to_owned(),
        url,
    }
}

fn severity(class: Option<Class>) -> &'static str {
    match class {
        Some(Class::Critical) => "Critical",
        Some(Class::High) => "High",
        Some(Class::Medium) => "Medium",
        Some(Class::Low) => "Low",
        Some(Class::None) => "Info",
        Some(Class::Unknown) | None => "Unknown",
    }
}

/// At most `max` bytes, cut at a character boundary.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when it is set and a
/// number, else the clock.
fn render_time() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// `yyyy-mm-ddThh:mm:ss` in UTC, as the schema's pattern wants it.
fn timestamp(secs: u64) -> String {
    let date = Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let s = secs % 86_400;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date.year,
        date.month,
        date.day,
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_schema_shape() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20");
        assert_eq!(timestamp(951_782_400 + 86_399), "2000-02-29T23:59:59");
    }

    #[test]
    fn identifiers_by_prefix() {
        let cve = identifier("CVE-2024-5535");
        assert_eq!(
            (cve.kind.as_str(), cve.url.as_deref()),
            (
                "cve",
                Some("https://nvd.nist.gov/vuln/detail/CVE-2024-5535")
            )
        );
        assert_eq!(identifier("GHSA-x4qr-2fvf-3mr5").kind, "ghsa");
        let dsa = identifier("DSA-5678-1");
        assert_eq!((dsa.kind.as_str(), dsa.url), ("dsa", None));
    }

    #[test]
    fn purl_names_and_versions_decoded() {
        assert_eq!(percent_decode("1.2%2B3"), "1.2+3");
        assert_eq!(percent_decode("%40babel"), "@babel");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(truncate("héllo", 2), "h");
    }
}
