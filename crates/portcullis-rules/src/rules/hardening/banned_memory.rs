//! SQ18106: An unprotected binary copies memory without fortification.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18106",
    name: "banned-memory-functions",
    title: "An unprotected binary copies memory without fortification",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Rebuild with `-fstack-protector-strong -D_FORTIFY_SOURCE=2 -O2`, so that `memcpy`, `memmove` and their kind are checked against the destination's size.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A binary that SQ18104 reports and that imports memory functions unfortified: `memcpy`, `memmove`, `memset`, `bcopy` and the rest of `symbols::BANNED_MEMORY`.",
        why: "An unchecked copy whose length an attacker controls is a buffer overflow; fortification turns the ones with a known destination size into a clean abort.",
        fix: "Build with `-D_FORTIFY_SOURCE=2` (or 3) at `-O1` or higher and `-fstack-protector-strong`; check lengths before copying.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        banned(b, symbols::BANNED_MEMORY, "memory")
    });
}
