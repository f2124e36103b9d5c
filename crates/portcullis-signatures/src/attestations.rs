//! BuildKit attestations: in an OCI index, manifests annotated
//! `vnd.docker.reference.type: attestation-manifest` whose
//! `vnd.docker.reference.digest` is the image manifest they describe; their
//! layers are in-toto statements (unsigned: what is checked is that their
//! subject is the image).

use crate::digest::{clip, matches};
use crate::dsse::parse_statement;
use crate::encoding::json;
use crate::limits::{
    MAX_ATTESTATION_LAYERS, MAX_INDEX_ENTRIES, MAX_MANIFEST_BYTES, MAX_STATEMENT_BYTES,
};
use crate::{BlobSource, Digest, Verdict};

pub const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
pub const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";
pub const IN_TOTO_MEDIA_TYPE: &str = "application/vnd.in-toto+json";
pub const PREDICATE_TYPE_ANNOTATION: &str = "in-toto.io/predicate-type";

/// What an attestation says, by its predicate type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PredicateKind {
    SlsaProvenanceV02,
    SlsaProvenanceV1,
    Spdx,
    CycloneDx,
    Other(String),
}

impl PredicateKind {
    pub fn from_type(predicate_type: &str) -> PredicateKind {
        match predicate_type {
            "https://slsa.dev/provenance/v0.2" => PredicateKind::SlsaProvenanceV02,
            "https://slsa.dev/provenance/v1" => PredicateKind::SlsaProvenanceV1,
            "https://spdx.dev/Document" => PredicateKind::Spdx,
            t if t.starts_with("https://spdx.dev/Document/") => PredicateKind::Spdx,
            t if t.starts_with("https://cyclonedx.org/bom") => PredicateKind::CycloneDx,
            other => PredicateKind::Other(other.to_string()),
        }
    }

    pub fn is_provenance(&self) -> bool {
        matches!(
            self,
            PredicateKind::SlsaProvenanceV02 | PredicateKind::SlsaProvenanceV1
        )
    }

    pub fn is_sbom(&self) -> bool {
        matches!(self, PredicateKind::Spdx | PredicateKind::CycloneDx)
    }
}

/// One attestation layer and the check of its statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// The attestation manifest's digest.
    pub manifest: String,
    /// The layer's digest.
    pub layer: String,
    /// From the layer's `in-toto.io/predicate-type` annotation.
    pub predicate_type: String,
    pub kind: PredicateKind,
    /// `Verified` when the statement's subject is the image; `OtherDigest`
    /// when it is about something else; `Malformed` otherwise.
    pub verdict: Verdict,
}

/// The attestations an index carries for one image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexAttestations {
    pub attestations: Vec<Attestation>,
    /// Index entries beyond [`MAX_INDEX_ENTRIES`], not looked at.
    pub skipped_entries: usize,
}

impl IndexAttestations {
    /// Whether a provenance attestation about the image is present.
    pub fn has_provenance(&self) -> bool {
        self.attestations
            .iter()
            .any(|a| a.kind.is_provenance() && a.verdict.is_verified())
    }
}

/// Lists the attestations `index` (OCI image index JSON) carries for the
/// image manifest `image_digest`, reading each attestation manifest and
/// statement from `blobs` and checking it against its descriptor digest
/// and its subject against the image. `Err` is about the index itself.
pub fn attestations_for(
    index: &[u8],
    image_digest: &str,
    blobs: &dyn BlobSource,
) -> Result<IndexAttestations, Verdict> {
    let value = json("OCI index", index, MAX_MANIFEST_BYTES).map_err(Verdict::Malformed)?;
    let manifests = value
        .get("manifests")
        .and_then(|m| m.as_array())
        .ok_or_else(|| Verdict::malformed("OCI index has no manifests array"))?;
    let mut out = IndexAttestations {
        skipped_entries: manifests.len().saturating_sub(MAX_INDEX_ENTRIES),
        ..Default::default()
    };
    for entry in manifests.iter().take(MAX_INDEX_ENTRIES) {
        let annotation = |name: &str| {
            entry
                .get("annotations")
                .and_then(|a| a.get(name))
                .and_then(|v| v.as_str())
        };
        if annotation(REFERENCE_TYPE) != Some(ATTESTATION_MANIFEST)
            || annotation(REFERENCE_DIGEST) != Some(image_digest)
        {
            continue;
        }
        let manifest_digest = entry
            .get("digest")
            .and_then(|d| d.as_str())
            .unwrap_or_default()
            .to_string();
        if manifest_digest == image_digest {
            out.attestations.push(Attestation {
                manifest: manifest_digest.clone(),
                layer: String::new(),
                predicate_type: String::new(),
                kind: PredicateKind::Other(String::new()),
                verdict: Verdict::Malformed(format!(
                    "attestation manifest {manifest_digest} refers to itself"
                )),
            });
            continue;
        }
        match read_attestation_manifest(&manifest_digest, blobs) {
            Ok(layers) => {
                for layer in layers.iter().take(MAX_ATTESTATION_LAYERS) {
                    out.attestations.push(check_layer(
                        &manifest_digest,
                        layer,
                        image_digest,
                        blobs,
                    ));
                }
            }
            Err(reason) => out.attestations.push(Attestation {
                manifest: manifest_digest.clone(),
                layer: String::new(),
                predicate_type: String::new(),
                kind: PredicateKind::Other(String::new()),
                verdict: Verdict::Malformed(reason),
            }),
        }
    }
    Ok(out)
}

