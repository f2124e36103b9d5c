//! PHP package versions (Packagist), ordered as Composer orders them: each
//! version normalised by composer/semver's `VersionParser::normalize`, then
//! compared with PHP's `version_compare` (as `Constraint::versionCompare`
//! does).
//!
//! Normalisation (composer/semver 3.4): trim; drop an `as` alias, an
//! `@stability` flag and `+build` metadata; then either a classical version
//! `[v]N[.N[.N[.N]]]` (major at most 5 digits, missing parts `.0`) or a
//! date `YYYY[.:-]MM…`, each with an optional modifier: `stable`, `beta`/`b`,
//! `RC`, `alpha`/`a`, `patch`/`pl`/`p` with optional numbers, and/or `dev`
//! (`1.0.0-beta.2` → `1.0.0.0-beta2`, `v2.1-dev` → `2.1.0.0-dev`); or a
//! numeric branch `1.x-dev` → `1.9999999.9999999.9999999-dev`.
//!
//! `version_compare` (php-src ext/standard/versioning.c): `-`, `_`, `+`
//! and any other non-alphanumeric become `.`, a `.` is inserted between
//! digits and letters, then parts compare left to right: numbers by value
//! (as C `long`s: saturating at 2^63 - 1, as PHP does), words by the first
//! special form they start with, `dev` < `alpha` = `a` < `beta` = `b` <
//! `RC` = `rc` < a number < `pl` = `p` (so `patch`), an unknown word below
//! all; when one side runs out, a remaining number makes it lower, a
//! remaining word is compared against a number.
//! So `1.0.0-dev` < `1.0.0-alpha1` < `1.0.0-beta` < `1.0.0-RC1` < `1.0.0` <
//! `1.0.0-patch1` < `1.0.0.1`, and `1.0` == `1.0.0.0` == `v1.0.0`.
//!
//! Differences: branch names (`dev-main`, `master`) have no order and are
//! invalid here (Composer only ever calls two equal); so is a version with
//! an inner line break (whose unanchored branch match Composer would read
//! from the last line).

use std::cmp::Ordering;

use crate::{digit_run, CmpResult, Side};

/// PHP `trim`'s default characters.
fn is_php_trim(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\u{b}')
}

/// PCRE's `\s`.
fn is_pcre_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ci(s: &[u8], word: &str) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// A matched modifier: the stability as written, its numbers, `dev`.
struct Modifier<'a> {
    stability: Option<&'a str>,
    numbers: &'a str,
    dev: bool,
}

/// `([.-]?dev)?$` from `pos`.
fn dev_tail(v: &str, pos: usize) -> Option<bool> {
    let rest = &v.as_bytes()[pos..];
    if rest.is_empty() {
        return Some(false);
    }
    let r = match rest[0] {
        b'.' | b'-' => &rest[1..],
        _ => rest,
    };
    (r.len() == 3 && r.eq_ignore_ascii_case(b"dev")).then_some(true)
}

/// `[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$`
/// (case-insensitive) at `pos`, with the regex's order of preference.
fn modifier(v: &str, pos: usize) -> Option<Modifier<'_>> {
    let b = v.as_bytes();
    let seps: &[usize] = if matches!(b.get(pos), Some(b'.' | b'_' | b'-')) {
        &[1, 0]
    } else {
        &[0]
    };
    for &sep in seps {
        let p1 = pos + sep;
        for word in [
            "stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p",
        ] {
            if !starts_with_ci(&b[p1..], word) {
                continue;
            }
            let p2 = p1 + word.len();
            let mut p3 = p2;
            loop {
                let mut q = p3;
                if matches!(b.get(q), Some(b'.' | b'-')) {
                    q += 1;
                }
                let n = digit_run(&b[q..]);
                if n == 0 {
                    break;
                }
                p3 = q + n;
            }
            if let Some(dev) = dev_tail(v, p3) {
                return Some(Modifier {
                    stability: Some(&v[p1..p2]),
                    numbers: &v[p2..p3],
                    dev,
                });
            }
        }
        if let Some(dev) = dev_tail(v, p1) {
            return Some(Modifier {
                stability: None,
                numbers: "",
                dev,
            });
        }
    }
    None
}

