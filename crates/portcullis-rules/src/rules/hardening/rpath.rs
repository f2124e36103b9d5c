//! SQ18114: A binary sets a library search path.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18114",
    name: "rpath",
    title: "A binary sets a library search path",
    category: Category::BinaryHardening,
    severity: Severity::Low,
    remediation: "Install libraries where the loader looks by default (or configure `ld.so.conf`) and link without `-rpath`, unless the path is deliberately `$ORIGIN`-relative.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object with `DT_RPATH` or `DT_RUNPATH`. Off by default, as in the catalogue: enable it with `enable = [\"SQ18114\"]`.",
        why: "A built-in search path decides which libraries the program loads before the system's; it is worth knowing about even when the path is safe (SQ18115 reports the unsafe ones).",
        fix: "Link without `-Wl,-rpath`; if the application ships its own libraries, use `$ORIGIN`-relative paths inside a directory only root can write.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        let f = &b.facts;
        match (&f.rpath, &f.runpath) {
            (Some(p), _) => Some(format!("DT_RPATH is set: {p}")),
            (None, Some(p)) => Some(format!("DT_RUNPATH is set: {p}")),
            (None, None) => None,
        }
    });
}
