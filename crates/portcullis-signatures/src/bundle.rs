//! Sigstore bundles (cosign v2 `--new-bundle-format`, sigstore-go,
//! sigstore-js): a DSSE envelope or a message signature, key-based.
//!
//! Keyless bundles (a Fulcio certificate in `verificationMaterial`) are
//! reported as [`Verdict::NotVerifiable`]: checking them needs the Fulcio
//! chain *and* a transparency-log or timestamp proof of when the
//! short-lived certificate was used, which this crate does not verify.

use crate::digest::clip;
use crate::dsse::{parse_envelope, verify_statement_envelope};
use crate::encoding::{base64, json, str_at};
use crate::keys::PublicKey;
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::{Digest, Verdict};

pub const MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
];

pub const KEYLESS: &str = "keyless: not verifiable offline without a trust root";

/// Verifies a bundle (its JSON bytes) with `key`: that it signs
/// `expected_digest` (`sha256:<hex>`: the image manifest digest for
/// images, the artifact digest for message signatures).
pub fn verify_bundle(bundle: &[u8], key: &PublicKey, expected_digest: &str) -> Verdict {
    let value = match json("Sigstore bundle", bundle, MAX_PAYLOAD_BYTES * 16) {
        Ok(v) => v,
        Err(e) => return Verdict::Malformed(e),
    };
    let media_type = match str_at(&value, "Sigstore bundle", &["mediaType"]) {
        Ok(m) => m,
        Err(e) => return Verdict::Malformed(e),
    };
    if !MEDIA_TYPES.contains(&media_type) {
        return Verdict::Malformed(format!(
            "Sigstore bundle media type {:?} is not known",
            clip(media_type)
        ));
    }
    let Some(material) = value.get("verificationMaterial") else {
        return Verdict::malformed("Sigstore bundle has no verificationMaterial");
    };
    if material.get("certificate").is_some() || material.get("x509CertificateChain").is_some() {
        return Verdict::NotVerifiable(KEYLESS.to_string());
    }
    if material.get("publicKey").is_none() {
        return Verdict::malformed(
            "Sigstore bundle verificationMaterial has no publicKey, certificate or chain",
        );
    }
    match (value.get("dsseEnvelope"), value.get("messageSignature")) {
        (Some(envelope), None) => match parse_envelope(envelope) {
            Ok(envelope) => verify_statement_envelope(&envelope, key, expected_digest),
            Err(e) => Verdict::Malformed(e),
        },
        (None, Some(message)) => verify_message_signature(message, key, expected_digest),
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
    key: &PublicKey,
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
    let scheme = match (key, hash_name) {
        (PublicKey::Rsa(_), "sha256") => crate::keys::Scheme::RsaPkcs1(crate::keys::Hash::Sha256),
        (PublicKey::Rsa(_), "sha384") => crate::keys::Scheme::RsaPkcs1(crate::keys::Hash::Sha384),
        (PublicKey::Rsa(_), _) => crate::keys::Scheme::RsaPkcs1(crate::keys::Hash::Sha512),
        (_, "sha256") => crate::keys::Scheme::EcdsaDer(crate::keys::Hash::Sha256),
        (_, "sha384") => crate::keys::Scheme::EcdsaDer(crate::keys::Hash::Sha384),
        _ => crate::keys::Scheme::EcdsaDer(crate::keys::Hash::Sha512),
    };
    if let Err(e) = key.verify_prehashed(scheme, &digest, &signature) {
        return Verdict::BadSignature(e);
    }
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
