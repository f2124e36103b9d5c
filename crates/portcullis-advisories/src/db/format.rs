//! The database file, format version 3.
//!
//! One file, little-endian throughout, made to be opened without decoding
//! it: the reader keeps the bytes, checks them once, and every lookup is a
//! binary search over fixed-size tables with strings decoded on access.
//!
//! ```text
//! header (32 bytes)
//!   0  magic            8 bytes  "PCADVDB\n"
//!   8  format version   u32      3
//!  12  section count    u32
//!  16  body length      u64      file length - 32
//!  24  body CRC-32      u32      over the whole body (crc32fast, IEEE)
//!  28  header CRC-32    u32      over bytes 0..28
//! body
//!   section directory: section count x 24 bytes
//!     kind u32, reserved u32 (0), offset u64 (from the body's start), length u64
//!   sections, each starting at a multiple of 8, TEXT_DATA last
//! ```
//!
//! The reader keeps everything but TEXT_DATA in memory; the text (most of
//! the file) is read through the checksum on open and then left on disk,
//! one record's frame read back (a few hundred bytes) when its text is
//! asked for. Each frame carries zstd's own checksum of its content, so a
//! frame changed after the file was opened does not decode.
//!
//! Opening checks the magic, the version, the header's checksum, that the
//! body length is the rest of the file, the body's checksum, and that every
//! section lies inside the body with a length its table's entry size
//! divides: any byte changed anywhere is an error on open. Past that, every
//! offset read from the file is still bounds-checked (a file made to pass
//! the checks decodes to empty strings or missing entries, never a panic).
//!
//! Sections (kind: content):
//!
//! | kind | name | content |
//! |---|---|---|
//! | 1 | META | JSON: built_at, sources, counts ([`super::Meta`]) |
//! | 2 | STR_INDEX | per block of [`STRINGS_PER_BLOCK`] strings: (offset in STR_DATA u32, compressed length u32, raw length u32, offset in STR_KEYS u32, key length u32) |
//! | 3 | STR_DATA | the strings, unique and sorted bytewise (so a string's id orders as the string does), in zstd frames of [`STRINGS_PER_BLOCK`] each: raw block = count u32, (count+1) x u32 offsets into the bytes that follow, the UTF-8 bytes |
//! | 15 | STR_KEYS | each block's first string, uncompressed (a lookup decompresses one block) |
//! | 4 | RECORD_INDEX | (id string u32, offset in RECORDS u32), sorted by id |
//! | 5 | RECORDS | one blob per live record, below |
//! | 6 | ECOSYSTEMS | (ecosystem string u32, first package u32, package count u32), sorted |
//! | 7 | PACKAGES | (normalized name string u32, offset in AFFECTED u32, entry count u32), sorted by name within each ecosystem's run |
//! | 8 | AFFECTED | the affected entries, one blob each, a package's entries contiguous |
//! | 9 | ALIASES | (key string u32, record u32): a record under its id, each alias and each upstream id; sorted, unique |
//! | 10 | WITHDRAWN | (id string u32, nanos u32, secs i64): withdrawn ids and their `modified`, so an older copy does not come back |
//! | 11 | KEV | 11 x u32: cve, vendor, product, name, date added, short description, required action, due date, notes, cwes (comma-joined), flags (bit 0: known ransomware use); sorted by cve |
//! | 12 | EPSS | (key u64 = year << 32 \| number, score f32, percentile f32), sorted by key |
//! | 13 | TEXT_DICT | the zstd dictionary every text frame is compressed with, trained by the writer on a sample of the records' text (at most [`TEXT_DICT_LEN`] bytes); empty: the frames use none (a database with little text) |
//! | 14 | TEXT_DATA | zstd frames, two per record with text (its display text, its text); the last section of the file |
//!
//! (Version 1 had, as kind 13, an index of 32 KiB text blocks, and record
//! blobs that pointed into those blocks; version 2 had one frame per
//! record and no facts, so matching decompressed the whole text of every
//! record it found. Their files are refused, with a word to rebuild them.)
//!
//! A text frame is stored without zstd's 4-byte magic number (the reader
//! puts it back: [`ZSTD_MAGIC`]), and has the content size and a content
//! checksum, no dictionary id.
//!
//! String ids are indexes into the sorted table: string *i* is string
//! `i % STRINGS_PER_BLOCK` of block `i / STRINGS_PER_BLOCK`. Blocks are
//! decompressed when first used and kept while the database is open, so
//! opening reads and checks the file but decodes nothing, and a scan pays
//! only for the blocks it touches.
//!
//! Integers inside blobs are LEB128 varints (signed ones zigzag-encoded);
//! `str` is a varint string id; `[x]` is a varint count then the items;
//! `opt` is a count of 0 or 1.
//!
//! ```text
//! record   = text (offset in TEXT_DATA varint, frame length varint; length
//!            0: no text at all), display (the same, its display frame),
//!            modified (svarint secs, varint nanos), published opt (same),
//!            aliases [str], upstream [str], related [str],
//!            severity [(type str, score str)], affected count varint,
//!            facts opt str (compact JSON: the string values of the keys of
//!            `database_specific` matching reads, statuses and `severity`)
//! affected = record varint (index in RECORD_INDEX), position varint (in the record),
//!            package name as in the record str,
//!            ranges [(kind u8: 0 SEMVER 1 ECOSYSTEM 2 GIT, repo opt str,
//!                     events [(kind u8: 0 introduced 1 fixed 2 last_affected 3 limit, value str)])],
//!            versions [str], ecosystem_specific opt str, database_specific opt str,
//!            severity [(type str, score str)]
//! display  = (a decompressed frame, what a finding shows: a few hundred
//!            bytes, so that matching reads no more) summary opt, sentence
//!            opt (the first sentence of the details, when the summary is
//!            none or blank), url opt (the first ADVISORY reference, else
//!            the first); strings as in text
//! text     = (a decompressed frame) details,
//!            database_specific opt, references [(type, url)]; each string here
//!            is a varint byte length then the bytes (compressed, not interned);
//!            details is 0 (none), 1 then the string, or 2 then (record
//!            varint, offset varint, length varint): the bytes at that offset
//!            of an earlier record's decompressed text, its own details
//!            (distribution records of one CVE share its description)
//! ```

