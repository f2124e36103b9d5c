use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "PC43102",
    name: "image-not-pinned",
    title: "Image not pinned by digest",
    category: Category::SupplyChain,
    severity: Severity::Low,
    remediation: "Pin the image by digest, keeping the tag for readers: `nginx:1.27@sha256:…` (`docker buildx imagetools inspect nginx:1.27` or `skopeo inspect docker://nginx:1.27` shows the digest), and let a bot such as Renovate or Dependabot update it.",
    applies_to: super::REFERENCE_SUBJECTS,
    doc: Doc {
        what: "An image reference without a `@sha256:` digest: a Dockerfile's `FROM` (after ARG expansion; stage names and `scratch` are not images), `COPY --from=<image>`, `RUN --mount=from=<image>`, or an image's declared base (`org.opencontainers.image.base.name` without a digest in it or in `org.opencontainers.image.base.digest`). A digest with a tag (`nginx:1.27@sha256:…`) is pinned; so is a digest alone. A reference that still holds a variable without a known value, or is not a valid reference, is not judged: a note says so.",
        why: "A tag is a name its owner can move to other content at any time: the same Dockerfile then builds on a different base, whose contents nobody reviewed, and a compromised registry account can hand every build a tampered image. A digest names the content itself.",
        fix: "Write the digest after the tag. Rebuilds are then reproducible and a changed base is a visible change in review; an update bot keeps the pins current.",
        bad: "FROM nginx:1.27\n",
        good: "FROM nginx:1.27@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for (u, v) in super::judged(subject, out, true) {
        if v.unpinned {
            let tag = v.tag.as_deref().unwrap_or("latest");
            out.report(
                format!(
                    "{} is not pinned by digest: the tag `{tag}` can be moved to other content",
                    super::named(u)
                ),
                u.at.clone(),
            );
        }
    }
}
