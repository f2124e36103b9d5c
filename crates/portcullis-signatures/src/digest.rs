use sha2::{Digest as _, Sha256};

/// A content digest `algorithm:hex`, as OCI writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub algorithm: String,
    pub hex: String,
}

impl Digest {
    /// Parses `sha256:<64 hex>` (also sha384, sha512), lowercasing nothing:
    /// OCI digests are lowercase and a mixed-case one is not the same string.
    pub fn parse(text: &str) -> Result<Digest, String> {
        let (algorithm, hex) = text
            .split_once(':')
            .ok_or_else(|| format!("digest {:?} has no algorithm", clip(text)))?;
        let len = match algorithm {
            "sha256" => 64,
            "sha384" => 96,
            "sha512" => 128,
            _ => {
                return Err(format!(
                    "digest algorithm {:?} is not supported",
                    clip(algorithm)
                ))
            }
        };
        if hex.len() != len
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(format!(
                "digest {:?} is not {len} lowercase hex digits",
                clip(text)
            ));
        }
        Ok(Digest {
            algorithm: algorithm.to_string(),
            hex: hex.to_string(),
        })
    }

    /// The raw digest bytes.
    pub fn bytes(&self) -> Vec<u8> {
        (0..self.hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(self.hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect()
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.hex)
    }
}

/// `sha256:<hex>` of the bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Whether `bytes` hash to `digest` (sha256 only; others are reported as
/// not matching, since OCI content we read is sha256-addressed).
pub(crate) fn matches(digest: &str, bytes: &[u8]) -> bool {
    digest.starts_with("sha256:") && sha256_digest(bytes) == digest
}

/// At most 80 characters of untrusted text, for messages.
pub(crate) fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}
