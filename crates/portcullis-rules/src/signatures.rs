//! Image signatures and attestations as the rules see them (PC43201–
//! PC43203, SUPPLY-CHAIN.md): what the policy file's `[[signatures]]`
//! asks of an image ([`SignaturePolicy`]), and what checking the fetched
//! [`SignatureMaterial`] against it found ([`SignatureFacts`]), verified
//! offline by `portcullis-signatures` before the rules run. The rules only
//! read verdicts: no network, no files.

use std::sync::Arc;

use portcullis_image::SignatureMaterial;
use portcullis_signatures::attestations::{self, IndexAttestations};
use portcullis_signatures::{bundle, cosign, notation, referrers, PublicKey, TrustStore, Verdict};

use crate::reference::TrustedPattern;

/// A public key from the policy file, and how the file named it.
#[derive(Clone, Debug)]
pub struct NamedKey {
    /// The path as the policy file wrote it.
    pub shown: String,
    pub key: PublicKey,
}

/// A trust store (Notation CA certificates) from the policy file.
#[derive(Clone, Debug)]
pub struct NamedStore {
    pub shown: String,
    pub store: TrustStore,
}

/// One `[[signatures]]` entry.
#[derive(Clone, Debug, Default)]
pub struct SignatureRequirement {
    /// The images it is about: globs over the normalised
    /// `registry/repository`, as `[images] trusted`.
    pub images: Vec<TrustedPattern>,
    pub keys: Vec<NamedKey>,
    pub trust_stores: Vec<NamedStore>,
    pub require_provenance: bool,
}

impl SignatureRequirement {
    /// Whether it asks for a signature (it names keys or a trust store).
    pub fn wants_signature(&self) -> bool {
        !self.keys.is_empty() || !self.trust_stores.is_empty()
    }
}

/// `[[signatures]]`: every entry; those of an `extends` chain add up.
#[derive(Clone, Debug, Default)]
pub struct SignaturePolicy {
    pub requirements: Vec<SignatureRequirement>,
}

impl SignaturePolicy {
    /// What the entries whose patterns match the normalised
    /// `registry/repository` ask of it, together: `None` when none does.
    pub fn for_image(&self, normalised: &str) -> Option<SignatureRequirement> {
        let mut out: Option<SignatureRequirement> = None;
        for r in &self.requirements {
            let Some(pattern) = r.images.iter().find(|p| p.matches(normalised)) else {
                continue;
            };
            let merged = out.get_or_insert_with(Default::default);
            merged.images.push(pattern.clone());
            merged.keys.extend(r.keys.iter().cloned());
            merged.trust_stores.extend(r.trust_stores.iter().cloned());
            merged.require_provenance |= r.require_provenance;
        }
        out
    }
}

/// One signature found for the image, and its verdict.
#[derive(Clone, Debug)]
pub struct CheckedSignature {
    /// `cosign signature`, `Sigstore bundle`, `Notation signature`.
    pub kind: &'static str,
    /// Where it was found: `the sha256-….sig tag`, `the referrers API`….
    pub found_in: String,
    /// The signature manifest's digest.
    pub manifest: String,
    /// The JSON pointer of the signature in it (`/layers/0`), or empty for
    /// a verdict about the whole manifest.
    pub pointer: String,
    pub verdict: Verdict,
    /// The configured key or trust store that verified it.
    pub by: Option<String>,
}

impl CheckedSignature {
    /// `cosign signature sha256:…/layers/0 (the sha256-….sig tag)`.
    pub fn describe(&self) -> String {
        let at = if self.pointer.is_empty() {
            self.manifest.clone()
        } else {
            format!("{} {}", self.manifest, self.pointer)
        };
        format!("{} in {at} ({})", self.kind, self.found_in)
    }
}

