//! The rpm header as the databases store it: the "header blob" without the
//! 8-byte magic of a package file's header. Facts from rpm's own
//! documentation (`docs/manual/format_header.md`, `lib/header.c`):
//!
//! ```text
//! il: u32 BE      number of index entries
//! dl: u32 BE      length of the data store
//! il × 16 bytes   entries: tag i32 BE, type u32 BE, offset i32 BE (into the
//!                 data store), count u32 BE
//! dl bytes        the data store
//! ```
//!
//! Types: 4 INT32 (big-endian, 4-aligned), 6 STRING (NUL-terminated),
//! 8 STRING_ARRAY (`count` NUL-terminated strings in a row), 9 I18NSTRING
//! (like a string array, the first is the C locale's). The region tags
//! (61–63) and every tag not read here are ignored.

use crate::model::{Ecosystem, Package, SourcePackage};

pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_EPOCH: u32 = 1003;
pub const TAG_LICENSE: u32 = 1014;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_OLDFILENAMES: u32 = 1027;
pub const TAG_SOURCERPM: u32 = 1044;
pub const TAG_DIRINDEXES: u32 = 1116;
pub const TAG_BASENAMES: u32 = 1117;
pub const TAG_DIRNAMES: u32 = 1118;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits (`lib/header_internal.h`: HEADER_TAGS_MAX, HEADER_DATA_MAX).
const MAX_ENTRIES: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;

/// The name rpm gives the public keys it imports (`rpmkeys --import`):
/// pseudo-packages, not software, and never reported.
pub const GPG_PUBKEY: &str = "gpg-pubkey";

