use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC43201",
    name: "unsigned-image",
    title: "Image without a valid signature by a trusted key or identity",
    category: Category::SupplyChain,
    severity: Severity::High,
    remediation: "Sign the image's manifest digest with a key (or certificate) the policy file's `[[signatures]]` entry names (`cosign sign --key cosign.key IMAGE@DIGEST`, `notation sign IMAGE@DIGEST`) and push the signature next to the image, or name the key it was signed with.",
    applies_to: &[SubjectKind::Image],
    doc: Doc {
        what: "An image that a `[[signatures]]` entry of the policy file names (its `images` globs, as `[images] trusted` matches them) and that has no signature verified, offline, with the entry's `keys` (cosign's `sha256-<digest>.sig` tag: simple-signing payloads, ECDSA; Sigstore bundles stored as OCI 1.1 referrers) or its `trust-store` (Notation JWS signatures with an x509 chain), over this image's manifest digest. Checked for images read from a registry (`docker://`) or an OCI layout that holds the signature manifests; not applicable for other sources, or when no entry names the image, or asks for provenance only.",
        why: "A signature ties the image to whoever holds the key: a tag can be moved, a registry account taken over or a mirror poisoned, and only a signature checked against the expected key tells the image that was built and vetted from one that was swapped in. Checking it in the same run as the policy scan gates the exact digest that was scanned.",
        fix: "Sign the digest in the pipeline that builds and vets the image, with a key kept there, and name its public key in the policy file: `[[signatures]]` with `images = [\"registry.acme.internal/**\"]` and `keys = [\"keys/cosign.pub\"]` (paths relative to the policy file), or `trust-store = \"notation-ca.pem\"` for Notation.",
        bad: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], keys = [\"keys/cosign.pub\"]\n# the image was pushed and never signed\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
        good: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], keys = [\"keys/cosign.pub\"]\n# after the build: cosign sign --key cosign.key registry.acme.internal/app@sha256:…\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let Some(facts) = subject.signatures.checked(out) else {
        return;
    };
    if !facts.requirement.wants_signature() {
        out.not_applicable(
            "the policy file's `[[signatures]]` entries for this image name no keys or trust store: they ask for provenance only",
        );
        return;
    }
    if facts.signatures.iter().any(|s| s.verdict.is_verified()) {
        return;
    }
    // With notes, something was not fetched: do not claim there is none.
    let found = if facts.signatures.is_empty() && facts.notes.is_empty() {
        format!(
            "the {} holds no signature of it (no cosign `.sig` tag, no signature referrers)",
            facts.source
        )
    } else if facts.signatures.is_empty() {
        format!("no signature of it could be read from the {}", facts.source)
    } else {
        facts
            .signatures
            .iter()
            .map(|s| format!("{}: {}", s.describe(), s.verdict))
            .collect::<Vec<_>>()
            .join("; ")
    };
    out.report(
        format!(
            "no valid signature of {} by {}: {found}{}",
            facts.image_digest,
            facts.trusted_names(),
            facts.notes_clause()
        ),
        super::image_manifest(&facts.image_digest),
    );
}
