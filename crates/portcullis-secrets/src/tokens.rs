//! The catalogue of service tokens and API keys: each kind with the literal
//! anchors the prefilter looks for and a validator that checks prefix,
//! length, alphabet, boundaries and (where the format has one) checksum.
//!
//! Every format fact (prefix, length, alphabet, checksum) is named with its
//! source next to the kind. Where a vendor documents only the prefix, the
//! comment says where the length comes from: "in published ones" (checked
//! against tokens their owners published), "the common pattern" (the shape
//! widely published for that prefix, not checked against a real token
//! here), or "bounds ours". Where a checksum's coverage is not
//! documented, it was established against tokens that their owners
//! published (and that have since been revoked); none of those tokens is
//! kept here.
//!
//! Validators are allocation-free and look at most [`LOOKBEHIND`] bytes
//! before their anchor and [`LOOKAHEAD`] bytes from it: a call costs
//! O(token length), never O(text).

use std::ops::Range;

use memchr::memmem;

use crate::generic::entropy;
use crate::{checksum, Code, Found};

/// One kind of token.
///
/// The scanner runs one multi-pattern automaton over the bytes with the
/// anchors of every kind (and of every [`PairKind`]) and, at each hit,
/// tries **every** kind that lists the anchor that hit. Anchors are never
/// shared between kinds (a test checks it), but one anchor may occur inside
/// another (`API-` inside `DD-API-KEY`): the scanner must use overlapping
/// matching so that each of them is seen. Two kinds never claim the same
/// token (a test checks that too); a caller that deduplicates identical
/// findings (same kind and range) is still right to do so, since a pair
/// detector reached from two of its anchors reports the same parts twice.
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

// ---------------------------------------------------------------------------
// Byte sets, scanning primitives and the plausibility checks
// ---------------------------------------------------------------------------

/// A set of ASCII bytes, as a bit mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Set(u128);

impl Set {
    /// From a spec of single bytes and `a-z` ranges; a `-` that cannot
    /// start or be inside a range (first or last) is itself.
    pub(crate) const fn of(spec: &[u8]) -> Set {
        let mut mask = 0u128;
        let mut i = 0;
        while i < spec.len() {
            if i + 2 < spec.len() && spec[i + 1] == b'-' {
                let mut c = spec[i];
                while c <= spec[i + 2] {
                    mask |= 1u128 << c;
                    c += 1;
                }
                i += 3;
            } else {
                mask |= 1u128 << spec[i];
                i += 1;
            }
        }
        Set(mask)
    }

    pub(crate) const fn with(self, other: Set) -> Set {
        Set(self.0 | other.0)
    }

    pub(crate) const fn without(self, other: Set) -> Set {
        Set(self.0 & !other.0)
    }

    #[inline]
    pub(crate) fn has(self, b: u8) -> bool {
        b < 128 && (self.0 >> b) & 1 == 1
    }

    pub(crate) fn size(self) -> u32 {
        self.0.count_ones()
    }

    /// Its bytes, in order.
    #[cfg(any(test, feature = "fake"))]
    pub(crate) fn bytes(self) -> Vec<u8> {
        (0u8..128).filter(|&b| self.has(b)).collect()
    }
}

pub(crate) const DIGIT: Set = Set::of(b"0-9");
pub(crate) const HEXL: Set = Set::of(b"0-9a-f");
pub(crate) const HEXU: Set = Set::of(b"0-9A-F");
pub(crate) const HEX: Set = Set::of(b"0-9a-fA-F");
pub(crate) const B62: Set = Set::of(b"0-9A-Za-z");
pub(crate) const UPNUM: Set = Set::of(b"0-9A-Z");
pub(crate) const LOWNUM: Set = Set::of(b"0-9a-z");
pub(crate) const LETTERS: Set = Set::of(b"A-Za-z");
pub(crate) const B32: Set = Set::of(b"A-Z2-7");
pub(crate) const B64URL: Set = Set::of(b"0-9A-Za-z_-");
pub(crate) const B64: Set = Set::of(b"0-9A-Za-z+/");
pub(crate) const B64PAD: Set = Set::of(b"0-9A-Za-z+/=");
/// Upper-case bech32 data characters.
pub(crate) const BECH32: Set = Set::of(b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L");
/// What continues a token: a token must not be preceded or followed by one
/// of these, or it is part of a longer word.
const WORD: Set = B64URL;
const WORD_DOT: Set = WORD.with(Set::of(b"."));
const WORD_B64: Set = WORD.with(B64PAD);
/// Bytes of a host name (to walk back over a webhook URL's subdomain).
const HOST: Set = Set::of(b"0-9A-Za-z.-");

fn lit(t: &[u8], at: usize, s: &[u8]) -> bool {
    at.checked_add(s.len()).and_then(|end| t.get(at..end)) == Some(s)
}

/// The length of the first of `prefixes` at `at`.
fn which(t: &[u8], at: usize, prefixes: &[&str]) -> Option<usize> {
    prefixes
        .iter()
        .find(|p| lit(t, at, p.as_bytes()))
        .map(|p| p.len())
}

/// How many bytes of `set` start at `from`, at most `cap`.
#[inline]
fn run(t: &[u8], from: usize, set: Set, cap: usize) -> usize {
    let mut n = 0;
    while n < cap {
        match t.get(from + n) {
            Some(&b) if set.has(b) => n += 1,
            _ => break,
        }
    }
    n
}

/// How many bytes of `set` end just before `end`, at most `cap`.
fn run_back(t: &[u8], end: usize, set: Set, cap: usize) -> usize {
    let mut n = 0;
    while n < cap && n < end {
        match t.get(end - n - 1) {
            Some(&b) if set.has(b) => n += 1,
            _ => break,
        }
    }
    n
}

fn before_ok(t: &[u8], start: usize, word: Set) -> bool {
    start == 0 || t.get(start - 1).is_some_and(|&b| !word.has(b))
}

fn after_ok(t: &[u8], end: usize, word: Set) -> bool {
    t.get(end).is_none_or(|&b| !word.has(b))
}

/// A cursor over a token's parts.
struct P<'a> {
    t: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn at(t: &'a [u8], i: usize) -> P<'a> {
        P { t, i }
    }

    fn lit(&mut self, s: &str) -> Option<()> {
        lit(self.t, self.i, s.as_bytes()).then(|| self.i += s.len())
    }

    /// Consumes the first of `options` that is here; its index.
    fn one_of(&mut self, options: &[&str]) -> Option<usize> {
        let k = options
            .iter()
            .position(|o| lit(self.t, self.i, o.as_bytes()))?;
        self.i += options[k].len();
        Some(k)
    }

    /// `min..=max` bytes of `set`, and not one more.
    fn take(&mut self, set: Set, min: usize, max: usize) -> Option<Range<usize>> {
        let n = run(self.t, self.i, set, max + 1);
        if n < min || n > max {
            return None;
        }
        let r = self.i..self.i + n;
        self.i += n;
        Some(r)
    }

    fn exact(&mut self, set: Set, n: usize) -> Option<Range<usize>> {
        self.take(set, n, n)
    }

    /// Exactly `n` bytes of `set`, whatever follows (for fields that run
    /// into the next one).
    fn raw(&mut self, set: Set, n: usize) -> Option<Range<usize>> {
        (run(self.t, self.i, set, n) == n).then(|| {
            self.i += n;
            self.i - n..self.i
        })
    }

    /// Here, if no `word` byte follows.
    fn end(&self, word: Set) -> Option<usize> {
        after_ok(self.t, self.i, word).then_some(self.i)
    }
}

/// Filler that marks a made-up value (compared case-insensitively). Only
/// words no random part of any length here plausibly contains; `example`
/// is not one of them (AWS's documented example key contains it, and the
/// scanner must see it to report it as an example).
const FILLER: &[&[u8]] = &[
    b"placeholder",
    b"redacted",
    b"changeme",
    b"change_me",
    b"replaceme",
    b"replace_me",
    b"insert_",
    b"your_",
    b"your-",
    b"yourtoken",
    b"yourkey",
    b"yourapikey",
    b"yoursecret",
    b"_here",
    b"-here",
    b"here_",
    b"tokenhere",
    b"keyhere",
    b"dummy",
    b"abcdefgh",
    b"12345678",
    b"87654321",
    b"qwertyui",
];

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether the random part `s` of a token, drawn from `alphabet`, looks
/// random: not one repeated byte, no long run of one byte (`xxxx`,
/// `0000`, `AAAAAA`), no filler word, and a Shannon entropy of at least 60% of the
/// most its length and alphabet allow (a random string sits near that
/// maximum; `aaaabbbb…` or `abcabc…` does not).
pub(crate) fn plausible(s: &[u8], alphabet: Set) -> bool {
    let Some(&first) = s.first() else {
        return false;
    };
    if s.iter().all(|&b| b == first) {
        return false;
    }
    // A run of k equal bytes in a random string of n over an alphabet of
    // size A has probability about n / A^(k-1): choose k so that it stays
    // below one in a million for the longest tokens here.
    let size = alphabet.size().max(2);
    let long_run = match size {
        0..=16 => 8,
        17..=40 => 7,
        _ => 6,
    };
    let mut len = 1;
    for w in s.windows(2) {
        if w[0] == w[1] {
            len += 1;
            let b = w[1];
            // `0000` is filler too, except in hex where four zeros in a row
            // are too common (one 32-hex token in 2,000) to be a sign.
            if (len >= 4 && matches!(b, b'x' | b'X' | b'*' | b'#' | b'.'))
                || (len >= 4 && b == b'0' && size > 16)
                || (len >= long_run && b.is_ascii_alphanumeric())
            {
                return false;
            }
        } else {
            len = 1;
        }
    }
    if FILLER.iter().any(|w| contains_ci(s, w)) {
        return false;
    }
    let max = (s.len().min(size as usize) as f64).log2();
    entropy(s) >= 0.6 * max
}

fn good(t: &[u8], r: &Range<usize>, alphabet: Set) -> bool {
    t.get(r.clone()).is_some_and(|s| plausible(s, alphabet))
}

// ---------------------------------------------------------------------------
// Validator shapes shared by many kinds
// ---------------------------------------------------------------------------

type M = Option<Range<usize>>;

/// One of `prefixes` at `at`, then `min..=max` bytes of `body`, on word
/// boundaries, the body plausible.
fn shape(t: &[u8], at: usize, prefixes: &[&str], body: Set, min: usize, max: usize) -> M {
    shape_w(t, at, prefixes, body, min, max, WORD)
}

fn shape_w(
    t: &[u8],
    at: usize,
    prefixes: &[&str],
    body: Set,
    min: usize,
    max: usize,
    word: Set,
) -> M {
    let n = which(t, at, prefixes)?;
    // `=` after a token is padding (it goes on), before one an assignment.
    if !before_ok(t, at, word.without(Set::of(b"="))) {
        return None;
    }
    let mut p = P::at(t, at + n);
    let b = p.take(body, min, max)?;
    let end = p.end(word.with(body))?;
    good(t, &b, body).then_some(at..end)
}

/// `prefix`, then a fixed-length base-62 body whose last six characters
/// are the GitHub/npm CRC32 of the rest (see [`checksum::github`]).
fn crc62(t: &[u8], at: usize, prefix: &str, lens: &[usize]) -> M {
    if !lit(t, at, prefix.as_bytes()) || !before_ok(t, at, WORD) {
        return None;
    }
    let s = at + prefix.len();
    let n = run(t, s, B62, 77);
    if !lens.contains(&n) || !after_ok(t, s + n, WORD) {
        return None;
    }
    let body = &t[s..s + n];
    (checksum::github_ok(body) && plausible(&body[..n - 6], B62)).then_some(at..s + n)
}

/// A JSON Web Token (`eyJ…` header, payload, signature) at the cursor.
fn jwt(p: &mut P) -> Option<()> {
    if !lit(p.t, p.i, b"eyJ") {
        return None;
    }
    p.take(B64URL, 10, 300)?;
    p.lit(".")?;
    p.take(B64URL, 10, 600)?;
    p.lit(".")?;
    p.take(B64URL, 16, 400)?;
    Some(())
}

/// A webhook URL's start: its scheme when the host follows one, else the
/// host; `None` when it continues a longer word.
fn url_start(t: &[u8], host: usize) -> Option<usize> {
    let start = if host >= 8 && lit(t, host - 8, b"https://") {
        host - 8
    } else if host >= 7 && lit(t, host - 7, b"http://") {
        host - 7
    } else {
        host
    };
    before_ok(t, start, WORD_DOT.with(Set::of(b"/"))).then_some(start)
}

fn uuid(p: &mut P) -> Option<()> {
    p.exact(HEX, 8)?;
    for n in [4, 4, 4] {
        p.lit("-")?;
        p.exact(HEX, n)?;
    }
    p.lit("-")?;
    p.exact(HEX, 12)?;
    Some(())
}

/// After a name (`DD_API_KEY`, `"aws_secret_access_key"`): its closing
/// quote, `=`, `:`, `:=` or `=>` (or, with `spaced`, just blanks), blanks,
/// an opening quote; where the value starts. A few bytes at most.
fn after_name(t: &[u8], mut i: usize, spaced: bool) -> Option<usize> {
    let q0 = i;
    while i - q0 < 2 && t.get(i).is_some_and(|b| matches!(b, b'"' | b'\'' | b'`')) {
        i += 1;
    }
    let s0 = i;
    while i - s0 < 8 && t.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    match t.get(i) {
        Some(b'=') | Some(b':') => {
            i += 1;
            if matches!(t.get(i), Some(b'=') | Some(b'>')) {
                i += 1;
            }
        }
        _ if spaced && i > s0 => {}
        _ => return None,
    }
    let s1 = i;
    while i - s1 < 8 && t.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    let q1 = i;
    while i - q1 < 2 && t.get(i).is_some_and(|b| matches!(b, b'"' | b'\'' | b'`')) {
        i += 1;
    }
    Some(i)
}

/// A value of exactly `len` bytes of `set` assigned to one of `names` at
/// `at` (`DD_API_KEY=…`, `"DD_API_KEY": "…"`, `ENV DD_API_KEY …`): the
/// value's range.
fn named(t: &[u8], at: usize, names: &[&str], set: Set, len: usize) -> M {
    let n = which(t, at, names)?;
    if !before_ok(t, at, B62) {
        return None;
    }
    let v = after_name(t, at + n, true)?;
    let mut p = P::at(t, v);
    let r = p.exact(set, len)?;
    p.end(WORD)?;
    good(t, &r, set).then_some(r)
}

// ---------------------------------------------------------------------------
// Validators with a structure of their own
// ---------------------------------------------------------------------------

/// GitHub App installation tokens: the classic `ghs_` + 36, or the
/// stateless form rolled out in 2026, `ghs_<app id>_<JWT>` (GitHub
/// changelog, "Notice about upcoming new format for GitHub App
/// installation tokens": about 520 characters, varying).
fn github_installation(t: &[u8], at: usize) -> M {
    if let Some(r) = crc62(t, at, "ghs_", &[36]) {
        return Some(r);
    }
    if !lit(t, at, b"ghs_") || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 4);
    p.take(DIGIT, 1, 12)?;
    p.lit("_")?;
    jwt(&mut p)?;
    let end = p.end(WORD_DOT)?;
    (end - at <= LOOKAHEAD).then_some(at..end)
}

/// `github_pat_` + 22 + `_` + 59 base-62 (GitHub docs, "About
/// authentication to GitHub", token prefixes; the two parts' lengths from
/// GitHub's secret-scanning pattern list). No checksum is documented and
/// none could be found in published tokens.
fn github_fine_grained(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("github_pat_")?;
    let a = p.exact(B62, 22)?;
    p.lit("_")?;
    let b = p.exact(B62, 59)?;
    let end = p.end(WORD)?;
    (good(t, &a, B62) && good(t, &b, B62)).then_some(at..end)
}

/// What may precede a GitLab prefix: an instance prefix ends in `-`
/// (`ACME-glpat-…`), so `-` does not make it a longer word.
const GITLAB_BEFORE: Set = Set::of(b"0-9A-Za-z_");

