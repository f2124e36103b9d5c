//! A read-only Berkeley DB hash reader: enough for rpm's `Packages`
//! (key: the header number, a 4-byte integer in the database's byte order;
//! data: the header blob). Facts from Berkeley DB 5.3's on-disk format
//! (`src/dbinc/db_page.h`, `src/dbinc/hash.h`, `src/hash/hash_page.c`; the
//! same facts rpm's read-only reader, `lib/backend/bdb_ro.c`, relies on):
//!
//! - Every integer is in the byte order of the machine that wrote the file;
//!   the metadata magic tells it: hash 0x061561 (btree 0x053162).
//! - Metadata page 0: magic u32 at 12, version u32 at 16 (hash 8–10),
//!   page size u32 at 20, encryption algorithm u8 at 24, page type u8 at 25
//!   (8 hash metadata), last page number u32 at 32; then max_bucket u32 at
//!   72, high_mask at 76, low_mask at 80, and the `spares` table, 32 u32s
//!   at 96.
//! - Bucket b lives on page b + spares[⌈log₂(b + 1)⌉].
//! - Page header (26 bytes): page number u32 at 8, previous u32 at 12,
//!   next u32 at 16 (a bucket's overflow pages, and an overflow chain), item
//!   count u16 at 20, `hf_offset` u16 at 22 (on overflow pages: the bytes of
//!   data on the page), type u8 at 25 (13 hash, 2 old unsorted hash,
//!   7 overflow). Then `inp[]`: u16 item offsets from the page's start.
//! - Hash items come in pairs, key then data. Item i runs from `inp[i]` to
//!   `inp[i − 1]` (item 0 to the page's end). Its first byte is its type:
//!   1 key/data (the bytes follow), 3 off-page (u32 page at +4, u32 total
//!   length at +8: an overflow chain), 2/4 duplicates (not used by rpm).
//! - Overflow page: its `hf_offset` bytes of data from offset 26.

use super::{Notes, PageSet};

const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;
const PAGE_HEADER: usize = 26;
const P_OVERFLOW: u8 = 7;
const P_HASH_UNSORTED: u8 = 2;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_DUPLICATE: u8 = 2;
const H_OFFPAGE: u8 = 3;
const H_OFFDUP: u8 = 4;

fn magic(bytes: &[u8]) -> Option<(u32, bool)> {
    let s = bytes.get(12..16)?;
    let le = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
    let be = u32::from_be_bytes([s[0], s[1], s[2], s[3]]);
    [HASH_MAGIC, BTREE_MAGIC].into_iter().find_map(|m| {
        if le == m {
            Some((m, false))
        } else if be == m {
            Some((m, true))
        } else {
            None
        }
    })
}

/// A Berkeley DB file (hash or btree) by its metadata magic.
pub fn is_berkeley_db(bytes: &[u8]) -> bool {
    magic(bytes).is_some()
}

struct Db<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    page_size: usize,
    pages: usize,
    /// Pages already read (bucket pages and overflow pages alike: each
    /// belongs to one bucket or one item).
    seen: PageSet,
}

