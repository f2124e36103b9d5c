//! SQ18111: An executable is not position-independent.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18111",
    name: "not-pie",
    title: "An executable is not position-independent",
    category: Category::BinaryHardening,
    severity: Severity::High,
    remediation: "Rebuild with `-fPIE -pie` (the default of current GCC and Clang on most distributions; for Go, `-buildmode=pie`), so that ASLR can place it at a random address.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable of type `ET_EXEC`: linked at a fixed address. Shared objects are not judged here (a shared object that is not position-independent has text relocations, SQ18103); static-pie executables are position-independent.",
        why: "ASLR randomises where the program's own code and data are; a fixed-address executable gives an attacker known gadget addresses for return-oriented programming without any leak.",
        fix: "Drop `-no-pie`/`-static` (or use `-static-pie`), compile with `-fPIE` and link with `-pie`; Go: `go build -buildmode=pie`.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        (b.kind() == BinaryKind::Executable && not_pie(b))
            .then(|| "not position-independent (ET_EXEC): ASLR cannot move it".to_owned())
    });
}
