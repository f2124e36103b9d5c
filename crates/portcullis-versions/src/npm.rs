//! npm package versions, ordered exactly as node-semver 7's
//! `semver.compare(a, b)`.
//!
//! Parsing: the input is trimmed of JavaScript whitespace and must be at
//! most 256 UTF-16 units long (before trimming). A version `semver.valid`
//! accepts (`1.2.3`, `v1.2.3`, pre-release and build identifiers per SemVer
//! 2.0.0) compares as `semver.compare` does; a version only node-semver's
//! *loose* grammar accepts (`=1.2.3`, `v 1.2.3`, `01.2.3`, `1.2.3beta`,
//! `1.2.3-01`) compares as `semver.compare(a, b, true)` does, which is the
//! same order for the strictly valid ones. Loose parsing follows the
//! regular expression's backtracking too: the patch number gives up digits
//! to a pre-release that needs them (`1.2.34.5` is `1.2.3-4.5`). What neither accepts (`1.2`,
//! `1.2.3.4`, `latest`, a major, minor or patch above 2^53 - 1) is an `Err`:
//! such strings are never versions in the npm registry, which stores the
//! normalised `semver.valid` form.
//!
//! Order: major, minor, patch; a pre-release below the release; pre-release
//! identifiers left to right, numeric below alphanumeric, alphanumeric in
//! ASCII order, a shorter list first; build metadata ignored. Like
//! node-semver, all-digit identifiers below 2^53 - 1 are numbers; longer
//! ones stay strings that compare by their *double* value, and two that
//! round to the same double end the comparison as equal
//! (`compareIdentifiers` returns 0), which node-semver does and which is not
//! transitive; [`crate::semver`] has exact SemVer 2.0.0 precedence.

use std::cmp::Ordering;

use crate::{digit_run, parse_both, strip_zeros, CmpResult};

/// JavaScript `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// What `String.prototype.trim` removes (ECMAScript WhiteSpace and
/// LineTerminator), also JavaScript's `\s`.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// A parsed npm version, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// Major, minor, patch (each at most 2^53 - 1).
    pub main: [u64; 3],
    /// The pre-release identifiers, `.`-separated, without the `-`.
    pub pre: Option<&'a str>,
}

/// The value of a main version number as `+"digits"` reads it, if safe.
fn main_number(d: &[u8]) -> Result<u64, &'static str> {
    let d = strip_zeros(d);
    if d.len() > 16 {
        return Err("version number above Number.MAX_SAFE_INTEGER");
    }
    let v = d.iter().fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
    if v > MAX_SAFE_INTEGER {
        return Err("version number above Number.MAX_SAFE_INTEGER");
    }
    Ok(v)
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Whether `ids` (up to the end or a `+`) are valid pre-release
/// identifiers: non-empty `[0-9A-Za-z-]`, and in strict mode no all-digit
/// identifier with a leading zero.
fn valid_ids(ids: &[u8], strict: bool) -> bool {
    ids.split(|&c| c == b'.').all(|id| {
        !id.is_empty()
            && id.iter().all(|&c| is_ident_byte(c))
            && !(strict && id.len() > 1 && id[0] == b'0' && id.iter().all(u8::is_ascii_digit))
    })
}

fn valid_build(b: &[u8]) -> bool {
    b.split(|&c| c == b'.')
        .all(|id| !id.is_empty() && id.iter().all(|&c| is_ident_byte(c)))
}

