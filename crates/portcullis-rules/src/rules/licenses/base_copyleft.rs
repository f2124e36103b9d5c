//! SQ12102: a dependency from the base image under a strong or network
//! copyleft license.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12102",
    name: "base-copyleft",
    title: "A dependency from the base image is under a copyleft license",
    category: Category::Licenses,
    severity: Severity::Low,
    remediation: "Know what the base image's copyleft packages oblige the image to (usually a source offer for the distribution's packages, which the distribution publishes); choose a smaller base (distroless, a `-slim` or `scratch` image with only what the application needs) if they are not needed at run time.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package that came with the base image (the layer that introduced it was made by a history entry of the base) whose declared licenses include a strong or network copyleft license, judged as SQ12101 judges them (the least restrictive alternative of an `OR`; weak copyleft not reported). When the base boundary is a guess from the history's shape, the message says so.",
        why: "The base image's packages are distributed with the image like the build's own. Their obligations are usually met by the distribution's published sources, which is why this is low; it still belongs in a license review, and a package the application does not use is better not shipped.",
        fix: "Review the list once per base image; remove the packages the application does not need, or move to a smaller base image.",
        bad: "FROM debian:bookworm\n# bash, coreutils, tar: GPL-3.0-or-later\nCOPY app /app\n",
        good: "FROM gcr.io/distroless/static-debian12\nCOPY app /app\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let caveat = super::boundary_caveat(subject);
    for j in super::judged(subject)
        .iter()
        .filter(|j| super::from_base(subject, j.pkg))
    {
        let Some((what, trigger)) = super::strong_copyleft(j) else {
            continue;
        };
        let message = format!(
            "{}, from the base image, is under {what}{}{caveat}",
            super::package_name(j),
            super::context(j, &trigger),
        );
        super::report(subject, out, j, message);
    }
}
