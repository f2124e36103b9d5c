//! OSV records (the Open Source Vulnerabilities schema, ossf/osv-schema)
//! as the database keeps them.
//!
//! A record is taken whole or not at all: JSON that does not parse, a field
//! of the wrong type, a required field missing (`id`, `modified`), an id
//! that is not one, or a list longer than its cap below is an error naming
//! what is wrong. Long free text is cut rather than refused:
//!
//! | what | cap |
//! |---|---|
//! | the JSON of one record | [`RECORD_CAP`] bytes (checked by the caller before parsing) |
//! | nesting | serde_json's 128 levels |
//! | `affected` | [`AFFECTED_CAP`] entries |
//! | `versions` of an entry | [`VERSIONS_CAP`] |
//! | ranges of an entry, events of a range | [`RANGES_CAP`], [`EVENTS_CAP`] |
//! | `aliases`, `upstream`, `related`, `severity` | [`IDS_CAP`] each |
//! | ids, aliases | [`ID_CAP`] bytes |
//! | package names, ecosystems, versions, severity scores | [`NAME_CAP`] bytes |
//! | `summary` | [`SUMMARY_CAP`] bytes, cut at a character boundary with `…` |
//! | `details` | [`DETAILS_CAP`] bytes, cut likewise |
//! | `references` | the first [`REFERENCES_CAP`]; a URL over 2 KiB is dropped |
//! | `ecosystem_specific`, `database_specific` | compact JSON of at most [`JSON_CAP`] bytes: a larger object keeps the members that fit, in order, and lists the others under `"portcullis:omitted"` |

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::db::{AffectedEntry, EventKind, OwnedRange, RangeKind, Record, Severity, Timestamp};

pub const RECORD_CAP: u64 = 32 << 20;
pub const AFFECTED_CAP: usize = 20_000;
pub const VERSIONS_CAP: usize = 100_000;
pub const RANGES_CAP: usize = 1_000;
pub const EVENTS_CAP: usize = 10_000;
pub const IDS_CAP: usize = 10_000;
pub const ID_CAP: usize = 256;
pub const NAME_CAP: usize = 1024;
pub const SUMMARY_CAP: usize = 1024;
pub const DETAILS_CAP: usize = 2048;
pub const REFERENCES_CAP: usize = 32;
pub const JSON_CAP: usize = 4096;

/// What a record file says.
#[derive(Debug, Clone, PartialEq)]
// A parsed record goes straight into the store, by value; boxing it would
// be an allocation per record for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Parsed {
    Record(Record),
    /// A withdrawn record: its id and `modified`.
    Withdrawn {
        id: String,
        modified: Timestamp,
    },
}

impl Parsed {
    pub fn id(&self) -> &str {
        match self {
            Parsed::Record(r) => &r.id,
            Parsed::Withdrawn { id, .. } => id,
        }
    }

    pub fn modified(&self) -> Timestamp {
        match self {
            Parsed::Record(r) => r.modified,
            Parsed::Withdrawn { modified, .. } => *modified,
        }
    }
}

/// A list that refuses more than `N` items, and reads `null` as empty.
struct Capped<T, const N: usize>(Vec<T>);

impl<T, const N: usize> Default for Capped<T, N> {
    fn default() -> Self {
        Capped(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Capped<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for V<T, N> {
            type Value = Capped<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of at most {N} items")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Capped(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Capped(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(1024));
                while let Some(item) = seq.next_element()? {
                    if out.len() == N {
                        return Err(de::Error::custom(format_args!(
                            "more than {N} items in a list"
                        )));
                    }
                    out.push(item);
                }
                Ok(Capped(out))
            }
        }
        d.deserialize_any(V::<T, N>(PhantomData))
    }
}

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    modified: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Capped<String, IDS_CAP>,
    #[serde(default)]
    upstream: Capped<String, IDS_CAP>,
    #[serde(default)]
    related: Capped<String, IDS_CAP>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Capped<RawSeverity, IDS_CAP>,
    #[serde(default)]
    affected: Capped<RawAffected, AFFECTED_CAP>,
    #[serde(default)]
    references: Capped<RawReference, IDS_CAP>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    url: String,
}

