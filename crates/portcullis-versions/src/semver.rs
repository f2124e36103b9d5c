//! Semantic Versioning 2.0.0 (<https://semver.org/spec/v2.0.0.html>):
//! OSV `SEMVER` ranges and crates.io versions (Cargo's `semver` crate
//! accepts exactly this grammar).
//!
//! `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` per the specification's BNF:
//! numeric identifiers without leading zeros, pre-release and build
//! identifiers non-empty `[0-9A-Za-z-]`. Precedence per §11: major, minor,
//! patch numerically; a pre-release below the release; pre-release
//! identifiers left to right, numeric ones numerically and below
//! alphanumeric ones, alphanumeric ones in ASCII order, a shorter list
//! first when it is a prefix; build metadata ignored (so `1.0.0+a` and
//! `1.0.0+b` are equal). Numbers of any length compare exactly.
//!
//! No `v` prefix, no whitespace, no shorthand (`1.2`): strict. The same
//! machinery, with Go's allowances, is [`crate::go`]'s.

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, parse_both, CmpResult};

/// A parsed SemVer version, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// Major version digits.
    pub major: &'a [u8],
    /// Minor version digits (`"0"` for a Go shorthand without one).
    pub minor: &'a [u8],
    /// Patch digits (`"0"` for a Go shorthand without one).
    pub patch: &'a [u8],
    /// The pre-release identifiers, `.`-separated, without the `-`.
    pub pre: Option<&'a [u8]>,
    /// The build metadata, without the `+`.
    pub build: Option<&'a [u8]>,
}

/// What a dialect allows beyond strict SemVer 2.0.0.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Dialect {
    /// `v1.2.3` (Go: optional here, as OSV Go ranges omit it).
    pub v_prefix: bool,
    /// `v1` and `v1.2` for `v1.0.0` and `v1.2.0` (golang.org/x/mod/semver).
    pub shorthand: bool,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// A numeric identifier: `0` or digits not starting with `0`.
fn numeric(s: &[u8], pos: usize) -> Result<(&[u8], usize), &'static str> {
    let n = digit_run(&s[pos..]);
    if n == 0 {
        return Err("expected a number");
    }
    if n > 1 && s[pos] == b'0' {
        return Err("number with a leading zero");
    }
    Ok((&s[pos..pos + n], pos + n))
}

/// Dot-separated identifiers from `pos` up to `stop` (or the end): each
/// non-empty `[0-9A-Za-z-]`, and, when `strict_numbers`, no leading zero on
/// an all-digit one. Returns them and the position after them.
fn identifiers(
    s: &[u8],
    pos: usize,
    stop: Option<u8>,
    strict_numbers: bool,
) -> Result<(&[u8], usize), &'static str> {
    let rest = &s[pos..];
    let len = stop
        .and_then(|c| rest.iter().position(|&x| x == c))
        .unwrap_or(rest.len());
    let ids = &rest[..len];
    for id in ids.split(|&c| c == b'.') {
        if id.is_empty() {
            return Err("empty identifier");
        }
        if !id.iter().all(|&c| is_ident_byte(c)) {
            return Err("invalid character in an identifier");
        }
        if strict_numbers && id.len() > 1 && id[0] == b'0' && id.iter().all(u8::is_ascii_digit) {
            return Err("numeric identifier with a leading zero");
        }
    }
    Ok((ids, pos + len))
}

