//! Private keys and key stores: PEM blocks decoded and checked, OpenSSH
//! private keys (cipher `none` or not), PGP armored private key blocks,
//! PKCS#12, Java keystores and GnuPG key files.
//!
//! Every block is decoded and its body read as the structure its label
//! names (ASN.1 DER, the `openssh-key-v1` layout, OpenPGP packets) before
//! it is reported, so that a README's truncated `MIIE...`, a corrupted copy
//! or a public key is not. Submodules: `armor` (PEM and OpenPGP armor),
//! `der` (the ASN.1 reader), `pkcs` (PKCS#1/#8, SEC1, DSA, X.509), `ssh`,
//! `pgp`, `store` (PKCS#12, Java keystores, GnuPG), `known` (published
//! keys).

mod armor;
mod der;
mod known;
mod pgp;
mod pkcs;
mod ssh;
mod store;
#[cfg(test)]
mod tests;

use sha2::{Digest, Sha256};

use crate::{Code, Found};

pub use known::known_key;

/// What a PEM (or PGP armor) block is, once its body is decoded and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PemKind {
    /// `OPENSSH PRIVATE KEY` with cipher `none`.
    SshPrivate,
    /// `OPENSSH PRIVATE KEY` with a cipher (passphrase-protected).
    SshEncrypted,
    /// An unencrypted private key: `PRIVATE KEY` (PKCS#8), `RSA`/`EC`/`DSA
    /// PRIVATE KEY` without `Proc-Type: 4,ENCRYPTED`.
    Private,
    /// `ENCRYPTED PRIVATE KEY`, or a traditional key with
    /// `Proc-Type: 4,ENCRYPTED`.
    Encrypted,
    /// `PGP PRIVATE KEY BLOCK`.
    PgpPrivate,
    /// A certificate (alone not a secret; with a key in the same file it
    /// makes SQ34107).
    Certificate,
}

/// One PEM block, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pem {
    pub kind: PemKind,
    /// The label between `BEGIN ` and the dashes, e.g. `RSA PRIVATE KEY`.
    pub label: String,
    /// Bytes of `text` the block spans, `-----BEGIN` to the end of the
    /// `-----END …-----` line.
    pub len: usize,
    /// SHA-256 of the decoded body (the DER or the OpenSSH/PGP binary): what
    /// a list of published test keys names.
    pub body_sha256: [u8; 32],
}

/// The longest PEM block read; a longer one is not a key anyone uses.
pub const MAX_PEM: usize = 64 << 10;

/// The labels read, and what their body must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Pkcs8,
    Rsa,
    Ec,
    Dsa,
    EncryptedPkcs8,
    OpenSsh,
    Pgp,
    Certificate,
    TrustedCertificate,
}

fn label_of(label: &[u8]) -> Option<Label> {
    Some(match label {
        b"PRIVATE KEY" => Label::Pkcs8,
        b"RSA PRIVATE KEY" => Label::Rsa,
        b"EC PRIVATE KEY" => Label::Ec,
        b"DSA PRIVATE KEY" => Label::Dsa,
        b"ENCRYPTED PRIVATE KEY" => Label::EncryptedPkcs8,
        b"OPENSSH PRIVATE KEY" => Label::OpenSsh,
        // PGP 2.x wrote `SECRET KEY BLOCK`.
        b"PGP PRIVATE KEY BLOCK" | b"PGP SECRET KEY BLOCK" => Label::Pgp,
        b"CERTIFICATE" | b"X509 CERTIFICATE" => Label::Certificate,
        b"TRUSTED CERTIFICATE" => Label::TrustedCertificate,
        // Public keys, CSRs, parameters, CRLs, PGP messages and signatures.
        _ => return None,
    })
}

