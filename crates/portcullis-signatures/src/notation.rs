//! Notation signatures: JWS JSON serialisation, flattened
//! (`application/jose+json`), with the signer's chain in `x5c`.

use std::collections::BTreeSet;

use crate::digest::clip;
use crate::encoding::{base64, base64url, json, str_at};
use crate::keys::{Hash, Scheme};
use crate::limits::{MAX_CHAIN_LENGTH, MAX_PAYLOAD_BYTES};
use crate::time::parse_rfc3339;
use crate::x509::{check_code_signing_leaf, leaf_public_key, verify_chain, TrustStore};
use crate::Verdict;

pub const ENVELOPE_MEDIA_TYPE: &str = "application/jose+json";
pub const SIGNATURE_ARTIFACT_TYPE: &str = "application/vnd.cncf.notary.signature";
pub const PAYLOAD_CONTENT_TYPE: &str = "application/vnd.cncf.notary.payload.v1+json";

const SIGNING_SCHEME: &str = "io.cncf.notary.signingScheme";
const SIGNING_TIME: &str = "io.cncf.notary.signingTime";
const AUTHENTIC_SIGNING_TIME: &str = "io.cncf.notary.authenticSigningTime";
const EXPIRY: &str = "io.cncf.notary.expiry";
const VERIFICATION_PLUGIN: &str = "io.cncf.notary.verificationPlugin";
const VERIFICATION_PLUGIN_MIN_VERSION: &str = "io.cncf.notary.verificationPluginMinVersion";

/// Verifies a Notation JWS envelope (its JSON bytes): the protected
/// header, the signature with the leaf of `x5c`, the chain up to the trust
/// store at the signing time, the signature's expiry at `now` (Unix
/// seconds), and that the payload's target is `expected_digest`.
pub fn verify_jws(envelope: &[u8], store: &TrustStore, expected_digest: &str, now: i64) -> Verdict {
    match verify_inner(envelope, store, expected_digest, now) {
        Ok(v) | Err(v) => v,
    }
}

fn verify_inner(
    envelope: &[u8],
    store: &TrustStore,
    expected_digest: &str,
    now: i64,
) -> Result<Verdict, Verdict> {
    let what = "Notation JWS envelope";
    let value = json(what, envelope, MAX_PAYLOAD_BYTES).map_err(Verdict::Malformed)?;
    let protected_b64 = str_at(&value, what, &["protected"]).map_err(Verdict::Malformed)?;
    let payload_b64 = str_at(&value, what, &["payload"]).map_err(Verdict::Malformed)?;
    let signature = base64url(
        "JWS signature",
        str_at(&value, what, &["signature"]).map_err(Verdict::Malformed)?,
    )
    .map_err(Verdict::Malformed)?;
    let protected_bytes =
        base64url("JWS protected header", protected_b64).map_err(Verdict::Malformed)?;
    let protected = json("JWS protected header", &protected_bytes, MAX_PAYLOAD_BYTES)
        .map_err(Verdict::Malformed)?;
    let header = check_protected_header(&protected).map_err(Verdict::Malformed)?;

    let x5c = value
        .get("header")
        .and_then(|h| h.get("x5c"))
        .and_then(|x| x.as_array())
        .ok_or_else(|| {
            Verdict::malformed(
                "Notation JWS envelope has no x5c certificate chain in its unprotected header",
            )
        })?;
    if x5c.len() > MAX_CHAIN_LENGTH {
        return Err(Verdict::Malformed(format!(
            "x5c has {} certificates, more than {MAX_CHAIN_LENGTH}",
            x5c.len()
        )));
    }
    let chain = x5c
        .iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| "x5c entry is not a string".to_string())
                .and_then(|c| base64("x5c certificate", c))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(Verdict::Malformed)?;
    // The signature first, with the leaf's key: a changed header or
    // payload is tampering whatever the chain says.
    let leaf_key = leaf_public_key(chain.first().map(Vec::as_slice).unwrap_or_default())?;
    // JWS signing input: the two base64url strings exactly as carried.
    let signing_input = format!("{protected_b64}.{payload_b64}");
    leaf_key
        .verify(header.scheme, signing_input.as_bytes(), &signature)
        .map_err(Verdict::BadSignature)?;
    let leaf = verify_chain(&chain, store, header.signing_time)?;
    check_code_signing_leaf(chain.first().map(Vec::as_slice).unwrap_or_default())?;

    if let Some(expiry) = header.expiry {
        if now > expiry {
            return Err(Verdict::Expired(format!(
                "the signature expired at {}",
                header.expiry_text
            )));
        }
    }
    let payload = base64url("JWS payload", payload_b64).map_err(Verdict::Malformed)?;
    let payload =
        json("Notation payload", &payload, MAX_PAYLOAD_BYTES).map_err(Verdict::Malformed)?;
    let target = str_at(&payload, "Notation payload", &["targetArtifact", "digest"])
        .map_err(Verdict::Malformed)?;
    if target != expected_digest {
        return Err(Verdict::OtherDigest {
            signed: target.to_string(),
            expected: expected_digest.to_string(),
        });
    }
    Ok(Verdict::Verified(format!(
        "Notation signature by {} over {target}",
        leaf.subject
    )))
}