/// The end of a routable GitLab token whose payload starts at `s`:
/// base64url payload, `.01.`, two base-36 digits giving the payload's
/// length, seven base-36 digits of CRC32 (GitLab source,
/// `Authn::TokenField::Generator::RoutableToken`).
fn gitlab_routable_end(t: &[u8], s: usize) -> Option<usize> {
    let n = run(t, s, B64URL, 300);
    // 16 random bytes, a payload of at least `o:1`, its length byte.
    if n < 27 {
        return None;
    }
    let mut p = P::at(t, s + n);
    p.lit(".01.")?;
    let len = p.raw(LOWNUM, 2)?;
    p.raw(LOWNUM, 7)?;
    let end = p.end(WORD)?;
    (checksum::parse_base36(&t[len]) == Some(n as u64)).then_some(end)
}

/// A GitLab token: `prefix`, then the routable form (checksum verified)
/// or, with `legacy`, the older random form (alphabet, length bounds).
fn gitlab(t: &[u8], at: usize, prefix: &str, legacy: Option<(Set, usize, usize)>) -> M {
    if !lit(t, at, prefix.as_bytes()) {
        return None;
    }
    let mut s = at + prefix.len();
    // Runners created in the UI: `glrt-t<runner type>_…` (GitLab docs,
    // "Runner authentication tokens").
    if prefix == "glrt-"
        && t.get(s) == Some(&b't')
        && t.get(s + 1).is_some_and(u8::is_ascii_digit)
        && t.get(s + 2) == Some(&b'_')
    {
        s += 3;
    }
    if let Some(end) = gitlab_routable_end(t, s) {
        let payload = s..end - 13;
        if before_ok(t, at, GITLAB_BEFORE)
            && checksum::gitlab_routable_ok(&t[at..end])
            && good(t, &payload, B64URL)
        {
            return Some(at..end);
        }
        // An instance prefix (`<name>-glpat-…`) is covered by the checksum.
        if at >= 2 && t[at - 1] == b'-' {
            let k = run_back(t, at - 1, GITLAB_BEFORE, 21);
            let start = at - 1 - k;
            if (1..=20).contains(&k)
                && before_ok(t, start, WORD)
                && checksum::gitlab_routable_ok(&t[start..end])
            {
                return Some(start..end);
            }
        }
        return None;
    }
    let (set, min, max) = legacy?;
    if !before_ok(t, at, GITLAB_BEFORE) {
        return None;
    }
    let mut p = P::at(t, s);
    let b = p.take(set, min, max)?;
    let end = p.end(WORD)?;
    // A routable token whose suffix is damaged is not a legacy one.
    (good(t, &b, set) && !lit(t, end, b".01")).then_some(at..end)
}

/// CI/CD job tokens: `glcbt-<partition id in hex>_<20>` or a JWT
/// (GitLab docs, "CI/CD job token"; token prefixes table).
fn gitlab_job_token(t: &[u8], at: usize) -> M {
    if !lit(t, at, b"glcbt-") || !before_ok(t, at, GITLAB_BEFORE) {
        return None;
    }
    let mut p = P::at(t, at + 6);
    if jwt(&mut p).is_some() {
        let end = p.end(WORD_DOT)?;
        return (end - at <= LOOKAHEAD).then_some(at..end);
    }
    let mut p = P::at(t, at + 6);
    p.take(HEXL, 1, 5)?;
    p.lit("_")?;
    let b = p.exact(B64URL, 20)?;
    let end = p.end(WORD)?;
    good(t, &b, B64URL).then_some(at..end)
}

/// Slack bot token `xoxb-<team>-<bot>-<24 or more alnum>` (Slack docs,
/// "Token types").
fn slack_bot(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("xoxb-")?;
    p.take(DIGIT, 8, 14)?;
    p.lit("-")?;
    p.take(DIGIT, 8, 14)?;
    p.lit("-")?;
    let s = p.take(B62, 24, 32)?;
    let end = p.end(WORD)?;
    good(t, &s, B62).then_some(at..end)
}

/// Slack user token `xoxp-<team>-<user>-<id>-<32 hex>` (Slack docs,
/// "Token types").
fn slack_user(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("xoxp-")?;
    for _ in 0..3 {
        p.take(DIGIT, 8, 14)?;
        p.lit("-")?;
    }
    let s = p.exact(HEXL, 32)?;
    let end = p.end(WORD)?;
    good(t, &s, HEXL).then_some(at..end)
}

/// Slack app-level token `xapp-<n>-<app id>-<digits>-<64 hex>` (Slack
/// docs, "Token types").
fn slack_app(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("xapp-")?;
    p.take(DIGIT, 1, 2)?;
    p.lit("-A")?;
    p.take(UPNUM, 8, 14)?;
    p.lit("-")?;
    p.take(DIGIT, 10, 14)?;
    p.lit("-")?;
    let s = p.exact(HEXL, 64)?;
    let end = p.end(WORD)?;
    good(t, &s, HEXL).then_some(at..end)
}

const ALNUM_DASH: Set = Set::of(b"0-9A-Za-z-");

/// The other Slack tokens (workspace, refresh, configuration): alnum
/// groups joined by single dashes, `min..=max` long after the prefix, the
/// last group the random one (Slack docs, "Token types"; the lengths are
/// ours, Slack documents only the prefixes).
fn slack_other(t: &[u8], at: usize, prefixes: &[&str], min: usize, max: usize) -> M {
    let n = which(t, at, prefixes)?;
    if !before_ok(t, at, WORD_DOT) {
        return None;
    }
    let s = at + n;
    let len = run(t, s, ALNUM_DASH, max + 1);
    if len < min || len > max || !after_ok(t, s + len, WORD_DOT) {
        return None;
    }
    let body = &t[s..s + len];
    if body.last() == Some(&b'-') || body.windows(2).any(|w| w == b"--") {
        return None;
    }
    let last = body.rsplit(|&b| b == b'-').next().unwrap_or(body);
    (last.len() >= 20 && plausible(last, B62)).then_some(at..s + len)
}

/// `https://hooks.slack.com/services/T…/B…/<24>` and the workflow and
/// trigger forms (Slack docs, "Sending messages using incoming webhooks";
/// "Workflow Builder: webhook triggers").
fn slack_webhook(t: &[u8], at: usize) -> M {
    let start = url_start(t, at)?;
    let mut p = P::at(t, at);
    p.lit("hooks.slack.com/")?;
    let form = p.one_of(&["services/T", "workflows/T", "triggers/T"])?;
    p.take(UPNUM, 8, 12)?;
    p.lit("/")?;
    let (key, set) = match form {
        0 => {
            p.lit("B")?;
            p.take(UPNUM, 8, 12)?;
            p.lit("/")?;
            (p.exact(B62, 24)?, B62)
        }
        1 => {
            p.lit("A")?;
            p.take(UPNUM, 8, 12)?;
            p.lit("/")?;
            p.take(DIGIT, 10, 20)?;
            p.lit("/")?;
            (p.take(B62, 24, 32)?, B62)
        }
        _ => {
            p.take(DIGIT, 10, 20)?;
            p.lit("/")?;
            (p.exact(HEXL, 32)?, HEXL)
        }
    };
    let end = p.end(WORD)?;
    good(t, &key, set).then_some(start..end)
}

/// `https://discord.com/api/webhooks/<id>/<token>` (also `discordapp.com`,
/// `canary.`, `ptb.`; Discord developer docs, "Webhook resource": id a
/// snowflake, token 68 characters in practice, bounds ours).
fn discord_webhook(t: &[u8], at: usize) -> M {
    let n = which(
        t,
        at,
        &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
    )?;
    let host = ["canary.", "ptb."]
        .iter()
        .find_map(|s| at.checked_sub(s.len()).filter(|&h| lit(t, h, s.as_bytes())))
        .unwrap_or(at);
    let start = url_start(t, host)?;
    let mut p = P::at(t, at + n);
    p.take(DIGIT, 17, 20)?;
    p.lit("/")?;
    let key = p.take(B64URL, 60, 68)?;
    let end = p.end(WORD)?;
    good(t, &key, B64URL).then_some(start..end)
}

/// Microsoft Teams incoming webhooks:
/// `https://<tenant>.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/<32 hex>/<uuid>`
/// with an optional `/V2<…>` suffix on newer ones, and the older
/// `outlook.office.com/webhook/…` (Microsoft Learn, "Create an Incoming
/// Webhook").
fn teams_webhook(t: &[u8], at: usize) -> M {
    let (host, path) = if lit(t, at, b".webhook.office.com/webhookb2/") {
        let k = run_back(t, at, ALNUM_DASH, 63);
        if k == 0 {
            return None;
        }
        (at - k, at + 30)
    } else if lit(t, at, b"outlook.office.com/webhook/") {
        (at, at + 27)
    } else {
        return None;
    };
    let start = url_start(t, host)?;
    let mut p = P::at(t, path);
    uuid(&mut p)?;
    p.lit("@")?;
    uuid(&mut p)?;
    p.lit("/IncomingWebhook/")?;
    let key = p.exact(HEX, 32)?;
    p.lit("/")?;
    uuid(&mut p)?;
    let before_v2 = p.i;
    if p.lit("/V2").is_none() || p.take(B64URL, 20, 64).is_none() {
        p.i = before_v2;
    }
    let end = p.end(WORD)?;
    good(t, &key, HEX).then_some(start..end)
}

/// `https://hooks.zapier.com/hooks/catch/<account>/<hook>/` (Zapier help,
/// "Trigger Zaps from webhooks"; lengths ours).
fn zapier_webhook(t: &[u8], at: usize) -> M {
    let start = url_start(t, at)?;
    let mut p = P::at(t, at);
    p.lit("hooks.zapier.com/hooks/catch/")?;
    p.take(DIGIT, 3, 12)?;
    p.lit("/")?;
    let key = p.take(LOWNUM, 5, 12)?;
    let end = p.end(WORD)?;
    good(t, &key, LOWNUM).then_some(start..end)
}

/// `https://maker.ifttt.com/trigger/<event>/with/key/<key>` or
/// `…/use/<key>` (IFTTT help, "How to use the Webhooks service"; the key
/// 22 base64url characters in practice).
fn ifttt_webhook(t: &[u8], at: usize) -> M {
    let start = url_start(t, at)?;
    let mut p = P::at(t, at);
    p.lit("maker.ifttt.com/")?;
    if p.one_of(&["trigger/", "use/"])? == 0 {
        p.take(Set::of(b"0-9A-Za-z_.-"), 1, 64)?;
        p.lit("/with/key/")?;
    }
    let key = p.exact(B64URL, 22)?;
    let end = p.end(WORD)?;
    good(t, &key, B64URL).then_some(start..end)
}

/// `https://chat.googleapis.com/v1/spaces/<space>/messages?key=<API key>&token=<token>`
/// (Google Chat docs, "Build a Google Chat app as a webhook"): the token
/// is the secret part (the key is the same for every webhook).
fn google_chat_webhook(t: &[u8], at: usize) -> M {
    let start = url_start(t, at)?;
    let mut p = P::at(t, at);
    p.lit("chat.googleapis.com/v1/spaces/")?;
    p.take(B64URL, 6, 24)?;
    p.lit("/messages?key=AIza")?;
    p.exact(B64URL, 35)?;
    p.lit("&token=")?;
    let set = B64URL.with(Set::of(b"%"));
    let token = p.take(set, 40, 64)?;
    let end = p.end(set)?;
    good(t, &token, set).then_some(start..end)
}

/// Power Automate / Logic Apps HTTP-trigger URLs (what Teams "Workflows"
/// webhooks are): `…logic.azure.com…/workflows/<32 hex>/triggers/…&sig=<43>`
/// or `….environment.api.powerplatform.com/…/workflows/<32 hex>/…&sig=<43>`
/// (Microsoft Learn, "Call, trigger, or nest logic apps by using HTTPS
/// endpoints": the `sig` parameter is the shared access signature).
fn workflow_webhook(t: &[u8], at: usize) -> M {
    if !(lit(t, at, b".logic.azure.com") || lit(t, at, b".environment.api.powerplatform.com")) {
        return None;
    }
    let k = run_back(t, at, HOST, 100);
    if k == 0 {
        return None;
    }
    let start = url_start(t, at - k)?;
    const URL: Set = Set::of(b"0-9A-Za-z._~:/?#@$&+=%-");
    let n = run(t, at, URL, LOOKAHEAD - 1);
    let url = &t[at..at + n];
    let w = memmem::find(url, b"/workflows/")?;
    if run(url, w + 11, HEXL, 33) != 32 {
        return None;
    }
    let s = memmem::find(url, b"sig=")? + 4;
    let sig = run(url, s, B64URL, 44);
    let after = url.get(s + sig).copied();
    if sig != 43 || !matches!(after, None | Some(b'&')) {
        return None;
    }
    let mut end = at + n;
    while end > at && matches!(t[end - 1], b'.' | b':' | b'?' | b'#') {
        end -= 1;
    }
    plausible(&url[s..s + 43], B64URL).then_some(start..end)
}

/// Telegram bot token `<bot id>:AA<33>` (Telegram Bot API docs,
/// "Authorizing your bot": `123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11`;
/// the secret part 35 characters starting `AA` in every token issued
/// since; bot ids 8 to 10 digits). Anchored at the id's last digit.
fn telegram(t: &[u8], at: usize) -> M {
    if !t.get(at).is_some_and(u8::is_ascii_digit) || !lit(t, at + 1, b":AA") {
        return None;
    }
    let k = run_back(t, at + 1, DIGIT, 11);
    if !(8..=10).contains(&k) {
        return None;
    }
    let start = at + 1 - k;
    if !before_ok(t, start, WORD.with(Set::of(b":"))) {
        return None;
    }
    let mut p = P::at(t, at + 2);
    let s = p.exact(B64URL, 35)?;
    let end = p.end(WORD)?;
    good(t, &(s.start + 2..s.end), B64URL).then_some(start..end)
}

/// Mailchimp API key `<32 hex>-us<datacenter>` (Mailchimp developer docs,
/// "About API keys": the part after the dash names the data center).
/// Anchored at `-us<digit>`.
fn mailchimp(t: &[u8], at: usize) -> M {
    if !lit(t, at, b"-us") {
        return None;
    }
    let start = at.checked_sub(32)?;
    if run(t, start, HEXL, 32) != 32 || !before_ok(t, start, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 3);
    p.take(DIGIT, 1, 2)?;
    let end = p.end(WORD)?;
    good(t, &(start..at), HEXL).then_some(start..end)
}

/// Terraform Cloud / HCP Terraform API token `<14>.atlasv1.<60 to 70>`
/// (HashiCorp docs, "API tokens" show the `.atlasv1.` form; the lengths
/// of the two parts from HashiCorp's secret-scanning partner pattern).
fn terraform(t: &[u8], at: usize) -> M {
    if !lit(t, at, b".atlasv1.") {
        return None;
    }
    let start = at.checked_sub(14)?;
    if run(t, start, B62, 14) != 14 || !before_ok(t, start, WORD) {
        return None;
    }
    const TAIL: Set = Set::of(b"0-9A-Za-z_=-");
    let mut p = P::at(t, at + 9);
    let b = p.take(TAIL, 60, 70)?;
    let end = p.end(WORD.with(TAIL))?;
    (good(t, &(start..at), B62) && good(t, &b, TAIL)).then_some(start..end)
}

/// OpenAI's original key `sk-<20>T3BlbkFJ<20>` (`T3BlbkFJ` is base64 of
/// "OpenAI"; OpenAI's help center, "Where do I find my API key?", shows
/// `sk-…`; the shape from OpenAI's secret-scanning partner pattern).
/// Anchored at `T3BlbkFJ`.
fn openai_legacy(t: &[u8], at: usize) -> M {
    if !lit(t, at, b"T3BlbkFJ") {
        return None;
    }
    let start = at.checked_sub(23)?;
    if !lit(t, start, b"sk-") || run(t, start + 3, B62, 20) != 20 || !before_ok(t, start, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 8);
    let b = p.exact(B62, 20)?;
    let end = p.end(WORD)?;
    (good(t, &(start + 3..at), B62) && good(t, &b, B62)).then_some(start..end)
}

