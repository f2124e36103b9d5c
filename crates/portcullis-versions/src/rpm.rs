//! RPM versions: `[epoch:]version[-release]`.
//!
//! Implements rpm 4.18's comparison of full EVR strings as its Lua
//! `rpm.vercmp(a, b)` exposes it (rpmio `rpmverParse` + `rpmverCmp`, each
//! component compared by `rpmvercmp`):
//!
//! * the epoch is the run of digits before a `:` at the start (`:1` has
//!   epoch 0); without one the epoch is 0; epochs compare with
//!   `rpmvercmp` too, so `01:` equals `1:`;
//! * the release is what follows the *last* `-`; a missing release sorts
//!   before every present one, even an empty one (`1.0` < `1.0-` <
//!   `1.0-0`): rpm 4.18 compares releases with `compare_values`, which
//!   orders a NULL release first, and does not skip it as `rpmVersionCompare`
//!   over headers or the dependency-range overlap test do;
//! * `rpmvercmp` splits each component into maximal runs of ASCII digits or
//!   ASCII letters; everything else separates (several separators weigh as
//!   one, and `1.0` equals `1_0`); `~` sorts before everything, even the
//!   end; `^` sorts after the end but before any other segment; a numeric
//!   segment beats an alphabetic one; numbers compare by value (leading
//!   zeros dropped, any length), letters by ASCII.
//!
//! Invalid: the empty string (`rpm.vercmp` raises "invalid version"), and,
//! deliberately, a NUL byte (rpm would read a C string up to it).

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, parse_both, CmpResult};

/// A parsed EVR, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evr<'a> {
    /// The epoch digits (`Some("")` never occurs: `:1` reads as `Some("0")`).
    pub epoch: Option<&'a str>,
    /// The version.
    pub version: &'a str,
    /// The release, `None` when there is no `-`.
    pub release: Option<&'a str>,
}

/// Splits `s` as rpm's `parseEVR` does.
pub fn parse(s: &str) -> Result<Evr<'_>, &'static str> {
    if s.is_empty() {
        return Err("empty version");
    }
    if s.as_bytes().contains(&0) {
        return Err("version contains a NUL byte");
    }
    let digits = digit_run(s.as_bytes());
    // The release separator is searched from the end of the epoch digits,
    // which contain no '-', so from the start.
    let dash = s.rfind('-');
    let (epoch, version_start) = if s.as_bytes().get(digits) == Some(&b':') {
        let e = if digits == 0 { "0" } else { &s[..digits] };
        (Some(e), digits + 1)
    } else {
        (None, 0)
    };
    let (version, release) = match dash {
        Some(d) => (&s[version_start..d], Some(&s[d + 1..])),
        None => (&s[version_start..], None),
    };
    Ok(Evr {
        epoch,
        version,
        release,
    })
}

fn is_segment_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'~' || c == b'^'
}