/// `text` starts at `-----BEGIN ` (or `-----BEGIN PGP `). The block, when
/// it is a complete one whose body decodes to a plausible structure of its
/// label (ASN.1 DER for PKCS#1/#8/SEC1/X.509, the `openssh-key-v1` layout,
/// OpenPGP packets); `None` for a truncated or fake one (a README's
/// `-----BEGIN RSA PRIVATE KEY-----\n...\n`), a public key, or one longer
/// than [`MAX_PEM`].
///
/// Read as a block: LF or CRLF lines (also the escaped `\n` of a string
/// literal, or one line of space-separated parts), RFC 1421 headers
/// (`Proc-Type`, `DEK-Info`) and OpenPGP ones (`Version`, `Comment`), the
/// base64 body with whitespace skipped, an OpenPGP CRC-24 line (checked),
/// and `-----END` of the same label. At most [`MAX_PEM`] bytes of `text`
/// are looked at, however long it is.
///
/// - `PRIVATE KEY`: PKCS#8 (version, AlgorithmIdentifier, the inner key
///   checked for RSA, EC, DSA, DH, X25519/X448, Ed25519/Ed448) → `Private`;
/// - `RSA PRIVATE KEY` (PKCS#1; n = p·q is checked), `EC PRIVATE KEY`
///   (SEC1), `DSA PRIVATE KEY` → `Private`, or with `Proc-Type:
///   4,ENCRYPTED` and a well-formed `DEK-Info` (known cipher, IV of its
///   block size, whole blocks of ciphertext) → `Encrypted`;
/// - `ENCRYPTED PRIVATE KEY` (PKCS#8 EncryptedPrivateKeyInfo) → `Encrypted`;
/// - `OPENSSH PRIVATE KEY` → `SshPrivate` (cipher `none`) or
///   `SshEncrypted`;
/// - `PGP PRIVATE KEY BLOCK` (OpenPGP packets, the first a secret key) →
///   `PgpPrivate`;
/// - `CERTIFICATE`, `TRUSTED CERTIFICATE` (X.509) → `Certificate`.
pub fn pem_block(text: &[u8]) -> Option<Pem> {
    let (raw_label, _) = armor::label(text)?;
    let label = label_of(raw_label)?;
    let armor = armor::parse(text, |l| label_of(l) == Some(label), label == Label::Pgp)?;
    let body = armor.body.as_slice();
    let encrypted = armor.header(b"Proc-Type").is_some_and(|v| {
        v.split(|&b| b == b',').nth(1).map(<[u8]>::trim_ascii) == Some(b"ENCRYPTED")
    });
    let kind = match label {
        Label::Rsa | Label::Ec | Label::Dsa if encrypted => {
            let dek = armor.header(b"DEK-Info")?;
            pkcs::dek_info(dek, body.len()).then_some(PemKind::Encrypted)?
        }
        Label::Pkcs8 => pkcs::pkcs8(body).then_some(PemKind::Private)?,
        Label::Rsa => pkcs::pkcs1(body).then_some(PemKind::Private)?,
        Label::Ec => pkcs::sec1(body).then_some(PemKind::Private)?,
        Label::Dsa => pkcs::dsa(body).then_some(PemKind::Private)?,
        Label::EncryptedPkcs8 => pkcs::encrypted_pkcs8(body).then_some(PemKind::Encrypted)?,
        Label::OpenSsh => ssh::classify(body)?,
        Label::Pgp => pgp::secret_keys(body, false).then_some(PemKind::PgpPrivate)?,
        Label::Certificate => pkcs::certificate(body, false).then_some(PemKind::Certificate)?,
        Label::TrustedCertificate => {
            pkcs::certificate(body, true).then_some(PemKind::Certificate)?
        }
    };
    Some(Pem {
        kind,
        label: String::from_utf8_lossy(armor.label).into_owned(),
        len: armor.len,
        body_sha256: Sha256::digest(body).into(),
    })
}

/// Whether a PEM private key at `path` (relative to the image root, no
/// leading `/`) is an SSH key (SQ34102–SQ34105 rather than SQ34108–SQ34111):
/// any file under a `.ssh/` directory but `*.pub` (`root/.ssh/id_rsa`,
/// `home/u/.ssh/deploy_key`), a file named for OpenSSH's identities
/// anywhere (`id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa`, `id_xmss`, with
/// a suffix: `id_rsa_ci`, not `*.pub`), a host key (`ssh_host_*key`, as in
/// `etc/ssh/`), and Dropbear's host keys (`etc/dropbear/*_host_key`).
pub fn ssh_key_path(path: &[u8]) -> bool {
    let path = path.strip_prefix(b"/").unwrap_or(path);
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    if name.is_empty() || name.ends_with(b".pub") {
        return false;
    }
    let mut dirs = path.split(|&b| b == b'/');
    dirs.next_back();
    let dirs: Vec<&[u8]> = dirs.collect();
    if dirs.contains(&&b".ssh"[..]) {
        return true;
    }
    const IDENTITIES: [&[u8]; 5] = [b"id_rsa", b"id_dsa", b"id_ecdsa", b"id_ed25519", b"id_xmss"];
    if IDENTITIES.iter().any(|id| name.starts_with(id)) {
        return true;
    }
    if name.starts_with(b"ssh_host_") && name.ends_with(b"key") {
        return true;
    }
    dirs.last() == Some(&&b"dropbear"[..]) && name.ends_with(b"_host_key")
}

