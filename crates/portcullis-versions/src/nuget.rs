//! NuGet package versions, ordered as `NuGet.Versioning`'s
//! `VersionComparer.Default` orders `NuGetVersion`s (NuGet.Client,
//! src/NuGet.Core/NuGet.Versioning).
//!
//! Parsing (`NuGetVersion.TryParse`): trimmed; `N[.N[.N[.N]]]` where each
//! `N` is at most `int.MaxValue`, leading zeros and whitespace around the
//! numbers allowed; then `-` and `.`-separated release labels
//! (`[0-9A-Za-z-]`, non-empty, no leading zero on an all-digit label), then
//! `+` and metadata (the same characters, leading zeros allowed).
//!
//! Order: the four numbers (missing ones are 0, so `1.0` == `1.0.0` ==
//! `1.0.0.0`); a version without labels above one with; labels left to
//! right, a shorter list first when it is a prefix, two labels that both
//! parse as a C# `int` (`int.TryParse`, so also `-1`) numerically, a
//! numeric label below a non-numeric one, others by ordinal
//! case-insensitive comparison (`RC1` == `rc1`). Metadata is ignored.
//!
//! No differences known; whitespace is Rust's `char::is_whitespace`
//! (Unicode White_Space), which is .NET's `char.IsWhiteSpace`.

use std::cmp::Ordering;

use crate::{parse_both, strip_zeros, CmpResult};

/// A parsed NuGet version, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// Major, minor, patch, revision.
    pub numbers: [u32; 4],
    /// The release labels, `.`-separated, without the `-`.
    pub labels: Option<&'a str>,
    /// The metadata, without the `+`.
    pub metadata: Option<&'a str>,
}

fn is_label_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn valid_part(s: &str, allow_leading_zeros: bool) -> bool {
    let b = s.as_bytes();
    let numeric_with_leading_zero = b.len() > 1 && b[0] == b'0' && b.iter().all(u8::is_ascii_digit);
    !b.is_empty()
        && (allow_leading_zeros || !numeric_with_leading_zero)
        && b.iter().all(|&c| is_label_byte(c))
}

/// `ParseSections`: the version part, the labels, the metadata.
fn sections(t: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let b = t.as_bytes();
    let (mut version, mut labels, mut metadata) = (None, None, None);
    let (mut dash, mut plus): (Option<usize>, Option<usize>) = (None, None);
    for (i, &c) in b.iter().enumerate() {
        let end = i == b.len() - 1;
        let end_pos = i + usize::from(end);
        match (dash, plus) {
            (None, _) => {
                if end || c == b'-' || c == b'+' {
                    version = Some(&t[..end_pos]);
                    dash = Some(i);
                    if c == b'+' {
                        plus = Some(i);
                    }
                }
            }
            (Some(d), None) => {
                if end || c == b'+' {
                    labels = Some(&t[d + 1..end_pos]);
                    plus = Some(i);
                }
            }
            (Some(_), Some(p)) => {
                if end {
                    metadata = Some(&t[p + 1..end_pos]);
                }
            }
        }
    }
    (version, labels, metadata)
}

/// `TryGetNormalizedVersion`: up to four numbers, each section optionally
/// surrounded by whitespace.
fn numbers(s: &str) -> Option<[u32; 4]> {
    let len = s.len();
    let at = |i: usize| s[i..].chars().next();
    let mut out = [0u32; 4];
    let mut pos = 0;
    for slot in &mut out {
        if pos == len {
            continue;
        }
        let mut end = pos;
        while let Some(c) = at(end).filter(|c| c.is_whitespace()) {
            end += c.len_utf8();
        }
        if at(end).is_some_and(|c| !c.is_ascii_digit()) {
            return None;
        }
        let mut value: u64 = 0;
        let mut digit = false;
        let mut done = false;
        while let Some(c) = at(end) {
            if c.is_ascii_digit() {
                digit = true;
                value = value * 10 + u64::from(c as u8 - b'0');
                if value > i32::MAX as u64 {
                    return None;
                }
                end += 1;
            } else if c == '.' {
                end += 1;
                if end == len {
                    return None;
                }
                done = true;
                break;
            } else if c.is_whitespace() {
                break;
            } else {
                return None;
            }
        }
        if !digit {
            return None;
        }
        if end == len {
            done = true;
        }
        if !done {
            while let Some(c) = at(end) {
                if !c.is_whitespace() {
                    if c == '.' {
                        end += 1;
                        if end == len {
                            return None;
                        }
                        break;
                    }
                    return None;
                }
                end += c.len_utf8();
            }
        }
        *slot = value as u32;
        pos = end;
    }
    (pos == len).then_some(out)
}