/// rpm's `rpmvercmp` on one component (epoch, version or release).
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while i < a.len() && !is_segment_byte(a[i]) {
            i += 1;
        }
        while j < b.len() && !is_segment_byte(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // '~' sorts before everything, the end included.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // '^' sorts after the end, before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if i >= a.len() || j >= b.len() {
            break;
        }
        let numeric = a[i].is_ascii_digit();
        let run = |s: &[u8]| {
            if numeric {
                digit_run(s)
            } else {
                s.iter().take_while(|c| c.is_ascii_alphabetic()).count()
            }
        };
        let (na, nb) = (run(&a[i..]), run(&b[j..]));
        if nb == 0 {
            // Segments of different kinds: the numeric one is newer.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (&a[i..i + na], &b[j..j + nb]);
        let o = if numeric {
            cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
        i += na;
        j += nb;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

impl Evr<'_> {
    /// rpm 4.18's `rpmverCmp`.
    pub fn cmp_rpm(&self, other: &Evr<'_>) -> Ordering {
        let e1 = self.epoch.unwrap_or("0");
        let e2 = other.epoch.unwrap_or("0");
        rpmvercmp(e1, e2)
            .then_with(|| rpmvercmp(self.version, other.version))
            .then_with(|| match (self.release, other.release) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (Some(x), Some(y)) => rpmvercmp(x, y),
            })
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.cmp_rpm(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    fn cmp(a: &str, b: &str) -> Ordering {
        match compare(a, b) {
            Ok(o) => o,
            Err(e) => panic!("{a} vs {b}: {e:?}"),
        }
    }

    // rpm's own test suite: tests/rpmvercmp.at of rpm-software-management/rpm
    // at rpm-4.18.0-release (ea0d77c52e176e2876fdb1d07ad41e9e2635a93e), every
    // RPMVERCMP(a, b, result) line (the test runs them through rpm.vercmp).
    #[test]
    fn rpmvercmp_at() {
        let cases: &[(&str, &str, i8)] = &[
            ("1.0", "1.0", 0),
            ("1.0", "2.0", -1),
            ("2.0", "1.0", 1),
            ("2.0.1", "2.0.1", 0),
            ("2.0", "2.0.1", -1),
            ("2.0.1", "2.0", 1),
            ("2.0.1a", "2.0.1a", 0),
            ("2.0.1a", "2.0.1", 1),
            ("2.0.1", "2.0.1a", -1),
            ("5.5p1", "5.5p1", 0),
            ("5.5p1", "5.5p2", -1),
            ("5.5p2", "5.5p1", 1),
            ("5.5p10", "5.5p10", 0),
            ("5.5p1", "5.5p10", -1),
            ("5.5p10", "5.5p1", 1),
            ("10xyz", "10.1xyz", -1),
            ("10.1xyz", "10xyz", 1),
            ("xyz10", "xyz10", 0),
            ("xyz10", "xyz10.1", -1),
            ("xyz10.1", "xyz10", 1),
            ("xyz.4", "xyz.4", 0),
            ("xyz.4", "8", -1),
            ("8", "xyz.4", 1),
            ("xyz.4", "2", -1),
            ("2", "xyz.4", 1),
            ("5.5p2", "5.6p1", -1),
            ("5.6p1", "5.5p2", 1),
            ("5.6p1", "6.5p1", -1),
            ("6.5p1", "5.6p1", 1),
            ("6.0.rc1", "6.0", 1),
            ("6.0", "6.0.rc1", -1),
            ("10b2", "10a1", 1),
            ("10a2", "10b2", -1),
            ("1.0aa", "1.0aa", 0),
            ("1.0a", "1.0aa", -1),
            ("1.0aa", "1.0a", 1),
            ("10.0001", "10.0001", 0),
            ("10.0001", "10.1", 0),
            ("10.1", "10.0001", 0),
            ("10.0001", "10.0039", -1),
            ("10.0039", "10.0001", 1),
            ("4.999.9", "5.0", -1),
            ("5.0", "4.999.9", 1),
            ("20101121", "20101121", 0),
            ("20101121", "20101122", -1),
            ("20101122", "20101121", 1),
            ("2_0", "2_0", 0),
            ("2.0", "2_0", 0),
            ("2_0", "2.0", 0),
            ("a", "a", 0),
            ("a+", "a+", 0),
            ("a+", "a_", 0),
            ("a_", "a+", 0),
            ("+a", "+a", 0),
            ("+a", "_a", 0),
            ("_a", "+a", 0),
            ("+_", "+_", 0),
            ("_+", "+_", 0),
            ("_+", "_+", 0),
            ("+", "_", 0),
            ("_", "+", 0),
            ("1.0~rc1", "1.0~rc1", 0),
            ("1.0~rc1", "1.0", -1),
            ("1.0", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc2", -1),
            ("1.0~rc2", "1.0~rc1", 1),
            ("1.0~rc1~git123", "1.0~rc1~git123", 0),
            ("1.0~rc1~git123", "1.0~rc1", -1),
            ("1.0~rc1", "1.0~rc1~git123", 1),
            ("1.0^", "1.0^", 0),
            ("1.0^", "1.0", 1),
            ("1.0", "1.0^", -1),
            ("1.0^git1", "1.0^git1", 0),
            ("1.0^git1", "1.0", 1),
            ("1.0", "1.0^git1", -1),
            ("1.0^git1", "1.0^git2", -1),
            ("1.0^git2", "1.0^git1", 1),
            ("1.0^git1", "1.01", -1),
            ("1.01", "1.0^git1", 1),
            ("1.0^20160101", "1.0^20160101", 0),
            ("1.0^20160101", "1.0.1", -1),
            ("1.0.1", "1.0^20160101", 1),
            ("1.0^20160101^git1", "1.0^20160101^git1", 0),
            ("1.0^20160102", "1.0^20160101^git1", 1),
            ("1.0^20160101^git1", "1.0^20160102", -1),
            ("1.0~rc1^git1", "1.0~rc1^git1", 0),
            ("1.0~rc1^git1", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc1^git1", -1),
            ("1.0^git1~pre", "1.0^git1~pre", 0),
            ("1.0^git1", "1.0^git1~pre", 1),
            ("1.0^git1~pre", "1.0^git1", -1),
        ];
        for &(a, b, want) in cases {
            assert_eq!(rpmvercmp(a, b) as i8, want, "rpmvercmp({a}, {b})");
        }
    }

    // Full EVR strings, observed with rpm 4.18.0 `rpm.vercmp` (Lua).
    #[test]
    fn evr() {
        let cases = [
            ("1.0", "1.0-1", Less),
            ("1.0-1", "1.0-2", Less),
            ("1:1.0", "1.0", Greater),
            (":1.0", "0:1.0", Equal),
            ("01:1", "1:1", Equal),
            ("1.0-", "1.0", Greater),
            ("1.0-", "1.0-0", Less),
            ("1-2-3", "1-2-4", Less),
            ("1-2-3", "1-3-3", Less), // version "1-2" vs "1-3"
            ("abc:1", "abc:2", Less), // no epoch: "abc:1" is the version
            ("1:", "1:", Equal),
            ("-1", "-1", Equal),
            ("1:-1", "0", Greater),
            (" 1", "1", Equal),
            ("1.0-1", "1.0-1-", Less),
            ("é", "e", Less),
            ("0:1.2.3-4.el9", "1.2.3-4.el9", Equal),
            ("1.2.3-4.el9_1", "1.2.3-4.el9", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn invalid() {
        assert_eq!(parse(""), Err("empty version"));
        assert!(parse("1\0").is_err());
    }
}