#[derive(Clone, Copy)]
struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// One header blob, its index and data store checked against each other.
pub struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    /// Reads the index of a header blob. Trailing bytes after the data
    /// store are allowed (some stores pad); a blob shorter than its index
    /// and data store claim is an error.
    pub fn parse(blob: &'a [u8]) -> Result<Header<'a>, String> {
        let (il, dl) = match (be32(blob, 0), be32(blob, 4)) {
            (Some(il), Some(dl)) => (il as usize, dl as usize),
            _ => return Err(format!("a header of {} bytes is too short", blob.len())),
        };
        if il == 0 || il > MAX_ENTRIES || dl > MAX_DATA {
            return Err(format!(
                "a header claims {il} entries and {dl} bytes of data (not a header)"
            ));
        }
        let index_end = 8 + il * 16;
        let end = index_end + dl;
        if end > blob.len() {
            return Err(format!(
                "a header claims {end} bytes but holds {} (truncated)",
                blob.len()
            ));
        }
        let data = blob.get(index_end..end).unwrap_or_default();
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let (Some(tag), Some(kind), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err("a header's index is cut".to_owned());
            };
            entries.push(Entry {
                tag,
                kind,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().copied().find(|e| e.tag == tag)
    }

    /// A STRING (or the first of a STRING_ARRAY / I18NSTRING).
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        match e.kind {
            TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING if e.count >= 1 => {
                cstr(self.data, e.offset).map(|(s, _)| s)
            }
            _ => None,
        }
    }

    /// A STRING_ARRAY, every string of it (`None` when the entry is absent,
    /// of another type, or runs past the data store).
    pub fn strings(&self, tag: u32) -> Option<Vec<String>> {
        let e = self.entry(tag)?;
        if e.kind != TYPE_STRING_ARRAY && e.kind != TYPE_I18NSTRING && e.kind != TYPE_STRING {
            return None;
        }
        // Each string takes at least its NUL: a count beyond the data store
        // is a lie, refused before anything is allocated for it.
        if e.count > self.data.len() {
            return None;
        }
        let mut out = Vec::with_capacity(e.count);
        let mut at = e.offset;
        for _ in 0..e.count {
            let (s, next) = cstr(self.data, at)?;
            out.push(s);
            at = next;
        }
        Some(out)
    }

    /// An INT32 array.
    pub fn int32s(&self, tag: u32) -> Option<Vec<u32>> {
        let e = self.entry(tag)?;
        if e.kind != TYPE_INT32 {
            return None;
        }
        let len = e.count.checked_mul(4)?;
        let bytes = self.data.get(e.offset..e.offset.checked_add(len)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

/// The NUL-terminated string at `at`, and the offset after its NUL. Bytes
/// that are not UTF-8 are replaced (rpm headers are UTF-8 by policy, old
/// ones Latin-1 in places).
fn cstr(data: &[u8], at: usize) -> Option<(String, usize)> {
    let rest = data.get(at..)?;
    let len = memchr::memchr(0, rest)?;
    let s = rest.get(..len)?;
    Some((String::from_utf8_lossy(s).into_owned(), at + len + 1))
}

/// The package a header describes: `Ok(None)` for a `gpg-pubkey`
/// pseudo-package (skipped on purpose), `Err` for a header that cannot be
/// read (the note says why). `budget`: the bytes of file paths still to be
/// kept (a hostile header can make a few bytes of base names with long
/// directory names into far more path bytes); each path taken from it, the
/// list cut when it runs out.
pub fn package(blob: &[u8], budget: &mut usize) -> Result<Option<Package>, String> {
    let h = Header::parse(blob)?;
    let name = h
        .string(TAG_NAME)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| "a header without a NAME".to_owned())?;
    if name == GPG_PUBKEY {
        return Ok(None);
    }
    let version = h.string(TAG_VERSION).unwrap_or_default();
    let release = h.string(TAG_RELEASE).unwrap_or_default();
    let mut evr = match h.int32s(TAG_EPOCH).and_then(|e| e.first().copied()) {
        Some(epoch) => format!("{epoch}:{version}"),
        None => version,
    };
    if !release.is_empty() {
        evr.push('-');
        evr.push_str(&release);
    }
    let source = h.string(TAG_SOURCERPM).and_then(|s| source_rpm(&s));
    Ok(Some(Package {
        ecosystem: Some(Ecosystem::Rpm),
        name,
        version: evr,
        arch: h.string(TAG_ARCH).filter(|a| !a.is_empty()),
        licenses: h.string(TAG_LICENSE).into_iter().collect(),
        source,
        files: files(&h, budget),
        ..Package::default()
    }))
}

/// `openssl-3.0.7-27.el9.src.rpm` → `openssl`, `3.0.7-27.el9`: the name is
/// everything before the last two dashes (rpm names may hold dashes,
/// versions and releases may not).
pub fn source_rpm(s: &str) -> Option<SourcePackage> {
    let stem = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))
        .unwrap_or(s);
    let release_dash = stem.rfind('-')?;
    let version_dash = stem.get(..release_dash)?.rfind('-')?;
    let name = stem.get(..version_dash)?;
    let version = stem.get(version_dash + 1..)?;
    if name.is_empty() || stem.len() == release_dash + 1 || release_dash == version_dash + 1 {
        return None;
    }
    Some(SourcePackage {
        name: name.to_owned(),
        version: Some(version.to_owned()),
    })
}

/// The file list: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (rpm ≥ 4.0's
/// compressed file names), else the old FILENAMES; normalised (no leading
/// `/`). An index past the directory list drops that file.
fn files(h: &Header<'_>, budget: &mut usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut keep = |dir: &str, base: &str| {
        let dir = dir.trim_start_matches('/');
        let base = if dir.is_empty() {
            base.trim_start_matches('/')
        } else {
            base
        };
        let len = dir.len() + base.len();
        if len > *budget {
            *budget = 0;
            return false;
        }
        *budget -= len;
        out.push(format!("{dir}{base}"));
        true
    };
    if let Some(basenames) = h.strings(TAG_BASENAMES) {
        let dirnames = h.strings(TAG_DIRNAMES).unwrap_or_default();
        let indexes = h.int32s(TAG_DIRINDEXES).unwrap_or_default();
        for (base, &i) in basenames.iter().zip(indexes.iter()) {
            if let Some(dir) = dirnames.get(i as usize) {
                if !keep(dir, base) {
                    break;
                }
            }
        }
    } else {
        for f in h.strings(TAG_OLDFILENAMES).unwrap_or_default() {
            if !keep("", &f) {
                break;
            }
        }
    }
    out
}
