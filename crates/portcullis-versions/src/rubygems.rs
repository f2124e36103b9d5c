//! Ruby gem versions, ordered as `Gem::Version#<=>` of RubyGems 3.5 and
//! later (lib/rubygems/version.rb).
//!
//! Valid: what `Gem::Version.correct?` accepts, `\A\s*([0-9]+(\.[0-9a-zA-Z]+)*
//! (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z`. The version is stripped and
//! every `-` becomes `.pre.`; any letter makes it a prerelease.
//!
//! Order: the *canonical segments* compare left to right, numbers
//! numerically, a string below a number, strings by bytes; when one side
//! runs out, the other's remaining segments decide (a string there makes
//! that side lower, a non-zero number higher). Canonical segments are the
//! maximal digit and letter runs after removing trailing zeros (a run of
//! `.` and `0` at the end, after a letter or a `.`) and, in a prerelease,
//! the first run of `0`s and `.`s that starts the version or follows a `.`
//! and is followed by a letter: so `1.0.a` == `1.a` < `1` == `1.0`.
//!
//! Difference from older RubyGems: before 3.5 (commit 338c48f, 2023),
//! canonical segments dropped the trailing zeros of the numeric part and of
//! the rest separately; the two agree except for a zero segment between
//! letters, such as `1.a.0.b` (now equal to `1.a.b`, before greater). The
//! empty (or all-whitespace) string, which RubyGems reads as `0`, is
//! invalid here. Numbers compare exactly at any length (Ruby integers are
//! unbounded too).

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, CmpResult, Side};

/// Ruby's `\s`: ASCII whitespace.
fn is_ruby_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A segment of a gem version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// A digit run (compared by value).
    Number(&'a str),
    /// A letter run.
    Str(&'a str),
}

/// `Gem::Version.correct?`, and the stripped version.
fn stripped(s: &str) -> Result<&str, &'static str> {
    let t = s.trim_matches(|c: char| c.is_ascii() && is_ruby_space(c as u8));
    if t.is_empty() {
        return Err("empty version");
    }
    let b = t.as_bytes();
    let mut pos = digit_run(b);
    if pos == 0 {
        return Err("does not start with a digit");
    }
    let alnum = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    while b.get(pos) == Some(&b'.') {
        let n = alnum(&b[pos + 1..]);
        if n == 0 {
            return Err("empty segment after '.'");
        }
        pos += 1 + n;
    }
    if b.get(pos) == Some(&b'-') {
        let ident = |s: &[u8]| {
            s.iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'-')
                .count()
        };
        let n = ident(&b[pos + 1..]);
        if n == 0 {
            return Err("empty prerelease after '-'");
        }
        pos += 1 + n;
        while b.get(pos) == Some(&b'.') {
            let n = ident(&b[pos + 1..]);
            if n == 0 {
                return Err("empty segment after '.'");
            }
            pos += 1 + n;
        }
    }
    if pos != b.len() {
        return Err("malformed version number string");
    }
    Ok(t)
}

/// The string `Gem::Version` keeps (`@version`): stripped, `-` as `.pre.`.
pub fn version_string(s: &str) -> Result<String, &'static str> {
    Ok(stripped(s)?.replace('-', ".pre."))
}

/// The segments of a string (`scan(/\d+|[a-z]+/i)`).
fn scan(v: &str) -> Vec<Segment<'_>> {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let n = digit_run(&b[i..]);
            out.push(Segment::Number(&v[i..i + n]));
            i += n;
        } else if b[i].is_ascii_alphabetic() {
            let n = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            out.push(Segment::Str(&v[i..i + n]));
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

/// `Gem::Version#segments`.
pub fn segments(v: &str) -> Result<Vec<String>, &'static str> {
    let vs = version_string(v)?;
    Ok(scan(&vs)
        .into_iter()
        .map(|s| match s {
            Segment::Number(d) => {
                let d = crate::strip_zeros(d.as_bytes());
                if d.is_empty() {
                    "0".to_owned()
                } else {
                    String::from_utf8_lossy(d).into_owned()
                }
            }
            Segment::Str(x) => x.to_owned(),
        })
        .collect())
}

