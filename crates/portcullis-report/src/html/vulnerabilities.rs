//! The vulnerability table of an image target: static HTML, readable (and
//! printable) without JavaScript, in the reviewer's default order (most
//! severe first, then by id). The page's script adds what needs it: sorting
//! by a click on a column's header and the filters above the table (a
//! severity's checkbox, "fix available" only, a package text filter, a layer,
//! and hiding what VEX suppressed). It reads only the rows' `data-*`
//! attributes; every text from the advisory data is escaped here.
//!
//! VEX-suppressed rows are shown greyed with the verdict and its
//! justification. Ids link to the advisory page (`http(s)` only).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use portcullis_packages::InstalledPackage;
use portcullis_policy::TargetReport;

use super::text;
use crate::human::vulnerability::{self, Class, Fix, Vulnerability};

/// At most this many rows are drawn; the rest are counted.
const MAX_ROWS: usize = 10_000;

/// The section: the summary line, the filters (hidden until the script
/// shows them) and the table. Nothing for a target that was not checked
/// and says nothing about why.
pub(super) fn section(out: &mut String, i: usize, t: &TargetReport) {
    let Some(summary) = crate::human::vulnerability_summary(t) else {
        return;
    };
    let summary = summary
        .strip_prefix("vulnerabilities: ")
        .unwrap_or(&summary)
        .to_owned();
    let _ = writeln!(
        out,
        "<h3 id=\"vulns-{i}-title\">Vulnerabilities</h3>\n<p class=\"vuln-summary\" id=\"vulns-{i}-summary\">{}</p>",
        text(&summary)
    );
    let Some(mut list) = vulnerability::of(t) else {
        return;
    };
    if list.is_empty() {
        return;
    }
    let packages: HashMap<&str, &InstalledPackage> = t
        .packages
        .iter()
        .flatten()
        .map(|p| (p.id.as_str(), p))
        .collect();
    list.sort_by(|a, b| {
        severity_key(b)
            .cmp(&severity_key(a))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.package.cmp(&b.package))
    });
    filters(out, i, &list, &packages);
    let _ = writeln!(
        out,
        "<table class=\"grid vulns\" id=\"vulns-{i}\" data-target=\"{i}\" aria-labelledby=\"vulns-{i}-title\">"
    );
    out.push_str(
        "<thead><tr>\
         <th data-sort=\"severity\" data-type=\"num\" data-first=\"desc\" aria-sort=\"descending\">severity</th>\
         <th data-sort=\"id\" data-type=\"text\" data-first=\"asc\">id</th>\
         <th data-sort=\"package\" data-type=\"text\" data-first=\"asc\">package</th>\
         <th data-sort=\"installed\" data-type=\"text\" data-first=\"asc\">installed</th>\
         <th data-sort=\"fixed\" data-type=\"text\" data-first=\"asc\">fixed</th>\
         <th data-sort=\"layer\" data-type=\"num\" data-first=\"asc\" class=\"num\">layer</th>\
         <th data-sort=\"kev\" data-type=\"num\" data-first=\"desc\">KEV</th>\
         <th>summary</th></tr></thead>\n<tbody>\n",
    );
    for v in list.iter().take(MAX_ROWS) {
        row(out, v, packages.get(v.package.as_str()).copied());
    }
    out.push_str("</tbody>\n</table>\n");
    if list.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} more vulnerabilities not shown: the JSON and CycloneDX reports have every one.</p>",
            list.len() - MAX_ROWS
        );
    }
}

/// Sorts by class (unrated after medium), then score.
fn severity_key(v: &Vulnerability) -> u32 {
    let score = v
        .severity
        .score
        .filter(|s| s.is_finite())
        .map(|s| (s.clamp(0.0, 10.0) * 10.0).round() as u32)
        .unwrap_or(0);
    u32::from(v.severity.class.rank()) * 1000 + score
}