fn expand_stability(s: &str) -> String {
    let l = s.to_ascii_lowercase();
    match l.as_str() {
        "a" => "alpha".to_owned(),
        "b" => "beta".to_owned(),
        "p" | "pl" => "patch".to_owned(),
        "rc" => "RC".to_owned(),
        _ => l,
    }
}

/// Appends the modifier as `normalize` does.
fn with_modifier(mut version: String, m: &Modifier<'_>) -> String {
    if let Some(st) = m.stability {
        if st == "stable" {
            return version;
        }
        version.push('-');
        version.push_str(&expand_stability(st));
        version.push_str(m.numbers.trim_start_matches(['.', '-']));
    }
    if m.dev {
        version.push_str("-dev");
    }
    version
}

/// `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2}` matching all of `s`.
fn date_shape(s: &[u8]) -> bool {
    fn rest(s: &[u8], pos: usize, two: u8, three: u8) -> bool {
        if pos == s.len() {
            return two >= 1;
        }
        let p = if matches!(s[pos], b'.' | b':' | b'-') {
            pos + 1
        } else {
            pos
        };
        let n = digit_run(&s[p..]);
        if three == 0 && two < 6 && n >= 2 && rest(s, p + 2, two + 1, 0) {
            return true;
        }
        if two >= 1 && three < 2 {
            for k in 1..=n.min(3) {
                if rest(s, p + k, two, three + 1) {
                    return true;
                }
            }
        }
        false
    }
    s.len() >= 4 && s[..4].iter().all(u8::is_ascii_digit) && rest(s, 4, 0, 0)
}

/// composer/semver's `VersionParser::normalizeBranch` when the branch is
/// numeric (`1.x` → `1.9999999.9999999.9999999-dev`); `None` for the others,
/// which Composer names `dev-<branch>`.
pub fn normalize_branch(name: &str) -> Option<String> {
    let n = name.trim_matches(is_php_trim);
    let b = n.as_bytes();
    let mut pos = usize::from(matches!(b.first(), Some(b'v' | b'V')));
    let d = digit_run(&b[pos..]);
    if d == 0 {
        return None;
    }
    let mut out = n[pos..pos + d].to_owned();
    pos += d;
    for _ in 0..3 {
        if b.get(pos) == Some(&b'.') {
            let d = digit_run(&b[pos + 1..]);
            if d > 0 {
                out.push_str(&n[pos..pos + 1 + d]);
                pos += 1 + d;
                continue;
            }
            if matches!(b.get(pos + 1), Some(b'x' | b'X' | b'*')) {
                out.push_str(".x");
                pos += 2;
                continue;
            }
        }
        out.push_str(".x");
    }
    if pos != b.len() {
        return None;
    }
    Some(out.replace('x', "9999999") + "-dev")
}

