//! SQ31104: A package has a critical vulnerability.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31104",
    name: "critical",
    title: "A package has a critical vulnerability",
    category: Category::Vulnerabilities,
    severity: Severity::High,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability with a CVSS base score of 9.0 or more (computed by portcullis from the advisory's v4.0 or v3.x vector; else the ecosystem's own rating), not in KEV and not SQ31102.",
        why: "A known vulnerability with a published fix is the cheapest risk to remove and the first thing an attacker tries; critical ones are usually remotely exploitable without authentication.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
