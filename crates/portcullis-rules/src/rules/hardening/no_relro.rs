//! SQ18112: A binary has no RELRO.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18112",
    name: "no-relro",
    title: "A binary has no RELRO",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Link with `-Wl,-z,relro,-z,now` (full RELRO), so that the relocated data and the GOT become read-only after loading.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A dynamically linked ELF executable or shared object without a `PT_GNU_RELRO` program header. Static binaries are not judged: no loader binds anything in them.",
        why: "Without RELRO the global offset table and other relocated pointers stay writable for the whole run: a single arbitrary write redirects a library call.",
        fix: "Link with `-Wl,-z,relro -Wl,-z,now`; remove `-z norelro` from the build.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        (is_dynamic(b) && !b.facts.relro)
            .then(|| "no RELRO (no PT_GNU_RELRO): relocated data stays writable".to_owned())
    });
}
