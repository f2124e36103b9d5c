//! SQ18107: An unprotected binary reads input with unbounded functions.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18107",
    name: "banned-input-functions",
    title: "An unprotected binary reads input with unbounded functions",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Replace `gets` and unbounded `scanf` conversions with `fgets` and width-limited conversions, and rebuild with `-fstack-protector-strong -D_FORTIFY_SOURCE=2 -O2`.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A binary that SQ18104 reports and that imports input functions that cannot bound what they store: `gets`, the `scanf` family and the rest of `symbols::BANNED_INPUT`.",
        why: "`gets` cannot be used safely at all, and `%s` without a width in `scanf` is the same overflow; input is where the attacker's bytes come from.",
        fix: "Use `fgets` or `getline`, give every `%s`/`%[` conversion a width, and build with the hardening flags.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        banned(b, symbols::BANNED_INPUT, "input")
    });
}