/// OpenAI project, service-account and admin keys: the prefix, then
/// base64url with `T3BlbkFJ` inside (OpenAI API reference,
/// "Authentication": `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`; lengths
/// ours, 164 characters being usual).
fn openai(t: &[u8], at: usize, prefix: &str) -> M {
    if !lit(t, at, prefix.as_bytes()) || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + prefix.len());
    let b = p.take(B64URL, 40, 250)?;
    let end = p.end(WORD)?;
    (memmem::find(&t[b.clone()], b"T3BlbkFJ").is_some() && good(t, &b, B64URL)).then_some(at..end)
}

/// Anthropic keys: `prefix`, 93 base64url, `AA` (Anthropic docs, "API
/// keys"; the 93 + `AA` shape from Anthropic's secret-scanning partner
/// pattern).
fn anthropic(t: &[u8], at: usize, prefix: &str) -> M {
    if !lit(t, at, prefix.as_bytes()) || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + prefix.len());
    let b = p.exact(B64URL, 95)?;
    let end = p.end(WORD)?;
    (t[b.end - 2..b.end] == *b"AA" && good(t, &(b.start..b.end - 2), B64URL)).then_some(at..end)
}

/// Microsoft Entra ID (Azure AD) client secret: 3 characters, a digit,
/// `Q~`, 31 to 34 more (40 in all in the common form; Microsoft Learn,
/// "Add credentials" shows the value only; the `Q~` shape from Microsoft's
/// own credential-scanning rules, "Azure AD client secret"). Anchored at
/// the digit.
fn azure_ad_secret(t: &[u8], at: usize) -> M {
    const REST: Set = Set::of(b"0-9A-Za-z_~.-");
    if !t.get(at).is_some_and(u8::is_ascii_digit) || !lit(t, at + 1, b"Q~") {
        return None;
    }
    let start = at.checked_sub(3)?;
    if run(t, start, Set::of(b"0-9A-Za-z_~."), 3) != 3 || !before_ok(t, start, REST) {
        return None;
    }
    let mut p = P::at(t, at + 3);
    p.take(REST, 31, 34)?;
    let end = p.end(REST)?;
    good(t, &(start..end), REST).then_some(start..end)
}

/// Cloudflare `cfk_`/`cfut_`/`cfat_` + 40 + an 8-hex CRC32 of the 40
/// (Cloudflare docs, "Token formats"; the checksum's definition checked
/// against a published token, see [`checksum::cloudflare`]).
fn cloudflare(t: &[u8], at: usize, prefixes: &[&str]) -> M {
    let n = which(t, at, prefixes)?;
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + n);
    let body = p.exact(B62, 48)?;
    let end = p.end(WORD)?;
    let (random, check) = t[body].split_at(40);
    (check == checksum::cloudflare(random) && plausible(random, B62)).then_some(at..end)
}

/// Grafana service account token `glsa_<32>_<8 hex>` (Grafana docs,
/// "Service accounts"; the checksum, see [`checksum::grafana`]).
fn grafana_sa(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("glsa_")?;
    let secret = p.exact(B62, 32)?;
    p.lit("_")?;
    let check = p.exact(HEXL, 8)?;
    let end = p.end(WORD)?;
    (t[check] == checksum::grafana(&t[at..secret.end]) && good(t, &secret, B62)).then_some(at..end)
}

/// Atlassian API token: `ATATT3` + 177 base64url + `=` + 8 hex, 192 in
/// all (Atlassian support, "Manage API tokens for your Atlassian account"
/// shows the prefix; the length and the CRC32 in the last eight, see
/// [`checksum::atlassian`], checked against published tokens).
fn atlassian(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("ATATT3")?;
    let b = p.exact(B64URL, 177)?;
    p.lit("=")?;
    let check = p.exact(HEXU, 8)?;
    let end = p.end(WORD_B64)?;
    (t[check.clone()] == checksum::atlassian(&t[at..check.start]) && good(t, &b, B64URL))
        .then_some(at..end)
}

/// age secret key `AGE-SECRET-KEY-1` + 58 bech32 (C2SP age spec, "X25519
/// recipient type": Bech32, HRP `AGE-SECRET-KEY-`, upper case; 32 bytes
/// are 52 data characters, with the 6 of the checksum 58).
fn age(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("AGE-SECRET-KEY-1")?;
    let d = p.exact(BECH32, 58)?;
    let end = p.end(WORD)?;
    let data = &t[d];
    // 256 bits in 52 groups of five: the last group's low four bits pad.
    let pad_ok = checksum::bech32::value(data[51]).is_some_and(|v| v & 0b1111 == 0);
    (pad_ok && checksum::bech32::verify(b"age-secret-key-", data) && plausible(&data[..51], BECH32))
        .then_some(at..end)
}

/// Sentry organization auth token `sntrys_<base64 JSON>_<43>` (Sentry
/// docs, "Organization Tokens"; the JSON starts `{"iat":`, which is why
/// the anchor is `sntrys_eyJpYXQiO`).
fn sentry_org(t: &[u8], at: usize) -> M {
    if !lit(t, at, b"sntrys_eyJpYXQiO") || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 7);
    p.take(B64PAD, 40, 600)?;
    p.lit("_")?;
    let secret = p.exact(B64, 43)?;
    let end = p.end(WORD_B64)?;
    good(t, &secret, B64).then_some(at..end)
}

/// Grafana Cloud access policy token `glc_` + base64 of
/// `{"o":"…","n":"…","k":"…","m":{"r":"…"}}` (Grafana Cloud docs,
/// "Access policies"; hence the anchor `glc_eyJvIjoi`).
fn grafana_cloud(t: &[u8], at: usize) -> M {
    const BODY: Set = Set::of(b"0-9A-Za-z+/=_-");
    if !lit(t, at, b"glc_eyJvIjoi") || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 4);
    let b = p.take(BODY, 32, 600)?;
    let end = p.end(WORD.with(BODY))?;
    good(t, &b, BODY).then_some(at..end)
}

/// Doppler tokens: `dp.<type>.` + 40 to 44 base-62; service tokens may
/// name their config, `dp.st.<config>.<secret>` (Doppler docs, "Token
/// formats"; the length from published tokens, 43 usual).
fn doppler(t: &[u8], at: usize) -> M {
    let n = which(t, at, DOPPLER)?;
    if !before_ok(t, at, WORD_DOT) {
        return None;
    }
    let mut p = P::at(t, at + n);
    if lit(t, at, b"dp.st.") {
        let k = run(t, p.i, Set::of(b"0-9a-z_-"), 41);
        if (1..=40).contains(&k) && t.get(p.i + k) == Some(&b'.') {
            p.i += k + 1;
        }
    }
    let s = p.take(B62, 40, 44)?;
    let end = p.end(WORD_DOT)?;
    good(t, &s, B62).then_some(at..end)
}

const DOPPLER: &[&str] = &[
    "dp.pt.",
    "dp.st.",
    "dp.sa.",
    "dp.ct.",
    "dp.scim.",
    "dp.audit.",
];

/// Databricks personal access token `dapi` + 32 hex, sometimes `-<n>`
/// (Databricks docs, "Databricks personal access token authentication").
fn databricks(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("dapi")?;
    let b = p.exact(HEXL, 32)?;
    if p.lit("-").is_some() {
        p.take(DIGIT, 1, 2)?;
    }
    let end = p.end(WORD)?;
    good(t, &b, HEXL).then_some(at..end)
}

/// Sourcegraph access tokens: `sgp_<16 hex>_<40 hex>` (with the instance
/// id), `sgp_local_<40 hex>`, `sgp_<40 hex>` (Sourcegraph docs, "Secret
/// formats").
fn sourcegraph(t: &[u8], at: usize) -> M {
    if !lit(t, at, b"sgp_") || !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at + 4);
    let key = if p.lit("local_").is_some() {
        p.exact(HEXL, 40)?
    } else {
        let first = p.take(HEXL, 16, 40)?;
        match first.len() {
            16 => {
                p.lit("_")?;
                p.exact(HEXL, 40)?
            }
            40 => first,
            _ => return None,
        }
    };
    let end = p.end(WORD)?;
    good(t, &key, HEXL).then_some(at..end)
}

/// Tailscale keys `tskey-<type>-<id>-<secret>` (Tailscale docs, "API
/// access tokens", "Auth keys", "OAuth clients"; lengths ours).
fn tailscale(t: &[u8], at: usize) -> M {
    if !before_ok(t, at, WORD) {
        return None;
    }
    let mut p = P::at(t, at);
    p.lit("tskey-")?;
    p.one_of(&["auth-", "api-", "client-", "scim-", "webhook-"])?;
    p.take(B62, 6, 24)?;
    p.lit("-")?;
    let s = p.take(B62, 24, 48)?;
    let end = p.end(WORD)?;
    good(t, &s, B62).then_some(at..end)
}

/// Octopus Deploy API key `API-` + upper-case letters and digits (Octopus
/// docs, "How to create an API key"; 26 usual, bounds ours; letters and
/// digits both required, so `API-` before a word is not one).
fn octopus(t: &[u8], at: usize) -> M {
    let r = shape(t, at, &["API-"], UPNUM, 25, 32)?;
    let b = &t[r.start + 4..r.end];
    (b.iter().any(u8::is_ascii_digit) && b.iter().any(u8::is_ascii_uppercase)).then_some(r)
}

// ---------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------

/// A kind whose tokens are one of its anchors followed by `min..=max`
/// bytes of one alphabet.
macro_rules! simple {
    ($id:literal, $what:literal, $code:ident, [$($a:literal),+], $set:expr, $min:literal, $max:literal) => {
        TokenKind {
            kind: $id,
            what: $what,
            code: Code::$code,
            anchors: &[$($a),+],
            matches: |t, at| shape(t, at, &[$($a),+], $set, $min, $max),
        }
    };
}

const GITLAB20: Option<(Set, usize, usize)> = Some((B64URL, 20, 20));