pub(crate) const MAGIC: &[u8; 8] = b"PCADVDB\n";
pub const VERSION: u32 = 3;
pub(crate) const HEADER_LEN: usize = 32;
pub(crate) const DIR_ENTRY_LEN: usize = 24;

pub(crate) const META: u32 = 1;
pub(crate) const STR_INDEX: u32 = 2;
pub(crate) const STR_DATA: u32 = 3;
pub(crate) const RECORD_INDEX: u32 = 4;
pub(crate) const RECORDS: u32 = 5;
pub(crate) const ECOSYSTEMS: u32 = 6;
pub(crate) const PACKAGES: u32 = 7;
pub(crate) const AFFECTED: u32 = 8;
pub(crate) const ALIASES: u32 = 9;
pub(crate) const WITHDRAWN: u32 = 10;
pub(crate) const KEV: u32 = 11;
pub(crate) const EPSS: u32 = 12;
pub(crate) const TEXT_DICT: u32 = 13;
pub(crate) const TEXT_DATA: u32 = 14;
pub(crate) const STR_KEYS: u32 = 15;
pub(crate) const SECTION_COUNT: u32 = 15;

/// Entry sizes of the fixed-size tables, by section kind (0: a blob section).
pub(crate) fn entry_len(kind: u32) -> usize {
    match kind {
        STR_INDEX => 20,
        RECORD_INDEX => 8,
        ECOSYSTEMS | PACKAGES => 12,
        ALIASES => 8,
        WITHDRAWN | EPSS => 16,
        KEV => 44,
        _ => 0,
    }
}

/// The largest text dictionary the writer trains.
pub const TEXT_DICT_LEN: usize = 112 * 1024;
/// zstd level of the text frames. Measured on the benchmark's 500,000
/// records (112 KiB dictionary, two threads): level 3 98 MiB of frames in
/// 2.4 s; 6, 100 MiB in 8.7 s; 9, 96 MiB in 8 s; 12, 94 MiB in 8.3 s; 14,
/// 86 MiB in 19 s; 16, 86 MiB in 53 s. Reading is as fast at each.
pub(crate) const TEXT_LEVEL: i32 = 3;
/// The magic number a zstd frame starts with, left out of each text frame.
pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// No record's text decompresses to more (the caps of [`crate::osv`] keep
/// it under 100 KiB): a frame that claims more is not from our writer.
pub(crate) const TEXT_RAW_MAX: u64 = 1 << 20;
/// Strings in one compressed block of the string table.
pub const STRINGS_PER_BLOCK: usize = 1024;
pub(crate) const STRING_LEVEL: i32 = 6;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn put_svarint(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A cursor over a blob: every read is checked, `None` past the end or on a
/// varint longer than ten bytes.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Cursor<'a> {
        Cursor { bytes, at: 0 }
    }

    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            if shift == 63 && b > 1 {
                return None;
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// How far into the blob the cursor is.
    pub(crate) fn position(&self) -> usize {
        self.at
    }

    pub(crate) fn u32v(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    pub(crate) fn svarint(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.at.checked_add(len)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    /// A count of items that each take at least `min` bytes: a count the
    /// rest of the blob cannot hold is corrupt (and would allocate).
    pub(crate) fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n.checked_mul(min.max(1))? <= self.bytes.len() - self.at.min(self.bytes.len()))
            .then_some(n)
    }
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

pub(crate) fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

/// The EPSS key of a CVE id: `CVE-2024-1234` → 2024 << 32 | 1234.
pub(crate) fn cve_key(cve: &str) -> Option<u64> {
    let rest = cve
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("CVE-"))
        .and(cve.get(4..))?;
    let (year, number) = rest.split_once('-')?;
    if year.len() != 4 || number.is_empty() || number.len() > 9 {
        return None;
    }
    let year: u64 = year.parse().ok()?;
    let number: u64 = number.parse().ok()?;
    if !cve.bytes().skip(4).all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    Some(year << 32 | number)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        for v in values {
            put_varint(&mut out, v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -62_135_596_800] {
            put_svarint(&mut out, v);
        }
        let mut c = Cursor::new(&out);
        for v in values {
            assert_eq!(c.varint(), Some(v));
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -62_135_596_800] {
            assert_eq!(c.svarint(), Some(v));
        }
        assert_eq!(c.varint(), None);
        assert_eq!(Cursor::new(&[0xff; 11]).varint(), None);
        assert_eq!(Cursor::new(&[0x80]).varint(), None);
    }

    #[test]
    fn cve_keys() {
        assert_eq!(cve_key("CVE-2024-1234"), Some(2024 << 32 | 1234));
        assert_eq!(cve_key("cve-1999-0001"), Some(1999 << 32 | 1));
        for bad in ["CVE-24-1", "GHSA-xxxx", "CVE-2024-", "CVE-2024-+1", "CVE-"] {
            assert_eq!(cve_key(bad), None, "{bad}");
        }
    }
}