/// composer/semver's `VersionParser::normalize`, for versions (branch
/// names are refused).
pub fn normalize(version: &str) -> Result<String, &'static str> {
    let mut v = version.trim_matches(is_php_trim);
    if v.is_empty() {
        return Err("empty version");
    }
    // Strip an alias: "1.0 as 2.0".
    let first = v
        .bytes()
        .take_while(|&c| c != b',' && !is_pcre_space(c))
        .count();
    if first > 0 {
        let rest = &v[first..];
        let after_spaces = rest.trim_start_matches(' ');
        if after_spaces.len() < rest.len() && after_spaces.starts_with("as") {
            let target = &after_spaces[2..];
            let t = target.trim_start_matches(' ');
            if t.len() < target.len()
                && !t.is_empty()
                && t.bytes().all(|c| c != b',' && !is_pcre_space(c))
            {
                v = &v[..first];
            }
        }
    }
    // Strip a stability flag.
    for flag in ["stable", "rc", "beta", "alpha", "dev"] {
        let n = flag.len() + 1;
        if v.len() >= n
            && v.as_bytes()[v.len() - n] == b'@'
            && v.as_bytes()[v.len() - flag.len()..].eq_ignore_ascii_case(flag.as_bytes())
        {
            v = &v[..v.len() - n];
            break;
        }
    }
    if matches!(v, "master" | "trunk" | "default") || starts_with_ci(v.as_bytes(), "dev-") {
        return Err("a branch name, not a version");
    }
    if v.contains('\n') {
        return Err("version contains a line break");
    }
    // Strip build metadata.
    let head = v
        .bytes()
        .take_while(|&c| c != b',' && c != b'+' && !is_pcre_space(c))
        .count();
    if head > 0
        && v.as_bytes().get(head) == Some(&b'+')
        && head + 1 < v.len()
        && !v[head + 1..].bytes().any(is_pcre_space)
    {
        v = &v[..head];
    }
    let b = v.as_bytes();
    let start = usize::from(matches!(b.first(), Some(b'v' | b'V')));
    // Classical versions.
    let major = digit_run(&b[start..]);
    if (1..=5).contains(&major) {
        let mut pos = start + major;
        let mut out = v[start..pos].to_owned();
        let mut parts = 1;
        while parts < 4 && b.get(pos) == Some(&b'.') {
            let d = digit_run(&b[pos + 1..]);
            if d == 0 {
                break;
            }
            out.push_str(&v[pos..pos + 1 + d]);
            pos += 1 + d;
            parts += 1;
        }
        if let Some(m) = modifier(v, pos) {
            for _ in parts..4 {
                out.push_str(".0");
            }
            return Ok(with_modifier(out, &m));
        }
    }
    // Date versions.
    let run = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b':' | b'-'))
        .count();
    if let Some(last) = b[start..start + run].iter().rposition(u8::is_ascii_digit) {
        let end = start + last + 1;
        if date_shape(&b[start..end]) {
            if let Some(m) = modifier(v, end) {
                let date: String = v[start..end]
                    .chars()
                    .map(|c| if c.is_ascii_digit() { c } else { '.' })
                    .collect();
                return Ok(with_modifier(date, &m));
            }
        }
    }
    // Numeric dev branches: "1.x-dev", "2.0.*-dev".
    if b.len() >= 3 && b[b.len() - 3..].eq_ignore_ascii_case(b"dev") {
        let mut name = &v[..v.len() - 3];
        if name.ends_with(['.', '-']) {
            name = &name[..name.len() - 1];
        }
        if let Some(n) = normalize_branch(name) {
            return Ok(n);
        }
    }
    Err("not a Composer version")
}

/// The special forms of `version_compare`, in order; a word takes the
/// first it starts with.
fn special_form(s: &[u8]) -> i32 {
    const FORMS: [(&[u8], i32); 10] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| s.starts_with(name))
        .map_or(-1, |&(_, order)| order)
}

fn cmp_special(a: &[u8], b: &[u8]) -> Ordering {
    special_form(a).cmp(&special_form(b))
}

/// php-src `php_canonicalize_version`.
fn canonicalize(v: &[u8]) -> Vec<u8> {
    let mut q = Vec::with_capacity(v.len() * 2);
    let Some((&first, rest)) = v.split_first() else {
        return q;
    };
    q.push(first);
    let mut lp = first;
    let isdig = |c: u8| c.is_ascii_digit();
    let isndig = |c: u8| !c.is_ascii_digit() && c != b'.';
    for &c in rest {
        let lq = q.last().copied().unwrap_or(0);
        if matches!(c, b'-' | b'_' | b'+') {
            if lq != b'.' {
                q.push(b'.');
            }
        } else if (isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c)) {
            if lq != b'.' {
                q.push(b'.');
            }
            q.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if lq != b'.' {
                q.push(b'.');
            }
        } else {
            q.push(c);
        }
        lp = c;
    }
    q
}

/// C `strtol` of a digit run: saturating at `LONG_MAX`.
fn strtol(d: &[u8]) -> i64 {
    let mut v: i64 = 0;
    for &c in d.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    v
}

