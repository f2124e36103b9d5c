//! SQ18113: A binary has partial RELRO only.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18113",
    name: "partial-relro",
    title: "A binary has partial RELRO only",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Link with `-Wl,-z,now` as well as `-Wl,-z,relro`, so that every symbol is bound at load time and the whole GOT becomes read-only.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A dynamically linked executable or shared object with `PT_GNU_RELRO` but without immediate binding (`DT_BIND_NOW`, `DF_BIND_NOW` or `DF_1_NOW`): the part of the GOT used for lazy binding stays writable. Static binaries have no lazy binding, so their RELRO is never partial.",
        why: "With lazy binding the PLT's GOT entries are written at run time and therefore writable: the classic target for redirecting a call.",
        fix: "Add `-Wl,-z,now` to LDFLAGS (Debian: `hardening=+bindnow`); remove `-z lazy`.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        (b.facts.relro && is_dynamic(b) && !b.facts.bind_now).then(|| {
            "partial RELRO: PT_GNU_RELRO without BIND_NOW leaves the lazy-binding GOT writable"
                .to_owned()
        })
    });
}
