//! SQ34203: A binary carries its debug information.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::rules::hardening::check_each;
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ34203",
    name: "debug-info",
    title: "A binary carries its debug information",
    category: Category::SensitiveInformation,
    severity: Severity::Medium,
    remediation: "Strip debug information from binaries that go into the image (`strip --strip-debug`, `-s` at link time, or the package manager's stripped builds), keeping a separate debug file outside it if needed.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object of the final filesystem with a `.debug_info` (or compressed `.zdebug_info`) section.",
        why: "DWARF debug information describes every function, variable and type of the program, with source file names and lines: it makes the binary far easier to reverse-engineer and exploit, and it leaks the build machine's paths. It also makes the image larger.",
        fix: "Strip the binary when it is installed (`install -s`, `strip --strip-debug`, `go build -ldflags=-w`, `cargo` with `strip = \"debuginfo\"`), or build it without `-g` in a build stage and copy only the result.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        b.facts
            .debug_info
            .then(|| "it carries DWARF debug information (.debug_info)".to_owned())
    });
}
