//! SQ12103: a statically linked dependency (a Go module, a Rust crate
//! inside a binary) under a weak copyleft license.

use portcullis_packages::license::Copyleft;
use portcullis_packages::Ecosystem;

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12103",
    name: "static-weak-copyleft",
    title: "A statically linked dependency is under a weak copyleft license",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Check the license's terms for static linking (the LGPL asks that users can relink the program with a modified library: ship the object files or link it dynamically; the MPL and EPL ask for the source of the covered files), or replace the module with a permissively licensed one.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A Go module (from a Go binary's build information) or a Rust crate (from `cargo auditable` data in a binary) whose declared licenses include a weak copyleft license: LGPL, MPL, EPL, CDDL, or a GPL with a linking exception. Such dependencies are compiled into the binary, wherever it was installed. Go and Rust binaries do not record their modules' licenses themselves, so this fires where the inventory knows them. Strong copyleft in a binary is SQ12101 or SQ12102.",
        why: "Weak copyleft licenses are written for libraries linked into a larger program: the program may keep its own license, provided the library's part stays open. Statically linked, that part cannot be swapped: the LGPL then requires the means to relink the program with a changed library, the MPL and EPL the source of the files used. A team shipping a Go or Rust binary rarely does either.",
        fix: "Provide what the license asks for static linking, or replace the dependency. For the LGPL, linking the library dynamically is the usual way out.",
        bad: "FROM scratch\n# a Go binary with an LGPL-3.0 module compiled in\nCOPY app /app\n",
        good: "FROM scratch\n# its dependencies are all MIT, BSD or Apache-2.0\nCOPY app /app\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for j in super::judged(subject)
        .iter()
        .filter(|j| matches!(j.pkg.ecosystem, Ecosystem::Golang | Ecosystem::Cargo))
    {
        let trigger = super::picked(j, |l| super::copyleft_of(l) == Some(Copyleft::Weak));
        if trigger.is_empty() {
            continue;
        }
        let into = j
            .pkg
            .evidence
            .first()
            .map(|e| format!(", statically linked into {}", e.path))
            .unwrap_or_default();
        let message = format!(
            "{}{into}, is under weak copyleft ({}){}",
            super::package_name(j),
            trigger.join(", "),
            super::context(j, &trigger),
        );
        super::report(subject, out, j, message);
    }
}
