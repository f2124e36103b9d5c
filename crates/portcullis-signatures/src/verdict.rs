use std::fmt;

/// The outcome of checking one signature or attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature verifies with a trusted key or chain and signs the
    /// expected digest. The string says by what (key, certificate subject).
    Verified(String),
    /// The signature does not verify over the signed bytes: tampering.
    BadSignature(String),
    /// A valid signature over a payload that names another digest.
    OtherDigest { signed: String, expected: String },
    /// The payload names another image (docker-reference).
    OtherReference { signed: String, expected: String },
    /// Not a well-formed signature, envelope or certificate: one-line reason.
    Malformed(String),
    /// Well-formed, but not by a configured key, or the chain does not reach
    /// a trust-store root.
    Untrusted(String),
    /// A certificate or the signature is outside its validity period.
    Expired(String),
    /// Cannot be decided offline with what is configured (keyless bundles
    /// without a trust root, unsupported algorithms).
    NotVerifiable(String),
}

impl Verdict {
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified(_))
    }

    /// Whether this is evidence of tampering (PC43202): a signature that
    /// does not verify, or that signs another digest.
    pub fn is_tampering(&self) -> bool {
        matches!(
            self,
            Verdict::BadSignature(_) | Verdict::OtherDigest { .. } | Verdict::OtherReference { .. }
        )
    }

    /// A short stable name of the kind, for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Verified(_) => "verified",
            Verdict::BadSignature(_) => "bad-signature",
            Verdict::OtherDigest { .. } => "other-digest",
            Verdict::OtherReference { .. } => "other-reference",
            Verdict::Malformed(_) => "malformed",
            Verdict::Untrusted(_) => "untrusted",
            Verdict::Expired(_) => "expired",
            Verdict::NotVerifiable(_) => "not-verifiable",
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Verdict {
        Verdict::Malformed(reason.into())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Verified(by) => write!(f, "verified: {by}"),
            Verdict::BadSignature(why) => write!(f, "bad signature: {why}"),
            Verdict::OtherDigest { signed, expected } => {
                write!(f, "signs another digest: {signed}, not {expected}")
            }
            Verdict::OtherReference { signed, expected } => {
                write!(f, "signs another image: {signed}, not {expected}")
            }
            Verdict::Malformed(why) => write!(f, "malformed: {why}"),
            Verdict::Untrusted(why) => write!(f, "untrusted: {why}"),
            Verdict::Expired(why) => write!(f, "expired: {why}"),
            Verdict::NotVerifiable(why) => write!(f, "not verifiable: {why}"),
        }
    }
}
