//! The report a security reviewer opens in a browser: one self-contained
//! HTML file (inline CSS and JavaScript, nothing fetched from anywhere; a
//! Content-Security-Policy with `default-src 'none'` makes the browser
//! refuse any request, and lets only this file's own script and style run).
//!
//! The summary is static HTML, readable without JavaScript: per target its
//! name, digest, verdict, counts by severity, category and outcome, every
//! policy evaluated, and for images the layers (a bar per layer, sized by
//! its size, with the findings in it) and the history with the base
//! boundary marked. The findings are data: a JSON block
//! (`<script type="application/json">`) that the page's script renders a
//! page at a time, grouped by category, filtered by severity, outcome, rule,
//! text or place (a layer, a history entry), so 10,000 findings stay usable.
//!
//! Image targets checked against an advisory database have a vulnerability
//! table (see [`vulnerabilities`]): static rows the script sorts and filters.
//!
//! Every text from the input is escaped: in the HTML with entities (after
//! [`printable`](crate::printable), which shows control characters, and
//! with bidirectional-override characters shown as escapes too), in the
//! JSON block with `<`, `>` and `&` as `\u003c`… so nothing in a string can
//! end the block; the script puts data into the page only as text nodes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;

use portcullis_policy::{
    Action, ImageDetails, Report, ReportedFinding, Status, TargetReport, Verdict,
};
use portcullis_rules::{registry, Category, Location, Severity};
use serde::Serialize;

mod vulnerabilities;

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// History entries shown in full up to this many; longer histories show the
/// entries that matter (findings, layers, the boundary) and fold the rest.
const HISTORY_FULL: usize = 300;
/// At most this many history rows and layer rows are drawn.
const MAX_ROWS: usize = 2000;
/// `created_by` longer than this is folded into a `<details>`.
const LONG_COMMAND: usize = 240;
/// At most this many rows of the package table are drawn.
const MAX_PACKAGE_ROWS: usize = 10_000;

