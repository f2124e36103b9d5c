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

/// PEM blocks `(label, DER)`, read leniently about line length (tools
/// write one long line or 64-column lines; the DER is what is checked).
pub(crate) fn pem_blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.contains(':') {
                return Err(format!(
                    "PEM block {label:?} has headers (encrypted?), not supported"
                ));
            }
            body.push_str(line);
            if body.len() > crate::limits::MAX_PAYLOAD_BYTES {
                return Err(format!("PEM block {label:?} is too large"));
            }
        }
        if !closed {
            return Err(format!("PEM block {label:?} has no END line"));
        }
        blocks.push((
            label.to_string(),
            base64(&format!("PEM block {label:?}"), &body)?,
        ));
        if blocks.len() > 1000 {
            return Err("more than 1000 PEM blocks".to_string());
        }
    }
    Ok(blocks)
}
