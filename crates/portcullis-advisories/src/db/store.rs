//! The database in memory, for merging and writing.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{
    DbError, EventKind, KevEntry, Meta, RangeKind, Severity, SourceInfo, SourceKind, Timestamp,
};

/// An OSV record as the database keeps it (what [`crate::osv::parse`]
/// takes from the JSON, capped).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: String,
    pub modified: Timestamp,
    pub published: Option<Timestamp>,
    pub aliases: Vec<String>,
    pub upstream: Vec<String>,
    pub related: Vec<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub severity: Vec<Severity>,
    pub database_specific: Option<String>,
    pub references: Vec<(String, String)>,
    pub affected: Vec<AffectedEntry>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AffectedEntry {
    /// The OSV ecosystem string (`Debian:12`); empty when the entry names no
    /// package (GIT ranges only).
    pub ecosystem: String,
    /// The package name as the record spells it.
    pub name: String,
    pub ranges: Vec<OwnedRange>,
    pub versions: Vec<String>,
    pub ecosystem_specific: Option<String>,
    pub database_specific: Option<String>,
    pub severity: Vec<Severity>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OwnedRange {
    pub kind: RangeKind,
    pub repo: Option<String>,
    pub events: Vec<(EventKind, String)>,
}

#[derive(Clone, Debug)]
pub(crate) enum Entry {
    Live(Box<Record>),
    Withdrawn(Timestamp),
}

impl Entry {
    fn modified(&self) -> Timestamp {
        match self {
            Entry::Live(r) => r.modified,
            Entry::Withdrawn(t) => *t,
        }
    }
}

/// What merging one record did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// A new id.
    Added,
    /// Newer than (or as new as) the copy held, which it replaced.
    Replaced,
    /// Older than the copy held: ignored.
    Older,
    /// A withdrawn record: the id is gone (or stays gone).
    Withdrawn,
}

/// The whole database in memory: records by id (withdrawn ids remembered
/// with their `modified`), the KEV catalog, EPSS scores, and the sources.
#[derive(Debug, Default)]
pub struct Store {
    pub(crate) records: HashMap<String, Entry>,
    pub(crate) kev: Option<BTreeMap<String, KevEntry>>,
    pub(crate) epss: Option<HashMap<u64, (f32, f32)>>,
    pub(crate) sources: Vec<SourceInfo>,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// The database file at `path` in memory; an empty store if there is no
    /// file there. A file that is there but does not open is an error (an
    /// update must not silently start from nothing over a damaged file).
    pub fn load(path: &Path) -> Result<Store, DbError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::new()),
            _ => Ok(super::Database::open(path)?.to_store()),
        }
    }

    /// Merges a record: the newer `modified` wins (a tie replaces, so that
    /// importing the same data twice is the same as once).
    pub fn merge(&mut self, record: Record) -> Merge {
        match self.records.get_mut(&record.id) {
            Some(held) if held.modified() > record.modified => Merge::Older,
            Some(held) => {
                *held = Entry::Live(Box::new(record));
                Merge::Replaced
            }
            None => {
                self.records
                    .insert(record.id.clone(), Entry::Live(Box::new(record)));
                Merge::Added
            }
        }
    }

    /// Merges a withdrawal: the id is removed unless the copy held is newer.
    pub fn withdraw(&mut self, id: &str, modified: Timestamp) -> Merge {
        match self.records.get_mut(id) {
            Some(held) if held.modified() > modified => Merge::Older,
            Some(held) => {
                *held = Entry::Withdrawn(modified);
                Merge::Withdrawn
            }
            None => {
                self.records
                    .insert(id.to_owned(), Entry::Withdrawn(modified));
                Merge::Withdrawn
            }
        }
    }

    /// The record held for `id` (not withdrawn).
    pub fn get(&self, id: &str) -> Option<&Record> {
        match self.records.get(id)? {
            Entry::Live(r) => Some(r),
            Entry::Withdrawn(_) => None,
        }
    }

    /// The `modified` held for `id`, live or withdrawn.
    pub fn modified(&self, id: &str) -> Option<Timestamp> {
        self.records.get(id).map(Entry::modified)
    }

    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.records.values().filter_map(|e| match e {
            Entry::Live(r) => Some(&**r),
            Entry::Withdrawn(_) => None,
        })
    }

    pub fn record_count(&self) -> usize {
        self.records
            .values()
            .filter(|e| matches!(e, Entry::Live(_)))
            .count()
    }

    pub fn withdrawn_count(&self) -> usize {
        self.records.len() - self.record_count()
    }

    /// Replaces the KEV catalog (a catalog file is the whole catalog).
    pub fn set_kev(&mut self, entries: Vec<KevEntry>) {
        self.kev = Some(entries.into_iter().map(|e| (e.cve.clone(), e)).collect());
    }

    pub fn kev(&self) -> Option<&BTreeMap<String, KevEntry>> {
        self.kev.as_ref()
    }

    /// Replaces the EPSS scores (a score file is the whole day's scores).
    pub fn set_epss(&mut self, scores: HashMap<u64, (f32, f32)>) {
        self.epss = Some(scores);
    }

    pub fn epss_count(&self) -> usize {
        self.epss.as_ref().map_or(0, HashMap::len)
    }

    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// Records a source, replacing the one of the same kind and origin.
    pub fn set_source(&mut self, source: SourceInfo) {
        self.sources
            .retain(|s| !(s.kind == source.kind && s.origin == source.origin));
        self.sources.push(source);
        self.sources
            .sort_by(|a, b| a.kind.cmp(&b.kind).then(a.origin.cmp(&b.origin)));
    }

    /// The source `db update` keeps for an ecosystem fetched from `origin`.
    pub fn source(&self, kind: &SourceKind, origin: &str) -> Option<&SourceInfo> {
        self.sources
            .iter()
            .find(|s| &s.kind == kind && s.origin == origin)
    }

    /// Writes the store to `path` atomically (a temporary file in the same
    /// directory, synced, renamed over the old one). The caller holds the
    /// [`super::lock`] when other processes may write too.
    pub fn write(&self, path: &Path) -> Result<Meta, DbError> {
        let (bytes, meta) = super::write::encode(self)?;
        super::file::write_atomically(path, &bytes)?;
        Ok(meta)
    }

    /// The file's bytes, as [`Store::write`] would write them.
    pub fn encode(&self) -> Result<Vec<u8>, DbError> {
        Ok(super::write::encode(self)?.0)
    }
}