/// What checking an image's signatures and attestations found.
#[derive(Clone, Debug)]
pub struct SignatureFacts {
    pub image_digest: String,
    /// The reference the image was read as, normalised `registry/repository`.
    pub reference: Option<String>,
    /// `registry`, `OCI layout`.
    pub source: &'static str,
    pub requirement: SignatureRequirement,
    pub signatures: Vec<CheckedSignature>,
    /// The BuildKit attestations of the image's index, or why there are
    /// none to read (no index, a malformed one).
    pub attestations: Result<IndexAttestations, String>,
    /// What fetching and checking left out (caps, fetch failures).
    pub notes: Vec<String>,
}

/// Whether and how an image's signatures were checked.
#[derive(Clone, Debug)]
pub enum SignatureState {
    /// The policy asks nothing of this image: why.
    NotAsked(String),
    /// It does, but the image was read from a source that carries no
    /// signatures: why.
    Unavailable(String),
    Checked(Arc<SignatureFacts>),
}

impl SignatureState {
    /// The facts a signature rule judges; `None` when there are none, the
    /// rule then declared not applicable with why.
    pub(crate) fn checked(&self, out: &mut crate::finding::Findings) -> Option<&SignatureFacts> {
        match self {
            SignatureState::NotAsked(why) | SignatureState::Unavailable(why) => {
                out.not_applicable(why.clone());
                None
            }
            SignatureState::Checked(facts) => Some(facts),
        }
    }
}

impl Default for SignatureState {
    fn default() -> Self {
        SignatureState::NotAsked(
            "the policy file's `[[signatures]]` asks for no signature or provenance of this image"
                .into(),
        )
    }
}

