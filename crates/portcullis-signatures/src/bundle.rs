//! Sigstore bundles (cosign v2 `--new-bundle-format`, sigstore-go,
//! sigstore-js): a DSSE envelope or a message signature, key-based.
//!
//! Keyless bundles (a Fulcio certificate in `verificationMaterial`) are
//! checked with their own certificate's key, which tells intact content
//! from changed content, and then reported as [`Verdict::NotVerifiable`]:
//! trusting them needs the Fulcio chain, the signer's identity *and* a
//! transparency-log proof of when the short-lived certificate was used:
//! [`crate::keyless::verify_keyless_bundle`] checks those against a
//! Sigstore trusted root.

use crate::digest::clip;
use crate::dsse::{parse_envelope, verify_statement_envelope};
use crate::encoding::{base64, json, str_at};
use crate::keys::{certificate_key, first_verifying, PublicKey};
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::{Digest, Verdict};

pub const MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
];

/// The verdict of a keyless bundle checked without a Sigstore trusted root.
pub const KEYLESS: &str = "keyless: not verifiable offline without a trust root";

/// Verifies a bundle (its JSON bytes) with any of `keys`: that it signs
/// `expected_digest` (`sha256:<hex>`: the image manifest digest for
/// images, the artifact digest for message signatures).
pub fn verify_bundle(bundle: &[u8], keys: &[PublicKey], expected_digest: &str) -> Verdict {
    let value = match open(bundle) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let material = &value["verificationMaterial"];
    let own_key;
    let keyless = own_certificate(material).is_some();
    let keys = match own_certificate(material) {
        Some(Ok(der)) => {
            own_key = match certificate_key(&der) {
                Ok(k) => [k],
                Err(v) => return v,
            };
            &own_key[..]
        }
        Some(Err(v)) => return v,
        None if material.get("publicKey").is_some() => keys,
        None => {
            return Verdict::malformed(
                "Sigstore bundle verificationMaterial has no publicKey, certificate or chain",
            )
        }
    };
    let verdict = verify_content(&value, keys, expected_digest);
    match verdict {
        // Intact and about this image, but by an identity not checked.
        Verdict::Verified(_) if keyless => Verdict::NotVerifiable(KEYLESS.to_string()),
        other => other,
    }
}

/// Verifies a Sigstore bundle stored as an OCI 1.1 referrer (cosign
/// `--new-bundle-format`): the manifest's subject is `expected_digest`, its
/// bundle layer hashes to its descriptor, and the bundle verifies as
/// [`verify_bundle`] says.
pub fn verify_bundle_manifest(
    manifest: &[u8],
    blobs: &dyn crate::BlobSource,
    keys: &[PublicKey],
    expected_digest: &str,
) -> Verdict {
    match crate::referrers::signature_blob(manifest, blobs, expected_digest, MEDIA_TYPES) {
        Ok(bundle) => verify_bundle(&bundle, keys, expected_digest),
        Err(v) => v,
    }
}

/// Parses a bundle and checks its media type and that it has
/// verification material.
pub(crate) fn open(bundle: &[u8]) -> Result<serde_json::Value, Verdict> {
    let value =
        json("Sigstore bundle", bundle, MAX_PAYLOAD_BYTES * 16).map_err(Verdict::Malformed)?;
    let media_type =
        str_at(&value, "Sigstore bundle", &["mediaType"]).map_err(Verdict::Malformed)?;
    if !MEDIA_TYPES.contains(&media_type) {
        return Err(Verdict::Malformed(format!(
            "Sigstore bundle media type {:?} is not known",
            clip(media_type)
        )));
    }
    if value.get("verificationMaterial").is_none() {
        return Err(Verdict::malformed(
            "Sigstore bundle has no verificationMaterial",
        ));
    }
    Ok(value)
}

/// The DER signing certificate of a keyless bundle (v0.3 `certificate`,
/// v0.1/v0.2 the first of `x509CertificateChain`), if it has one.
pub(crate) fn own_certificate(material: &serde_json::Value) -> Option<Result<Vec<u8>, Verdict>> {
    let certificate = material
        .get("certificate")
        .or_else(|| material.pointer("/x509CertificateChain/certificates/0"))?;
    Some(
        str_at(certificate, "Sigstore bundle certificate", &["rawBytes"])
            .and_then(|raw| base64("Sigstore bundle certificate", raw))
            .map_err(Verdict::Malformed),
    )
}

pub(crate) fn verify_content(
    value: &serde_json::Value,
    keys: &[PublicKey],
    expected_digest: &str,
) -> Verdict {
    match (value.get("dsseEnvelope"), value.get("messageSignature")) {
        (Some(envelope), None) => match parse_envelope(envelope) {
            Ok(envelope) => verify_statement_envelope(&envelope, keys, expected_digest),
            Err(e) => Verdict::Malformed(e),
        },
        (None, Some(message)) => verify_message_signature(message, keys, expected_digest),
        (Some(_), Some(_)) => {
            Verdict::malformed("Sigstore bundle has both dsseEnvelope and messageSignature")
        }
        (None, None) => {
            Verdict::malformed("Sigstore bundle has neither dsseEnvelope nor messageSignature")
        }
    }
}

fn verify_message_signature(
    message: &serde_json::Value,
    keys: &[PublicKey],
    expected_digest: &str,
) -> Verdict {
    let what = "Sigstore messageSignature";
    let expected = match Digest::parse(expected_digest) {
        Ok(d) => d,
        Err(e) => return Verdict::Malformed(format!("expected digest: {e}")),
    };
    let algorithm = match str_at(message, what, &["messageDigest", "algorithm"]) {
        Ok(a) => a,
        Err(e) => return Verdict::Malformed(e),
    };
    let hash_name = match algorithm {
        "SHA2_256" => "sha256",
        "SHA2_384" => "sha384",
        "SHA2_512" => "sha512",
        _ => {
            return Verdict::Malformed(format!(
                "{what}: digest algorithm {:?} is not supported",
                clip(algorithm)
            ))
        }
    };
    let digest = match str_at(message, what, &["messageDigest", "digest"])
        .and_then(|d| base64("message digest", d))
    {
        Ok(d) => d,
        Err(e) => return Verdict::Malformed(e),
    };
    let signature =
        match str_at(message, what, &["signature"]).and_then(|s| base64("message signature", s)) {
            Ok(s) => s,
            Err(e) => return Verdict::Malformed(e),
        };
    use crate::keys::{Hash, Scheme};
    if keys.is_empty() {
        return Verdict::Untrusted(crate::keys::NO_KEY.to_string());
    }
    let hash = match hash_name {
        "sha256" => Hash::Sha256,
        "sha384" => Hash::Sha384,
        _ => Hash::Sha512,
    };
    let key = match first_verifying(keys, |key| {
        let scheme = match key {
            PublicKey::Rsa(_) => Scheme::RsaPkcs1(hash),
            _ => Scheme::EcdsaDer(hash),
        };
        key.verify_prehashed(scheme, &digest, &signature)
    }) {
        Ok(key) => key,
        Err(e) => return Verdict::BadSignature(e),
    };
    let signed_hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    if hash_name != expected.algorithm || signed_hex != expected.hex {
        return Verdict::OtherDigest {
            signed: format!("{hash_name}:{signed_hex}"),
            expected: expected.to_string(),
        };
    }
    Verdict::Verified(format!(
        "message signature by {} key over {expected}",
        key.describe()
    ))
}