impl<'a> Db<'a> {
    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }

    fn u16_at(&self, b: &[u8], at: usize) -> Option<usize> {
        let s = b.get(at..at.checked_add(2)?)?;
        let a = [s[0], s[1]];
        Some(usize::from(if self.big_endian {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        }))
    }

    fn page(&self, n: u32) -> Option<&'a [u8]> {
        let n = n as usize;
        if n >= self.pages {
            return None;
        }
        let start = n.checked_mul(self.page_size)?;
        self.bytes.get(start..start.checked_add(self.page_size)?)
    }

    /// An item's bytes: key/data in place, off-page ones assembled from
    /// their overflow chain into `buf`.
    fn item<'b>(&mut self, item: &'b [u8], buf: &'b mut Vec<u8>) -> Result<&'b [u8], String> {
        match item.first() {
            Some(&H_KEYDATA) => Ok(item.get(1..).unwrap_or_default()),
            Some(&H_OFFPAGE) => {
                let (Some(first), Some(total)) = (self.u32_at(item, 4), self.u32_at(item, 8))
                else {
                    return Err("an off-page item is cut".to_owned());
                };
                self.overflow(first, total as usize, buf)?;
                Ok(buf)
            }
            Some(&H_DUPLICATE) | Some(&H_OFFDUP) => {
                Err("duplicate items (not used by rpm's Packages) are not read".to_owned())
            }
            Some(t) => Err(format!("an item of unknown type {t}")),
            None => Err("an empty item".to_owned()),
        }
    }

    fn overflow(&mut self, mut next: u32, total: usize, buf: &mut Vec<u8>) -> Result<(), String> {
        buf.clear();
        if total > self.bytes.len() {
            return Err(format!(
                "an off-page item of {total} bytes is larger than the file"
            ));
        }
        while buf.len() < total {
            if next != 0 && !self.seen.insert(next as usize) {
                return Err(format!(
                    "overflow page {next} is reached twice (a loop, or a chain shared by items)"
                ));
            }
            let page = self.page(next).ok_or_else(|| {
                format!(
                    "overflow page {next} is outside the file's {} pages ({} of {total} bytes read)",
                    self.pages,
                    buf.len()
                )
            })?;
            if page.get(25) != Some(&P_OVERFLOW) {
                return Err(format!("page {next} is not an overflow page"));
            }
            let len = self.u16_at(page, 22).unwrap_or(0);
            let data = page
                .get(PAGE_HEADER..PAGE_HEADER + len)
                .ok_or_else(|| format!("overflow page {next} claims {len} bytes, more than fit"))?;
            if data.is_empty() || buf.len() + data.len() > total {
                return Err(format!(
                    "overflow page {next} holds {} bytes, the item has {} left",
                    data.len(),
                    total - buf.len()
                ));
            }
            buf.extend_from_slice(data);
            next = self.u32_at(page, 16).unwrap_or(0);
        }
        Ok(())
    }
}

