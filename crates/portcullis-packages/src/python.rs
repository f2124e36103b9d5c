//! Python packages installed by pip (or by a distribution's packaging
//! tools): the core metadata of `*.dist-info/METADATA`,
//! `*.egg-info/PKG-INFO`, single-file `*.egg-info` and an unzipped egg's
//! `*.egg/EGG-INFO/PKG-INFO`, and the `RECORD`
//! file list beside a dist-info's METADATA.
//!
//! Formats (facts from the PyPA specifications "Core metadata
//! specifications" and "Recording installed projects"):
//!
//! - METADATA is a block of RFC 822 style headers (`Name: six`), a header
//!   continued on lines that start with a space or a tab, ended by the
//!   first empty line; the body after it (the long description) is not
//!   read. The headers are read as they stream, up to [`HEADER_CAP`]; the
//!   feed stops at the empty line, so a METADATA of any size costs at most
//!   the cap. Headers longer than the cap are read up to it, with a note.
//! - Licenses, raw: `License-Expression` (metadata 2.4) when present, else
//!   `License` when it is a short name rather than a license text — one
//!   line (no continuation lines), at most [`SHORT_LICENSE`] characters,
//!   not `UNKNOWN` (what old setuptools wrote for "none") — and then every
//!   `Classifier: License :: …`, as written.
//! - RECORD is CSV (`path,hash,size`), paths relative to the directory
//!   that holds the `.dist-info` (site-packages), `/` separated, `..`
//!   allowed (scripts in `../../../bin`). Each path is resolved against that
//!   directory and normalised (no leading `/`, `.` and `..` resolved, never
//!   above the root). It becomes an [`Attachment`] of kind `Files` named by
//!   the dist-info directory's name part, PEP 503 normalised
//!   (`charset-normalizer` for `charset_normalizer-3.3.2.dist-info`: wheels
//!   escape `-` to `_`, so METADATA's exact `Name` cannot be known from the
//!   RECORD alone; a join must compare PEP 503 normalised names, best
//!   within the same dist-info directory). Read whole up to [`RECORD_CAP`].
//!
//! `Name` is kept as METADATA writes it; normalisation is the purl's job.
//! egg-info `installed-files.txt` is not read.

use crate::catalog::{FileCataloger, Whole};
use crate::model::{Attachment, AttachmentKind, Ecosystem, Found, Package};

/// The most header bytes read from one METADATA / PKG-INFO (real ones hold
/// a few KiB of headers; the body is never read).
pub const HEADER_CAP: usize = 1 << 20;
/// The largest RECORD read (pip's own, one of the largest, is 80 KiB).
pub const RECORD_CAP: usize = 16 << 20;
/// The most entries kept from one RECORD.
pub const RECORD_MAX_ENTRIES: usize = 200_000;
/// A `License` value longer than this (in characters) is taken as a license
/// text, not a name, and not kept.
pub const SHORT_LICENSE: usize = 100;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    let (dir, file) = match path.rsplit_once('/') {
        Some((d, f)) => (d, f),
        None => ("", path),
    };
    let dir_name = dir.rsplit('/').next().unwrap_or(dir);
    let parent = dir.rsplit('/').nth(1).unwrap_or_default();
    let is_metadata = (file == "METADATA" && dir_name.ends_with(".dist-info"))
        || (file == "PKG-INFO" && dir_name.ends_with(".egg-info"))
        || (file == "PKG-INFO" && dir_name == "EGG-INFO" && parent.ends_with(".egg"))
        || (file.ends_with(".egg-info") && file.len() > ".egg-info".len());
    if is_metadata {
        return Some(Box::new(Headers::default()));
    }
    if file == "RECORD" && dir_name.ends_with(".dist-info") {
        return Some(Whole::new(path, size, RECORD_CAP, parse_record));
    }
    None
}

/// Reads a metadata file's header block as it streams, and stops at its end.
#[derive(Default)]
struct Headers {
    bytes: Vec<u8>,
    /// The header block ended (an empty line was seen).
    ended: bool,
    /// More than [`HEADER_CAP`] bytes of headers.
    capped: bool,
}

