//! Reading a database file: checked once on open, then looked up in place.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range as Span;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::format::*;
use super::store::Entry;
use super::{
    Advisory, Affected, AffectedEntry, DbError, Event, EventKind, KevEntry, Meta, OwnedRange,
    Range, RangeKind, Record, Severity, Store, Timestamp,
};

/// An open database: the file checked whole on open; in memory, all of it
/// but the record text (read back from the open file a record's frame at a
/// time, each frame checked again by its own checksum), and where its
/// sections are.
pub struct Database {
    /// The file, or all of it but the record text at its end.
    bytes: Vec<u8>,
    file_len: usize,
    /// The open file, when the text stayed on disk.
    text_on_disk: Option<std::fs::File>,
    path: PathBuf,
    meta: Meta,
    sections: [Span<usize>; SECTION_COUNT as usize + 1],
    strings: usize,
    /// The string table's blocks, decompressed and checked as UTF-8 when
    /// first used (`None`: a block that does not decompress).
    string_blocks: Vec<OnceLock<Option<StringBlock>>>,
    /// Decompression contexts with the text dictionary loaded, made when
    /// first needed and reused (one per thread reading text at once, two
    /// for a record whose details are another's).
    decoders: Mutex<Vec<Decoder>>,
}

/// What matching needs of a record, from its in-memory part (format 3
/// keeps the facts out of the compressed text: reading a record's text for
/// each vulnerability found was most of a match's time).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordCore<'a> {
    /// Its place in the file.
    pub index: usize,
    pub id: DbStr<'a>,
    pub aliases: Vec<DbStr<'a>>,
    pub upstream: Vec<DbStr<'a>>,
    /// (type, score), as [`Severity`].
    pub severity: Vec<(&'a str, &'a str)>,
    /// The status and rating words of the record's `database_specific`
    /// ([`crate::matching::record_facts`]), compact JSON.
    pub facts: Option<&'a str>,
}

/// A string of the database's table with its id: ids order as the strings
/// do and are unique, so the matcher compares and sets these by id (no
/// byte comparisons) and looks related records up by it (no search).
#[derive(Clone, Copy, Debug)]
pub struct DbStr<'a> {
    pub id: u32,
    pub text: &'a str,
}

impl PartialEq for DbStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for DbStr<'_> {}

impl PartialOrd for DbStr<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DbStr<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(&other.id)
    }
}

/// What a finding shows of a record (its display frame).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Display {
    /// As the record has it (blank ones too).
    pub summary: Option<String>,
    /// Without a summary that is not blank: the first sentence of the
    /// details ([`crate::matching::first_sentence`]).
    pub sentence: Option<String>,
    /// The first `ADVISORY` reference, else the first reference.
    pub url: Option<String>,
}

/// A decompressed display frame.
fn display(raw: &[u8]) -> Option<Display> {
    let mut c = Cursor::new(raw);
    let mut opt = || -> Option<Option<String>> {
        Some(match c.byte()? {
            0 => None,
            _ => Some(string(c.bytes()?)),
        })
    };
    Some(Display {
        summary: opt()?,
        sentence: opt()?,
        url: opt()?,
    })
}

/// A decompressed block of the string table: its strings one after
/// another, checked as UTF-8 once (a lookup then only slices), and where
/// each ends.
struct StringBlock {
    text: Box<str>,
    /// String `i` is `text[bounds[i]..bounds[i + 1]]`.
    bounds: Box<[u32]>,
}

impl StringBlock {
    /// The raw block (count, offsets, bytes: see [`super::format`]).
    fn decode(raw: &[u8]) -> Option<StringBlock> {
        let count = (u32_at(raw, 0)? as usize).min(STRINGS_PER_BLOCK);
        let base = 4 + (count + 1) * 4;
        let bounds: Vec<u32> = (0..=count)
            .map(|i| u32_at(raw, 4 + i * 4))
            .collect::<Option<_>>()?;
        let bytes = raw.get(base..)?;
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Some(StringBlock {
                text: text.into(),
                bounds: bounds.into(),
            });
        }
        // Not UTF-8 as a whole (a file made to pass the checksum): each
        // string that is valid kept, the others empty.
        let mut text = String::with_capacity(bytes.len());
        let mut fixed = Vec::with_capacity(bounds.len());
        fixed.push(0u32);
        for w in bounds.windows(2) {
            let one = bytes
                .get(w[0] as usize..w[1] as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            text.push_str(one);
            fixed.push(u32::try_from(text.len()).ok()?);
        }
        Some(StringBlock {
            text: text.into(),
            bounds: fixed.into(),
        })
    }

    fn len(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    fn get(&self, i: usize) -> Option<&str> {
        let start = *self.bounds.get(i)? as usize;
        let end = *self.bounds.get(i + 1)? as usize;
        self.text.get(start..end)
    }

    /// String `i`'s bytes, for the search (no char-boundary checks).
    fn bytes(&self, i: usize) -> Option<&[u8]> {
        let start = *self.bounds.get(i)? as usize;
        let end = *self.bounds.get(i + 1)? as usize;
        self.text.as_bytes().get(start..end)
    }
}

/// A decompression context with the text dictionary loaded, and its
/// buffers (a frame as read, its text), kept between reads.
struct Decoder {
    context: zstd::bulk::Decompressor<'static>,
    frame: Vec<u8>,
    text: Vec<u8>,
}

/// Where a record's text frames are read from: the open file (or the
/// bytes in memory), or all of TEXT_DATA read at once (a whole-file pass).
#[derive(Clone, Copy)]
enum TextFrom<'a> {
    File,
    Memory(&'a [u8]),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .field("len", &self.file_len)
            .field("counts", &self.meta.counts)
            .finish()
    }
}

/// A database file read for opening: the bytes kept in memory (all of the
/// file, or all but the record text at its end, which stays on disk and is
/// read a block at a time), and the body's CRC-32 when it was computed
/// while reading.
struct Loaded {
    bytes: Vec<u8>,
    file_len: usize,
    crc: Option<crc32fast::Hasher>,
    file: Option<std::fs::File>,
}

