//! CVSS v2, v3.0/v3.1 and v4.0 base scores from vector strings.
//!
//! OSV records carry `severity: [{"type": "CVSS_V3", "score": "<vector>"}]`;
//! portcullis does not trust a score printed next to a vector but computes it
//! from the vector itself:
//!
//! ```
//! use portcullis_advisories::cvss::{self, Rating, Version};
//! let (version, score) =
//!     cvss::base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("valid");
//! assert_eq!((version, score), (Version::V3_1, 9.8));
//! assert_eq!(Rating::of(score), Rating::Critical);
//! ```
//!
//! What is scored, per version:
//! - **v2** (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, no prefix as in OSV's `CVSS_V2`
//!   and NVD; a `CVSS:2.0/` prefix, which is not standard, is accepted too):
//!   the base equation of the CVSS v2 guide, section 3.2.1, computed in exact
//!   decimal fixed point and rounded half up to one decimal.
//! - **v3.0 / v3.1** (`CVSS:3.0/…`, `CVSS:3.1/…`): the base equations of the
//!   specification documents (section 7.1 of v3.1, 8.1 of v3.0) with each
//!   version's own Roundup (v3.1: appendix A's floating-point-safe one).
//!   Temporal and environmental metrics in the vector are validated and do
//!   not enter the base score.
//! - **v4.0** (`CVSS:4.0/…`): the macro-vector method of the v4.0
//!   specification (section 8) as the FIRST reference calculator implements
//!   it. [`Vector::base_score`] scores the vector *as given*, like the FIRST
//!   calculator: with only base metrics that is CVSS-B, with threat (`E`) or
//!   environmental metrics (`CR`, `IR`, `AR`, `M*`) it is CVSS-BT / BE / BTE
//!   ([`Vector::nomenclature`] says which). [`Vector::cvss_b_score`] gives
//!   CVSS-B, the base metrics alone, whatever else the vector carries.
//!   Supplemental metrics never change a score.
//!
//! Parsing is strict in metric names, values (case-sensitive) and duplicates,
//! and requires every base metric; it is liberal in the order of the metrics
//! (v3's specification only recommends an order; v4.0 requires one, but
//! vectors in the wild are not always in it and the order does not change
//! the meaning). Nothing here panics on any input.

mod v2;
mod v3;
mod v4;
mod v4_table;

use std::fmt;
use std::str::FromStr;

/// The CVSS version of a vector, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// CVSS v2 (no prefix).
    V2,
    /// `CVSS:3.0/`
    V3_0,
    /// `CVSS:3.1/`
    V3_1,
    /// `CVSS:4.0/`
    V4_0,
}

impl Version {
    /// The version number as written in a vector prefix: `2.0`, `3.0`,
    /// `3.1`, `4.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The qualitative severity rating scale (CVSS v3.1 specification section 5,
/// the same in v4.0 section 6): None 0.0, Low 0.1–3.9, Medium 4.0–6.9,
/// High 7.0–8.9, Critical 9.0–10.0. portcullis applies it to v2 scores too
/// (NVD's own v2 scale had no Critical: 7.0–10.0 was High).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rating {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Rating {
    /// The rating of a score. Scores are meant to have one decimal; any other
    /// number falls into the band whose lower bound it reaches (3.95 is Low),
    /// and anything not above 0 (or NaN) is None.
    pub fn of(score: f64) -> Rating {
        if score >= 9.0 {
            Rating::Critical
        } else if score >= 7.0 {
            Rating::High
        } else if score >= 4.0 {
            Rating::Medium
        } else if score > 0.0 {
            Rating::Low
        } else {
            Rating::None
        }
    }

    /// Lower-case name: `none`, `low`, `medium`, `high`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CVSS v4.0 nomenclature (specification, "CVSS Nomenclature"): which metric groups
/// a score takes into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nomenclature {
    /// Base metrics only.
    CvssB,
    /// Base and threat metrics.
    CvssBT,
    /// Base and environmental metrics.
    CvssBE,
    /// Base, threat and environmental metrics.
    CvssBTE,
}

impl Nomenclature {
    /// `CVSS-B`, `CVSS-BT`, `CVSS-BE`, `CVSS-BTE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::CvssB => "CVSS-B",
            Nomenclature::CvssBT => "CVSS-BT",
            Nomenclature::CvssBE => "CVSS-BE",
            Nomenclature::CvssBTE => "CVSS-BTE",
        }
    }
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed, validated CVSS vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    inner: Inner,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inner {
    V2(v2::Metrics),
    V3(Version, v3::Metrics),
    V4(v4::Metrics),
}

