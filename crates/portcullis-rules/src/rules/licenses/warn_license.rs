//! SQ12402: a package under a license the policy file marks `warn`.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12402",
    name: "warned-license",
    title: "A package is under a license the policy file warns about",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Have the package's license reviewed as the policy file's owner asks for it, or replace the package; accepted packages go into the policy file as exceptions, with their reason.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package whose licenses (the least restrictive alternative of an `OR`, preferring one outside the policy file's lists) include one listed in the policy file's `[licenses] warn`, by SPDX id (`GPL-3.0-only`, `LicenseRef-…`). An id listed alone also names it with an exception (`GPL-2.0-only` names `GPL-2.0-only WITH Classpath-exception-2.0`); `X WITH E` names only that. Nothing is reported without the list.",
        why: "Some licenses need a decision each time they are used: a lawyer's review, a notice in the product. Listing them makes the scan ask for that decision.",
        fix: "Review the package against the organisation's license policy, or choose an alternative under another license.",
        bad: "# portcullis.toml: [licenses] warn = [\"MPL-2.0\"]\nFROM python:3.12-slim\nRUN pip install certifi==2024.2.2\n",
        good: "# portcullis.toml: [licenses] warn = [\"MPL-2.0\"]\nFROM python:3.12-slim\nRUN pip install idna==3.7\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_listed(subject, out, &subject.licenses.warn, "warns about");
}