/// Reads the file for [`Database::open`]. Small files are read whole.
/// Larger ones: the header and section directory first; then everything up
/// to the record text (the last section, as our writer lays it out) is read
/// into memory by two threads, the second of which also streams the text
/// through a small buffer. Every byte of the body passes through the
/// CRC-32 (each thread's part, combined in order), but the text, most of
/// the file, costs no fresh memory: on this kind of machine page faults on
/// new memory, not the copy, are what reading costs.
fn read_file(path: &Path) -> std::io::Result<Loaded> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    // The format's offsets are 32-bit: no database of ours is this large.
    if len > 5 << 30 {
        return Err(std::io::Error::other(format!(
            "{len} bytes is larger than any advisory database (not one)"
        )));
    }
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len < (8 << 20) || cfg!(not(unix)) {
        let mut bytes = Vec::with_capacity(len.min(1 << 30));
        file.read_to_end(&mut bytes)?;
        return Ok(Loaded {
            file_len: bytes.len(),
            bytes,
            crc: None,
            file: None,
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let mut head = [0u8; HEADER_LEN];
        file.read_exact_at(&mut head, 0)?;
        // Where the text starts, if it is the file's tail; else all of the
        // file stays in memory (not our layout: from_bytes judges it).
        let count = (u32_at(&head, 12).unwrap_or(0) as usize).min(64);
        let mut dir = vec![0u8; count * DIR_ENTRY_LEN];
        file.read_exact_at(&mut dir, HEADER_LEN as u64)?;
        let body_len = len - HEADER_LEN;
        let text_start = (0..count)
            .find(|&i| u32_at(&dir, i * DIR_ENTRY_LEN) == Some(TEXT_DATA))
            .and_then(|i| {
                let off = u64_at(&dir, i * DIR_ENTRY_LEN + 8)?;
                let n = u64_at(&dir, i * DIR_ENTRY_LEN + 16)?;
                (off.checked_add(n)? == body_len as u64 && off as usize >= dir.len())
                    .then_some(HEADER_LEN + off as usize)
            })
            .unwrap_or(len);
        let mut bytes = vec![0u8; text_start];
        bytes[..HEADER_LEN].copy_from_slice(&head);
        let resident = text_start - HEADER_LEN;
        let tail = len - text_start;
        // Reading into new memory costs about five times streaming.
        let first_len = ((resident + tail / 5) / 2).min(resident);
        let (a, b) = bytes[HEADER_LEN..].split_at_mut(first_len);
        let file_ref = &file;
        let (ha, hb) = std::thread::scope(|s| {
            let second = s.spawn(move || -> std::io::Result<crc32fast::Hasher> {
                file_ref.read_exact_at(b, (HEADER_LEN + first_len) as u64)?;
                let mut h = crc32fast::Hasher::new();
                h.update(b);
                let mut buf = vec![0u8; 1 << 20];
                let mut at = text_start;
                while at < len {
                    let n = (len - at).min(buf.len());
                    file_ref.read_exact_at(&mut buf[..n], at as u64)?;
                    h.update(&buf[..n]);
                    at += n;
                }
                Ok(h)
            });
            let first = (|| -> std::io::Result<crc32fast::Hasher> {
                file_ref.read_exact_at(a, HEADER_LEN as u64)?;
                let mut h = crc32fast::Hasher::new();
                h.update(a);
                Ok(h)
            })();
            let second = second
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("reader thread failed")));
            (first, second)
        });
        let (mut ha, hb) = (ha?, hb?);
        ha.combine(&hb);
        Ok(Loaded {
            bytes,
            file_len: len,
            crc: Some(ha),
            file: (text_start < len).then_some(file),
        })
    }
    #[cfg(not(unix))]
    unreachable!()
}

