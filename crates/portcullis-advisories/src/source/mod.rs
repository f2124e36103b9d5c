//! Where the database's data comes from: files on disk (`db import`) and
//! the network (`db update`, [`update`]).
//!
//! [`import`] tells a file by its content, not its name:
//!
//! | first bytes | what |
//! |---|---|
//! | `PK\x03\x04` / `PK\x05\x06` | a zip of OSV records (an OSV `all.zip`) |
//! | `PCADVDB\n` | a database file (`db export`) |
//! | `\x1f\x8b` | gzip: an EPSS `.csv.gz` |
//! | `#model_version` / `cve,epss` | an EPSS `.csv` |
//! | `{` | JSON: the KEV catalog (a `vulnerabilities` list) or one OSV record |
//!
//! and a directory is walked recursively for `*.json` OSV records.
//!
//! A single file that is not what it claims, or a damaged archive, is an
//! error naming the file and what is wrong, and nothing is merged. One bad
//! record inside a zip or a directory is skipped with a warning naming the
//! entry, counted in the [`Report`], and the import goes on.

pub mod update;
pub mod zip;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::db::{
    ecosystem_family, Database, DbError, Merge, SourceInfo, SourceKind, Store, Timestamp,
};
use crate::osv::{self, Parsed, RECORD_CAP};

/// Warnings kept for printing (all are counted).
const WARNINGS_KEPT: usize = 50;
/// A KEV or single-record JSON file, at most (the KEV catalog was 1.5 MiB
/// in 2025; one OSV record is at most [`RECORD_CAP`]).
const JSON_FILE_CAP: u64 = 64 << 20;
/// An EPSS file, decompressed, at most.
const EPSS_CAP: u64 = 1 << 30;

/// What an import or update did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub added: u64,
    pub replaced: u64,
    /// Records older than the copy held, left alone.
    pub older: u64,
    pub withdrawn: u64,
    /// Bad records skipped (see `warnings`).
    pub skipped: u64,
    pub warnings: Vec<String>,
    pub kev: Option<usize>,
    pub epss: Option<usize>,
    /// One line per file or source, for the user.
    pub notes: Vec<String>,
}

impl Report {
    pub fn warn(&mut self, message: String) {
        self.skipped += 1;
        if self.warnings.len() < WARNINGS_KEPT {
            self.warnings.push(message);
        }
    }

    fn count(&mut self, merge: Merge) {
        match merge {
            Merge::Added => self.added += 1,
            Merge::Replaced => self.replaced += 1,
            Merge::Older => self.older += 1,
            Merge::Withdrawn => self.withdrawn += 1,
        }
    }

    pub fn merged(&self) -> u64 {
        self.added + self.replaced + self.withdrawn
    }
}

/// Per ecosystem family: records seen, the newest `modified`.
#[derive(Default)]
pub(crate) struct Families(BTreeMap<String, (u64, Timestamp)>, Option<Timestamp>);

impl Families {
    /// The newest `modified` of every record seen, withdrawn ones too.
    pub(crate) fn newest(&self) -> Option<Timestamp> {
        self.1
    }

    fn see(&mut self, parsed: &Parsed) {
        self.1 = self.1.max(Some(parsed.modified()));
        if let Parsed::Record(r) = parsed {
            let mut seen: Vec<&str> = r
                .affected
                .iter()
                .map(|a| ecosystem_family(&a.ecosystem))
                .filter(|f| !f.is_empty())
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for f in seen {
                let e = self.0.entry(f.to_owned()).or_insert((0, r.modified));
                e.0 += 1;
                e.1 = e.1.max(r.modified);
            }
        }
    }

    fn sources(self, origin: &str, now: u64) -> impl Iterator<Item = SourceInfo> + '_ {
        self.0
            .into_iter()
            .map(move |(family, (records, newest))| SourceInfo {
                kind: SourceKind::Osv { ecosystem: family },
                origin: origin.to_owned(),
                fetched_at: now,
                records,
                newest_modified: Some(newest.to_string()),
                version: None,
                complete: false,
            })
    }
}

