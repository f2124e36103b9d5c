//! The versions a CycloneDX `affects[].versions[]` entry names: one
//! `version`, or a `range` in the package-url version range syntax
//! (`vers:<scheme>/<constraint>|<constraint>…`).
//!
//! Equality needs no version order (the decoded strings are compared).
//! Ranges with `<`, `<=`, `>`, `>=` are ordered by the scheme's own
//! ecosystem order from `portcullis-versions` (`deb` dpkg, `rpm`, `apk`,
//! `pypi` PEP 440, `npm`, `semver`, `golang`, `maven`, `gem`, `composer`,
//! `nuget`, `cargo`); `generic` versions, and those of every other scheme,
//! only when they are dot-separated numbers (`2.4`, `4.1.0`; missing
//! components count as 0). A version the order cannot read is *undecided*:
//! the entry does not apply, so a statement is never applied on a guess.

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

    /// Whether the scheme has an ecosystem order here (else only plain
    /// numeric versions are ordered).
    pub(crate) fn scheme_is_ordered(&self) -> bool {
        portcullis_versions::Scheme::for_purl_type(&self.scheme).is_some()
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
    match portcullis_versions::Scheme::for_purl_type(scheme) {
        Some(order) => portcullis_versions::compare(order, a, b).ok(),
        None => numeric(a, b),
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
        assert_eq!(
            compare("semver", "1.0.0-alpha", "1.0.0-alpha.1"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare("semver", "1.0.0-beta.2", "1.0.0-beta.11"),
            Some(Ordering::Less)
        );
        // Ecosystem orders: dpkg's ~ sorts before everything, epochs count.
        assert_eq!(
            inside("vers:deb/>=7.88.1-10+deb12u4", "7.88.1-10+deb12u5"),
            Some(true)
        );
        assert_eq!(
            inside("vers:deb/>=7.88.1-10+deb12u4", "7.88.1-10~bpo1"),
            Some(false)
        );
        assert_eq!(inside("vers:deb/<1:1.0", "2.0"), Some(true));
        assert_eq!(inside("vers:pypi/>=4.2|<4.2.8", "4.2.0rc1"), Some(false));
        assert_eq!(inside("vers:pypi/>=4.2|<4.2.8", "4.2.7.post1"), Some(true));
        assert_eq!(inside("vers:maven/>=2.0|<=2.14.1", "2.14.1"), Some(true));
        assert_eq!(inside("vers:maven/>=2.0|<=2.14.1", "2.15.0"), Some(false));
    }

    #[test]
    fn undecided() {
        assert_eq!(inside("vers:generic/>=2.9|<=4.1", "3.0-beta"), None);
        assert_eq!(inside("vers:alpm/<1.2-3", "1.1-1"), None);
        assert_eq!(inside("vers:semver/>=1.0.0", "1.0"), None);
        assert_eq!(inside("vers:deb/<1.2-3", "not a version!"), None);
        // An exact match still decides.
        assert_eq!(inside("vers:alpm/1.1-1|<1.2-3", "1.1-1"), Some(true));
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
