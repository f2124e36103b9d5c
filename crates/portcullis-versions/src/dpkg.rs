//! Debian package versions: `[epoch:]upstream_version[-debian_revision]`.
//!
//! Implements the order of Debian Policy §5.6.12 exactly as dpkg 1.21
//! computes it (`dpkg --compare-versions`, lib/dpkg `parseversion` and
//! `verrevcmp`):
//!
//! * leading and trailing blanks (space, tab) are ignored; a blank inside
//!   is an error;
//! * the epoch is what C `strtol` reads before the first `:` (so `+1:` and
//!   `-0:` are accepted, as dpkg does); it must be a non-negative `int`;
//! * the revision is what follows the *last* `-`; upstream and revision
//!   must then be non-empty;
//! * upstream and revision alternate non-digit and digit runs; in non-digit
//!   runs `~` sorts before everything, even the end of the string, then the
//!   end, then letters (ASCII order), then bytes ≥ 0x80 (dpkg's `char` is
//!   signed on the platforms it ships for), then other ASCII; digit runs
//!   compare numerically, of any length.
//!
//! Like dpkg, versions it only *warns* about (an upstream version not
//! starting with a digit, characters outside `[A-Za-z0-9.+~:-]`) are
//! accepted and compared.
//!
//! Deliberate differences from `dpkg --compare-versions`: the empty string
//! is invalid here (dpkg reads an empty argument, or `<unknown>`, as the
//! blank version that sorts first); a NUL byte is invalid (a C string would
//! end there).

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, parse_both, CmpResult};

/// A parsed dpkg version, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// The epoch, 0 when absent.
    pub epoch: u32,
    /// The upstream version.
    pub upstream: &'a str,
    /// The Debian revision, `""` when absent.
    pub revision: &'a str,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// What C `isspace` accepts in the C locale (`strtol` skips it).
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses `s` as dpkg's `parseversion` does, rejecting what it rejects.
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let b = s.as_bytes();
    if b.contains(&0) {
        return Err("version string contains a NUL byte");
    }
    let start = b.iter().take_while(|&&c| is_blank(c)).count();
    if start == b.len() {
        return Err("version string is empty");
    }
    let end = start + b[start..].iter().take_while(|&&c| !is_blank(c)).count();
    if b[end..].iter().any(|&c| !is_blank(c)) {
        return Err("version string has embedded spaces");
    }
    let body = &s[start..end];
    let bb = body.as_bytes();
    let (epoch, rest) = match bb.iter().position(|&c| c == b':') {
        Some(colon) => {
            let epoch = strtol_epoch(&bb[..colon])?;
            if colon + 1 == bb.len() {
                return Err("nothing after colon in version number");
            }
            (epoch, &body[colon + 1..])
        }
        None => (0, body),
    };
    let (upstream, revision) = match rest.as_bytes().iter().rposition(|&c| c == b'-') {
        Some(h) => {
            if h + 1 == rest.len() {
                return Err("revision number is empty");
            }
            (&rest[..h], &rest[h + 1..])
        }
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err("version number is empty");
    }
    Ok(Version {
        epoch,
        upstream,
        revision,
    })
}

/// The epoch as `strtol(s, &end, 10)` reads it, where the whole of `s`
/// (everything before the colon) must be consumed.
fn strtol_epoch(s: &[u8]) -> Result<u32, &'static str> {
    let mut i = s.iter().take_while(|&&c| is_c_space(c)).count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let n = digit_run(&s[i..]);
    if n == 0 {
        return Err("epoch in version is empty");
    }
    if i + n != s.len() {
        return Err("epoch in version is not number");
    }
    let digits = crate::strip_zeros(&s[i..i + n]);
    if negative && !digits.is_empty() {
        return Err("epoch in version is negative");
    }
    if digits.len() > 10 {
        return Err("epoch in version is too big");
    }
    let value = digits
        .iter()
        .fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
    u32::try_from(value)
        .ok()
        .filter(|&v| v <= i32::MAX as u32)
        .ok_or("epoch in version is too big")
}

