//! Renderers: each turns a [`Report`] into bytes, knowing nothing of how
//! findings were found. [`read_json`] goes the other way, so a saved JSON
//! report can be rendered again in any format (`portcullis convert`).

mod codequality;
mod cyclonedx;
mod gitlab;
mod html;
mod human;
mod junit;
mod markdown;
mod sarif;
mod sbom;
mod spdx;

pub use codequality::render_codequality;
pub use cyclonedx::render_cyclonedx;
pub use gitlab::{render_gitlab_container_scanning, SCHEMA_VERSION as GITLAB_SCHEMA_VERSION};
pub use html::render_html;
pub use human::{printable, render_human, HumanOptions};
pub use junit::render_junit;
pub use markdown::{render_markdown, MarkdownLimits};
use portcullis_policy::{Report, SCHEMA_VERSION};
pub use sarif::render_sarif;
pub use spdx::render_spdx;

/// The project's home, from Cargo.toml: rule help links point into its docs.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where a rule's documentation is: its section of docs/rules.md.
pub fn rule_doc_url(code: &str) -> String {
    format!(
        "{REPOSITORY}/blob/main/docs/rules.md#{}",
        code.to_ascii_lowercase()
    )
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
    /// CycloneDX 1.6 JSON: the package inventory.
    Cyclonedx,
    /// SPDX 2.3 JSON: the package inventory.
    Spdx,
    /// GitLab Code Quality JSON: the findings, for merge requests.
    Codequality,
    /// GitLab's container-scanning security report: the vulnerabilities.
    GitlabContainerScanning,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
        Format::Cyclonedx,
        Format::Spdx,
        Format::Codequality,
        Format::GitlabContainerScanning,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Cyclonedx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Codequality => "codequality",
            Format::GitlabContainerScanning => "gitlab-container-scanning",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Render `report` in `format`. `color` matters only to the human report.
pub fn render(format: Format, report: &Report, color: bool) -> String {
    match format {
        Format::Human => render_human(report, HumanOptions { color }),
        Format::Json => render_json(report),
        Format::Sarif => render_sarif(report),
        Format::Junit => render_junit(report),
        Format::Markdown => render_markdown(report, MarkdownLimits::default()),
        Format::Html => render_html(report),
        Format::Cyclonedx => render_cyclonedx(report),
        Format::Spdx => render_spdx(report),
        Format::Codequality => render_codequality(report),
        Format::GitlabContainerScanning => render_gitlab_container_scanning(report),
    }
}

/// The JSON contract (schema_version 1), pretty-printed, newline-terminated.
pub fn render_json(report: &Report) -> String {
    to_json(report)
}

/// Pretty JSON of plain data, newline-terminated.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        // Serialising plain data cannot fail; say so loudly if it ever does.
        format!("{{\"error\": \"could not serialise the report: {e}\"}}")
    });
    out.push('\n');
    out
}

/// Read a JSON report (as [`render_json`] writes it) back into the report
/// model. The error is one line, for `error: FILE: …`.
pub fn read_json(bytes: &[u8]) -> Result<Report, String> {
    // First only the shape and version, so a report of another version (or
    // another tool's JSON) is named as such rather than as missing fields.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not a portcullis JSON report: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("not a portcullis JSON report: not a JSON object".to_owned());
    };
    match object.get("schema_version") {
        None => {
            return Err("not a portcullis JSON report: it has no schema_version".to_owned());
        }
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(v) => {
            return Err(format!(
                "schema_version {v} is not supported: this portcullis reads schema_version {SCHEMA_VERSION}"
            ));
        }
    }
    // Again from the bytes, for errors with a line and column.
    serde_json::from_slice(bytes).map_err(|e| {
        format!("not a valid portcullis JSON report (schema_version {SCHEMA_VERSION}): {e}")
    })
}

/// `path:line:col`, or the image location in words.
pub(crate) use human::describe;

/// "7 findings (1 high, 2 medium, 4 low), 3 failing, 0 suppressed": the
/// one-line count every renderer shows per target and for the whole report.
/// The policies that judge every binary of an image (binary hardening,
/// SQ18xxx; debug artefacts, SQ342xx): a Debian base image alone gives
/// hundreds of findings of one rule. The reports for people show the first
/// [`SHOWN_PER_RULE`] of each such rule and count the rest; the JSON and
/// SARIF reports keep every one (exceptions and baselines work per file).
pub(crate) fn folds(rule: &str) -> bool {
    rule.starts_with("SQ18") || matches!(rule, "SQ34202" | "SQ34203" | "SQ34204")
}

/// Findings shown per folded rule ([`folds`]) and target.
pub(crate) const SHOWN_PER_RULE: usize = 3;

/// Split `findings` (in the order they are shown) into those shown and, per
/// folded rule, how many more there are (in the order the rules first
/// appear).
pub(crate) fn fold<'a>(
    findings: impl IntoIterator<Item = &'a portcullis_policy::ReportedFinding>,
) -> (
    Vec<&'a portcullis_policy::ReportedFinding>,
    Vec<(&'a str, usize)>,
) {
    let findings: Vec<&portcullis_policy::ReportedFinding> = findings.into_iter().collect();
    // Which of each folded rule's findings are shown: those that fail the
    // gate first (this build's, where the base image's only warn), then in
    // the order given.
    let rank = |f: &portcullis_policy::ReportedFinding| {
        (f.suppressed.is_some(), std::cmp::Reverse(f.action))
    };
    let mut seen: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, f) in findings.iter().enumerate().filter(|(_, f)| folds(&f.rule)) {
        match seen.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, of_rule)) => of_rule.push(i),
            None => seen.push((&f.rule, vec![i])),
        }
    }
    let mut keep = vec![true; findings.len()];
    let mut more = Vec::new();
    for (rule, mut of_rule) in seen {
        if of_rule.len() <= SHOWN_PER_RULE {
            continue;
        }
        of_rule.sort_by_key(|&i| (rank(findings[i]), i));
        for &i in &of_rule[SHOWN_PER_RULE..] {
            keep[i] = false;
        }
        more.push((rule, of_rule.len() - SHOWN_PER_RULE));
    }
    let shown = findings
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| k.then_some(f))
        .collect();
    (shown, more)
}

pub(crate) fn findings_summary(findings: &[&portcullis_policy::ReportedFinding]) -> String {
    use portcullis_policy::Action;
    use portcullis_rules::Severity;
    if findings.is_empty() {
        return "no findings".to_owned();
    }
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let failing = findings
        .iter()
        .filter(|f| f.action == Action::Fail && f.suppressed.is_none())
        .count();
    let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    let mut s = format!(
        "{} finding{} ({}), {failing} failing",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        by_severity.join(", ")
    );
    // Always said, zero too: a reader checks that nothing was waved through.
    s.push_str(&format!(", {suppressed} suppressed"));
    s
}
