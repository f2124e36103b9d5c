//! Keyless Sigstore bundles verified offline against a Sigstore trusted
//! root (the `trusted_root.json` that `cosign`/`sigstore-go` use, given by
//! the caller): the Fulcio chain at the time the transparency log
//! recorded the entry, that time proven by the log's signed entry
//! timestamp (verified with the log's key from the trusted root), the log
//! entry's body consistent with this signature, and the certificate's
//! identity (SAN and OIDC issuer) one the policy names.
//!
//! Not checked: inclusion proofs against a checkpoint, SCTs, RFC 3161
//! timestamps (bundles that only have those are not verifiable here).

use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::Certificate;

use crate::bundle::{open, own_certificate, verify_content};
use crate::digest::clip;
use crate::encoding::{base64, base64_any, json, str_at};
use crate::keys::{certificate_key, Hash, PublicKey, Scheme};
use crate::limits::{MAX_CHAIN_LENGTH, MAX_INDEX_ENTRIES, MAX_PAYLOAD_BYTES};
use crate::time::parse_rfc3339;
use crate::x509::{verify_chain, TrustStore};
use crate::{sha256_digest, Verdict};

const SAN: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.29.17");
const FULCIO_USERNAME: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");
const FULCIO_ISSUER_V1: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
const FULCIO_ISSUER_V2: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");

/// A certificate authority of the trusted root: its chain (intermediates
/// then root, DER) and when it was valid.
#[derive(Debug, Clone)]
struct Authority {
    chain: Vec<Vec<u8>>,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
}

/// A transparency log's key.
#[derive(Debug, Clone)]
struct Log {
    key_id: Vec<u8>,
    key: PublicKey,
}

/// The Fulcio authorities and Rekor logs trusted for keyless signatures.
#[derive(Debug, Clone)]
pub struct SigstoreTrustRoot {
    authorities: Vec<Authority>,
    logs: Vec<Log>,
}

/// An identity a keyless signature must carry: the certificate's SAN
/// (e-mail or URI, exactly) and its OIDC issuer (exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub subject: &'a str,
    pub issuer: &'a str,
}

impl SigstoreTrustRoot {
    /// Parses a Sigstore trusted root (`application/vnd.dev.sigstore.trustedroot+json`).
    pub fn from_json(bytes: &[u8]) -> Result<SigstoreTrustRoot, String> {
        let what = "Sigstore trusted root";
        let value = json(what, bytes, MAX_PAYLOAD_BYTES)?;
        let mut authorities = Vec::new();
        for ca in array(&value, "certificateAuthorities") {
            let chain = ca
                .pointer("/certChain/certificates")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
                .take(MAX_CHAIN_LENGTH)
                .map(|c| base64("trusted root certificate", str_at(c, what, &["rawBytes"])?))
                .collect::<Result<Vec<_>, _>>()?;
            if chain.is_empty() {
                return Err(format!(
                    "{what}: a certificate authority has no certificates"
                ));
            }
            authorities.push(Authority {
                chain,
                valid_from: time_at(ca, "/validFor/start")?,
                valid_until: time_at(ca, "/validFor/end")?,
            });
        }
        let mut logs = Vec::new();
        for log in array(&value, "tlogs") {
            let key_id = base64("tlog key id", str_at(log, what, &["logId", "keyId"])?)?;
            let der = base64(
                "tlog public key",
                str_at(log, what, &["publicKey", "rawBytes"])?,
            )?;
            logs.push(Log {
                key_id,
                key: PublicKey::from_spki_der(&der)?,
            });
        }
        if authorities.is_empty() || logs.is_empty() {
            return Err(format!(
                "{what} has no certificate authority or no transparency log"
            ));
        }
        Ok(SigstoreTrustRoot { authorities, logs })
    }
}

fn array<'a>(
    value: &'a serde_json::Value,
    key: &str,
) -> impl Iterator<Item = &'a serde_json::Value> {
    value
        .get(key)
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .take(MAX_INDEX_ENTRIES)
}

fn time_at(value: &serde_json::Value, pointer: &str) -> Result<Option<i64>, String> {
    value
        .pointer(pointer)
        .and_then(|t| t.as_str())
        .map(parse_rfc3339)
        .transpose()
}