/// A key store that is a binary file of its own: PKCS#12 (`.p12`, `.pfx`),
/// a Java keystore (JKS `FEEDFEED`, JCEKS `CECECECE`) or a GnuPG secret key
/// file (`secring.gpg`, `private-keys-v1.d/*.key`). `path` is relative to the
/// image root without a leading `/`. Whether the scanner should hold the
/// file whole (it is at most [`MAX_STORE`] bytes) to ask [`key_store`].
///
/// `head` is the file's first bytes: 16 are enough (fewer: only the paths
/// decide). By content: the JKS/JCEKS magic, a PKCS#12 PFX's DER shape
/// (`SEQUENCE { INTEGER 3, SEQUENCE …`), an OpenPGP secret-key packet. By
/// path: `*.p12`, `*.pfx`, `*/private-keys-v1.d/*.key`, `*/secring.gpg`.
pub fn wants_store(path: &[u8], head: &[u8], size: u64) -> bool {
    if size > MAX_STORE || size == 0 {
        return false;
    }
    store::looks_like_jks(head)
        || store::looks_like_pkcs12(head)
        || pgp::looks_like_secret_key(head)
        || pkcs12_path(path)
        || gnupg_key_path(path)
        || secring_path(path)
}

/// The largest key store file read.
pub const MAX_STORE: u64 = 1 << 20;

/// A key store, with what it holds: `None` when it holds no private key.
/// The finding spans the whole file.
///
/// - PKCS#12 (by its structure, whatever its name) → SQ34107 `pkcs12`,
///   when a key bag is in an unencrypted `data` ContentInfo (where OpenSSL,
///   Java and Windows put it). Not when all of it is readable and holds no
///   key (a password-less trust store), nor when the contents are
///   encrypted as a whole, which in practice is a trust store of
///   certificates (keytool's `-importcert` into PKCS12).
/// - JKS / JCEKS → SQ34107 `java-keystore` with a private key entry (or a
///   JCEKS secret key entry); none for trusted certificates only (a
///   `cacerts`).
/// - `private-keys-v1.d/*.key` → SQ34106 `gnupg-private-key` for a
///   `private-key` or `protected-private-key` (not a smartcard's
///   `shadowed-private-key`).
/// - `secring.gpg`, or any file of whole OpenPGP packets that starts with a
///   secret key and has a user ID → SQ34106 `pgp-secret-keyring`.
pub fn key_store(path: &[u8], bytes: &[u8]) -> Option<Found> {
    let found = |code, kind, what| Found {
        code,
        kind,
        what,
        range: 0..bytes.len(),
        pair: None,
    };
    if store::looks_like_jks(bytes) {
        return match store::jks(bytes)? {
            store::Jks::Key => Some(found(
                Code::SQ34107,
                "java-keystore",
                "Java keystore holding a private key",
            )),
            store::Jks::SecretKey => Some(found(
                Code::SQ34107,
                "java-keystore",
                "Java keystore (JCEKS) holding a secret key",
            )),
            store::Jks::Certificates => None,
        };
    }
    if store::looks_like_pkcs12(bytes) {
        if let Some(content) = store::pkcs12(bytes) {
            return match content {
                store::Pkcs12::Key => Some(found(
                    Code::SQ34107,
                    "pkcs12",
                    "PKCS#12 file holding a private key",
                )),
                // Encrypted as a whole: OpenSSL, Java and Windows all put
                // the key bag in plain `data`, so in practice this shape
                // holds certificates only (keytool's PKCS12 trust stores):
                // not reported, precision first.
                store::Pkcs12::Opaque | store::Pkcs12::NoKey => None,
            };
        }
    }
    if gnupg_key_path(path) && store::gnupg_key_file(bytes) {
        return Some(found(
            Code::SQ34106,
            "gnupg-private-key",
            "GnuPG private key file",
        ));
    }
    if store::pgp_secret_keys(bytes) {
        return Some(found(
            Code::SQ34106,
            "pgp-secret-keyring",
            "OpenPGP secret key (binary)",
        ));
    }
    None
}

fn file_name(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

fn pkcs12_path(path: &[u8]) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name.ends_with(b".p12") || name.ends_with(b".pfx")
}

fn gnupg_key_path(path: &[u8]) -> bool {
    let mut parts = path.rsplit(|&b| b == b'/');
    let name = parts.next().unwrap_or_default();
    parts.next() == Some(b"private-keys-v1.d") && name.ends_with(b".key") && name.len() > 4
}

fn secring_path(path: &[u8]) -> bool {
    file_name(path) == b"secring.gpg"
}