impl Vector {
    /// Parses a vector string; the version comes from its prefix
    /// (`CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`; none for v2).
    pub fn parse(s: &str) -> Result<Vector, CvssError> {
        let (version, body) = split_prefix(s)?;
        let inner = match version {
            Version::V2 => Inner::V2(v2::Metrics::parse(s, body)?),
            Version::V3_0 | Version::V3_1 => {
                Inner::V3(version, v3::Metrics::parse(s, version, body)?)
            }
            Version::V4_0 => Inner::V4(v4::Metrics::parse(s, body)?),
        };
        Ok(Vector { inner })
    }

    /// Parses the `score` of an OSV `severity` entry whose `type` is
    /// `severity_type` (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`) and checks that the
    /// vector is of that version.
    pub fn parse_osv(severity_type: &str, score: &str) -> Result<Vector, CvssError> {
        let expected: &[Version] = match severity_type {
            "CVSS_V2" => &[Version::V2],
            "CVSS_V3" => &[Version::V3_0, Version::V3_1],
            "CVSS_V4" => &[Version::V4_0],
            _ => {
                return Err(CvssError::new(
                    score,
                    ErrorKind::UnknownSeverityType(severity_type.to_string()),
                ))
            }
        };
        let vector = Vector::parse(score)?;
        if expected.contains(&vector.version()) {
            Ok(vector)
        } else {
            Err(CvssError::new(
                score,
                ErrorKind::VersionMismatch {
                    severity_type: severity_type.to_string(),
                    version: vector.version(),
                },
            ))
        }
    }

    pub fn version(&self) -> Version {
        match &self.inner {
            Inner::V2(_) => Version::V2,
            Inner::V3(version, _) => *version,
            Inner::V4(_) => Version::V4_0,
        }
    }

    /// The score, one decimal, as the version's specification rounds it.
    /// v2 and v3: the base score (temporal and environmental metrics do not
    /// enter it). v4.0: the score of the vector as given, as the FIRST
    /// calculator computes it — CVSS-B for a base-only vector, CVSS-BT/BE/BTE
    /// when threat or environmental metrics are present (see
    /// [`Vector::nomenclature`], and [`Vector::cvss_b_score`] for the base
    /// metrics alone).
    pub fn base_score(&self) -> f64 {
        match &self.inner {
            Inner::V2(m) => m.base_score(),
            Inner::V3(version, m) => m.base_score(*version),
            Inner::V4(m) => m.score(true),
        }
    }

    /// The score from the base metrics alone: v4.0's CVSS-B, ignoring any
    /// threat and environmental metrics in the vector. For v2 and v3 this is
    /// [`Vector::base_score`].
    pub fn cvss_b_score(&self) -> f64 {
        match &self.inner {
            Inner::V4(m) => m.score(false),
            _ => self.base_score(),
        }
    }

    /// v4.0 only: which metric groups [`Vector::base_score`] takes into
    /// account. A metric given as `X` (Not Defined) does not count.
    pub fn nomenclature(&self) -> Option<Nomenclature> {
        match &self.inner {
            Inner::V4(m) => Some(m.nomenclature()),
            _ => None,
        }
    }

    /// [`Rating::of`] the [`Vector::base_score`].
    pub fn rating(&self) -> Rating {
        Rating::of(self.base_score())
    }

    /// The value of a metric as the vector gives it (`metric("AV")` →
    /// `Some("N")`), `None` when the vector does not have it.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        match &self.inner {
            Inner::V2(m) => m.0.get(name),
            Inner::V3(_, m) => m.0.get(name),
            Inner::V4(m) => m.0.get(name),
        }
    }
}

impl FromStr for Vector {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Vector, CvssError> {
        Vector::parse(s)
    }
}

/// The vector with its prefix and the metrics it has, in the order of the
/// specification (whatever order it was parsed from).
impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::V2(m) => m.0.write(f),
            Inner::V3(version, m) => {
                write!(f, "CVSS:{version}/")?;
                m.0.write(f)
            }
            Inner::V4(m) => {
                f.write_str("CVSS:4.0/")?;
                m.0.write(f)
            }
        }
    }
}

/// Parses `vector` and computes its score ([`Vector::base_score`]).
pub fn base_score(vector: &str) -> Result<(Version, f64), CvssError> {
    let v = Vector::parse(vector)?;
    Ok((v.version(), v.base_score()))
}

