//! Secret detectors for portcullis: pure functions over bytes, no I/O, no
//! knowledge of images or Dockerfiles.
//!
//! - [`tokens`]: the catalogue of service tokens and API keys (prefixes,
//!   lengths, alphabets, checksums), each a [`TokenKind`];
//! - [`keys`]: private keys and key stores (PEM blocks decoded and checked,
//!   OpenSSH, PGP, PKCS#12, Java keystores, GnuPG key files);
//! - [`files`]: well-known credential files read by their structure
//!   (`.npmrc`, Docker `config.json`, `.pypirc`, `.netrc`, …);
//! - [`generic`]: a secret-sounding name assigned a real-looking value, and
//!   credentials in network URIs;
//! - [`scan`]: the streaming [`scan::Scanner`] that feeds bytes, chunk by
//!   chunk, to all of them with bounded memory and turns offsets into lines
//!   and columns.
//!
//! Every detector validates what it matched before it reports it, and no
//! value leaves this crate whole: a [`Secret`] carries a masked preview and
//! a fingerprint ([`mask`]).

pub mod checksum;
#[cfg(any(test, feature = "fake"))]
pub mod fake;
pub mod files;
pub mod generic;
pub mod keys;
pub mod mask;
pub mod prefilter;
pub mod scan;
pub mod tokens;

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use scan::Scanner;
pub use tokens::TokenKind;

/// The sensitive-information policy a secret falls under (SECRETS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Code {
    /// A publicly known private key (published test keys).
    SQ34101,
    /// Unencrypted SSH private key, a file of its own.
    SQ34102,
    /// Unencrypted SSH private key embedded in another file.
    SQ34103,
    /// Passphrase-protected SSH private key, a file of its own.
    SQ34104,
    /// Passphrase-protected SSH private key, embedded.
    SQ34105,
    /// PGP / GnuPG private key.
    SQ34106,
    /// A private certificate: PKCS#12, Java keystore, certificate + key PEM.
    SQ34107,
    /// Unencrypted non-SSH private key, a file of its own.
    SQ34108,
    /// Unencrypted non-SSH private key, embedded.
    SQ34109,
    /// Encrypted private key, a file of its own.
    SQ34110,
    /// Encrypted private key, embedded.
    SQ34111,
    /// A publicly documented example token.
    SQ34251,
    /// A token declared a canary.
    SQ34252,
    /// Credentials in a URI with a placeholder password.
    SQ34301,
    /// Credentials in a URI with a real-looking password.
    SQ34302,
    /// Web service access credentials: an identifier and its secret, or a
    /// generic secret assignment.
    SQ34303,
    /// Web service access tokens.
    SQ34304,
    /// Web service API keys.
    SQ34305,
    /// Webhook access keys.
    SQ34306,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::SQ34101 => "SQ34101",
            Code::SQ34102 => "SQ34102",
            Code::SQ34103 => "SQ34103",
            Code::SQ34104 => "SQ34104",
            Code::SQ34105 => "SQ34105",
            Code::SQ34106 => "SQ34106",
            Code::SQ34107 => "SQ34107",
            Code::SQ34108 => "SQ34108",
            Code::SQ34109 => "SQ34109",
            Code::SQ34110 => "SQ34110",
            Code::SQ34111 => "SQ34111",
            Code::SQ34251 => "SQ34251",
            Code::SQ34252 => "SQ34252",
            Code::SQ34301 => "SQ34301",
            Code::SQ34302 => "SQ34302",
            Code::SQ34303 => "SQ34303",
            Code::SQ34304 => "SQ34304",
            Code::SQ34305 => "SQ34305",
            Code::SQ34306 => "SQ34306",
        }
    }
}

/// What a detector found, in the bytes it was given. Detectors return
/// this; the scanner turns it into a [`Secret`] (line, column, preview,
/// fingerprint) and never keeps the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: Code,
    /// A stable, kebab-case id of what was found: `github-pat`,
    /// `aws-access-key-id`, `npmrc-auth-token`, `openssh-private-key`.
    pub kind: &'static str,
    /// What it is, for a person: "GitHub personal access token".
    pub what: &'static str,
    /// The secret value: its byte range in the detector's input. The
    /// preview and the fingerprint are made from these bytes.
    pub range: Range<usize>,
    /// For a credential of several sensitive parts (an AWS key id and its
    /// secret key): the other part's range, reported as related.
    pub pair: Option<Range<usize>>,
}

/// One secret as reported: where it is and what it is, never the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    pub code: Code,
    pub kind: String,
    pub what: String,
    /// 1-based line of the value's first byte.
    pub line: u32,
    /// 1-based column (in bytes) of the value's first byte.
    pub column: u32,
    /// Byte offset of the value in the scanned stream, and its length: where
    /// it is, not what it is.
    pub offset: u64,
    pub len: u32,
    /// A few leading characters, the rest starred ([`mask::preview`]).
    pub preview: String,
    /// A truncated, domain-separated SHA-256 of the value ([`mask::fingerprint`]).
    pub fingerprint: String,
    /// Where the other sensitive part of the same credential is (line, column).
    pub related: Option<(u32, u32)>,
    /// The secret is the whole file (a binary key store): line and column
    /// mean nothing there.
    #[serde(default)]
    pub whole_file: bool,
}
