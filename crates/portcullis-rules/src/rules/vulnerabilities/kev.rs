//! SQ31101: A package has a vulnerability in CISA's Known Exploited Vulnerabilities catalog.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31101",
    name: "kev",
    title: "A package has a vulnerability in CISA's Known Exploited Vulnerabilities catalog",
    category: Category::Vulnerabilities,
    severity: Severity::High,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability in CISA's Known Exploited Vulnerabilities (KEV) catalog (loaded with the advisory database), without known ransomware use (that is SQ31103). Reported before the severity classes: exploitation is known, whatever the CVSS score.",
        why: "The KEV catalog lists vulnerabilities with reliable evidence of active exploitation; CISA's Binding Operational Directive 22-01 mandates their remediation by a due date, and it is the list most organisations patch first.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
