use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "PC43101",
    name: "untrusted-image-source",
    title: "Image from a registry or repository that is not trusted",
    category: Category::SupplyChain,
    severity: Severity::High,
    remediation: "Use an image from a registry and repository in the policy file's `[images] trusted` list (mirror the image there if it is needed), or add its repository to the list once the organisation trusts it.",
    applies_to: super::REFERENCE_SUBJECTS,
    doc: Doc {
        what: "An image reference whose registry and repository, normalised as Docker normalises them (`nginx` is `docker.io/library/nginx`), no pattern of the policy file's `[images] trusted` list matches. Checked where a reference appears: a Dockerfile's `FROM` (after ARG expansion; stage names and `scratch` are not images), `COPY --from=<image>` and `RUN --mount=from=<image>`; an image's base as its `org.opencontainers.image.base.name` label declares it. Only when the policy file has a trusted list: without one the policy is not applicable.",
        why: "Whatever a base image holds runs in every container built from it. An image from a registry or namespace the organisation does not control or vet can change, or be replaced, by whoever controls it; a typo-squatted name on a public registry is a known way in.",
        fix: "Pull base images from the registries the organisation trusts (its own, or vetted namespaces such as Docker Hub's official images), mirroring external ones there. `[images] trusted` takes globs over `registry/repository`: `*` within one path component, `**` any number of them.",
        bad: "# portcullis.toml: [images] trusted = [\"docker.io/library/*\"]\nFROM ghcr.io/someone/base:1.0\n",
        good: "# portcullis.toml: [images] trusted = [\"docker.io/library/*\"]\nFROM debian:12.8\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let Some(list) = &subject.trusted_images else {
        out.not_applicable("the policy file has no `[images] trusted` list");
        return;
    };
    let shown: Vec<String> = list
        .patterns
        .iter()
        .take(4)
        .map(|p| format!("`{}`", p.normalised))
        .collect();
    let more = if list.patterns.len() > 4 { ", …" } else { "" };
    for (u, v) in super::judged(subject, out, false) {
        if v.untrusted {
            out.report(
                format!(
                    "{} comes from `{}`, which the trusted list ({}{more}) does not match",
                    super::named(u),
                    v.normalised,
                    shown.join(", ")
                ),
                u.at.clone(),
            );
        }
    }
}
