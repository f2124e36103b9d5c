//! Python package versions: PEP 440, as `packaging.version.Version`
//! (packaging 26.x) parses and orders them.
//!
//! Accepted (case-insensitively, as packaging's `VERSION_PATTERN` with its
//! possessive quantifiers): surrounding whitespace, an optional `v`,
//! `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` with every alternate
//! spelling PEP 440's normalisation allows — `alpha`/`beta`/`c`/`pre`/
//! `preview` for `a`/`b`/`rc`/`rc`/`rc`, `rev`/`r` for `post`, the implicit
//! post release `-N`, `.`, `-` or `_` (or nothing) around each part, and
//! implicit numbers (`1.0a` is `1.0a0`). Local labels are alphanumerics
//! separated by `.`, `-` or `_`.
//!
//! Order (packaging's `_cmpkey`): epoch; release with trailing zeros
//! ignored (`1.0` == `1.0.0`); then a dev release of a final version
//! (`1.0.dev1`) before its pre-releases, pre-releases `a` < `b` < `rc` before
//! the final release; then no post release before post releases; a dev
//! release before the same version without one; finally no local label
//! before any local label, local labels segment by segment with numeric
//! segments above alphanumeric ones, numbers by value, strings
//! case-insensitively, a shorter label first when it is a prefix.
//!
//! All numbers compare exactly at any length. The one difference: Python's
//! `int()` refuses digit runs longer than `sys.get_int_max_str_digits()`
//! (4300 by default), where packaging raises `ValueError`; here they are
//! compared. (The empty and the all-whitespace string are invalid in both.)

use std::cmp::Ordering;

use crate::{cmp_digits, digit_run, parse_both, CmpResult};

/// The pre-release kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pre {
    /// `a`, `alpha`.
    Alpha,
    /// `b`, `beta`.
    Beta,
    /// `rc`, `c`, `pre`, `preview`.
    Rc,
}

/// A parsed version, borrowing the input. Numbers are digit strings
/// (`""` is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// Epoch digits, `""` when absent.
    pub epoch: &'a [u8],
    /// The release segments, `.`-separated digits.
    pub release: &'a [u8],
    /// The pre-release and its number.
    pub pre: Option<(Pre, &'a [u8])>,
    /// The post-release number.
    pub post: Option<&'a [u8]>,
    /// The dev-release number.
    pub dev: Option<&'a [u8]>,
    /// The local label, as written (`.`, `-`, `_` separators, any case).
    pub local: Option<&'a [u8]>,
}

/// What Python's `str.isspace` accepts (`\s` of a `str` pattern).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn is_sep(c: u8) -> bool {
    matches!(c, b'.' | b'_' | b'-')
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat_sep(&mut self) {
        if self.peek().is_some_and(is_sep) {
            self.pos += 1;
        }
    }

    /// Consumes one of `words` (lowercase), case-insensitively, the first
    /// that matches in the order given.
    fn eat_word(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = &self.s[self.pos..];
        for w in words {
            if rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes()) {
                self.pos += w.len();
                return Some(w);
            }
        }
        None
    }

    fn digits(&mut self) -> &'a [u8] {
        let n = digit_run(&self.s[self.pos..]);
        let d = &self.s[self.pos..self.pos + n];
        self.pos += n;
        d
    }
}

