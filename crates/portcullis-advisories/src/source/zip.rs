//! Reading a zip archive (PKWARE's APPNOTE: the end of central directory
//! record, Zip64's, the central directory, local headers; stored and
//! deflated entries) one entry at a time, with the checks a file from the
//! network needs:
//!
//! - no end of central directory record (a truncated download), or a
//!   central directory outside the file: an error;
//! - entries whose data overlap (the overlapping-file zip bomb), or that
//!   declare more than [`EXPANSION_CAP`] times the archive's size in total:
//!   an error;
//! - one entry larger than the caller's cap, encrypted, in another
//!   compression method, whose inflated size or CRC-32 is not the declared
//!   one: that entry is skipped with the reason ([`EntryError::Skip`]);
//!   inflating never produces more than the declared size plus one byte.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Declared uncompressed bytes per archive byte, at most (deflate's own
/// limit is about 1,032; OSV archives of JSON are near 10).
pub const EXPANSION_CAP: u64 = 200;
const ENTRIES_CAP: u64 = 20_000_000;

#[derive(Debug, Clone)]
pub struct ZipEntry {
    pub name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    pub size: u64,
    local_offset: u64,
}

#[derive(Debug)]
pub enum EntryError {
    /// This entry cannot be read; the others can.
    Skip(String),
    /// The archive is damaged from here on.
    Fatal(String),
}

