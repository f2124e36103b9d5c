//! The vulnerability policies (SQ31xxx, COMPOSITION.md "Vulnerabilities"):
//! each known vulnerability of each package, matched by the CLI against the
//! advisory database (`portcullis-advisories`), reported under exactly one
//! code: the first of SQ31103 (in KEV, used by ransomware), SQ31101 (in
//! KEV), SQ31102 (high or critical, and EPSS at or above the policy file's
//! threshold; not applicable without an EPSS file), then its severity
//! class (SQ31104 critical … SQ31107 low; an unrated one is SQ31106 and says
//! so). A vulnerability scored 0.0 (`none`) is not reported.
//!
//! Each finding is at the package's first evidence (the layer and path of
//! its database or binary), with its other evidences and the history entry
//! that installed it related; its remediation names the fixed version. A
//! VEX statement that the package is not affected (or fixed) suppresses the
//! finding, its justification shown as the reason.
//!
//! Without an advisory database every SQ31xxx policy is not applicable,
//! with the reason (and how to get one): never a silent pass.

pub mod critical;
pub mod exploited;
pub mod high;
pub mod kev;
pub mod kev_ransomware;
pub mod low;
pub mod medium;

use portcullis_advisories::{Class, Fix, Vulnerability};

use crate::finding::{Findings, Suppressed, VulnerabilityRef};
use crate::subject::vulnerabilities::{Matched, VulnerabilityScan};
use crate::subject::{Subject, SubjectKind};

/// What every vulnerability policy's findings say to do, when the finding
/// has no more concrete fix of its own (each names the fixed version).
pub(crate) const REMEDIATION: &str = "Upgrade the package to the fixed version the finding names (rebuild on a current base image, or upgrade the package in the build); where there is no fix, remove the package or accept it with an `[[exception]]` naming the vulnerability, with a reason and an expiry.";

/// The vulnerability policies' shared documentation: the fix is the same
/// whatever the code.
pub(crate) const FIX: &str = "Upgrade the package to the fixed version the finding names: rebuild on a current base image (the distribution's fixes arrive as new image builds), or upgrade it in the build (`apt-get upgrade`, `apk upgrade`, a newer pin in the lock file). Where no fix is published, remove the package if the image does not need it; otherwise mitigate and record the decision: a VEX document (`--vex`) for a vulnerability that does not affect the image, or an `[[exception]]` with `vulnerabilities = [\"CVE-…\"]`, a reason and an expiry.";
pub(crate) const BAD: &str = "FROM debian:bookworm-20230725\n# openssl and glibc as of July 2023, with the fixes since missing\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n";
pub(crate) const GOOD: &str = "FROM debian:bookworm\n# the current point release, and whatever was fixed since it\nRUN apt-get update && apt-get upgrade -y && apt-get install -y --no-install-recommends curl\n";

/// The subjects vulnerability policies apply to.
pub(crate) const APPLIES_TO: &[SubjectKind] = &[SubjectKind::Image, SubjectKind::Lxd];

/// The code a vulnerability is reported under, `None` for one not reported
/// (severity `none`).
pub(crate) fn code_of(v: &Vulnerability, matched: &Matched) -> Option<&'static str> {
    if let Some(kev) = &v.kev {
        return Some(if kev.ransomware { "SQ31103" } else { "SQ31101" });
    }
    let serious = matches!(v.severity.class, Class::High | Class::Critical);
    if matched.has_epss && serious && v.epss.is_some_and(|e| e.score >= matched.epss_threshold) {
        return Some("SQ31102");
    }
    match v.severity.class {
        Class::Critical => Some("SQ31104"),
        Class::High => Some("SQ31105"),
        Class::Medium | Class::Unknown => Some("SQ31106"),
        Class::Low => Some("SQ31107"),
        Class::None => None,
    }
}

/// Report every vulnerability whose code is `code`. Not applicable without a
/// database (or, for `needs_epss`, without an EPSS file).
pub(crate) fn check(subject: &Subject, out: &mut Findings, code: &str, needs_epss: bool) {
    let matched = match &subject.vulnerabilities {
        VulnerabilityScan::NotRun => return,
        VulnerabilityScan::NoDatabase { reason } => {
            out.not_applicable(reason.clone());
            return;
        }
        VulnerabilityScan::Matched(matched) => matched,
    };
    if needs_epss && !matched.has_epss {
        out.not_applicable(
            "no EPSS scores in the advisory database (load them with `portcullis db update --epss` or `db import` of an EPSS file)",
        );
        return;
    }
    let Some(inventory) = &subject.packages else {
        return;
    };
    let same = super::package::same_names(inventory);
    for (v, &index) in matched.vulnerabilities.iter().zip(&matched.packages) {
        if code_of(v, matched) != Some(code) {
            continue;
        }
        let Some(pkg) = inventory.packages.get(index) else {
            continue;
        };
        let label = super::package::label(pkg, same.get(index).copied().unwrap_or(false));
        let (at, mut related) = super::package::located(subject, pkg, &v.id);
        related.extend(super::package::installed_by(subject, pkg));
        let vulnerability = VulnerabilityRef {
            id: v.id.clone(),
            aliases: v.aliases.clone(),
            purl: v.purl.clone(),
        };
        let suppressed = v
            .vex
            .as_ref()
            .filter(|x| x.suppresses())
            .map(|x| Suppressed {
                by: "vex",
                reason: vex_reason(x),
            });
        out.report_vulnerability(
            message(v, &label),
            at,
            related,
            vulnerability,
            remediation(v),
            suppressed,
        );
    }
    if code == "SQ31106" {
        notes(subject, matched, out);
    }
}

