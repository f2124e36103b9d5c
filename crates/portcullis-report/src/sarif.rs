//! SARIF 2.1.0, for GitHub code scanning and every other SARIF reader: one
//! run, the rules evaluated with their documentation, one result per finding.
//!
//! Locations: a Dockerfile finding has a physical location (file and region).
//! An image finding has a logical location (config pointer, history entry or
//! path in a layer) and, since code scanning shows only results with a file,
//! a physical one too: the Dockerfile line `--dockerfile` related it to, or
//! else the image archive (an OCI layout's `index.json`) at line 1.
//!
//! Security severity: code scanning reads `security-severity` from the rule
//! (`reportingDescriptor.properties`), so the container-security and
//! vulnerability rules carry their severity's value there; a vulnerability
//! result carries its own (its CVSS score) in its `properties` too, with its
//! CVE, aliases, package and fix, for readers that use result properties.

use std::collections::{BTreeMap, HashMap};

use portcullis_policy::{Action, Policy, Report, ReportedFinding, TargetReport, Verdict};
use portcullis_rules::finding::Note;
use portcullis_rules::{registry, Category, Location, Rule, Severity, RULES};
use serde::Serialize;

use crate::human::vulnerability::{Class, Vulnerability};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the finding fingerprint in `partialFingerprints`.
pub(crate) const FINGERPRINT_KEY: &str = "portcullisFingerprint/v1";

/// Relative URIs are relative to this base: the directory the scan ran in,
/// which in CI is the repository's root.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    /// Only when a docs URL is configured ([`crate::docs_url`]): never a dead link.
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    /// The rule's documentation itself, so the log needs no link to explain it.
    help: Help,
    /// Only when a docs URL is configured ([`crate::rule_doc_url`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<&'static str>,
    category: String,
    severity: String,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    /// When the scan ran (the report's scan block), when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_utc: Option<&'a str>,
    execution_successful: bool,
    exit_code: i32,
    exit_code_description: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    locations: [SarifLocation<'a>; 1],
    associated_rule: RuleReference<'a>,
}

#[derive(Serialize)]
struct RuleReference<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [SarifLocation<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    /// Empty means known not to be suppressed (absent would mean unknown).
    suppressions: Vec<Suppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    /// The target as reports name it: the image (archive and reference) or the Dockerfile.
    target: &'a str,
    target_kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<&'a str>,
    severity: Severity,
    category: Category,
    action: Action,
    remediation: &'a str,
    /// GitHub code scanning's scale (0.1–10.0, as a string), for a
    /// vulnerability: its CVSS base score, else its class's value (see
    /// [`vulnerability_security_severity`]).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerability: Option<VulnerabilityProperties<'a>>,
}

/// What a vulnerability finding is about, for SARIF readers that filter or
/// link by CVE.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VulnerabilityProperties<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<&'a str>,
    /// The CVE ids among the id and aliases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cves: Vec<&'a str>,
    purl: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    advisory_package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    installed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_version: Option<String>,
    /// `critical` … `low`, `none`, or `unknown` (unrated).
    #[serde(skip_serializing_if = "Option::is_none")]
    severity_class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_vector: Option<String>,
    kev: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    epss: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<Physical>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<Logical<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical<'a> {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<LayerProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LayerProperties<'a> {
    layer_index: usize,
    #[serde(skip_serializing_if = "str::is_empty")]
    diff_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    verdict: Verdict,
    targets: Vec<TargetProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetProperties<'a> {
    target: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<&'a str>,
    verdict: Verdict,
}

/// The rules a run describes: every rule evaluated on some target, plus any
/// rule a finding names that this build does not know (from a saved report).
struct RuleTable<'a> {
    codes: Vec<&'a str>,
    descriptors: Vec<Descriptor>,
}

impl<'a> RuleTable<'a> {
    fn new(report: &'a Report) -> Self {
        let mut table = RuleTable {
            codes: Vec::new(),
            descriptors: Vec::new(),
        };
        let evaluated = |code: &str| {
            report.targets.iter().any(|t| {
                t.policies
                    .iter()
                    .any(|p| p.rule == code && p.status != portcullis_policy::Status::NotApplicable)
                    || t.findings.iter().any(|f| f.rule == code)
            })
        };
        for rule in RULES.iter().copied().filter(|r| evaluated(r.code)) {
            table.codes.push(rule.code);
            table.descriptors.push(describe_rule(rule));
        }
        for f in report.targets.iter().flat_map(|t| &t.findings) {
            if !table.codes.contains(&f.rule.as_str()) {
                table.codes.push(&f.rule);
                table.descriptors.push(describe_unknown_rule(f));
            }
        }
        table
    }