impl Headers {
    /// The end of the header block in `self.bytes`, if seen: the offset
    /// just past the empty line's start (`\n\n` or `\n\r\n`).
    fn end_of_headers(&self, from: usize) -> Option<usize> {
        let b = &self.bytes;
        let start = from.saturating_sub(2);
        let mut i = start;
        while let Some(off) = b.get(i..).and_then(|s| memchr::memchr(b'\n', s)) {
            let nl = i + off;
            let next = b.get(nl + 1..).unwrap_or_default();
            if next.first() == Some(&b'\n') || next.starts_with(b"\r\n") {
                return Some(nl + 1);
            }
            i = nl + 1;
        }
        // A file that starts with an empty line has no headers.
        if b.first() == Some(&b'\n') || b.starts_with(b"\r\n") {
            return Some(0);
        }
        None
    }
}

impl FileCataloger for Headers {
    fn chunk(&mut self, bytes: &[u8]) -> bool {
        let before = self.bytes.len();
        let room = HEADER_CAP - before;
        let take = bytes.get(..room.min(bytes.len())).unwrap_or_default();
        self.bytes.extend_from_slice(take);
        if let Some(end) = self.end_of_headers(before) {
            self.bytes.truncate(end);
            self.ended = true;
            return false;
        }
        if self.bytes.len() >= HEADER_CAP {
            self.capped = true;
            return false;
        }
        true
    }

    fn finish(self: Box<Self>, complete: bool) -> Found {
        let mut notes = Vec::new();
        let mut bytes = self.bytes.as_slice();
        if self.capped {
            notes.push(format!(
                "the metadata headers are longer than {} KiB: read the first {} KiB",
                HEADER_CAP >> 10,
                HEADER_CAP >> 10
            ));
        } else if !complete && !self.ended {
            notes.push(format!(
                "the file is truncated: read its first {} bytes",
                bytes.len()
            ));
        }
        if (self.capped || !complete) && !self.ended {
            // The last line may be cut: keep whole lines only.
            let keep = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
            bytes = bytes.get(..keep).unwrap_or_default();
        }
        let mut found = parse_metadata(bytes);
        notes.append(&mut found.notes);
        found.notes = notes;
        found
    }
}

/// The headers of a core metadata block, in order, continuation lines
/// joined with `\n` (the first line's value, then each continuation line
/// as written).
fn headers(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push('\n');
                value.push_str(line);
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            out.push((key.trim(), value.trim().to_owned()));
        }
    }
    out
}

/// A package from the bytes of a METADATA / PKG-INFO header block.
pub fn parse_metadata(bytes: &[u8]) -> Found {
    let mut found = Found::default();
    let text = crate::catalog::text(bytes, &mut found.notes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut name = None;
    let mut version = None;
    let mut expression = None;
    let mut license = None;
    let mut classifiers = Vec::new();
    for (key, value) in headers(text) {
        let first = |slot: &mut Option<String>| {
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.clone());
            }
        };
        match key.to_ascii_lowercase().as_str() {
            "name" => first(&mut name),
            "version" => first(&mut version),
            "license-expression" => first(&mut expression),
            "license" => first(&mut license),
            "classifier" if value.starts_with("License ::") => {
                let c = value.split('\n').next().unwrap_or_default().trim();
                classifiers.push(c.to_owned());
            }
            _ => {}
        }
    }
    let (Some(name), Some(version)) = (name, version) else {
        found
            .notes
            .push("no Name or no Version in the metadata: not a package".to_owned());
        return found;
    };
    let mut licenses = Vec::new();
    if let Some(e) = expression {
        licenses.push(e);
    } else if let Some(l) = license.filter(|l| is_short_license(l)) {
        licenses.push(l);
    }
    for c in classifiers {
        if !licenses.contains(&c) {
            licenses.push(c);
        }
    }
    found.packages.push(Package {
        ecosystem: Some(Ecosystem::Pypi),
        name,
        version,
        licenses,
        ..Package::default()
    });
    found
}