/// Every kind, in no particular order.
pub static KINDS: &[TokenKind] = &[
    // --- GitHub. Prefixes: GitHub docs, "About authentication to GitHub"
    // (token prefixes); `ghp_`…`ghr_` are 4 + 36, the last 6 a base-62
    // CRC32 (GitHub blog, "Behind GitHub's new authentication token
    // formats"); refresh tokens are 4 + 76 (GitHub docs, "Refreshing user
    // access tokens", example), the CRC32 in their last 6 too.
    TokenKind {
        kind: "github-pat",
        what: "GitHub personal access token (classic)",
        code: Code::SQ34304,
        anchors: &["ghp_"],
        matches: |t, at| crc62(t, at, "ghp_", &[36]),
    },
    TokenKind {
        kind: "github-oauth-token",
        what: "GitHub OAuth access token",
        code: Code::SQ34304,
        anchors: &["gho_"],
        matches: |t, at| crc62(t, at, "gho_", &[36]),
    },
    TokenKind {
        kind: "github-user-to-server-token",
        what: "GitHub App user access token",
        code: Code::SQ34304,
        anchors: &["ghu_"],
        matches: |t, at| crc62(t, at, "ghu_", &[36]),
    },
    TokenKind {
        kind: "github-installation-token",
        what: "GitHub App installation access token",
        code: Code::SQ34304,
        anchors: &["ghs_"],
        matches: github_installation,
    },
    TokenKind {
        kind: "github-refresh-token",
        what: "GitHub App refresh token",
        code: Code::SQ34304,
        anchors: &["ghr_"],
        matches: |t, at| crc62(t, at, "ghr_", &[36, 76]),
    },
    TokenKind {
        kind: "github-fine-grained-pat",
        what: "GitHub fine-grained personal access token",
        code: Code::SQ34304,
        anchors: &["github_pat_"],
        matches: github_fine_grained,
    },
    // --- GitLab. Prefixes: GitLab docs, "GitLab token overview" (token
    // prefixes). Older tokens: 20 characters of base64url
    // (`Devise.friendly_token`), trigger tokens 40 hex, OAuth application
    // secrets 64 hex, agent tokens 50; newer ones are routable tokens with
    // a CRC32 (GitLab source, `RoutableToken`), accepted for every prefix.
    TokenKind {
        kind: "gitlab-pat",
        what: "GitLab personal, project or group access token",
        code: Code::SQ34304,
        anchors: &["glpat-"],
        matches: |t, at| gitlab(t, at, "glpat-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-deploy-token",
        what: "GitLab deploy token",
        code: Code::SQ34304,
        anchors: &["gldt-"],
        matches: |t, at| gitlab(t, at, "gldt-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-runner-token",
        what: "GitLab runner authentication token",
        code: Code::SQ34304,
        anchors: &["glrt-"],
        matches: |t, at| gitlab(t, at, "glrt-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-pipeline-trigger-token",
        what: "GitLab pipeline trigger token",
        code: Code::SQ34304,
        anchors: &["glptt-"],
        matches: |t, at| gitlab(t, at, "glptt-", Some((HEXL, 40, 40))),
    },
    TokenKind {
        kind: "gitlab-feed-token",
        what: "GitLab feed token",
        code: Code::SQ34304,
        anchors: &["glft-"],
        matches: |t, at| gitlab(t, at, "glft-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-scim-token",
        what: "GitLab SCIM token",
        code: Code::SQ34304,
        anchors: &["glsoat-"],
        matches: |t, at| gitlab(t, at, "glsoat-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-oauth-app-secret",
        what: "GitLab OAuth application secret",
        code: Code::SQ34305,
        anchors: &["gloas-"],
        matches: |t, at| gitlab(t, at, "gloas-", Some((HEXL, 64, 64))),
    },
    TokenKind {
        kind: "gitlab-agent-token",
        what: "GitLab agent for Kubernetes token",
        code: Code::SQ34304,
        anchors: &["glagent-"],
        matches: |t, at| gitlab(t, at, "glagent-", Some((B64URL, 50, 50))),
    },
    TokenKind {
        kind: "gitlab-feature-flags-client-token",
        what: "GitLab feature flags client token",
        code: Code::SQ34304,
        anchors: &["glffct-"],
        matches: |t, at| gitlab(t, at, "glffct-", GITLAB20),
    },
    TokenKind {
        kind: "gitlab-incoming-mail-token",
        what: "GitLab incoming email token",
        // 128 random bits in base 36 (GitLab source, `incoming_email_token`).
        code: Code::SQ34304,
        anchors: &["glimt-"],
        matches: |t, at| gitlab(t, at, "glimt-", Some((LOWNUM, 20, 25))),
    },
    TokenKind {
        kind: "gitlab-ci-job-token",
        what: "GitLab CI/CD job token",
        code: Code::SQ34304,
        anchors: &["glcbt-"],
        matches: gitlab_job_token,
    },
    TokenKind {
        kind: "gitlab-runner-registration-token",
        what: "GitLab runner registration token",
        // GitLab docs, "Runner registration tokens (deprecated)": prefix
        // `GR1348941`, then a 20-character token.
        code: Code::SQ34304,
        anchors: &["GR1348941"],
        matches: |t, at| shape(t, at, &["GR1348941"], B64URL, 20, 20),
    },
    // --- Slack (Slack docs, "Token types").
    TokenKind {
        kind: "slack-bot-token",
        what: "Slack bot token",
        code: Code::SQ34304,
        anchors: &["xoxb-"],
        matches: slack_bot,
    },
    TokenKind {
        kind: "slack-user-token",
        what: "Slack user token",
        code: Code::SQ34304,
        anchors: &["xoxp-"],
        matches: slack_user,
    },
    TokenKind {
        kind: "slack-workspace-token",
        what: "Slack workspace app token",
        code: Code::SQ34304,
        anchors: &["xoxa-"],
        matches: |t, at| slack_other(t, at, &["xoxa-"], 30, 300),
    },
    TokenKind {
        kind: "slack-refresh-token",
        what: "Slack refresh token",
        code: Code::SQ34304,
        anchors: &["xoxr-", "xoxe-"],
        matches: |t, at| slack_other(t, at, &["xoxr-", "xoxe-"], 30, 300),
    },
    TokenKind {
        kind: "slack-config-token",
        what: "Slack app configuration token",
        code: Code::SQ34304,
        anchors: &["xoxe.xoxp-", "xoxe.xoxb-"],
        matches: |t, at| slack_other(t, at, &["xoxe.xoxp-", "xoxe.xoxb-"], 50, 300),
    },
    TokenKind {
        kind: "slack-app-token",
        what: "Slack app-level token",
        code: Code::SQ34304,
        anchors: &["xapp-"],
        matches: slack_app,
    },
    TokenKind {
        kind: "slack-webhook-url",
        what: "Slack incoming webhook URL",
        code: Code::SQ34306,
        anchors: &["hooks.slack.com/"],
        matches: slack_webhook,
    },
    // --- Package registries.
    TokenKind {
        kind: "npm-access-token",
        what: "npm access token",
        // GitHub blog, "Announcing npm's new access token format": `npm_`,
        // GitHub's format, the last six a base-62 CRC32.
        code: Code::SQ34304,
        anchors: &["npm_"],
        matches: |t, at| crc62(t, at, "npm_", &[36]),
    },
    TokenKind {
        kind: "pypi-api-token",
        what: "PyPI API token",
        // PyPI help, "API tokens": `pypi-` + a macaroon, base64url; the
        // macaroon starts with its location, `pypi.org` (`AgEIcHlwaS5vcmc`)
        // or `test.pypi.org`. Lengths ours (real ones are ~180).
        code: Code::SQ34304,
        anchors: &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
        matches: |t, at| {
            which(
                t,
                at,
                &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
            )?;
            shape(t, at, &["pypi-"], B64URL, 80, 1000)
        },
    },
    simple!(
        // Docker docs, "Personal access tokens": `dckr_pat_`; 27 characters
        // of base64url in every published one.
        "dockerhub-pat",
        "Docker Hub personal access token",
        SQ34304,
        ["dckr_pat_"],
        B64URL,
        27,
        27
    ),
    simple!(
        // Docker docs, "Organization access tokens": `dckr_oat_`; the
        // length is not documented, bounds ours.
        "dockerhub-oat",
        "Docker Hub organization access token",
        SQ34304,
        ["dckr_oat_"],
        B64URL,
        24,
        40
    ),
    simple!(
        // RubyGems guides, "API key scopes": `rubygems_` + 48 hex.
        "rubygems-api-key",
        "RubyGems API key",
        SQ34305,
        ["rubygems_"],
        HEXL,
        48,
        48
    ),
    simple!(
        // NuGet docs, "Scoped API keys": keys start `oy2`; 46 lower-case
        // letters and digits in all, in published ones.
        "nuget-api-key",
        "NuGet API key",
        SQ34305,
        ["oy2"],
        LOWNUM,
        43,
        43
    ),
    simple!(
        // Clojars docs, "Deploy tokens": `CLOJARS_`; 60 lower-case letters
        // and digits (the common pattern).
        "clojars-token",
        "Clojars deploy token",
        SQ34304,
        ["CLOJARS_"],
        LOWNUM,
        60,
        60
    ),
    TokenKind {
        kind: "jfrog-api-key",
        what: "JFrog Artifactory API key",
        // JFrog docs, "API key": 73 characters starting `AKCp8` (JFrog's
        // own clients check that prefix and length).
        code: Code::SQ34305,
        anchors: &["AKCp8"],
        matches: |t, at| shape(t, at, &["AKCp8"], B62, 68, 68),
    },
    TokenKind {
        kind: "jfrog-reference-token",
        what: "JFrog reference token",
        // JFrog docs, "Reference tokens": 64 characters, base64 of
        // `reftkn:01:<expiry>:<id>` (`cmVmdGtuOjAxO`).
        code: Code::SQ34304,
        anchors: &["cmVmdGtuOjAxO"],
        matches: |t, at| {
            let r = shape_w(t, at, &["cmVmdGtuOjAxO"], B64, 51, 51, WORD_B64)?;
            good(t, &(at + 13..r.end), B64).then_some(r)
        },
    },
    // --- HashiCorp (Vault docs, "Tokens": `hvs.` service, `hvb.` batch,
    // `hvr.` recovery tokens; lengths ours, batch tokens being long).
    simple!(
        "vault-service-token",
        "HashiCorp Vault service token",
        SQ34304,
        ["hvs."],
        B64URL,
        24,
        500
    ),
    simple!(
        "vault-batch-token",
        "HashiCorp Vault batch token",
        SQ34304,
        ["hvb."],
        B64URL,
        40,
        1000
    ),
    simple!(
        "vault-recovery-token",
        "HashiCorp Vault recovery token",
        SQ34304,
        ["hvr."],
        B64URL,
        24,
        500
    ),
    TokenKind {
        kind: "terraform-cloud-token",
        what: "HCP Terraform (Terraform Cloud) API token",
        code: Code::SQ34304,
        anchors: &[".atlasv1."],
        matches: terraform,
    },
    // --- AI services.
    TokenKind {
        kind: "huggingface-token",
        what: "Hugging Face user access token",
        // Hugging Face docs, "User access tokens": `hf_`; 34 ASCII letters
        // in every published one.
        code: Code::SQ34304,
        anchors: &["hf_"],
        matches: |t, at| shape(t, at, &["hf_"], LETTERS, 34, 34),
    },
    simple!(
        // Hugging Face's older organization API tokens: `api_org_` + 34
        // letters.
        "huggingface-org-token",
        "Hugging Face organization API token",
        SQ34304,
        ["api_org_"],
        LETTERS,
        34,
        34
    ),
    TokenKind {
        kind: "openai-api-key",
        what: "OpenAI API key (original format)",
        code: Code::SQ34304,
        anchors: &["T3BlbkFJ"],
        matches: openai_legacy,
    },
    TokenKind {
        kind: "openai-project-key",
        what: "OpenAI project API key",
        code: Code::SQ34304,
        anchors: &["sk-proj-"],
        matches: |t, at| openai(t, at, "sk-proj-"),
    },
    TokenKind {
        kind: "openai-service-account-key",
        what: "OpenAI service account API key",
        code: Code::SQ34304,
        anchors: &["sk-svcacct-"],
        matches: |t, at| openai(t, at, "sk-svcacct-"),
    },
    TokenKind {
        kind: "openai-admin-key",
        what: "OpenAI admin API key",
        code: Code::SQ34304,
        anchors: &["sk-admin-"],
        matches: |t, at| openai(t, at, "sk-admin-"),
    },
    TokenKind {
        kind: "anthropic-api-key",
        what: "Anthropic API key",
        code: Code::SQ34304,
        anchors: &["sk-ant-api03-"],
        matches: |t, at| anthropic(t, at, "sk-ant-api03-"),
    },
    TokenKind {
        kind: "anthropic-admin-key",
        what: "Anthropic Admin API key",
        code: Code::SQ34304,
        anchors: &["sk-ant-admin01-"],
        matches: |t, at| anthropic(t, at, "sk-ant-admin01-"),
    },
    simple!(
        // Groq docs, "API keys": `gsk_`; 52 alphanumerics (the common
        // pattern).
        "groq-api-key",
        "Groq API key",
        SQ34305,
        ["gsk_"],
        B62,
        52,
        52
    ),
    simple!(
        // xAI docs, "API keys": `xai-`; 80 alphanumerics (the common
        // pattern).
        "xai-api-key",
        "xAI API key",
        SQ34305,
        ["xai-"],
        B62,
        80,
        80
    ),
    simple!(
        // Perplexity docs, "API keys": `pplx-`; 48 alphanumerics (the
        // common pattern).
        "perplexity-api-key",
        "Perplexity API key",
        SQ34305,
        ["pplx-"],
        B62,
        48,
        48
    ),
    simple!(
        // Replicate docs, "API tokens": `r8_`; 37 alphanumerics in
        // published ones.
        "replicate-api-token",
        "Replicate API token",
        SQ34304,
        ["r8_"],
        B62,
        37,
        37
    ),
    TokenKind {
        kind: "langsmith-api-key",
        what: "LangSmith API key",
        // LangSmith docs, "Create an API key": `lsv2_pt_` (personal) or
        // `lsv2_sk_` (service), 32 hex, `_`, 10 hex.
        code: Code::SQ34305,
        anchors: &["lsv2_pt_", "lsv2_sk_"],
        matches: |t, at| {
            which(t, at, &["lsv2_pt_", "lsv2_sk_"])?;
            if !before_ok(t, at, WORD) {
                return None;
            }
            let mut p = P::at(t, at + 8);
            let a = p.exact(HEXL, 32)?;
            p.lit("_")?;
            p.exact(HEXL, 10)?;
            let end = p.end(WORD)?;
            good(t, &a, HEXL).then_some(at..end)
        },
    },
    // --- Cloud platforms.
    simple!(
        // DigitalOcean docs, "How to create a personal access token":
        // `dop_v1_` + 64 hex; OAuth `doo_v1_`, refresh `dor_v1_`.
        "digitalocean-pat",
        "DigitalOcean personal access token",
        SQ34304,
        ["dop_v1_"],
        HEXL,
        64,
        64
    ),
    simple!(
        "digitalocean-oauth-token",
        "DigitalOcean OAuth token",
        SQ34304,
        ["doo_v1_"],
        HEXL,
        64,
        64
    ),
    simple!(
        "digitalocean-refresh-token",
        "DigitalOcean OAuth refresh token",
        SQ34304,
        ["dor_v1_"],
        HEXL,
        64,
        64
    ),
    TokenKind {
        kind: "google-api-key",
        what: "Google API key",
        // Google Cloud docs, "Manage API keys": `AIza` + 35 base64url.
        code: Code::SQ34305,
        anchors: &["AIza"],
        matches: |t, at| shape_w(t, at, &["AIza"], B64URL, 35, 35, WORD_B64),
    },
    simple!(
        // Google Cloud docs, "OAuth client secrets": new secrets start
        // `GOCSPX-`, then 28 base64url.
        "google-oauth-client-secret",
        "Google OAuth client secret",
        SQ34305,
        ["GOCSPX-"],
        B64URL,
        28,
        28
    ),
    // Google's access and refresh tokens and API keys have short anchors
    // that random base64 can hold: inside base64 (`+`, `/` around) they are
    // not taken.
    TokenKind {
        kind: "google-oauth-access-token",
        what: "Google OAuth access token",
        // Google Identity docs, "Using OAuth 2.0 to access Google APIs":
        // access tokens start `ya29.`; lengths ours.
        code: Code::SQ34304,
        anchors: &["ya29."],
        matches: |t, at| shape_w(t, at, &["ya29."], B64URL, 30, 1000, WORD_B64),
    },
    TokenKind {
        kind: "google-oauth-refresh-token",
        what: "Google OAuth refresh token",
        // Same docs: refresh tokens start `1//0`; lengths ours.
        code: Code::SQ34304,
        anchors: &["1//0"],
        matches: |t, at| shape_w(t, at, &["1//0"], B64URL, 40, 300, WORD_B64),
    },
    TokenKind {
        kind: "azure-ad-client-secret",
        what: "Microsoft Entra ID (Azure AD) client secret",
        code: Code::SQ34305,
        anchors: &[
            "0Q~", "1Q~", "2Q~", "3Q~", "4Q~", "5Q~", "6Q~", "7Q~", "8Q~", "9Q~",
        ],
        matches: azure_ad_secret,
    },
    simple!(
        // Alibaba Cloud docs, "Create an AccessKey pair": AccessKey IDs
        // start `LTAI`; 12 to 20 more (16 before 2019, 24 since).
        "alibaba-access-key-id",
        "Alibaba Cloud AccessKey ID",
        SQ34305,
        ["LTAI"],
        B62,
        12,
        20
    ),
    TokenKind {
        kind: "cloudflare-api-token",
        what: "Cloudflare API token",
        code: Code::SQ34304,
        anchors: &["cfut_", "cfat_"],
        matches: |t, at| cloudflare(t, at, &["cfut_", "cfat_"]),
    },
    TokenKind {
        kind: "cloudflare-global-api-key",
        what: "Cloudflare global API key",
        code: Code::SQ34305,
        anchors: &["cfk_"],
        matches: |t, at| cloudflare(t, at, &["cfk_"]),
    },
    TokenKind {
        kind: "heroku-api-key",
        what: "Heroku API key",
        // Heroku Dev Center, "Heroku CLI authentication": tokens start
        // `HRKU-`; `HRKU-AA` + 58 base64url in published ones.
        code: Code::SQ34305,
        anchors: &["HRKU-AA"],
        matches: |t, at| shape(t, at, &["HRKU-AA"], B64URL, 58, 58),
    },
    TokenKind {
        kind: "flyio-token",
        what: "Fly.io access token",
        // Fly.io docs, "Access tokens": macaroons `fm2_…` (sent as
        // `FlyV1 fm2_…`); the msgpack header encodes as `lJPE`.
        code: Code::SQ34304,
        anchors: &["fm2_lJPE"],
        matches: |t, at| {
            which(t, at, &["fm2_lJPE"])?;
            shape_w(t, at, &["fm2_"], B64PAD, 100, 1000, WORD_B64)
        },
    },
    TokenKind {
        kind: "databricks-token",
        what: "Databricks personal access token",
        code: Code::SQ34304,
        anchors: &["dapi"],
        matches: databricks,
    },
    TokenKind {
        kind: "dynatrace-token",
        what: "Dynatrace access token",
        // Dynatrace docs, "Access tokens" (token format): `dt0c01.` + 24
        // public + `.` + 64 secret, upper-case letters and digits.
        code: Code::SQ34304,
        anchors: &["dt0c01."],
        matches: |t, at| {
            if !before_ok(t, at, WORD_DOT) {
                return None;
            }
            let mut p = P::at(t, at);
            p.lit("dt0c01.")?;
            p.exact(UPNUM, 24)?;
            p.lit(".")?;
            let s = p.exact(UPNUM, 64)?;
            let end = p.end(WORD_DOT)?;
            good(t, &s, UPNUM).then_some(at..end)
        },
    },
    simple!(
        // Pulumi docs, "Access tokens": `pul-` + 40 hex.
        "pulumi-access-token",
        "Pulumi access token",
        SQ34304,
        ["pul-"],
        HEXL,
        40,
        40
    ),
    simple!(
        // Supabase docs, "Access tokens": `sbp_` + 40 hex.
        "supabase-token",
        "Supabase access token",
        SQ34304,
        ["sbp_"],
        HEXL,
        40,
        40
    ),
    simple!(
        // PlanetScale docs, "Service tokens", "OAuth": `pscale_tkn_`,
        // `pscale_oauth_`; lengths ours (43 usual).
        "planetscale-token",
        "PlanetScale service or OAuth token",
        SQ34304,
        ["pscale_tkn_", "pscale_oauth_"],
        B64URL,
        32,
        64
    ),
    simple!(
        // PlanetScale docs, "Connection strings": passwords `pscale_pw_`.
        "planetscale-password",
        "PlanetScale database password",
        SQ34304,
        ["pscale_pw_"],
        B64URL,
        32,
        64
    ),
    simple!(
        // Scalingo docs, "API tokens": `tk-us-`; 48 base64url (the common
        // pattern).
        "scalingo-token",
        "Scalingo API token",
        SQ34304,
        ["tk-us-"],
        B64URL,
        48,
        48
    ),
    simple!(
        // Neon docs, "Manage API keys": `napi_`; 64 lower-case letters and
        // digits in published ones.
        "neon-api-key",
        "Neon API key",
        SQ34305,
        ["napi_"],
        LOWNUM,
        64,
        64
    ),
    TokenKind {
        kind: "tailscale-key",
        what: "Tailscale API access token, auth key or OAuth client secret",
        code: Code::SQ34304,
        anchors: &[
            "tskey-auth-",
            "tskey-api-",
            "tskey-client-",
            "tskey-scim-",
            "tskey-webhook-",
        ],
        matches: tailscale,
    },
    // --- Developer tools and CI.
    TokenKind {
        kind: "atlassian-api-token",
        what: "Atlassian API token",
        code: Code::SQ34304,
        anchors: &["ATATT3"],
        matches: atlassian,
    },
    TokenKind {
        kind: "circleci-token",
        what: "CircleCI personal or project API token",
        // CircleCI docs, "Managing API tokens": `CCIPAT_` / `CCIPRJ_` + 22
        // alphanumerics + `_` + 40 hex.
        code: Code::SQ34304,
        anchors: &["CCIPAT_", "CCIPRJ_"],
        matches: |t, at| {
            which(t, at, &["CCIPAT_", "CCIPRJ_"])?;
            if !before_ok(t, at, WORD) {
                return None;
            }
            let mut p = P::at(t, at + 7);
            p.exact(B62, 22)?;
            p.lit("_")?;
            let s = p.exact(HEXL, 40)?;
            let end = p.end(WORD)?;
            good(t, &s, HEXL).then_some(at..end)
        },
    },
    simple!(
        // Buildkite docs, "API access tokens": `bkua_` + 40 hex.
        "buildkite-token",
        "Buildkite API access token",
        SQ34304,
        ["bkua_"],
        HEXL,
        40,
        40
    ),
    TokenKind {
        kind: "grafana-cloud-token",
        what: "Grafana Cloud access policy token",
        code: Code::SQ34304,
        anchors: &["glc_eyJvIjoi"],
        matches: grafana_cloud,
    },
    TokenKind {
        kind: "grafana-service-account-token",
        what: "Grafana service account token",
        code: Code::SQ34304,
        anchors: &["glsa_"],
        matches: grafana_sa,
    },
    simple!(
        // New Relic docs, "API keys": user keys `NRAK-` + 27 upper-case
        // letters and digits.
        "newrelic-user-api-key",
        "New Relic user API key",
        SQ34305,
        ["NRAK-"],
        UPNUM,
        27,
        27
    ),
    TokenKind {
        kind: "sentry-org-token",
        what: "Sentry organization auth token",
        code: Code::SQ34304,
        anchors: &["sntrys_eyJpYXQiO"],
        matches: sentry_org,
    },
    simple!(
        // Sentry docs, "User auth tokens": `sntryu_` + 64 hex.
        "sentry-user-token",
        "Sentry user auth token",
        SQ34304,
        ["sntryu_"],
        HEXL,
        64,
        64
    ),
    TokenKind {
        kind: "postman-api-key",
        what: "Postman API key",
        // Postman docs, "Generate and use Postman API keys": `PMAK-` + 24
        // hex + `-` + 34 hex.
        code: Code::SQ34305,
        anchors: &["PMAK-"],
        matches: |t, at| {
            if !before_ok(t, at, WORD) {
                return None;
            }
            let mut p = P::at(t, at);
            p.lit("PMAK-")?;
            let a = p.exact(HEXL, 24)?;
            p.lit("-")?;
            let b = p.exact(HEXL, 34)?;
            let end = p.end(WORD)?;
            (good(t, &a, HEXL) && good(t, &b, HEXL)).then_some(at..end)
        },
    },
    simple!(
        // Linear docs, "API and webhooks": personal API keys `lin_api_` +
        // 40 alphanumerics.
        "linear-api-key",
        "Linear API key",
        SQ34305,
        ["lin_api_"],
        B62,
        40,
        40
    ),
    simple!(
        // Notion developers, "Authorization": integration tokens `ntn_`;
        // 46 alphanumerics in published ones.
        "notion-token",
        "Notion integration token",
        SQ34304,
        ["ntn_"],
        B62,
        46,
        46
    ),
    simple!(
        // Figma developers, "Access tokens": personal tokens `figd_`; the
        // length is not documented, bounds ours.
        "figma-pat",
        "Figma personal access token",
        SQ34304,
        ["figd_"],
        B64URL,
        36,
        48
    ),
    simple!(
        // Contentful docs, "Personal access tokens": `CFPAT-` + 43
        // base64url.
        "contentful-pat",
        "Contentful personal access token",
        SQ34304,
        ["CFPAT-"],
        B64URL,
        43,
        43
    ),
    TokenKind {
        kind: "doppler-token",
        what: "Doppler token",
        code: Code::SQ34304,
        anchors: DOPPLER,
        matches: doppler,
    },
    simple!(
        // ReadMe docs, "API keys": `rdme_`; 70 lower-case alphanumerics
        // (the common pattern; not checked against a published key).
        "readme-api-key",
        "ReadMe API key",
        SQ34305,
        ["rdme_"],
        LOWNUM,
        70,
        70
    ),
    simple!(
        // Frame.io developer docs, "Developer tokens": `fio-u-`; 64 more
        // (the common pattern).
        "frameio-token",
        "Frame.io developer token",
        SQ34304,
        ["fio-u-"],
        Set::of(b"0-9A-Za-z_=-"),
        64,
        64
    ),
    simple!(
        // SonarQube docs, "Managing your tokens": `sqp_` project, `squ_`
        // user, `sqa_` global analysis tokens, + 40 hex.
        "sonarqube-token",
        "SonarQube token",
        SQ34304,
        ["sqp_", "squ_", "sqa_"],
        HEXL,
        40,
        40
    ),
    TokenKind {
        kind: "sourcegraph-token",
        what: "Sourcegraph access token",
        code: Code::SQ34304,
        anchors: &["sgp_"],
        matches: sourcegraph,
    },
    simple!(
        // Prefect docs, "Manage API keys": `pnu_`; 36 alphanumerics (the
        // common pattern; not checked against a published key).
        "prefect-api-key",
        "Prefect Cloud API key",
        SQ34305,
        ["pnu_"],
        B62,
        36,
        36
    ),
    TokenKind {
        kind: "octopus-api-key",
        what: "Octopus Deploy API key",
        code: Code::SQ34305,
        anchors: &["API-"],
        matches: octopus,
    },
    simple!(
        // Typeform developers, "Personal access tokens": `tfp_`; the length
        // is not documented, bounds ours.
        "typeform-token",
        "Typeform personal access token",
        SQ34304,
        ["tfp_"],
        Set::of(b"0-9A-Za-z_.=-"),
        40,
        64
    ),
    TokenKind {
        kind: "onepassword-service-account-token",
        what: "1Password service account token",
        // 1Password developer docs, "Service accounts": tokens `ops_` +
        // base64url JSON (`eyJ`).
        code: Code::SQ34304,
        anchors: &["ops_eyJ"],
        matches: |t, at| {
            which(t, at, &["ops_eyJ"])?;
            shape_w(t, at, &["ops_"], B64URL.with(B64PAD), 100, 1000, WORD_B64)
        },
    },
    TokenKind {
        kind: "mapbox-secret-token",
        what: "Mapbox secret access token",
        // Mapbox docs, "Access tokens": secret tokens `sk.` + base64url
        // JSON (`eyJ1Ijoi`, `{"u":"`) + `.` + 22 or so.
        code: Code::SQ34304,
        anchors: &["sk.eyJ1Ijoi"],
        matches: |t, at| {
            if !lit(t, at, b"sk.eyJ1Ijoi") || !before_ok(t, at, WORD_DOT) {
                return None;
            }
            let mut p = P::at(t, at + 3);
            p.take(B64URL, 20, 300)?;
            p.lit(".")?;
            let s = p.take(B64URL, 20, 32)?;
            let end = p.end(WORD_DOT)?;
            good(t, &s, B64URL).then_some(at..end)
        },
    },
    TokenKind {
        kind: "age-secret-key",
        what: "age secret key",
        // An age identity is a private key, not a service token: reported
        // as an embedded unencrypted non-SSH private key.
        code: Code::SQ34109,
        anchors: &["AGE-SECRET-KEY-1"],
        matches: age,
    },
    // --- Payments and commerce.
    simple!(
        // Stripe docs, "API keys": secret keys `sk_live_`, restricted keys
        // `rk_live_`, test mode `sk_test_`/`rk_test_`; keys can be up to 255
        // characters (Stripe changelog), at least 24 after the prefix.
        "stripe-secret-key",
        "Stripe live secret key",
        SQ34305,
        ["sk_live_"],
        B62,
        24,
        247
    ),
    simple!(
        "stripe-restricted-key",
        "Stripe live restricted key",
        SQ34305,
        ["rk_live_"],
        B62,
        24,
        247
    ),
    simple!(
        "stripe-test-key",
        "Stripe test mode secret or restricted key",
        SQ34305,
        ["sk_test_", "rk_test_"],
        B62,
        24,
        247
    ),
    simple!(
        // Stripe docs, "Check the webhook signatures": signing secrets
        // `whsec_`; 32 alphanumerics from the Dashboard, 64 from the CLI.
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        SQ34306,
        ["whsec_"],
        B62,
        32,
        64
    ),
    simple!(
        // Shopify docs, "Access tokens": `shpat_` Admin API, `shpca_`
        // custom app, `shppa_` private app tokens, `shpss_` shared secrets,
        // each + 32 hex.
        "shopify-access-token",
        "Shopify Admin API access token",
        SQ34304,
        ["shpat_"],
        HEX,
        32,
        32
    ),
    simple!(
        "shopify-custom-app-token",
        "Shopify custom app access token",
        SQ34304,
        ["shpca_"],
        HEX,
        32,
        32
    ),
    simple!(
        "shopify-private-app-token",
        "Shopify private app access token",
        SQ34304,
        ["shppa_"],
        HEX,
        32,
        32
    ),
    simple!(
        "shopify-shared-secret",
        "Shopify app shared secret",
        SQ34305,
        ["shpss_"],
        HEX,
        32,
        32
    ),
    simple!(
        // Square developer docs, "Access tokens": legacy `sq0atp-` + 22;
        // OAuth application secrets `sq0csp-` + 43.
        "square-access-token",
        "Square access token",
        SQ34304,
        ["sq0atp-"],
        B64URL,
        22,
        22
    ),
    simple!(
        "square-oauth-secret",
        "Square OAuth application secret",
        SQ34305,
        ["sq0csp-"],
        B64URL,
        43,
        43
    ),
    TokenKind {
        kind: "flutterwave-secret-key",
        what: "Flutterwave secret key",
        // Flutterwave docs, "API keys": `FLWSECK-` (live) or
        // `FLWSECK_TEST-` + 32 hex + `-X`.
        code: Code::SQ34305,
        anchors: &["FLWSECK-", "FLWSECK_TEST-"],
        matches: |t, at| {
            let n = which(t, at, &["FLWSECK-", "FLWSECK_TEST-"])?;
            if !before_ok(t, at, WORD) {
                return None;
            }
            let mut p = P::at(t, at + n);
            let s = p.exact(HEXL, 32)?;
            p.lit("-X")?;
            let end = p.end(WORD)?;
            good(t, &s, HEXL).then_some(at..end)
        },
    },
    simple!(
        // EasyPost docs, "Authentication": production keys `EZAK`, test
        // keys `EZTK`, + 54 alphanumerics.
        "easypost-api-key",
        "EasyPost API key",
        SQ34305,
        ["EZAK", "EZTK"],
        B62,
        54,
        54
    ),
    simple!(
        // Shippo docs, "Authentication": `shippo_live_` / `shippo_test_` +
        // 40 hex.
        "shippo-api-token",
        "Shippo API token",
        SQ34305,
        ["shippo_live_", "shippo_test_"],
        HEXL,
        40,
        40
    ),
    simple!(
        // Duffel docs, "Authentication": `duffel_live_` / `duffel_test_` +
        // 43 base64url.
        "duffel-token",
        "Duffel access token",
        SQ34304,
        ["duffel_live_", "duffel_test_"],
        B64URL,
        43,
        43
    ),
    // --- Messaging and email.
    TokenKind {
        kind: "sendgrid-api-key",
        what: "SendGrid API key",
        // Twilio SendGrid docs, "API keys": `SG.` + 22 + `.` + 43.
        code: Code::SQ34305,
        anchors: &["SG."],
        matches: |t, at| {
            if !before_ok(t, at, WORD_DOT) {
                return None;
            }
            let mut p = P::at(t, at);
            p.lit("SG.")?;
            let a = p.exact(B64URL, 22)?;
            p.lit(".")?;
            let b = p.exact(B64URL, 43)?;
            let end = p.end(WORD_DOT)?;
            (good(t, &a, B64URL) && good(t, &b, B64URL)).then_some(at..end)
        },
    },
    simple!(
        // Mailgun docs, "API keys": private keys `key-` + 32 hex (the
        // newer prefix-less keys need context and are left to the generic
        // detector).
        "mailgun-api-key",
        "Mailgun private API key",
        SQ34305,
        ["key-"],
        HEXL,
        32,
        32
    ),
    TokenKind {
        kind: "mailchimp-api-key",
        what: "Mailchimp API key",
        code: Code::SQ34305,
        anchors: &[
            "-us1", "-us2", "-us3", "-us4", "-us5", "-us6", "-us7", "-us8", "-us9",
        ],
        matches: mailchimp,
    },
    TokenKind {
        kind: "brevo-api-key",
        what: "Brevo (Sendinblue) API or SMTP key",
        // Brevo docs, "API keys": `xkeysib-` (API) / `xsmtpsib-` (SMTP) +
        // 64 hex + `-` + 16 alphanumerics.
        code: Code::SQ34305,
        anchors: &["xkeysib-", "xsmtpsib-"],
        matches: |t, at| {
            let n = which(t, at, &["xkeysib-", "xsmtpsib-"])?;
            if !before_ok(t, at, WORD) {
                return None;
            }
            let mut p = P::at(t, at + n);
            let a = p.exact(HEXL, 64)?;
            p.lit("-")?;
            let b = p.exact(B62, 16)?;
            let end = p.end(WORD)?;
            (good(t, &a, HEXL) && good(t, &b, B62)).then_some(at..end)
        },
    },
    TokenKind {
        kind: "twilio-api-key",
        what: "Twilio API key",
        // Twilio docs, "API keys": SIDs `SK` + 32 lower-case hex.
        code: Code::SQ34305,
        anchors: &[
            "SK0", "SK1", "SK2", "SK3", "SK4", "SK5", "SK6", "SK7", "SK8", "SK9", "SKa", "SKb",
            "SKc", "SKd", "SKe", "SKf",
        ],
        matches: |t, at| {
            if !lit(t, at, b"SK") {
                return None;
            }
            shape(t, at, &["SK"], HEXL, 32, 32)
        },
    },
    TokenKind {
        kind: "telegram-bot-token",
        what: "Telegram bot token",
        code: Code::SQ34304,
        anchors: &[
            "0:AA", "1:AA", "2:AA", "3:AA", "4:AA", "5:AA", "6:AA", "7:AA", "8:AA", "9:AA",
        ],
        matches: telegram,
    },
    TokenKind {
        kind: "datadog-api-key",
        what: "Datadog API key",
        // Datadog docs, "API and application keys": API keys are 32 hex,
        // with no prefix: found only as the value of a Datadog name.
        code: Code::SQ34305,
        anchors: DD_API,
        matches: |t, at| named(t, at, DD_API, HEXL, 32),
    },
    TokenKind {
        kind: "datadog-app-key",
        what: "Datadog application key",
        // Same page: application keys are 40 hex.
        code: Code::SQ34305,
        anchors: DD_APP,
        matches: |t, at| named(t, at, DD_APP, HEXL, 40),
    },
    simple!(
        // Adafruit IO docs, "Adafruit IO keys": `aio_`; 28 alphanumerics
        // in published ones.
        "adafruit-io-key",
        "Adafruit IO key",
        SQ34305,
        ["aio_"],
        B62,
        28,
        28
    ),
    // --- Webhooks.
    TokenKind {
        kind: "discord-webhook-url",
        what: "Discord webhook URL",
        code: Code::SQ34306,
        anchors: &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        matches: discord_webhook,
    },
    TokenKind {
        kind: "teams-webhook-url",
        what: "Microsoft Teams incoming webhook URL",
        code: Code::SQ34306,
        anchors: &[
            ".webhook.office.com/webhookb2/",
            "outlook.office.com/webhook/",
        ],
        matches: teams_webhook,
    },
    TokenKind {
        kind: "power-automate-webhook-url",
        what: "Power Automate / Logic Apps HTTP trigger URL (Teams workflow webhook)",
        code: Code::SQ34306,
        anchors: &[".logic.azure.com", ".environment.api.powerplatform.com"],
        matches: workflow_webhook,
    },
    TokenKind {
        kind: "google-chat-webhook-url",
        what: "Google Chat incoming webhook URL",
        code: Code::SQ34306,
        anchors: &["chat.googleapis.com/v1/spaces/"],
        matches: google_chat_webhook,
    },
    TokenKind {
        kind: "zapier-webhook-url",
        what: "Zapier catch hook URL",
        code: Code::SQ34306,
        anchors: &["hooks.zapier.com/hooks/catch/"],
        matches: zapier_webhook,
    },
    TokenKind {
        kind: "ifttt-webhook-key",
        what: "IFTTT Webhooks service URL with its key",
        code: Code::SQ34306,
        anchors: &["maker.ifttt.com/"],
        matches: ifttt_webhook,
    },
];

const DD_API: &[&str] = &[
    "DD_API_KEY",
    "DATADOG_API_KEY",
    "dd_api_key",
    "datadog_api_key",
    "DD-API-KEY",
    "dd-api-key",
];
const DD_APP: &[&str] = &[
    "DD_APP_KEY",
    "DATADOG_APP_KEY",
    "DD_APPLICATION_KEY",
    "DATADOG_APPLICATION_KEY",
    "dd_app_key",
    "datadog_app_key",
    "DD-APPLICATION-KEY",
    "dd-application-key",
];

// ---------------------------------------------------------------------------
// Credentials of several parts
// ---------------------------------------------------------------------------

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

pub static PAIRS: &[PairKind] = &[
    PairKind {
        kind: "aws-access-key",
        what: "AWS access key (access key ID and secret access key)",
        anchors: &AWS_PREFIXES,
        matches: aws,
    },
    PairKind {
        kind: "twilio-auth-token",
        what: "Twilio account SID and auth token",
        anchors: &[
            "AC0",
            "AC1",
            "AC2",
            "AC3",
            "AC4",
            "AC5",
            "AC6",
            "AC7",
            "AC8",
            "AC9",
            "ACa",
            "ACb",
            "ACc",
            "ACd",
            "ACe",
            "ACf",
            "TWILIO_AUTH_TOKEN",
            "twilio_auth_token",
            "TwilioAuthToken",
        ],
        matches: twilio,
    },
    PairKind {
        kind: "azure-storage-account-key",
        what: "Azure storage account key",
        anchors: &["AccountKey="],
        matches: azure_storage,
    },
    PairKind {
        kind: "azure-shared-access-key",
        what: "Azure Service Bus / Event Hubs shared access key",
        anchors: &["SharedAccessKey="],
        matches: azure_shared_access,
    },
];

/// AWS docs, "Unique identifiers" (IAM identifiers): `AKIA` access keys,
/// `ASIA` temporary (STS) keys, `ABIA` STS service bearer tokens, `ACCA`
/// context-specific credentials; 20 characters, the 16 after the prefix in
/// base 32 (`A-Z2-7`).
const AWS_PREFIXES: [&str; 4] = ["AKIA", "ASIA", "ABIA", "ACCA"];

fn aws_id(t: &[u8], at: usize) -> M {
    which(t, at, &AWS_PREFIXES)?;
    if !before_ok(t, at, B62) || run(t, at + 4, B32, 17) != 16 || !after_ok(t, at + 20, B62) {
        return None;
    }
    good(t, &(at + 4..at + 20), B32).then_some(at..at + 20)
}

/// A secret access key at `p`: 40 base64 characters (AWS docs, "Managing
/// access keys": 40 characters) on base64 boundaries, mixing upper case,
/// lower case and a digit or `+`/`/` (40 lower-case hex is a SHA-1, not a
/// key).
fn aws_secret_at(t: &[u8], p: usize) -> M {
    if p > 0 && t.get(p - 1).is_some_and(|&b| B64.has(b)) {
        return None;
    }
    if run(t, p, B64, 41) != 40 || !after_ok(t, p + 40, WORD_B64) {
        return None;
    }
    let s = &t[p..p + 40];
    let mixed = s.iter().any(u8::is_ascii_uppercase)
        && s.iter().any(u8::is_ascii_lowercase)
        && s.iter()
            .any(|b| b.is_ascii_digit() || *b == b'+' || *b == b'/');
    (mixed && plausible(s, B64)).then_some(p..p + 40)
}

/// Right after a value: a closing quote, one separator (`,` `;` `:` `|`,
/// tab or blanks), an opening quote; where a second value would start (a
/// CSV line of the AWS console's key export, `id:secret`).
fn next_value(t: &[u8], mut i: usize) -> Option<usize> {
    if matches!(t.get(i), Some(b'"') | Some(b'\'')) {
        i += 1;
    }
    match t.get(i)? {
        b',' | b';' | b':' | b'|' | b'\t' | b' ' => i += 1,
        _ => return None,
    }
    let s = i;
    while i - s < 4 && t.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    if matches!(t.get(i), Some(b'"') | Some(b'\'')) {
        i += 1;
    }
    Some(i)
}

const NAME: Set = Set::of(b"0-9A-Za-z_.-");

/// Where a value assigned to a name containing the match at `h` starts,
/// when that name, lower-cased without `_`, `-` and `.`, ends with one of
/// `endings`.
fn value_of_name(t: &[u8], h: usize, lo: usize, hi: usize, endings: &[&[u8]]) -> Option<usize> {
    let left = run_back(t, h, NAME, 48.min(h - lo));
    let right = run(t, h, NAME, 48.min(hi - h));
    let name = &t[h - left..h + right];
    let mut norm = [0u8; 96];
    let mut n = 0;
    for &b in name {
        if !matches!(b, b'_' | b'-' | b'.') {
            norm[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    let norm = &norm[..n];
    if !endings.iter().any(|e| norm.ends_with(e)) {
        return None;
    }
    after_name(t, h + right, true)
}

/// The values, in `lo..hi`, assigned to names that contain one of
/// `needles` and end (normalized) with one of `endings`, validated by
/// `value`. At most 32 names are looked at, so a call stays bounded.
fn named_values(
    t: &[u8],
    lo: usize,
    hi: usize,
    needles: &[&str],
    endings: &[&[u8]],
    value: fn(&[u8], usize) -> M,
    out: &mut [Option<Range<usize>>; 8],
) {
    let mut k = 0;
    let mut looked = 0;
    for needle in needles {
        for h in memmem::find_iter(&t[lo..hi], needle.as_bytes()) {
            looked += 1;
            if looked > 32 || k == out.len() {
                return;
            }
            let h = lo + h;
            if let Some(r) = value_of_name(t, h, lo, hi, endings).and_then(|v| value(t, v)) {
                if r.end <= hi {
                    out[k] = Some(r);
                    k += 1;
                }
            }
        }
    }
}

fn distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.start >= b.end {
        a.start - b.end
    } else {
        b.start.saturating_sub(a.end)
    }
}

/// The candidate nearest to `id`.
fn nearest(id: &Range<usize>, candidates: &[Option<Range<usize>>]) -> M {
    candidates
        .iter()
        .flatten()
        .min_by_key(|r| distance(r, id))
        .cloned()
}

/// The gap between two ranges (in either order).
fn between(a: &Range<usize>, b: &Range<usize>) -> Range<usize> {
    if a.end <= b.start {
        a.end..b.start
    } else {
        b.end..a.start.max(b.end)
    }
}

/// Whether another identifier (found by `id` at one of `anchors`) lies in
/// `gap`: then the secret belongs to that one.
fn other_id_in(t: &[u8], gap: Range<usize>, anchors: &[&str], id: fn(&[u8], usize) -> M) -> bool {
    let Some(slice) = t.get(gap.clone()) else {
        return false;
    };
    anchors.iter().any(|a| {
        memmem::find_iter(slice, a.as_bytes())
            .take(64)
            .any(|p| id(t, gap.start + p).is_some())
    })
}

fn window(t: &[u8], at: usize) -> (usize, usize) {
    (at.saturating_sub(LOOKBEHIND), (at + LOOKAHEAD).min(t.len()))
}

/// An AWS access key id with its secret access key when one is near: right
/// after it (CSV, `id:secret`) or assigned to a `…secret_access_key` /
/// `…SecretAccessKey` / `…secret_key` name within the window. The nearest
/// wins, unless another key id lies between them (then it is that one's).
///
/// An access key id found alone is still reported (SQ34303, no pair): it
/// names one key of one account, which is enough to target it, and its
/// secret is usually in another file of the same image.
fn aws(t: &[u8], at: usize) -> Vec<Found> {
    let Some(id) = aws_id(t, at) else {
        return Vec::new();
    };
    let (lo, hi) = window(t, at);
    let mut candidates: [Option<Range<usize>>; 8] = Default::default();
    named_values(
        t,
        lo,
        hi,
        &["ecret", "ECRET"],
        &[b"secretaccesskey", b"secretkey"],
        aws_secret_at,
        &mut candidates,
    );
    let adjacent = next_value(t, id.end).and_then(|p| aws_secret_at(t, p));
    let secret = nearest(&id, &candidates)
        .into_iter()
        .chain(adjacent)
        .min_by_key(|r| distance(r, &id))
        .filter(|s| !other_id_in(t, between(&id, s), &AWS_PREFIXES, aws_id));
    let found = |range: Range<usize>, kind, what, pair| Found {
        code: Code::SQ34303,
        kind,
        what,
        range,
        pair,
    };
    let id_kind = ("aws-access-key-id", "AWS access key ID");
    match secret {
        Some(s) => vec![
            found(id.clone(), id_kind.0, id_kind.1, Some(s.clone())),
            found(
                s,
                "aws-secret-access-key",
                "AWS secret access key",
                Some(id),
            ),
        ],
        None => vec![found(id, id_kind.0, id_kind.1, None)],
    }
}

/// Twilio account SID `AC` + 32 lower-case hex (Twilio docs, "Auth tokens
/// and how to change them"; public on its own).
fn twilio_sid(t: &[u8], at: usize) -> M {
    shape(t, at, &["AC"], HEXL, 32, 32)
}

/// A Twilio auth token at `p`: 32 lower-case hex (same page).
fn twilio_token_at(t: &[u8], p: usize) -> M {
    if p > 0 && t.get(p - 1).is_some_and(|&b| WORD.has(b)) {
        return None;
    }
    let mut c = P::at(t, p);
    let r = c.exact(HEXL, 32)?;
    c.end(WORD)?;
    good(t, &r, HEXL).then_some(r)
}

const TWILIO_SID: [&str; 16] = [
    "AC0", "AC1", "AC2", "AC3", "AC4", "AC5", "AC6", "AC7", "AC8", "AC9", "ACa", "ACb", "ACc",
    "ACd", "ACe", "ACf",
];

/// The auth token is the finding (SQ34303), with the SID as its related
/// part; a SID alone is not a finding. From a SID: the nearest 32-hex value
/// right after it (`SID:token`) or assigned to an `…auth_token` name. From
/// a `TWILIO_AUTH_TOKEN` name: its value, with the nearest SID if any.
fn twilio(t: &[u8], at: usize) -> Vec<Found> {
    let (lo, hi) = window(t, at);
    let found = |range, pair| Found {
        code: Code::SQ34303,
        kind: "twilio-auth-token",
        what: "Twilio auth token",
        range,
        pair,
    };
    if let Some(sid) = twilio_sid(t, at) {
        let mut candidates: [Option<Range<usize>>; 8] = Default::default();
        named_values(
            t,
            lo,
            hi,
            &["oken", "OKEN"],
            &[b"authtoken"],
            twilio_token_at,
            &mut candidates,
        );
        let adjacent = next_value(t, sid.end).and_then(|p| twilio_token_at(t, p));
        let token = nearest(&sid, &candidates)
            .into_iter()
            .chain(adjacent)
            .min_by_key(|r| distance(r, &sid))
            .filter(|r| !other_id_in(t, between(&sid, r), &TWILIO_SID, twilio_sid));
        return token.map(|r| found(r, Some(sid))).into_iter().collect();
    }
    let Some(n) = which(
        t,
        at,
        &["TWILIO_AUTH_TOKEN", "twilio_auth_token", "TwilioAuthToken"],
    ) else {
        return Vec::new();
    };
    if !before_ok(t, at, B62) {
        return Vec::new();
    }
    let Some(token) = after_name(t, at + n, true).and_then(|v| twilio_token_at(t, v)) else {
        return Vec::new();
    };
    let sid = TWILIO_SID
        .iter()
        .flat_map(|a| memmem::find_iter(&t[lo..hi], a.as_bytes()).take(64))
        .filter_map(|p| twilio_sid(t, lo + p))
        .filter(|s| !other_id_in(t, between(s, &token), &TWILIO_SID, twilio_sid))
        .min_by_key(|s| distance(s, &token));
    vec![found(token, sid)]
}

/// The value of `name` (up to `;`, a quote or a blank) nearest to `near`
/// in the window, when it is 1 to `max` bytes of `set`.
fn nearest_value(t: &[u8], at: usize, name: &str, set: Set, max: usize, near: &Range<usize>) -> M {
    let (lo, hi) = window(t, at);
    memmem::find_iter(&t[lo..hi], name.as_bytes())
        .take(16)
        .filter_map(|p| {
            let v = lo + p + name.len();
            let n = run(t, v, set, max + 1);
            (1..=max).contains(&n).then_some(v..v + n)
        })
        .min_by_key(|r| distance(r, near))
}

/// An Azure storage connection string's `AccountKey=`: 88 base64
/// characters, the encoding of 64 bytes (Microsoft Learn, "Configure
/// Azure Storage connection strings"). The key is the finding (SQ34303);
/// the account name, public on its own, is its related part.
fn azure_storage(t: &[u8], at: usize) -> Vec<Found> {
    azure_key(
        t,
        at,
        ("AccountKey=", 88, 2),
        "AccountName=",
        "azure-storage-account-key",
        "Azure storage account key",
    )
}

/// A Service Bus / Event Hubs connection string's `SharedAccessKey=`: 44
/// base64 characters, 32 bytes (Microsoft Learn, "Service Bus access
/// control with Shared Access Signatures"); its related part the key name.
fn azure_shared_access(t: &[u8], at: usize) -> Vec<Found> {
    azure_key(
        t,
        at,
        ("SharedAccessKey=", 44, 1),
        "SharedAccessKeyName=",
        "azure-shared-access-key",
        "Azure Service Bus / Event Hubs shared access key",
    )
}

/// `anchor`, then `len` base64 characters of which the last `pad` are `=`.
fn azure_key(
    t: &[u8],
    at: usize,
    (anchor, len, pad): (&str, usize, usize),
    name: &str,
    kind: &'static str,
    what: &'static str,
) -> Vec<Found> {
    if !lit(t, at, anchor.as_bytes()) || !before_ok(t, at, B62) {
        return Vec::new();
    }
    let v = at + anchor.len();
    let key = v..v + len;
    if run(t, v, B64, len) != len - pad
        || run(t, v + len - pad, Set::of(b"="), pad) != pad
        || !after_ok(t, v + len, WORD_B64)
        || !good(t, &(v..v + len - pad), B64)
    {
        return Vec::new();
    }
    let account = nearest_value(t, at, name, Set::of(b"0-9A-Za-z_.-"), 256, &key);
    vec![Found {
        code: Code::SQ34303,
        kind,
        what,
        range: key,
        pair: account,
    }]
}

// ---------------------------------------------------------------------------
// Documented example values
// ---------------------------------------------------------------------------

/// Documented example values (SQ34251): a found token equal to one of
/// these, or starting with one (run on into the next string of a binary),
/// is reported as an example, not as a live secret. Each with where it is
/// documented.
pub static EXAMPLES: &[(&str, &str)] = &[
    (
        "AKIAIOSFODNN7EXAMPLE",
        "AWS IAM docs, \"Manage access keys for IAM users\" (example access key ID)",
    ),
    (
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS IAM docs, \"Manage access keys for IAM users\" (example secret access key)",
    ),
    (
        "AKIAI44QH8DHBEXAMPLE",
        "Amazon S3 docs, \"Authenticating requests (AWS Signature Version 4)\" examples (access key ID)",
    ),
    (
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "Amazon S3 docs, \"Authenticating requests (AWS Signature Version 4)\" examples (secret access key)",
    ),
    (
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "Stripe API reference, \"Authentication\" (the sample test-mode secret key)",
    ),
    (
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "Stripe API reference, earlier editions (the sample test-mode secret key)",
    ),
    (
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "Microsoft Learn, \"Use the Azurite emulator\": the well-known key of devstoreaccount1",
    ),
    (
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        "Slack API docs, \"oauth.v2.access\" example response (bot token)",
    ),
    (
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "Slack docs, \"Sending messages using incoming webhooks\" (example URL)",
    ),
    (
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "GitHub REST API docs, OAuth and authorization examples (OAuth token)",
    ),
    (
        "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
        "GitHub docs, \"Generating a user access token for a GitHub App\" (example)",
    ),
    (
        "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
        "GitHub docs, \"Refreshing user access tokens\" (example refresh token)",
    ),
    (
        "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        "Google Chat docs, \"Build a Google Chat app as a webhook\": the `key` every webhook URL carries",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake;

    fn kind(id: &str) -> &'static TokenKind {
        KINDS
            .iter()
            .find(|k| k.kind == id)
            .unwrap_or_else(|| panic!("no kind {id}"))
    }

    /// Every position of `needle` in `hay` (no anchor here overlaps
    /// itself, so non-overlapping search finds them all).
    fn positions(hay: &[u8], needle: &str) -> Vec<usize> {
        memmem::find_iter(hay, needle.as_bytes()).collect()
    }

    /// What the scanner reports in `text`: every kind tried at every hit of
    /// each of its anchors (identical findings once).
    fn scan(text: &[u8]) -> Vec<(&'static str, Range<usize>)> {
        let mut out = Vec::new();
        for k in KINDS {
            for a in k.anchors {
                for p in positions(text, a) {
                    if let Some(r) = (k.matches)(text, p) {
                        out.push((k.kind, r));
                    }
                }
            }
        }
        for k in PAIRS {
            for a in k.anchors {
                for p in positions(text, a) {
                    for f in (k.matches)(text, p) {
                        out.push((f.kind, f.range));
                    }
                }
            }
        }
        out.sort_by_key(|(k, r)| (r.start, r.end, *k));
        out.dedup();
        out
    }

    /// The kinds found only as the value of a name: the fake text is
    /// `NAME=<value>`, the finding the value.
    fn expected(kind: &str, tok: &str, off: usize) -> Range<usize> {
        match kind {
            "datadog-api-key" | "datadog-app-key" => {
                let v = tok.find('=').map_or(0, |i| i + 1);
                off + v..off + tok.len()
            }
            _ => off..off + tok.len(),
        }
    }

    /// The first hit of one of `k`'s anchors inside `span`, and its length.
    fn anchor_in(k: &TokenKind, text: &[u8], span: Range<usize>) -> (usize, usize) {
        k.anchors
            .iter()
            .flat_map(|a| positions(text, a).into_iter().map(move |p| (p, a.len())))
            .filter(|(p, _)| span.contains(p))
            .min()
            .unwrap_or_else(|| panic!("{}: no anchor in its own token", k.kind))
    }

    /// Kinds that also (rightly) report a part of another kind's token.
    const OVERLAPS: &[(&str, &str)] = &[
        // The webhook URL carries Google Chat's public API key.
        ("google-chat-webhook-url", "google-api-key"),
    ];

    const CONTEXTS: &[(&str, &str)] = &[
        ("", ""),
        ("token = \"", "\"\n"),
        ("'", "'"),
        ("export SECRET=", "\n"),
        ("", " and more text"),
        ("some text before ", ""),
        ("{\"value\": \"", "\"}"),
        ("ENV TOKEN ", "\nRUN true"),
    ];

    #[test]
    fn the_catalogue_has_more_than_80_kinds_with_unique_ids() {
        assert!(KINDS.len() >= 80, "{} kinds", KINDS.len());
        let mut ids: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
        ids.extend(PAIRS.iter().map(|k| k.kind));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate kind ids");
        for k in KINDS {
            assert!(
                k.kind
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                k.kind
            );
            assert!(!k.what.is_empty());
            let webhook = k.kind.contains("webhook");
            match k.code {
                Code::SQ34306 => {
                    assert!(webhook || k.kind == "stripe-webhook-secret", "{}", k.kind)
                }
                Code::SQ34304 | Code::SQ34305 => assert!(!webhook, "{}", k.kind),
                Code::SQ34109 => assert_eq!(k.kind, "age-secret-key"),
                other => panic!("{}: unexpected code {other:?}", k.kind),
            }
        }
    }

    #[test]
    fn anchors_are_at_least_three_bytes_and_never_shared() {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        let all = KINDS
            .iter()
            .flat_map(|k| k.anchors.iter().map(move |a| (*a, k.kind)))
            .chain(
                PAIRS
                    .iter()
                    .flat_map(|k| k.anchors.iter().map(move |a| (*a, k.kind))),
            );
        for (a, k) in all {
            assert!(a.len() >= 3, "{k}: anchor {a:?} is shorter than 3 bytes");
            if let Some((_, other)) = seen.iter().find(|(b, _)| *b == a) {
                panic!("anchor {a:?} is listed by both {other} and {k}");
            }
            seen.push((a, k));
        }
        // Every kind's validator accepts a token at each of its anchors'
        // positions only: an anchor inside another (for the overlapping
        // search) is fine, an identical one is not.
    }

    #[test]
    fn every_kind_finds_its_fake_token_in_any_context() {
        for k in KINDS {
            for seed in 0..6 {
                let tok = fake::token(k.kind, seed);
                for (pre, post) in CONTEXTS {
                    let text = format!("{pre}{tok}{post}");
                    let b = text.as_bytes();
                    let off = pre.len();
                    let want = expected(k.kind, &tok, off);
                    let (at, _) = anchor_in(k, b, off..off + tok.len());
                    assert_eq!(
                        (k.matches)(b, at),
                        Some(want.clone()),
                        "{}: {text:?}",
                        k.kind
                    );
                    let got = scan(b);
                    assert!(got.contains(&(k.kind, want.clone())), "{}: {got:?}", k.kind);
                    let others: Vec<_> = got
                        .iter()
                        .filter(|(id, r)| {
                            (*id != k.kind || *r != want) && !OVERLAPS.contains(&(k.kind, *id))
                        })
                        .collect();
                    assert!(others.is_empty(), "{} in {text:?}: also {others:?}", k.kind);
                }
            }
        }
    }

    #[test]
    fn validators_stay_inside_their_window() {
        for k in KINDS {
            let tok = fake::token(k.kind, 7);
            let text = format!("{}{tok}\n{}", "x = 1\n".repeat(100), "y ".repeat(900));
            let b = text.as_bytes();
            let off = 600;
            let (at, _) = anchor_in(k, b, off..off + tok.len());
            let lo = at.saturating_sub(LOOKBEHIND);
            let hi = (at + LOOKAHEAD).min(b.len());
            let want = expected(k.kind, &tok, off);
            let got = (k.matches)(&b[lo..hi], at - lo).map(|r| r.start + lo..r.end + lo);
            assert_eq!(got, Some(want), "{}", k.kind);
        }
    }

    #[test]
    fn every_kind_rejects_its_token_inside_a_longer_word() {
        for k in KINDS {
            for seed in 0..4 {
                let tok = fake::token(k.kind, seed);
                let text = format!("a{tok}");
                let b = text.as_bytes();
                let (at, _) = anchor_in(k, b, 1..b.len());
                assert_eq!((k.matches)(b, at), None, "{}: {text:?}", k.kind);
                let text = format!("{tok}a");
                let b = text.as_bytes();
                let want = expected(k.kind, &tok, 0);
                let (at, _) = anchor_in(k, b, 0..tok.len());
                assert_ne!((k.matches)(b, at), Some(want), "{}: {text:?}", k.kind);
            }
        }
    }

    /// Kinds whose last part has a variable length: one byte more or less
    /// there can still be a token of the kind (bounds tested apart).
    const VARIABLE: &[&str] = &[
        "slack-bot-token",
        "slack-workspace-token",
        "slack-refresh-token",
        "slack-config-token",
        "pypi-api-token",
        "dockerhub-oat",
        "vault-service-token",
        "vault-batch-token",
        "vault-recovery-token",
        "terraform-cloud-token",
        "openai-project-key",
        "openai-service-account-key",
        "openai-admin-key",
        "google-oauth-access-token",
        "google-oauth-refresh-token",
        "azure-ad-client-secret",
        "alibaba-access-key-id",
        "flyio-token",
        "planetscale-token",
        "planetscale-password",
        "tailscale-key",
        "grafana-cloud-token",
        "figma-pat",
        "doppler-token",
        "octopus-api-key",
        "typeform-token",
        "onepassword-service-account-token",
        "mapbox-secret-token",
        "stripe-secret-key",
        "stripe-restricted-key",
        "stripe-test-key",
        "stripe-webhook-secret",
        "discord-webhook-url",
        "teams-webhook-url",
        "google-chat-webhook-url",
        "zapier-webhook-url",
    ];

    fn own(kind: &str, text: &[u8]) -> Vec<Range<usize>> {
        scan(text)
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, r)| r)
            .collect()
    }

    #[test]
    fn fixed_length_kinds_reject_one_byte_short_or_long() {
        for k in KINDS.iter().filter(|k| !VARIABLE.contains(&k.kind)) {
            for seed in 0..4 {
                let tok = fake::token(k.kind, seed).into_bytes();
                let i = tok.len() - 3;
                let mut short = tok.clone();
                short.remove(i);
                let mut long = tok.clone();
                long.insert(i, tok[i]);
                for (what, t) in [("short", &short), ("long", &long)] {
                    assert!(
                        own(k.kind, t).is_empty(),
                        "{} one byte {what}: {:?}",
                        k.kind,
                        String::from_utf8_lossy(t)
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_rejects_filler() {
        for k in KINDS {
            let tok = fake::token(k.kind, 3).into_bytes();
            let (at, len) = anchor_in(k, &tok, 0..tok.len());
            let filler: Vec<u8> = tok
                .iter()
                .enumerate()
                .map(|(i, &b)| match b {
                    _ if (at..at + len).contains(&i) => b,
                    b'0'..=b'9' => b'0',
                    b'a'..=b'z' => b'x',
                    b'A'..=b'Z' => b'X',
                    _ => b,
                })
                .collect();
            assert!(
                own(k.kind, &filler).is_empty(),
                "{}: {:?}",
                k.kind,
                String::from_utf8_lossy(&filler)
            );
            // The same with one repeated letter a hex alphabet allows.
            let filler: Vec<u8> = filler
                .iter()
                .enumerate()
                .map(|(i, &b)| match b {
                    _ if (at..at + len).contains(&i) => b,
                    b'x' => b'a',
                    b'X' => b'A',
                    _ => b,
                })
                .collect();
            assert!(
                own(k.kind, &filler).is_empty(),
                "{}: {:?}",
                k.kind,
                String::from_utf8_lossy(&filler)
            );
        }
    }

    /// Kinds with a checksum, and where in the fake token a byte of the
    /// covered part sits.
    const CHECKSUMMED: &[&str] = &[
        "github-pat",
        "github-oauth-token",
        "github-user-to-server-token",
        "github-installation-token",
        "github-refresh-token",
        "npm-access-token",
        "gitlab-pat",
        "gitlab-deploy-token",
        "gitlab-runner-token",
        "gitlab-pipeline-trigger-token",
        "gitlab-feed-token",
        "gitlab-scim-token",
        "gitlab-oauth-app-secret",
        "gitlab-agent-token",
        "gitlab-feature-flags-client-token",
        "gitlab-incoming-mail-token",
        "cloudflare-api-token",
        "cloudflare-global-api-key",
        "grafana-service-account-token",
        "atlassian-api-token",
        "age-secret-key",
    ];

    /// Another byte of the same class (so only the checksum can tell).
    fn other(b: u8) -> u8 {
        match b {
            b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => b + 1,
            b'9' => b'0',
            b'z' => b'a',
            b'Z' => b'A',
            _ => b,
        }
    }

    #[test]
    fn checksummed_kinds_reject_a_wrong_checksum() {
        for id in CHECKSUMMED {
            let k = kind(id);
            for seed in 0..8 {
                let tok = fake::token(id, seed).into_bytes();
                assert_eq!(own(id, &tok), vec![0..tok.len()], "{id}");
                let (at, len) = anchor_in(k, &tok, 0..tok.len());
                // A byte of the random part, same class: only the
                // checksum can notice.
                let mut i = at + len + 2;
                while !tok[i].is_ascii_alphanumeric()
                    || (*id == "age-secret-key" && !BECH32.has(other(tok[i])))
                {
                    i += 1;
                }
                let mut bad = tok.clone();
                bad[i] = other(bad[i]);
                assert!(
                    own(id, &bad).is_empty(),
                    "{id}: {:?}",
                    String::from_utf8_lossy(&bad)
                );
                // The checksum's own last byte.
                let mut bad = tok.clone();
                let last = bad.len() - 1;
                bad[last] = if *id == "age-secret-key" {
                    if bad[last] == b'Q' {
                        b'P'
                    } else {
                        b'Q'
                    }
                } else {
                    other(bad[last])
                };
                assert!(
                    own(id, &bad).is_empty(),
                    "{id}: {:?}",
                    String::from_utf8_lossy(&bad)
                );
            }
        }
    }

    #[test]
    fn github_checksum_is_over_the_random_part() {
        let k = kind("github-pat");
        let good_tok = b"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";
        assert_eq!((k.matches)(good_tok, 0), Some(0..40));
        // Right checksum, but filler: rejected all the same.
        let filler = format!("ghp_{}1yLcDB", "a".repeat(30));
        assert_eq!((k.matches)(filler.as_bytes(), 0), None);
        // npm uses the same scheme.
        let npm = b"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";
        assert_eq!((kind("npm-access-token").matches)(npm, 0), Some(0..40));
        // The old 36-character refresh tokens keep working.
        let ghr = b"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";
        assert_eq!((kind("github-refresh-token").matches)(ghr, 0), Some(0..40));
    }

    #[test]
    fn github_stateless_installation_tokens() {
        let k = kind("github-installation-token");
        let tok = format!(
            "ghs_123456_eyJhbGciOiJSUzI1NiJ9.eyJpbnN0YWxsYXRpb24iOjEyMywiYXBwIjo0NTZ9.{}",
            "Qm9ndXNTaWduYXR1cmVfXzEyMzQ1Njc4OTBhYmNkZWY"
        );
        let text = format!("GITHUB_TOKEN={tok}\n");
        assert_eq!((k.matches)(text.as_bytes(), 13), Some(13..13 + tok.len()));
        // Without the app id it is neither form.
        let bad = tok.replacen("123456_", "", 1);
        assert_eq!((k.matches)(bad.as_bytes(), 0), None);
    }

    #[test]
    fn gitlab_legacy_routable_and_instance_prefixed_tokens() {
        let k = kind("gitlab-pat");
        let legacy = b"token: glpat-Zx8K2mPq9vLw4nRt7yHs\n";
        assert_eq!((k.matches)(legacy, 7), Some(7..33));
        // One byte longer: no longer the legacy form.
        assert_eq!((k.matches)(b"glpat-Zx8K2mPq9vLw4nRt7yHsA", 0), None);
        let routable = b"glpat-AAECAwQFBgcICQoLDA0OD286MQM.01.0r0hrjm3p";
        assert_eq!((k.matches)(routable, 0), Some(0..routable.len()));
        // An instance prefix is part of the token and of its checksum.
        let covered = "ACME-glpat-AAECAwQFBgcICQoLDA0OD286MQM.01.0r";
        let tok = format!(
            "{covered}{}",
            String::from_utf8_lossy(&checksum::gitlab_routable(covered.as_bytes()))
        );
        let text = format!("x={tok}");
        assert_eq!((k.matches)(text.as_bytes(), 7), Some(2..text.len()));
        // A legacy token behind an instance prefix: found from `glpat-`.
        assert_eq!(
            (k.matches)(b"SIE-glpat-Zx8K2mPq9vLw4nRt7yHs", 4),
            Some(4..30)
        );
        // Runner tokens, with or without the runner-type part.
        let runner = kind("gitlab-runner-token");
        assert_eq!(
            (runner.matches)(b"glrt-t3_Zx8K2mPq9vLw4nRt7yHs", 0),
            Some(0..28)
        );
        assert_eq!(
            (runner.matches)(b"glrt-Zx8K2mPq9vLw4nRt7yHs", 0),
            Some(0..25)
        );
        let reg = kind("gitlab-runner-registration-token");
        assert_eq!(
            (reg.matches)(b"GR1348941Zx8K2mPq9vLw4nRt7yHs", 0),
            Some(0..29)
        );
    }

    #[test]
    fn slack_tokens_and_webhooks() {
        let example = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
        assert_eq!(
            (kind("slack-bot-token").matches)(example.as_bytes(), 0),
            Some(0..example.len())
        );
        let hook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
        assert!(
            scan(hook.as_bytes()).is_empty(),
            "the documented filler URL"
        );
        let wf = "curl https://hooks.slack.com/workflows/T0123ABCD9/A0456EFGH1/123456789012345678/Zx8K2mPq9vLw4nRt7yHs3jFd";
        let k = kind("slack-webhook-url");
        assert_eq!((k.matches)(wf.as_bytes(), 13), Some(5..wf.len()));
        // Without a scheme, from the host.
        let bare = &wf[13..];
        assert_eq!((k.matches)(bare.as_bytes(), 0), Some(0..bare.len()));
    }

    #[test]
    fn webhook_variants() {
        let d = "https://canary.discord.com/api/webhooks/123456789012345678/";
        let tok = format!(
            "{d}{}",
            "Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e-_Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1eAbCd"
        );
        let at = tok.find("discord.com").unwrap_or(0);
        assert_eq!(
            (kind("discord-webhook-url").matches)(tok.as_bytes(), at),
            Some(0..tok.len())
        );
        let old = "https://outlook.office.com/webhook/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9@f9e8d7c6-b5a4-9382-7160-5f4e3d2c1b0a/IncomingWebhook/9f8e7d6c5b4a39281706f5e4d3c2b1a0/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        assert_eq!(
            (kind("teams-webhook-url").matches)(old.as_bytes(), 8),
            Some(0..old.len())
        );
        // The V2 suffix is optional.
        let tok = fake::token("teams-webhook-url", 1);
        let cut = &tok[..tok.rfind("/V2").unwrap_or(tok.len())];
        let at = cut.find(".webhook").unwrap_or(0);
        assert_eq!(
            (kind("teams-webhook-url").matches)(cut.as_bytes(), at),
            Some(0..cut.len())
        );
        // Zapier's trailing slash is not part of the finding.
        let z = format!("{}/", fake::token("zapier-webhook-url", 2));
        assert_eq!(
            (kind("zapier-webhook-url").matches)(z.as_bytes(), 8),
            Some(0..z.len() - 1)
        );
    }

    #[test]
    fn variable_lengths_have_bounds() {
        let k = kind("stripe-test-key");
        assert_eq!(
            (k.matches)(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc", 0),
            Some(0..32)
        );
        assert_eq!((k.matches)(b"sk_test_4eC39HqLyjWDarjtT1zdp7d", 0), None);
        let v = kind("vault-service-token");
        assert_eq!((v.matches)(b"hvs.Zx8K2mPq9vLw4nRt7yHs3jFd", 0), Some(0..28));
        assert_eq!((v.matches)(b"hvs.Zx8K2mPq9vLw4nRt7yHs3jF", 0), None);
        let a = kind("azure-ad-client-secret");
        let s = "Zx81Q~Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e-_Ab";
        assert_eq!((a.matches)(s.as_bytes(), 3), Some(0..40));
        assert_eq!((a.matches)(&s.as_bytes()[..35], 3), None);
        let t = kind("telegram-bot-token");
        let bot = "1234567:AAZx8K2mPq9vLw4nRt7yHs3jFd6gBc1e-_A";
        assert_eq!(
            (t.matches)(bot.as_bytes(), 6),
            None,
            "bot ids have 8 to 10 digits"
        );
    }

    #[test]
    fn datadog_keys_by_their_names() {
        let k = kind("datadog-api-key");
        let key = "0123456789abcdef0123456789abcdee".replace("0123", "8f3a");
        for (text, name) in [
            (format!("DD_API_KEY={key}"), "DD_API_KEY"),
            (format!("{{\"DD_API_KEY\": \"{key}\"}}"), "DD_API_KEY"),
            (format!("datadog_api_key: '{key}'"), "datadog_api_key"),
            (format!("ENV DD_API_KEY {key}"), "DD_API_KEY"),
            (format!("-H \"DD-API-KEY: {key}\""), "DD-API-KEY"),
        ] {
            let at = text.find(name).unwrap_or(0);
            let v = text.find(&key).unwrap_or(0);
            assert_eq!((k.matches)(text.as_bytes(), at), Some(v..v + 32), "{text}");
        }
        // A longer name is another name.
        let text = format!("MY_DD_API_KEYS={key}");
        assert_eq!((k.matches)(text.as_bytes(), 3), None);
        assert_eq!((k.matches)(b"DD_API_KEY=${DD_API_KEY}", 0), None);
    }

    type Part = (&'static str, Range<usize>, Option<Range<usize>>);

    fn pair(text: &str, at: usize) -> Vec<Part> {
        PAIRS
            .iter()
            .flat_map(|k| (k.matches)(text.as_bytes(), at))
            .map(|f| {
                assert_eq!(f.code, Code::SQ34303);
                (f.kind, f.range, f.pair)
            })
            .collect()
    }

    fn span(text: &str, part: &str) -> Range<usize> {
        let s = text.find(part).unwrap_or(usize::MAX);
        s..s.saturating_add(part.len())
    }

    #[test]
    fn aws_key_id_with_its_secret() {
        let (id, secret) = fake::aws_pair(1);
        let (id2, secret2) = fake::aws_pair(2);
        let file = format!(
            "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\n[prod]\naws_access_key_id = {id2}\naws_secret_access_key = {secret2}\n"
        );
        let (i1, s1, i2, s2) = (
            span(&file, &id),
            span(&file, &secret),
            span(&file, &id2),
            span(&file, &secret2),
        );
        assert_eq!(
            pair(&file, i1.start),
            vec![
                ("aws-access-key-id", i1.clone(), Some(s1.clone())),
                ("aws-secret-access-key", s1.clone(), Some(i1.clone())),
            ]
        );
        assert_eq!(
            pair(&file, i2.start),
            vec![
                ("aws-access-key-id", i2.clone(), Some(s2.clone())),
                ("aws-secret-access-key", s2.clone(), Some(i2.clone())),
            ]
        );
        for text in [
            format!("Access key ID,Secret access key\n{id},{secret}\n"),
            format!("{{\"AccessKeyId\": \"{id}\", \"SecretAccessKey\": \"{secret}\", \"SessionToken\": \"x\"}}"),
            format!("{{\"SecretAccessKey\": \"{secret}\",\n \"AccessKeyId\": \"{id}\"}}"),
            format!("AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY={secret} aws s3 ls"),
            format!("aws configure set aws_secret_access_key {secret}\naws configure set aws_access_key_id {id}\n"),
            format!("s3 = boto3.client('s3', aws_access_key_id='{id}', aws_secret_key='{secret}')"),
        ] {
            let (i, s) = (span(&text, &id), span(&text, &secret));
            assert_eq!(
                pair(&text, i.start),
                vec![
                    ("aws-access-key-id", i.clone(), Some(s.clone())),
                    ("aws-secret-access-key", s, Some(i)),
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn aws_key_id_alone_and_non_secrets() {
        let (id, _) = fake::aws_pair(3);
        let text = format!("AWS_ACCESS_KEY_ID={id}\n");
        let i = span(&text, &id);
        assert_eq!(pair(&text, i.start), vec![("aws-access-key-id", i, None)]);
        // A git object id next to it is not a secret key.
        let text = format!("{id},da39a3ee5e6b4b0d3255bfef95601890afd80709\n");
        assert_eq!(pair(&text, 0), vec![("aws-access-key-id", 0..20, None)]);
        // Inside a longer word: nothing.
        let text = format!("X{id}");
        assert!(pair(&text, 1).is_empty());
        // AWS's documented pair passes the shape checks (the scanner turns
        // it into an example finding).
        let text = "aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        let (i, s) = (
            span(text, "AKIAIOSFODNN7EXAMPLE"),
            span(text, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        );
        assert_eq!(
            pair(text, i.start),
            vec![
                ("aws-access-key-id", i.clone(), Some(s.clone())),
                ("aws-secret-access-key", s, Some(i)),
            ]
        );
    }

    #[test]
    fn twilio_sid_and_auth_token() {
        let (sid, token) = fake::twilio(1);
        // The SID alone is public: no finding.
        let text = format!("TWILIO_ACCOUNT_SID={sid}\n");
        assert!(pair(&text, span(&text, &sid).start).is_empty());
        let text = format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={token}\n");
        let (s, t) = (span(&text, &sid), span(&text, &token));
        let want = vec![("twilio-auth-token", t.clone(), Some(s.clone()))];
        assert_eq!(pair(&text, s.start), want);
        assert_eq!(pair(&text, span(&text, "TWILIO_AUTH_TOKEN").start), want);
        let text = format!("curl -u {sid}:{token} https://api.twilio.com/");
        let (s, t) = (span(&text, &sid), span(&text, &token));
        assert_eq!(
            pair(&text, s.start),
            vec![("twilio-auth-token", t, Some(s))]
        );
        // The name alone, no SID around: still its token.
        let text = format!("twilio_auth_token: \"{token}\"");
        let t = span(&text, &token);
        assert_eq!(pair(&text, 0), vec![("twilio-auth-token", t, None)]);
    }

    #[test]
    fn azure_connection_strings() {
        let cs = fake::azure_connection_string(4);
        let at = span(&cs, "AccountKey=").start;
        let key = at + 11..at + 11 + 88;
        let name_start = span(&cs, "AccountName=").end;
        let name = name_start..name_start + cs[name_start..].find(';').unwrap_or(0);
        assert_eq!(
            pair(&cs, at),
            vec![("azure-storage-account-key", key, Some(name))]
        );
        // Azurite's well-known key has the shape (the scanner reports it
        // as a documented example).
        let azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
        assert_eq!(pair(azurite, span(azurite, "AccountKey=").start).len(), 1);
        // A truncated key is not one.
        let cut = cs.replacen("==;", "=;", 1);
        assert!(pair(&cut, at).is_empty());
        let sb = "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e+/Zx8K2mPq9vL=";
        let at = span(sb, "SharedAccessKey=").start;
        let name = span(sb, "RootManageSharedAccessKey");
        assert_eq!(
            pair(sb, at),
            vec![("azure-shared-access-key", at + 16..sb.len(), Some(name))]
        );
    }

    #[test]
    fn fakes_are_deterministic_and_never_examples() {
        for k in KINDS {
            assert_eq!(fake::token(k.kind, 9), fake::token(k.kind, 9));
            assert_ne!(
                fake::token(k.kind, 9),
                fake::token(k.kind, 10),
                "{}",
                k.kind
            );
            for seed in 0..64 {
                let t = fake::token(k.kind, seed);
                assert!(
                    EXAMPLES
                        .iter()
                        .all(|(e, _)| !t.contains(e) || k.kind == "google-chat-webhook-url"),
                    "{t}"
                );
            }
        }
        for seed in 0..64 {
            let (id, secret) = fake::aws_pair(seed);
            let (sid, token) = fake::twilio(seed);
            for v in [id, secret, sid, token] {
                assert!(EXAMPLES.iter().all(|(e, _)| *e != v));
            }
        }
    }

    #[test]
    fn examples_are_documented_and_keep_their_shape() {
        for (value, source) in EXAMPLES {
            assert!(!value.is_empty() && source.len() > 10);
        }
        // The examples that have a kind's shape are found (so the scanner
        // can report them as examples).
        for (id, value) in [
            ("stripe-test-key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
            ("stripe-test-key", "sk_test_BQokikJOvBiI2HlWgH4olfQ2"),
            (
                "slack-bot-token",
                "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            ),
            ("google-api-key", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"),
        ] {
            assert_eq!(own(id, value.as_bytes()), vec![0..value.len()], "{id}");
        }
        // The S3 docs' example id has an `8`, outside the base-32 alphabet
        // of real key ids: only its secret key would be found (by name).
        let text = "AKIAI44QH8DHBEXAMPLE je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
        assert!(pair(text, 0).is_empty());
    }

    #[test]
    fn hostile_input_stays_linear() {
        // Many anchors, none a token: every call is bounded.
        let mut text = String::new();
        for i in 0..4000 {
            text.push_str(
                [
                    "AKIA",
                    "ghp_",
                    "glpat-",
                    "SK0",
                    "-us1",
                    "0:AA",
                    "AccountKey=",
                    "key-",
                ][i % 8],
            );
            text.push_str("ecret ");
        }
        let found = scan(text.as_bytes());
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn truncated_and_random_input_never_panics() {
        // Every validator at every position (and past the end) of
        // pseudo-random bytes made of anchor pieces; each kind's validator
        // at every position of every prefix of its fake token, and every
        // kind at the anchors in it.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let alphabet = b"AKIA-us1SK0ghp_:AA0Q~=+/._-xoxb-sk-T3BlbkFJhooks.slack.com/ 09azAZ\n\"";
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect();
        let check = |k: &TokenKind, text: &[u8], at: usize| {
            if let Some(r) = (k.matches)(text, at) {
                assert!(r.start <= r.end && r.end <= text.len(), "{}", k.kind);
            }
        };
        for at in 0..noise.len() + 2 {
            for k in KINDS {
                check(k, &noise, at);
            }
            for k in PAIRS {
                for f in (k.matches)(&noise, at) {
                    assert!(f.range.end <= noise.len(), "{}", k.kind);
                }
            }
        }
        for k in KINDS {
            let tok = fake::token(k.kind, 5).into_bytes();
            for cut in 0..=tok.len() {
                let text = &tok[..cut];
                for at in 0..cut + 2 {
                    check(k, text, at);
                }
                if cut % 5 == 0 {
                    scan(text);
                }
            }
        }
    }

    #[test]
    fn plausibility_rules() {
        let random = b"Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e";
        assert!(plausible(random, B62));
        for filler in [
            &b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"[..],
            b"Zx8K2mPq9vxxxx4nRt7yHs3jFd6gBc",
            b"Zx8K2mPq9v00004nRt7yHs3jFd6gBc",
            b"Zx8K2mPq9vAAAAAAnRt7yHs3jFd6gB",
            b"your_token_here_Zx8K2mPq9vLw4n",
            b"REDACTEDZx8K2mPq9vLw4nRt7yHs3j",
            b"abcdefghijklmnopqrstuvwxyzabcd",
            b"abababababababababababababab12",
            b"aaaabbbbccccddddaaaabbbbccccdd",
        ] {
            assert!(
                !plausible(filler, B64URL),
                "{}",
                String::from_utf8_lossy(filler)
            );
        }
        // In hex, four zeros happen; eight do not.
        assert!(plausible(b"8f3a0000c1d94b7e2a6f5d0e9c4b1a37", HEXL));
        assert!(!plausible(b"8f3a00000000c1d94b7e2a6f5d0e9c4b", HEXL));
        // AWS's documented example keeps its shape.
        assert!(plausible(b"IOSFODNN7EXAMPLE", B32));
        assert!(plausible(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", B64));
    }
}
