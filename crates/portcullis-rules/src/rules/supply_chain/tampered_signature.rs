use crate::finding::{Category, Findings, Located, Location, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC43202",
    name: "tampered-signature",
    title: "Image signature that does not verify, or signs another digest",
    category: Category::SupplyChain,
    severity: Severity::Critical,
    remediation: "Find out how the image or its signature was changed before trusting either: pull the image by the digest the pipeline signed, re-sign it there if it is the right one, and remove the signature that does not verify.",
    applies_to: &[SubjectKind::Image],
    doc: Doc {
        what: "A signature stored with the image (cosign's `.sig` tag, a Sigstore bundle or Notation signature referrer) that does not verify with the key or trust store the policy file's `[[signatures]]` names for the image, whose payload blob does not hash to its descriptor, or that verifies but signs another manifest digest or another image (`docker-reference`). Always a failure: the policy file cannot set its action, disable it, or suppress it with an exception; its severity may be changed, not its outcome. Checked whenever signatures are checked (see PC43201).",
        why: "A signature that is present but wrong is evidence of tampering: a payload edited to name another digest, an image swapped under a signed tag, a signature copied from another image. Treating it as merely \"unsigned\" would let a policy that does not require signatures pass an image someone tried to disguise.",
        fix: "Do not use the image until it is understood how it and its signature diverged. Pull it by the digest the build signed; if that is the image wanted, sign it again in the pipeline, and delete the signature that does not verify from the registry.",
        bad: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], keys = [\"keys/cosign.pub\"]\n# the sha256-<digest>.sig tag's payload names sha256:9f86d0… (another image)\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
        good: "# portcullis.toml: [[signatures]] images = [\"registry.acme.internal/**\"], keys = [\"keys/cosign.pub\"]\n# the sha256-<digest>.sig tag's payload names this image's digest, signed by keys/cosign.pub\nFROM registry.acme.internal/base:1.4@sha256:4b6a1f6c3e1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let Some(facts) = subject.signatures.checked(out) else {
        return;
    };
    for s in facts.signatures.iter().filter(|s| s.verdict.is_tampering()) {
        let with = if s.kind == "Notation signature" {
            facts
                .requirement
                .trust_stores
                .iter()
                .map(|t| format!("trust store {}", t.shown))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            facts
                .requirement
                .keys
                .iter()
                .map(|k| format!("{} ({})", k.shown, k.key.describe()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let with = if with.is_empty() {
            String::new()
        } else {
            format!(", checked with {with},")
        };
        out.report_related(
            format!(
                "{}{with} is not a valid signature of {}: {}",
                s.describe(),
                facts.image_digest,
                s.verdict
            ),
            Located::new(Location::ImageManifest {
                digest: s.manifest.clone(),
                pointer: s.pointer.clone(),
            }),
            vec![Location::ImageManifest {
                digest: facts.image_digest.clone(),
                pointer: String::new(),
            }],
        );
    }
}
