use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "PC43103",
    name: "image-latest-tag",
    title: "Image tagged `latest` or not tagged",
    category: Category::SupplyChain,
    severity: Severity::Medium,
    remediation: "Name a version tag, and pin it by digest: `nginx:1.27@sha256:…` rather than `nginx` or `nginx:latest`.",
    applies_to: super::REFERENCE_SUBJECTS,
    doc: Doc {
        what: "An image reference tagged `latest`, or with no tag at all (which means `latest`), and no digest: a Dockerfile's `FROM` (after ARG expansion; stage names and `scratch` are not images), `COPY --from=<image>`, `RUN --mount=from=<image>`, or an image's declared base. A digest alone (`nginx@sha256:…`) is pinned, not untagged; with a digest, the tag beside it is only shown, as the digest decides what is pulled, so it is not reported either.",
        why: "`latest` is whatever was pushed last: a new major version, a different distribution, or an image someone replaced. Builds stop being reproducible, and what the image was built on cannot be told afterwards.",
        fix: "Name the version the build was tested with, and pin it by digest (PC43102).",
        bad: "FROM python\nCOPY --from=alpine:latest /etc/alpine-release /\n",
        good: "FROM python:3.13-slim\nCOPY --from=alpine@sha256:21dc6063fd678b478f57c0e13f47560d0ea4eeba26dfc947b2a4f81f686b9f45 /etc/alpine-release /\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for (u, v) in super::judged(subject, out, false) {
        if v.latest_or_untagged {
            let what = match v.tag {
                Some(_) => "uses the `latest` tag".to_owned(),
                None => "has no tag, so it means `latest`".to_owned(),
            };
            out.report(
                format!(
                    "{} {what}: whatever was pushed last is what the build gets",
                    super::named(u)
                ),
                u.at.clone(),
            );
        }
    }
}