/// A `License` value that names a license rather than holding its text.
fn is_short_license(l: &str) -> bool {
    !l.contains('\n') && l.chars().count() <= SHORT_LICENSE && !l.eq_ignore_ascii_case("UNKNOWN")
}

/// The files a RECORD lists, as an attachment to its dist-info's package.
/// `path` is the RECORD's normalised path.
pub fn parse_record(path: &str, bytes: &[u8]) -> Found {
    let mut found = Found::default();
    // .../site-packages/NAME-VERSION.dist-info/RECORD
    let mut parts = path.rsplitn(3, '/');
    let _record = parts.next();
    let dist_info = parts.next().unwrap_or_default();
    let base = parts.next().unwrap_or_default();
    let stem = dist_info.strip_suffix(".dist-info").unwrap_or(dist_info);
    let name = stem.rsplit_once('-').map_or(stem, |(n, _)| n);
    if name.is_empty() {
        found
            .notes
            .push("the dist-info directory has no name".to_owned());
        return found;
    }
    let text = crate::catalog::text(bytes, &mut found.notes);
    let mut files = Vec::new();
    for line in text.lines() {
        let Some(entry) = csv_first_field(line) else {
            continue;
        };
        if files.len() >= RECORD_MAX_ENTRIES {
            found.notes.push(format!(
                "more than {RECORD_MAX_ENTRIES} entries: the rest not read"
            ));
            break;
        }
        if let Some(p) = resolve(base, &entry) {
            files.push(p);
        }
    }
    found.attachments.push(Attachment {
        ecosystem: Ecosystem::Pypi,
        name: pep503(name),
        arch: None,
        kind: AttachmentKind::Files(files),
    });
    found
}

/// A name PEP 503 normalised: lower case, each run of `-`, `_`, `.` one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The first field of a CSV line (Python's csv module: a field may be
/// quoted with `"`, a quote inside doubled). `None` for an empty line or
/// an empty field.
fn csv_first_field(line: &str) -> Option<String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let field = if let Some(rest) = line.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    out.push('"');
                } else {
                    break;
                }
            } else {
                out.push(c);
            }
        }
        out
    } else {
        line.split(',').next().unwrap_or_default().to_owned()
    };
    (!field.is_empty()).then_some(field)
}

