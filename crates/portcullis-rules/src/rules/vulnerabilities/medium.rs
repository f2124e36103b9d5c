//! SQ31106: A package has a medium-severity or unrated vulnerability.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31106",
    name: "medium",
    title: "A package has a medium-severity or unrated vulnerability",
    category: Category::Vulnerabilities,
    severity: Severity::Medium,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability with a CVSS base score from 4.0 to 6.9 (or rated medium, moderate by its ecosystem), and one with no rating at all, which the message says. The matcher's notes (releases without advisories, versions that could not be compared) are attached here.",
        why: "A known vulnerability with a published fix is the cheapest risk to remove and the first thing an attacker tries; medium ones often need a second weakness or local access, and chain into worse.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
