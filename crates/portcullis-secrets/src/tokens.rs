//! The catalogue of service tokens and API keys: each kind with the literal
//! anchors the prefilter looks for and a validator that checks prefix,
//! length, alphabet, boundaries and (where the format has one) checksum.

use std::ops::Range;

use crate::{Code, Found};

/// One kind of token.
#[derive(Debug)]
pub struct TokenKind {
    /// Stable kebab-case id, e.g. `github-pat`.
    pub kind: &'static str,
    /// For a person: "GitHub personal access token".
    pub what: &'static str,
    pub code: Code,
    /// Case-sensitive literals (at least 3 bytes) of which every token of
    /// this kind contains one; the scanner's multi-pattern prefilter looks
    /// for all anchors of all kinds at once and calls `matches` where one is.
    pub anchors: &'static [&'static str],
    /// `text` holds the anchor at `at`; at least [`LOOKBEHIND`] bytes
    /// before it and [`LOOKAHEAD`] after it are present unless the input
    /// starts or ends sooner. The token's range in `text` when it is one.
    pub matches: fn(text: &[u8], at: usize) -> Option<Range<usize>>,
}

/// Bytes before an anchor a validator may look at.
pub const LOOKBEHIND: usize = 256;
/// Bytes from an anchor on a validator may look at (the longest token).
pub const LOOKAHEAD: usize = 1024;

/// Every kind, in no particular order.
pub static KINDS: &[TokenKind] = &[];

/// Detectors of credentials made of several parts near each other (an
/// AWS access key id and its secret key, a Twilio SID and auth token, an
/// Azure storage connection string): anchored like tokens, but they may
/// return two parts.
#[derive(Debug)]
pub struct PairKind {
    pub kind: &'static str,
    pub what: &'static str,
    pub anchors: &'static [&'static str],
    /// As [`TokenKind::matches`], returning every part found (each a
    /// [`Found`] whose `pair` names the other part, when there is one).
    pub matches: fn(text: &[u8], at: usize) -> Vec<Found>,
}

pub static PAIRS: &[PairKind] = &[];

/// Documented example values (SQ34251): a found token equal to one of
/// these is reported as an example, not as a live secret. Each with where
/// it is documented.
pub static EXAMPLES: &[(&str, &str)] = &[];