/// `entry` (relative to `base`, or absolute) as a normalised path: relative
/// to the root, no leading `/`, `.` and `..` resolved (`..` at the root
/// stays at the root). `None` when nothing is left.
fn resolve(base: &str, entry: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    let start = if entry.starts_with('/') { "" } else { base };
    for seg in start.split('/').chain(entry.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    (!out.is_empty()).then(|| out.join("/"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn feed(path: &str, bytes: &[u8], step: usize) -> Found {
        let mut c = cataloger(path, bytes.len() as u64).unwrap();
        for piece in bytes.chunks(step) {
            if !c.chunk(piece) {
                break;
            }
        }
        c.finish(true)
    }

    #[test]
    fn which_files() {
        let yes = [
            "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
            "a/b.egg-info/PKG-INFO",
            "usr/lib/python3/dist-packages/pycairo-1.20.1.egg-info",
            "x/six-1.16.0.dist-info/RECORD",
            "site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO",
        ];
        for p in yes {
            assert!(cataloger(p, 10).is_some(), "{p}");
        }
        let no = [
            "x/six-1.16.0.dist-info/WHEEL",
            "x/METADATA",
            "x/b.egg-info/RECORD",
            "x/PKG-INFO",
            ".egg-info",
            "x/six.dist-info/METADATA/x",
            "x/EGG-INFO/PKG-INFO",
        ];
        for p in no {
            assert!(cataloger(p, 10).is_none(), "{p}");
        }
    }

    #[test]
    fn headers_stop_at_the_body() {
        let m = b"Metadata-Version: 2.1\r\nName: a\r\nVersion: 1\r\n\r\nLicense: not-a-header\n";
        for step in [1, 2, 3, 7, 100] {
            let f = feed("s/a-1.dist-info/METADATA", m, step);
            assert_eq!(f.packages.len(), 1);
            assert_eq!(f.packages[0].name, "a");
            assert!(f.packages[0].licenses.is_empty(), "{step}");
            assert!(f.notes.is_empty());
        }
    }

    #[test]
    fn license_rules() {
        let f = parse_metadata(
            b"Name: a\nVersion: 1\nLicense: MIT\nLicense-Expression: Apache-2.0\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Topic :: X\n",
        );
        assert_eq!(
            f.packages[0].licenses,
            ["Apache-2.0", "License :: OSI Approved :: MIT License"]
        );
        let f = parse_metadata(b"Name: a\nVersion: 1\nLicense: UNKNOWN\n");
        assert!(f.packages[0].licenses.is_empty());
        let long = format!("Name: a\nVersion: 1\nLicense: {}\n", "x".repeat(101));
        assert!(parse_metadata(long.as_bytes()).packages[0]
            .licenses
            .is_empty());
        let f = parse_metadata(b"Name: a\nVersion: 1\nLicense: BSD\n        \n        Copyright\n");
        assert!(f.packages[0].licenses.is_empty());
    }

    #[test]
    fn no_name_or_version() {
        let f = parse_metadata(b"Name: a\n");
        assert!(f.packages.is_empty());
        assert_eq!(f.notes.len(), 1);
        assert!(parse_metadata(b"").packages.is_empty());
        assert!(parse_metadata(b"\nName: a\nVersion: 1\n")
            .packages
            .is_empty());
    }

    #[test]
    fn pep503_names() {
        assert_eq!(pep503("Charset_Normalizer"), "charset-normalizer");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("a__-.b"), "a-b");
        assert_eq!(pep503("PyYAML"), "pyyaml");
    }

    #[test]
    fn record_paths() {
        let rec = b"six.py,sha256=x,1\n\"we,ird\"\"q.py\",,\n../../../bin/tool,sha256=y,2\n/usr/bin/abs,,\n../../../../../../../../../etc/x,,\n\n";
        let f = parse_record(
            "venv/lib/python3.11/site-packages/six-1.16.0.dist-info/RECORD",
            rec,
        );
        assert_eq!(
            f.attachments,
            [Attachment {
                ecosystem: Ecosystem::Pypi,
                name: "six".into(),
                arch: None,
                kind: AttachmentKind::Files(vec![
                    "venv/lib/python3.11/site-packages/six.py".into(),
                    "venv/lib/python3.11/site-packages/we,ird\"q.py".into(),
                    "venv/bin/tool".into(),
                    "usr/bin/abs".into(),
                    "etc/x".into(),
                ])
            }]
        );
    }

    #[test]
    fn hostile_metadata() {
        // 100 MiB of headers with no end: read up to the cap, a note, no panic.
        let mut c = cataloger("a-1.dist-info/METADATA", 100 << 20).unwrap();
        assert!(c.chunk(b"Name: a\nVersion: 1\n"));
        let line = b"Classifier: Topic :: Software Development :: Libraries\n".repeat(1000);
        let mut fed = 0usize;
        let mut stopped = false;
        while fed < 100 << 20 {
            if !c.chunk(&line) {
                stopped = true;
                break;
            }
            fed += line.len();
        }
        assert!(stopped && fed < 2 * HEADER_CAP, "fed {fed}");
        let f = c.finish(true);
        assert_eq!(f.packages.len(), 1);
        assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        // Not UTF-8: read, and a note.
        let f = parse_metadata(b"Name: caf\xe9\nVersion: 1\n");
        assert_eq!(f.packages[0].name, "caf\u{fffd}");
        assert_eq!(f.notes.len(), 1);
    }

    #[test]
    fn truncated_metadata() {
        let mut c = cataloger("a-1.dist-info/METADATA", 100).unwrap();
        assert!(c.chunk(b"Name: a\nVersion: 1.2\nLicense: MI"));
        let f = c.finish(false);
        assert_eq!(f.packages[0].version, "1.2");
        assert!(f.packages[0].licenses.is_empty());
        assert_eq!(f.notes.len(), 1);
    }
}