pub fn render_html(report: &Report) -> String {
    let all: Vec<&ReportedFinding> = report.targets.iter().flat_map(|t| &t.findings).collect();
    let mut out = String::with_capacity(64 * 1024 + all.len() * 400);
    let title = format!(
        "portcullis: {} — {} target{}, {}",
        verdict_word(report.verdict),
        report.targets.len(),
        plural(report.targets.len()),
        count_phrase(all.len(), "finding")
    );
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src '{}'; style-src '{}'; img-src data:; base-uri 'none'; form-action 'none'\">",
        csp_hash(JS),
        csp_hash(CSS)
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(out, "<title>{}</title>", text(&title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>");

    // Header: the verdict and what was scanned.
    let _ = writeln!(
        out,
        "<header class=\"top\">\n<h1>portcullis report <span class=\"verdict {v}\" data-verdict=\"{v}\">{V}</span></h1>",
        v = verdict_class(report.verdict),
        V = verdict_word(report.verdict)
    );
    let _ = writeln!(
        out,
        "<p class=\"lede\">{} target{}, {}. {} {}, JSON report schema {}.</p>",
        report.targets.len(),
        plural(report.targets.len()),
        text(&crate::findings_summary(&all)),
        text(&report.tool.name),
        text(&report.tool.version),
        report.schema_version
    );
    let _ = writeln!(
        out,
        "<p class=\"summary\" id=\"summary\">Summary: {}</p>",
        text(&crate::Summary::of(report).to_string())
    );
    if let Some(scan) = &report.scan {
        let lines = crate::context::scan_lines(scan);
        let _ = write!(
            out,
            "<details class=\"scan\" id=\"scan\"><summary>{}</summary><ul>",
            text(&lines[0])
        );
        for line in &lines[1..] {
            let _ = write!(out, "<li>{}</li>", text(line.trim_start()));
        }
        out.push_str("</ul></details>\n");
    }
    out.push_str("</header>\n");

    if report.targets.len() > 1 {
        overview(&mut out, report);
    }
    toolbar(&mut out, &all);
    out.push_str("<main>\n");
    for (i, target) in report.targets.iter().enumerate() {
        target_section(&mut out, i, target);
    }
    if report.targets.is_empty() {
        out.push_str("<p class=\"empty\">The report has no targets.</p>\n");
    }
    out.push_str("</main>\n");
    out.push_str(
        "<footer>Rendered by portcullis from the same report as its JSON, SARIF, JUnit and Markdown formats. \
         This file fetches nothing: its style and script are inside it.</footer>\n",
    );
    out.push_str("<script type=\"application/json\" id=\"portcullis-data\">");
    out.push_str(&script_json(&data(report)));
    out.push_str("</script>\n<script>");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

// ---------------------------------------------------------------- summary

fn overview(out: &mut String, report: &Report) {
    out.push_str("<section class=\"overview\" aria-labelledby=\"overview-title\">\n<h2 id=\"overview-title\">Targets</h2>\n");
    out.push_str("<table class=\"grid\">\n<thead><tr><th>target</th><th>kind</th><th>verdict</th>");
    for s in Severity::ALL.iter().rev() {
        let _ = write!(out, "<th class=\"num\">{s}</th>");
    }
    out.push_str("<th class=\"num\">suppressed</th></tr></thead>\n<tbody>\n");
    for (i, t) in report.targets.iter().enumerate() {
        let _ = write!(
            out,
            "<tr data-target=\"{i}\"><td><a href=\"#target-{i}\">{}</a></td><td>{}</td><td><span class=\"verdict {v}\">{V}</span></td>",
            text(&t.target),
            text(&t.kind),
            v = verdict_class(t.verdict),
            V = verdict_word(t.verdict)
        );
        for s in Severity::ALL.iter().rev() {
            let n = t.findings.iter().filter(|f| f.severity == *s).count();
            let _ = write!(out, "<td class=\"num{}\">{n}</td>", zero(n));
        }
        let n = t.findings.iter().filter(|f| f.suppressed.is_some()).count();
        let _ = writeln!(out, "<td class=\"num{}\">{n}</td></tr>", zero(n));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The filters. Hidden until the script runs (without it they do nothing).
fn toolbar(out: &mut String, all: &[&ReportedFinding]) {
    out.push_str("<noscript><p class=\"warn-box\">The findings list needs JavaScript. The summary above each list is complete without it; the JSON report has every finding.</p></noscript>\n");
    out.push_str("<form class=\"toolbar\" id=\"filters\" hidden>\n");
    out.push_str("<fieldset><legend>Severity</legend>");
    for s in Severity::ALL.iter().rev() {
        let n = all.iter().filter(|f| f.severity == *s).count();
        let _ = write!(
            out,
            "<label class=\"chip sev-{s}\"><input type=\"checkbox\" name=\"severity\" value=\"{s}\" checked> {s} <span class=\"n\">{n}</span></label>"
        );
    }
    out.push_str("</fieldset>\n<fieldset><legend>Outcome</legend>");
    for (value, label) in [
        ("fail", "failing"),
        ("warn", "warning"),
        ("info", "info"),
        ("suppressed", "suppressed"),
    ] {
        let n = all.iter().filter(|f| outcome_of(f) == value).count();
        let _ = write!(
            out,
            "<label class=\"chip out-{value}\"><input type=\"checkbox\" name=\"outcome\" value=\"{value}\" checked> {label} <span class=\"n\">{n}</span></label>"
        );
    }
    out.push_str("</fieldset>\n<fieldset><legend>Rule</legend><select name=\"rule\" aria-label=\"Rule\"><option value=\"\">all rules</option>");
    let mut rules: Vec<(&str, &str)> = all
        .iter()
        .map(|f| (f.rule.as_str(), f.title.as_str()))
        .collect();
    rules.sort_unstable();
    rules.dedup_by(|a, b| a.0 == b.0);
    for (code, title) in rules {
        let n = all.iter().filter(|f| f.rule == code).count();
        let _ = write!(
            out,
            "<option value=\"{c}\">{c} {} ({n})</option>",
            text(title),
            c = text(code)
        );
    }
    out.push_str("</select></fieldset>\n");
    out.push_str("<fieldset class=\"grow\"><legend>Text</legend><input type=\"search\" name=\"q\" placeholder=\"message, path, rule…\" aria-label=\"Search the findings\"></fieldset>\n");
    out.push_str("<fieldset><legend>Per page</legend><select name=\"size\" aria-label=\"Findings per page\"><option>25</option><option selected>100</option><option>500</option></select></fieldset>\n");
    out.push_str("<p class=\"place\" id=\"place\" hidden></p>\n");
    out.push_str("<p class=\"status\" id=\"filter-status\" aria-live=\"polite\"></p>\n");
    out.push_str("<button type=\"reset\" class=\"reset\">Show all</button>\n");
    out.push_str("</form>\n");
}

fn target_section(out: &mut String, i: usize, t: &TargetReport) {
    let _ = writeln!(
        out,
        "<section class=\"target\" id=\"target-{i}\" data-target=\"{i}\" aria-labelledby=\"target-{i}-title\">"
    );
    let _ = writeln!(
        out,
        "<h2 id=\"target-{i}-title\"><span class=\"verdict {v}\" data-verdict=\"{v}\">{V}</span> <span class=\"name\">{}</span></h2>",
        text(&t.target),
        v = verdict_class(t.verdict),
        V = verdict_word(t.verdict)
    );
    out.push_str("<dl class=\"facts\">");
    let _ = write!(out, "<dt>kind</dt><dd>{}</dd>", text(&t.kind));
    match &t.digest {
        Some(d) => {
            let _ = write!(
                out,
                "<dt>digest</dt><dd><code class=\"digest\">{}</code></dd>",
                text(d)
            );
        }
        None => out.push_str("<dt>digest</dt><dd>—</dd>"),
    }
    if let Some(path) = &t.path {
        let _ = write!(
            out,
            "<dt>read from</dt><dd><code>{}</code></dd>",
            text(path)
        );
    }
    if let Some(image) = &t.image {
        let size: u64 = image.layers.iter().map(|l| l.size).sum();
        let stored: u64 = image.layers.iter().map(|l| l.compressed_size).sum();
        let _ = write!(
            out,
            "<dt>layers</dt><dd>{} ({} uncompressed, {} stored)</dd><dt>history</dt><dd>{}</dd>",
            image.layers.len(),
            size_text(size),
            size_text(stored),
            count_phrase(image.history.len(), "entry")
        );
    }
    if !t.references.is_empty() {
        let _ = write!(
            out,
            "<dt>references</dt><dd>{}</dd>",
            t.references
                .iter()
                .map(|r| format!("<code>{}</code>", text(r)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(c) = &t.config {
        config_facts(out, c);
    }
    if let Some(h) = t.hidden.filter(|h| h.total() > 0) {
        let _ = write!(
            out,
            "<dt>not listed</dt><dd class=\"hidden-count\">{} suppressed (--hide-suppressed): {} by baseline, {} by exception, {} by inline comment{}</dd>",
            h.total(),
            h.baseline,
            h.exception,
            h.inline,
            match h.manifest {
                0 => String::new(),
                n => format!(", {n} by the manifest that runs the image"),
            }
        );
    }
    out.push_str("</dl>\n");

    // Counts: by severity, by category, by outcome.
    out.push_str(
        "<div class=\"counts\">\n<div class=\"cards\" aria-label=\"Findings by severity\">",
    );
    for s in Severity::ALL.iter().rev() {
        let n = t.findings.iter().filter(|f| f.severity == *s).count();
        let _ = write!(
            out,
            "<div class=\"card sev-{s}{}\"><span class=\"n\" data-count-severity=\"{s}\">{n}</span><span class=\"what\">{s}</span></div>",
            zero(n)
        );
    }
    out.push_str("</div>\n<ul class=\"tally\" aria-label=\"Findings by category and outcome\">");
    let _ = write!(
        out,
        "<li><span class=\"n\" data-count-total>{}</span> {}</li>",
        t.findings.len(),
        if t.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        }
    );
    for c in [Category::ContainerSecurity, Category::BuildInstructions] {
        let n = t.findings.iter().filter(|f| f.category == c).count();
        let _ = write!(
            out,
            "<li><span class=\"n\" data-count-category=\"{}\">{n}</span> {}</li>",
            c.as_str(),
            lower_first(c.title())
        );
    }
    for (value, label) in [
        ("fail", "failing"),
        ("warn", "warning"),
        ("info", "info"),
        ("suppressed", "suppressed"),
    ] {
        let n = t.findings.iter().filter(|f| outcome_of(f) == value).count();
        let _ = write!(
            out,
            "<li class=\"out-{value}\"><span class=\"n\" data-count-outcome=\"{value}\">{n}</span> {label}</li>"
        );
    }
    if !t.notes.is_empty() {
        let _ = write!(
            out,
            "<li><span class=\"n\" data-count-notes>{}</span> {}</li>",
            t.notes.len(),
            if t.notes.len() == 1 { "note" } else { "notes" }
        );
    }
    out.push_str("</ul>\n</div>\n");

    policies(out, t);
    if let Some(image) = &t.image {
        let places = Places::of(t, image);
        layers(out, (i, t), image, &places);
        history(out, (i, t), image, &places);
    } else if !matches!(t.kind.as_str(), "dockerfile" | "kubernetes" | "compose")
        && t.digest.is_some()
    {
        out.push_str("<p class=\"muted\">This report has no layer or history details (it was written by a portcullis from before they were recorded).</p>\n");
    }

    packages(out, i, t);
    vulnerabilities::section(out, i, t);

    let _ = writeln!(
        out,
        "<h3>Findings</h3>\n<div class=\"findings\" id=\"findings-{i}\" data-target=\"{i}\">{}</div>",
        if t.findings.is_empty() {
            "<p class=\"empty\">No findings.</p>"
        } else {
            ""
        }
    );
    notes(out, t);
    out.push_str("</section>\n");
}

fn policies(out: &mut String, t: &TargetReport) {
    let tally = |s: Status| t.policies.iter().filter(|p| p.status == s).count();
    let mut parts = Vec::new();
    for (s, word) in [
        (Status::Fail, "fail"),
        (Status::Warn, "warn"),
        (Status::Info, "info"),
        (Status::Suppressed, "suppressed"),
        (Status::Pass, "pass"),
        (Status::NotApplicable, "not applicable"),
    ] {
        let n = tally(s);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let _ = writeln!(
        out,
        "<details class=\"policies\" open><summary>Policies: {} evaluated{}{}</summary>",
        t.policies.len(),
        if parts.is_empty() { "" } else { " — " },
        parts.join(", ")
    );
    out.push_str("<table class=\"grid\">\n<thead><tr><th>rule</th><th>policy</th><th>category</th><th>severity</th><th>outcome</th><th class=\"num\">findings</th></tr></thead>\n<tbody>\n");
    for p in &t.policies {
        let findings: Vec<&ReportedFinding> =
            t.findings.iter().filter(|f| f.rule == p.rule).collect();
        let rule = registry::find(&p.rule);
        let title = rule
            .map(|r| r.title)
            .or_else(|| findings.first().map(|f| f.title.as_str()))
            .unwrap_or("");
        let category = rule
            .map(|r| r.category)
            .or_else(|| findings.first().map(|f| f.category));
        let severity = findings
            .first()
            .map(|f| f.severity)
            .or_else(|| rule.map(|r| r.severity));
        let (class, word) = status_word(p.status);
        let _ = write!(
            out,
            "<tr class=\"st-{class}\" data-rule=\"{code}\" data-status=\"{class}\"><td>{doc}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"status st-{class}\">{word}</span></td>",
            text(title),
            category.map(|c| lower_first(c.title())).unwrap_or_default(),
            severity
                .map(|s| format!("<span class=\"sev sev-{s}\">{s}</span>"))
                .unwrap_or_default(),
            code = text(&p.rule),
            doc = rule_doc_cell(&p.rule),
        );
        if findings.is_empty() {
            out.push_str("<td class=\"num zero\">0</td></tr>\n");
        } else {
            let _ = writeln!(
                out,
                "<td class=\"num\"><button type=\"button\" class=\"link\" data-filter-rule=\"{}\" title=\"Show these findings\">{}</button></td></tr>",
                text(&p.rule),
                findings.len()
            );
        }
    }
    out.push_str("</tbody>\n</table>\n</details>\n");
}

/// Where the findings of one image target sit: per layer and per history
/// entry, which findings (by their index in the target's list).
struct Places {
    /// Findings located in each layer: at a path in it, or at the history
    /// entry that made it.
    layer: Vec<Vec<usize>>,
    /// Findings at or related to each history entry.
    history: Vec<Vec<usize>>,
}

impl Places {
    fn of(t: &TargetReport, image: &ImageDetails) -> Places {
        let mut layer = vec![Vec::new(); image.layers.len()];
        let mut history = vec![Vec::new(); image.history.len()];
        for (i, f) in t.findings.iter().enumerate() {
            if let Some(l) = layer_of(&f.location, image) {
                if let Some(list) = layer.get_mut(l) {
                    list.push(i);
                }
            }
            for h in history_of(f, Some(image)) {
                if let Some(list) = history.get_mut(h) {
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        Places { layer, history }
    }
}

/// The layer a finding's location is in.
fn layer_of(location: &Location, image: &ImageDetails) -> Option<usize> {
    match location {
        Location::Layer { index, .. } => Some(*index),
        Location::History { index, .. } => image.history.get(*index).and_then(|h| h.layer),
        _ => None,
    }
}

/// The history entries a finding is at or related to, and the one that made
/// the layer it is in; in order, once each.
fn history_of(f: &ReportedFinding, image: Option<&ImageDetails>) -> Vec<usize> {
    let made_layer = image.and_then(|image| {
        let layer = layer_of(&f.location, image)?;
        image.history.iter().position(|h| h.layer == Some(layer))
    });
    let mut out: Vec<usize> = std::iter::once(&f.location)
        .chain(&f.related)
        .filter_map(|l| match l {
            Location::History { index, .. } => Some(*index),
            _ => None,
        })
        .chain(made_layer)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn layers(
    out: &mut String,
    (target, t): (usize, &TargetReport),
    image: &ImageDetails,
    places: &Places,
) {
    if image.layers.is_empty() {
        out.push_str("<h3>Layers</h3>\n<p class=\"muted\">The image has no layers.</p>\n");
        return;
    }
    let largest = image
        .layers
        .iter()
        .map(|l| l.size)
        .max()
        .unwrap_or(0)
        .max(1);
    let made_by: HashMap<usize, usize> = image
        .history
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some((h.layer?, i)))
        .collect();
    let base = |layer: usize| {
        made_by
            .get(&layer)
            .and_then(|h| image.base_boundary.as_ref().map(|b| *h <= b.last))
    };
    out.push_str("<h3>Layers</h3>\n<p class=\"muted\">A bar per layer, its length by the layer's uncompressed size (against the largest); the dots are the findings located in it.</p>\n");
    let _ = writeln!(
        out,
        "<table class=\"grid layers\" data-target=\"{target}\">\n<thead><tr><th class=\"num\">#</th><th>from</th><th class=\"bar-col\">size</th><th class=\"num\">uncompressed</th><th class=\"num\">stored</th><th class=\"num\">entries</th><th>made by</th><th class=\"num\">findings</th></tr></thead>\n<tbody>"
    );
    for (i, l) in image.layers.iter().enumerate().take(MAX_ROWS) {
        let (class, from) = match base(i) {
            Some(true) => ("base", "base"),
            Some(false) => ("own", "this build"),
            None if image.base_boundary.is_none() && made_by.contains_key(&i) => {
                ("own", "this build")
            }
            None => ("unknown", "—"),
        };
        // Width in per mille, at least a sliver so every layer shows.
        let width = ((l.size as f64 / largest as f64) * 1000.0).round().max(4.0) as u64;
        let found = places.layer.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let _ = write!(
            out,
            "<tr class=\"{class}\" data-layer=\"{i}\"><td class=\"num\">{i}</td><td><span class=\"from {class}\">{from}</span></td><td class=\"bar-col\"><svg class=\"bar\" viewBox=\"0 0 1000 16\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{} of {}\"><rect class=\"{class}\" x=\"0\" y=\"2\" width=\"{width}\" height=\"12\"/></svg></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"cmd\">",
            size_text(l.size),
            size_text(largest),
            size_text(l.size),
            size_text(l.compressed_size),
            l.entries,
        );
        match made_by
            .get(&i)
            .and_then(|h| Some((*h, image.history.get(*h)?)))
        {
            Some((h, entry)) => {
                let _ = write!(
                    out,
                    "<span class=\"hist-ref\">history {h}</span> <code title=\"{}\">{}</code>",
                    text(&l.diff_id),
                    text(&cut(&entry.created_by, 120))
                );
            }
            None => {
                let _ = write!(out, "<code>{}</code>", text(&l.diff_id));
            }
        }
        out.push_str("</td><td class=\"num\">");
        dots(out, (target, t), "layer", i, found);
        out.push_str("</td></tr>\n");
    }
    if image.layers.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "<tr class=\"gap\"><td colspan=\"8\">{} more layers not drawn; the JSON report lists them.</td></tr>",
            image.layers.len() - MAX_ROWS
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A button showing how many findings sit at a place, coloured by the most
/// severe, that filters the list to them.
fn dots(
    out: &mut String,
    (target, t): (usize, &TargetReport),
    kind: &str,
    index: usize,
    found: &[usize],
) {
    let Some(worst) = found
        .iter()
        .filter_map(|i| t.findings.get(*i))
        .map(|f| f.severity)
        .max()
    else {
        out.push_str("<span class=\"zero\">0</span>");
        return;
    };
    let _ = write!(
        out,
        "<button type=\"button\" class=\"dots sev-{worst}\" data-place=\"{kind}\" data-index=\"{index}\" data-target=\"{target}\" title=\"Show the findings in {kind} {index}\">{}</button>",
        found.len()
    );
}

fn history(
    out: &mut String,
    (target, t): (usize, &TargetReport),
    image: &ImageDetails,
    places: &Places,
) {
    out.push_str("<h3>History</h3>\n");
    if image.history.is_empty() {
        out.push_str("<p class=\"muted\">The image config has no history.</p>\n");
        return;
    }
    match &image.base_boundary {
        Some(b) => {
            let _ = writeln!(
                out,
                "<p class=\"muted\">Entries 0 to {} are the base image's, found by {}{}. Build-instruction policies check only this build's entries.</p>",
                b.last,
                text(&b.how),
                if b.certain {
                    ""
                } else {
                    " — a guess from the history's shape, not a marker"
                }
            );
        }
        None => out.push_str(
            "<p class=\"muted\">No base image found: every entry is taken as this build's (name the base image with <code>--base TARGET</code>, or build with the <code>org.opencontainers.image.base.name</code> label; then <code>scope = \"build\"</code> on a rule judges it on this build's layers alone).</p>\n",
        ),
    }
    // Which entries to draw: all of a short history; of a long one, those
    // with findings or layers, the ends and the boundary, the rest folded.
    let n = image.history.len();
    let boundary = image.base_boundary.as_ref().map(|b| b.last);
    let keep = |i: usize| {
        n <= HISTORY_FULL
            || i < 3
            || i + 3 >= n
            || places.history.get(i).is_some_and(|f| !f.is_empty())
            || image.history[i].layer.is_some()
            || boundary.is_some_and(|b| i + 1 >= b && i <= b + 1)
    };
    let _ = writeln!(out, "<ol class=\"timeline\" data-target=\"{target}\">");
    let mut folded = 0usize;
    let mut drawn = 0usize;
    for (i, h) in image.history.iter().enumerate() {
        if !keep(i) || drawn >= MAX_ROWS {
            folded += 1;
            continue;
        }
        if folded > 0 {
            let _ = writeln!(
                out,
                "<li class=\"gap\">… {} not shown (no findings, no layer) …</li>",
                count_phrase(folded, "entry")
            );
            folded = 0;
        }
        drawn += 1;
        let side = if boundary.is_some_and(|b| i <= b) {
            "base"
        } else {
            "own"
        };
        let _ = write!(
            out,
            "<li class=\"{side}{}\" data-history=\"{i}\"><span class=\"idx\">{i}</span><span class=\"when\">{}</span><span class=\"what\">",
            if h.layer.is_some() {
                " has-layer"
            } else {
                " no-layer"
            },
            h.created.as_deref().map(|c| text(&when(c))).unwrap_or_default()
        );
        command(out, &h.created_by);
        if let Some(c) = h.comment.as_deref().filter(|c| !c.is_empty()) {
            let _ = write!(
                out,
                " <span class=\"comment\">{}</span>",
                text(&cut(c, 120))
            );
        }
        out.push_str("</span><span class=\"lay\">");
        match h.layer {
            Some(l) => {
                let size = image.layers.get(l).map(|l| size_text(l.size));
                let _ = write!(
                    out,
                    "layer {l}{}",
                    size.map(|s| format!(" · {s}")).unwrap_or_default()
                );
            }
            None => out.push_str("no layer"),
        }
        out.push_str("</span><span class=\"found\">");
        dots(
            out,
            (target, t),
            "history",
            i,
            places.history.get(i).map(Vec::as_slice).unwrap_or(&[]),
        );
        out.push_str("</span></li>\n");
        if boundary == Some(i) {
            let certain = image.base_boundary.as_ref().is_some_and(|b| b.certain);
            let _ = writeln!(
                out,
                "<li class=\"boundary{}\" data-boundary=\"{i}\"><span>base image ends here{}</span></li>",
                if certain { "" } else { " guessed" },
                if certain { "" } else { " (guessed)" }
            );
        }
    }
    if folded > 0 {
        let _ = writeln!(
            out,
            "<li class=\"gap\">… {} not shown …</li>",
            count_phrase(folded, "entry")
        );
    }
    out.push_str("</ol>\n");
}

/// A history command, long ones folded.
fn command(out: &mut String, created_by: &str) {
    if created_by.is_empty() {
        out.push_str("<span class=\"muted\">(no created_by)</span>");
        return;
    }
    if created_by.chars().count() <= LONG_COMMAND {
        let _ = write!(out, "<code>{}</code>", text(created_by));
    } else {
        let _ = write!(
            out,
            "<details class=\"long\"><summary><code>{}</code></summary><code>{}</code></details>",
            text(&cut(created_by, LONG_COMMAND)),
            text(created_by)
        );
    }
}

/// What the image is made of, when the package pass ran: the OS, packages
/// per type and per introducing layer, and (folded) the table of packages.
fn packages(out: &mut String, i: usize, t: &TargetReport) {
    let Some(packages) = &t.packages else {
        return;
    };
    let os =
        t.os.as_ref()
            .map(crate::sbom::os_words)
            .unwrap_or_else(|| "unknown".to_owned());
    let _ = write!(
        out,
        "<h3>Packages</h3>\n<ul class=\"tally packages-summary\" id=\"packages-{i}\"><li>OS <span class=\"os\">{}</span></li><li><span class=\"n\" data-count-packages>{}</span> {}</li>",
        text(&os),
        packages.len(),
        if packages.len() == 1 { "package" } else { "packages" }
    );
    let by_type = crate::sbom::per_type_words(packages);
    if !by_type.is_empty() {
        let _ = write!(out, "<li class=\"by-type\">{}</li>", text(&by_type));
    }
    if let Some(layers) = crate::sbom::per_layer_words(packages) {
        let _ = write!(out, "<li class=\"by-layer\">by {}</li>", text(&layers));
    }
    out.push_str("</ul>\n");
    if packages.is_empty() {
        out.push_str("<p class=\"empty\">No packages found.</p>\n");
        return;
    }
    let shown = packages.len().min(MAX_PACKAGE_ROWS);
    let _ = writeln!(
        out,
        "<details class=\"packages\"><summary>Package list ({}{})</summary>",
        packages.len(),
        if shown < packages.len() {
            format!(", the first {shown} shown")
        } else {
            String::new()
        }
    );
    out.push_str("<table class=\"grid\">\n<thead><tr><th>type</th><th>name</th><th>version</th><th>license</th><th class=\"num\">layer</th><th>evidence</th></tr></thead>\n<tbody>\n");
    for p in packages.iter().take(shown) {
        let license = match (&p.license_expression, p.licenses.is_empty()) {
            (Some(e), _) => text(e),
            (None, false) => text(&p.licenses.join("; ")),
            (None, true) => "<span class=\"muted\">unknown</span>".to_owned(),
        };
        let layer = p
            .layer
            .map(|l| l.to_string())
            .unwrap_or_else(|| "—".to_owned());
        let evidence: Vec<String> = p
            .evidence
            .iter()
            .map(|e| format!("<code>{}</code>", text(&e.path)))
            .collect();
        let _ = writeln!(
            out,
            "<tr data-purl=\"{}\"><td>{}</td><td>{}</td><td><code>{}</code></td><td>{license}</td><td class=\"num\">{layer}</td><td>{}</td></tr>",
            text(&p.purl),
            p.ecosystem,
            text(&crate::sbom::full_name(p)),
            text(&p.version),
            evidence.join("<br>")
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if shown < packages.len() {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} more packages not shown: the JSON, CycloneDX and SPDX reports have every one.</p>",
            packages.len() - shown
        );
    }
    out.push_str("</details>\n");
}

fn notes(out: &mut String, t: &TargetReport) {
    if t.notes.is_empty() {
        return;
    }
    out.push_str("<h3>Notes <span class=\"muted\">(worth knowing, not violations)</span></h3>\n<ul class=\"notes\">\n");
    for n in &t.notes {
        let _ = writeln!(
            out,
            "<li><code>{}</code> {} <span class=\"loc\"><span class=\"lk\">{}</span> <code>{}</code></span></li>",
            text(&n.rule),
            text(&n.message),
            location_kind(&n.location),
            text(&crate::describe(&n.location))
        );
    }
    out.push_str("</ul>\n");
}

// ---------------------------------------------------------------- data

/// What the script renders the findings from: per target the findings in
/// display order (category, most severe first, place), with what differs per
/// finding; what findings of one rule share is in `kinds`, once.
/// An image's runtime configuration as facts; every label, in a fold.
fn config_facts(out: &mut String, c: &portcullis_policy::ConfigSummary) {
    let platform: Vec<&str> = [&c.os, &c.architecture, &c.variant]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    let list = |l: &Option<Vec<String>>| match l {
        Some(items) => format!(
            "<code>{}</code>",
            text(&serde_json::to_string(items).unwrap_or_default())
        ),
        None => "—".to_owned(),
    };
    let or_dash = |v: &Option<String>, unset: &str| match v {
        Some(v) => format!("<code>{}</code>", text(v)),
        None => unset.to_owned(),
    };
    let _ = write!(
        out,
        "<dt>platform</dt><dd>{}</dd><dt>user</dt><dd>{}</dd><dt>entrypoint</dt><dd>{}</dd><dt>cmd</dt><dd>{}</dd><dt>working dir</dt><dd>{}</dd><dt>exposed ports</dt><dd>{}</dd>",
        if platform.is_empty() { "—".to_owned() } else { text(&platform.join("/")) },
        or_dash(&c.user, "not set (root)"),
        list(&c.entrypoint),
        list(&c.cmd),
        or_dash(&c.working_dir, "—"),
        if c.exposed_ports.is_empty() { "none".to_owned() } else { text(&c.exposed_ports.join(", ")) },
    );
    if !c.labels.is_empty() {
        let _ = write!(
            out,
            "<dt>labels</dt><dd><details class=\"labels\"><summary>{}</summary><table class=\"grid\"><tbody>",
            count_phrase(c.labels.len(), "label")
        );
        for (k, v) in &c.labels {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                text(k),
                text(&cut(v, 400))
            );
        }
        out.push_str("</tbody></table></details></dd>");
    }
}

/// A policy row's rule cell: the code, which opens what the rule detects,
/// why it matters and how to fix it, from the rule's own declaration (the
/// report carries its documentation; a link only to a configured docs URL).
fn rule_doc_cell(code: &str) -> String {
    let Some(r) = crate::find_rule(code) else {
        return format!("<code>{}</code>", text(code));
    };
    let link = crate::rule_doc_url(r.code)
        .map(|url| {
            format!(
                "<p><a href=\"{}\" rel=\"noreferrer noopener\" target=\"_blank\">Full documentation</a></p>",
                text(&url)
            )
        })
        .unwrap_or_default();
    format!(
        "<details class=\"rule-doc\" id=\"rule-{}\"><summary><code>{}</code></summary><div class=\"doc\"><p>{}</p><p><strong>Why it matters:</strong> {}</p><p><strong>How to fix it:</strong> {}</p>{link}</div></details>",
        text(&r.code.to_ascii_lowercase()),
        text(r.code),
        doc_text(r.doc.what),
        doc_text(r.doc.why),
        doc_text(r.doc.fix),
    )
}

/// A rule's doc text (Markdown with `code` spans) as HTML: escaped, the
/// code spans as `<code>`.
fn doc_text(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", text(part))
            } else {
                text(part)
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Data<'a> {
    /// Rule documentation, for links: this prefix and the lower-case code;
    /// `null` when no docs URL is configured (the rule is then not a link).
    doc: Option<String>,
    kinds: Vec<Kind<'a>>,
    targets: Vec<TargetData>,
}

#[derive(Serialize)]
struct Kind<'a> {
    rule: Cow<'a, str>,
    title: Cow<'a, str>,
    category: &'static str,
    category_title: &'static str,
    severity: Severity,
    action: Action,
    remediation: Cow<'a, str>,
    /// A rule judged per binary: past the first few of a page, its
    /// findings are folded (`crate::folds`).
    fold: bool,
}

#[derive(Serialize)]
struct TargetData {
    name: String,
    findings: Vec<FindingData>,
}

#[derive(Serialize)]
struct FindingData {
    /// Index into `kinds`.
    k: usize,
    /// Message.
    m: String,
    /// Location in words, and its kind.
    l: String,
    lk: &'static str,
    /// The layer it is in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    ly: Option<usize>,
    /// History entries it is at or related to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    h: Vec<usize>,
    /// Related locations: kind and words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    r: Vec<(&'static str, String)>,
    /// Suppressed: by, reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<(String, String)>,
    fp: String,
    /// The Dockerfile line: number, text, marked span (0-based char offset, length).
    #[serde(skip_serializing_if = "Option::is_none")]
    src: Option<(usize, String, usize, usize)>,
}

fn data(report: &Report) -> Data<'_> {
    type Key<'a> = (&'a str, &'a str, Category, Severity, Action, &'a str);
    let mut kinds: Vec<Kind> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let targets = report
        .targets
        .iter()
        .map(|t| {
            let mut order: Vec<&ReportedFinding> = t.findings.iter().collect();
            order.sort_by(|a, b| {
                a.category
                    .cmp(&b.category)
                    .then_with(|| b.severity.cmp(&a.severity))
                    // What fails the gate before what only warns (the base
                    // image's binaries), then by place.
                    .then_with(|| b.action.cmp(&a.action))
                    .then_with(|| sort_key(&a.location).cmp(&sort_key(&b.location)))
            });
            let findings = order
                .into_iter()
                .map(|f| {
                    let key: Key = (
                        &f.rule,
                        &f.title,
                        f.category,
                        f.severity,
                        f.action,
                        &f.remediation,
                    );
                    let k = *index.entry(key).or_insert_with(|| {
                        kinds.push(Kind {
                            rule: shown(&f.rule),
                            title: shown(&f.title),
                            category: f.category.as_str(),
                            category_title: f.category.title(),
                            severity: f.severity,
                            action: f.action,
                            remediation: shown(&f.remediation),
                            fold: crate::folds(&f.rule),
                        });
                        kinds.len() - 1
                    });
                    FindingData {
                        k,
                        m: shown(&f.message).into_owned(),
                        l: shown(&crate::describe(&f.location)).into_owned(),
                        lk: location_kind(&f.location),
                        ly: t.image.as_ref().and_then(|i| layer_of(&f.location, i)),
                        h: history_of(f, t.image.as_ref()),
                        r: f.related
                            .iter()
                            .map(|r| (location_kind(r), shown(&crate::describe(r)).into_owned()))
                            .collect(),
                        s: f.suppressed
                            .as_ref()
                            .map(|s| (shown(&s.by).into_owned(), shown(&s.reason).into_owned())),
                        fp: shown(&f.fingerprint).into_owned(),
                        src: source_line(t, &f.location),
                    }
                })
                .collect();
            TargetData {
                name: shown(&t.target).into_owned(),
                findings,
            }
        })
        .collect();
    Data {
        doc: crate::rule_doc_url(""),
        kinds,
        targets,
    }
}

/// The source line a finding points at (a Dockerfile's or a manifest's),
/// when the report has the text.
fn source_line(t: &TargetReport, location: &Location) -> Option<(usize, String, usize, usize)> {
    let at = crate::source_line(t, location)?;
    let raw = at.text;
    let start = at.column.saturating_sub(1);
    let len = if at.end_line == at.line {
        at.end_column.saturating_sub(at.column).max(1)
    } else {
        raw.chars().count().saturating_sub(start).max(1)
    };
    // Offsets into the shown text: escapes before the mark move it.
    let before: String = raw.chars().take(start).collect();
    let marked: String = raw.chars().skip(start).take(len).collect();
    let start = shown(&before).chars().count();
    let len = shown(&marked).chars().count();
    Some((at.line, shown(raw).into_owned(), start, len))
}

fn sort_key(location: &Location) -> (u8, usize, usize) {
    match location {
        Location::Dockerfile { line, column, .. } => (0, *line, *column),
        Location::Config { .. } => (1, 0, 0),
        Location::History { index, .. } => (2, *index, 0),
        Location::Layer { index, .. } => (3, *index, 0),
        Location::Manifest { line, column, .. } => (5, *line, *column),
        Location::ImageManifest { .. } => (4, 0, 0),
        Location::Policy { line, column, .. } => (6, *line, *column),
    }
}

fn location_kind(location: &Location) -> &'static str {
    match location {
        Location::Dockerfile { .. } => "dockerfile",
        Location::History { .. } => "history",
        Location::Config { .. } => "config",
        Location::Layer { .. } => "layer",
        Location::Manifest { .. } => "manifest",
        Location::ImageManifest { .. } => "image-manifest",
        Location::Policy { .. } => "policy",
    }
}

/// JSON for inside a `<script>` element: `<`, `>` and `&` as JSON escapes,
/// so no string can close the element or open a comment (`</script`,
/// `<!--`), and U+2028/U+2029 escaped as well.
pub(crate) fn script_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(json.len() + json.len() / 50);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- text

/// Input text as a person should see it: control characters escaped (as
/// every format does) and bidirectional controls too, so a name cannot
/// reorder what is shown around it.
fn shown(s: &str) -> Cow<'_, str> {
    let s = crate::printable(s);
    if !s.chars().any(is_bidi_control) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_bidi_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// HTML-escaped text, for element content and double-quoted attributes.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Input text, shown and escaped.
fn text(s: &str) -> String {
    escape(&shown(s)).into_owned()
}

/// At most `max` characters, the cut marked with an ellipsis.
fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// `2024-05-01T12:34:56.789Z` → `2024-05-01 12:34:56`; anything else as it is.
fn when(created: &str) -> Cow<'_, str> {
    let b = created.as_bytes();
    let shaped = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && created.is_char_boundary(19);
    if shaped {
        Cow::Owned(format!("{} {}", &created[..10], &created[11..19]))
    } else {
        Cow::Borrowed(created)
    }
}

fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The `base64` of the SHA-256 of `text`, as CSP `'sha256-…'` wants it.
fn csp_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    }
}

fn status_word(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Pass => ("pass", "pass"),
        Status::Fail => ("fail", "fail"),
        Status::Warn => ("warn", "warn"),
        Status::Info => ("info", "info"),
        Status::Suppressed => ("suppressed", "suppressed"),
        Status::NotApplicable => ("not-applicable", "not applicable"),
    }
}

/// `fail`, `warn`, `info` or `suppressed`: what a finding does to the gate.
fn outcome_of(f: &ReportedFinding) -> &'static str {
    match (&f.suppressed, f.action) {
        (Some(_), _) => "suppressed",
        (None, Action::Fail) => "fail",
        (None, Action::Warn) => "warn",
        (None, Action::Info) => "info",
    }
}

/// "1 finding", "2 findings", "3 entries".
fn count_phrase(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn zero(n: usize) -> &'static str {
    if n == 0 {
        " zero"
    } else {
        ""
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            text("<img src=x onerror='a()'> & \"q\""),
            "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(text("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\nc");
        assert_eq!(text("user\u{202e}toor"), "user\\u{202e}toor");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let json = script_json(&["</script><!-- & \u{2028}"]);
        assert_eq!(json, r#"["\u003c/script\u003e\u003c!-- \u0026 \u2028"]"#);
        let back: Vec<String> = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back, ["</script><!-- & \u{2028}"]);
    }

    #[test]
    fn helpers() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(2_131_968), "2.0 MiB");
        assert_eq!(size_text(5632), "5.5 KiB");
        assert_eq!(size_text(300 * 1024), "300 KiB");
        assert_eq!(
            when("2026-11-23T11:14:24.516871229Z"),
            "2026-11-23 11:14:24"
        );
        assert_eq!(when("yesterday"), "yesterday");
        assert_eq!(when("2026-11-23T11:14:2é"), "2026-11-23T11:14:2é");
        assert_eq!(count_phrase(1, "entry"), "1 entry");
        assert_eq!(count_phrase(3, "entry"), "3 entries");
        assert_eq!(count_phrase(0, "finding"), "0 findings");
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(lower_first("Container security"), "container security");
    }
}
