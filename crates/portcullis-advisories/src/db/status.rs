//! `db status --json`: the database described as JSON.

use super::{Database, SourceKind, Timestamp};

fn when(unix: u64) -> String {
    Timestamp {
        secs: i64::try_from(unix).unwrap_or(i64::MAX),
        nanos: 0,
    }
    .to_string()
}

/// The status of an open database as pretty JSON: `path`, `size`,
/// `format_version`, `built_at`, `age_seconds` (against `now`, unix
/// seconds), `counts`, `has_kev`, `has_epss`, `ecosystems`, and `sources`
/// (`kind`: osv, kev or epss; `ecosystem`, `origin`, `fetched_at`,
/// `records`, `newest_modified`, `version`, `incremental`).
pub fn status_json(db: &Database, now: u64) -> String {
    let meta = db.meta();
    let value = serde_json::json!({
        "path": db.path().display().to_string(),
        "size": db.len(),
        "format_version": super::format::VERSION,
        "built_at": when(meta.built_at),
        "age_seconds": now.saturating_sub(meta.built_at),
        "counts": meta.counts,
        "has_kev": db.has_kev(),
        "has_epss": db.has_epss(),
        "ecosystems": db.ecosystems().collect::<Vec<_>>(),
        "sources": meta.sources.iter().map(|s| serde_json::json!({
            "kind": match &s.kind {
                SourceKind::Osv { .. } => "osv",
                SourceKind::Kev => "kev",
                SourceKind::Epss => "epss",
            },
            "ecosystem": match &s.kind {
                SourceKind::Osv { ecosystem } => Some(ecosystem.as_str()),
                _ => None,
            },
            "origin": s.origin,
            "fetched_at": when(s.fetched_at),
            "records": s.records,
            "newest_modified": s.newest_modified,
            "version": s.version,
            "incremental": s.complete && matches!(s.kind, SourceKind::Osv { .. }),
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
}
