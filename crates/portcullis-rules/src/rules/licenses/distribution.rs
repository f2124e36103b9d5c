//! SQ12405: A package's license restricts distribution.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12405",
    name: "distribution-restricted",
    title: "A package's license restricts distribution",
    category: Category::Licenses,
    severity: Severity::High,
    remediation: "Keep the package out of images that are distributed, replace it, or get the right to redistribute it from its authors.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package under a license that forbids or limits redistributing it (Aladdin: no commercial distribution for payment). Judged from the license facts table (each entry with its reason from the license text); of `A OR B` the least restrictive alternative counts, so a package that may be used under an unrestricted license is not reported.",
        why: "Pushing an image to a registry others pull from, or shipping it to a customer, distributes every package in it. A license that restricts distribution makes that a breach.",
        fix: "Do not ship the package in the image: fetch it at run time where its license allows, replace it, or get the right to distribute it.",
        bad: "FROM debian:bookworm\n# a package under Aladdin\nCOPY vendor/gs-aladdin /opt/gs\n",
        good: "FROM debian:bookworm\n# a release under a license that allows redistribution\nCOPY vendor/gs-free /opt/gs\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_restriction(
        subject,
        out,
        |r| r.distribution,
        ("restricts distribution", "restrict distribution"),
    );
}
