//! Private keys and key stores: PEM blocks decoded and checked, OpenSSH
//! private keys (cipher `none` or not), PGP armored private key blocks,
//! PKCS#12, Java keystores and GnuPG key files.

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

/// `text` starts at `-----BEGIN ` (or `-----BEGIN PGP `). The block, when
/// it is a complete one whose body decodes to a plausible structure of its
/// label (ASN.1 DER for PKCS#1/#8/SEC1/X.509, the `openssh-key-v1` layout,
/// OpenPGP packets); `None` for a truncated or fake one (a README's
/// `-----BEGIN RSA PRIVATE KEY-----\n...\n`), a public key, or one longer
/// than [`MAX_PEM`].
pub fn pem_block(_text: &[u8]) -> Option<Pem> {
    None
}

/// A key store that is a binary file of its own: PKCS#12 (`.p12`, `.pfx`),
/// a Java keystore (JKS `FEEDFEED`, JCEKS `CECECECE`) or a GnuPG secret key
/// file (`secring.gpg`, `private-keys-v1.d/*.key`). `path` is relative to the
/// image root without a leading `/`. Whether the scanner should hold the
/// file whole (it is at most [`MAX_STORE`] bytes) to ask [`key_store`].
pub fn wants_store(_path: &[u8], _head: &[u8], _size: u64) -> bool {
    false
}

/// The largest key store file read.
pub const MAX_STORE: u64 = 1 << 20;

/// A key store, with what it holds: `None` when it holds no private key.
pub fn key_store(_path: &[u8], _bytes: &[u8]) -> Option<crate::Found> {
    None
}