pub(crate) fn now() -> u64 {
    u64::try_from(Timestamp::now().secs).unwrap_or(0)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Merges one parsed record.
pub(crate) fn merge_parsed(store: &mut Store, parsed: Parsed, report: &mut Report) {
    let merge = match parsed {
        Parsed::Record(r) => store.merge(r),
        Parsed::Withdrawn { id, modified } => store.withdraw(&id, modified),
    };
    report.count(merge);
}

/// Imports files and directories into the store (see the module's
/// documentation). On error the store may hold part of the data: the
/// caller writes it only on success.
pub fn import(store: &mut Store, paths: &[PathBuf], report: &mut Report) -> Result<(), DbError> {
    for path in paths {
        import_one(store, path, report)?;
    }
    Ok(())
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}

fn import_one(store: &mut Store, path: &Path, report: &mut Report) -> Result<(), DbError> {
    let name = shown(path);
    let fail = |what: String| DbError::new(format!("{name}: {what}"));
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return import_dir(store, path, report);
    }
    let mut head = [0u8; 16];
    let n = {
        let mut f = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        read_head(&mut f, &mut head).map_err(|e| fail(format!("cannot read: {e}")))?
    };
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let before = report.merged();
        let families = import_zip(store, path, report, &name)?;
        for s in families.sources(&absolute(path), now()) {
            store.set_source(s);
        }
        report.notes.push(format!(
            "{name}: OSV archive, {} records merged",
            report.merged() - before
        ));
        return Ok(());
    }
    if head.starts_with(crate::db::format::MAGIC) {
        return import_database(store, path, report);
    }
    if head.starts_with(b"\x1f\x8b") {
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let decoder = flate2::read::MultiGzDecoder::new(file).take(EPSS_CAP + 1);
        return import_epss(
            store,
            std::io::BufReader::new(decoder),
            &absolute(path),
            report,
            &name,
        );
    }
    if crate::epss::looks_like(head) {
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        return import_epss(
            store,
            std::io::BufReader::new(file.take(EPSS_CAP + 1)),
            &absolute(path),
            report,
            &name,
        );
    }
    let first = head
        .iter()
        .copied()
        .find(|b| !(b.is_ascii_whitespace() || [0xef, 0xbb, 0xbf].contains(b)));
    if first == Some(b'{') {
        if meta.len() > JSON_FILE_CAP {
            return Err(fail(format!(
                "a JSON file larger than {} MiB is not an OSV record or the KEV catalog",
                JSON_FILE_CAP >> 20
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        return import_json(store, &bytes, &absolute(path), report, &name);
    }
    Err(fail(
        "not a file portcullis imports (an OSV all.zip, OSV JSON records, the KEV catalog JSON, an EPSS csv or csv.gz, or a `portcullis db export` file)"
            .into(),
    ))
}

fn read_head(f: &mut std::fs::File, head: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// One JSON file: the KEV catalog or an OSV record.
pub(crate) fn import_json(
    store: &mut Store,
    bytes: &[u8],
    origin: &str,
    report: &mut Report,
    name: &str,
) -> Result<(), DbError> {
    let fail = |what: String| DbError::new(format!("{name}: {what}"));
    let value: serde_json::Value =
        serde_json::from_slice(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
            .map_err(|e| fail(format!("not JSON: {e}")))?;
    if crate::kev::looks_like(&value) {
        return import_kev(store, bytes, origin, report, name);
    }
    if value.get("vulnerabilities").is_some() || value.get("catalogVersion").is_some() {
        // Looks like it means to be the catalog: its own error.
        return import_kev(store, bytes, origin, report, name);
    }
    if value.get("id").is_none() || value.get("modified").is_none() {
        return Err(fail(
            "neither an OSV record (no `id` and `modified`) nor the KEV catalog (no `vulnerabilities` list)"
                .into(),
        ));
    }
    let parsed = osv::parse(bytes).map_err(fail)?;
    let mut families = Families::default();
    families.see(&parsed);
    let id = parsed.id().to_owned();
    merge_parsed(store, parsed, report);
    for s in families.sources(origin, now()) {
        store.set_source(s);
    }
    report.notes.push(format!("{name}: OSV record {id}"));
    Ok(())
}

pub(crate) fn import_kev(
    store: &mut Store,
    bytes: &[u8],
    origin: &str,
    report: &mut Report,
    name: &str,
) -> Result<(), DbError> {
    let catalog = crate::kev::parse(bytes).map_err(|e| DbError::new(format!("{name}: {e}")))?;
    let count = catalog.entries.len();
    store.set_kev(catalog.entries);
    store.set_source(SourceInfo {
        kind: SourceKind::Kev,
        origin: origin.to_owned(),
        fetched_at: now(),
        records: count as u64,
        newest_modified: catalog
            .released
            .as_deref()
            .and_then(Timestamp::parse)
            .map(|t| t.to_string()),
        version: catalog.version,
        complete: true,
    });
    report.kev = Some(count);
    report
        .notes
        .push(format!("{name}: KEV catalog, {count} entries"));
    Ok(())
}

pub(crate) fn import_epss(
    store: &mut Store,
    reader: impl std::io::BufRead,
    origin: &str,
    report: &mut Report,
    name: &str,
) -> Result<(), DbError> {
    let fail = |what: String| DbError::new(format!("{name}: {what}"));
    let scores = crate::epss::parse(reader).map_err(|e| {
        if e.contains("invalid gzip") || e.contains("corrupt deflate") {
            fail(format!("not a gzip file, or truncated: {e}"))
        } else {
            fail(e)
        }
    })?;
    let count = scores.scores.len();
    if scores.skipped > 0 {
        report.warn(format!(
            "{name}: {} EPSS lines skipped (first: {})",
            scores.skipped,
            scores.first_skipped.as_deref().unwrap_or("")
        ));
    }
    store.set_epss(scores.scores);
    store.set_source(SourceInfo {
        kind: SourceKind::Epss,
        origin: origin.to_owned(),
        fetched_at: now(),
        records: count as u64,
        newest_modified: scores
            .score_date
            .as_deref()
            .and_then(Timestamp::parse)
            .map(|t| t.to_string())
            .or(scores.score_date),
        version: scores.model_version,
        complete: true,
    });
    report.epss = Some(count);
    report
        .notes
        .push(format!("{name}: EPSS scores, {count} CVEs"));
    Ok(())
}

/// The records of a zip archive, entry by entry.
pub(crate) fn import_zip(
    store: &mut Store,
    path: &Path,
    report: &mut Report,
    name: &str,
) -> Result<Families, DbError> {
    let fail = |what: String| DbError::new(format!("{name}: {what}"));
    let mut zip = zip::ZipReader::open(path).map_err(fail)?;
    let entries: Vec<zip::ZipEntry> = zip.entries().to_vec();
    let mut families = Families::default();
    for entry in &entries {
        if entry.name.ends_with('/') || !entry.name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let bytes = match zip.read(entry, RECORD_CAP) {
            Ok(b) => b,
            Err(zip::EntryError::Skip(why)) => {
                report.warn(format!(
                    "{name}: entry {}: skipped: {why}",
                    osv::cut(&entry.name, 100)
                ));
                continue;
            }
            Err(zip::EntryError::Fatal(why)) => return Err(fail(why)),
        };
        match osv::parse(&bytes) {
            Ok(parsed) => {
                families.see(&parsed);
                merge_parsed(store, parsed, report);
            }
            Err(why) => report.warn(format!(
                "{name}: entry {}: skipped: {why}",
                osv::cut(&entry.name, 100)
            )),
        }
    }
    Ok(families)
}

fn import_dir(store: &mut Store, dir: &Path, report: &mut Report) -> Result<(), DbError> {
    let name = shown(dir);
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .map_err(|e| DbError::new(format!("{}: cannot read: {e}", d.display())))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| DbError::new(format!("{}: cannot read: {e}", d.display())))?;
            let kind = entry
                .file_type()
                .map_err(|e| DbError::new(format!("{}: {e}", entry.path().display())))?;
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let before = report.merged();
    let mut families = Families::default();
    for file in &files {
        let shown_file = shown(file);
        let bytes = match std::fs::File::open(file).and_then(|f| {
            let mut b = Vec::new();
            f.take(RECORD_CAP + 1).read_to_end(&mut b).map(|_| b)
        }) {
            Ok(b) if b.len() as u64 > RECORD_CAP => {
                report.warn(format!(
                    "{shown_file}: skipped: larger than the {} MiB cap of a record",
                    RECORD_CAP >> 20
                ));
                continue;
            }
            Ok(b) => b,
            Err(e) => {
                report.warn(format!("{shown_file}: skipped: cannot read: {e}"));
                continue;
            }
        };
        match osv::parse(&bytes) {
            Ok(parsed) => {
                families.see(&parsed);
                merge_parsed(store, parsed, report);
            }
            Err(why) => report.warn(format!("{shown_file}: skipped: {why}")),
        }
    }
    for s in families.sources(&absolute(dir), now()) {
        store.set_source(s);
    }
    report.notes.push(format!(
        "{name}: {} JSON files, {} records merged",
        files.len(),
        report.merged() - before
    ));
    Ok(())
}

/// A database file (from `db export`): its records merged by the same
/// rules, its KEV and EPSS data and its sources taken when it has them.
fn import_database(store: &mut Store, path: &Path, report: &mut Report) -> Result<(), DbError> {
    let name = shown(path);
    let other = Database::open(path)?.to_store();
    let before = report.merged();
    let crate::db::Store {
        records,
        kev,
        epss,
        sources,
    } = other;
    for (id, entry) in records {
        match entry {
            crate::db::Entry::Live(r) => report.count(store.merge(*r)),
            crate::db::Entry::Withdrawn(t) => report.count(store.withdraw(&id, t)),
        }
    }
    if let Some(kev) = kev {
        let newer = store.kev.is_none()
            || newest(&sources, &SourceKind::Kev) >= newest(&store.sources, &SourceKind::Kev);
        if newer {
            report.kev = Some(kev.len());
            store.kev = Some(kev);
        }
    }
    if let Some(epss) = epss {
        let newer = store.epss.is_none()
            || newest(&sources, &SourceKind::Epss) >= newest(&store.sources, &SourceKind::Epss);
        if newer {
            report.epss = Some(epss.len());
            store.epss = Some(epss);
        }
    }
    for s in sources {
        let held = store.source(&s.kind, &s.origin).cloned();
        if held.is_none_or(|h| h.fetched_at <= s.fetched_at) {
            store.set_source(s);
        }
    }
    report.notes.push(format!(
        "{name}: advisory database, {} records merged",
        report.merged() - before
    ));
    Ok(())
}

fn newest(sources: &[SourceInfo], kind: &SourceKind) -> Option<Timestamp> {
    sources
        .iter()
        .filter(|s| &s.kind == kind)
        .filter_map(|s| s.newest_modified.as_deref().and_then(Timestamp::parse))
        .max()
}
