//! An OCI 1.1 referrers index (`GET /v2/<name>/referrers/<digest>`, or the
//! `sha256-<hex>` fallback tag's index): the signature manifests in it,
//! by kind, capped.

use crate::encoding::json;
use crate::limits::{MAX_INDEX_ENTRIES, MAX_MANIFEST_BYTES};
use crate::Verdict;

pub const SIGSTORE_BUNDLE_ARTIFACT_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
pub const NOTATION_ARTIFACT_TYPE: &str = crate::notation::SIGNATURE_ARTIFACT_TYPE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferrerKind {
    SigstoreBundle,
    Notation,
    /// In-toto attestations, SBOMs and anything else.
    Other,
}

/// One referrer descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    pub digest: String,
    pub artifact_type: String,
    pub kind: ReferrerKind,
}

/// The referrers looked at, and how many were not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Referrers {
    pub referrers: Vec<Referrer>,
    /// Entries beyond [`MAX_INDEX_ENTRIES`]: not looked at, so a registry
    /// cannot make a scan fetch thousands of manifests.
    pub skipped: usize,
}

/// Parses a referrers index. Entries whose `digest` is `subject_digest`
/// (an index pointing at the image it is about) are dropped.
pub fn parse_referrers(index: &[u8], subject_digest: &str) -> Result<Referrers, Verdict> {
    let value = json("referrers index", index, MAX_MANIFEST_BYTES).map_err(Verdict::Malformed)?;
    let manifests = value
        .get("manifests")
        .and_then(|m| m.as_array())
        .ok_or_else(|| Verdict::malformed("referrers index has no manifests array"))?;
    let mut out = Referrers {
        skipped: manifests.len().saturating_sub(MAX_INDEX_ENTRIES),
        ..Default::default()
    };
    for entry in manifests.iter().take(MAX_INDEX_ENTRIES) {
        let Some(digest) = entry.get("digest").and_then(|d| d.as_str()) else {
            continue;
        };
        if digest == subject_digest || crate::Digest::parse(digest).is_err() {
            continue;
        }
        let artifact_type = entry
            .get("artifactType")
            .and_then(|a| a.as_str())
            .unwrap_or_default()
            .to_string();
        let kind = if artifact_type.starts_with(SIGSTORE_BUNDLE_ARTIFACT_PREFIX) {
            ReferrerKind::SigstoreBundle
        } else if artifact_type == NOTATION_ARTIFACT_TYPE {
            ReferrerKind::Notation
        } else {
            ReferrerKind::Other
        };
        out.referrers.push(Referrer {
            digest: digest.to_string(),
            artifact_type,
            kind,
        });
    }
    Ok(out)
}

/// The one signature blob of a referrer manifest (a Notation signature or
/// a Sigstore bundle stored as an OCI 1.1 artifact): checks that the
/// manifest's `subject` is `subject_digest`, that its first layer has one
/// of `layer_media_types`, and that the blob hashes to the layer's digest.
pub fn signature_blob(
    manifest: &[u8],
    blobs: &dyn crate::BlobSource,
    subject_digest: &str,
    layer_media_types: &[&str],
) -> Result<Vec<u8>, Verdict> {
    let what = "signature manifest";
    let value = json(what, manifest, MAX_MANIFEST_BYTES).map_err(Verdict::Malformed)?;
    let own = crate::sha256_digest(manifest);
    let subject = value
        .pointer("/subject/digest")
        .and_then(|d| d.as_str())
        .ok_or_else(|| Verdict::malformed("signature manifest has no subject"))?;
    if subject == own {
        return Err(Verdict::Malformed(format!(
            "signature manifest {own} is its own subject"
        )));
    }
    if subject != subject_digest {
        return Err(Verdict::OtherDigest {
            signed: subject.to_string(),
            expected: subject_digest.to_string(),
        });
    }
    let layer = value
        .pointer("/layers/0")
        .ok_or_else(|| Verdict::malformed("signature manifest has no layer"))?;
    let media_type = layer
        .get("mediaType")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    if !layer_media_types.contains(&media_type) {
        return Err(Verdict::Malformed(format!(
            "signature layer has media type {:?}, not {}",
            crate::digest::clip(media_type),
            layer_media_types.join(" or ")
        )));
    }
    let digest = layer
        .get("digest")
        .and_then(|d| d.as_str())
        .unwrap_or_default();
    crate::Digest::parse(digest)
        .map_err(|e| Verdict::Malformed(format!("signature layer: {e}")))?;
    if digest == own {
        return Err(Verdict::Malformed(format!(
            "signature layer {digest} is the signature manifest itself"
        )));
    }
    let blob = blobs
        .blob(digest)
        .ok_or_else(|| Verdict::Malformed(format!("signature blob {digest} is missing")))?;
    if !crate::digest::matches(digest, &blob) {
        return Err(Verdict::BadSignature(format!(
            "signature blob does not hash to {digest}"
        )));
    }
    Ok(blob)
}
