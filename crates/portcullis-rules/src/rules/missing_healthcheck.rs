use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Setting, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41101",
    name: "missing-healthcheck",
    title: "No HEALTHCHECK defined",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Add a `HEALTHCHECK CMD …` to the final stage that fails when the service stops answering (for example a request to its health endpoint).",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "The final image has no health check: no `HEALTHCHECK` in the final stage's `FROM <stage>` chain, or the last one is `HEALTHCHECK NONE`, which switches off a check inherited from the base. When the chain starts from an external image, that image might define one; it is still reported, and the message says so. In an image, the config has no `Healthcheck`, or its test is `[\"NONE\"]`.",
        why: "Without a health check the engine only knows whether the main process exists, not whether it works. A hung or deadlocked service keeps receiving traffic and is never restarted.",
        fix: "Add `HEALTHCHECK` with a command that exercises the service cheaply and exits non-zero on failure, and tune `--interval`, `--timeout` and `--retries` to the service. In Kubernetes, also define liveness and readiness probes.",
        bad: "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n",
        good: "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let rt = &subject.runtime;
    if subject.kind == SubjectKind::Image {
        let at = crate::Located::new(crate::Location::Config {
            pointer: "/config/Healthcheck".into(),
        });
        match &rt.healthcheck {
            Setting::Set { value: Some(_), .. } => {}
            Setting::Set { value: None, step } => {
                let related = step
                    .and_then(|i| subject.steps.get(i))
                    .map(|s| s.at.location.clone());
                out.report_related(
                    "the config's Healthcheck test is [\"NONE\"]: the health check is disabled",
                    at,
                    related.into_iter().collect(),
                );
            }
            _ => out.report("the image config has no Healthcheck", at),
        }
        return;
    }
    match &rt.healthcheck {
        Setting::Set { value: Some(_), .. } => {}
        Setting::Set { value: None, step } => {
            // Reported at the final FROM (POLICIES.md), pointing at the NONE that did it.
            let related = step.and_then(|i| subject.steps.get(i)).map(|s| s.at.location.clone());
            out.report_related("HEALTHCHECK NONE disables the health check", rt.anchor.clone(), related.into_iter().collect());
        }
        Setting::NotSet => out.report(format!("no HEALTHCHECK instruction in {}", where_(subject)), rt.anchor.clone()),
        Setting::Inherited { base } => out.report(
            format!(
                "no HEALTHCHECK instruction in {}; base image `{base}` might define one, which is not checked here",
                where_(subject)
            ),
            rt.anchor.clone(),
        ),
    }
}

/// "the final stage", or "the final stage or the stages it is built from".
fn where_(subject: &Subject) -> &'static str {
    if subject.chain(subject.final_stage()).len() > 1 {
        "the final stage or the stages it is built from"
    } else {
        "the final stage"
    }
}