/// Every rpm header in a Berkeley DB hash `Packages` file: the data of each
/// key/data pair whose key is a non-zero 4-byte header number.
pub fn headers(bytes: &[u8], notes: &mut Notes, emit: &mut dyn FnMut(&[u8]) -> bool) {
    let Some((m, big_endian)) = magic(bytes) else {
        notes.push("not a Berkeley DB file".to_owned());
        return;
    };
    if m == BTREE_MAGIC {
        notes.push("a Berkeley DB btree, not the hash rpm's Packages is: not read".to_owned());
        return;
    }
    let mut db = Db {
        bytes,
        big_endian,
        page_size: 0,
        pages: 0,
        seen: PageSet::new(0),
    };
    let meta = bytes;
    let (Some(version), Some(page_size), Some(&encrypted), Some(&kind)) = (
        db.u32_at(meta, 16),
        db.u32_at(meta, 20),
        meta.get(24),
        meta.get(25),
    ) else {
        notes.push("the Berkeley DB metadata page is cut".to_owned());
        return;
    };
    if !(8..=10).contains(&version) {
        notes.push(format!(
            "Berkeley DB hash version {version} is not one this reads (8 to 10)"
        ));
        return;
    }
    let page_size = page_size as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        notes.push(format!(
            "Berkeley DB page size {page_size} is not a valid one"
        ));
        return;
    }
    if kind != 8 {
        notes.push(format!("page 0 is not a hash metadata page (type {kind})"));
        return;
    }
    if encrypted != 0 {
        notes.push("the Berkeley DB file is encrypted: not read".to_owned());
        return;
    }
    let in_file = bytes.len() / page_size;
    if !bytes.len().is_multiple_of(page_size) {
        notes.push(format!(
            "the file's {} bytes are not a whole number of {page_size}-byte pages (truncated)",
            bytes.len()
        ));
    }
    let last = db.u32_at(meta, 32).unwrap_or(0) as usize;
    if last >= in_file {
        notes.push(format!(
            "the metadata says the last page is {last}, the file holds pages 0 to {}: truncated or lying, reading what is there",
            in_file.saturating_sub(1)
        ));
    }
    db.page_size = page_size;
    db.pages = in_file;
    db.seen = PageSet::new(in_file);
    let max_bucket = db.u32_at(meta, 72).unwrap_or(0) as usize;
    let mut spares = [0u32; 32];
    for (i, s) in spares.iter_mut().enumerate() {
        *s = db.u32_at(meta, 96 + 4 * i).unwrap_or(0);
    }
    // Each bucket has a page of its own: more buckets than pages is a lie.
    let buckets = if max_bucket >= in_file {
        notes.push(format!(
            "the metadata claims {} buckets in a file of {in_file} pages",
            max_bucket as u64 + 1
        ));
        in_file
    } else {
        max_bucket + 1
    };
    let mut databuf = Vec::new();
    for bucket in 0..buckets {
        let log = usize::BITS - bucket.leading_zeros();
        let first = spares
            .get(log as usize)
            .and_then(|s| u32::try_from(bucket).ok()?.checked_add(*s));
        let Some(mut n) = first else {
            notes.push(format!("bucket {bucket}: its page number overflows"));
            continue;
        };
        loop {
            let Some(page) = db.page(n) else {
                notes.push(format!(
                    "bucket {bucket}: page {n} is outside the file's {in_file} pages"
                ));
                break;
            };
            if !db.seen.insert(n as usize) {
                notes.push(format!(
                    "bucket {bucket}: page {n} is reached twice (a loop)"
                ));
                break;
            }
            let kind = page.get(25).copied().unwrap_or(0);
            if kind != P_HASH && kind != P_HASH_UNSORTED {
                notes.push(format!(
                    "bucket {bucket}: page {n} is not a hash page (type {kind})"
                ));
                break;
            }
            if db.u32_at(page, 8) != Some(n) {
                notes.push(format!("page {n} says it is another page"));
                break;
            }
            let entries = db.u16_at(page, 20).unwrap_or(0);
            if PAGE_HEADER + 2 * entries > page_size {
                notes.push(format!("page {n} claims {entries} items, more than fit"));
                break;
            }
            let offsets: Vec<usize> = (0..entries)
                .map(|i| db.u16_at(page, PAGE_HEADER + 2 * i).unwrap_or(0))
                .collect();
            let item = |i: usize| -> Option<&[u8]> {
                let start = *offsets.get(i)?;
                let end = if i == 0 {
                    page_size
                } else {
                    *offsets.get(i - 1)?
                };
                if start < PAGE_HEADER + 2 * entries || start >= end {
                    return None;
                }
                page.get(start..end)
            };
            for pair in 0..entries / 2 {
                let (Some(k), Some(d)) = (item(2 * pair), item(2 * pair + 1)) else {
                    notes.push(format!("page {n}: item {} is out of place", 2 * pair));
                    continue;
                };
                // rpm's keys are 4-byte header numbers, always in place;
                // key 0 (when present) holds a counter, not a header.
                let number = match k {
                    [H_KEYDATA, key @ ..] if key.len() == 4 => db.u32_at(key, 0),
                    _ => None,
                };
                let Some(number) = number.filter(|&n| n != 0) else {
                    continue;
                };
                match db.item(d, &mut databuf) {
                    Ok(data) => {
                        if !emit(data) {
                            return;
                        }
                    }
                    Err(e) => notes.push(format!("page {n}: header {number}: {e}")),
                }
            }
            match db.u32_at(page, 16) {
                Some(0) | None => break,
                Some(next) => n = next,
            }
        }
    }
}
