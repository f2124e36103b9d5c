//! cosign's legacy storage: a signature manifest under the
//! `sha256-<hex>.sig` tag, one layer per signature, each layer a
//! simple-signing payload and its signature in an annotation.

use crate::digest::{clip, matches};
use crate::encoding::{base64, json, str_at};
use crate::keys::{certificate_key, first_verifying, PublicKey};
use crate::limits::{MAX_MANIFEST_BYTES, MAX_PAYLOAD_BYTES, MAX_SIGNATURE_LAYERS};
use crate::{sha256_digest, BlobSource, Digest, Verdict};

pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
pub const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";

/// What the signature must be about.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The image's manifest digest, `sha256:<hex>`.
    pub manifest_digest: &'a str,
    /// The image reference the policy names (tag and digest are ignored,
    /// Docker Hub short names normalised); `None` skips the check.
    pub reference: Option<&'a str>,
}

/// The fields of a simple-signing payload that are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleSigning {
    pub manifest_digest: String,
    pub docker_reference: String,
}

/// Parses a simple-signing payload (`critical.type` must be cosign's).
pub fn parse_simple_signing(payload: &[u8]) -> Result<SimpleSigning, String> {
    let value = json("simple-signing payload", payload, MAX_PAYLOAD_BYTES)?;
    let what = "simple-signing payload";
    let kind = str_at(&value, what, &["critical", "type"])?;
    if kind != SIMPLE_SIGNING_TYPE {
        return Err(format!(
            "{what}: critical.type is {:?}, not {SIMPLE_SIGNING_TYPE:?}",
            clip(kind)
        ));
    }
    let manifest_digest = str_at(
        &value,
        what,
        &["critical", "image", "docker-manifest-digest"],
    )?;
    Digest::parse(manifest_digest).map_err(|e| format!("{what}: {e}"))?;
    let docker_reference = str_at(&value, what, &["critical", "identity", "docker-reference"])?;
    Ok(SimpleSigning {
        manifest_digest: manifest_digest.to_string(),
        docker_reference: docker_reference.to_string(),
    })
}

/// Verifies one cosign signature (base64 of the DER ECDSA signature, as in
/// the annotation) over the exact payload bytes with any of `keys`, then
/// what it signs.
pub fn verify_simple_signing(
    payload: &[u8],
    signature_b64: &str,
    keys: &[PublicKey],
    expected: Expected<'_>,
) -> Verdict {
    verify_layer_signature(payload, signature_b64, keys, None, expected)
}

/// As [`verify_simple_signing`], for a layer that may carry a keyless
/// signature's certificate: when no configured key verifies, the
/// certificate's own key tells an intact keyless signature (not
/// verifiable offline) from a changed payload (bad signature).
pub(crate) fn verify_layer_signature(
    payload: &[u8],
    signature_b64: &str,
    keys: &[PublicKey],
    certificate: Option<&str>,
    expected: Expected<'_>,
) -> Verdict {
    let signature = match base64("cosign signature", signature_b64) {
        Ok(s) => s,
        Err(e) => return Verdict::Malformed(e),
    };
    // The signature is checked before the payload is trusted for anything.
    let signer = match first_verifying(keys, |k| k.verify(k.cosign_scheme(), payload, &signature)) {
        Ok(key) => Some(key),
        Err(e) => {
            let Some(certificate) = certificate else {
                if keys.is_empty() {
                    return Verdict::Untrusted(e);
                }
                return Verdict::BadSignature(e);
            };
            let own = match certificate_key(certificate.as_bytes()) {
                Ok(k) => k,
                Err(v) => return v,
            };
            if let Err(e) = own.verify(own.cosign_scheme(), payload, &signature) {
                return Verdict::BadSignature(format!(
                    "keyless signature, with its own certificate: {e}"
                ));
            }
            None
        }
    };
    let signed = match parse_simple_signing(payload) {
        Ok(s) => s,
        Err(e) => return Verdict::Malformed(e),
    };
    if signed.manifest_digest != expected.manifest_digest {
        return Verdict::OtherDigest {
            signed: signed.manifest_digest,
            expected: expected.manifest_digest.to_string(),
        };
    }
    if let Some(reference) = expected.reference {
        if !reference_matches(&signed.docker_reference, reference) {
            return Verdict::OtherReference {
                signed: signed.docker_reference,
                expected: reference.to_string(),
            };
        }
    }
    match signer {
        Some(key) => Verdict::Verified(format!(
            "cosign signature by {} key over {}",
            key.describe(),
            signed.manifest_digest
        )),
        None => Verdict::NotVerifiable(crate::bundle::KEYLESS.to_string()),
    }
}