/// Verifies a keyless bundle: content signed by its certificate and about
/// `expected_digest`, a log entry for it signed by a trusted log, the
/// certificate chaining to a trusted authority at the logged time, and
/// its identity one of `identities`.
pub fn verify_keyless_bundle(
    bundle: &[u8],
    root: &SigstoreTrustRoot,
    identities: &[Identity<'_>],
    expected_digest: &str,
) -> Verdict {
    match verify_inner(bundle, root, identities, expected_digest) {
        Ok(v) | Err(v) => v,
    }
}

fn verify_inner(
    bundle: &[u8],
    root: &SigstoreTrustRoot,
    identities: &[Identity<'_>],
    expected_digest: &str,
) -> Result<Verdict, Verdict> {
    let value = open(bundle)?;
    let material = &value["verificationMaterial"];
    let leaf_der = own_certificate(material).ok_or_else(|| {
        Verdict::malformed("Sigstore bundle has no certificate: not a keyless bundle")
    })??;
    let leaf_key = certificate_key(&leaf_der)?;
    // Content first: a changed payload is tampering whatever else holds.
    let content = verify_content(&value, std::slice::from_ref(&leaf_key), expected_digest);
    if !content.is_verified() {
        return Err(content);
    }
    let (integrated_time, log_index) = verified_log_time(&value, material, root, &leaf_der)?;

    let signer = trust_certificate(root, &leaf_der, integrated_time, identities)?;
    Ok(Verdict::Verified(format!(
        "keyless signature by {signer}, transparency log entry {log_index}, over {expected_digest}"
    )))
}

/// Checks a Fulcio certificate: it chains to a trusted authority at
/// `integrated_time` and names one of `identities`. `Ok` describes the
/// signer.
fn trust_certificate(
    root: &SigstoreTrustRoot,
    leaf_der: &[u8],
    integrated_time: i64,
    identities: &[Identity<'_>],
) -> Result<String, Verdict> {
    let mut last = Verdict::Untrusted("no trusted certificate authority".to_string());
    let mut chained = false;
    for authority in &root.authorities {
        if authority.valid_from.is_some_and(|t| integrated_time < t)
            || authority.valid_until.is_some_and(|t| integrated_time > t)
        {
            continue;
        }
        let Some(root_der) = authority.chain.last() else {
            continue;
        };
        let mut store = TrustStore::default();
        store.add_der(root_der).map_err(Verdict::Malformed)?;
        let mut chain = vec![leaf_der.to_vec()];
        chain.extend(authority.chain.iter().cloned());
        match verify_chain(&chain, &store, integrated_time) {
            Ok(_) => {
                chained = true;
                break;
            }
            Err(v) => last = v,
        }
    }
    if !chained {
        return Err(last);
    }

    let leaf = Certificate::from_der(leaf_der)
        .map_err(|e| Verdict::Malformed(format!("certificate: {e}")))?;
    let (subjects, issuer) = identity_of(&leaf)?;
    let Some(issuer) = issuer else {
        return Err(Verdict::Untrusted(format!(
            "keyless signature by {}: the certificate names no OIDC issuer",
            subjects.join(", ")
        )));
    };
    let signer = format!("{} (issuer {issuer})", subjects.join(", "));
    if identities.is_empty() {
        return Err(Verdict::Untrusted(format!(
            "keyless signature by {signer}: no identity is configured"
        )));
    }
    let trusted = identities
        .iter()
        .any(|id| id.issuer == issuer && subjects.iter().any(|s| s == id.subject));
    if !trusted {
        return Err(Verdict::Untrusted(format!(
            "keyless signature by {signer}, not a configured identity"
        )));
    }
    Ok(signer)
}

/// The SAN e-mails and URIs of a Fulcio certificate, and its OIDC issuer.
fn identity_of(cert: &Certificate) -> Result<(Vec<String>, Option<String>), Verdict> {
    let mut subjects = Vec::new();
    let mut issuer = None;
    for extension in cert.tbs_certificate.extensions.iter().flatten() {
        let bytes = extension.extn_value.as_bytes();
        if extension.extn_id == SAN {
            let san = SubjectAltName::from_der(bytes)
                .map_err(|e| Verdict::Malformed(format!("certificate SAN: {e}")))?;
            for name in san.0.iter().take(16) {
                match name {
                    GeneralName::Rfc822Name(email) => subjects.push(email.to_string()),
                    GeneralName::UniformResourceIdentifier(uri) => subjects.push(uri.to_string()),
                    // Fulcio's username SAN: an OtherName holding a UTF8String.
                    GeneralName::OtherName(other) if other.type_id == FULCIO_USERNAME => {
                        if let Ok(name) = other.value.decode_as::<der::asn1::Utf8StringRef<'_>>() {
                            subjects.push(name.as_str().to_string());
                        }
                    }
                    _ => {}
                }
            }
        } else if extension.extn_id == FULCIO_ISSUER_V2 {
            let value = der::asn1::Utf8StringRef::from_der(bytes)
                .map_err(|e| Verdict::Malformed(format!("certificate OIDC issuer: {e}")))?;
            issuer = Some(value.as_str().to_string());
        } else if extension.extn_id == FULCIO_ISSUER_V1 && issuer.is_none() {
            // The first version stored the issuer as raw bytes.
            issuer = Some(String::from_utf8_lossy(bytes).into_owned());
        }
    }
    if subjects.is_empty() {
        return Err(Verdict::malformed(
            "keyless certificate has no e-mail, URI or username SAN",
        ));
    }
    Ok((subjects, issuer))
}

/// The time a trusted log recorded this signature: the first log entry
/// whose signed entry timestamp verifies with a trusted log key and whose
/// body is this signature.
fn verified_log_time(
    bundle: &serde_json::Value,
    material: &serde_json::Value,
    root: &SigstoreTrustRoot,
    leaf_der: &[u8],
) -> Result<(i64, i64), Verdict> {
    let entries = material
        .get("tlogEntries")
        .and_then(|e| e.as_array())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Verdict::NotVerifiable("keyless bundle has no transparency log entry".to_string())
        })?;
    let mut last = Verdict::NotVerifiable(
        "no transparency log entry has a signed entry timestamp".to_string(),
    );
    for entry in entries.iter().take(8) {
        match check_entry(bundle, entry, root, leaf_der) {
            Ok(found) => return Ok(found),
            Err(v) => last = v,
        }
    }
    Err(last)
}

