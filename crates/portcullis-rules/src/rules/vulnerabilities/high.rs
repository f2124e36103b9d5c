//! SQ31105: A package has a high-severity vulnerability.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31105",
    name: "high",
    title: "A package has a high-severity vulnerability",
    category: Category::Vulnerabilities,
    severity: Severity::High,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability with a CVSS base score from 7.0 to 8.9 (or rated high by its ecosystem), not in KEV and not SQ31102.",
        why: "A known vulnerability with a published fix is the cheapest risk to remove and the first thing an attacker tries.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