/// The weight of a non-digit position in `verrevcmp` (`None`: the end).
fn order(c: Option<&u8>) -> i32 {
    match c {
        None => 0,
        Some(&c) if c.is_ascii_digit() => 0,
        Some(&c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        // dpkg computes `c + 256` on a signed char: bytes >= 0x80 land on
        // 128..=255, between the letters and the other ASCII characters.
        Some(&c) if c >= 0x80 => i32::from(c),
        Some(&c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one upstream version or revision.
pub fn compare_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (ac, bc) = (order(a.get(i)), order(b.get(j)));
            if ac != bc {
                return ac.cmp(&bc);
            }
            // Equal weights of non-digits mean the same byte on both sides.
            i += 1;
            j += 1;
        }
        let ra = a.get(i..).unwrap_or_default();
        let rb = b.get(j..).unwrap_or_default();
        let (da, db) = (digit_run(ra), digit_run(rb));
        let o = cmp_digits(&ra[..da], &rb[..db]);
        if o != Ordering::Equal {
            return o;
        }
        i += da;
        j += db;
    }
    Ordering::Equal
}

impl Version<'_> {
    /// dpkg's order: epoch, then upstream, then revision.
    pub fn cmp_dpkg(&self, other: &Version<'_>) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(self.upstream, other.upstream))
            .then_with(|| compare_part(self.revision, other.revision))
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.cmp_dpkg(&vb))
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

    // Debian Policy §5.6.12: "~~, ~~a, ~, the empty part, a" sort in
    // this order.
    #[test]
    fn policy_tilde_example() {
        let order = ["1~~", "1~~a", "1~", "1", "1a"];
        for w in order.windows(2) {
            assert_eq!(cmp(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
            assert_eq!(cmp(w[1], w[0]), Greater);
        }
    }

    // dpkg's own test suite (lib/dpkg/t/t-version.c, test_version_compare)
    // and Debian Policy §5.6.12.
    #[test]
    fn known_orderings() {
        let cases = [
            ("0", "0", Equal),
            ("0", "00", Equal),
            ("1:0", "0", Greater),
            ("1:0", "1:0", Equal),
            ("2:0", "1:9", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0", "1.0-0", Equal), // revision "" and "0" weigh the same
            ("1.0-1", "1.0-2", Less),
            ("1.0-1", "1.0-1.1", Less),
            ("1.0", "1.0.0", Less),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1-1", "1.0-1", Less),
            ("1.0+dfsg-1", "1.0-1", Greater),
            ("1.0a", "1.0+", Less), // letters before non-letters
            ("1.0a", "1.0.", Less),
            ("1.0.", "1.0+", Greater), // both other ASCII: '+' (43) before '.' (46)
            ("1.2.10", "1.2.9", Greater),
            ("1.002", "1.2", Equal),
            ("7.6p2-4", "7.6-0", Greater),
            ("1.0.3-3", "1.0-1", Greater),
            ("1.3", "1.2.2-2", Greater),
            ("1.3", "1.2.2", Greater),
            ("2.4.7-1", "2.4.7-z", Less),
            ("2.30-2ubuntu1", "2.30-2", Greater),
            // long digit runs: no overflow
            (
                "1.123456789012345678901234567890",
                "1.123456789012345678901234567891",
                Less,
            ),
            ("99999999999999999999999", "100000000000000000000000", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    // Observed with dpkg 1.21.22 `dpkg --compare-versions` (warnings only).
    #[test]
    fn accepted_with_a_dpkg_warning() {
        assert_eq!(cmp("a", "b"), Less);
        assert_eq!(cmp("1:a", "1"), Greater);
        assert_eq!(cmp("1.0é", "1.0a"), Greater);
        assert_eq!(cmp("1.0é", "1.0+"), Less);
        assert_eq!(cmp("+1:2", "1:2"), Equal);
        assert_eq!(cmp("-0:2", "2"), Equal);
        assert_eq!(cmp(" 1:2\t", "1:2"), Equal);
        assert_eq!(cmp("1:2:3", "1:2:3"), Equal);
        assert_eq!(cmp("2147483647:1", "1"), Greater);
    }

    // Errors of dpkg's parseversion (dpkg exits 2 on these).
    #[test]
    fn invalid() {
        for (v, why) in [
            ("", "version string is empty"),
            ("  ", "version string is empty"),
            ("1 2", "version string has embedded spaces"),
            (":1", "epoch in version is empty"),
            ("a:1", "epoch in version is empty"),
            ("1a:1", "epoch in version is not number"),
            ("-1:2", "epoch in version is negative"),
            ("2147483648:1", "epoch in version is too big"),
            ("99999999999999999999:1", "epoch in version is too big"),
            ("1:", "nothing after colon in version number"),
            ("1-", "revision number is empty"),
            ("-1", "version number is empty"),
            ("1:-1", "version number is empty"),
            ("1\0", "version string contains a NUL byte"),
        ] {
            assert_eq!(parse(v), Err(why), "{v:?}");
        }
    }

    #[test]
    fn parts() {
        assert_eq!(
            parse("1:2.0-3-4"),
            Ok(Version {
                epoch: 1,
                upstream: "2.0-3",
                revision: "4"
            })
        );
    }
}
