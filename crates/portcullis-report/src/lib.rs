//! Renderers: each turns a [`Report`] into bytes, knowing nothing of how
//! findings were found. [`read_json`] goes the other way, so a saved JSON
//! report can be rendered again in any format (`portcullis convert`).

mod codequality;
mod context;
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
use portcullis_rules::Location;
pub use sarif::render_sarif;
pub use spdx::render_spdx;

/// Where the rule documentation is published, if anywhere: the one place a
/// real URL is set, at build time (`PORTCULLIS_DOCS_URL=https://…/docs cargo
/// build`; docs/ARCHITECTURE.md, "Links"). Unset (the default), no report
/// carries a link to it: each carries the rule text itself, since a link
/// that leads nowhere is worse than none.
pub const DOCS_URL: Option<&str> = option_env!("PORTCULLIS_DOCS_URL");

/// The docs base URL without a trailing `/`, when one is configured and not empty.
pub fn docs_url() -> Option<&'static str> {
    DOCS_URL
        .map(|u| u.trim_end_matches('/'))
        .filter(|u| !u.is_empty())
}

/// Where a rule's documentation is (its section of rules.md under the
/// configured docs URL), or `None` when no docs URL is configured.
pub fn rule_doc_url(code: &str) -> Option<String> {
    rule_doc_url_in(docs_url(), code)
}

/// [`rule_doc_url`] for a given base, so the link shape is testable
/// whatever this build was configured with.
pub fn rule_doc_url_in(base: Option<&str>, code: &str) -> Option<String> {
    base.map(|base| format!("{base}/rules.md#{}", code.to_ascii_lowercase()))
}

/// A rule's documentation as Markdown, as `portcullis explain CODE` prints
/// it: the container policies' and the policy file's own (SQ49xxx).
/// `None` for a code this build does not know (a saved report's).
pub fn rule_doc(code: &str) -> Option<String> {
    if let Some(rule) = portcullis_rules::registry::find(code) {
        return Some(portcullis_rules::registry::explain(rule));
    }
    portcullis_policy::meta::find(code).map(portcullis_policy::meta::explain)
}

/// A rule's declaration by code: a container policy or one of the policy
/// file's own. `None` for a code this build does not know.
pub(crate) fn find_rule(code: &str) -> Option<&'static portcullis_rules::Rule> {
    portcullis_rules::registry::find(code).or_else(|| portcullis_policy::meta::find(code))
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

/// How [`render_with`] renders.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Colour in the human report.
    pub color: bool,
    /// Leave suppressed findings out of the reports for people (human,
    /// Markdown, HTML), which then say how many they left out; the
    /// machine formats keep every finding (`--hide-suppressed`).
    pub hide_suppressed: bool,
}

/// Render `report` in `format` with `options`.
pub fn render_with(format: Format, report: &Report, options: RenderOptions) -> String {
    let for_people = matches!(format, Format::Human | Format::Markdown | Format::Html);
    if options.hide_suppressed && for_people {
        let mut shown = report.clone();
        shown.hide_suppressed();
        return render(format, &shown, options.color);
    }
    render(format, report, options.color)
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

/// A source line a location points at, with its place on the line.
pub(crate) struct SourceLine<'a> {
    pub line: usize,
    pub text: &'a str,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The line of the target's own text a location points at: a Dockerfile
/// location in its Dockerfile (`source`), a manifest location in the file
/// of that path among `texts` (a Compose project's override file too).
/// `None` when the report does not hold that text (a saved JSON report).
pub(crate) fn source_line<'a>(
    target: &'a portcullis_policy::TargetReport,
    location: &Location,
) -> Option<SourceLine<'a>> {
    match location {
        Location::Dockerfile {
            path,
            line,
            column,
            end_line,
            end_column,
        } => {
            let src = target.source.as_ref().filter(|s| s.path == *path)?;
            let df = &src.dockerfile;
            Some(SourceLine {
                line: *line,
                text: df.line_index().line_text(&df.source, *line),
                column: *column,
                end_line: *end_line,
                end_column: *end_column,
            })
        }
        Location::Manifest {
            path,
            line,
            column,
            end_line,
            end_column,
            ..
        } => {
            let text = target.texts.iter().find(|t| t.path == *path)?;
            Some(SourceLine {
                line: *line,
                text: text.line(*line)?,
                column: *column,
                end_line: *end_line,
                end_column: *end_column,
            })
        }
        _ => None,
    }
}

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

/// What a report comes to, over all its targets: findings by outcome
/// (suppressed ones by what suppressed them, those `--hide-suppressed` left
/// out included) and the policies that passed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub failed: usize,
    pub warned: usize,
    pub info: usize,
    pub by_exception: usize,
    pub by_baseline: usize,
    pub by_inline: usize,
    /// Image findings the manifest that runs the image makes moot (`--images`).
    pub by_manifest: usize,
    /// Policies that passed (per target: a rule passing on two targets counts twice).
    pub passed: usize,
    /// Suppressed findings the report does not list.
    pub hidden: usize,
}

impl Summary {
    pub fn of(report: &Report) -> Summary {
        use portcullis_policy::{Action, Hidden, Status};
        let mut s = Summary::default();
        let mut suppressed = Hidden::default();
        for t in &report.targets {
            for f in &t.findings {
                match (&f.suppressed, f.action) {
                    (Some(by), _) => suppressed.add(by),
                    (None, Action::Fail) => s.failed += 1,
                    (None, Action::Warn) => s.warned += 1,
                    (None, Action::Info) => s.info += 1,
                }
            }
            if let Some(h) = t.hidden {
                suppressed.exception += h.exception;
                suppressed.baseline += h.baseline;
                suppressed.inline += h.inline;
                suppressed.manifest += h.manifest;
                s.hidden += h.total();
            }
            s.passed += t
                .policies
                .iter()
                .filter(|p| p.status == Status::Pass)
                .count();
        }
        s.by_exception = suppressed.exception;
        s.by_baseline = suppressed.baseline;
        s.by_inline = suppressed.inline;
        s.by_manifest = suppressed.manifest;
        s
    }

    pub fn suppressed(&self) -> usize {
        self.by_exception + self.by_baseline + self.by_inline + self.by_manifest
    }
}

/// "1 failed, 0 warned, 0 info, 98 suppressed (97 by baseline, 1 by
/// exception, 0 by inline comment), 140 policies passed", and when some are
/// not listed, "; the 98 suppressed findings are not listed
/// (--hide-suppressed)". Every count is said, zero too: a reader checks
/// that nothing was waved through.
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} failed, {} warned, {} info, {} suppressed ({} by baseline, {} by exception, {} by inline comment{}), {} polic{} passed",
            self.failed,
            self.warned,
            self.info,
            self.suppressed(),
            self.by_baseline,
            self.by_exception,
            self.by_inline,
            // Only `--images` suppresses so; other scans keep their line.
            match self.by_manifest {
                0 => String::new(),
                n => format!(", {n} by the manifest that runs the image"),
            },
            self.passed,
            if self.passed == 1 { "y" } else { "ies" }
        )?;
        match self.hidden {
            0 => Ok(()),
            1 => write!(
                f,
                "; the 1 suppressed finding is not listed (--hide-suppressed)"
            ),
            n => write!(
                f,
                "; the {n} suppressed findings are not listed (--hide-suppressed)"
            ),
        }
    }
}