/// Verifies a signed entry timestamp with the trusted log `key_id` names;
/// `Ok` is the decoded entry body it covers.
fn verify_set(
    root: &SigstoreTrustRoot,
    key_id: &[u8],
    body: &str,
    integrated_time: i64,
    log_index: i64,
    set: &[u8],
) -> Result<serde_json::Value, Verdict> {
    let what = "transparency log entry";
    let log = root
        .logs
        .iter()
        .find(|l| l.key_id == key_id)
        .ok_or_else(|| {
            Verdict::Untrusted(format!("{what} is from a log not in the trusted root"))
        })?;
    // What Rekor signs: the canonical JSON (sorted keys, no spaces) of these
    // four fields.
    let log_id_hex: String = key_id.iter().map(|b| format!("{b:02x}")).collect();
    let signed = serde_json::to_vec(&serde_json::json!({
        "body": body,
        "integratedTime": integrated_time,
        "logID": log_id_hex,
        "logIndex": log_index,
    }))
    .map_err(|e| Verdict::Malformed(format!("{what}: {e}")))?;
    log.key
        .verify(Scheme::EcdsaDer(Hash::Sha256), &signed, set)
        .or_else(|_| log.key.verify(log.key.cosign_scheme(), &signed, set))
        .map_err(|e| Verdict::BadSignature(format!("signed entry timestamp: {e}")))?;
    let body = base64("log entry body", body).map_err(Verdict::Malformed)?;
    json("log entry body", &body, MAX_PAYLOAD_BYTES).map_err(Verdict::Malformed)
}

fn check_entry(
    bundle: &serde_json::Value,
    entry: &serde_json::Value,
    root: &SigstoreTrustRoot,
    leaf_der: &[u8],
) -> Result<(i64, i64), Verdict> {
    let what = "transparency log entry";
    let malformed = Verdict::Malformed;
    let number = |key: &str| -> Result<i64, Verdict> {
        match entry.get(key) {
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            _ => None,
        }
        .ok_or_else(|| Verdict::Malformed(format!("{what}: {key} is not a number")))
    };
    let integrated_time = number("integratedTime")?;
    let log_index = number("logIndex")?;
    let key_id = base64(
        "log id",
        str_at(entry, what, &["logId", "keyId"]).map_err(malformed)?,
    )
    .map_err(malformed)?;
    let body = str_at(entry, what, &["canonicalizedBody"]).map_err(malformed)?;
    let set = match entry
        .pointer("/inclusionPromise/signedEntryTimestamp")
        .and_then(|s| s.as_str())
    {
        Some(set) => base64("signed entry timestamp", set).map_err(malformed)?,
        None => {
            return Err(Verdict::NotVerifiable(format!(
                "{what} has no signed entry timestamp"
            )))
        }
    };
    let body = verify_set(root, &key_id, body, integrated_time, log_index, &set)?;
    body_matches(bundle, &body, leaf_der)
        .map_err(|e| Verdict::BadSignature(format!("{what} {log_index}: {e}")))?;
    Ok((integrated_time, log_index))
}