impl Database {
    /// Opens and checks the database file (see [`super::format`]): the
    /// whole file is read and its checksum verified; nothing is decoded but
    /// the small metadata section.
    pub fn open(path: &Path) -> Result<Database, DbError> {
        let shown = path.display();
        let loaded = read_file(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DbError::new(format!(
                "{shown}: no advisory database here (run `portcullis db update`, or `db import` on a machine without network)"
            )),
            _ => DbError::new(format!("{shown}: cannot read the advisory database: {e}")),
        })?;
        Database::from_loaded(loaded, path)
    }

    /// [`Database::open`] on bytes already in memory (`path` names them in
    /// errors).
    pub fn from_vec(bytes: Vec<u8>, path: &Path) -> Result<Database, DbError> {
        Database::from_loaded(
            Loaded {
                file_len: bytes.len(),
                bytes,
                crc: None,
                file: None,
            },
            path,
        )
    }

    fn from_loaded(loaded: Loaded, path: &Path) -> Result<Database, DbError> {
        let Loaded {
            bytes,
            file_len,
            crc: body_crc,
            file,
        } = loaded;
        let shown = path.display();
        let bad = |what: &str| {
            DbError::new(format!(
                "{shown}: not a usable advisory database: {what} (run `portcullis db update` to rebuild it)"
            ))
        };
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(
                if bytes.starts_with(b"PCADVDB")
                    || bytes.len() < HEADER_LEN && MAGIC.starts_with(&bytes)
                {
                    bad("the file is truncated or damaged")
                } else {
                    DbError::new(format!(
                        "{shown}: not a portcullis advisory database (wrong magic)"
                    ))
                },
            );
        }
        let header_crc = u32_at(&bytes, 28).unwrap_or(0);
        if crc32fast::hash(&bytes[..28]) != header_crc {
            return Err(bad(
                "its header checksum does not match (the file is damaged)",
            ));
        }
        let version = u32_at(&bytes, 8).unwrap_or(0);
        if version == 1 {
            return Err(DbError::new(format!(
                "{shown}: an advisory database in format version 1, which this portcullis no longer reads (run `portcullis db update`, or `portcullis db import` again, to rebuild it)"
            )));
        }
        if version != VERSION {
            return Err(DbError::new(format!(
                "{shown}: advisory database format version {version}, this portcullis reads version {VERSION} (run `portcullis db update` to rebuild it)"
            )));
        }
        let section_count = u32_at(&bytes, 12).unwrap_or(0) as usize;
        let body_len = u64_at(&bytes, 16).unwrap_or(0);
        let file_body = file_len.saturating_sub(HEADER_LEN);
        if body_len != file_body as u64 {
            return Err(bad(&format!(
                "the header says {body_len} bytes of body, the file has {file_body} (truncated or extended)"
            )));
        }
        // The part of the body in memory (all of it, or all but the text).
        let body = &bytes[HEADER_LEN..];
        let crc = match body_crc {
            Some(h) => h.finalize(),
            None => crc32fast::hash(body),
        };
        if crc != u32_at(&bytes, 24).unwrap_or(0) {
            return Err(bad("its checksum does not match (the file is damaged)"));
        }
        if section_count != SECTION_COUNT as usize || section_count * DIR_ENTRY_LEN > body.len() {
            return Err(bad("its section directory is not this format's"));
        }
        let mut sections: [Span<usize>; SECTION_COUNT as usize + 1] = Default::default();
        let mut seen = [false; SECTION_COUNT as usize + 1];
        for i in 0..section_count {
            let at = i * DIR_ENTRY_LEN;
            let kind = u32_at(body, at).unwrap_or(0);
            let off = u64_at(body, at + 8).unwrap_or(u64::MAX);
            let len = u64_at(body, at + 16).unwrap_or(u64::MAX);
            let end = off.saturating_add(len);
            let k = kind as usize;
            if k == 0 || k > SECTION_COUNT as usize || seen[k] {
                return Err(bad(&format!("section kind {kind} is unknown or repeated")));
            }
            if off < (section_count * DIR_ENTRY_LEN) as u64 || end > file_body as u64 {
                return Err(bad(&format!("section {kind} lies outside the file")));
            }
            // Only the text may stay on disk.
            if kind != TEXT_DATA && end > body.len() as u64 {
                return Err(bad(&format!("section {kind} lies outside the file")));
            }
            let width = entry_len(kind);
            if width > 0 && !len.is_multiple_of(width as u64) {
                return Err(bad(&format!(
                    "section {kind}'s length is not a whole number of entries"
                )));
            }
            seen[k] = true;
            sections[k] = (HEADER_LEN + off as usize)..(HEADER_LEN + end as usize);
        }
        let meta: Meta = serde_json::from_slice(&bytes[sections[META as usize].clone()])
            .map_err(|e| bad(&format!("its metadata does not read: {e}")))?;
        let blocks = sections[STR_INDEX as usize].len() / entry_len(STR_INDEX);
        let strings = usize::try_from(meta.counts.strings).unwrap_or(usize::MAX);
        if strings.div_ceil(STRINGS_PER_BLOCK) != blocks {
            return Err(bad("its string table does not match its counts"));
        }
        let text_on_disk = file.filter(|_| sections[TEXT_DATA as usize].end > bytes.len());
        Ok(Database {
            bytes,
            file_len,
            text_on_disk,
            path: path.to_owned(),
            meta,
            sections,
            strings,
            string_blocks: (0..blocks).map(|_| OnceLock::new()).collect(),
            decoders: Mutex::new(Vec::new()),
        })
    }

    /// Where [`Database::open`] looks by default (see [`super::default_path`]).
    pub fn default_path() -> Option<PathBuf> {
        super::default_path()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole file's bytes, checked again (`db export`): the text is
    /// read back from the open file when it stayed on disk.
    pub fn file_bytes(&self) -> Result<Vec<u8>, DbError> {
        let mut all = self.bytes.clone();
        #[cfg(unix)]
        if let Some(file) = &self.text_on_disk {
            use std::os::unix::fs::FileExt;
            let start = all.len();
            all.resize(self.file_len, 0);
            file.read_exact_at(&mut all[start..], start as u64)
                .map_err(|e| DbError::new(format!("{}: cannot read: {e}", self.path.display())))?;
        }
        if all.len() != self.file_len
            || crc32fast::hash(&all[HEADER_LEN..]) != u32_at(&all, 24).unwrap_or(0)
        {
            return Err(DbError::new(format!(
                "{}: the file changed since it was opened",
                self.path.display()
            )));
        }
        Ok(all)
    }

    /// The file's size in bytes.
    pub fn len(&self) -> usize {
        self.file_len
    }

    pub fn is_empty(&self) -> bool {
        self.meta.counts.records == 0 && !self.has_kev() && !self.has_epss()
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    fn section(&self, kind: u32) -> &[u8] {
        self.sections
            .get(kind as usize)
            .and_then(|s| self.bytes.get(s.clone()))
            .unwrap_or_default()
    }

    /// Field `field` (u32) of entry `i` of a fixed-size table.
    fn field(&self, kind: u32, i: usize, field: usize) -> Option<u32> {
        let width = entry_len(kind);
        u32_at(self.section(kind), i.checked_mul(width)? + field * 4)
    }

    fn entries(&self, kind: u32) -> usize {
        self.section(kind).len() / entry_len(kind).max(1)
    }

    /// String block `b`, decompressed (once).
    fn string_block(&self, b: usize) -> Option<&StringBlock> {
        let cell = self.string_blocks.get(b)?;
        cell.get_or_init(|| {
            let at = self.field(STR_INDEX, b, 0)? as usize;
            let clen = self.field(STR_INDEX, b, 1)? as usize;
            let raw = self.field(STR_INDEX, b, 2)? as usize;
            let data = self.section(STR_DATA).get(at..at.checked_add(clen)?)?;
            // A block of 1,024 strings of at most a few KiB each.
            if raw > 64 << 20 {
                return None;
            }
            StringBlock::decode(&zstd::bulk::decompress(data, raw).ok()?)
        })
        .as_ref()
    }

    /// String `id`; empty if the id or its bytes are not valid.
    fn str(&self, id: u32) -> &str {
        let id = id as usize;
        self.string_block(id / STRINGS_PER_BLOCK)
            .and_then(|b| b.get(id % STRINGS_PER_BLOCK))
            .unwrap_or("")
    }

    /// String `id` of the table (an [`Affected::version_ids`] entry);
    /// empty if the id is not valid.
    pub fn string(&self, id: u32) -> &str {
        self.str(id)
    }

    /// The id of string `s` in the table, if the file holds it.
    pub fn string_id(&self, s: &str) -> Option<u32> {
        self.find_str(s)
    }

    fn db_str(&self, id: u32) -> DbStr<'_> {
        DbStr {
            id,
            text: self.str(id),
        }
    }

    /// The first string of block `b`, from the uncompressed keys.
    fn block_key(&self, b: usize) -> &[u8] {
        let (Some(at), Some(len)) = (self.field(STR_INDEX, b, 3), self.field(STR_INDEX, b, 4))
        else {
            return &[];
        };
        self.section(STR_KEYS)
            .get(at as usize..(at as usize).saturating_add(len as usize))
            .unwrap_or_default()
    }

    /// The id of string `s`, if the file holds it: the block by its first
    /// string, then the string within the block.
    fn find_str(&self, s: &str) -> Option<u32> {
        let blocks = self.string_blocks.len();
        // The last block whose first string is not greater than `s`.
        let (mut lo, mut hi) = (0usize, blocks);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.block_key(mid) <= s.as_bytes() {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let b = lo.checked_sub(1)?;
        let block = self.string_block(b)?;
        let (mut lo, mut hi) = (0usize, block.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match block.bytes(mid)?.cmp(s.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let id = b * STRINGS_PER_BLOCK + mid;
                    return (id < self.strings).then_some(id as u32);
                }
            }
        }
        None
    }

    /// The first entry of a table sorted by its first u32 field whose key is
    /// not less than `key`, within `lo..hi`.
    fn lower_bound(
        &self,
        kind: u32,
        mut lo: usize,
        mut hi: usize,
        key: u32,
        field: usize,
    ) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.field(kind, mid, field).unwrap_or(u32::MAX) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The distinct OSV ecosystem strings that have affected entries.
    pub fn ecosystems(&self) -> impl Iterator<Item = &str> {
        (0..self.entries(ECOSYSTEMS))
            .filter_map(|i| self.field(ECOSYSTEMS, i, 0).map(|id| self.str(id)))
    }

    /// Every affected entry for a package: `ecosystem` is the exact OSV
    /// ecosystem string (`Debian:12`), `name` as [`super::normalize_name`]
    /// gives it. In record-id order.
    pub fn affected(&self, ecosystem: &str, name: &str) -> AffectedIter<'_> {
        self.affected_named(ecosystem, name, true)
    }

    /// [`Database::affected`] with each entry's `advisory` left empty (its
    /// [`Affected::record`] names it: [`Database::record_id`]), for the
    /// matcher, which needs the names of the entries that hit only.
    pub fn affected_unnamed(&self, ecosystem: &str, name: &str) -> AffectedIter<'_> {
        self.affected_named(ecosystem, name, false)
    }

    fn affected_named(&self, ecosystem: &str, name: &str, named: bool) -> AffectedIter<'_> {
        let span = self.package_span(ecosystem, name).unwrap_or((0, 0, 0));
        AffectedIter {
            db: self,
            // The ecosystem's string, by the id the span was found with.
            ecosystem: if span.2 > 0 {
                self.str(span.1 as u32)
            } else {
                ""
            },
            at: span.0,
            left: span.2,
            named,
        }
    }

    /// (offset in AFFECTED, the ecosystem's string id, count) of a package.
    fn package_span(&self, ecosystem: &str, name: &str) -> Option<(usize, usize, usize)> {
        let eco = self.find_str(ecosystem)?;
        let (at, count) = self.package_span_of(eco, name)?;
        Some((at, eco as usize, count))
    }

    /// (offset in AFFECTED, count) of a package, its ecosystem by id.
    fn package_span_of(&self, eco: u32, name: &str) -> Option<(usize, usize)> {
        let name = self.find_str(name)?;
        let ecos = self.entries(ECOSYSTEMS);
        let e = self.lower_bound(ECOSYSTEMS, 0, ecos, eco, 0);
        if self.field(ECOSYSTEMS, e, 0)? != eco {
            return None;
        }
        let first = self.field(ECOSYSTEMS, e, 1)? as usize;
        let count = self.field(ECOSYSTEMS, e, 2)? as usize;
        let end = first.checked_add(count)?.min(self.entries(PACKAGES));
        let p = self.lower_bound(PACKAGES, first.min(end), end, name, 0);
        if p >= end || self.field(PACKAGES, p, 0)? != name {
            return None;
        }
        Some((
            self.field(PACKAGES, p, 1)? as usize,
            self.field(PACKAGES, p, 2)? as usize,
        ))
    }

    /// Record `index`'s id and blob.
    fn record_at(&self, index: usize) -> Option<(&str, &[u8])> {
        self.record_keyed(index).map(|(id, blob)| (id.text, blob))
    }

    /// [`Database::record_at`] with the id's string id.
    fn record_keyed(&self, index: usize) -> Option<(DbStr<'_>, &[u8])> {
        let id = self.field(RECORD_INDEX, index, 0)?;
        let start = self.field(RECORD_INDEX, index, 1)? as usize;
        let end = match self.field(RECORD_INDEX, index + 1, 1) {
            Some(next) => next as usize,
            None => self.section(RECORDS).len(),
        };
        Some((self.db_str(id), self.section(RECORDS).get(start..end)?))
    }

    fn record_index(&self, id: &str) -> Option<usize> {
        let sid = self.find_str(id)?;
        let n = self.entries(RECORD_INDEX);
        let i = self.lower_bound(RECORD_INDEX, 0, n, sid, 0);
        (self.field(RECORD_INDEX, i, 0)? == sid).then_some(i)
    }

    /// The record `id` (not withdrawn), without its affected entries.
    pub fn advisory(&self, id: &str) -> Option<Advisory> {
        self.advisory_at(self.record_index(id)?, Some(TextFrom::File))
    }

    /// The record `id` without its text: `summary`, `details`,
    /// `database_specific` and `references` are left empty, nothing is
    /// read from the file or decompressed (for callers that need only the
    /// ids, aliases, upstream, related, severity and times).
    pub fn advisory_core(&self, id: &str) -> Option<Advisory> {
        self.advisory_at(self.record_index(id)?, None)
    }

    /// The id of record `index` (its place in the file).
    pub fn record_id(&self, index: usize) -> Option<&str> {
        self.record_at(index).map(|(id, _)| id)
    }

    /// [`Database::record_id`] with its string id.
    pub fn record_key(&self, index: usize) -> Option<DbStr<'_>> {
        self.record_keyed(index).map(|(id, _)| id)
    }

    /// The place of record `id` in the file, for [`Database::record_core`].
    pub fn record_of(&self, id: &str) -> Option<usize> {
        self.record_index(id)
    }

    /// What matching reads of record `index` (see [`RecordCore`]),
    /// borrowed from the database: nothing is allocated for its strings,
    /// no text read or decompressed.
    pub fn record_core(&self, index: usize) -> Option<RecordCore<'_>> {
        self.record_core_with(index, true)
    }

    /// [`Database::record_core`] without its aliases and upstream (left
    /// empty): what a severity needs of a related record.
    pub fn record_scores(&self, index: usize) -> Option<RecordCore<'_>> {
        self.record_core_with(index, false)
    }

    fn record_core_with(&self, index: usize, ids: bool) -> Option<RecordCore<'_>> {
        let (id, blob) = self.record_keyed(index)?;
        let mut c = Cursor::new(blob);
        for _ in 0..4 {
            c.varint()?;
        }
        time(&mut c)?;
        if c.byte()? != 0 {
            time(&mut c)?;
        }
        let (aliases, upstream) = if ids {
            (self.str_refs(&mut c)?, self.str_refs(&mut c)?)
        } else {
            for _ in 0..2 {
                for _ in 0..c.count(1)? {
                    c.u32v()?;
                }
            }
            (Vec::new(), Vec::new())
        };
        for _ in 0..c.count(1)? {
            c.u32v()?;
        }
        let n = c.count(2)?;
        let mut severity = Vec::with_capacity(n);
        for _ in 0..n {
            severity.push((self.str(c.u32v()?), self.str(c.u32v()?)));
        }
        c.varint()?;
        let facts = match c.byte()? {
            0 => None,
            _ => Some(self.str(c.u32v()?)),
        };
        Some(RecordCore {
            index,
            id,
            aliases,
            upstream,
            severity,
            facts,
        })
    }

    /// What a finding of record `index` shows, from its display frame
    /// (one small frame read and decompressed; `None`: none, or it does
    /// not decode).
    pub fn record_display(&self, index: usize) -> Option<Display> {
        let (_, blob) = self.record_at(index)?;
        let mut c = Cursor::new(blob);
        c.varint()?;
        c.varint()?;
        let frame = (c.varint()?, c.varint()?);
        if frame.1 == 0 {
            return None;
        }
        self.with_text_frame(frame, TextFrom::File, display)
    }

    fn str_refs(&self, c: &mut Cursor<'_>) -> Option<Vec<DbStr<'_>>> {
        let n = c.count(1)?;
        (0..n).map(|_| Some(self.db_str(c.u32v()?))).collect()
    }

    /// Record `index`; its text read from `text` (`None`: no text).
    fn advisory_at(&self, index: usize, text: Option<TextFrom<'_>>) -> Option<Advisory> {
        let (id, blob) = self.record_at(index)?;
        let mut c = Cursor::new(blob);
        let frame = (c.varint()?, c.varint()?);
        let display_frame = (c.varint()?, c.varint()?);
        let modified = time(&mut c)?;
        let published = match c.byte()? {
            0 => None,
            _ => Some(time(&mut c)?),
        };
        let aliases = self.str_list(&mut c)?;
        let upstream = self.str_list(&mut c)?;
        let related = self.str_list(&mut c)?;
        let severity = self.severity(&mut c)?;
        let mut advisory = Advisory {
            id: id.to_owned(),
            aliases,
            upstream,
            related,
            summary: None,
            details: None,
            published,
            modified,
            severity,
            database_specific: None,
            references: Vec::new(),
        };
        if let Some(from) = text {
            // Text that does not decode (a file changed since it was
            // opened, or one made to pass the checksum) is left out.
            // Its two frames read as one text: either does not decode,
            // none of it.
            let shown = match display_frame.1 {
                0 => Some(Display::default()),
                _ => self.with_text_frame(display_frame, from, display),
            };
            match shown {
                Some(shown) if self.read_text(&mut advisory, frame, from).is_some() => {
                    advisory.summary = shown.summary;
                }
                _ => {
                    advisory.details = None;
                    advisory.database_specific = None;
                    advisory.references = Vec::new();
                }
            }
        }
        Some(advisory)
    }

    /// Decodes the text of frame `(at, len)` into `advisory`.
    fn read_text(
        &self,
        advisory: &mut Advisory,
        frame: (u64, u64),
        from: TextFrom<'_>,
    ) -> Option<()> {
        if frame.1 == 0 {
            return Some(());
        }
        self.with_text_frame(frame, from, |text| {
            let mut t = Cursor::new(text);
            let opt = |t: &mut Cursor<'_>| -> Option<Option<String>> {
                Some(match t.byte()? {
                    0 => None,
                    _ => Some(string(t.bytes()?)),
                })
            };
            let details = match t.byte()? {
                0 => None,
                1 => Some(string(t.bytes()?)),
                _ => {
                    // The same description as an earlier record's: in that
                    // record's text.
                    let holder = usize::try_from(t.varint()?).ok()?;
                    let (at, len) = (t.varint()?, t.varint()?);
                    let (at, len) = (usize::try_from(at).ok()?, usize::try_from(len).ok()?);
                    let (_, blob) = self.record_at(holder)?;
                    let mut h = Cursor::new(blob);
                    let holder_frame = (h.varint()?, h.varint()?);
                    // Not there: none of this record's text either.
                    Some(self.with_text_frame(holder_frame, from, |shared| {
                        shared.get(at..at.checked_add(len)?).map(string)
                    })?)
                }
            };
            let database_specific = opt(&mut t)?;
            let n = t.count(2)?;
            let mut references = Vec::with_capacity(n);
            for _ in 0..n {
                let kind = string(t.bytes()?);
                let url = string(t.bytes()?);
                references.push((kind, url));
            }
            advisory.details = details;
            advisory.database_specific = database_specific;
            advisory.references = references;
            Some(())
        })
    }

    /// `f` of the text frame at `at` (`len` bytes) in TEXT_DATA,
    /// decompressed; `None` if it does not decode (zstd checks the frame's
    /// content checksum).
    fn with_text_frame<R>(
        &self,
        (at, len): (u64, u64),
        from: TextFrom<'_>,
        f: impl FnOnce(&[u8]) -> Option<R>,
    ) -> Option<R> {
        let span = self.sections.get(TEXT_DATA as usize)?;
        let at = usize::try_from(at).ok()?;
        let len = usize::try_from(len).ok()?;
        let end = at.checked_add(len)?;
        if end > span.len() {
            return None;
        }
        let pooled = self
            .decoders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut decoder = match pooled {
            Some(d) => d,
            None => Decoder {
                context: zstd::bulk::Decompressor::with_dictionary(self.section(TEXT_DICT)).ok()?,
                frame: Vec::new(),
                text: Vec::new(),
            },
        };
        let result = self
            .decode_frame(&mut decoder, span.start, at..end, from)
            .and_then(|()| f(&decoder.text));
        // Buffers grown by an unusually large text are not kept.
        if decoder.frame.capacity() + decoder.text.capacity() <= 256 << 10 {
            let mut pool = self.decoders.lock().unwrap_or_else(PoisonError::into_inner);
            if pool.len() < 8 {
                pool.push(decoder);
            }
        }
        result
    }

    /// Reads the frame at `frame` (of TEXT_DATA, which starts at `start`)
    /// into the decoder and decompresses it into its `text`.
    fn decode_frame(
        &self,
        decoder: &mut Decoder,
        start: usize,
        frame: Span<usize>,
        from: TextFrom<'_>,
    ) -> Option<()> {
        let buf = &mut decoder.frame;
        buf.clear();
        buf.extend_from_slice(&ZSTD_MAGIC);
        match (from, &self.text_on_disk) {
            (TextFrom::Memory(data), _) => buf.extend_from_slice(data.get(frame)?),
            #[cfg(unix)]
            (TextFrom::File, Some(file)) => {
                use std::os::unix::fs::FileExt;
                buf.resize(ZSTD_MAGIC.len() + frame.len(), 0);
                file.read_exact_at(&mut buf[ZSTD_MAGIC.len()..], (start + frame.start) as u64)
                    .ok()?;
            }
            #[cfg(not(unix))]
            (TextFrom::File, Some(_)) => return None,
            (TextFrom::File, None) => {
                buf.extend_from_slice(self.bytes.get(start + frame.start..start + frame.end)?)
            }
        }
        let raw = zstd::zstd_safe::get_frame_content_size(buf).ok()??;
        if raw > TEXT_RAW_MAX {
            return None;
        }
        let raw = raw as usize;
        decoder.text.clear();
        decoder.text.reserve(raw);
        let done = decoder
            .context
            .decompress_to_buffer(buf.as_slice(), &mut decoder.text)
            .ok()?;
        (done == raw).then_some(())
    }

    fn str_list(&self, c: &mut Cursor<'_>) -> Option<Vec<String>> {
        let n = c.count(1)?;
        (0..n)
            .map(|_| Some(self.str(c.u32v()?).to_owned()))
            .collect()
    }

    fn severity(&self, c: &mut Cursor<'_>) -> Option<Vec<Severity>> {
        let n = c.count(2)?;
        (0..n)
            .map(|_| {
                Some(Severity {
                    kind: self.str(c.u32v()?).to_owned(),
                    score: self.str(c.u32v()?).to_owned(),
                })
            })
            .collect()
    }

    /// Ids of the records whose id, aliases or upstream include `id`.
    pub fn related(&self, id: &str) -> RelatedIter<'_> {
        match self.find_str(id) {
            Some(sid) => self.related_by_id(sid),
            None => RelatedIter {
                db: self,
                at: 0,
                end: 0,
            },
        }
    }

    /// [`Database::related`] of string `sid` (no string search).
    fn related_by_id(&self, sid: u32) -> RelatedIter<'_> {
        let n = self.entries(ALIASES);
        let at = self.lower_bound(ALIASES, 0, n, sid, 0);
        let end = match sid.checked_add(1) {
            Some(next) => self.lower_bound(ALIASES, at, n, next, 0),
            None => n,
        };
        RelatedIter { db: self, at, end }
    }

    /// The KEV entry of a CVE id.
    pub fn kev(&self, cve: &str) -> Option<KevEntry> {
        let n = self.entries(KEV);
        // No catalog: no string search.
        if n == 0 {
            return None;
        }
        let sid = self.find_str(cve)?;
        let i = self.lower_bound(KEV, 0, n, sid, 0);
        if self.field(KEV, i, 0)? != sid {
            return None;
        }
        self.kev_at(i)
    }

    fn kev_at(&self, i: usize) -> Option<KevEntry> {
        let s = |f: usize| Some(self.str(self.field(KEV, i, f)?).to_owned());
        let cwes = s(9)?;
        Some(KevEntry {
            cve: s(0)?,
            vendor: s(1)?,
            product: s(2)?,
            name: s(3)?,
            date_added: s(4)?,
            short_description: s(5)?,
            required_action: s(6)?,
            due_date: s(7)?,
            notes: s(8)?,
            cwes: cwes
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            known_ransomware: self.field(KEV, i, 10)? & 1 == 1,
        })
    }

    /// The EPSS (score, percentile) of a CVE id.
    pub fn epss(&self, cve: &str) -> Option<(f32, f32)> {
        let key = cve_key(cve)?;
        let table = self.section(EPSS);
        let (mut lo, mut hi) = (0usize, table.len() / 16);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let k = u64_at(table, mid * 16)?;
            match k.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let f = |at| Some(f32::from_bits(u32_at(table, mid * 16 + at)?));
                    return Some((f(8)?, f(12)?));
                }
            }
        }
        None
    }

    /// Whether a KEV catalog was loaded (an empty catalog counts).
    pub fn has_kev(&self) -> bool {
        self.meta.counts.kev > 0
            || self
                .meta
                .sources
                .iter()
                .any(|s| s.kind == super::SourceKind::Kev)
    }

    /// Whether EPSS scores were loaded.
    pub fn has_epss(&self) -> bool {
        self.meta.counts.epss > 0
            || self
                .meta
                .sources
                .iter()
                .any(|s| s.kind == super::SourceKind::Epss)
    }

    /// The `modified` of a withdrawn id.
    pub fn withdrawn(&self, id: &str) -> Option<Timestamp> {
        let sid = self.find_str(id)?;
        let table = self.section(WITHDRAWN);
        let n = table.len() / 16;
        let i = self.lower_bound(WITHDRAWN, 0, n, sid, 0);
        if u32_at(table, i * 16)? != sid {
            return None;
        }
        Some(Timestamp {
            nanos: u32_at(table, i * 16 + 4)?,
            secs: u64_at(table, i * 16 + 8)? as i64,
        })
    }

    /// Every record's id, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.entries(RECORD_INDEX)).filter_map(|i| self.record_at(i).map(|(id, _)| id))
    }

    /// All of TEXT_DATA read from the open file (`None`: it is in memory,
    /// or does not read).
    fn text_data(&self) -> Option<Vec<u8>> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            let file = self.text_on_disk.as_ref()?;
            let span = self.sections.get(TEXT_DATA as usize)?;
            let mut data = vec![0u8; span.len()];
            file.read_exact_at(&mut data, span.start as u64).ok()?;
            Some(data)
        }
        #[cfg(not(unix))]
        None
    }

    /// Everything in memory, for merging (see [`Store::load`]). Entries the
    /// file does not decode (it passed its checksum, so only a file made to
    /// pass it) are left out.
    pub fn to_store(&self) -> Store {
        let n = self.entries(RECORD_INDEX);
        // All the text at once, rather than a read for each record.
        let text = self.text_data();
        let from = match &text {
            Some(t) => TextFrom::Memory(t),
            None => TextFrom::File,
        };
        let mut records: Vec<Option<Record>> = (0..n)
            .map(|i| {
                let a = self.advisory_at(i, Some(from))?;
                Some(Record {
                    id: a.id,
                    modified: a.modified,
                    published: a.published,
                    aliases: a.aliases,
                    upstream: a.upstream,
                    related: a.related,
                    summary: a.summary,
                    details: a.details,
                    severity: a.severity,
                    database_specific: a.database_specific,
                    references: a.references,
                    affected: Vec::new(),
                })
            })
            .collect();
        let mut positions: Vec<Vec<(u32, AffectedEntry)>> = vec![Vec::new(); n];
        for e in 0..self.entries(ECOSYSTEMS) {
            let (Some(eco), Some(first), Some(count)) = (
                self.field(ECOSYSTEMS, e, 0),
                self.field(ECOSYSTEMS, e, 1),
                self.field(ECOSYSTEMS, e, 2),
            ) else {
                continue;
            };
            let ecosystem = self.str(eco);
            for p in first as usize..(first as usize).saturating_add(count as usize) {
                let (Some(at), Some(count)) =
                    (self.field(PACKAGES, p, 1), self.field(PACKAGES, p, 2))
                else {
                    continue;
                };
                let iter = AffectedIter {
                    db: self,
                    ecosystem,
                    at: at as usize,
                    left: count as usize,
                    named: true,
                };
                for (record, position, a) in iter.raw() {
                    if let Some(list) = positions.get_mut(record) {
                        list.push((position, owned(&a)));
                    }
                }
            }
        }
        let mut map = HashMap::with_capacity(n);
        for (i, record) in records.iter_mut().enumerate() {
            let Some(mut record) = record.take() else {
                continue;
            };
            let mut list = std::mem::take(&mut positions[i]);
            list.sort_by_key(|(p, _)| *p);
            record.affected = list.into_iter().map(|(_, a)| a).collect();
            map.insert(record.id.clone(), Entry::Live(Box::new(record)));
        }
        let table = self.section(WITHDRAWN);
        for i in 0..table.len() / 16 {
            let (Some(id), Some(nanos), Some(secs)) = (
                u32_at(table, i * 16),
                u32_at(table, i * 16 + 4),
                u64_at(table, i * 16 + 8),
            ) else {
                continue;
            };
            map.insert(
                self.str(id).to_owned(),
                Entry::Withdrawn(Timestamp {
                    secs: secs as i64,
                    nanos,
                }),
            );
        }
        let kev = self.has_kev().then(|| {
            (0..self.entries(KEV))
                .filter_map(|i| self.kev_at(i))
                .map(|e| (e.cve.clone(), e))
                .collect::<BTreeMap<_, _>>()
        });
        let epss = self.has_epss().then(|| {
            let table = self.section(EPSS);
            (0..table.len() / 16)
                .filter_map(|i| {
                    let key = u64_at(table, i * 16)?;
                    let f = |at| Some(f32::from_bits(u32_at(table, i * 16 + at)?));
                    Some((key, (f(8)?, f(12)?)))
                })
                .collect::<HashMap<_, _>>()
        });
        Store {
            records: map,
            kev,
            epss,
            sources: self.meta.sources.clone(),
        }
    }
}

