//! SQ12407: A package's license restricts modification.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12407",
    name: "modification-restricted",
    title: "A package's license restricts modification",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Ship the package exactly as published (no patches, no trimmed copies), or replace it with one whose license allows modification.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package under a license that forbids sharing modified versions (Creative Commons NoDerivatives licenses) or altering parts of it (Elastic-2.0's license-key functionality). Judged from the license facts table (each entry with its reason from the license text); of `A OR B` the least restrictive alternative counts, so a package that may be used under an unrestricted license is not reported.",
        why: "Patching a package, rebuilding it with other options or shipping a trimmed copy are modifications: under such a license they may not be distributed. It matters only where the image changes the package, hence medium.",
        fix: "Ship the package unmodified, or replace it with one whose license allows modifications.",
        bad: "FROM node:22-slim\n# a CC-BY-ND-4.0 package, patched in the build\nCOPY vendor/nd-package /app/node_modules/nd-package\nRUN sed -i s/a/b/ /app/node_modules/nd-package/index.js\n",
        good: "FROM node:22-slim\n# an MIT package\nCOPY vendor/mit-package /app/node_modules/mit-package\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_restriction(
        subject,
        out,
        |r| r.modification,
        ("restricts modification", "restrict modification"),
    );
}