    fn index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| *c == code)
    }
}

fn level(action: Action) -> &'static str {
    match action {
        Action::Fail => "error",
        Action::Warn => "warning",
        Action::Info => "note",
    }
}

/// The rule of critical vulnerabilities (SQ31104).
const CRITICAL_VULNERABILITY: &str = "SQ31104";

/// GitHub's scale: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium,
/// 0.1 to 3.9 low. Only for security rules; info has no security severity.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// A vulnerability's `security-severity`: its CVSS base score when it has
/// one (above 0.0), else the value of its class on the scale above (a
/// rating without a vector: `critical` 9.5, `high` 8.0, `medium` 5.5, `low`
/// 2.0); an unrated one is 5.5, medium, as the rules report it (SQ31106).
/// Severity `none` (CVSS 0.0) has none. One decimal, as GitHub shows it.
fn vulnerability_security_severity(v: &Vulnerability) -> Option<String> {
    if let Some(score) = v.severity.score.filter(|s| *s > 0.0 && *s <= 10.0) {
        return Some(format!("{score:.1}"));
    }
    let value = match v.severity.class {
        Class::Critical => "9.5",
        Class::High => "8.0",
        Class::Medium | Class::Unknown => "5.5",
        Class::Low => "2.0",
        Class::None => return None,
    };
    Some(value.to_owned())
}

fn describe_rule(rule: &Rule) -> Descriptor {
    // Code scanning treats a rule as a security one when it has a
    // security-severity (read from the rule, not the result).
    let security = matches!(
        rule.category,
        Category::ContainerSecurity
            | Category::Vulnerabilities
            | Category::BinaryHardening
            | Category::SupplyChain
    );
    let mut tags = vec![rule.category.as_str()];
    if security {
        tags.insert(0, "security");
    }
    let doc = &rule.doc;
    Descriptor {
        id: rule.code.to_owned(),
        name: rule.name.to_owned(),
        short_description: Text::new(rule.title),
        full_description: Text::new(doc.what),
        help: Help {
            text: format!(
                "{title}\n\nWhat it detects: {what}\n\nWhy it matters: {why}\n\nHow to fix it: {fix}\n\nBad:\n\n{bad}\nGood:\n\n{good}",
                title = rule.title,
                what = doc.what,
                why = doc.why,
                fix = doc.fix,
                bad = doc.bad,
                good = doc.good,
            ),
            markdown: registry::explain(rule),
        },
        help_uri: crate::rule_doc_url(rule.code),
        default_configuration: Configuration {
            level: level(Policy::default().action(rule)),
        },
        properties: DescriptorProperties {
            tags,
            category: rule.category.as_str().to_owned(),
            severity: rule.severity.as_str().to_owned(),
            security_severity: if rule.code == CRITICAL_VULNERABILITY {
                // Code scanning shows the rule's value: the rule of critical
                // vulnerabilities (CVSS 9.0 or more) is critical there,
                // whatever severity the gate gives it.
                security_severity(Severity::Critical)
            } else {
                security
                    .then(|| security_severity(rule.severity))
                    .flatten()
            },
        },
    }
}

/// A rule only a saved report knows: described from its finding.
fn describe_unknown_rule(f: &ReportedFinding) -> Descriptor {
    Descriptor {
        id: f.rule.clone(),
        name: f.rule.clone(),
        short_description: Text::new(f.title.clone()),
        full_description: Text::new(f.title.clone()),
        // The policy file's own rules (SQ49xxx) are documented here too;
        // a code this build does not know has its finding's fix.
        help: Help {
            text: f.remediation.clone(),
            markdown: crate::rule_doc(&f.rule).unwrap_or_else(|| f.remediation.clone()),
        },
        help_uri: crate::rule_doc_url(&f.rule),
        default_configuration: Configuration {
            level: level(f.action),
        },
        properties: DescriptorProperties {
            tags: vec![f.category.as_str()],
            category: f.category.as_str().to_owned(),
            severity: f.severity.as_str().to_owned(),
            security_severity: None,
        },
    }
}

