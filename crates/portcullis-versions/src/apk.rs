//! Alpine (apk-tools) package versions, also Wolfi's and Chainguard's:
//! `digit{.digit}…{letter}{_suffix{number}}…{~hash}{-rN}`.
//!
//! Implements apk-tools' `apk_version_validate` and `apk_version_compare`
//! (src/version.c, apk-tools 2.14 / 3.0): a version is a sequence of tokens
//!
//! * an initial number, then `.number`s;
//! * at most one lowercase letter, right after a number;
//! * suffixes `_alpha`, `_beta`, `_pre`, `_rc` (below the plain release, in
//!   this order) and `_cvs`, `_svn`, `_git`, `_hg`, `_p` (above it), each
//!   optionally numbered (`_rc2`), any number of them;
//! * a commit hash `~` + lowercase hex digits;
//! * a revision `-rN`;
//!
//! in that order. Tokens compare pairwise while both sides have a token of
//! the same kind: numbers numerically, except that a `.number` with a
//! leading zero on either side compares as a string (the Gentoo rule:
//! `1.05` < `1.1`); letters and suffixes by their rank, hashes as strings.
//! When the kinds differ, a pre-release suffix is lower than anything; else
//! the side whose token comes later in the list above (or ends) is lower:
//! `1.0` < `1.0a`, `1.0_p1` < `1.0.1`, `1.0-r1` < `1.0a`.
//!
//! Differences from apk-tools: numbers are compared exactly at any length
//! (apk reads them into a `uint64_t`, which wraps past 2^64). apk orders
//! versions its validator rejects by string fallbacks; here they are
//! invalid (`Err`). The fuzzy operator `~` of `apk version -t` is not a
//! version order and is not offered.

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, parse_both, CmpResult};

/// Token kinds, in apk's order (later kinds sort lower when kinds differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Suffix ranks; `NONE` (the plain release) sits between the pre-release
/// and the post-release suffixes.
const SUFFIX_NONE: u8 = 5;

fn suffix_rank(name: &[u8]) -> Option<u8> {
    Some(match name {
        b"alpha" => 1,
        b"beta" => 2,
        b"pre" => 3,
        b"rc" => 4,
        b"cvs" => 6,
        b"svn" => 7,
        b"git" => 8,
        b"hg" => 9,
        b"p" => 10,
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    value: &'a [u8],
    suffix: u8,
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    last: Kind,
    started: bool,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a str) -> Lexer<'a> {
        Lexer {
            s: s.as_bytes(),
            pos: 0,
            last: Kind::InitialDigit,
            started: false,
        }
    }

    fn digits(&mut self, kind: Kind) -> Token<'a> {
        let n = digit_run(&self.s[self.pos..]);
        let value = &self.s[self.pos..self.pos + n];
        self.pos += n;
        let kind = if n == 0 { Kind::Invalid } else { kind };
        self.token(kind, value, 0)
    }

    fn token(&mut self, kind: Kind, value: &'a [u8], suffix: u8) -> Token<'a> {
        self.last = kind;
        Token {
            kind,
            value,
            suffix,
        }
    }

    fn invalid(&mut self) -> Token<'a> {
        self.token(Kind::Invalid, &[], 0)
    }

    fn next_token(&mut self) -> Token<'a> {
        if !self.started {
            self.started = true;
            return self.digits(Kind::InitialDigit);
        }
        if matches!(self.last, Kind::End | Kind::Invalid) {
            return self.token(self.last, &[], 0);
        }
        let Some(&c) = self.s.get(self.pos) else {
            return self.token(Kind::End, &[], 0);
        };
        match c {
            b'a'..=b'z' => {
                if self.last > Kind::Digit {
                    return self.invalid();
                }
                let value = &self.s[self.pos..self.pos + 1];
                self.pos += 1;
                self.token(Kind::Letter, value, 0)
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if self.last > Kind::Digit {
                        return self.invalid();
                    }
                    self.pos += 1;
                }
                match self.last {
                    Kind::InitialDigit | Kind::Digit => self.digits(Kind::Digit),
                    Kind::Suffix => self.digits(Kind::SuffixNo),
                    _ => self.invalid(),
                }
            }
            b'_' => {
                if self.last > Kind::SuffixNo {
                    return self.invalid();
                }
                self.pos += 1;
                let rest = &self.s[self.pos..];
                let n = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
                let name = &rest[..n];
                self.pos += n;
                match suffix_rank(name) {
                    Some(rank) => self.token(Kind::Suffix, name, rank),
                    None => self.invalid(),
                }
            }
            b'~' => {
                if self.last >= Kind::CommitHash {
                    return self.invalid();
                }
                self.pos += 1;
                let rest = &self.s[self.pos..];
                let n = rest
                    .iter()
                    .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
                    .count();
                if n == 0 {
                    return self.invalid();
                }
                self.pos += n;
                self.token(Kind::CommitHash, &rest[..n], 0)
            }
            b'-' => {
                if self.last >= Kind::RevisionNo || self.s.get(self.pos + 1) != Some(&b'r') {
                    return self.invalid();
                }
                self.pos += 2;
                self.digits(Kind::RevisionNo)
            }
            _ => self.invalid(),
        }
    }
}