pub(crate) fn parse_dialect(s: &str, d: Dialect) -> Result<Version<'_>, &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err("empty version");
    }
    let mut pos = 0;
    if d.v_prefix && b[0] == b'v' {
        pos = 1;
    }
    let (major, p) = numeric(b, pos)?;
    pos = p;
    let zero: &[u8] = b"0";
    let (mut minor, mut patch) = (zero, zero);
    let mut short = false;
    match b.get(pos) {
        Some(b'.') => {
            let (m, p) = numeric(b, pos + 1)?;
            minor = m;
            pos = p;
            match b.get(pos) {
                Some(b'.') => {
                    let (pa, p) = numeric(b, pos + 1)?;
                    patch = pa;
                    pos = p;
                }
                None if d.shorthand => short = true,
                _ => return Err("expected MAJOR.MINOR.PATCH"),
            }
        }
        None if d.shorthand => short = true,
        _ => return Err("expected MAJOR.MINOR.PATCH"),
    }
    if short {
        return Ok(Version {
            major,
            minor,
            patch,
            pre: None,
            build: None,
        });
    }
    let mut pre = None;
    if b.get(pos) == Some(&b'-') {
        let (p, end) = identifiers(b, pos + 1, Some(b'+'), true)?;
        pre = Some(p);
        pos = end;
    }
    let mut build = None;
    if b.get(pos) == Some(&b'+') {
        let (m, end) = identifiers(b, pos + 1, None, false)?;
        build = Some(m);
        pos = end;
    }
    if pos != b.len() {
        return Err("unexpected character after the version");
    }
    Ok(Version {
        major,
        minor,
        patch,
        pre,
        build,
    })
}

/// Parses a strict SemVer 2.0.0 version.
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    parse_dialect(s, Dialect::default())
}

/// SemVer §11 precedence of two pre-release identifier lists.
pub(crate) fn cmp_prerelease(a: &[u8], b: &[u8]) -> Ordering {
    let mut ia = a.split(|&c| c == b'.');
    let mut ib = b.split(|&c| c == b'.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let nx = x.iter().all(u8::is_ascii_digit);
                let ny = y.iter().all(u8::is_ascii_digit);
                let o = match (nx, ny) {
                    (true, true) => cmp_digits(x, y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

impl Version<'_> {
    /// SemVer 2.0.0 precedence (build metadata ignored).
    pub fn precedence(&self, other: &Version<'_>) -> Ordering {
        cmp_digits(self.major, other.major)
            .then_with(|| cmp_digits(self.minor, other.minor))
            .then_with(|| cmp_digits(self.patch, other.patch))
            .then_with(|| match (self.pre, other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => cmp_prerelease(x, y),
            })
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.precedence(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Less};

    // SemVer 2.0.0 §11 example: 1.0.0-alpha < 1.0.0-alpha.1 <
    // 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 <
    // 1.0.0-rc.1 < 1.0.0; and §11.2: 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
    #[test]
    fn spec_examples() {
        for chain in [
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
            ][..],
            &["1.0.0", "2.0.0", "2.1.0", "2.1.1"][..],
        ] {
            for (i, a) in chain.iter().enumerate() {
                for b in &chain[i + 1..] {
                    assert_eq!(compare(a, b), Ok(Less), "{a} < {b}");
                    assert_eq!(compare(b, a), Ok(Less.reverse()), "{b} > {a}");
                }
            }
        }
        // §10: build metadata is ignored for precedence.
        assert_eq!(compare("1.0.0-alpha+001", "1.0.0-alpha"), Ok(Equal));
        assert_eq!(
            compare("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85"),
            Ok(Equal)
        );
        assert_eq!(
            compare(
                "1.0.0-99999999999999999999999",
                "1.0.0-100000000000000000000000"
            ),
            Ok(Less)
        );
    }

    // Invalid per the §2, §9 and §10 rules and the BNF.
    #[test]
    fn invalid() {
        for v in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            " 1.2.3",
            "01.2.3",
            "1.02.3",
            "1.2.03",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3-a..b",
            "1.2.3+",
            "1.2.3+a..b",
            "1.2.3-a_b",
            "1.2.3.4",
            "1.2.3-+a",
            "1.2.3-é",
        ] {
            assert!(parse(v).is_err(), "{v:?}");
        }
        assert!(parse("1.2.3-0a.-.--").is_ok());
        assert!(parse("1.2.3+01.001").is_ok());
    }
}