/// `bytes` as a string (any bytes that are not UTF-8 replaced).
fn string(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn time(c: &mut Cursor<'_>) -> Option<Timestamp> {
    Some(Timestamp {
        secs: c.svarint()?,
        nanos: c.u32v()?,
    })
}

fn owned(a: &Affected<'_>) -> AffectedEntry {
    AffectedEntry {
        ecosystem: a.ecosystem.to_owned(),
        name: a.package_name.to_owned(),
        ranges: a
            .ranges
            .iter()
            .map(|r| OwnedRange {
                kind: r.kind,
                repo: r.repo.map(str::to_owned),
                events: r
                    .events
                    .iter()
                    .map(|e| (e.kind(), e.value().to_owned()))
                    .collect(),
            })
            .collect(),
        versions: a.versions.iter().map(|v| (*v).to_owned()).collect(),
        ecosystem_specific: a.ecosystem_specific.map(str::to_owned),
        database_specific: a.database_specific.map(str::to_owned),
        severity: a
            .severity
            .iter()
            .map(|&(kind, score)| Severity {
                kind: kind.to_owned(),
                score: score.to_owned(),
            })
            .collect(),
    }
}

/// The affected entries of one package ([`Database::affected`]).
pub struct AffectedIter<'a> {
    db: &'a Database,
    ecosystem: &'a str,
    at: usize,
    left: usize,
    /// Each entry's `advisory` looked up (else left empty: the matcher
    /// names only the entries that hit, by [`Affected::record`]).
    named: bool,
}

