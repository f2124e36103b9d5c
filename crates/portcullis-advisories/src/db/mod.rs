//! The local advisory database: one compact file built from OSV records, the
//! KEV catalog and (optionally) EPSS scores.
//!
//! - [`Database::open`] reads and checks the file (the format is in
//!   [`format`]'s documentation) and answers lookups from its bytes: the
//!   affected entries of a package, a record by id, the records related to
//!   an id (aliases, upstream), KEV entries and EPSS scores.
//! - [`Store`] is the same data in memory, for merging: imports and updates
//!   load the current file into a store, merge records into it (the newer
//!   `modified` wins; a withdrawn record removes its id) and write it back
//!   atomically ([`Store::write`], [`lock`]).
//!
//! The CLI's `db update` and `db import` are [`crate::source`].

mod file;
pub mod format;
mod read;
mod status;
mod store;
mod time;
mod write;

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use file::temp_file;
pub use file::{lock, Lock};
pub(crate) use read::MatchEntry;
pub use read::{AffectedIter, Database, DbStr, Display, RecordCore, RelatedIter};
pub use status::status_json;
pub(crate) use store::Entry;
pub use store::{AffectedEntry, Merge, OwnedRange, Record, Store};

/// Writes `bytes` to `path` atomically (a temporary file in the same
/// directory, synced, renamed over it).
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), DbError> {
    file::write_atomically(path, bytes)
}
pub use time::Timestamp;

/// What the database file says about itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// When the file was written (unix seconds).
    pub built_at: u64,
    pub sources: Vec<SourceInfo>,
    pub counts: Counts,
}

/// Totals of what the file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub records: u64,
    pub withdrawn: u64,
    pub affected: u64,
    pub packages: u64,
    pub ecosystems: u64,
    pub kev: u64,
    pub epss: u64,
    pub strings: u64,
}

/// Where some of the data came from, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub kind: SourceKind,
    /// The URL fetched (`<base>/<Ecosystem>` for OSV) or the file imported.
    pub origin: String,
    /// When it was fetched or imported (unix seconds).
    pub fetched_at: u64,
    /// How many records (KEV or EPSS entries) it held at that time.
    pub records: u64,
    /// The newest `modified` among them (KEV: `dateReleased`; EPSS: the
    /// score date), RFC 3339.
    pub newest_modified: Option<String>,
    /// KEV's `catalogVersion`, EPSS's `model_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// For OSV sources fetched by `db update`: the whole ecosystem is here
    /// up to `newest_modified`, so the next update may be incremental.
    #[serde(default)]
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SourceKind {
    /// OSV records of one ecosystem (the bulk archive's directory name:
    /// `Debian`, `PyPI`, `Red Hat`, …).
    Osv {
        ecosystem: String,
    },
    Kev,
    Epss,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceKind::Osv { ecosystem } => write!(f, "OSV {ecosystem}"),
            SourceKind::Kev => f.write_str("KEV"),
            SourceKind::Epss => f.write_str("EPSS"),
        }
    }
}

/// An affected entry of a record, for one package, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Affected<'a> {
    /// The record's id.
    pub advisory: &'a str,
    /// The record's place in the file ([`Database::record_core`]).
    pub record: usize,
    pub ecosystem: &'a str,
    /// The package name as the record spells it.
    pub package_name: &'a str,
    pub ranges: Vec<Range<'a>>,
    /// The explicit `versions` list ([`Database::affected`]; left empty by
    /// [`Database::affected_unnamed`], which gives `version_ids` only).
    pub versions: Vec<&'a str>,
    /// The string ids of `versions` ([`Database::string`]): the matcher
    /// compares the installed version's id with them, reading no string.
    pub version_ids: Vec<u32>,
    /// Compact JSON, capped (see [`crate::osv`]).
    pub ecosystem_specific: Option<&'a str>,
    pub database_specific: Option<&'a str>,
    /// Affected-level severities (OSV 1.5+), e.g. Ubuntu's priority:
    /// (type, score), as [`Severity`].
    pub severity: Vec<(&'a str, &'a str)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Range<'a> {
    pub kind: RangeKind,
    /// The repository of a GIT range.
    pub repo: Option<&'a str>,
    pub events: Vec<Event<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeKind {
    Semver,
    Ecosystem,
    Git,
}