/// Parses `s` as `packaging.version.Version(s)` does.
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let t = s.trim_matches(is_py_space);
    if t.is_empty() {
        return Err("empty version");
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    if matches!(c.peek(), Some(b'v' | b'V')) {
        c.pos += 1;
    }
    // Epoch: digits followed by '!'.
    let mut epoch: &[u8] = b"";
    let start = c.pos;
    let d = c.digits();
    if !d.is_empty() && c.peek() == Some(b'!') {
        epoch = d;
        c.pos += 1;
    } else {
        c.pos = start;
    }
    // Release.
    let rel_start = c.pos;
    if c.digits().is_empty() {
        return Err("no release number");
    }
    while c.peek() == Some(b'.') && c.s.get(c.pos + 1).is_some_and(u8::is_ascii_digit) {
        c.pos += 1;
        c.digits();
    }
    let release = &c.s[rel_start..c.pos];
    // Pre-release.
    let mut pre = None;
    let save = c.pos;
    c.eat_sep();
    match c.eat_word(&["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"]) {
        Some(w) => {
            let kind = match w {
                "alpha" | "a" => Pre::Alpha,
                "beta" | "b" => Pre::Beta,
                _ => Pre::Rc,
            };
            c.eat_sep();
            pre = Some((kind, c.digits()));
        }
        None => c.pos = save,
    }
    // Post-release: "-N", or [sep](post|rev|r)[sep][N].
    let mut post = None;
    let save = c.pos;
    if c.peek() == Some(b'-') && c.s.get(c.pos + 1).is_some_and(u8::is_ascii_digit) {
        c.pos += 1;
        post = Some(c.digits());
    } else {
        c.eat_sep();
        if c.eat_word(&["post", "rev", "r"]).is_some() {
            c.eat_sep();
            post = Some(c.digits());
        } else {
            c.pos = save;
        }
    }
    // Dev release.
    let mut dev = None;
    let save = c.pos;
    c.eat_sep();
    if c.eat_word(&["dev"]).is_some() {
        c.eat_sep();
        dev = Some(c.digits());
    } else {
        c.pos = save;
    }
    // Local label.
    let mut local = None;
    if c.peek() == Some(b'+') {
        let lstart = c.pos + 1;
        let alnum_run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let n = alnum_run(&c.s[lstart..]);
        if n == 0 {
            return Err("empty local version label");
        }
        let mut end = lstart + n;
        while c.s.get(end).is_some_and(|&b| is_sep(b)) {
            let n = alnum_run(&c.s[end + 1..]);
            if n == 0 {
                break;
            }
            end += 1 + n;
        }
        local = Some(&c.s[lstart..end]);
        c.pos = end;
    }
    if c.pos != c.s.len() {
        return Err("not a PEP 440 version");
    }
    Ok(Version {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

/// Release segments compared as if the shorter were padded with zeros
/// (the same as packaging's stripping of trailing zeros).
fn cmp_release(a: &[u8], b: &[u8]) -> Ordering {
    let mut ia = a.split(|&c| c == b'.');
    let mut ib = b.split(|&c| c == b'.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => {
                let o = cmp_digits(x.unwrap_or_default(), y.unwrap_or_default());
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// One local segment: numbers above strings, strings case-insensitively.
fn cmp_local_segment(a: &[u8], b: &[u8]) -> Ordering {
    let na = a.iter().all(u8::is_ascii_digit);
    let nb = b.iter().all(u8::is_ascii_digit);
    match (na, nb) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(b.iter().map(u8::to_ascii_lowercase)),
    }
}

fn cmp_local(a: &[u8], b: &[u8]) -> Ordering {
    let mut ia = a.split(|&c| is_sep(c));
    let mut ib = b.split(|&c| is_sep(c));
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = cmp_local_segment(x, y);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

impl Version<'_> {
    /// packaging's suffix key: (pre rank, pre number, post rank, post
    /// number, dev rank, dev number).
    fn suffix(&self) -> [(i8, &[u8]); 3] {
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (-1, &b""[..]),
            (None, _, _) => (3, &b""[..]),
            (Some((k, n)), _, _) => (k as i8, n),
        };
        let post = match self.post {
            None => (0, &b""[..]),
            Some(n) => (1, n),
        };
        let dev = match self.dev {
            None => (1, &b""[..]),
            Some(n) => (0, n),
        };
        [pre, post, dev]
    }

    /// packaging's order.
    pub fn cmp_pep440(&self, other: &Version<'_>) -> Ordering {
        let o = cmp_digits(self.epoch, other.epoch)
            .then_with(|| cmp_release(self.release, other.release));
        if o != Ordering::Equal {
            return o;
        }
        for ((ra, na), (rb, nb)) in self.suffix().into_iter().zip(other.suffix()) {
            let o = ra.cmp(&rb).then_with(|| cmp_digits(na, nb));
            if o != Ordering::Equal {
                return o;
            }
        }
        match (self.local, other.local) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => cmp_local(x, y),
        }
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.cmp_pep440(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Less};

    #[test]
    fn spellings() {
        let same = [
            ("1.0", "1.0.0"),
            ("1.0", "v1.0"),
            ("1.0a", "1.0a0"),
            ("1.0alpha1", "1.0a1"),
            ("1.0-ALPHA_1", "1.0a1"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("1.0r", "1.0.post0"),
            ("1.0rev2", "1.0.post2"),
            ("1.0.dev", "1.0.dev0"),
            ("1.0-dev-", "1.0.dev0"),
            ("  1.0\n", "1.0"),
            ("1!1.0", "1!1"),
            ("0!1.0", "1.0"),
            ("1.0+Ubuntu.1", "1.0+ubuntu-1"),
            ("1.0+01", "1.0+1"),
        ];
        for (a, b) in same {
            assert_eq!(compare(a, b), Ok(Equal), "{a} == {b}");
        }
    }

    // PEP 440, "Summary of permitted suffixes and relative ordering".
    #[test]
    fn pep_ordering_example() {
        let order = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for (i, a) in order.iter().enumerate() {
            for b in &order[i + 1..] {
                assert_eq!(compare(a, b), Ok(Less), "{a} < {b}");
            }
        }
    }

    #[test]
    fn invalid() {
        for v in [
            "",
            " ",
            "1.",
            "1..0",
            ".1",
            "1.0+",
            "1.0+a.",
            "1.0-",
            "a",
            "1.0.post.dev.x",
            "1!",
            "1.0+a+b",
            "１.0",
        ] {
            assert!(parse(v).is_err(), "{v:?}");
        }
    }
}
