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
