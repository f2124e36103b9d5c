//! SQ12406: A package's license restricts production use.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12406",
    name: "production-use-restricted",
    title: "A package's license restricts production use",
    category: Category::Licenses,
    severity: Severity::High,
    remediation: "Use a version whose license allows production use (a BUSL release past its change date), buy a commercial license, or replace the package.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package under a source-available license that forbids production use or offering it as a service (BUSL-1.1 without an additional use grant, Elastic-2.0). Judged from the license facts table (each entry with its reason from the license text); of `A OR B` the least restrictive alternative counts, so a package that may be used under an unrestricted license is not reported.",
        why: "Running such a package in production (or as a hosted service) needs a commercial license until its change date; an image is built to run.",
        fix: "Use a release under an open-source license (BUSL versions turn open source at their change date), buy a license, or replace the package.",
        bad: "FROM debian:bookworm\n# a BUSL-1.1 release\nCOPY vendor/terraform /usr/local/bin/terraform\n",
        good: "FROM debian:bookworm\n# an MPL-2.0 release\nCOPY vendor/opentofu /usr/local/bin/tofu\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check_restriction(
        subject,
        out,
        |r| r.production_use,
        ("restricts production use", "restrict production use"),
    );
}