fn filters(
    out: &mut String,
    i: usize,
    list: &[Vulnerability],
    packages: &HashMap<&str, &InstalledPackage>,
) {
    let _ = write!(
        out,
        "<form class=\"vfilter\" id=\"vulns-{i}-filters\" data-target=\"{i}\" aria-label=\"Filter the vulnerabilities\" hidden>\n<fieldset><legend>Severity</legend>"
    );
    for c in Class::SHOWN {
        let n = list.iter().filter(|v| v.severity.class == c).count();
        if n == 0 {
            continue;
        }
        let _ = write!(
            out,
            "<label class=\"chip sev-{c}\"><input type=\"checkbox\" name=\"severity\" value=\"{c}\" checked> {w} <span class=\"n\">{n}</span></label>",
            c = c.as_str(),
            w = c.word()
        );
    }
    let fixed = list.iter().filter(|v| v.fix.version().is_some()).count();
    let _ = writeln!(
        out,
        "</fieldset>\n<fieldset><legend>Fix</legend><label class=\"chip\"><input type=\"checkbox\" name=\"fixed\"> fix available only <span class=\"n\">{fixed}</span></label></fieldset>"
    );
    let suppressed = list.iter().filter(|v| v.suppressed()).count();
    if suppressed > 0 {
        let _ = writeln!(
            out,
            "<fieldset><legend>VEX</legend><label class=\"chip\"><input type=\"checkbox\" name=\"hide-vex\"> hide suppressed by VEX <span class=\"n\">{suppressed}</span></label></fieldset>"
        );
    }
    out.push_str("<fieldset class=\"grow\"><legend>Package</legend><input type=\"search\" name=\"package\" placeholder=\"name or purl\" aria-label=\"Filter by package\"></fieldset>\n");
    let mut layers: BTreeMap<Option<usize>, usize> = BTreeMap::new();
    for v in list {
        *layers
            .entry(packages.get(v.package.as_str()).and_then(|p| p.layer))
            .or_default() += 1;
    }
    if layers.keys().any(Option::is_some) {
        out.push_str("<fieldset><legend>Layer</legend><select name=\"layer\" aria-label=\"Filter by layer\"><option value=\"\">all layers</option>");
        for (layer, n) in &layers {
            match layer {
                Some(l) => {
                    let _ = write!(out, "<option value=\"{l}\">layer {l} ({n})</option>");
                }
                None => {
                    let _ = write!(out, "<option value=\"none\">no layer ({n})</option>");
                }
            }
        }
        out.push_str("</select></fieldset>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"status\" id=\"vulns-{i}-status\" aria-live=\"polite\"></p>\n<button type=\"reset\" class=\"reset\">Show all</button>\n</form>"
    );
}

fn row(out: &mut String, v: &Vulnerability, p: Option<&InstalledPackage>) {
    let class = v.severity.class;
    let suppressed = v.suppressed();
    let name = p
        .map(crate::sbom::full_name)
        .unwrap_or_else(|| v.advisory_package.clone());
    let layer = p.and_then(|p| p.layer);
    let version = p.map(|p| p.version.as_str()).unwrap_or(&v.installed);
    // KEV sorts by the date it was added (newest first), absent last.
    let kev_key: String = v
        .kev
        .as_ref()
        .map(|k| {
            let digits: String = k.date_added.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                "1".to_owned()
            } else {
                digits
            }
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "<tr class=\"vuln sev-{c}{sup}\" data-severity=\"{c}\" data-key-severity=\"{sk}\" data-key-id=\"{id}\" data-key-package=\"{pkg}\" data-key-installed=\"{inst}\" data-key-fixed=\"{fixed}\" data-key-layer=\"{layer}\" data-key-kev=\"{kev_key}\" data-fix=\"{has_fix}\" data-vex=\"{vex}\" data-layer=\"{layer_value}\" data-package=\"{hay}\">",
        c = class.as_str(),
        sup = if suppressed { " vex-suppressed" } else { "" },
        sk = severity_key(v),
        id = text(&v.id),
        pkg = text(&name.to_lowercase()),
        inst = text(version),
        fixed = text(v.fix.version().unwrap_or("")),
        layer = layer.map(|l| l.to_string()).unwrap_or_default(),
        has_fix = u8::from(v.fix.version().is_some()),
        vex = if suppressed { "suppressed" } else { "" },
        layer_value = layer
            .map(|l| l.to_string())
            .unwrap_or_else(|| "none".to_owned()),
        hay = text(&format!("{name} {} {}", v.purl, v.advisory_package).to_lowercase()),
    );

    // Severity: the class, and the score with what it is from.
    let _ = write!(
        out,
        "<td class=\"sev-col\"><span class=\"sev sev-{}\">{}</span>",
        class.as_str(),
        class.word()
    );
    match (v.severity.score, &v.severity.vector) {
        (Some(score), Some(vector)) => {
            let _ = write!(
                out,
                " <span class=\"score\" title=\"{}\">{score:.1}</span>",
                text(vector)
            );
        }
        (Some(score), None) => {
            let _ = write!(out, " <span class=\"score\">{score:.1}</span>");
        }
        _ => {}
    }
    if let Some(source) = &v.severity.source {
        let _ = write!(out, "<div class=\"from\">{}</div>", text(source));
    } else if class == Class::Unknown {
        out.push_str("<div class=\"from\">no rating; reported as medium</div>");
    }
    out.push_str("</td>");

    // Id: linked to the advisory page; the aliases under it.
    out.push_str("<td class=\"id\">");
    match v.url.as_deref().and_then(crate::cyclonedx::advisory_url) {
        Some(url) => {
            let _ = write!(
                out,
                "<a href=\"{}\" rel=\"noreferrer noopener\" target=\"_blank\"><code>{}</code></a>",
                text(&url),
                text(&v.id)
            );
        }
        None => {
            let _ = write!(out, "<code>{}</code>", text(&v.id));
        }
    }
    if !v.aliases.is_empty() {
        let _ = write!(
            out,
            "<div class=\"aliases\">{}</div>",
            text(&v.aliases.join(", "))
        );
    }
    out.push_str("</td>");

    // Package: its name and type, and the advisory's name when it differs.
    let _ = write!(
        out,
        "<td class=\"pkg\"><code title=\"{}\">{}</code>",
        text(&v.purl),
        text(&name)
    );
    if let Some(p) = p {
        let _ = write!(out, " <span class=\"muted\">{}</span>", p.ecosystem);
    }
    if v.advisory_package != name {
        let _ = write!(
            out,
            "<div class=\"muted\">source {}</div>",
            text(&v.advisory_package)
        );
    }
    out.push_str("</td>");

    let _ = write!(
        out,
        "<td class=\"inst\"><code>{}</code></td>",
        text(version)
    );
    match &v.fix {
        Fix::Fixed { version } => {
            let _ = write!(out, "<td class=\"fix\"><code>{}</code></td>", text(version));
        }
        Fix::NotFixed { note } => {
            out.push_str("<td class=\"fix none\"><span class=\"muted\">no fix yet</span>");
            if let Some(note) = note {
                let _ = write!(out, "<div class=\"note\">{}</div>", text(note));
            }
            out.push_str("</td>");
        }
    }
    match layer {
        Some(l) => {
            let _ = write!(out, "<td class=\"num\">{l}</td>");
        }
        None => out.push_str("<td class=\"num\">—</td>"),
    }

    out.push_str("<td class=\"kev-col\">");
    if let Some(k) = &v.kev {
        let due = k
            .due_date
            .as_deref()
            .map(|d| format!("; federal remediation due {d}"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<span class=\"kev\" title=\"In CISA's Known Exploited Vulnerabilities catalog since {}{}\">KEV</span> <span class=\"muted\">{}</span>",
            text(&k.date_added),
            text(&due),
            text(&k.date_added)
        );
        if k.ransomware {
            out.push_str(" <span class=\"kev ransomware\" title=\"Known to be used in ransomware campaigns\">ransomware</span>");
        }
    }
    if let Some(e) = &v.epss {
        let _ = write!(
            out,
            "<div class=\"muted epss\" title=\"EPSS: probability of exploitation activity in the next 30 days (percentile {:.2})\">EPSS {:.2}%</div>",
            e.percentile,
            f64::from(e.score) * 100.0
        );
    }
    out.push_str("</td>");

    out.push_str("<td class=\"summary\">");
    if let Some(s) = &v.summary {
        out.push_str(&text(s));
    }
    if let Some(x) = &v.vex {
        let mut verdict = format!("VEX {}: {}", x.document, x.status);
        if let Some(j) = &x.justification {
            verdict.push_str(&format!(" ({j})"));
        }
        if let Some(i) = &x.impact {
            verdict.push_str(&format!(": {i}"));
        }
        if let Some(a) = &x.action {
            verdict.push_str(&format!("; action: {a}"));
        }
        let _ = write!(
            out,
            "<div class=\"vex{}\"><strong>{}</strong> {}</div>",
            if suppressed { " suppressed" } else { "" },
            if suppressed {
                "Suppressed by VEX."
            } else {
                "VEX:"
            },
            text(&verdict)
        );
    }
    out.push_str("</td></tr>\n");
}
