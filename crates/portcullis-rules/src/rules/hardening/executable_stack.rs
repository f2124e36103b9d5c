//! SQ18101: A binary runs with an executable stack.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18101",
    name: "executable-stack",
    title: "A binary runs with an executable stack",
    category: Category::BinaryHardening,
    severity: Severity::High,
    remediation: "Rebuild without `-z execstack` (and fix the assembly or nested functions that ask for it: `-Wa,--noexecstack`), or upgrade the package to a build that has a non-executable stack.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object whose `PT_GNU_STACK` program header has the execute flag, or that has no `PT_GNU_STACK` on an architecture whose kernel then makes the stack executable (all but AArch64, RISC-V and LoongArch). A shared object counts: loading it makes the whole process's stack executable.",
        why: "With an executable stack, a stack buffer overflow can run the attacker's own bytes; a non-executable stack (NX) is the mitigation every other defence assumes.",
        fix: "Build with the toolchain's default (non-executable stack). When the linker warns that an object requires an executable stack, mark assembly sources with `.section .note.GNU-stack,\"\",@progbits` or build with `-Wa,--noexecstack`; replace GCC nested functions that take trampolines.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| executable_stack(b).map(str::to_owned));
}
