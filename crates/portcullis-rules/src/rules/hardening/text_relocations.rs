//! SQ18103: A binary has text relocations.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18103",
    name: "text-relocations",
    title: "A binary has text relocations",
    category: Category::BinaryHardening,
    severity: Severity::High,
    remediation: "Rebuild the objects linked into it with `-fPIC` (shared objects) or `-fPIE` (executables), so that the loader never makes the code writable.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object with `DT_TEXTREL`, or `DF_TEXTREL` in `DT_FLAGS`: the loader must write into its code segment to relocate it, usually because non-position-independent code was linked into a shared object.",
        why: "The code segment is made writable while the program starts, and the pages stay private copies: a window for code injection and a defeat of W^X (SELinux refuses such libraries by default).",
        fix: "Compile every object that goes into a shared object with `-fPIC`, and into a PIE with `-fPIE`; for assembly, use PC-relative addressing. `-Wl,-z,text` makes the linker refuse text relocations.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        b.facts.text_relocations.then(|| {
            "it has text relocations (DT_TEXTREL): the loader writes into its code".to_owned()
        })
    });
}