impl<'a> AffectedIter<'a> {
    /// Decodes the next entry: (record index, position, entry).
    fn next_raw(&mut self) -> Option<(usize, u32, Affected<'a>)> {
        let db = self.db;
        while self.left > 0 {
            self.left -= 1;
            let data = db.section(AFFECTED).get(self.at..)?;
            let mut c = Cursor::new(data);
            let decoded = decode_affected(db, self.ecosystem, self.named, &mut c);
            self.at += c.position();
            match decoded {
                Some(x) => return Some(x),
                None => {
                    // A blob that does not decode: the rest cannot be found.
                    self.left = 0;
                }
            }
        }
        None
    }

    fn raw(mut self) -> impl Iterator<Item = (usize, u32, Affected<'a>)> {
        std::iter::from_fn(move || self.next_raw())
    }
}

fn decode_affected<'a>(
    db: &'a Database,
    ecosystem: &'a str,
    named: bool,
    c: &mut Cursor<'_>,
) -> Option<(usize, u32, Affected<'a>)> {
    let record = usize::try_from(c.varint()?).ok()?;
    let position = c.u32v()?;
    let advisory = match named {
        true => db.record_id(record).unwrap_or(""),
        false => "",
    };
    let package_name = db.str(c.u32v()?);
    let n = c.count(3)?;
    let mut ranges = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = match c.byte()? {
            0 => RangeKind::Semver,
            1 => RangeKind::Ecosystem,
            2 => RangeKind::Git,
            _ => return None,
        };
        let repo = match c.byte()? {
            0 => None,
            _ => Some(db.str(c.u32v()?)),
        };
        let m = c.count(2)?;
        let mut events = Vec::with_capacity(m);
        for _ in 0..m {
            let kind = EventKind::from_code(c.byte()?)?;
            events.push(Event::new(kind, db.str(c.u32v()?)));
        }
        ranges.push(Range { kind, repo, events });
    }
    let m = c.count(1)?;
    let mut version_ids = Vec::with_capacity(m);
    for _ in 0..m {
        version_ids.push(c.u32v()?);
    }
    // The matcher compares ids: the strings only for other callers.
    let versions = match named {
        true => version_ids.iter().map(|&v| db.str(v)).collect(),
        false => Vec::new(),
    };
    let opt = |c: &mut Cursor<'_>| -> Option<Option<&'a str>> {
        Some(match c.byte()? {
            0 => None,
            _ => Some(db.str(c.u32v()?)),
        })
    };
    let ecosystem_specific = opt(c)?;
    let database_specific = opt(c)?;
    let n = c.count(2)?;
    let mut severity = Vec::with_capacity(n);
    for _ in 0..n {
        severity.push((db.str(c.u32v()?), db.str(c.u32v()?)));
    }
    Some((
        record,
        position,
        Affected {
            advisory,
            record,
            ecosystem,
            package_name,
            ranges,
            versions,
            version_ids,
            ecosystem_specific,
            database_specific,
            severity,
        },
    ))
}