pub fn render_sarif(report: &Report) -> String {
    let rules = RuleTable::new(report);
    let count = report.targets.iter().map(|t| t.findings.len()).sum();
    let mut results = Vec::with_capacity(count);
    let mut notifications = Vec::new();
    for target in &report.targets {
        let known = crate::human::vulnerability::of(target).unwrap_or_default();
        let by_id: HashMap<(&str, &str), &Vulnerability> = known
            .iter()
            .map(|v| ((v.id.as_str(), v.purl.as_str()), v))
            .collect();
        for f in &target.findings {
            let v = f
                .vulnerability
                .as_ref()
                .and_then(|r| by_id.get(&(r.id.as_str(), r.purl.as_str())).copied());
            results.push(result(target, f, v, &rules));
        }
        for note in &target.notes {
            notifications.push(notification(target, note, &rules));
        }
    }
    let exit_code = match report.verdict {
        Verdict::Pass => 0,
        Verdict::Fail => 1,
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: crate::docs_url(),
                    rules: rules.descriptors,
                },
            },
            invocations: [Invocation {
                start_time_utc: report.scan.as_ref().map(|s| s.started.as_str()),
                // A report exists only when every target could be scanned.
                execution_successful: true,
                exit_code,
                exit_code_description: match report.verdict {
                    Verdict::Pass => "policy passed",
                    Verdict::Fail => "policy failed",
                },
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                verdict: report.verdict,
                targets: report
                    .targets
                    .iter()
                    .map(|t| TargetProperties {
                        target: &t.target,
                        kind: &t.kind,
                        digest: t.digest.as_deref(),
                        verdict: t.verdict,
                    })
                    .collect(),
            },
        }],
    };
    crate::to_json(&log)
}

fn result<'a>(
    target: &'a TargetReport,
    f: &'a ReportedFinding,
    v: Option<&Vulnerability>,
    rules: &RuleTable<'a>,
) -> SarifResult<'a> {
    let vulnerability = f.vulnerability.as_ref().map(|r| {
        let ids = std::iter::once(&r.id).chain(&r.aliases);
        VulnerabilityProperties {
            id: &r.id,
            aliases: r.aliases.iter().map(String::as_str).collect(),
            cves: ids
                .filter(|id| id.starts_with("CVE-"))
                .map(String::as_str)
                .collect(),
            purl: &r.purl,
            advisory_package: v.map(|v| v.advisory_package.clone()),
            installed_version: v.map(|v| v.installed.clone()),
            fixed_version: v.and_then(|v| v.fix.version().map(str::to_owned)),
            severity_class: v.map(|v| v.severity.class.as_str()),
            cvss_score: v.and_then(|v| v.severity.score),
            cvss_vector: v.and_then(|v| v.severity.vector.clone()),
            kev: v.is_some_and(|v| v.kev.is_some()),
            epss: v.and_then(|v| v.epss.map(|e| e.score)),
            // Only web links: a viewer may make it one.
            url: v.and_then(|v| v.url.as_deref().and_then(crate::cyclonedx::advisory_url)),
        }
    });
    let security_severity = match (v, &vulnerability) {
        (Some(v), _) => vulnerability_security_severity(v),
        // A vulnerability finding of a report without the vulnerability
        // list: its rule's value.
        (None, Some(_)) => security_severity(f.severity).map(str::to_owned),
        (None, None) => None,
    };
    let related_dockerfile = f
        .related
        .iter()
        .find(|l| matches!(l, Location::Dockerfile { .. }));
    SarifResult {
        rule_id: &f.rule,
        // Every finding's rule is in the table (RuleTable::new adds them).
        rule_index: rules.index(&f.rule).unwrap_or(0),
        level: level(f.action),
        message: Text::new(f.message.clone()),
        locations: [primary_location(target, &f.location, related_dockerfile)],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| SarifLocation {
                id: Some(i + 1),
                ..location(l)
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        suppressions: f
            .suppressed
            .iter()
            .map(|s| Suppression {
                kind: if s.by == "inline" {
                    "inSource"
                } else {
                    "external"
                },
                status: "accepted",
                justification: &s.reason,
            })
            .collect(),
        properties: ResultProperties {
            target: &target.target,
            target_kind: &target.kind,
            digest: target.digest.as_deref(),
            severity: f.severity,
            category: f.category,
            action: f.action,
            remediation: &f.remediation,
            security_severity,
            vulnerability,
        },
    }
}

fn notification<'a>(
    target: &'a TargetReport,
    note: &'a Note,
    rules: &RuleTable<'a>,
) -> Notification<'a> {
    Notification {
        level: "note",
        message: Text::new(format!("{}: {}", target.target, note.message)),
        locations: [primary_location(target, &note.location, None)],
        associated_rule: RuleReference {
            id: &note.rule,
            index: rules.index(&note.rule),
        },
    }
}

