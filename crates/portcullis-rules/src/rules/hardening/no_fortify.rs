//! SQ18108: A binary uses functions that have fortified variants, none fortified.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18108",
    name: "no-fortify",
    title: "A binary uses functions that have fortified variants, none fortified",
    category: Category::BinaryHardening,
    severity: Severity::Low,
    remediation: "Build with `-D_FORTIFY_SOURCE=2` (or 3) at `-O1` or higher, so that the C library checks the calls whose buffer sizes the compiler knows.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object (not a Go or Rust binary) that imports at least one function glibc has a fortified (`__X_chk`) variant of (`memcpy`, `strcpy`, `sprintf`, `read`, …: `symbols::FORTIFIABLE`) and no fortified function at all.",
        why: "`_FORTIFY_SOURCE` is cheap, catches overflows of buffers whose size is known at compile time, and is on in every distribution's package builds; its absence usually means the build dropped the distribution's flags.",
        fix: "Add `-D_FORTIFY_SOURCE=2 -O2` to CFLAGS/CPPFLAGS (Debian: `dpkg-buildflags --get CPPFLAGS`); check that the build system does not override them.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        if !symbols_judged(b) || has_fortified(b) {
            return None;
        }
        let used = imported_of(b, symbols::FORTIFIABLE);
        (!used.is_empty()).then(|| {
            format!(
                "no fortified function, while it calls functions that have one: {}",
                used.join(", ")
            )
        })
    });
}