/// One layer of a signature manifest and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerVerdict {
    /// The layer's descriptor digest (the payload blob).
    pub digest: String,
    pub verdict: Verdict,
}

/// Every signature of a cosign signature manifest, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureManifest {
    pub layers: Vec<LayerVerdict>,
    /// Layers beyond [`MAX_SIGNATURE_LAYERS`], not looked at.
    pub skipped: usize,
}

impl SignatureManifest {
    /// Whether any signature verified.
    pub fn any_verified(&self) -> bool {
        self.layers.iter().any(|l| l.verdict.is_verified())
    }
}

/// Checks a cosign signature manifest (the `.sig` tag's manifest JSON):
/// each simple-signing layer's blob against its descriptor digest, then its
/// signature with any of `keys`. `Err` is a verdict about the manifest itself.
pub fn verify_signature_manifest(
    manifest: &[u8],
    blobs: &dyn BlobSource,
    keys: &[PublicKey],
    expected: Expected<'_>,
) -> Result<SignatureManifest, Verdict> {
    each_layer(manifest, blobs, expected, &|layer| {
        verify_layer_signature(
            layer.payload,
            layer.signature,
            keys,
            layer.certificate,
            expected,
        )
    })
}

/// One signature layer, its blob checked against its descriptor.
pub(crate) struct Layer<'a> {
    pub payload: &'a [u8],
    pub signature: &'a str,
    pub certificate: Option<&'a str>,
    pub annotations: Option<&'a serde_json::Value>,
}

