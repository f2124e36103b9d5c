//! Certificate chains checked against a trust store of root certificates,
//! at a given time (the signing time), offline: no revocation checks.

use der::{Decode, Encode};
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::Certificate;

use crate::keys::{Hash, PublicKey, Scheme};
use crate::limits::MAX_CHAIN_LENGTH;
use crate::Verdict;

const BASIC_CONSTRAINTS: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.29.19");

/// Root certificates a chain must reach.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
}

impl TrustStore {
    /// Parses one or more PEM `CERTIFICATE` blocks.
    pub fn from_pem(pem: &str) -> Result<TrustStore, String> {
        let mut store = TrustStore::default();
        for (label, der) in
            crate::encoding::pem_blocks(pem).map_err(|e| format!("trust store: {e}"))?
        {
            if label == "CERTIFICATE" {
                store.add_der(&der)?;
            }
        }
        if store.roots.is_empty() {
            return Err("trust store holds no PEM CERTIFICATE".to_string());
        }
        Ok(store)
    }

    /// Adds a DER certificate.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), String> {
        self.roots.push(
            Certificate::from_der(der)
                .map_err(|e| format!("trust store certificate is not DER: {e}"))?,
        );
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.roots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

/// A verified chain's leaf: its key, to verify the signature with.
#[derive(Debug, Clone)]
pub struct VerifiedLeaf {
    pub key: PublicKey,
    /// The leaf's subject, RFC 4514 style.
    pub subject: String,
}

/// Verifies a chain (leaf first, DER) up to a trust-store root, every
/// certificate valid at `at` (Unix seconds).
pub fn verify_chain(
    chain: &[Vec<u8>],
    store: &TrustStore,
    at: i64,
) -> Result<VerifiedLeaf, Verdict> {
    if chain.is_empty() {
        return Err(Verdict::malformed("certificate chain is empty"));
    }
    if chain.len() > MAX_CHAIN_LENGTH {
        return Err(Verdict::Malformed(format!(
            "certificate chain has {} certificates, more than {MAX_CHAIN_LENGTH}",
            chain.len()
        )));
    }
    let certs = chain
        .iter()
        .enumerate()
        .map(|(i, der)| {
            Certificate::from_der(der).map_err(|e| {
                Verdict::Malformed(format!("certificate {i} of the chain is not DER: {e}"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (i, cert) in certs.iter().enumerate() {
        check_validity(
            cert,
            at,
            &format!("certificate {i} ({})", cert.tbs_certificate.subject),
        )?;
        if i > 0 && !is_ca(cert) {
            return Err(Verdict::Untrusted(format!(
                "certificate {i} ({}) issues certificates but is not a CA",
                cert.tbs_certificate.subject
            )));
        }
    }
    for pair in certs.windows(2) {
        if pair[0].tbs_certificate.issuer != pair[1].tbs_certificate.subject {
            return Err(Verdict::Untrusted(format!(
                "certificate {} is issued by {}, not by the next in the chain ({})",
                pair[0].tbs_certificate.subject,
                pair[0].tbs_certificate.issuer,
                pair[1].tbs_certificate.subject
            )));
        }
        verify_issued_by(&pair[0], &pair[1]).map_err(Verdict::Untrusted)?;
    }
    let last = certs
        .last()
        .ok_or_else(|| Verdict::malformed("certificate chain is empty"))?;
    let anchored = store.roots.iter().any(|root| {
        root == last
            || (root.tbs_certificate.subject == last.tbs_certificate.issuer
                && is_ca(root)
                && check_validity(root, at, "root").is_ok()
                && verify_issued_by(last, root).is_ok())
    });
    if !anchored {
        return Err(Verdict::Untrusted(format!(
            "certificate chain ends at {} (issuer {}), which is not in or issued by the trust store",
            last.tbs_certificate.subject, last.tbs_certificate.issuer
        )));
    }
    let leaf = &certs[0];
    Ok(VerifiedLeaf {
        key: certificate_key(leaf)?,
        subject: leaf.tbs_certificate.subject.to_string(),
    })
}

/// The public key of a DER certificate, before its chain is checked.
pub fn leaf_public_key(der: &[u8]) -> Result<PublicKey, Verdict> {
    let cert = Certificate::from_der(der)
        .map_err(|e| Verdict::Malformed(format!("leaf certificate is not DER: {e}")))?;
    certificate_key(&cert)
}

fn certificate_key(cert: &Certificate) -> Result<PublicKey, Verdict> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| Verdict::Malformed(format!("certificate public key: {e}")))?;
    PublicKey::from_spki_der(&spki).map_err(|e| {
        Verdict::NotVerifiable(format!("certificate {}: {e}", cert.tbs_certificate.subject))
    })
}

fn check_validity(cert: &Certificate, at: i64, what: &str) -> Result<(), Verdict> {
    let validity = &cert.tbs_certificate.validity;
    let not_before = validity.not_before.to_unix_duration().as_secs() as i64;
    let not_after = validity.not_after.to_unix_duration().as_secs() as i64;
    if at < not_before {
        return Err(Verdict::Expired(format!(
            "{what} is not valid until {}, after the signing time",
            validity.not_before
        )));
    }
    if at > not_after {
        return Err(Verdict::Expired(format!(
            "{what} expired at {}, before the signing time",
            validity.not_after
        )));
    }
    Ok(())
}

fn is_ca(cert: &Certificate) -> bool {
    let Some(extensions) = &cert.tbs_certificate.extensions else {
        // A v1 certificate has no extensions; only self-signed roots are
        // accepted as such (the trust store's own, compared by bytes).
        return false;
    };
    extensions
        .iter()
        .filter(|e| e.extn_id == BASIC_CONSTRAINTS)
        .any(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|bc| bc.ca))
}

fn verify_issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    let scheme = match cert.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => Scheme::RsaPkcs1(Hash::Sha256),
        "1.2.840.113549.1.1.12" => Scheme::RsaPkcs1(Hash::Sha384),
        "1.2.840.113549.1.1.13" => Scheme::RsaPkcs1(Hash::Sha512),
        "1.2.840.10045.4.3.2" => Scheme::EcdsaDer(Hash::Sha256),
        "1.2.840.10045.4.3.3" => Scheme::EcdsaDer(Hash::Sha384),
        "1.2.840.10045.4.3.4" => Scheme::EcdsaDer(Hash::Sha512),
        other => {
            return Err(format!(
                "certificate {} is signed with algorithm {other}, which is not supported",
                cert.tbs_certificate.subject
            ))
        }
    };
    let spki = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("issuer public key: {e}"))?;
    let key = PublicKey::from_spki_der(&spki)?;
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("certificate body: {e}"))?;
    let signature = cert
        .signature
        .as_bytes()
        .ok_or_else(|| "certificate signature has unused bits".to_string())?;
    key.verify(scheme, &tbs, signature).map_err(|e| {
        format!(
            "certificate {} is not signed by {}: {e}",
            cert.tbs_certificate.subject, issuer.tbs_certificate.subject
        )
    })
}