/// Whether a log entry body (hashedrekord, dsse or intoto) records this
/// bundle's signature, by this certificate.
fn body_matches(
    bundle: &serde_json::Value,
    body: &serde_json::Value,
    leaf_der: &[u8],
) -> Result<(), String> {
    let kind = body
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default();
    let spec = body.get("spec").ok_or("has no spec")?;
    let same_cert = |pem_b64: Option<&str>| -> bool {
        pem_b64
            .and_then(|p| base64_any("", p).ok())
            .and_then(|pem| certificate_der(&pem))
            .is_some_and(|der| der == leaf_der)
    };
    match (
        kind,
        bundle.get("messageSignature"),
        bundle.get("dsseEnvelope"),
    ) {
        ("hashedrekord", Some(message), None) => {
            let digest = base64_any(
                "",
                message
                    .pointer("/messageDigest/digest")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default(),
            )?;
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let signature = message
                .get("signature")
                .and_then(|s| s.as_str())
                .unwrap_or_default();
            if spec.pointer("/data/hash/value").and_then(|v| v.as_str()) != Some(hex.as_str()) {
                return Err("records another artifact digest".to_string());
            }
            if decoded(spec.pointer("/signature/content")) != base64_any("", signature).ok() {
                return Err("records another signature".to_string());
            }
            if !same_cert(
                spec.pointer("/signature/publicKey/content")
                    .and_then(|c| c.as_str()),
            ) {
                return Err("records another certificate".to_string());
            }
            Ok(())
        }
        ("dsse" | "intoto", None, Some(envelope)) => {
            let payload = base64_any(
                "",
                envelope
                    .get("payload")
                    .and_then(|p| p.as_str())
                    .unwrap_or_default(),
            )?;
            let payload_hash = sha256_digest(&payload);
            let signatures: Vec<Vec<u8>> = envelope
                .get("signatures")
                .and_then(|s| s.as_array())
                .into_iter()
                .flatten()
                .filter_map(|s| base64_any("", s.get("sig")?.as_str()?).ok())
                .collect();
            let (recorded_hash, recorded): (Option<&str>, Vec<RecordedSignature<'_>>) =
                if kind == "dsse" {
                    (
                        spec.pointer("/payloadHash/value").and_then(|v| v.as_str()),
                        spec.get("signatures")
                            .and_then(|s| s.as_array())
                            .into_iter()
                            .flatten()
                            .map(|s| {
                                (
                                    decoded(s.get("signature")),
                                    s.get("verifier").and_then(|v| v.as_str()),
                                )
                            })
                            .collect(),
                    )
                } else {
                    // intoto 0.0.2 keeps the envelope's base64 signature, base64
                    // encoded again.
                    (
                        spec.pointer("/content/payloadHash/value")
                            .and_then(|v| v.as_str()),
                        spec.pointer("/content/envelope/signatures")
                            .and_then(|s| s.as_array())
                            .into_iter()
                            .flatten()
                            .map(|s| {
                                let once = decoded(s.get("sig"));
                                let twice = once
                                    .and_then(|b| String::from_utf8(b).ok())
                                    .and_then(|t| base64_any("", &t).ok());
                                (twice, s.get("publicKey").and_then(|v| v.as_str()))
                            })
                            .collect(),
                    )
                };
            if recorded_hash.map(|h| format!("sha256:{h}")) != Some(payload_hash) {
                return Err("records another payload".to_string());
            }
            let matched = recorded.iter().any(|(sig, cert)| {
                sig.as_ref().is_some_and(|s| signatures.contains(s)) && same_cert(*cert)
            });
            if !matched {
                return Err("records another signature or certificate".to_string());
            }
            Ok(())
        }
        (kind, _, _) => Err(format!(
            "kind {:?} does not match the bundle's content",
            clip(kind)
        )),
    }
}

/// A signature a log entry records, decoded, and its certificate (base64 PEM).
type RecordedSignature<'a> = (Option<Vec<u8>>, Option<&'a str>);

fn decoded(value: Option<&serde_json::Value>) -> Option<Vec<u8>> {
    base64_any("", value?.as_str()?).ok()
}

/// The DER of a PEM (or DER) certificate.
fn certificate_der(bytes: &[u8]) -> Option<Vec<u8>> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN") => crate::encoding::pem_blocks(text)
            .ok()?
            .into_iter()
            .find(|(label, _)| label == "CERTIFICATE")
            .map(|(_, der)| der),
        _ => Some(bytes.to_vec()),
    }
}

pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";

