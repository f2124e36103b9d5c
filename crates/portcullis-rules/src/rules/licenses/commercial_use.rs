//! SQ12404: A package's license restricts commercial use.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12404",
    name: "commercial-use-restricted",
    title: "A package's license restricts commercial use",
    category: Category::Licenses,
    severity: Severity::High,
    remediation: "Replace the package, or obtain a commercial license from its authors; the license as declared does not allow this image's commercial use.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package under a license that allows only non-commercial use, or commercial use only by some (Creative Commons NonCommercial licenses, PolyForm Noncommercial and Small Business, Aladdin). Judged from the license facts table (each entry with its reason from the license text); of `A OR B` the least restrictive alternative counts, so a package that may be used under an unrestricted license is not reported.",
        why: "An image is almost always used commercially: run by a company, sold, or part of a product. A non-commercial license does not allow that at all, whatever else the team does.",
        fix: "Replace the package with one whose license allows commercial use, or obtain a commercial license from its authors.",
        bad: "FROM node:22-slim\n# a data set under CC-BY-NC-4.0\nCOPY vendor/nc-dataset /srv/data\n",
        good: "FROM node:22-slim\n# the same data under CC-BY-4.0\nCOPY vendor/by-dataset /srv/data\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_restriction(
        subject,
        out,
        |r| r.commercial_use,
        ("restricts commercial use", "restrict commercial use"),
    );
}