/// Verifies a Notation signature manifest (a referrer of the image): its
/// subject is `expected_digest`, its `application/jose+json` layer hashes
/// to its descriptor, and the envelope verifies as [`verify_jws`] says.
pub fn verify_signature_manifest(
    manifest: &[u8],
    blobs: &dyn crate::BlobSource,
    store: &TrustStore,
    expected_digest: &str,
    now: i64,
) -> Verdict {
    match crate::referrers::signature_blob(manifest, blobs, expected_digest, &[ENVELOPE_MEDIA_TYPE])
    {
        Ok(envelope) => verify_jws(&envelope, store, expected_digest, now),
        Err(v) => v,
    }
}

struct Header {
    scheme: Scheme,
    signing_time: i64,
    expiry: Option<i64>,
    expiry_text: String,
}

fn check_protected_header(protected: &serde_json::Value) -> Result<Header, String> {
    let what = "JWS protected header";
    let alg = str_at(protected, what, &["alg"])?;
    let scheme = match alg {
        "PS256" => Scheme::RsaPss(Hash::Sha256),
        "PS384" => Scheme::RsaPss(Hash::Sha384),
        "PS512" => Scheme::RsaPss(Hash::Sha512),
        "ES256" => Scheme::EcdsaFixed(Hash::Sha256),
        "ES384" => Scheme::EcdsaFixed(Hash::Sha384),
        "ES512" => Scheme::EcdsaFixed(Hash::Sha512),
        _ => {
            return Err(format!(
                "{what}: alg {:?} is not one Notation allows",
                clip(alg)
            ))
        }
    };
    let cty = str_at(protected, what, &["cty"])?;
    if cty != PAYLOAD_CONTENT_TYPE {
        return Err(format!(
            "{what}: cty is {:?}, not {PAYLOAD_CONTENT_TYPE}",
            clip(cty)
        ));
    }
    let signing_scheme = str_at(protected, what, &[SIGNING_SCHEME])?;
    let time_header = match signing_scheme {
        "notary.x509" => SIGNING_TIME,
        "notary.x509.signingAuthority" => AUTHENTIC_SIGNING_TIME,
        _ => {
            return Err(format!(
                "{what}: signing scheme {:?} is not known",
                clip(signing_scheme)
            ))
        }
    };
    // Every critical header must be one we understand and present; the
    // ones that change the meaning of the signature must be critical.
    let crit: BTreeSet<&str> = protected
        .get("crit")
        .and_then(|c| c.as_array())
        .ok_or_else(|| format!("{what} has no crit list"))?
        .iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| format!("{what}: crit entry is not a string"))
        })
        .collect::<Result<_, _>>()?;
    let understood = [
        SIGNING_SCHEME,
        EXPIRY,
        AUTHENTIC_SIGNING_TIME,
        VERIFICATION_PLUGIN,
        VERIFICATION_PLUGIN_MIN_VERSION,
    ];
    for name in &crit {
        if !understood.contains(name) {
            return Err(format!(
                "{what}: critical header {:?} is not understood",
                clip(name)
            ));
        }
        if protected.get(*name).is_none() {
            return Err(format!("{what}: critical header {name:?} is missing"));
        }
    }
    if !crit.contains(SIGNING_SCHEME) {
        return Err(format!("{what}: {SIGNING_SCHEME} is not marked critical"));
    }
    if protected.get(EXPIRY).is_some() && !crit.contains(EXPIRY) {
        return Err(format!("{what}: {EXPIRY} is not marked critical"));
    }
    if protected.get(VERIFICATION_PLUGIN).is_some() {
        return Err(format!(
            "{what}: the signature needs a verification plugin, which portcullis does not run"
        ));
    }
    let signing_time = parse_rfc3339(str_at(protected, what, &[time_header])?)
        .map_err(|e| format!("{what}: {time_header}: {e}"))?;
    let (expiry, expiry_text) = match protected.get(EXPIRY).and_then(|e| e.as_str()) {
        Some(text) => (
            Some(parse_rfc3339(text).map_err(|e| format!("{what}: {EXPIRY}: {e}"))?),
            text.to_string(),
        ),
        None => (None, String::new()),
    };
    Ok(Header {
        scheme,
        signing_time,
        expiry,
        expiry_text,
    })
}
