//! Key stores read whole: PKCS#12, Java keystores (JKS, JCEKS), GnuPG's
//! private key files and secret keyrings.

use super::der::{Der, CONTEXT_0, SEQUENCE, SET};
use super::pgp;

const PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PKCS7_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const PKCS7_ENVELOPED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03];
const PKCS7_ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
/// PKCS#12 bag types, 1.2.840.113549.1.12.10.1.x.
const BAG_PREFIX: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01];
const KEY_BAG: u8 = 1;
const PKCS8_SHROUDED_KEY_BAG: u8 = 2;
const SAFE_CONTENTS_BAG: u8 = 6;
/// Nested `safeContentsBag`s deeper than this are not followed.
const MAX_BAG_DEPTH: u8 = 4;

/// What a PKCS#12 file shows without its password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pkcs12 {
    /// A `keyBag` or `pkcs8ShroudedKeyBag` in an unencrypted `data`
    /// ContentInfo: where OpenSSL, Java's keytool and Windows put the key.
    Key,
    /// No key bag in sight, but contents encrypted as a whole
    /// (`encryptedData`, `envelopedData`) or a signed authSafe: whether a
    /// key is inside cannot be told without the password.
    Opaque,
    /// Every ContentInfo readable and none holds a key (a trust store of
    /// certificates only, as a password-less PKCS#12 `cacerts`).
    NoKey,
}

/// Whether `head` has the shape of a PKCS#12 PFX: `SEQUENCE` (long or
/// indefinite length) `{ INTEGER 3, SEQUENCE …`.
pub(super) fn looks_like_pkcs12(head: &[u8]) -> bool {
    let after_len = match head {
        [0x30, 0x80, rest @ ..] => rest,
        [0x30, len @ 0x81..=0x84, rest @ ..] => rest.get(usize::from(len & 0x7f)..).unwrap_or(&[]),
        _ => return false,
    };
    after_len.starts_with(&[0x02, 0x01, 0x03, 0x30])
}

/// A PFX (RFC 7292): version 3, an authSafe ContentInfo of type `data`
/// (or `signedData`), optional MacData. `None` when it is not one.
pub(super) fn pkcs12(bytes: &[u8]) -> Option<Pkcs12> {
    let mut pfx = Der::ber(bytes).expect(SEQUENCE)?.inner();
    if pfx.small()? != 3 {
        return None;
    }
    let mut auth_safe = pfx.expect(SEQUENCE)?.inner();
    let content_type = auth_safe.oid()?;
    if content_type == PKCS7_SIGNED_DATA {
        return Some(Pkcs12::Opaque);
    }
    if content_type != PKCS7_DATA {
        return None;
    }
    let octets = auth_safe.expect(CONTEXT_0)?.inner().next()?.octets()?;
    // AuthenticatedSafe ::= SEQUENCE OF ContentInfo
    let mut infos = Der::ber(&octets).expect(SEQUENCE)?.inner();
    let mut opaque = false;
    while !infos.is_empty() {
        let mut info = infos.expect(SEQUENCE)?.inner();
        let content_type = info.oid()?;
        if content_type == PKCS7_DATA {
            let safe_contents = info.expect(CONTEXT_0)?.inner().next()?.octets()?;
            if bags_hold_key(&safe_contents, 0)? {
                return Some(Pkcs12::Key);
            }
        } else if content_type == PKCS7_ENCRYPTED_DATA || content_type == PKCS7_ENVELOPED_DATA {
            opaque = true;
        }
    }
    Some(if opaque {
        Pkcs12::Opaque
    } else {
        Pkcs12::NoKey
    })
}

/// `SafeContents ::= SEQUENCE OF SafeBag`, `SafeBag ::= SEQUENCE { bagId,
/// [0] bagValue, bagAttributes SET OPTIONAL }`: whether a bag is a key bag
/// (following nested `safeContentsBag`s).
fn bags_hold_key(safe_contents: &[u8], depth: u8) -> Option<bool> {
    if depth > MAX_BAG_DEPTH {
        return None;
    }
    let mut bags = Der::ber(safe_contents).expect(SEQUENCE)?.inner();
    while !bags.is_empty() {
        let mut bag = bags.expect(SEQUENCE)?.inner();
        let bag_id = bag.oid()?;
        let value = bag.expect(CONTEXT_0)?;
        bag.optional(SET);
        if !bag.is_empty() {
            return None;
        }
        match bag_id.strip_prefix(BAG_PREFIX) {
            Some([KEY_BAG | PKCS8_SHROUDED_KEY_BAG]) => return Some(true),
            // [0] EXPLICIT SafeContents: the content is the nested list.
            Some([SAFE_CONTENTS_BAG]) if bags_hold_key(value.value, depth + 1)? => {
                return Some(true)
            }
            _ => {}
        }
    }
    Some(false)
}