/// What is wrong with a vector string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The string is empty.
    Empty,
    /// A `CVSS:x.y` prefix of a version this code does not know.
    UnknownPrefix(String),
    /// A field that is not `METRIC:VALUE` (no colon, two colons, empty).
    MalformedField(String),
    /// A metric name the version does not define.
    UnknownMetric(String),
    /// A value the metric does not have.
    BadValue { metric: &'static str, value: String },
    /// The same metric twice.
    DuplicateMetric(&'static str),
    /// Mandatory (base) metrics that are not there.
    MissingMetrics(Vec<&'static str>),
    /// [`Vector::parse_osv`]: a severity type other than CVSS_V2/V3/V4.
    UnknownSeverityType(String),
    /// [`Vector::parse_osv`]: the vector is not of the type's version.
    VersionMismatch {
        severity_type: String,
        version: Version,
    },
}

/// An invalid vector string: the string and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvssError {
    vector: String,
    version: Option<Version>,
    kind: ErrorKind,
}

impl CvssError {
    fn new(vector: &str, kind: ErrorKind) -> CvssError {
        CvssError {
            vector: vector.to_string(),
            version: None,
            kind,
        }
    }

    fn in_version(vector: &str, version: Version, kind: ErrorKind) -> CvssError {
        CvssError {
            vector: vector.to_string(),
            version: Some(version),
            kind,
        }
    }

    /// The vector string as given.
    pub fn vector(&self) -> &str {
        &self.vector
    }

    /// The version the vector was read as, when the error is in its metrics.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

/// At most `max` characters of `s`, with `…` when cut: messages about
/// arbitrary input stay readable.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

impl fmt::Display for CvssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid CVSS vector {:?}: ", clip(&self.vector, 200))?;
        let v = match self.version {
            Some(Version::V2) => " in a CVSS v2 vector",
            Some(Version::V3_0) => " in a CVSS v3.0 vector",
            Some(Version::V3_1) => " in a CVSS v3.1 vector",
            Some(Version::V4_0) => " in a CVSS v4.0 vector",
            None => "",
        };
        match &self.kind {
            ErrorKind::Empty => f.write_str("empty"),
            ErrorKind::UnknownPrefix(p) => write!(
                f,
                "unknown version prefix {:?} (known: CVSS:3.0/, CVSS:3.1/, CVSS:4.0/, none for v2)",
                clip(p, 40)
            ),
            ErrorKind::MalformedField(field) => {
                write!(f, "field {:?} is not METRIC:VALUE{v}", clip(field, 40))
            }
            ErrorKind::UnknownMetric(m) => {
                write!(f, "unknown metric {:?}{v}", clip(m, 40))?;
                if self.version == Some(Version::V2) {
                    f.write_str(" (a vector without a CVSS:x.y/ prefix is read as v2)")?;
                }
                Ok(())
            }
            ErrorKind::BadValue { metric, value } => {
                write!(f, "{metric} has no value {:?}{v}", clip(value, 40))
            }
            ErrorKind::DuplicateMetric(m) => write!(f, "{m} given more than once{v}"),
            ErrorKind::MissingMetrics(ms) => {
                write!(f, "missing mandatory metric(s) {}{v}", ms.join(", "))
            }
            ErrorKind::UnknownSeverityType(t) => {
                write!(f, "unknown OSV severity type {:?}", clip(t, 40))
            }
            ErrorKind::VersionMismatch {
                severity_type,
                version,
            } => write!(
                f,
                "OSV severity type {:?} but a CVSS v{version} vector",
                clip(severity_type, 40)
            ),
        }
    }
}

impl std::error::Error for CvssError {}

/// The version and the metrics part of a vector string.
fn split_prefix(s: &str) -> Result<(Version, &str), CvssError> {
    if s.is_empty() {
        return Err(CvssError::new(s, ErrorKind::Empty));
    }
    let Some(rest) = s.strip_prefix("CVSS:") else {
        return Ok((Version::V2, s));
    };
    let (label, body) = rest.split_once('/').unwrap_or((rest, ""));
    let version = match label {
        "2.0" => Version::V2,
        "3.0" => Version::V3_0,
        "3.1" => Version::V3_1,
        "4.0" => Version::V4_0,
        _ => {
            let prefix = format!("CVSS:{label}");
            return Err(CvssError::new(s, ErrorKind::UnknownPrefix(prefix)));
        }
    };
    Ok((version, body))
}

/// One metric of a version: its abbreviation, its values as written in
/// vectors, and whether the vector must have it.
#[derive(PartialEq, Eq)]
struct MetricDef {
    name: &'static str,
    values: &'static [&'static str],
    mandatory: bool,
}

/// The metrics of a vector as indexes: `idx[i]` is the position of metric
/// `defs[i]`'s value in `defs[i].values`, `None` when absent.
#[derive(Clone, PartialEq, Eq)]
struct Fields<const N: usize> {
    defs: &'static [MetricDef; N],
    idx: [Option<u8>; N],
}

impl<const N: usize> fmt::Debug for Fields<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        self.write(f)?;
        f.write_str("\"")
    }
}

