//! SQ12403: a package under a license the policy file marks `restricted`.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12403",
    name: "restricted-license",
    title: "A package is under a license the policy file does not accept",
    category: Category::Licenses,
    severity: Severity::High,
    remediation: "Remove the package or replace it with one under an accepted license; where it has an accepted alternative (`A OR B`), it is already judged by that one.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package whose licenses include one listed in the policy file's `[licenses] restricted`, by SPDX id, matched as SQ12402 matches `warn`. Of `A OR B`, an alternative without a listed license is chosen where there is one, so a package that may be used under an accepted license is not reported. Nothing is reported without the list.",
        why: "An organisation's restricted licenses are those it has decided it cannot ship (often AGPL or SSPL for a hosted product, non-commercial licenses for a commercial one). An image holding such a package should not be released.",
        fix: "Replace the package, or take it out of the image (a build stage, a smaller base).",
        bad: "# portcullis.toml: [licenses] restricted = [\"GPL-2.0-or-later\"]\nFROM python:3.12-slim\nRUN pip install python-debian==0.1.49\n",
        good: "# portcullis.toml: [licenses] restricted = [\"GPL-2.0-or-later\"]\nFROM python:3.12-slim\nRUN pip install requests==2.31.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_listed(
        subject,
        out,
        &subject.licenses.restricted,
        "does not accept",
    );
}