pub struct ZipReader {
    file: BufReader<File>,
    entries: Vec<ZipEntry>,
    directory_offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;

impl ZipReader {
    /// Opens the archive and reads its central directory. Errors say what
    /// is wrong, without the file's name (the caller adds it).
    pub fn open(path: &Path) -> Result<ZipReader, String> {
        let mut file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
        let len = file
            .metadata()
            .map_err(|e| format!("cannot read: {e}"))?
            .len();
        if len < 22 {
            return Err("not a zip archive, or truncated (shorter than an end record)".into());
        }
        let tail_len = len.min(22 + 65_535 + 20);
        let mut tail = vec![0u8; tail_len as usize];
        file.seek(SeekFrom::Start(len - tail_len))
            .and_then(|_| file.read_exact(&mut tail))
            .map_err(|e| format!("cannot read: {e}"))?;
        let eocd = (0..=tail.len() - 22)
            .rev()
            .find(|&i| u32_at(&tail, i) == Some(EOCD))
            .ok_or("not a zip archive, or truncated: no end of central directory record")?;
        let eocd_pos = len - tail_len + eocd as u64;
        let field16 = |at| u16_at(&tail, eocd + at).unwrap_or(0);
        let field32 = |at| u32_at(&tail, eocd + at).unwrap_or(0);
        let mut count = u64::from(field16(10));
        let mut size = u64::from(field32(12));
        let mut offset = u64::from(field32(16));
        let mut directory_end = eocd_pos;
        if eocd >= 20 && u32_at(&tail, eocd - 20) == Some(ZIP64_LOCATOR) {
            let at = u64_at(&tail, eocd - 20 + 8).unwrap_or(u64::MAX);
            if at.checked_add(56).is_none_or(|end| end > eocd_pos) {
                return Err("damaged: the Zip64 end record is outside the file".into());
            }
            let mut record = [0u8; 56];
            file.seek(SeekFrom::Start(at))
                .and_then(|_| file.read_exact(&mut record))
                .map_err(|e| format!("cannot read: {e}"))?;
            if u32_at(&record, 0) != Some(ZIP64_EOCD) {
                return Err("damaged: no Zip64 end record where its locator points".into());
            }
            count = u64_at(&record, 32).unwrap_or(0);
            size = u64_at(&record, 40).unwrap_or(0);
            offset = u64_at(&record, 48).unwrap_or(0);
            directory_end = at;
        }
        if offset
            .checked_add(size)
            .is_none_or(|end| end > directory_end)
        {
            return Err("truncated or damaged: the central directory is outside the file".into());
        }
        if count > ENTRIES_CAP || count.saturating_mul(46) > size {
            return Err(format!(
                "damaged: {count} entries cannot fit a {size}-byte central directory"
            ));
        }
        if size > 2 << 30 {
            return Err(format!(
                "a central directory of {} MiB is not an OSV archive's",
                size >> 20
            ));
        }
        let mut directory = vec![0u8; size as usize];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut directory))
            .map_err(|e| format!("cannot read: {e}"))?;
        let mut entries = Vec::with_capacity(count as usize);
        let mut at = 0usize;
        for i in 0..count {
            let bad = || format!("damaged: central directory entry {i} does not read");
            if u32_at(&directory, at) != Some(CENTRAL) {
                return Err(bad());
            }
            let h = |o: usize| u16_at(&directory, at + o).ok_or_else(bad);
            let w = |o: usize| u32_at(&directory, at + o).ok_or_else(bad);
            let flags = h(8)?;
            let method = h(10)?;
            let crc = w(16)?;
            let mut compressed = u64::from(w(20)?);
            let mut size = u64::from(w(24)?);
            let name_len = h(28)? as usize;
            let extra_len = h(30)? as usize;
            let comment_len = h(32)? as usize;
            let mut local_offset = u64::from(w(42)?);
            let name_at = at + 46;
            let name = directory.get(name_at..name_at + name_len).ok_or_else(bad)?;
            let extra = directory
                .get(name_at + name_len..name_at + name_len + extra_len)
                .ok_or_else(bad)?;
            // Zip64 extended information: the 8-byte values of the fields
            // that are all ones in the header, in this order.
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e).unwrap_or(0);
                let n = u16_at(extra, e + 2).unwrap_or(0) as usize;
                let data = extra.get(e + 4..e + 4 + n).ok_or_else(bad)?;
                if id == 1 {
                    let mut d = 0;
                    let mut take = |v: &mut u64| -> Result<(), String> {
                        if *v == 0xFFFF_FFFF {
                            *v = u64_at(data, d).ok_or_else(bad)?;
                            d += 8;
                        }
                        Ok(())
                    };
                    take(&mut size)?;
                    take(&mut compressed)?;
                    take(&mut local_offset)?;
                }
                e += 4 + n;
            }
            entries.push(ZipEntry {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                flags,
                crc,
                compressed,
                size,
                local_offset,
            });
            at = name_at + name_len + extra_len + comment_len;
        }
        let mut by_offset: Vec<&ZipEntry> = entries.iter().collect();
        by_offset.sort_by_key(|e| e.local_offset);
        for pair in by_offset.windows(2) {
            let end = pair[0]
                .local_offset
                .saturating_add(30)
                .saturating_add(pair[0].compressed);
            if end > pair[1].local_offset {
                return Err(format!(
                    "a zip bomb, or damaged: entries {:?} and {:?} overlap",
                    crate::osv::cut(&pair[0].name, 60),
                    crate::osv::cut(&pair[1].name, 60)
                ));
            }
        }
        if let Some(last) = by_offset.last() {
            if last
                .local_offset
                .saturating_add(30)
                .saturating_add(last.compressed)
                > offset
            {
                return Err(
                    "truncated or damaged: an entry runs into the central directory".into(),
                );
            }
        }
        let declared: u64 = entries.iter().map(|e| e.size).fold(0, u64::saturating_add);
        if declared > (len.saturating_mul(EXPANSION_CAP)).max(1 << 30) {
            return Err(format!(
                "a zip bomb: {} MiB would expand to {} MiB",
                len >> 20,
                declared >> 20
            ));
        }
        Ok(ZipReader {
            file: BufReader::with_capacity(256 * 1024, file),
            entries,
            directory_offset: offset,
        })
    }

    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The entry's bytes, if it is at most `cap` bytes uncompressed.
    pub fn read(&mut self, entry: &ZipEntry, cap: u64) -> Result<Vec<u8>, EntryError> {
        use EntryError::{Fatal, Skip};
        if entry.size > cap {
            return Err(Skip(format!(
                "{} bytes uncompressed, more than the {} MiB cap",
                entry.size,
                cap >> 20
            )));
        }
        if entry.flags & 1 != 0 {
            return Err(Skip("encrypted".into()));
        }
        if entry.method != 0 && entry.method != 8 {
            return Err(Skip(format!(
                "compression method {} (not stored or deflate)",
                entry.method
            )));
        }
        let mut header = [0u8; 30];
        self.file
            .seek(SeekFrom::Start(entry.local_offset))
            .and_then(|_| self.file.read_exact(&mut header))
            .map_err(|e| Fatal(format!("truncated or damaged: {e}")))?;
        if u32_at(&header, 0) != Some(LOCAL) {
            return Err(Fatal(format!(
                "damaged: no local header for {:?}",
                crate::osv::cut(&entry.name, 60)
            )));
        }
        let skip = u64::from(u16_at(&header, 26).unwrap_or(0))
            + u64::from(u16_at(&header, 28).unwrap_or(0));
        let start = entry.local_offset + 30 + skip;
        if start.saturating_add(entry.compressed) > self.directory_offset {
            return Err(Fatal(format!(
                "truncated or damaged: {:?} runs past the end of the data",
                crate::osv::cut(&entry.name, 60)
            )));
        }
        self.file
            .seek(SeekFrom::Start(start))
            .map_err(|e| Fatal(format!("truncated or damaged: {e}")))?;
        let raw = (&mut self.file).take(entry.compressed);
        let mut out = Vec::with_capacity(entry.size.min(cap) as usize);
        let read = if entry.method == 8 {
            flate2::read::DeflateDecoder::new(raw)
                .take(entry.size + 1)
                .read_to_end(&mut out)
        } else {
            raw.take(entry.size + 1).read_to_end(&mut out)
        };
        if let Err(e) = read {
            return Err(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Fatal(format!("truncated: {e}"))
            } else {
                Skip(format!("does not inflate: {e}"))
            });
        }
        if out.len() as u64 != entry.size {
            return Err(Skip(format!(
                "inflates to {}{} bytes, its header says {}",
                out.len(),
                if out.len() as u64 > entry.size {
                    "+"
                } else {
                    ""
                },
                entry.size
            )));
        }
        if crc32fast::hash(&out) != entry.crc {
            return Err(Skip("its CRC-32 does not match".into()));
        }
        Ok(out)
    }
}
