//! SQ31107: A package has a low-severity vulnerability.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31107",
    name: "low",
    title: "A package has a low-severity vulnerability",
    category: Category::Vulnerabilities,
    severity: Severity::Low,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability with a CVSS base score from 0.1 to 3.9 (or rated low, negligible by its ecosystem).",
        why: "Low ones rarely matter alone, but fixing them comes free with the next rebuild on a current base.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
