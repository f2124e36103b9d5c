use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

// Tools differ in padding; the bytes decoded are what is signed, so
// accepting either padding changes nothing that is verified.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Standard base64 (cosign annotations, DSSE, bundles).
pub(crate) fn base64(what: &str, text: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(text.trim())
        .map_err(|e| format!("{what} is not base64: {e}"))
}

/// base64url (JWS); DSSE also allows it, so callers may fall back to it.
pub(crate) fn base64url(what: &str, text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE
        .decode(text)
        .map_err(|e| format!("{what} is not base64url: {e}"))
}

/// Either alphabet: the DSSE spec allows both.
pub(crate) fn base64_any(what: &str, text: &str) -> Result<Vec<u8>, String> {
    base64(what, text).or_else(|_| base64url(what, text))
}

/// Parses JSON with a size cap, naming `what` in the one-line error.
pub(crate) fn json(what: &str, bytes: &[u8], cap: usize) -> Result<serde_json::Value, String> {
    if bytes.len() > cap {
        return Err(format!(
            "{what} is {} bytes, more than the {cap} examined",
            bytes.len()
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("{what} is not JSON: {e}"))
}

/// The string at `path` in a JSON object, or an error naming it.
pub(crate) fn str_at<'a>(
    value: &'a serde_json::Value,
    what: &str,
    path: &[&str],
) -> Result<&'a str, String> {
    let mut current = value;
    for key in path {
        current = current
            .get(key)
            .ok_or_else(|| format!("{what} has no {}", path.join(".")))?;
    }
    current
        .as_str()
        .ok_or_else(|| format!("{what}: {} is not a string", path.join(".")))
}