/// `canonical_segments`' text: trailing zeros removed, and in a prerelease
/// the zeros before the first letter-led part.
fn canonical_text(v: &str) -> String {
    let b = v.as_bytes();
    let mut end = b.len();
    // sub(/(?<=[a-zA-Z.])[.0]+\z/, ""): the leftmost start p in the final
    // [.0] run whose previous byte is a letter or '.'.
    let q = b.len()
        - b.iter()
            .rev()
            .take_while(|&&c| c == b'.' || c == b'0')
            .count();
    if q < b.len() {
        let p = (q.max(1)..b.len()).find(|&p| b[p - 1].is_ascii_alphabetic() || b[p - 1] == b'.');
        if let Some(p) = p {
            end = p;
        }
    }
    let mut out = v[..end].to_owned();
    if b.iter().any(u8::is_ascii_alphabetic) {
        // sub!(/(?<=\.|\A)[0.]+(?=[a-zA-Z])/, ""): the leftmost such run.
        let ob = out.as_bytes();
        let mut cut = None;
        for p in 0..ob.len() {
            if p > 0 && ob[p - 1] != b'.' {
                continue;
            }
            let n = ob[p..]
                .iter()
                .take_while(|&&c| c == b'0' || c == b'.')
                .count();
            if n > 0 && ob.get(p + n).is_some_and(u8::is_ascii_alphabetic) {
                cut = Some((p, p + n));
                break;
            }
        }
        if let Some((x, y)) = cut {
            out.replace_range(x..y, "");
        }
    }
    out
}

fn cmp_segment(a: Segment<'_>, b: Segment<'_>) -> Ordering {
    match (a, b) {
        (Segment::Number(x), Segment::Number(y)) => cmp_digits(x.as_bytes(), y.as_bytes()),
        (Segment::Str(_), Segment::Number(_)) => Ordering::Less,
        (Segment::Number(_), Segment::Str(_)) => Ordering::Greater,
        (Segment::Str(x), Segment::Str(y)) => x.cmp(y),
    }
}

fn is_zero(s: Segment<'_>) -> bool {
    matches!(s, Segment::Number(d) if crate::strip_zeros(d.as_bytes()).is_empty())
}

/// `Gem::Version#<=>` on two `@version` strings.
fn cmp_versions(va: &str, vb: &str) -> Ordering {
    if va == vb {
        return Ordering::Equal;
    }
    let (ca, cb) = (canonical_text(va), canonical_text(vb));
    let (la, lb) = (scan(&ca), scan(&cb));
    let limit = la.len().min(lb.len());
    for i in 0..limit {
        let o = cmp_segment(la[i], lb[i]);
        if o != Ordering::Equal {
            return o;
        }
    }
    // The longer side's remaining segments decide.
    for &s in &la[limit..] {
        match s {
            Segment::Str(_) => return Ordering::Less,
            _ if !is_zero(s) => return Ordering::Greater,
            _ => {}
        }
    }
    for &s in &lb[limit..] {
        match s {
            Segment::Str(_) => return Ordering::Greater,
            _ if !is_zero(s) => return Ordering::Less,
            _ => {}
        }
    }
    Ordering::Equal
}

/// `Gem::Version#canonical_segments`.
pub fn canonical_segments(v: &str) -> Result<Vec<String>, &'static str> {
    let vs = version_string(v)?;
    let c = canonical_text(&vs);
    Ok(scan(&c)
        .into_iter()
        .map(|s| match s {
            Segment::Number(d) => {
                let d = crate::strip_zeros(d.as_bytes());
                if d.is_empty() {
                    "0".to_owned()
                } else {
                    String::from_utf8_lossy(d).into_owned()
                }
            }
            Segment::Str(x) => x.to_owned(),
        })
        .collect())
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let va = version_string(a).map_err(|r| (Side::A, r))?;
    let vb = version_string(b).map_err(|r| (Side::B, r))?;
    Ok(cmp_versions(&va, &vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn basics() {
        let cases = [
            ("1.0", "1", Equal),
            ("1.0.a", "1", Less),
            ("1.0.a", "1.a", Equal),
            ("1.a.0.b", "1.a.b", Equal),
            ("1.0-1", "1.0", Less),
            ("1.0.0.1", "1.0", Greater),
            ("1.10", "1.9", Greater),
            (" 1.0\n", "1.0", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Ok(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Ok(want.reverse()), "{b} vs {a}");
        }
        assert_eq!(
            canonical_segments("1.0.0.a.0"),
            Ok(vec!["1".to_owned(), "a".to_owned()])
        );
    }

    #[test]
    fn invalid() {
        for v in [
            "", "  ", "a", "1.", "1..0", "1.0-", "1.0 a", "1,0", "v1", "1.0-a..b", "1_0",
        ] {
            assert!(stripped(v).is_err(), "{v:?}");
        }
    }
}
