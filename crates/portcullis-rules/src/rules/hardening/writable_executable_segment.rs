//! SQ18102: A binary has a segment that is both writable and executable.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18102",
    name: "writable-executable-segment",
    title: "A binary has a segment that is both writable and executable",
    category: Category::BinaryHardening,
    severity: Severity::High,
    remediation: "Rebuild without `-N`/`--omagic` or linker scripts that merge code and data, so that no loadable segment is writable and executable at once.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object with a `PT_LOAD` program header whose flags are both `PF_W` and `PF_X`.",
        why: "Memory that is writable and executable lets an overflow write code and run it; W^X is what makes injected bytes useless.",
        fix: "Link with the default layout (`-z separate-code`, no `-N`/`--omagic`, no custom linker script that puts `.data` and `.text` in one segment). Code that generates code at run time should map pages writable, then executable, never both.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        b.facts
            .writable_executable_load
            .then(|| "a loadable segment (PT_LOAD) is writable and executable".to_owned())
    });
}