/// An affected entry as the matcher reads it, decoded into buffers it
/// reuses from entry to entry (no allocation once they have grown), and
/// only what evaluating it needs: strings that matter only for an entry
/// that hits are left as string ids ([`Database::string`]).
#[derive(Debug, Default)]
pub(crate) struct MatchEntry<'a> {
    /// The record's place in the file.
    pub record: usize,
    /// Each range's kind and its events, `events[start..end]`.
    pub ranges: Vec<(RangeKind, usize, usize)>,
    pub events: Vec<Event<'a>>,
    /// The `versions` list's string ids.
    pub version_ids: Vec<u32>,
    pub ecosystem_specific: Option<u32>,
    /// (type, score) string ids.
    pub severity: Vec<(u32, u32)>,
}

/// The affected entries of one package, for [`MatchEntry`].
pub(crate) struct MatchEntries<'a> {
    db: &'a Database,
    at: usize,
    left: usize,
}

impl<'a> MatchEntries<'a> {
    /// Decodes the next entry into `e`; `false` after the last (or at a
    /// blob that does not decode: the rest cannot be found).
    pub(crate) fn next_into(&mut self, e: &mut MatchEntry<'a>) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        let Some(data) = self.db.section(AFFECTED).get(self.at..) else {
            self.left = 0;
            return false;
        };
        let mut c = Cursor::new(data);
        let ok = decode_match_entry(self.db, &mut c, e).is_some();
        self.at += c.position();
        if !ok {
            self.left = 0;
        }
        ok
    }
}