fn read_attestation_manifest(
    digest: &str,
    blobs: &dyn BlobSource,
) -> Result<Vec<serde_json::Value>, String> {
    Digest::parse(digest).map_err(|e| format!("attestation manifest: {e}"))?;
    let bytes = blobs
        .blob(digest)
        .ok_or_else(|| format!("attestation manifest {digest} is missing"))?;
    if !matches(digest, &bytes) {
        return Err(format!("attestation manifest does not hash to {digest}"));
    }
    let value = json("attestation manifest", &bytes, MAX_MANIFEST_BYTES)?;
    let layers = value
        .get("layers")
        .and_then(|l| l.as_array())
        .ok_or_else(|| format!("attestation manifest {digest} has no layers array"))?;
    Ok(layers.clone())
}

fn check_layer(
    manifest: &str,
    layer: &serde_json::Value,
    image_digest: &str,
    blobs: &dyn BlobSource,
) -> Attestation {
    let digest = layer
        .get("digest")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_string();
    let predicate_type = layer
        .get("annotations")
        .and_then(|a| a.get(PREDICATE_TYPE_ANNOTATION))
        .and_then(|p| p.as_str())
        .unwrap_or_default()
        .to_string();
    let verdict = (|| {
        let media_type = layer
            .get("mediaType")
            .and_then(|m| m.as_str())
            .unwrap_or_default();
        if media_type != IN_TOTO_MEDIA_TYPE {
            return Verdict::Malformed(format!(
                "attestation layer has media type {:?}, not {IN_TOTO_MEDIA_TYPE}",
                clip(media_type)
            ));
        }
        if let Err(e) = Digest::parse(&digest) {
            return Verdict::Malformed(format!("attestation layer: {e}"));
        }
        if digest == manifest {
            return Verdict::Malformed(format!(
                "attestation layer {digest} is the attestation manifest itself"
            ));
        }
        let Some(bytes) = blobs.blob(&digest) else {
            return Verdict::Malformed(format!("attestation statement {digest} is missing"));
        };
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Verdict::Malformed(format!(
                "attestation statement {digest} is {} bytes, more than {MAX_STATEMENT_BYTES}",
                bytes.len()
            ));
        }
        if !matches(&digest, &bytes) {
            return Verdict::BadSignature(format!(
                "attestation statement does not hash to {digest}"
            ));
        }
        let statement = match parse_statement(&bytes) {
            Ok(s) => s,
            Err(e) => return Verdict::Malformed(e),
        };
        if !predicate_type.is_empty() && statement.predicate_type != predicate_type {
            return Verdict::Malformed(format!(
                "statement predicate type {:?} is not the annotation's {:?}",
                clip(&statement.predicate_type),
                clip(&predicate_type)
            ));
        }
        let expected = match Digest::parse(image_digest) {
            Ok(d) => d,
            Err(e) => return Verdict::Malformed(format!("image digest: {e}")),
        };
        if !statement.has_subject(&expected) {
            return Verdict::OtherDigest {
                signed: statement.subjects(),
                expected: image_digest.to_string(),
            };
        }
        Verdict::Verified(format!(
            "{} statement about {image_digest}",
            statement.predicate_type
        ))
    })();
    let kind = PredicateKind::from_type(&predicate_type);
    Attestation {
        manifest: manifest.to_string(),
        layer: digest,
        predicate_type,
        kind,
        verdict,
    }
}
