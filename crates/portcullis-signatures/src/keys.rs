//! Public keys (SubjectPublicKeyInfo, as `cosign.pub` and certificates
//! carry them) and the signature schemes verified with them.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

/// A hash function a signature scheme names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
            Hash::Sha512 => Sha512::digest(message).to_vec(),
        }
    }
}

/// How the signature bytes are laid out and what they sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// ECDSA, ASN.1 DER `(r, s)` (cosign, Sigstore, x509).
    EcdsaDer(Hash),
    /// ECDSA, fixed-size `r || s` (JWS ES256/384/512).
    EcdsaFixed(Hash),
    /// RSASSA-PKCS1-v1_5 (x509 `sha256WithRSAEncryption`, cosign RSA keys).
    RsaPkcs1(Hash),
    /// RSASSA-PSS with salt length = hash length (JWS PS256/384/512).
    RsaPss(Hash),
}

impl Scheme {
    fn hash(self) -> Hash {
        match self {
            Scheme::EcdsaDer(h)
            | Scheme::EcdsaFixed(h)
            | Scheme::RsaPkcs1(h)
            | Scheme::RsaPss(h) => h,
        }
    }
}

/// A verification key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// Parses a PEM `PUBLIC KEY` block (the first one in the text).
    pub fn from_pem(pem: &str) -> Result<PublicKey, String> {
        let blocks = crate::encoding::pem_blocks(pem)?;
        let (label, der) = blocks
            .first()
            .ok_or_else(|| "public key is not PEM: no BEGIN line".to_string())?;
        if label != "PUBLIC KEY" {
            return Err(format!("PEM block is {label:?}, not \"PUBLIC KEY\""));
        }
        PublicKey::from_spki_der(der)
    }

    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, String> {
        if let Ok(key) = p256::PublicKey::from_public_key_der(der) {
            return Ok(PublicKey::P256(key));
        }
        if let Ok(key) = p384::PublicKey::from_public_key_der(der) {
            return Ok(PublicKey::P384(key));
        }
        if let Ok(key) = p521::PublicKey::from_public_key_der(der) {
            return Ok(PublicKey::P521(key));
        }
        if let Ok(key) = rsa::RsaPublicKey::from_public_key_der(der) {
            return Ok(PublicKey::Rsa(key));
        }
        Err("public key is not an ECDSA P-256/P-384/P-521 or RSA SubjectPublicKeyInfo".to_string())
    }

    /// A short description for messages: `ECDSA P-256`, `RSA 2048`.
    pub fn describe(&self) -> String {
        match self {
            PublicKey::P256(_) => "ECDSA P-256".to_string(),
            PublicKey::P384(_) => "ECDSA P-384".to_string(),
            PublicKey::P521(_) => "ECDSA P-521".to_string(),
            PublicKey::Rsa(key) => {
                use rsa::traits::PublicKeyParts;
                format!("RSA {}", key.size() * 8)
            }
        }
    }

    /// The scheme cosign uses with this key by default: ECDSA with the
    /// curve's hash, RSA PKCS#1 v1.5 with SHA-256.
    pub fn cosign_scheme(&self) -> Scheme {
        match self {
            PublicKey::P256(_) => Scheme::EcdsaDer(Hash::Sha256),
            PublicKey::P384(_) => Scheme::EcdsaDer(Hash::Sha384),
            PublicKey::P521(_) => Scheme::EcdsaDer(Hash::Sha512),
            PublicKey::Rsa(_) => Scheme::RsaPkcs1(Hash::Sha256),
        }
    }

    /// Verifies `signature` over `message` (hashed here with the scheme's
    /// hash). `Err` says why it does not verify.
    pub fn verify(&self, scheme: Scheme, message: &[u8], signature: &[u8]) -> Result<(), String> {
        self.verify_prehashed(scheme, &scheme.hash().digest(message), signature)
    }

    /// Verifies `signature` over an already computed digest (Sigstore
    /// `messageSignature` bundles sign the artifact, and carry its digest).
    pub fn verify_prehashed(
        &self,
        scheme: Scheme,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| {
            format!("{} signature does not verify: {e}", self.describe())
        };
        match (self, scheme) {
            (PublicKey::P256(key), Scheme::EcdsaDer(_) | Scheme::EcdsaFixed(_)) => {
                let sig = match scheme {
                    Scheme::EcdsaDer(_) => p256::ecdsa::Signature::from_der(signature),
                    _ => p256::ecdsa::Signature::from_slice(signature),
                }
                .map_err(|e| fail(&e))?;
                p256::ecdsa::VerifyingKey::from(key)
                    .verify_prehash(digest, &sig)
                    .map_err(|e| fail(&e))
            }
            (PublicKey::P384(key), Scheme::EcdsaDer(_) | Scheme::EcdsaFixed(_)) => {
                let sig = match scheme {
                    Scheme::EcdsaDer(_) => p384::ecdsa::Signature::from_der(signature),
                    _ => p384::ecdsa::Signature::from_slice(signature),
                }
                .map_err(|e| fail(&e))?;
                p384::ecdsa::VerifyingKey::from(key)
                    .verify_prehash(digest, &sig)
                    .map_err(|e| fail(&e))
            }
            (PublicKey::P521(key), Scheme::EcdsaDer(_) | Scheme::EcdsaFixed(_)) => {
                let sig = match scheme {
                    Scheme::EcdsaDer(_) => p521::ecdsa::Signature::from_der(signature),
                    _ => p521::ecdsa::Signature::from_slice(signature),
                }
                .map_err(|e| fail(&e))?;
                let point =
                    p521::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(key, false);
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point.as_bytes())
                    .map_err(|e| fail(&e))?
                    .verify_prehash(digest, &sig)
                    .map_err(|e| fail(&e))
            }
            (PublicKey::Rsa(key), Scheme::RsaPkcs1(hash)) => {
                let padding = match hash {
                    Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                    Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                    Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                };
                key.verify(padding, digest, signature).map_err(|e| fail(&e))
            }
            (PublicKey::Rsa(key), Scheme::RsaPss(hash)) => {
                let padding = match hash {
                    Hash::Sha256 => rsa::Pss::new::<Sha256>(),
                    Hash::Sha384 => rsa::Pss::new::<Sha384>(),
                    Hash::Sha512 => rsa::Pss::new::<Sha512>(),
                };
                key.verify(padding, digest, signature).map_err(|e| fail(&e))
            }
            (_, scheme) => Err(format!(
                "a {} key cannot verify a {scheme:?} signature",
                self.describe()
            )),
        }
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PublicKey::P256(a), PublicKey::P256(b)) => a == b,
            (PublicKey::P384(a), PublicKey::P384(b)) => a == b,
            (PublicKey::P521(a), PublicKey::P521(b)) => a == b,
            (PublicKey::Rsa(a), PublicKey::Rsa(b)) => a == b,
            _ => false,
        }
    }
}