#[derive(Deserialize, Default)]
struct RawPackage {
    #[serde(default)]
    ecosystem: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    purl: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    severity: Capped<RawSeverity, IDS_CAP>,
    #[serde(default)]
    ranges: Capped<RawRange, RANGES_CAP>,
    #[serde(default)]
    versions: Capped<String, VERSIONS_CAP>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    repo: Option<String>,
    #[serde(default)]
    events: Capped<RawEvent, EVENTS_CAP>,
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// Parses one OSV record (the bytes of one `.json` file).
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let raw: RawRecord = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() || e.is_syntax() || e.is_eof() {
            format!("not an OSV record: {e}")
        } else {
            e.to_string()
        }
    })?;
    let id = check_id(&raw.id, "id")?;
    let modified = Timestamp::parse(&raw.modified).ok_or_else(|| {
        format!(
            "{id}: `modified` is not an RFC 3339 time: {:?}",
            cut(&raw.modified, 64)
        )
    })?;
    if raw.withdrawn.is_some() {
        return Ok(Parsed::Withdrawn { id, modified });
    }
    let published = raw.published.as_deref().and_then(Timestamp::parse);
    let ids = |list: Vec<String>, what: &str| -> Result<Vec<String>, String> {
        let mut out = Vec::with_capacity(list.len());
        for a in list {
            let a = check_id(&a, what).map_err(|e| format!("{id}: {e}"))?;
            if !out.contains(&a) {
                out.push(a);
            }
        }
        Ok(out)
    };
    let aliases = ids(raw.aliases.0, "an alias")?;
    let upstream = ids(raw.upstream.0, "an upstream id")?;
    let related = ids(raw.related.0, "a related id")?;
    let severity = severities(raw.severity.0).map_err(|e| format!("{id}: {e}"))?;
    let mut affected = Vec::with_capacity(raw.affected.0.len());
    for (i, a) in raw.affected.0.into_iter().enumerate() {
        affected.push(affected_entry(a).map_err(|e| format!("{id}: affected[{i}]: {e}"))?);
    }
    let references = raw
        .references
        .0
        .into_iter()
        .filter(|r| r.url.len() <= 2048 && !r.url.is_empty())
        .take(REFERENCES_CAP)
        .map(|r| {
            (
                cut(r.kind.as_deref().unwrap_or("WEB"), 32).into_owned(),
                r.url,
            )
        })
        .collect();
    Ok(Parsed::Record(Record {
        id,
        modified,
        published,
        aliases,
        upstream,
        related,
        summary: raw
            .summary
            .map(|s| cut(s.trim(), SUMMARY_CAP).into_owned())
            .filter(|s| !s.is_empty()),
        details: raw
            .details
            .map(|s| cut(s.trim(), DETAILS_CAP).into_owned())
            .filter(|s| !s.is_empty()),
        severity,
        database_specific: raw.database_specific.as_ref().and_then(compact),
        references,
        affected,
    }))
}

fn affected_entry(a: RawAffected) -> Result<AffectedEntry, String> {
    let package = a.package.unwrap_or_default();
    let ecosystem = package.ecosystem.unwrap_or_default();
    let name = package.name.unwrap_or_default();
    for (what, s) in [("the ecosystem", &ecosystem), ("the package name", &name)] {
        if s.len() > NAME_CAP {
            return Err(format!("{what} is longer than {NAME_CAP} bytes"));
        }
        if s.chars().any(char::is_control) {
            return Err(format!("{what} has control characters"));
        }
    }
    let mut ranges = Vec::with_capacity(a.ranges.0.len());
    for r in a.ranges.0 {
        let kind = match r.kind.as_deref() {
            Some("SEMVER") => RangeKind::Semver,
            Some("ECOSYSTEM") | None => RangeKind::Ecosystem,
            Some("GIT") => RangeKind::Git,
            // A range type from a later schema: not one we can evaluate.
            Some(_) => continue,
        };
        let mut events = Vec::with_capacity(r.events.0.len());
        for e in r.events.0 {
            let pairs = [
                (EventKind::Introduced, e.introduced),
                (EventKind::Fixed, e.fixed),
                (EventKind::LastAffected, e.last_affected),
                (EventKind::Limit, e.limit),
            ];
            for (kind, value) in pairs {
                if let Some(v) = value {
                    if v.len() > NAME_CAP {
                        return Err(format!("a version is longer than {NAME_CAP} bytes"));
                    }
                    events.push((kind, v));
                }
            }
        }
        let repo = r.repo.filter(|r| r.len() <= 2048);
        ranges.push(OwnedRange { kind, repo, events });
    }
    if let Some(v) = a.versions.0.iter().find(|v| v.len() > NAME_CAP) {
        return Err(format!(
            "a version is longer than {NAME_CAP} bytes ({:?}…)",
            cut(v, 32)
        ));
    }
    Ok(AffectedEntry {
        ecosystem,
        name,
        ranges,
        versions: a.versions.0,
        ecosystem_specific: a.ecosystem_specific.as_ref().and_then(compact),
        database_specific: a.database_specific.as_ref().and_then(compact),
        severity: severities(a.severity.0)?,
    })
}

