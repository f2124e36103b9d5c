//! SQ18110: A binary defines its own stack protector.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18110",
    name: "own-stack-protector",
    title: "A binary defines its own stack protector",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Remove the binary's own `__stack_chk_fail`/`__stack_chk_guard` and link against the C library's, so that a detected overflow ends the process the way the C library does.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An executable or shared object linked against a library (`DT_NEEDED`), other than the C library and its loader, that defines `__stack_chk_fail` or `__stack_chk_guard` itself (in its dynamic symbols or, unstripped, its `.symtab`). Static binaries are left out: they carry the C library's own definitions.",
        why: "A home-made failure handler may log and return, or run more code on a corrupted stack; a home-made guard may be a constant. Either turns the canary into decoration.",
        fix: "Delete the local definitions and let the C library provide them; if a freestanding build needs them, make `__stack_chk_fail` abort immediately and initialise the guard from a random source.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        if !symbols_judged(b) {
            return None;
        }
        let own: Vec<&str> = [symbols::STACK_CHK_FAIL, symbols::STACK_CHK_GUARD]
            .into_iter()
            .filter(|s| has(&b.facts.defined, s))
            .collect();
        (!own.is_empty()).then(|| format!("it defines its own {}", own.join(" and ")))
    });
}
