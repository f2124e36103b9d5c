//! The versions a CycloneDX `affects[].versions[]` entry names: one
//! `version`, or a `range` in the package-url version range syntax
//! (`vers:<scheme>/<constraint>|<constraint>…`).
//!
//! Equality needs no version order (the decoded strings are compared).
//! Ranges with `<`, `<=`, `>`, `>=` need one, and this module has only
//! two, deliberately small: semantic versioning (schemes `semver`, `npm`,
//! `cargo`, `golang`, a leading `v` allowed) and, for every other scheme,
//! versions that are dot-separated numbers only (`2.4`, `4.1.0`; missing
//! components count as 0). A version either order cannot read is
//! *undecided*: the entry does not apply, so a statement is never applied
//! on a guess. Ecosystem orders (dpkg, rpm, PEP 440, Maven…) belong to
//! `portcullis-versions`; until ranges are wired to it, a `vers:deb/<1.2-3`
//! range decides only plain numeric versions.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum VersionSpec {
    /// `version`: the package's version equals it.
    Exact(String),
    /// `range`.
    Range(Vers),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Vers {
    scheme: String,
    /// `None`: `*`, every version.
    constraints: Option<Vec<(Comparator, String)>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parse `vers:<scheme>/<constraints>`; the message says what is wrong.
pub(crate) fn parse(s: &str) -> Result<Vers, String> {
    let rest = s
        .strip_prefix("vers:")
        .ok_or_else(|| format!("range {s:?} is not a vers range (no vers: scheme)"))?;
    let (scheme, constraints) = rest
        .split_once('/')
        .ok_or_else(|| format!("range {s:?} has no /constraints"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme.is_empty() {
        return Err(format!("range {s:?} has no versioning scheme"));
    }
    let constraints = constraints.trim();
    if constraints == "*" {
        return Ok(Vers {
            scheme,
            constraints: None,
        });
    }
    let mut out = Vec::new();
    for c in constraints.split('|') {
        let c = c.trim();
        let (cmp, version) = if let Some(v) = c.strip_prefix(">=") {
            (Comparator::Ge, v)
        } else if let Some(v) = c.strip_prefix("<=") {
            (Comparator::Le, v)
        } else if let Some(v) = c.strip_prefix("!=") {
            (Comparator::Ne, v)
        } else if let Some(v) = c.strip_prefix('>') {
            (Comparator::Gt, v)
        } else if let Some(v) = c.strip_prefix('<') {
            (Comparator::Lt, v)
        } else if let Some(v) = c.strip_prefix('=') {
            (Comparator::Eq, v)
        } else {
            (Comparator::Eq, c)
        };
        let version = decode(version.trim())
            .ok_or_else(|| format!("range {s:?}: bad percent-encoding in {c:?}"))?;
        if version.is_empty() || version == "*" {
            return Err(format!("range {s:?}: constraint {c:?} has no version"));
        }
        out.push((cmp, version));
    }
    Ok(Vers {
        scheme,
        constraints: Some(out),
    })
}

impl Vers {
    pub(crate) fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Whether the scheme has a full order here (else only plain numeric
    /// versions are ordered).
    pub(crate) fn scheme_is_ordered(&self) -> bool {
        matches!(self.scheme.as_str(), "semver" | "npm" | "cargo" | "golang")
    }

    /// Whether it has `<`, `<=`, `>`, `>=` constraints (needing an order).
    pub(crate) fn has_bounds(&self) -> bool {
        self.constraints.as_ref().is_some_and(|c| {
            c.iter()
                .any(|(c, _)| !matches!(c, Comparator::Eq | Comparator::Ne))
        })
    }

    /// `Some(true)` inside, `Some(false)` outside, `None` undecided (a
    /// comparison neither order can make).
    pub(crate) fn contains(&self, version: &str) -> Option<bool> {
        let Some(constraints) = &self.constraints else {
            return Some(true);
        };
        if constraints
            .iter()
            .any(|(c, v)| *c == Comparator::Eq && v == version)
        {
            return Some(true);
        }
        if constraints
            .iter()
            .any(|(c, v)| *c == Comparator::Ne && v == version)
        {
            return Some(false);
        }
        let mut bounds: Vec<(Comparator, &str)> = constraints
            .iter()
            .filter(|(c, _)| !matches!(c, Comparator::Eq | Comparator::Ne))
            .map(|(c, v)| (*c, v.as_str()))
            .collect();
        if bounds.is_empty() {
            return Some(false);
        }
        // Signposts in version order (a document may not have sorted them).
        let mut failed = false;
        bounds.sort_by(|a, b| {
            compare(&self.scheme, a.1, b.1).unwrap_or_else(|| {
                failed = true;
                Ordering::Equal
            })
        });
        if failed {
            return None;
        }
        let satisfies = |c: Comparator, bound: &str| -> Option<bool> {
            let o = compare(&self.scheme, version, bound)?;
            Some(match c {
                Comparator::Lt => o == Ordering::Less,
                Comparator::Le => o != Ordering::Greater,
                Comparator::Gt => o == Ordering::Greater,
                Comparator::Ge => o != Ordering::Less,
                Comparator::Eq | Comparator::Ne => false,
            })
        };
        let is_lower = |c: Comparator| matches!(c, Comparator::Gt | Comparator::Ge);
        let mut i = 0;
        while i < bounds.len() {
            let (c, v) = bounds[i];
            if is_lower(c) {
                // [lower, next upper) or [lower, ∞).
                match bounds.get(i + 1) {
                    Some(&(uc, uv)) if !is_lower(uc) => {
                        if satisfies(c, v)? && satisfies(uc, uv)? {
                            return Some(true);
                        }
                        i += 2;
                    }
                    _ => {
                        if satisfies(c, v)? {
                            return Some(true);
                        }
                        i += 1;
                    }
                }
            } else {
                // An upper bound with no lower one before it: (-∞, upper).
                if satisfies(c, v)? {
                    return Some(true);
                }
                i += 1;
            }
        }
        Some(false)
    }
}

impl VersionSpec {
    /// Whether `version` is one this entry names (`None`: undecided).
    pub(crate) fn contains(&self, version: &str) -> Option<bool> {
        match self {
            VersionSpec::Exact(v) => Some(v == version),
            VersionSpec::Range(r) => r.contains(version),
        }
    }
}

fn decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |x: Option<&u8>| x.and_then(|&c| char::from(c).to_digit(16));
            let byte = hex(b.get(i + 1))? * 16 + hex(b.get(i + 2))?;
            out.push(u8::try_from(byte).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The order of `scheme` on `a`, `b`, when this module has one for them.
fn compare(scheme: &str, a: &str, b: &str) -> Option<Ordering> {
    if a == b {
        return Some(Ordering::Equal);
    }
    match scheme {
        "semver" | "npm" | "cargo" | "golang" => semver(a, b),
        _ => numeric(a, b),
    }
}

/// Dot-separated numbers only; `2.4` == `2.4.0`.
fn numeric(a: &str, b: &str) -> Option<Ordering> {
    fn parts(s: &str) -> Option<Vec<u64>> {
        s.split('.')
            .map(|p| {
                (!p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
                    .then(|| p.parse::<u64>().ok())
                    .flatten()
            })
            .collect()
    }
    let (a, b) = (parts(a)?, parts(b)?);
    let n = a.len().max(b.len());
    for i in 0..n {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return Some(x.cmp(&y));
        }
    }
    Some(Ordering::Equal)
}

/// Semantic Versioning 2.0.0 precedence (§11): build metadata ignored,
/// a pre-release below its release, pre-release identifiers compared
/// numerically when numeric, numeric below alphanumeric, then by count.
fn semver(a: &str, b: &str) -> Option<Ordering> {
    struct V<'a> {
        core: [u64; 3],
        pre: Option<&'a str>,
    }
    fn read(s: &str) -> Option<V<'_>> {
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split_once('+').map_or(s, |(v, _)| v);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let mut it = core.split('.');
        let mut n = [0u64; 3];
        for slot in &mut n {
            let p = it.next()?;
            if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            *slot = p.parse().ok()?;
        }
        if it.next().is_some() || pre.is_some_and(str::is_empty) {
            return None;
        }
        Some(V { core: n, pre })
    }
    let (x, y) = (read(a)?, read(b)?);
    Some(x.core.cmp(&y.core).then_with(|| match (x.pre, y.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(p), Some(q)) => {
            let mut pi = p.split('.');
            let mut qi = q.split('.');
            loop {
                match (pi.next(), qi.next()) {
                    (None, None) => break Ordering::Equal,
                    (None, Some(_)) => break Ordering::Less,
                    (Some(_), None) => break Ordering::Greater,
                    (Some(l), Some(r)) => {
                        let ln = l
                            .parse::<u64>()
                            .ok()
                            .filter(|_| l.bytes().all(|c| c.is_ascii_digit()));
                        let rn = r
                            .parse::<u64>()
                            .ok()
                            .filter(|_| r.bytes().all(|c| c.is_ascii_digit()));
                        let o = match (ln, rn) {
                            (Some(l), Some(r)) => l.cmp(&r),
                            (Some(_), None) => Ordering::Less,
                            (None, Some(_)) => Ordering::Greater,
                            (None, None) => l.cmp(r),
                        };
                        if o != Ordering::Equal {
                            break o;
                        }
                    }
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(range: &str, v: &str) -> Option<bool> {
        parse(range).expect(range).contains(v)
    }

    #[test]
    fn cisa_case_7_ranges() {
        // bom-examples VEX/CISA-Use-Cases/Case-7/vex.json.
        let r = "vers:generic/>=2.9|<=4.1";
        assert_eq!(inside(r, "2.9"), Some(true));
        assert_eq!(inside(r, "3.0"), Some(true));
        assert_eq!(inside(r, "4.1"), Some(true));
        assert_eq!(inside(r, "4.1.0"), Some(true));
        assert_eq!(inside(r, "4.2"), Some(false));
        assert_eq!(inside(r, "2.8"), Some(false));
        assert_eq!(inside("vers:generic/>=1.0|<=2.3", "2.3"), Some(true));
        assert_eq!(inside("vers:generic/>=1.0|<=2.3", "2.4"), Some(false));
    }

    #[test]
    fn spec_examples() {
        let npm = "vers:npm/1.2.3|>=2.0.0|<5.0.0";
        assert_eq!(inside(npm, "1.2.3"), Some(true));
        assert_eq!(inside(npm, "1.2.4"), Some(false));
        assert_eq!(inside(npm, "2.0.0"), Some(true));
        assert_eq!(inside(npm, "4.99.0"), Some(true));
        assert_eq!(inside(npm, "5.0.0"), Some(false));
        assert_eq!(inside(npm, "5.0.0-rc.1"), Some(true));
        assert_eq!(inside(npm, "2.0.0-rc.1"), Some(false));
        let gem = "vers:gem/>=2.2.0|!=2.2.1|<2.3.0";
        assert_eq!(inside(gem, "2.2.1"), Some(false));
        assert_eq!(inside(gem, "2.2.5"), Some(true));
        assert_eq!(inside(gem, "2.3.0"), Some(false));
        // Unsorted signposts are sorted first.
        assert_eq!(inside("vers:generic/<=4.1|>=2.9", "3"), Some(true));
        // An upper bound alone, a lower bound alone, the star.
        assert_eq!(inside("vers:generic/<2", "1.9"), Some(true));
        assert_eq!(inside("vers:generic/>2", "1.9"), Some(false));
        assert_eq!(inside("vers:deb/*", "anything~1"), Some(true));
        // Exact lists need no order.
        assert_eq!(inside("vers:pypi/0.0.1|1.0|2.0pre1", "2.0pre1"), Some(true));
        assert_eq!(inside("vers:pypi/0.0.1|1.0|2.0pre1", "2.0"), Some(false));
        // Percent-encoded versions are decoded.
        assert_eq!(inside("vers:deb/1.2%2Bb1", "1.2+b1"), Some(true));
        // Semver: v prefix, build metadata ignored.
        assert_eq!(
            inside("vers:golang/>=v1.2.0|<v1.3.0", "v1.2.9+incompatible"),
            Some(true)
        );
        assert_eq!(semver("1.0.0-alpha", "1.0.0-alpha.1"), Some(Ordering::Less));
        assert_eq!(
            semver("1.0.0-alpha.beta", "1.0.0-beta"),
            Some(Ordering::Less)
        );
        assert_eq!(semver("1.0.0-beta.11", "1.0.0-rc.1"), Some(Ordering::Less));
        assert_eq!(
            semver("1.0.0-beta.2", "1.0.0-beta.11"),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn undecided() {
        assert_eq!(inside("vers:deb/<1.2-3", "1.1-1"), None);
        assert_eq!(inside("vers:generic/>=2.9|<=4.1", "3.0-beta"), None);
        assert_eq!(inside("vers:npm/>=1.0.0", "1.0"), None);
        // An exact match still decides.
        assert_eq!(inside("vers:deb/1.1-1|<1.2-3", "1.1-1"), Some(true));
    }

    #[test]
    fn bad_ranges() {
        assert_eq!(
            parse("generic/>=1"),
            Err("range \"generic/>=1\" is not a vers range (no vers: scheme)".into())
        );
        assert_eq!(
            parse("vers:generic"),
            Err("range \"vers:generic\" has no /constraints".into())
        );
        assert_eq!(
            parse("vers:generic/>=1||<2"),
            Err("range \"vers:generic/>=1||<2\": constraint \"\" has no version".into())
        );
        assert_eq!(
            parse("vers:generic/1%zz"),
            Err("range \"vers:generic/1%zz\": bad percent-encoding in \"1%zz\"".into())
        );
    }
}