fn severities(list: Vec<RawSeverity>) -> Result<Vec<Severity>, String> {
    list.into_iter()
        .map(|s| {
            if s.kind.len() > 64 || s.score.len() > NAME_CAP {
                return Err("a severity is longer than its cap".to_owned());
            }
            Ok(Severity {
                kind: s.kind,
                score: s.score,
            })
        })
        .collect()
}

fn check_id(id: &str, what: &str) -> Result<String, String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if id.len() > ID_CAP {
        return Err(format!(
            "{what} is longer than {ID_CAP} bytes ({:?}…)",
            cut(id, 32)
        ));
    }
    if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "{what} {:?} has spaces or control characters",
            cut(id, 64)
        ));
    }
    Ok(id.to_owned())
}

/// `s` cut to at most `cap` bytes at a character boundary, with `…` when cut.
pub(crate) fn cut(s: &str, cap: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= cap {
        return s.into();
    }
    let mut end = cap.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end]).into()
}

/// Compact JSON of at most [`JSON_CAP`] bytes; `None` for `null`, `{}` and
/// `[]` (nothing to say).
fn compact(value: &Value) -> Option<String> {
    match value {
        Value::Null => return None,
        Value::Object(m) if m.is_empty() => return None,
        Value::Array(a) if a.is_empty() => return None,
        _ => {}
    }
    let whole = serde_json::to_string(value).ok()?;
    if whole.len() <= JSON_CAP {
        return Some(whole);
    }
    let Value::Object(map) = value else {
        return None;
    };
    // Members in order while they fit, keeping room for the list of the
    // names left out.
    let budget = JSON_CAP - 512;
    let mut kept = serde_json::Map::new();
    let mut omitted = Vec::new();
    let (mut size, mut names) = (2, 0);
    for (k, v) in map {
        let cost = k.len() + serde_json::to_string(v).map_or(usize::MAX / 2, |m| m.len()) + 6;
        if size + cost <= budget {
            size += cost;
            kept.insert(k.clone(), v.clone());
        } else if names + k.len() + 4 <= 400 {
            names += k.len() + 4;
            omitted.push(k.clone());
        }
    }
    kept.insert(
        "portcullis:omitted".into(),
        Value::Array(omitted.into_iter().map(Value::String).collect()),
    );
    let out = serde_json::to_string(&Value::Object(kept)).ok()?;
    (out.len() <= JSON_CAP).then_some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn caps_and_cuts() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdef", 5), "ab…");
        assert_eq!(cut("ééé", 5), "é…");
        let big = serde_json::json!({
            "urgency": "low",
            "binaries": (0..2000).map(|i| format!("libfoo{i}")).collect::<Vec<_>>(),
            "priority": "medium",
        });
        let c = compact(&big).unwrap();
        assert!(c.len() <= JSON_CAP);
        let v: Value = serde_json::from_str(&c).unwrap();
        assert_eq!(v["urgency"], "low");
        assert_eq!(v["priority"], "medium");
        assert_eq!(v["portcullis:omitted"], serde_json::json!(["binaries"]));
        assert_eq!(compact(&serde_json::json!({})), None);
    }

    #[test]
    fn minimal_and_withdrawn() {
        let p = parse(br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(p.id(), "X-1");
        let w = parse(
            br#"{"id":"X-2","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert!(matches!(w, Parsed::Withdrawn { .. }));
        let e = parse(br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}"#)
            .unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let e = parse(br#"{"id":"X 1","modified":"2024-01-01T00:00:00Z"}"#).unwrap_err();
        assert!(e.contains("spaces"), "{e}");
        let e = parse(br#"{"id":"X-1","modified":"yesterday"}"#).unwrap_err();
        assert!(e.contains("RFC 3339"), "{e}");
    }
}
