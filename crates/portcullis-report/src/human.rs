//! The report for people at a terminal: findings grouped by category, most
//! severe first, each with its location, the source line with a marker under
//! the offending text, and the fix.

use std::fmt::Write;

use portcullis_policy::{Action, Report, ReportedFinding, TargetReport, Verdict};
use portcullis_rules::{Category, Location};

#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    fn action(&self, a: Action, t: &str) -> String {
        match a {
            Action::Fail => self.wrap("1;31", t),
            Action::Warn => self.wrap("1;33", t),
            Action::Info => self.wrap("1;34", t),
        }
    }
    fn verdict(&self, v: Verdict) -> String {
        match v {
            Verdict::Pass => self.wrap("1;32", "PASS"),
            Verdict::Fail => self.wrap("1;31", "FAIL"),
        }
    }
}

pub fn render_human(report: &Report, options: HumanOptions) -> String {
    let paint = Paint { on: options.color };
    let mut out = String::new();
    for target in &report.targets {
        render_target(&mut out, target, &paint, report.targets.len() > 1);
    }
    // How the run was judged, then what it came to, above the verdict line.
    if let Some(scan) = &report.scan {
        for line in crate::context::scan_lines(scan) {
            let _ = writeln!(out, "{}", paint.dim(&printable(&line)));
        }
    }
    let _ = writeln!(out, "Summary: {}", crate::Summary::of(report));
    let findings: Vec<&ReportedFinding> = report.targets.iter().flat_map(|t| &t.findings).collect();
    let _ = writeln!(
        out,
        "{}{}: {}",
        if report.targets.len() > 1 {
            format!("{} targets, ", report.targets.len())
        } else {
            String::new()
        },
        crate::findings_summary(&findings),
        paint.verdict(report.verdict)
    );
    out
}

fn render_target(out: &mut String, target: &TargetReport, paint: &Paint, with_counts: bool) {
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold(&printable(&target.target)),
        paint.verdict(target.verdict)
    );
    for line in crate::context::image_lines(target) {
        let _ = writeln!(out, "  {}", printable(&line));
    }
    if let Some(lxd) = &target.lxd {
        render_lxd(out, target, lxd);
    }
    render_packages(out, target);
    if let Some(line) = vulnerability_summary(target) {
        let _ = writeln!(out, "  {}", printable(&line));
    }
    if target.findings.is_empty() {
        let checked = target
            .policies
            .iter()
            .filter(|p| p.status != portcullis_policy::Status::NotApplicable)
            .count();
        let hidden = target.hidden.map_or(0, |h| h.total());
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  no findings listed ({hidden} suppressed, not listed); {checked} policies checked"
            );
        } else {
            let _ = writeln!(out, "  no findings; {checked} policies checked");
        }
        render_notes(out, target, paint);
        out.push('\n');
        return;
    }
    let mut categories: Vec<Category> = target.findings.iter().map(|f| f.category).collect();
    categories.sort();
    categories.dedup();
    for category in categories {
        let _ = writeln!(out, "\n  {}", paint.bold(category.title()));
        let mut findings: Vec<&ReportedFinding> = target
            .findings
            .iter()
            .filter(|f| f.category == category)
            .collect();
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                // What fails the gate before what only warns, then by place.
                .then_with(|| b.action.cmp(&a.action))
                .then_with(|| sort_key(&a.location).cmp(&sort_key(&b.location)))
        });
        let (shown, more) = crate::fold(findings);
        for f in shown {
            render_finding(out, target, f, paint);
        }
        for (rule, n) in more {
            let _ = writeln!(
                out,
                "    {} {} {}",
                paint.dim("…"),
                paint.bold(rule),
                paint.dim(&format!(
                    "{n} more, like these ({} in all; the JSON, SARIF and HTML reports list every one)",
                    n + crate::SHOWN_PER_RULE
                ))
            );
        }
    }
    render_notes(out, target, paint);
    let all: Vec<&ReportedFinding> = target.findings.iter().collect();
    if with_counts {
        let _ = writeln!(out, "\n  {}", crate::findings_summary(&all));
    }
    out.push('\n');
}