/// Walks the layers of a signature manifest (capped), checking each
/// layer's shape and blob, and `verify` on the ones that pass.
pub(crate) fn each_layer(
    manifest: &[u8],
    blobs: &dyn BlobSource,
    expected: Expected<'_>,
    verify: &dyn Fn(&Layer<'_>) -> Verdict,
) -> Result<SignatureManifest, Verdict> {
    let value = json("cosign signature manifest", manifest, MAX_MANIFEST_BYTES)
        .map_err(Verdict::Malformed)?;
    let own_digest = sha256_digest(manifest);
    if own_digest == expected.manifest_digest {
        // Asked to check the signature manifest as its own image: a loop.
        return Err(Verdict::Malformed(format!(
            "signature manifest {own_digest} is the image it would sign"
        )));
    }
    let layers = value
        .get("layers")
        .and_then(|l| l.as_array())
        .ok_or_else(|| Verdict::malformed("cosign signature manifest has no layers array"))?;
    let mut out = Vec::new();
    for layer in layers.iter().take(MAX_SIGNATURE_LAYERS) {
        out.push(check_layer(layer, &own_digest, blobs, verify));
    }
    Ok(SignatureManifest {
        layers: out,
        skipped: layers.len().saturating_sub(MAX_SIGNATURE_LAYERS),
    })
}

fn check_layer(
    layer: &serde_json::Value,
    own_digest: &str,
    blobs: &dyn BlobSource,
    verify: &dyn Fn(&Layer<'_>) -> Verdict,
) -> LayerVerdict {
    let digest = layer
        .get("digest")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_string();
    let verdict = (|| {
        Digest::parse(&digest).map_err(|e| Verdict::Malformed(format!("signature layer: {e}")))?;
        let media_type = layer
            .get("mediaType")
            .and_then(|m| m.as_str())
            .unwrap_or_default();
        if media_type != SIMPLE_SIGNING_MEDIA_TYPE {
            return Err(Verdict::Malformed(format!(
                "signature layer {digest} has media type {:?}, not {SIMPLE_SIGNING_MEDIA_TYPE}",
                clip(media_type)
            )));
        }
        if digest == own_digest {
            return Err(Verdict::malformed(format!(
                "signature layer {digest} is the signature manifest itself"
            )));
        }
        let annotations = layer.get("annotations");
        let signature = annotations
            .and_then(|a| a.get(SIGNATURE_ANNOTATION))
            .and_then(|s| s.as_str())
            .ok_or_else(|| {
                Verdict::Malformed(format!(
                    "signature layer {digest} has no {SIGNATURE_ANNOTATION} annotation"
                ))
            })?;
        let certificate = annotations
            .and_then(|a| a.get(CERTIFICATE_ANNOTATION))
            .and_then(|c| c.as_str());
        let blob = blobs.blob(&digest).ok_or_else(|| {
            Verdict::Malformed(format!("signature layer blob {digest} is missing"))
        })?;
        if blob.len() > MAX_PAYLOAD_BYTES {
            return Err(Verdict::Malformed(format!(
                "signature layer blob {digest} is {} bytes, more than a payload",
                blob.len()
            )));
        }
        if !matches(&digest, &blob) {
            // The payload is not what the manifest pins: it was changed.
            return Err(Verdict::BadSignature(format!(
                "signature layer blob does not hash to {digest}"
            )));
        }
        Ok(verify(&Layer {
            payload: &blob,
            signature,
            certificate,
            annotations,
        }))
    })();
    LayerVerdict {
        digest,
        verdict: verdict.unwrap_or_else(|v| v),
    }
}

/// The tag cosign stores an image's signatures under: `sha256-<hex>.sig`.
pub fn signature_tag(manifest_digest: &str) -> Result<String, String> {
    let digest = Digest::parse(manifest_digest)?;
    Ok(format!("{}-{}.sig", digest.algorithm, digest.hex))
}

/// Whether a signed `docker-reference` names the same repository as the
/// policy's reference: tags and digests dropped, Docker Hub names
/// normalised (`nginx` is `docker.io/library/nginx`).
pub fn reference_matches(signed: &str, expected: &str) -> bool {
    normalise_repository(signed) == normalise_repository(expected)
}

fn normalise_repository(reference: &str) -> String {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    // A tag is a `:` after the last `/` (a `:` before it is a registry port).
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let name = match without_digest[last_slash..].find(':') {
        Some(i) => &without_digest[..last_slash + i],
        None => without_digest,
    };
    let (host, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first, rest.to_string())
        }
        _ => ("docker.io", name.to_string()),
    };
    let host = if host == "index.docker.io" || host == "registry-1.docker.io" {
        "docker.io"
    } else {
        host
    };
    let path = if host == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    format!("{}/{}", host.to_ascii_lowercase(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_docker() {
        assert!(reference_matches("nginx", "docker.io/library/nginx:1.25"));
        assert!(reference_matches(
            "index.docker.io/library/nginx",
            "nginx@sha256:abc"
        ));
        assert!(reference_matches(
            "localhost:5000/app",
            "localhost:5000/app:v1"
        ));
        assert!(!reference_matches(
            "localhost:5000/app",
            "localhost:5001/app"
        ));
        assert!(!reference_matches("ghcr.io/org/app", "ghcr.io/org/other"));
        assert!(!reference_matches("myorg/app", "docker.io/library/app"));
    }

    #[test]
    fn signature_tag_is_cosigns() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        assert_eq!(
            signature_tag(&digest),
            Ok(format!("sha256-{}.sig", "ab".repeat(32)))
        );
        assert!(signature_tag("sha256:short").is_err());
    }
}