/// Parses as `NuGetVersion.TryParse`.
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty version");
    }
    let (version, labels, metadata) = sections(t);
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or("no version numbers")?;
    let numbers = numbers(version).ok_or("not 1 to 4 dot-separated numbers below 2^31")?;
    if let Some(l) = labels {
        if !l.split('.').all(|p| valid_part(p, false)) {
            return Err("invalid release label");
        }
    }
    if let Some(m) = metadata {
        if !m.split('.').all(|p| valid_part(p, true)) {
            return Err("invalid metadata");
        }
    }
    Ok(Version {
        numbers,
        labels,
        metadata,
    })
}

/// `int.TryParse` of a label (`[0-9A-Za-z-]` only): an optional `-`, then
/// digits, within `i32`.
fn label_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let d = strip_zeros(digits.as_bytes());
    if d.len() > 10 {
        return None;
    }
    let v = d.iter().fold(0i64, |v, &c| v * 10 + i64::from(c - b'0'));
    let v = if neg { -v } else { v };
    (i64::from(i32::MIN)..=i64::from(i32::MAX))
        .contains(&v)
        .then_some(v)
}

fn cmp_label(a: &str, b: &str) -> Ordering {
    match (label_int(a), label_int(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a
            .bytes()
            .map(|c| c.to_ascii_uppercase())
            .cmp(b.bytes().map(|c| c.to_ascii_uppercase())),
    }
}

impl Version<'_> {
    /// `VersionComparer.Default`.
    pub fn cmp_nuget(&self, other: &Version<'_>) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (self.labels, other.labels) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => {
                    let mut ix = x.split('.');
                    let mut iy = y.split('.');
                    loop {
                        match (ix.next(), iy.next()) {
                            (None, None) => return Ordering::Equal,
                            (None, Some(_)) => return Ordering::Less,
                            (Some(_), None) => return Ordering::Greater,
                            (Some(p), Some(q)) => {
                                let o = cmp_label(p, q);
                                if o != Ordering::Equal {
                                    return o;
                                }
                            }
                        }
                    }
                }
            })
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.cmp_nuget(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn basics() {
        for (a, b, want) in [
            ("1.0", "1.0.0.0", Equal),
            ("1.0.0.1", "1.0.0", Greater),
            ("1.0.0-RC1", "1.0.0-rc1", Equal),
            ("1.0.0-beta", "1.0.0", Less),
            ("1.0.0-beta.2", "1.0.0-beta.10", Less),
            ("1.0.0-1", "1.0.0-a", Less),
            ("1.0.0--1", "1.0.0-0", Less),
            // Past int.MaxValue a label is not numeric: above a number,
            // compared as text with the others.
            ("1.0.0-2147483648", "1.0.0-3", Greater),
            ("1.0.0-2147483648", "1.0.0-A", Less),
            ("1.0.0+a", "1.0.0+b", Equal),
            (" 1 . 2 ", "1.2", Equal),
            ("01.002", "1.2", Equal),
        ] {
            assert_eq!(compare(a, b), Ok(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Ok(want.reverse()), "{b} vs {a}");
        }
    }

    #[test]
    fn invalid() {
        for v in [
            "",
            "1.",
            "1.0-",
            "1.0+",
            "1.0-+a",
            "1.2.3.4.5",
            "2147483648.0",
            "1.0-01",
            "1.0-a_b",
            "a",
            ".1",
            "1.0-a+",
            "v1.0",
        ] {
            assert!(parse(v).is_err(), "{v:?}");
        }
    }
}
