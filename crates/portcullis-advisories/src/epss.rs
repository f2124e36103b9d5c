//! EPSS scores (FIRST's Exploit Prediction Scoring System, the daily
//! `epss_scores-current.csv.gz`): a comment line
//! `#model_version:v2025.03.14,score_date:2025-09-03T12:55:00Z`, a header
//! `cve,epss,percentile`, then one line per CVE: `CVE-1999-0001,0.0142,0.7991`.
//!
//! A line that does not read (not a CVE id, a score outside 0..=1) is
//! skipped and counted; a file with no header and no score is not EPSS.

use std::collections::HashMap;
use std::io::BufRead;

use crate::db::format::cve_key;

/// More lines than this is not the EPSS file (about 300,000 in 2025).
pub const LINES_CAP: usize = 5_000_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub model_version: Option<String>,
    pub score_date: Option<String>,
    /// By [`cve_key`].
    pub scores: HashMap<u64, (f32, f32)>,
    /// Lines skipped, and the first of them.
    pub skipped: usize,
    pub first_skipped: Option<String>,
}

/// Whether these first bytes (decompressed) start an EPSS file.
pub fn looks_like(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.starts_with(b"#model_version") || head.starts_with(b"cve,epss")
}

/// Reads the CSV (already decompressed).
pub fn parse(reader: impl BufRead) -> Result<Scores, String> {
    let mut out = Scores::default();
    let mut header = false;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("cannot read: {e}"))?;
        if n >= LINES_CAP {
            return Err(format!("not an EPSS file: more than {LINES_CAP} lines"));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            for item in comment.split(',') {
                if let Some((k, v)) = item.split_once(':') {
                    match k.trim() {
                        "model_version" => {
                            out.model_version = Some(v.trim().chars().take(64).collect())
                        }
                        "score_date" => out.score_date = Some(v.trim().chars().take(64).collect()),
                        _ => {}
                    }
                }
            }
            continue;
        }
        if !header {
            if line.to_ascii_lowercase().starts_with("cve,epss,percentile") {
                header = true;
                continue;
            }
            return Err(format!(
                "not an EPSS file: line {} is not the `cve,epss,percentile` header",
                n + 1
            ));
        }
        let mut fields = line.split(',');
        let parsed = (|| {
            let key = cve_key(fields.next()?.trim())?;
            let score: f32 = fields.next()?.trim().parse().ok()?;
            let percentile: f32 = fields.next()?.trim().parse().ok()?;
            let ok = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
            (ok(score) && ok(percentile)).then_some((key, (score, percentile)))
        })();
        match parsed {
            Some((key, value)) => {
                out.scores.insert(key, value);
            }
            None => {
                out.skipped += 1;
                if out.first_skipped.is_none() {
                    out.first_skipped =
                        Some(format!("line {}: {}", n + 1, crate::osv::cut(line, 80)));
                }
            }
        }
    }
    if !header {
        return Err("not an EPSS file: no `cve,epss,percentile` header".into());
    }
    Ok(out)
}