/// Verifies the keyless signatures of a cosign legacy signature manifest
/// (the `.sig` tag): each layer's signature with the certificate in its
/// `dev.sigstore.cosign/certificate` annotation, the Rekor bundle in its
/// `dev.sigstore.cosign/bundle` annotation (signed entry timestamp, body
/// recording this signature), the certificate's chain at the logged time
/// and its identity.
pub fn verify_keyless_signature_manifest(
    manifest: &[u8],
    blobs: &dyn crate::BlobSource,
    root: &SigstoreTrustRoot,
    identities: &[Identity<'_>],
    expected: crate::cosign::Expected<'_>,
) -> Result<crate::cosign::SignatureManifest, Verdict> {
    crate::cosign::each_layer(
        manifest,
        blobs,
        expected,
        &|layer| match verify_legacy_layer(layer, root, identities, expected) {
            Ok(v) | Err(v) => v,
        },
    )
}

fn verify_legacy_layer(
    layer: &crate::cosign::Layer<'_>,
    root: &SigstoreTrustRoot,
    identities: &[Identity<'_>],
    expected: crate::cosign::Expected<'_>,
) -> Result<Verdict, Verdict> {
    let certificate = layer.certificate.ok_or_else(|| {
        Verdict::NotVerifiable("not a keyless signature: no certificate".to_string())
    })?;
    // The signature with the layer's own certificate, and what it signs.
    let content = crate::cosign::verify_layer_signature(
        layer.payload,
        layer.signature,
        &[],
        Some(certificate),
        expected,
    );
    if content != Verdict::NotVerifiable(crate::bundle::KEYLESS.to_string()) {
        return Err(content);
    }
    let leaf_der = certificate_der(certificate.as_bytes())
        .ok_or_else(|| Verdict::malformed("certificate annotation is not a PEM certificate"))?;
    let bundle = layer
        .annotations
        .and_then(|a| a.get(BUNDLE_ANNOTATION))
        .and_then(|b| b.as_str())
        .ok_or_else(|| {
            Verdict::NotVerifiable(format!(
                "keyless signature has no {BUNDLE_ANNOTATION} annotation"
            ))
        })?;
    let what = "cosign Rekor bundle";
    let bundle = json(what, bundle.as_bytes(), MAX_PAYLOAD_BYTES).map_err(Verdict::Malformed)?;
    let set = base64(
        "signed entry timestamp",
        str_at(&bundle, what, &["SignedEntryTimestamp"]).map_err(Verdict::Malformed)?,
    )
    .map_err(Verdict::Malformed)?;
    let body = str_at(&bundle, what, &["Payload", "body"]).map_err(Verdict::Malformed)?;
    let number = |key: &str| {
        bundle
            .pointer(&format!("/Payload/{key}"))
            .and_then(|n| n.as_i64())
            .ok_or_else(|| Verdict::Malformed(format!("{what}: Payload.{key} is not a number")))
    };
    let integrated_time = number("integratedTime")?;
    let log_index = number("logIndex")?;
    let log_id = str_at(&bundle, what, &["Payload", "logID"]).map_err(Verdict::Malformed)?;
    let key_id =
        hex_bytes(log_id).ok_or_else(|| Verdict::Malformed(format!("{what}: logID is not hex")))?;
    let body = verify_set(root, &key_id, body, integrated_time, log_index, &set)?;
    let spec = body
        .get("spec")
        .ok_or_else(|| Verdict::malformed("log entry body has no spec"))?;
    let kind = body
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default();
    let recorded = |pointer: &str| spec.pointer(pointer).and_then(|v| v.as_str());
    let mismatch = |what_differs: &str| {
        Verdict::BadSignature(format!(
            "transparency log entry {log_index}: records another {what_differs}"
        ))
    };
    if !matches!(kind, "rekord" | "hashedrekord") {
        return Err(Verdict::BadSignature(format!(
            "transparency log entry {log_index}: kind {:?} is not a signature record",
            clip(kind)
        )));
    }
    if recorded("/data/hash/value").map(|h| format!("sha256:{h}"))
        != Some(sha256_digest(layer.payload))
    {
        return Err(mismatch("payload"));
    }
    if recorded("/signature/content").and_then(|c| base64_any("", c).ok())
        != base64_any("", layer.signature).ok()
    {
        return Err(mismatch("signature"));
    }
    let recorded_cert = recorded("/signature/publicKey/content")
        .and_then(|c| base64_any("", c).ok())
        .and_then(|pem| certificate_der(&pem));
    if recorded_cert.as_deref() != Some(leaf_der.as_slice()) {
        return Err(mismatch("certificate"));
    }
    let signer = trust_certificate(root, &leaf_der, integrated_time, identities)?;
    Ok(Verdict::Verified(format!(
        "keyless cosign signature by {signer}, transparency log entry {log_index}, over {}",
        expected.manifest_digest
    )))
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > 128 {
        return None;
    }
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}