/// php-src `php_version_compare`.
pub fn version_compare(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return (!a.is_empty()).cmp(&!b.is_empty());
    }
    let va = if a[0] == b'#' {
        a.to_vec()
    } else {
        canonicalize(a)
    };
    let vb = if b[0] == b'#' {
        b.to_vec()
    } else {
        canonicalize(b)
    };
    let find_dot =
        |v: &[u8], from: usize| v[from..].iter().position(|&c| c == b'.').map(|i| from + i);
    let (mut p1, mut p2) = (0, 0);
    let (mut n1, mut n2) = (Some(0), Some(0));
    let mut compare = Ordering::Equal;
    while p1 < va.len() && p2 < vb.len() && n1.is_some() && n2.is_some() {
        n1 = find_dot(&va, p1);
        n2 = find_dot(&vb, p2);
        let s1 = &va[p1..n1.unwrap_or(va.len())];
        let s2 = &vb[p2..n2.unwrap_or(vb.len())];
        let d1 = s1.first().is_some_and(u8::is_ascii_digit);
        let d2 = s2.first().is_some_and(u8::is_ascii_digit);
        compare = match (d1, d2) {
            (true, true) => strtol(s1).cmp(&strtol(s2)),
            (false, false) => cmp_special(s1, s2),
            (true, false) => cmp_special(b"#N#", s2),
            (false, true) => cmp_special(s1, b"#N#"),
        };
        if compare != Ordering::Equal {
            break;
        }
        if let Some(n) = n1 {
            p1 = n + 1;
        }
        if let Some(n) = n2 {
            p2 = n + 1;
        }
    }
    if compare == Ordering::Equal {
        if n1.is_some() {
            compare = if va.get(p1).is_some_and(u8::is_ascii_digit) {
                Ordering::Greater
            } else {
                version_compare(&va[p1.min(va.len())..], b"#N#")
            };
        } else if n2.is_some() {
            compare = if vb.get(p2).is_some_and(u8::is_ascii_digit) {
                Ordering::Less
            } else {
                version_compare(b"#N#", &vb[p2.min(vb.len())..])
            };
        }
    }
    compare
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let na = normalize(a).map_err(|r| (Side::A, r))?;
    let nb = normalize(b).map_err(|r| (Side::B, r))?;
    Ok(version_compare(na.as_bytes(), nb.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Less};

    #[test]
    fn normalized() {
        for (v, n) in [
            ("1.0", "1.0.0.0"),
            ("v1.0.0", "1.0.0.0"),
            ("1.0.0-beta.2", "1.0.0.0-beta2"),
            ("1.0.0-b2", "1.0.0.0-beta2"),
            ("1.0.0-rc1", "1.0.0.0-RC1"),
            ("1.0.0-pl3", "1.0.0.0-patch3"),
            ("1.0.0-stable", "1.0.0.0"),
            ("v2.1-dev", "2.1.0.0-dev"),
            ("1.x-dev", "1.9999999.9999999.9999999-dev"),
            ("2010-01-02", "2010.01.02"),
            ("20100102", "20100102"),
            ("1.0.0+build.1", "1.0.0.0"),
            ("1.0.0@beta", "1.0.0.0"),
            ("1.0 as 2.0", "1.0.0.0"),
        ] {
            assert_eq!(normalize(v).as_deref(), Ok(n), "{v}");
        }
    }

    #[test]
    fn stability_order() {
        let order = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-beta",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-patch1",
            "1.0.0.1",
        ];
        for (i, a) in order.iter().enumerate() {
            for b in &order[i + 1..] {
                assert_eq!(compare(a, b), Ok(Less), "{a} < {b}");
            }
        }
        assert_eq!(compare("1.0", "1.0.0.0"), Ok(Equal));
    }

    #[test]
    fn invalid() {
        for v in [
            "",
            "dev-master",
            "master",
            "1.0.0.0.0",
            "foo",
            "1.0.0-beta.x",
            "12345678901234567890123",
        ] {
            assert!(normalize(v).is_err(), "{v:?}");
        }
    }
}