impl<const N: usize> Fields<N> {
    /// Splits `body` (the vector without its prefix) into `METRIC:VALUE`
    /// fields and checks each against `defs`.
    fn parse(
        vector: &str,
        version: Version,
        body: &str,
        defs: &'static [MetricDef; N],
    ) -> Result<Fields<N>, CvssError> {
        let err = |kind| CvssError::in_version(vector, version, kind);
        let mut idx = [None; N];
        if !body.is_empty() {
            for field in body.split('/') {
                let (name, value) = match field.split_once(':') {
                    Some((n, v)) if !n.is_empty() && !v.is_empty() && !v.contains(':') => (n, v),
                    _ => return Err(err(ErrorKind::MalformedField(field.to_string()))),
                };
                let Some(m) = defs.iter().position(|d| d.name == name) else {
                    return Err(err(ErrorKind::UnknownMetric(name.to_string())));
                };
                let def = &defs[m];
                let Some(i) = def.values.iter().position(|&v| v == value) else {
                    return Err(err(ErrorKind::BadValue {
                        metric: def.name,
                        value: value.to_string(),
                    }));
                };
                if idx[m].is_some() {
                    return Err(err(ErrorKind::DuplicateMetric(def.name)));
                }
                // Value lists are a handful long: the index fits.
                idx[m] = u8::try_from(i).ok();
            }
        }
        let missing: Vec<&'static str> = defs
            .iter()
            .zip(idx.iter())
            .filter(|(d, i)| d.mandatory && i.is_none())
            .map(|(d, _)| d.name)
            .collect();
        if !missing.is_empty() {
            return Err(err(ErrorKind::MissingMetrics(missing)));
        }
        Ok(Fields { defs, idx })
    }

    /// The value index of metric number `m` (a constant of the version's
    /// module), `None` when absent.
    fn get_idx(&self, m: usize) -> Option<usize> {
        self.idx.get(m).copied().flatten().map(usize::from)
    }

    /// The value index of mandatory metric number `m`: present after a
    /// successful parse (0, the first value, otherwise — never reached).
    fn base(&self, m: usize) -> usize {
        self.get_idx(m).unwrap_or(0)
    }

    /// The value index of an optional metric, `None` when absent or `X`/`ND`
    /// (Not Defined, which every optional metric lists first or last).
    fn defined(&self, m: usize) -> Option<usize> {
        let i = self.get_idx(m)?;
        match self.defs.get(m)?.values.get(i) {
            Some(&"X") | Some(&"ND") => None,
            _ => Some(i),
        }
    }

    fn get(&self, name: &str) -> Option<&'static str> {
        let m = self.defs.iter().position(|d| d.name == name)?;
        let i = self.get_idx(m)?;
        self.defs[m].values.get(i).copied()
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (def, i) in self.defs.iter().zip(self.idx.iter()) {
            let Some(value) = i.and_then(|i| def.values.get(usize::from(i))) else {
                continue;
            };
            if !first {
                f.write_str("/")?;
            }
            first = false;
            write!(f, "{}:{}", def.name, value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(
            split_prefix("CVSS:3.1/AV:N").map(|(v, b)| (v, b.to_string())),
            Ok((Version::V3_1, "AV:N".to_string()))
        );
        assert_eq!(split_prefix("AV:N").map(|(v, _)| v), Ok(Version::V2));
        let e = split_prefix("CVSS:3.2/AV:N").err().map(|e| e.kind);
        assert_eq!(e, Some(ErrorKind::UnknownPrefix("CVSS:3.2".into())));
        assert_eq!(
            split_prefix("").err().map(|e| e.kind),
            Some(ErrorKind::Empty)
        );
    }

    #[test]
    fn ratings() {
        assert_eq!(Rating::of(0.0), Rating::None);
        assert_eq!(Rating::of(0.1), Rating::Low);
        assert_eq!(Rating::of(3.9), Rating::Low);
        assert_eq!(Rating::of(4.0), Rating::Medium);
        assert_eq!(Rating::of(6.9), Rating::Medium);
        assert_eq!(Rating::of(7.0), Rating::High);
        assert_eq!(Rating::of(8.9), Rating::High);
        assert_eq!(Rating::of(9.0), Rating::Critical);
        assert_eq!(Rating::of(10.0), Rating::Critical);
        assert_eq!(Rating::of(f64::NAN), Rating::None);
        assert_eq!(Rating::of(-1.0), Rating::None);
    }

    #[test]
    fn clip_is_char_safe() {
        assert_eq!(clip("ääää", 2), "ää…");
        assert_eq!(clip("ab", 2), "ab");
    }
}