/// What follows the patch number, from `pos`: `(?:-(IDS))?(?:\+BUILD)?$`
/// (strict) or `(?:-?(IDS))?(?:\+BUILD)?$` (loose); the pre-release.
fn tail(t: &str, pos: usize, strict: bool) -> Result<Option<&str>, &'static str> {
    let rest = &t.as_bytes()[pos..];
    // The pre-release runs to the first '+' (identifiers never contain one).
    let (pre_part, build) = match rest.iter().position(|&c| c == b'+') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(build) = build {
        if !valid_build(build) {
            return Err("invalid build metadata");
        }
    }
    let end = pos + pre_part.len();
    if pre_part.is_empty() {
        Ok(None)
    } else if strict {
        if pre_part[0] != b'-' || !valid_ids(&pre_part[1..], true) {
            return Err("invalid pre-release");
        }
        Ok(Some(&t[pos + 1..end]))
    } else if pre_part[0] == b'-' && valid_ids(&pre_part[1..], false) {
        // LOOSE: an optional '-' (taken when what follows is valid)…
        Ok(Some(&t[pos + 1..end]))
    } else if valid_ids(pre_part, false) {
        // …else the identifiers start right here, a leading '-' included.
        Ok(Some(&t[pos..end]))
    } else {
        Err("invalid pre-release")
    }
}

/// Parses with node-semver's `FULL` regular expression (strict) or `LOOSE`.
fn parse_mode(t: &str, strict: bool) -> Result<Version<'_>, &'static str> {
    let b = t.as_bytes();
    let mut pos = 0;
    if strict {
        if b.first() == Some(&b'v') {
            pos = 1;
        }
    } else {
        // [v=\s]*
        let prefix = t
            .char_indices()
            .find(|&(_, c)| !(c == 'v' || c == '=' || is_js_space(c)))
            .map_or(t.len(), |(i, _)| i);
        pos = prefix;
    }
    let mut digits: [&[u8]; 3] = [&[]; 3];
    for (k, slot) in digits.iter_mut().enumerate() {
        if k > 0 {
            if b.get(pos) != Some(&b'.') {
                return Err("expected MAJOR.MINOR.PATCH");
            }
            pos += 1;
        }
        let n = digit_run(&b[pos..]);
        if n == 0 {
            return Err("expected MAJOR.MINOR.PATCH");
        }
        let d = &b[pos..pos + n];
        if strict && n > 1 && d[0] == b'0' {
            return Err("number with a leading zero");
        }
        *slot = d;
        pos += n;
    }
    let pre = if strict {
        tail(t, pos, true)?
    } else {
        // LOOSE's `(\d+)` for the patch backtracks: its last digits may
        // start the pre-release (`1.2.34.5` is 1.2.3-4.5). The longest patch
        // that lets the rest match wins, as in the regular expression.
        let patch_start = pos - digits[2].len();
        let mut found = None;
        for end in (patch_start + 1..=pos).rev() {
            if let Ok(pre) = tail(t, end, false) {
                digits[2] = &b[patch_start..end];
                found = Some(pre);
                break;
            }
        }
        found.ok_or("invalid pre-release or build")?
    };
    let mut main = [0u64; 3];
    for (slot, d) in main.iter_mut().zip(digits) {
        *slot = main_number(d)?;
    }
    Ok(Version { main, pre })
}

/// Parses as `new SemVer(s)`, falling back to `new SemVer(s, true)`.
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    if s.len() > 256 && s.encode_utf16().count() > 256 {
        return Err("longer than 256 characters");
    }
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return Err("empty version");
    }
    match parse_mode(t, true) {
        Ok(v) => Ok(v),
        Err(strict_err) => parse_mode(t, false).map_err(|_| strict_err),
    }
}

/// A pre-release identifier as node-semver holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ident<'a> {
    /// All digits, value below 2^53 - 1: a JavaScript number.
    Num(u64),
    /// All digits, too large: a string that compares by `+s`.
    BigNum(&'a [u8]),
    /// Anything else.
    Str(&'a [u8]),
}

fn ident(id: &[u8]) -> Ident<'_> {
    if !id.iter().all(u8::is_ascii_digit) {
        return Ident::Str(id);
    }
    let d = strip_zeros(id);
    if d.len() <= 16 {
        let v = d.iter().fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
        if v < MAX_SAFE_INTEGER {
            return Ident::Num(v);
        }
    }
    Ident::BigNum(id)
}