/// Checks `s` as `apk_version_validate` does.
pub fn validate(s: &str) -> Result<(), &'static str> {
    let mut lx = Lexer::new(s);
    loop {
        match lx.next_token().kind {
            Kind::End => return Ok(()),
            Kind::Invalid => return Err(invalid_reason(s, lx.pos)),
            _ => {}
        }
    }
}

fn invalid_reason(s: &str, pos: usize) -> &'static str {
    if s.is_empty() {
        "empty version"
    } else if pos == 0 {
        "does not start with a digit"
    } else {
        match s.as_bytes().get(pos) {
            Some(b'_') => "unknown or misplaced suffix",
            Some(b'-') => "misplaced or malformed -r revision",
            Some(b'~') => "misplaced or malformed ~commit hash",
            Some(b'.') => "misplaced '.' or missing number",
            Some(b'a'..=b'z') => "misplaced letter",
            None => "ends after a separator",
            _ => "unexpected character",
        }
    }
}

fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            // A leading zero on either side: plain string order.
            a.value.cmp(b.value)
        }
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_digits(a.value, b.value)
        }
        Kind::Letter => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.value.cmp(b.value),
    }
}

/// apk's order of two versions already known to be valid.
fn compare_valid(a: &str, b: &str) -> Ordering {
    let (mut la, mut lb) = (Lexer::new(a), Lexer::new(b));
    loop {
        let (ta, tb) = (la.next_token(), lb.next_token());
        if ta.kind != tb.kind {
            if ta.kind == Kind::Suffix && ta.suffix < SUFFIX_NONE {
                return Ordering::Less;
            }
            if tb.kind == Kind::Suffix && tb.suffix < SUFFIX_NONE {
                return Ordering::Greater;
            }
            return if ta.kind > tb.kind {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if ta.kind >= Kind::End {
            return Ordering::Equal;
        }
        let o = token_cmp(&ta, &tb);
        if o != Ordering::Equal {
            return o;
        }
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    parse_both(a, b, validate)?;
    Ok(compare_valid(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn basics() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0", "1.0a", Less),
            ("1.0_alpha", "1.0", Less),
            ("1.0_p1", "1.0", Greater),
            ("1.0_p1", "1.0.1", Less),
            ("1.0-r1", "1.0a", Less),
            ("1.0-r1", "1.0", Greater),
            ("1.05", "1.1", Less),
            ("1.010", "1.05", Less),
            ("1.0_rc1", "1.0_rc1_p1", Less),
            ("1.0_rc1_alpha", "1.0_rc1", Less),
            ("18446744073709551616", "18446744073709551615", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Ok(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Ok(want.reverse()), "{b} vs {a}");
        }
    }

    #[test]
    fn invalid() {
        for v in [
            "", "a", "1.", "1..2", "1ab", "1_foo", "1-r", "1-r1-r2", "1~", "1~x", "1a.1",
        ] {
            assert!(validate(v).is_err(), "{v:?}");
        }
    }
}
