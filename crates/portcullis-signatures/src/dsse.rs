//! DSSE envelopes (Sigstore bundles, in-toto attestations) and in-toto
//! statements.

use crate::digest::clip;
use crate::encoding::{base64_any, json, str_at};
use crate::keys::{first_verifying, PublicKey};
use crate::limits::{MAX_DSSE_SIGNATURES, MAX_PAYLOAD_BYTES, MAX_STATEMENT_BYTES};
use crate::{Digest, Verdict};

pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The bytes DSSE signs: `DSSEv1 <len> <type> <len> <payload>`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(
        format!(
            "DSSEv1 {} {} {} ",
            payload_type.len(),
            payload_type,
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// A decoded envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
}

/// Decodes an envelope from its JSON value (`payloadType`, `payload`,
/// `signatures[].sig`).
pub fn parse_envelope(value: &serde_json::Value) -> Result<Envelope, String> {
    let what = "DSSE envelope";
    let payload_type = str_at(value, what, &["payloadType"])?.to_string();
    let payload = base64_any("DSSE payload", str_at(value, what, &["payload"])?)?;
    let sigs = value
        .get("signatures")
        .and_then(|s| s.as_array())
        .ok_or_else(|| format!("{what} has no signatures array"))?;
    if sigs.is_empty() {
        return Err(format!("{what} has no signatures"));
    }
    let signatures = sigs
        .iter()
        .take(MAX_DSSE_SIGNATURES)
        .map(|s| base64_any("DSSE signature", str_at(s, "DSSE signature", &["sig"])?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Envelope {
        payload_type,
        payload,
        signatures,
    })
}

/// Verifies an envelope with any of `keys`: at least one signature over
/// the PAE bytes. `Ok` is the key that verified it.
pub fn verify_envelope<'k>(
    envelope: &Envelope,
    keys: &'k [PublicKey],
) -> Result<&'k PublicKey, Verdict> {
    if keys.is_empty() {
        return Err(Verdict::Untrusted(crate::keys::NO_KEY.to_string()));
    }
    let message = pae(&envelope.payload_type, &envelope.payload);
    first_verifying(keys, |key| {
        let mut last = String::new();
        for signature in &envelope.signatures {
            match key.verify(key.cosign_scheme(), &message, signature) {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        Err(last)
    })
    .map_err(|e| Verdict::BadSignature(format!("no DSSE signature verifies: {e}")))
}

/// An in-toto statement's subject digests and predicate type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub statement_type: String,
    pub predicate_type: String,
    /// `(algorithm, hex)` of every subject digest.
    pub subject_digests: Vec<(String, String)>,
}

impl Statement {
    /// Whether a subject has `digest` (`sha256:<hex>`, also sha512).
    pub fn has_subject(&self, digest: &Digest) -> bool {
        self.subject_digests
            .iter()
            .any(|(a, h)| *a == digest.algorithm && *h == digest.hex)
    }

    /// The subject digests as `algorithm:hex`, for messages.
    pub fn subjects(&self) -> String {
        let all: Vec<String> = self
            .subject_digests
            .iter()
            .take(4)
            .map(|(a, h)| format!("{a}:{h}"))
            .collect();
        if all.is_empty() {
            "no subject digest".to_string()
        } else {
            all.join(", ")
        }
    }
}

/// Parses an in-toto statement (v0.1 or v1).
pub fn parse_statement(bytes: &[u8]) -> Result<Statement, String> {
    let what = "in-toto statement";
    let value = json(what, bytes, MAX_STATEMENT_BYTES)?;
    let statement_type = str_at(&value, what, &["_type"])?;
    if !statement_type.starts_with("https://in-toto.io/Statement/") {
        return Err(format!(
            "{what}: _type is {:?}, not an in-toto statement",
            clip(statement_type)
        ));
    }
    let predicate_type = str_at(&value, what, &["predicateType"])?.to_string();
    let subjects = value
        .get("subject")
        .and_then(|s| s.as_array())
        .ok_or_else(|| format!("{what} has no subject array"))?;
    let mut subject_digests = Vec::new();
    for subject in subjects.iter().take(crate::limits::MAX_INDEX_ENTRIES) {
        if let Some(digests) = subject.get("digest").and_then(|d| d.as_object()) {
            for (algorithm, hex) in digests {
                if let Some(hex) = hex.as_str() {
                    subject_digests.push((algorithm.clone(), hex.to_ascii_lowercase()));
                }
            }
        }
    }
    Ok(Statement {
        statement_type: statement_type.to_string(),
        predicate_type,
        subject_digests,
    })
}

/// Verifies a DSSE envelope (JSON bytes, as a layer or file holds it)
/// carrying an in-toto statement about `expected_digest`.
pub fn verify_attestation(
    envelope_json: &[u8],
    keys: &[PublicKey],
    expected_digest: &str,
) -> Verdict {
    let value = match json("DSSE envelope", envelope_json, MAX_STATEMENT_BYTES) {
        Ok(v) => v,
        Err(e) => return Verdict::Malformed(e),
    };
    match parse_envelope(&value) {
        Ok(envelope) => verify_statement_envelope(&envelope, keys, expected_digest),
        Err(e) => Verdict::Malformed(e),
    }
}

pub(crate) fn verify_statement_envelope(
    envelope: &Envelope,
    keys: &[PublicKey],
    expected_digest: &str,
) -> Verdict {
    let expected = match Digest::parse(expected_digest) {
        Ok(d) => d,
        Err(e) => return Verdict::Malformed(format!("expected digest: {e}")),
    };
    let key = match verify_envelope(envelope, keys) {
        Ok(key) => key,
        Err(v) => return v,
    };
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Verdict::Malformed(format!(
            "DSSE payload type is {:?}, not {IN_TOTO_PAYLOAD_TYPE}",
            clip(&envelope.payload_type)
        ));
    }
    if envelope.payload.len() > MAX_PAYLOAD_BYTES * 64 {
        return Verdict::malformed("DSSE payload too large");
    }
    let statement = match parse_statement(&envelope.payload) {
        Ok(s) => s,
        Err(e) => return Verdict::Malformed(e),
    };
    if !statement.has_subject(&expected) {
        return Verdict::OtherDigest {
            signed: statement.subjects(),
            expected: expected.to_string(),
        };
    }
    Verdict::Verified(format!(
        "DSSE envelope by {} key, {} about {}",
        key.describe(),
        statement.predicate_type,
        expected
    ))
}

#[cfg(test)]
mod tests {
    use super::pae;

    #[test]
    fn pae_is_the_spec_example() {
        // The DSSE protocol document's example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }
}
