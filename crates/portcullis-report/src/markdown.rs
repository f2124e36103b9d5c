//! Markdown for CI job summaries and pull-request comments: the verdict and
//! counts by severity per target, then a table of findings, most important
//! first. Big reports are cut to fit a comment (GitHub takes 65,536
//! characters); the cut says how much it left out.

use std::fmt::Write;

use portcullis_policy::{Action, Report, ReportedFinding, Status, TargetReport, Verdict};
use portcullis_rules::Severity;

/// How much a Markdown report shows at most.
#[derive(Clone, Copy, Debug)]
pub struct MarkdownLimits {
    /// Rows of the summary table (one per target).
    pub targets: usize,
    /// Rows of findings, all targets together.
    pub findings: usize,
    /// Characters of a message or location.
    pub cell: usize,
}

impl Default for MarkdownLimits {
    fn default() -> Self {
        MarkdownLimits {
            targets: 100,
            findings: 100,
            cell: 160,
        }
    }
}

pub fn render_markdown(report: &Report, limits: MarkdownLimits) -> String {
    let mut out = String::new();
    let all: Vec<&ReportedFinding> = report.targets.iter().flat_map(|t| &t.findings).collect();
    let _ = writeln!(out, "## portcullis: {}\n", verdict(report.verdict));
    let _ = writeln!(
        out,
        "{} target{}, {}.\n",
        report.targets.len(),
        if report.targets.len() == 1 { "" } else { "s" },
        crate::findings_summary(&all)
    );
    let _ = writeln!(
        out,
        "Summary: {}.\n",
        text(&crate::Summary::of(report).to_string(), usize::MAX)
    );

    out.push_str("| target | verdict | critical | high | medium | low | info | suppressed |\n");
    out.push_str("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for t in report.targets.iter().take(limits.targets) {
        let _ = write!(
            out,
            "| {} | {} |",
            code(&t.target, limits.cell),
            verdict(t.verdict)
        );
        for severity in Severity::ALL.iter().rev() {
            let n = t
                .findings
                .iter()
                .filter(|f| f.severity == *severity && f.suppressed.is_none())
                .count();
            let _ = write!(out, " {n} |");
        }
        // Those `--hide-suppressed` left out count too.
        let suppressed = t.findings.iter().filter(|f| f.suppressed.is_some()).count()
            + t.hidden.map_or(0, |h| h.total());
        let _ = writeln!(out, " {suppressed} |");
    }
    if report.targets.len() > limits.targets {
        let _ = writeln!(
            out,
            "\n_{} more targets not shown._",
            report.targets.len() - limits.targets
        );
    }

    let mut budget = limits.findings;
    let mut left_out = 0;
    // The rules the table links to, in the order first linked.
    let mut linked: Vec<String> = Vec::new();
    let worth_a_section = |t: &&TargetReport| {
        !t.findings.is_empty() || crate::human::vulnerability_summary(t).is_some()
    };
    for t in report.targets.iter().filter(worth_a_section) {
        if budget == 0 && !t.findings.is_empty() {
            left_out += t.findings.len();
            continue;
        }
        target_section(&mut out, t, &mut budget, &mut left_out, limits, &mut linked);
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n_{left_out} more finding{} not shown: the JSON or SARIF report has every one._",
            if left_out == 1 { "" } else { "s" }
        );
    }
    if let Some(scan) = &report.scan {
        // Folded: how the run was judged matters to a reviewer, less than its findings.
        out.push_str("\n<details><summary>Scan</summary>\n\n");
        for line in crate::context::scan_lines(scan) {
            let _ = writeln!(out, "- {}", text(line.trim_start(), usize::MAX));
        }
        out.push_str("\n</details>\n");
    }
    rules_section(&mut out, &linked);
    out
}

/// Rules are explained in full while the report is shorter than this (a
/// GitHub comment takes 65,536 characters; a rule's text is about 1,500).
const RULE_DOCS_UNTIL: usize = 56_000;