fn decode_match_entry<'a>(
    db: &'a Database,
    c: &mut Cursor<'_>,
    e: &mut MatchEntry<'a>,
) -> Option<()> {
    e.ranges.clear();
    e.events.clear();
    e.version_ids.clear();
    e.severity.clear();
    e.record = usize::try_from(c.varint()?).ok()?;
    c.u32v()?; // position
    c.u32v()?; // package name, as the record spells it
    for _ in 0..c.count(3)? {
        let kind = match c.byte()? {
            0 => RangeKind::Semver,
            1 => RangeKind::Ecosystem,
            2 => RangeKind::Git,
            _ => return None,
        };
        if c.byte()? != 0 {
            c.u32v()?; // repo
        }
        let start = e.events.len();
        for _ in 0..c.count(2)? {
            let kind = EventKind::from_code(c.byte()?)?;
            e.events.push(Event::new(kind, db.str(c.u32v()?)));
        }
        e.ranges.push((kind, start, e.events.len()));
    }
    for _ in 0..c.count(1)? {
        e.version_ids.push(c.u32v()?);
    }
    e.ecosystem_specific = match c.byte()? {
        0 => None,
        _ => Some(c.u32v()?),
    };
    if c.byte()? != 0 {
        c.u32v()?; // database_specific
    }
    for _ in 0..c.count(2)? {
        e.severity.push((c.u32v()?, c.u32v()?));
    }
    Some(())
}

