use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC43203",
    name: "missing-provenance",
    title: "Image without a provenance attestation about it",
    category: Category::SupplyChain,
    severity: Severity::Medium,
    remediation: "Build the image with provenance (`docker buildx build --provenance=mode=max`, BuildKit's `attest:provenance`) and push the index that carries the attestation manifest with it.",
    applies_to: &[SubjectKind::Image],
    doc: Doc {
        what: "An image that a `[[signatures]]` entry of the policy file requires provenance of (`require-provenance = true`) whose index carries no BuildKit attestation manifest (`vnd.docker.reference.type: attestation-manifest`) with an SLSA provenance statement (v0.2 or v1) whose subject is this image's manifest digest. A statement about another digest, or one that does not hash to its descriptor, does not count. Checked for images read from a registry or an OCI layout; not applicable otherwise, or when no entry requires provenance.",
        why: "Provenance says how, from what and by which builder the image was made: without it, an image cannot be traced to the source and build that produced it, and a policy on builders or source repositories has nothing to check.",
        fix: "Turn provenance on in the build (`docker buildx build --provenance=true` or `mode=max`; BuildKit's `--opt attest:provenance=mode=max`) and push the whole index (`--push`, or `docker buildx imagetools`), not only the platform image.",
        bad: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], require-provenance = true\n# built with: docker buildx build --provenance=false --push\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
        good: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], require-provenance = true\n# built with: docker buildx build --provenance=mode=max --push\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let Some(facts) = subject.signatures.checked(out) else {
        return;
    };
    if !facts.requirement.require_provenance {
        out.not_applicable(
            "the policy file's `[[signatures]]` entries for this image do not set `require-provenance = true`",
        );
        return;
    }
    let why = match &facts.attestations {
        Ok(found) if found.has_provenance() => return,
        Ok(found) => {
            let provenance: Vec<String> = found
                .attestations
                .iter()
                .filter(|a| a.kind.is_provenance())
                .map(|a| {
                    format!(
                        "provenance statement {} in attestation manifest {}: {}",
                        a.layer, a.manifest, a.verdict
                    )
                })
                .collect();
            if provenance.is_empty() {
                format!(
                    "the image's index has no provenance attestation for it ({} attestation{} of other kinds)",
                    found.attestations.len(),
                    if found.attestations.len() == 1 { "" } else { "s" }
                )
            } else {
                provenance.join("; ")
            }
        }
        Err(why) => why.clone(),
    };
    out.report(
        format!(
            "no SLSA provenance attestation about {}: {why}{}",
            facts.image_digest,
            facts.notes_clause()
        ),
        super::image_manifest(&facts.image_digest),
    );
}
