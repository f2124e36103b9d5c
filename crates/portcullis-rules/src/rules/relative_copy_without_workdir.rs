use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Op, StageBase, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41106",
    name: "relative-copy-without-workdir",
    title: "COPY to a relative destination without WORKDIR",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Set WORKDIR before the COPY, or give COPY an absolute destination.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A `COPY` whose destination is relative (not `/…`, not a Windows drive path such as `C:\\app`, and not a variable that expands to an absolute path) while no `WORKDIR` is in effect in its stage, counting `WORKDIR` inherited through `FROM <stage>` chains. When the stage is built on an external image, that image's working directory applies and is not known here; this is reported too, saying so. In an image, `WORKDIR` is tracked through the whole history, base included, so a base that set one counts.",
        why: "A relative destination is resolved against the working directory, which without `WORKDIR` is whatever the base image left (often `/`). Files land somewhere the reader did not expect, and a change of base image moves them silently.",
        fix: "Add `WORKDIR /app` (or another absolute path) before the `COPY`, or write the destination as an absolute path.",
        bad: "FROM node:22-slim\nCOPY package.json ./\nRUN npm ci\n",
        good: "FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n",
    },
    check,
};

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// What is known of a stage's working directory when an instruction runs.
#[derive(Clone, Debug, PartialEq)]
enum Workdir {
    Set,
    NotSet,
    FromBase(String),
}

fn check(subject: &Subject, out: &mut Findings) {
    // The state at the end of each stage, for stages built FROM it.
    let mut at_end: Vec<Workdir> = Vec::with_capacity(subject.stages.len());
    let by_stage = subject.steps_by_stage();
    for (stage, steps) in subject.stages.iter().zip(&by_stage) {
        let mut state = match &stage.base {
            StageBase::Scratch => Workdir::NotSet,
            StageBase::Stage(parent) => at_end.get(*parent).cloned().unwrap_or(Workdir::NotSet),
            StageBase::Image(base) => Workdir::FromBase(base.clone()),
        };
        for step in steps {
            match &step.op {
                Op::Workdir(_) => state = Workdir::Set,
                Op::Copy { dest, .. } if !step.inherited && !is_absolute(&dest.text) => {
                    let unresolved = if dest.unresolved.is_empty() {
                        String::new()
                    } else {
                        let names: Vec<&str> =
                            dest.unresolved.iter().map(|u| u.name.as_str()).collect();
                        format!(" ({} has no known value)", names.join(", "))
                    };
                    let message = match &state {
                        Workdir::Set => continue,
                        Workdir::NotSet => format!(
                            "COPY destination `{}`{unresolved} is relative and no WORKDIR is set, so it resolves against /",
                            dest.raw
                        ),
                        Workdir::FromBase(base) => format!(
                            "COPY destination `{}`{unresolved} is relative and no WORKDIR is set in this Dockerfile; it resolves against the working directory of base image `{base}`, which is not known here",
                            dest.raw
                        ),
                    };
                    out.report(message, dest.at.clone());
                }
                _ => {}
            }
        }
        at_end.push(state);
    }
}