/// What an LXD image is, and the policies that do not apply to it.
fn render_lxd(out: &mut String, target: &TargetReport, lxd: &portcullis_policy::LxdDetails) {
    let name: Vec<&str> = [lxd.os.as_deref(), lxd.release.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let name = if name.is_empty() {
        "unnamed".to_owned()
    } else {
        printable(&name.join(" ")).into_owned()
    };
    let description = lxd
        .description
        .as_deref()
        .map(|d| format!(" — {}", printable(d)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  LXD image: {name} {}, created {}, {} ({} rootfs, {}){description}",
        printable(&lxd.architecture),
        lxd.creation_date,
        lxd.layout,
        lxd.rootfs_format,
        lxd.compression,
    );
    let not_applicable: Vec<&str> = target
        .policies
        .iter()
        .filter(|p| p.status == portcullis_policy::Status::NotApplicable)
        // Those without an advisory database say so on their own line.
        .filter(|p| !p.rule.starts_with("SQ31"))
        .map(|p| p.rule.as_str())
        .collect();
    if !not_applicable.is_empty() {
        let _ = writeln!(
            out,
            "  not applicable to a system container image: {}",
            not_applicable.join(", ")
        );
    }
}

/// What the image is made of, when the package pass ran: the operating
/// system, packages per type and per layer that introduced them.
fn render_packages(out: &mut String, target: &TargetReport) {
    let Some(packages) = &target.packages else {
        return;
    };
    let os = target
        .os
        .as_ref()
        .map(crate::sbom::os_words)
        .unwrap_or_else(|| "unknown".to_owned());
    let _ = writeln!(out, "  OS: {}", printable(&os));
    if packages.is_empty() {
        let _ = writeln!(out, "  packages: none found");
        return;
    }
    let _ = writeln!(
        out,
        "  packages: {} ({})",
        packages.len(),
        crate::sbom::per_type_words(packages)
    );
    if let Some(layers) = crate::sbom::per_layer_words(packages) {
        let _ = writeln!(out, "  packages by layer: {layers}");
    }
}

/// The one line on a target's known vulnerabilities, shared by the human,
/// Markdown and HTML reports: `vulnerabilities: 23 (critical 2, high 5,
/// medium 12, low 4); 3 in KEV; 15 with a fix; 2 suppressed by VEX`,
/// counting (vulnerability, package) pairs as the findings do; `none
/// known`; or, when there was no advisory database, `not checked: ` and
/// the reason the vulnerability policies give. `None` when the target was
/// not checked and says nothing about why (a Dockerfile, an older report).
pub(crate) fn vulnerability_summary(target: &TargetReport) -> Option<String> {
    use vulnerability::Class;
    let Some(list) = vulnerability::of(target) else {
        let reasons: Vec<(&str, &str)> = target
            .policies
            .iter()
            .filter(|p| {
                p.rule.starts_with("SQ311") && p.status == portcullis_policy::Status::NotApplicable
            })
            .filter_map(|p| Some((p.rule.as_str(), p.reason.as_deref()?)))
            .collect();
        // SQ31102 can be not applicable for want of EPSS scores alone; the
        // others say why there is nothing to match against.
        let reason = reasons
            .iter()
            .find(|(rule, _)| *rule != "SQ31102")
            .or(reasons.first())?
            .1;
        return Some(format!("vulnerabilities: not checked: {reason}"));
    };
    if list.is_empty() {
        return Some("vulnerabilities: none known".to_owned());
    }
    let classes: Vec<String> = Class::SHOWN
        .iter()
        .filter_map(|c| {
            let n = list.iter().filter(|v| v.severity.class == *c).count();
            (n > 0).then(|| format!("{} {n}", c.word()))
        })
        .collect();
    let kev = list.iter().filter(|v| v.kev.is_some()).count();
    let fixed = list.iter().filter(|v| v.fix.version().is_some()).count();
    let suppressed = list.iter().filter(|v| v.suppressed()).count();
    Some(format!(
        "vulnerabilities: {} ({}); {kev} in KEV; {fixed} with a fix; {suppressed} suppressed by VEX",
        list.len(),
        classes.join(", ")
    ))
}

/// Notes are labelled as such: facts worth knowing, not violations.
fn render_notes(out: &mut String, target: &TargetReport, paint: &Paint) {
    if target.notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  {}", paint.bold("Notes (not violations)"));
    for n in &target.notes {
        let _ = writeln!(
            out,
            "    {} {} {}",
            paint.dim("note"),
            paint.bold(&n.rule),
            printable(&n.message)
        );
        let _ = writeln!(
            out,
            "         {} {}",
            paint.dim("-->"),
            printable(&describe(&n.location))
        );
    }
}

fn sort_key(location: &Location) -> (usize, usize) {
    match location {
        Location::Dockerfile { line, column, .. } | Location::Policy { line, column, .. } => {
            (*line, *column)
        }
        Location::History { index, .. } | Location::Layer { index, .. } => (*index, 0),
        _ => (0, 0),
    }
}

fn render_finding(out: &mut String, target: &TargetReport, f: &ReportedFinding, paint: &Paint) {
    let label = match (&f.suppressed, f.action) {
        (Some(_), _) => "SUPPRESSED",
        (None, Action::Fail) => "FAIL",
        (None, Action::Warn) => "WARN",
        (None, Action::Info) => "INFO",
    };
    let _ = writeln!(
        out,
        "    {} {} {} {}",
        paint.action(f.action, &format!("{label:<4}")),
        paint.bold(&f.rule),
        paint.dim(&format!("({})", f.severity)),
        printable(&f.message)
    );
    let _ = writeln!(
        out,
        "         {} {}",
        paint.dim("-->"),
        printable(&match (&f.location, &target.lxd) {
            // An LXD image has one root filesystem, not layers.
            (
                Location::Layer {
                    path,
                    line: Some(line),
                    column: Some(column),
                    ..
                },
                Some(_),
            ) => format!("{path}:{line}:{column} in the rootfs"),
            (Location::Layer { path, .. }, Some(_)) => format!("{path} in the rootfs"),
            (location, _) => describe(location),
        })
    );
    source_excerpt(out, paint, f.action, &f.location, target);
    for r in &f.related {
        let _ = writeln!(
            out,
            "         {} {}",
            paint.dim("related:"),
            printable(&describe(r))
        );
        // The Dockerfile line `--dockerfile` linked an image finding to,
        // or another place in a manifest.
        source_excerpt(out, paint, f.action, r, target);
    }
    if let Some(s) = &f.suppressed {
        let _ = writeln!(
            out,
            "         {} {} ({})",
            paint.dim("suppressed:"),
            printable(&s.reason),
            printable(&s.by)
        );
    }
    let _ = writeln!(out, "         {} {}", paint.dim("fix:"), f.remediation);
}

/// The source line at `location`, marked, when the report holds the file's
/// text: a Dockerfile's (`source`) or a manifest's (`texts`).
fn source_excerpt(
    out: &mut String,
    paint: &Paint,
    action: Action,
    location: &Location,
    target: &TargetReport,
) {
    let Some(at) = crate::source_line(target, location) else {
        return;
    };
    let width = at.line.to_string().len();
    let start = at.column.saturating_sub(1);
    let len = if at.end_line == at.line {
        at.end_column.saturating_sub(at.column).max(1)
    } else {
        at.text.chars().count().saturating_sub(start).max(1)
    };
    // Under the escaped text, so the marker still lines up.
    let prefix: String = at.text.chars().take(start).collect();
    let indent: String = printable(&prefix)
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let gutter = " ".repeat(width);
    let _ = writeln!(out, "         {gutter} {}", paint.dim("|"));
    let _ = writeln!(
        out,
        "         {} {} {}",
        paint.dim(&at.line.to_string()),
        paint.dim("|"),
        printable(at.text)
    );
    let _ = writeln!(
        out,
        "         {gutter} {} {indent}{}",
        paint.dim("|"),
        paint.action(action, &"^".repeat(len))
    );
}

/// Text from the input (names, created_by, Dockerfile lines) with control
/// characters escaped, so it cannot move the cursor, recolour the terminal or
/// break a line. Tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `path:line:col`, or the image location in words.
pub(crate) fn describe(location: &Location) -> String {
    match location {
        Location::Dockerfile {
            path, line, column, ..
        }
        | Location::Policy {
            path, line, column, ..
        } => format!("{path}:{line}:{column}"),
        Location::History { index, created_by } => format!("history entry {index}: {created_by}"),
        Location::Config { pointer } => format!("image config {pointer}"),
        Location::Layer {
            index,
            digest,
            path,
            line,
            column,
        } => match (line, column) {
            (Some(line), Some(column)) => {
                format!("{path}:{line}:{column} in layer {index} ({digest})")
            }
            _ => format!("{path} in layer {index} ({digest})"),
        },
        // The document and pointer tell objects of one stream apart where
        // a line alone needs the file open to read.
        Location::Manifest {
            path,
            line,
            column,
            document,
            pointer,
            ..
        } => {
            if pointer.is_empty() {
                format!("{path}:{line}:{column} (document {document})")
            } else {
                format!("{path}:{line}:{column} (document {document}, {pointer})")
            }
        }
        Location::ImageManifest { digest, pointer } => format!("manifest {digest} {pointer}"),
    }
}

/// The packages' known vulnerabilities as the renderers read them.
pub(crate) mod vulnerability {
    pub(crate) use portcullis_advisories::{Class, Fix, VexVerdict, Vulnerability};
    use portcullis_policy::TargetReport;

    /// A target's vulnerabilities; `None` when it was not checked (no
    /// advisory database).
    pub(crate) fn of(t: &TargetReport) -> Option<Vec<Vulnerability>> {
        t.vulnerabilities.clone()
    }
}