const KEY_USAGE: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.29.15");
const EXTENDED_KEY_USAGE: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.29.37");
const CODE_SIGNING: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");

/// What Notation asks of a signing certificate: a key usage that allows
/// digital signatures, an extended key usage (when present) that allows
/// code signing, an RSA key of at least 2048 bits.
pub(crate) fn check_code_signing_leaf(der: &[u8]) -> Result<(), Verdict> {
    let cert = Certificate::from_der(der)
        .map_err(|e| Verdict::Malformed(format!("leaf certificate is not DER: {e}")))?;
    let subject = &cert.tbs_certificate.subject;
    let mut digital_signature = false;
    for extension in cert.tbs_certificate.extensions.iter().flatten() {
        let bytes = extension.extn_value.as_bytes();
        if extension.extn_id == KEY_USAGE {
            let usage = x509_cert::ext::pkix::KeyUsage::from_der(bytes)
                .map_err(|e| Verdict::Malformed(format!("certificate {subject} key usage: {e}")))?;
            digital_signature = usage.digital_signature();
        } else if extension.extn_id == EXTENDED_KEY_USAGE {
            let usage = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(bytes).map_err(|e| {
                Verdict::Malformed(format!("certificate {subject} extended key usage: {e}"))
            })?;
            if !usage.0.contains(&CODE_SIGNING) {
                return Err(Verdict::Untrusted(format!(
                    "certificate {subject} is not for code signing (extended key usage)"
                )));
            }
        }
    }
    if !digital_signature {
        return Err(Verdict::Untrusted(format!(
            "certificate {subject} does not allow digital signatures (key usage)"
        )));
    }
    if let PublicKey::Rsa(key) = certificate_key(&cert)? {
        use rsa::traits::PublicKeyParts;
        if key.size() * 8 < 2048 {
            return Err(Verdict::Untrusted(format!(
                "certificate {subject} has an RSA key under 2048 bits"
            )));
        }
    }
    Ok(())
}
