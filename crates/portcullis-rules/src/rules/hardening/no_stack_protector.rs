//! SQ18104: A binary has no stack protector and no fortified functions.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18104",
    name: "no-stack-protector",
    title: "A binary has no stack protector and no fortified functions",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Rebuild with `-fstack-protector-strong` and `-D_FORTIFY_SOURCE=2` (or 3) at `-O1` or higher, as the distribution's hardening flags do.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object (not a Go or Rust binary) that neither imports nor defines `__stack_chk_fail` (nor the global `__stack_chk_guard`) and uses no fortified function (`__*_chk`). Judged on files linked against a library (`DT_NEEDED`), not the C library itself: a static binary carries the C library's own `__stack_chk_fail` and `__*_chk` whether its code uses them or not, so its symbols cannot tell.",
        why: "Without a canary a stack buffer overflow overwrites the return address unnoticed; without fortified functions the C library cannot stop a copy that overruns a buffer of known size.",
        fix: "Build with `-fstack-protector-strong -D_FORTIFY_SOURCE=2 -O2` (Debian: `DEB_BUILD_MAINT_OPTIONS=hardening=+all` with `dpkg-buildflags`). A binary with no arrays on its stack gets no canary even so; that is harmless, and an exception with that reason is the answer.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        unprotected(b).then(|| {
            "no stack protector (__stack_chk_fail) and no fortified functions (__*_chk)".to_owned()
        })
    });
    go_note(subject, out);
}