/// `CVE-2024-5535 in deb package libssl3 3.0.11-1~deb12u2 (source openssl
/// 3.0.11-1~deb12u2): critical, CVSS 9.1 (CVSS:3.1/… of GHSA-…); fixed in
/// 3.0.14-1~deb12u1; also DSA-5726-1 — summary`.
fn message(v: &Vulnerability, label: &str) -> String {
    let mut m = format!("{} in {label}", v.id);
    if !label.contains(&format!(" {} ", v.advisory_package)) {
        m.push_str(&format!(" (source {} {})", v.advisory_package, v.installed));
    }
    m.push_str(": ");
    m.push_str(&severity(v));
    match &v.fix {
        Fix::Fixed { version } => m.push_str(&format!("; fixed in {version}")),
        Fix::NotFixed { note: Some(note) } => {
            m.push_str(&format!("; no fixed version yet ({note})"))
        }
        Fix::NotFixed { note: None } => m.push_str("; no fixed version yet"),
    }
    if let Some(kev) = &v.kev {
        m.push_str(&format!(
            "; in CISA's Known Exploited Vulnerabilities catalog since {}",
            kev.date_added
        ));
        if let Some(due) = &kev.due_date {
            m.push_str(&format!(" (federal remediation due {due})"));
        }
        if kev.ransomware {
            m.push_str(", known to be used in ransomware campaigns");
        }
    }
    if let Some(epss) = &v.epss {
        m.push_str(&format!(
            "; EPSS {:.3} (percentile {:.2})",
            epss.score, epss.percentile
        ));
    }
    if !v.aliases.is_empty() {
        m.push_str(&format!("; also {}", v.aliases.join(", ")));
    }
    if let Some(vex) = v.vex.as_ref().filter(|x| !x.suppresses()) {
        m.push_str(&format!("; VEX ({}): {}", vex.document, vex.status));
    }
    if let Some(summary) = &v.summary {
        m.push_str(&format!(" — {}", one_line(summary)));
    }
    m
}

fn severity(v: &Vulnerability) -> String {
    let s = &v.severity;
    let from = s
        .source
        .as_deref()
        .map(|src| format!(" of {src}"))
        .unwrap_or_default();
    match (s.class, s.score, &s.vector) {
        (Class::Unknown, _, _) => {
            "not rated (no CVSS vector and no rating in its advisories; reported as medium)".into()
        }
        (class, Some(score), Some(vector)) => format!("{class}, CVSS {score:.1} ({vector}{from})"),
        (class, _, _) => format!("{class} ({}{from})", "rating"),
    }
}

/// Summaries can hold newlines and run long.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

fn remediation(v: &Vulnerability) -> String {
    let stdlib = v.ecosystem == "Go" && v.advisory_package == "stdlib";
    let mut r = match &v.fix {
        // Go's standard library is compiled into the binary.
        Fix::Fixed { version } if stdlib => format!(
            "Rebuild the binary with Go {version} or later (its standard library is compiled in)."
        ),
        Fix::Fixed { version } => format!(
            "Upgrade {} to {version} or later (a newer base image, or the package manager's upgrade in the build).",
            v.advisory_package
        ),
        Fix::NotFixed { .. } => format!(
            "No fixed version of {} is published yet: remove the package if the image does not need it, or mitigate and accept it with an `[[exception]]` naming {} (with a reason and an expiry) until a fix is out; a VEX statement can record that it does not affect this image.",
            v.advisory_package, v.id
        ),
    };
    if let Some(action) = v.kev.as_ref().and_then(|k| k.required_action.as_deref()) {
        r.push_str(&format!(" CISA's required action: {}", one_line(action)));
    }
    r
}

fn vex_reason(x: &portcullis_advisories::VexVerdict) -> String {
    let mut reason = format!("VEX {}: {}", x.document, x.status);
    if let Some(j) = &x.justification {
        reason.push_str(&format!(" ({j})"));
    }
    if let Some(i) = &x.impact {
        reason.push_str(&format!(": {}", one_line(i)));
    }
    reason
}

/// The matcher's notes, once per subject (on SQ31106, the code every
/// database has).
fn notes(subject: &Subject, matched: &Matched, out: &mut Findings) {
    let at = || subject.runtime.anchor.location.clone();
    for note in &matched.notes {
        out.note(note.clone(), at());
    }
    if matched.unfixed_ignored > 0 {
        out.note(
            format!(
                "{} vulnerabilities without a fixed version are not reported (the policy file's `[vulnerabilities] ignore-unfixed`)",
                matched.unfixed_ignored
            ),
            at(),
        );
    }
    let unrated = matched
        .vulnerabilities
        .iter()
        .filter(|v| v.severity.class == Class::None)
        .count();
    if unrated > 0 {
        out.note(
            format!("{unrated} vulnerabilities scored CVSS 0.0 (severity none) are not reported"),
            at(),
        );
    }
}