/// The in-document anchor of a rule's section: its code, lower-case, as
/// docs/rules.md has it. Codes are letters and digits; anything else in a
/// saved report's code is left out of the anchor.
fn anchor(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What each rule the table links to means, at the end: the report carries
/// its own documentation rather than a link that may lead nowhere (with a
/// configured docs URL, a link to the full page too).
fn rules_section(out: &mut String, linked: &[String]) {
    if linked.is_empty() {
        return;
    }
    out.push_str("\n### Rules\n");
    for code in linked {
        let _ = write!(out, "\n<a id=\"{}\"></a>\n\n", anchor(code));
        match crate::find_rule(code) {
            // Past the budget a comment has, the title and where to read more.
            Some(r) if out.len() > RULE_DOCS_UNTIL => {
                let _ = writeln!(
                    out,
                    "**{}** {} ({}, {}): `portcullis explain {}`",
                    r.code,
                    text(r.title, usize::MAX),
                    r.severity,
                    r.category.as_str(),
                    r.code
                );
            }
            Some(r) => {
                let _ = writeln!(
                    out,
                    "**{}** {} ({}, {})\n\n{}\n\n_Why:_ {}\n\n_Fix:_ {}",
                    r.code,
                    text(r.title, usize::MAX),
                    r.severity,
                    r.category.as_str(),
                    r.doc.what,
                    r.doc.why,
                    r.doc.fix
                );
                if let Some(url) = crate::rule_doc_url(r.code) {
                    let _ = writeln!(out, "\n[Full documentation]({url})");
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "**{}**: not a rule of portcullis {}; the saved report names it.",
                    text(code, usize::MAX),
                    env!("CARGO_PKG_VERSION")
                );
            }
        }
    }
}

fn target_section(
    out: &mut String,
    t: &TargetReport,
    budget: &mut usize,
    left_out: &mut usize,
    limits: MarkdownLimits,
    linked: &mut Vec<String>,
) {
    let checked = t
        .policies
        .iter()
        .filter(|p| p.status != Status::NotApplicable)
        .count();
    let findings: Vec<&ReportedFinding> = t.findings.iter().collect();
    let _ = writeln!(
        out,
        "\n### {}: {}\n\n{}; {checked} policies checked{}.\n",
        code(&t.target, limits.cell),
        verdict(t.verdict),
        crate::findings_summary(&findings),
        match t.notes.len() {
            0 => String::new(),
            1 => "; 1 note".to_owned(),
            n => format!("; {n} notes"),
        }
    );
    if let Some(line) = crate::human::vulnerability_summary(t) {
        // "vulnerabilities: …" → "Vulnerabilities: …", as a sentence.
        let _ = writeln!(out, "{}.\n", text(&upper_first(&line), usize::MAX));
    }
    if findings.is_empty() {
        return;
    }
    out.push_str("| | rule | severity | location | message |\n|---|---|---|---|---|\n");
    let mut sorted = findings;
    // Failing first, then by severity; the report's order (rule, place) within.
    sorted.sort_by_key(|f| {
        (
            f.suppressed.is_some(),
            std::cmp::Reverse(f.action),
            std::cmp::Reverse(f.severity),
        )
    });
    let (sorted, more) = crate::fold(sorted);
    let shown = sorted.len().min(*budget);
    let mut link = |code: &str| {
        if !linked.iter().any(|c| c == code) {
            linked.push(code.to_owned());
        }
    };
    for f in &sorted[..shown] {
        link(&f.rule);
        let _ = writeln!(
            out,
            "| {} | [{}](#{}) | {} | {} | {} |",
            label(f),
            text(&f.rule, limits.cell),
            anchor(&f.rule),
            f.severity,
            code(&crate::describe(&f.location), limits.cell),
            match &f.suppressed {
                // Who suppressed it and why, for the reviewer.
                Some(s) => format!(
                    "{} (suppressed by {}: {})",
                    message(&f.message, limits.cell),
                    text(&s.by, limits.cell),
                    text(&s.reason, limits.cell)
                ),
                None => message(&f.message, limits.cell),
            },
        );
    }
    // The rest of each folded rule, on one row (if the budget reached it).
    let mut rows = shown;
    let mut not_shown = sorted.len() - shown;
    for (rule, n) in more {
        if rows >= *budget {
            not_shown += n;
            continue;
        }
        link(rule);
        let severity = t
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.severity.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| | [{}](#{}) | {severity} | | {n} more, like these ({} in all) |",
            text(rule, limits.cell),
            anchor(rule),
            n + crate::SHOWN_PER_RULE
        );
        rows += 1;
    }
    *budget -= rows.min(*budget);
    *left_out += not_shown;
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "**PASS**",
        Verdict::Fail => "**FAIL**",
    }
}

fn label(f: &ReportedFinding) -> &'static str {
    match (&f.suppressed, f.action) {
        (Some(_), _) => "suppressed",
        (None, Action::Fail) => "**FAIL**",
        (None, Action::Warn) => "WARN",
        (None, Action::Info) => "INFO",
    }
}

/// At most `max` characters, the cut marked with an ellipsis.
fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Input text as plain Markdown in a table cell: control characters and
/// line breaks escaped, Markdown and HTML syntax escaped with backslashes
/// (so a name cannot become a link, an image or a tag), and `@` kept from
/// mentioning anyone in a comment.
fn text(s: &str, max: usize) -> String {
    let s = truncate(&crate::printable(s), max);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after @ stops GitHub's mentions.
            '@' => out.push_str("@\u{200b}"),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A finding's message: rules quote names from the input in backticks, so
/// those parts become code spans and the rest escaped text. Whatever the
/// backticks in the input, each part is escaped for where it lands.
fn message(s: &str, max: usize) -> String {
    let s = truncate(&crate::printable(s), max);
    s.split('`')
        .enumerate()
        .map(|(i, part)| match (i % 2, part) {
            (_, "") => String::new(),
            (0, part) => text(part, usize::MAX),
            (_, part) => code(part, usize::MAX),
        })
        .collect()
}

/// Input text as a code span in a table cell: the fence longer than any run
/// of backticks inside, `|` escaped for the table.
fn code(s: &str, max: usize) -> String {
    let s = truncate(&crate::printable(s), max).replace('\t', " ");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') && s.ends_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_text_cannot_become_markup() {
        assert_eq!(
            text("[x](http://e) <img src=x> a|b @team\n", 100),
            "\\[x\\](http://e) \\<img src=x\\> a\\|b @\u{200b}team\\\\n"
        );
        assert_eq!(code("a`b|c", 100), "``a`b\\|c``");
        assert_eq!(code("`x`", 100), "`` `x` ``");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(
            message("user `a<b>` and `[x](y)` then `unclosed <", 100),
            "user `a<b>` and `[x](y)` then `unclosed <`"
        );
        assert_eq!(message("a ``b``", 100), "a b");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