/// `+s` for an all-digit string: the nearest double.
fn to_f64(d: &[u8]) -> f64 {
    std::str::from_utf8(d)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(f64::INFINITY)
}

fn num_value(i: Ident<'_>) -> Option<f64> {
    match i {
        Ident::Num(v) => Some(v as f64),
        Ident::BigNum(d) => Some(to_f64(d)),
        Ident::Str(_) => None,
    }
}

/// node-semver's `comparePre`.
fn compare_pre(a: &str, b: &str) -> Ordering {
    let mut ia = a.as_bytes().split(|&c| c == b'.');
    let mut ib = b.as_bytes().split(|&c| c == b'.');
    loop {
        let (x, y) = match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            (Some(x), Some(y)) => (ident(x), ident(y)),
        };
        // `a === b`: the same number, or the same string.
        let same = match (x, y) {
            (Ident::Num(p), Ident::Num(q)) => p == q,
            (Ident::BigNum(p) | Ident::Str(p), Ident::BigNum(q) | Ident::Str(q)) => p == q,
            _ => false,
        };
        if same {
            continue;
        }
        // compareIdentifiers, which ends the comparison even when it
        // answers 0.
        return match (num_value(x), num_value(y)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => match (x, y) {
                (Ident::Str(p), Ident::Str(q)) => p.cmp(q),
                _ => Ordering::Equal,
            },
        };
    }
}

impl Version<'_> {
    /// node-semver's `SemVer.compare`.
    pub fn cmp_npm(&self, other: &Version<'_>) -> Ordering {
        self.main
            .cmp(&other.main)
            .then_with(|| match (self.pre, other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => compare_pre(x, y),
            })
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.cmp_npm(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn loose_forms() {
        for (a, b) in [
            ("v1.2.3", "1.2.3"),
            ("=1.2.3", "1.2.3"),
            (" 1.2.3 ", "1.2.3"),
            ("=v 1.2.3", "1.2.3"),
            ("01.02.03", "1.2.3"),
            ("1.2.3beta", "1.2.3-beta"),
            ("1.2.3-01", "1.2.3-1"),
            ("1.2.3+build", "1.2.3"),
        ] {
            assert_eq!(compare(a, b), Ok(Equal), "{a} == {b}");
        }
        // LOOSE's optional '-' gives way to an identifier that starts with one.
        assert_eq!(parse("1.2.3-").map(|v| v.pre), Ok(Some("-")));
        assert_eq!(parse("1.2.3-.1").map(|v| v.pre), Ok(Some("-.1")));
        assert_eq!(parse("1.2.3--1").map(|v| v.pre), Ok(Some("-1")));
    }

    #[test]
    fn orderings() {
        assert_eq!(compare("1.2.3-alpha", "1.2.3"), Ok(Less));
        assert_eq!(compare("1.2.3-2", "1.2.3-10"), Ok(Less));
        assert_eq!(compare("1.2.3-a", "1.2.3-1"), Ok(Greater));
        assert_eq!(compare("1.2.3-a.1", "1.2.3-a"), Ok(Greater));
        // Identifiers past 2^53 compare as doubles: these two are the same
        // double, so node-semver calls the versions equal.
        assert_eq!(
            compare("1.0.0-9007199254740993.a", "1.0.0-9007199254740992.b"),
            Ok(Equal)
        );
        assert_eq!(
            compare("1.0.0-9007199254740993", "1.0.0-9007199254740995"),
            Ok(Less)
        );
    }

    #[test]
    fn invalid() {
        for v in [
            "",
            "1.2",
            "1.2.3.4",
            "latest",
            "1.2.3-a..b",
            "1.2.3+",
            "9007199254740992.0.0",
            "1.2.3 4",
        ] {
            assert!(parse(v).is_err(), "{v:?}");
        }
        assert!(parse("9007199254740991.0.0").is_ok());
        let long = format!("1.0.0-{}", "a".repeat(251));
        assert!(parse(&long).is_err());
    }
}
