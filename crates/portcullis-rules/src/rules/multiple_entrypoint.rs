use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Op, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41105",
    name: "multiple-entrypoint",
    title: "Multiple ENTRYPOINT instructions",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Keep one ENTRYPOINT per stage, the one you mean; delete the others.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A build stage with more than one `ENTRYPOINT`. Each extra `ENTRYPOINT` is reported, with the first one as related location. A base image's own `ENTRYPOINT` does not count. In an image, more than one `ENTRYPOINT` among this build's own history entries, after the base boundary.",
        why: "Only the last `ENTRYPOINT` of a stage takes effect; the others are dead code, and a reader may believe the container starts through a wrapper it never runs.",
        fix: "Delete all but the intended `ENTRYPOINT`; chain wrappers inside one script if you need several.",
        bad: "FROM alpine:3.20\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nENTRYPOINT [\"/docker-entrypoint.sh\"]\n",
        good: "FROM alpine:3.20\nENTRYPOINT [\"/sbin/tini\", \"--\", \"/docker-entrypoint.sh\"]\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::multiple_cmd::report_repeats(subject, out, "ENTRYPOINT", |op| {
        matches!(op, Op::Entrypoint(_))
    });
}
