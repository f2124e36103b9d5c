//! SQ12408: A package's license grants no patent rights.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12408",
    name: "patent-grant-missing",
    title: "A package's license grants no patent rights",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Have the patent exposure assessed, or replace the package with one under a license with an explicit patent grant (Apache-2.0, MPL-2.0).",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package under a license that says in so many words that it grants no patent rights (CC0-1.0 section 4.a, Creative Commons 4.0 licenses section 2.b.2, BSD-3-Clause-Clear). Licenses that are merely silent on patents (MIT, BSD) are not reported. Judged from the license facts table (each entry with its reason from the license text); of `A OR B` the least restrictive alternative counts, so a package that may be used under an unrestricted license is not reported.",
        why: "Under such a license, the authors (or their employer) keep any patents that cover the code: using it in a product may need a patent license of its own. It is a risk to weigh, not a breach, hence medium.",
        fix: "Check whether the package's use could need a patent license; prefer an alternative under a license with an explicit patent grant (Apache-2.0, MPL-2.0, BSD-2-Clause-Patent).",
        bad: "FROM python:3.12-slim\n# a CC0-1.0 package\nCOPY vendor/cc0_package /usr/local/lib/python3.12/site-packages/cc0_package\n",
        good: "FROM python:3.12-slim\n# an Apache-2.0 package\nRUN pip install requests==2.31.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_restriction(
        subject,
        out,
        |r| r.patents,
        ("grants no patent rights", "grant no patent rights"),
    );
}