/// Why a key-based signature is untrusted when no key is given.
pub const NO_KEY: &str = "no key is configured";

/// The first of `keys` with which `verify` succeeds, or why none does.
pub(crate) fn first_verifying(
    keys: &[PublicKey],
    mut verify: impl FnMut(&PublicKey) -> Result<(), String>,
) -> Result<&PublicKey, String> {
    let mut last = NO_KEY.to_string();
    for key in keys {
        match verify(key) {
            Ok(()) => return Ok(key),
            Err(e) => last = e,
        }
    }
    if keys.len() > 1 {
        return Err(format!(
            "the signature does not verify with any of the {} configured keys",
            keys.len()
        ));
    }
    Err(last)
}

/// The public key of a PEM or DER certificate (a keyless signature's own
/// certificate: it proves the bytes are intact, not who signed them).
pub(crate) fn certificate_key(certificate: &[u8]) -> Result<PublicKey, crate::Verdict> {
    let der = match std::str::from_utf8(certificate) {
        Ok(text) if text.contains("-----BEGIN") => crate::encoding::pem_blocks(text)
            .map_err(crate::Verdict::Malformed)?
            .into_iter()
            .find(|(label, _)| label == "CERTIFICATE")
            .map(|(_, der)| der)
            .ok_or_else(|| crate::Verdict::malformed("certificate PEM has no CERTIFICATE block"))?,
        _ => certificate.to_vec(),
    };
    crate::x509::leaf_public_key(&der)
}
