use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Op, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41104",
    name: "multiple-cmd",
    title: "Multiple CMD instructions",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Keep one CMD per stage, the one you mean; delete the others.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A build stage with more than one `CMD`. Each extra `CMD` is reported, with the first one as related location. A base image's own `CMD` does not count. In an image, more than one `CMD` among this build's own history entries, after the base boundary.",
        why: "Only the last `CMD` of a stage takes effect; the earlier ones are dead code that misleads the reader about what the container runs.",
        fix: "Delete all but the intended `CMD`. To run several processes, use a small init or supervisor, or better, one container per process.",
        bad: "FROM python:3.12-slim\nCMD [\"python\", \"manage.py\", \"migrate\"]\nCMD [\"gunicorn\", \"app.wsgi\"]\n",
        good: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"app.wsgi\"]\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::multiple_cmd::report_repeats(subject, out, "CMD", |op| matches!(op, Op::Cmd(_)));
}

/// Report every instruction matching `is_it` after the first in its stage.
pub(crate) fn report_repeats(
    subject: &Subject,
    out: &mut Findings,
    keyword: &str,
    is_it: fn(&Op) -> bool,
) {
    for (stage, all) in subject.steps_by_stage().into_iter().enumerate() {
        let steps: Vec<_> = all
            .into_iter()
            .filter(|s| !s.inherited && is_it(&s.op))
            .collect();
        let Some((first, extra)) = steps.split_first() else {
            continue;
        };
        let total = steps.len();
        let stage_name = match &subject.stages[stage].name {
            Some(name) => format!("stage `{name}`"),
            None if subject.kind == SubjectKind::Image => "this build's history".to_owned(),
            None if subject.stages.len() == 1 => "the Dockerfile".to_owned(),
            None => format!("stage {stage}"),
        };
        for step in extra {
            out.report_related(
                format!("{stage_name} has {total} {keyword} instructions; only the last one takes effect"),
                step.at.clone(),
                vec![first.at.location.clone()],
            );
        }
    }
}