impl Database {
    /// The affected entries of a package for the matcher: `ecosystem` is
    /// the ecosystem string's id ([`Database::string_id`], looked up once
    /// per ecosystem), `name` as [`super::normalize_name`] gives it.
    pub(crate) fn match_entries(&self, ecosystem: u32, name: &str) -> MatchEntries<'_> {
        let (at, left) = self.package_span_of(ecosystem, name).unwrap_or((0, 0));
        MatchEntries { db: self, at, left }
    }
}

impl<'a> Iterator for AffectedIter<'a> {
    type Item = Affected<'a>;

    fn next(&mut self) -> Option<Affected<'a>> {
        self.next_raw().map(|(_, _, a)| a)
    }
}

impl Database {
    /// [`Database::related`] with each record's place in the file.
    pub fn related_records(&self, id: &str) -> impl Iterator<Item = (usize, &str)> {
        let mut it = self.related(id);
        std::iter::from_fn(move || it.next_record().map(|(r, id)| (r, id.text)))
    }

    /// [`Database::related_records`] of a string of this database, found
    /// by its id.
    pub fn related_keyed(&self, id: DbStr<'_>) -> impl Iterator<Item = (usize, DbStr<'_>)> {
        let mut it = self.related_by_id(id.id);
        std::iter::from_fn(move || it.next_record())
    }
}

impl<'a> RelatedIter<'a> {
    fn next_record(&mut self) -> Option<(usize, DbStr<'a>)> {
        while self.at < self.end {
            let i = self.at;
            self.at += 1;
            let record = self.db.field(ALIASES, i, 1)? as usize;
            if let Some(id) = self.db.record_key(record) {
                return Some((record, id));
            }
        }
        None
    }
}

/// The ids [`Database::related`] finds.
pub struct RelatedIter<'a> {
    db: &'a Database,
    at: usize,
    end: usize,
}

impl<'a> Iterator for RelatedIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.next_record().map(|(_, id)| id.text)
    }
}