impl RangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event<'a> {
    Introduced(&'a str),
    Fixed(&'a str),
    LastAffected(&'a str),
    Limit(&'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        }
    }

    fn code(self) -> u8 {
        match self {
            EventKind::Introduced => 0,
            EventKind::Fixed => 1,
            EventKind::LastAffected => 2,
            EventKind::Limit => 3,
        }
    }

    fn from_code(code: u8) -> Option<EventKind> {
        Some(match code {
            0 => EventKind::Introduced,
            1 => EventKind::Fixed,
            2 => EventKind::LastAffected,
            3 => EventKind::Limit,
            _ => return None,
        })
    }
}

impl<'a> Event<'a> {
    pub fn new(kind: EventKind, value: &'a str) -> Event<'a> {
        match kind {
            EventKind::Introduced => Event::Introduced(value),
            EventKind::Fixed => Event::Fixed(value),
            EventKind::LastAffected => Event::LastAffected(value),
            EventKind::Limit => Event::Limit(value),
        }
    }

    pub fn kind(&self) -> EventKind {
        match self {
            Event::Introduced(_) => EventKind::Introduced,
            Event::Fixed(_) => EventKind::Fixed,
            Event::LastAffected(_) => EventKind::LastAffected,
            Event::Limit(_) => EventKind::Limit,
        }
    }

    pub fn value(&self) -> &'a str {
        match *self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// A severity as OSV gives it: `type` (`CVSS_V3`, `CVSS_V4`, `CVSS_V2`,
/// `Ubuntu`, …) and `score` (a vector, or the ecosystem's rating).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Severity {
    pub kind: String,
    pub score: String,
}

/// A record's own fields (its affected entries are [`Database::affected`]'s).
#[derive(Clone, Debug, PartialEq)]
pub struct Advisory {
    pub id: String,
    pub aliases: Vec<String>,
    pub upstream: Vec<String>,
    pub related: Vec<String>,
    pub summary: Option<String>,
    /// Capped at [`crate::osv::DETAILS_CAP`] bytes.
    pub details: Option<String>,
    pub published: Option<Timestamp>,
    pub modified: Timestamp,
    pub severity: Vec<Severity>,
    /// Compact JSON, capped: GHSA's `severity`, `cwe_ids`, …
    pub database_specific: Option<String>,
    /// (type, url), capped at [`crate::osv::REFERENCES_CAP`].
    pub references: Vec<(String, String)>,
}

/// An entry of CISA's Known Exploited Vulnerabilities catalog.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KevEntry {
    pub cve: String,
    pub vendor: String,
    pub product: String,
    /// `vulnerabilityName`.
    pub name: String,
    pub date_added: String,
    pub short_description: String,
    pub required_action: String,
    pub due_date: String,
    /// `knownRansomwareCampaignUse` is `Known`.
    pub known_ransomware: bool,
    pub notes: String,
    pub cwes: Vec<String>,
}

/// The database's errors: each names the file and what is wrong with it.
#[derive(Debug)]
pub struct DbError {
    message: String,
}

impl DbError {
    pub fn new(message: impl Into<String>) -> DbError {
        DbError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DbError {}

/// The database's default place: `$PORTCULLIS_DB`, else
/// `$XDG_CACHE_HOME/portcullis/advisories.db`, else
/// `$HOME/.cache/portcullis/advisories.db`.
pub fn default_path() -> Option<PathBuf> {
    default_path_from(&|name| std::env::var_os(name))
}

pub(crate) fn default_path_from(
    var: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = set("PORTCULLIS_DB") {
        return Some(path);
    }
    let cache = set("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| set("HOME").map(|home| home.join(".cache")))?;
    Some(cache.join("portcullis").join("advisories.db"))
}

/// A package name as the database indexes it, for an OSV ecosystem string
/// (`PyPI`, `Debian:12`, …; what comes before the first `:` decides):
///
/// - PyPI: PEP 503 (lowercase, each run of `-`, `_`, `.` one `-`);
/// - NuGet and Packagist: lowercase (both registries treat ids
///   case-insensitively);
/// - npm (`@scope/name`), Maven (`group:artifact`), Go module paths,
///   crates.io, RubyGems and the distributions: as they are.
///
/// Used when building the index and when querying it.
pub fn normalize_name<'a>(ecosystem: &str, name: &'a str) -> Cow<'a, str> {
    let family = ecosystem.split(':').next().unwrap_or(ecosystem);
    match family {
        "PyPI" => {
            let simple = name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !name.contains("--");
            if simple {
                return Cow::Borrowed(name);
            }
            let mut out = String::with_capacity(name.len());
            let mut in_run = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_run {
                        out.push('-');
                    }
                    in_run = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_run = false;
                }
            }
            Cow::Owned(out)
        }
        "NuGet" | "Packagist" if name.chars().any(char::is_uppercase) => {
            Cow::Owned(name.to_lowercase())
        }
        _ => Cow::Borrowed(name),
    }
}

/// The bulk archive directory an OSV ecosystem string belongs to:
/// `Debian:12` → `Debian`, `Ubuntu:Pro:18.04:LTS` → `Ubuntu`.
pub fn ecosystem_family(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn names_normalize_per_ecosystem() {
        assert_eq!(normalize_name("PyPI", "Jinja2"), "jinja2");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "Foo__Bar-.baz"), "foo-bar-baz");
        assert_eq!(normalize_name("PyPI", "a--b"), "a-b");
        assert!(matches!(
            normalize_name("PyPI", "requests"),
            Cow::Borrowed(_)
        ));
        assert_eq!(normalize_name("npm", "@Babel/core"), "@Babel/core");
        assert_eq!(
            normalize_name("Maven", "org.Apache:any23"),
            "org.Apache:any23"
        );
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(normalize_name("Debian:12", "Linux"), "Linux");
        assert_eq!(ecosystem_family("Ubuntu:Pro:18.04:LTS"), "Ubuntu");
    }

    #[test]
    fn default_path_order() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert_eq!(
            default_path_from(&vars(&[("PORTCULLIS_DB", "/x/db"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/db"))
        );
        assert_eq!(
            default_path_from(&vars(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")])),
            Some(PathBuf::from("/c/portcullis/advisories.db"))
        );
        assert_eq!(
            default_path_from(&vars(&[("XDG_CACHE_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.cache/portcullis/advisories.db"))
        );
        assert_eq!(default_path_from(&vars(&[])), None);
    }
}