fn key_names(keys: &[NamedKey]) -> String {
    keys.iter()
        .map(|k| format!("{} ({})", k.shown, k.key.describe()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks what was fetched for an image against what the policy asks.
/// `reference`: the image's reference as read (`127.0.0.1:5000/team/app:1`),
/// which a cosign payload's `docker-reference` must name; `now`: seconds
/// since the epoch, for Notation's signing times and expiry.
pub fn check(
    material: &SignatureMaterial,
    requirement: SignatureRequirement,
    reference: Option<&str>,
    now: i64,
) -> SignatureFacts {
    let digest = material.image_digest.as_str();
    let keys: Vec<PublicKey> = requirement.keys.iter().map(|k| k.key.clone()).collect();
    // Which configured key verified: each alone, once one of them did.
    let signer = |verify: &dyn Fn(&[PublicKey]) -> Verdict| -> Option<String> {
        requirement
            .keys
            .iter()
            .find(|k| verify(std::slice::from_ref(&k.key)).is_verified())
            .map(|k| k.shown.clone())
    };
    let mut signatures = Vec::new();
    let mut notes = material.notes.clone();
    if let Some(sig) = &material.cosign_manifest {
        let found_in = format!(
            "the {} tag",
            cosign::signature_tag(digest).unwrap_or_default()
        );
        let expected = cosign::Expected {
            manifest_digest: digest,
            reference,
        };
        let manifest = material.blobs.get(sig).map(Vec::as_slice).unwrap_or(&[]);
        match cosign::verify_signature_manifest(manifest, material, &keys, expected) {
            Ok(checked) => {
                if checked.skipped > 0 {
                    notes.push(format!(
                        "the cosign signature manifest {sig} has {} more signature layers than the {} examined",
                        checked.skipped,
                        portcullis_signatures::limits::MAX_SIGNATURE_LAYERS
                    ));
                }
                for (i, layer) in checked.layers.into_iter().enumerate() {
                    let by = layer
                        .verdict
                        .is_verified()
                        .then(|| {
                            signer(&|one| {
                                cosign::verify_signature_manifest(manifest, material, one, expected)
                                    .ok()
                                    .and_then(|c| c.layers.into_iter().nth(i))
                                    .map_or(Verdict::Malformed(String::new()), |l| l.verdict)
                            })
                        })
                        .flatten();
                    signatures.push(CheckedSignature {
                        kind: "cosign signature",
                        found_in: found_in.clone(),
                        manifest: sig.clone(),
                        pointer: format!("/layers/{i}"),
                        verdict: layer.verdict,
                        by,
                    });
                }
            }
            Err(verdict) => signatures.push(CheckedSignature {
                kind: "cosign signature manifest",
                found_in,
                manifest: sig.clone(),
                pointer: String::new(),
                verdict,
                by: None,
            }),
        }
    }
    if let Some(found) = &material.referrers {
        match referrers::parse_referrers(&found.index, digest) {
            Ok(listed) => {
                for r in listed
                    .referrers
                    .iter()
                    .filter(|r| r.kind != referrers::ReferrerKind::Other)
                {
                    // Not fetched (a cap, a failure): the notes say why.
                    let Some(manifest) = material.blobs.get(&r.digest) else {
                        continue;
                    };
                    let (kind, verdict, by) = match r.kind {
                        referrers::ReferrerKind::SigstoreBundle => {
                            let verify = |keys: &[PublicKey]| {
                                bundle::verify_bundle_manifest(manifest, material, keys, digest)
                            };
                            let verdict = verify(&keys);
                            let by = verdict.is_verified().then(|| signer(&verify)).flatten();
                            ("Sigstore bundle", verdict, by)
                        }
                        _ => {
                            let verdicts: Vec<(&NamedStore, Verdict)> = requirement
                                .trust_stores
                                .iter()
                                .map(|store| {
                                    let v = notation::verify_signature_manifest(
                                        manifest,
                                        material,
                                        &store.store,
                                        digest,
                                        now,
                                    );
                                    (store, v)
                                })
                                .collect();
                            // Verified by one store; else tampering seen by
                            // any; else what the first says.
                            let chosen = verdicts
                                .iter()
                                .find(|(_, v)| v.is_verified())
                                .or_else(|| verdicts.iter().find(|(_, v)| v.is_tampering()))
                                .or(verdicts.first());
                            let (verdict, by) = match chosen {
                                Some((store, v)) => {
                                    (v.clone(), v.is_verified().then(|| store.shown.clone()))
                                }
                                // Without a trust store the envelope cannot be
                                // verified, but a manifest about another image
                                // or a blob that is not its own still shows.
                                None => (
                                    match referrers::signature_blob(
                                        manifest,
                                        material,
                                        digest,
                                        &[notation::ENVELOPE_MEDIA_TYPE],
                                    ) {
                                        Err(v) => v,
                                        Ok(_) => Verdict::Untrusted(
                                            "the policy file names no trust store for Notation signatures"
                                                .into(),
                                        ),
                                    },
                                    None,
                                ),
                            };
                            ("Notation signature", verdict, by)
                        }
                    };
                    signatures.push(CheckedSignature {
                        kind,
                        found_in: found.via.clone(),
                        manifest: r.digest.clone(),
                        pointer: "/layers/0".into(),
                        verdict,
                        by,
                    });
                }
            }
            Err(verdict) => notes.push(format!(
                "the referrers index ({}) is not usable: {verdict}",
                found.via
            )),
        }
    }
    let attestations = match &material.index {
        Some(index) => attestations::attestations_for(index, digest, material)
            .map_err(|v| format!("the image's index is not usable: {v}")),
        None => {
            Err("the image was not picked from an index, so it has no BuildKit attestations".into())
        }
    };
    SignatureFacts {
        image_digest: material.image_digest.clone(),
        reference: reference.map(str::to_owned),
        source: material.source,
        requirement,
        signatures,
        attestations,
        notes,
    }
}

impl SignatureFacts {
    /// `keys/cosign.pub (ECDSA P-256), trust store ca.pem`.
    pub fn trusted_names(&self) -> String {
        let mut parts = Vec::new();
        if !self.requirement.keys.is_empty() {
            parts.push(key_names(&self.requirement.keys));
        }
        for s in &self.requirement.trust_stores {
            parts.push(format!("trust store {}", s.shown));
        }
        parts.join(", ")
    }

    /// The notes as one clause, for messages: `; a; b`.
    pub fn notes_clause(&self) -> String {
        self.notes.iter().map(|n| format!("; {n}")).collect()
    }
}