/// A finding's own location, with a file for code scanning when it is in an
/// image (see the module documentation).
fn primary_location<'a>(
    target: &'a TargetReport,
    at: &'a Location,
    related_dockerfile: Option<&'a Location>,
) -> SarifLocation<'a> {
    let mut out = location(at);
    if out.logical_locations.is_empty() {
        // A file and region say it all; the message would repeat them.
        out.message = None;
    } else {
        out.physical_location = match related_dockerfile {
            Some(dockerfile) => location(dockerfile).physical_location,
            None => target.path.as_deref().map(|path| {
                let file = if target.kind == "oci" {
                    format!("{}/index.json", path.trim_end_matches('/'))
                } else {
                    path.to_owned()
                };
                Physical {
                    artifact_location: artifact(&file),
                    region: Region {
                        start_line: 1,
                        start_column: None,
                        end_line: None,
                        end_column: None,
                    },
                }
            }),
        };
    }
    out
}

/// One report location in SARIF terms: physical for a Dockerfile, logical
/// for a place in an image.
fn location(at: &Location) -> SarifLocation<'_> {
    let message = Some(Text::new(crate::describe(at)));
    match at {
        Location::Dockerfile {
            path,
            line,
            column,
            end_line,
            end_column,
        }
        | Location::Policy {
            path,
            line,
            column,
            end_line,
            end_column,
        }
        | Location::Manifest {
            path,
            line,
            column,
            end_line,
            end_column,
            ..
        } => {
            // 1-based; the end exclusive in both. A saved report could hold
            // anything: keep the region valid.
            let start_line = (*line).max(1);
            let start_column = (*column).max(1);
            let end_line = (*end_line).max(start_line);
            let end_column = if end_line == start_line {
                (*end_column).max(start_column)
            } else {
                (*end_column).max(1)
            };
            SarifLocation {
                physical_location: Some(Physical {
                    artifact_location: artifact(path),
                    region: Region {
                        start_line,
                        start_column: Some(start_column),
                        end_line: Some(end_line),
                        end_column: Some(end_column),
                    },
                }),
                message,
                ..SarifLocation::default()
            }
        }
        Location::Config { pointer } => logical(
            message,
            pointer.clone(),
            format!("config:{pointer}"),
            "property",
            None,
        ),
        Location::History { index, .. } => logical(
            message,
            format!("history[{index}]"),
            format!("config:/history/{index}"),
            "object",
            None,
        ),
        Location::Layer {
            index,
            digest,
            path,
            line,
            column,
        } => logical(
            message,
            match (line, column) {
                (Some(line), Some(column)) => format!("{path}:{line}:{column}"),
                _ => path.clone(),
            },
            format!("layer:{index}:{path}"),
            "resource",
            Some(LayerProperties {
                layer_index: *index,
                diff_id: digest,
            }),
        ),
        Location::ImageManifest { digest, pointer } => logical(
            message,
            pointer.clone(),
            format!("manifest:{digest}:{pointer}"),
            "property",
            None,
        ),
    }
}

fn logical<'a>(
    message: Option<Text>,
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
    properties: Option<LayerProperties<'a>>,
) -> SarifLocation<'a> {
    SarifLocation {
        logical_locations: vec![Logical {
            name,
            fully_qualified_name,
            kind,
            properties,
        }],
        message,
        ..SarifLocation::default()
    }
}

/// A path as the report names it (relative to where the scan ran, or
/// absolute) as a URI reference: relative ones against `%SRCROOT%`.
fn artifact(path: &str) -> Artifact {
    if path.starts_with('/') {
        Artifact {
            uri: format!("file://{}", encode_path(path)),
            uri_base_id: None,
        }
    } else {
        let mut rest = path;
        while let Some(r) = rest.strip_prefix("./") {
            rest = r.trim_start_matches('/');
        }
        Artifact {
            uri: encode_path(rest),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encode everything but unreserved characters, sub-delimiters, `@`
/// and `/`. `:` is encoded too, so a relative path never reads as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        let a = artifact("examples/Dockerfile");
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("examples/Dockerfile", Some(SRCROOT))
        );
        let a = artifact("./a b/c:d#e%.tar");
        assert_eq!(a.uri, "a%20b/c%3Ad%23e%25.tar");
        let a = artifact("/srv/ü.tar");
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("file:///srv/%C3%BC.tar", None)
        );
        assert_eq!(artifact("<stdin>").uri, "%3Cstdin%3E");
    }
}
