//! SQ18109: A binary reads its stack canary from a global variable.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18109",
    name: "global-stack-guard",
    title: "A binary reads its stack canary from a global variable",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Rebuild without `-mstack-protector-guard=global` (the default reads the canary from thread-local storage), or upgrade to a toolchain and C library that use the TLS canary on this architecture.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object that imports or defines `__stack_chk_guard` (x86-64 glibc exports none, so a program built with `-mstack-protector-guard=global` defines its own: SQ18110 too): its canary is a global variable in writable memory rather than the thread-local copy that glibc keeps.",
        why: "A global canary sits at a fixed offset in writable data: a memory disclosure or an arbitrary write reveals or replaces it, and every thread shares one value.",
        fix: "Build with the default `-mstack-protector-guard=tls`; the global guard is only meant for freestanding code without thread-local storage.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        (symbols_judged(b)
            && (has(&b.facts.imported, symbols::STACK_CHK_GUARD)
                || has(&b.facts.defined, symbols::STACK_CHK_GUARD)))
        .then(|| {
            "its stack canary is the global __stack_chk_guard, not the thread-local one".to_owned()
        })
    });
}