/// What a Java keystore holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Jks {
    /// A private key entry.
    Key,
    /// A JCEKS secret key entry (a symmetric key).
    SecretKey,
    /// Trusted certificates only (a `cacerts`).
    Certificates,
}

const JKS_MAGIC: [u8; 4] = [0xfe, 0xed, 0xfe, 0xed];
const JCEKS_MAGIC: [u8; 4] = [0xce, 0xce, 0xce, 0xce];
const PRIVATE_KEY_ENTRY: u32 = 1;
const TRUSTED_CERT_ENTRY: u32 = 2;
const SECRET_KEY_ENTRY: u32 = 3;
/// The SHA-1 integrity digest that ends the file.
const DIGEST_LEN: usize = 20;

pub(super) fn looks_like_jks(head: &[u8]) -> bool {
    head.starts_with(&JKS_MAGIC) || head.starts_with(&JCEKS_MAGIC)
}

/// Big-endian reader of the keystore layout.
struct Java<'a>(&'a [u8]);

impl<'a> Java<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (bytes, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(bytes)
    }
    fn u16(&mut self) -> Option<usize> {
        self.take(2)
            .map(|b| b.iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x)))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| b.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x)))
    }
    /// `DataOutputStream.writeUTF`: a 16-bit length then the bytes.
    fn utf(&mut self) -> Option<&'a [u8]> {
        let len = self.u16()?;
        self.take(len)
    }
    /// A 32-bit length then the bytes.
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        self.take(len)
    }
    /// A certificate: its type name (version 2) and its encoding.
    fn certificate(&mut self, version: u32) -> Option<()> {
        if version == 2 {
            self.utf()?;
        }
        let der = self.bytes()?;
        (der.first() == Some(&SEQUENCE)).then_some(())
    }
}

/// A JKS or JCEKS keystore (the layout of OpenJDK's `JavaKeyStore` and
/// `JceKeyStore`): magic, version 1 or 2, entry count, the entries, the
/// digest. `None` when it is not one.
pub(super) fn jks(bytes: &[u8]) -> Option<Jks> {
    let mut r = Java(bytes);
    let magic = r.take(4)?;
    let jceks = magic == JCEKS_MAGIC;
    if magic != JKS_MAGIC && !jceks {
        return None;
    }
    let version = r.u32()?;
    if version != 1 && version != 2 {
        return None;
    }
    let count = r.u32()?;
    let mut key = false;
    for _ in 0..count {
        let tag = r.u32()?;
        let _alias = r.utf()?;
        let _created = r.take(8)?;
        match tag {
            PRIVATE_KEY_ENTRY => {
                // The protected key (an EncryptedPrivateKeyInfo, DER), then
                // its certificate chain.
                let protected = r.bytes()?;
                if protected.first() != Some(&SEQUENCE) {
                    return None;
                }
                let chain = r.u32()?;
                for _ in 0..chain {
                    r.certificate(version)?;
                }
                key = true;
            }
            TRUSTED_CERT_ENTRY => r.certificate(version)?,
            // A serialized sealed secret key: a key, and the end of what
            // can be read without Java serialization.
            SECRET_KEY_ENTRY if jceks => return Some(Jks::SecretKey),
            _ => return None,
        }
    }
    if r.0.len() != DIGEST_LEN {
        return None;
    }
    Some(if key { Jks::Key } else { Jks::Certificates })
}

/// A file of GnuPG's `private-keys-v1.d`: an S-expression (canonical or
/// advanced) `(private-key …` or `(protected-private-key …`, alone or as
/// the `Key:` of the extended key format (GnuPG 2.1.12+). A
/// `shadowed-private-key` (the key lives on a smartcard) holds no secret.
pub(super) fn gnupg_key_file(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    if text.first() == Some(&b'(') {
        return private_sexp(text);
    }
    // Extended format: `Name: value` lines, continuations indented.
    text.split(|&b| b == b'\n').any(|line| {
        line.strip_prefix(b"Key:")
            .is_some_and(|value| private_sexp(value.trim_ascii_start()))
    })
}

/// `(` then `private-key` or `protected-private-key`, as a canonical
/// (`11:private-key`) or advanced (`private-key`) token, then the next
/// list.
fn private_sexp(text: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"(") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    let after = [
        &b"11:private-key"[..],
        b"21:protected-private-key",
        b"private-key",
        b"protected-private-key",
    ]
    .iter()
    .find_map(|token| rest.strip_prefix(*token));
    after.is_some_and(|after| after.trim_ascii_start().first() == Some(&b'('))
}

/// A binary OpenPGP secret keyring (`secring.gpg`) or exported secret key:
/// whole packets, the first a secret key, with a user ID.
pub(super) fn pgp_secret_keys(bytes: &[u8]) -> bool {
    pgp::secret_keys(bytes, true)
}
