//! A read-only reader of rpm's ndb package store, `Packages.db` (openSUSE,
//! SLES 15). Facts from rpm 4.18's `lib/backend/ndb/rpmpkg.c` (every
//! integer little-endian):
//!
//! - File header, 32 bytes: magic `"RpmP"` at 0, version u32 at 4 (0),
//!   generation at 8, the number of 4096-byte slot pages at 12, the next
//!   package index at 16.
//! - Slot pages: from byte 32 to `slot pages × 4096`, 16-byte slots: magic
//!   `"Slot"`, package index u32, block offset u32, block count u32. A block
//!   offset of 0 is a free slot. Blocks are 16 bytes; a blob's blocks lie
//!   after the slot pages.
//! - Blob at `block offset × 16`: head (magic `"BlbS"`, package index,
//!   generation, blob length: u32 each), the blob, zero padding, tail
//!   (Adler-32 of everything before the tail, blob length, magic `"BlbE"`)
//!   at the end of its `block count` blocks, where block count =
//!   ⌈(16 + length + 12) / 16⌉.
//!
//! The blob is the header, as in the other two formats.

use super::Notes;

pub const MAGIC: &[u8] = b"RpmP";
const SLOT_MAGIC: &[u8] = b"Slot";
const BLOB_HEAD: &[u8] = b"BlbS";
const BLOB_TAIL: &[u8] = b"BlbE";
const PAGE: usize = 4096;
const SLOT: usize = 16;
const BLOCK: usize = 16;
const HEAD: usize = 16;
const TAIL: usize = 12;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Adler-32 (RFC 1950, section 8.2).
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// Every rpm header in an ndb `Packages.db`, in slot order.
pub fn headers(bytes: &[u8], notes: &mut Notes, emit: &mut dyn FnMut(&[u8]) -> bool) {
    if !bytes.starts_with(MAGIC) || bytes.len() < 32 {
        notes.push("not an ndb Packages.db".to_owned());
        return;
    }
    let (Some(version), Some(slot_pages)) = (le32(bytes, 4), le32(bytes, 12)) else {
        return;
    };
    if version != 0 {
        notes.push(format!("ndb version {version} is not one this reads (0)"));
        return;
    }
    let slot_pages = slot_pages as usize;
    let slot_end = slot_pages.saturating_mul(PAGE);
    if slot_pages == 0 || slot_end > bytes.len() {
        notes.push(format!(
            "the ndb header claims {slot_pages} slot pages, the file of {} bytes holds {}: reading what is there",
            bytes.len(),
            bytes.len() / PAGE
        ));
    }
    if !bytes.len().is_multiple_of(BLOCK) {
        notes.push(format!(
            "the file's {} bytes are not a whole number of 16-byte blocks (truncated)",
            bytes.len()
        ));
    }
    let slot_end = slot_end.min(bytes.len() / SLOT * SLOT);
    let first_block = slot_pages.saturating_mul(PAGE / BLOCK);
    let blocks = bytes.len() / BLOCK;
    // Slots in order of their blocks: blobs do not overlap in a store rpm
    // wrote; one that does (two slots naming the same blocks, or a blob
    // inside another) is refused, so no byte is read twice.
    let mut slots = Vec::new();
    let mut bad_slots = 0usize;
    for at in (32..slot_end).step_by(SLOT) {
        let Some(slot) = bytes.get(at..at + SLOT) else {
            break;
        };
        if !slot.starts_with(SLOT_MAGIC) {
            bad_slots += 1;
            continue;
        }
        let (Some(index), Some(offset), Some(count)) =
            (le32(slot, 4), le32(slot, 8), le32(slot, 12))
        else {
            continue;
        };
        if offset == 0 {
            continue;
        }
        let (offset, count) = (offset as usize, count as usize);
        if offset < first_block || count == 0 || offset.saturating_add(count) > blocks {
            notes.push(format!(
                "package {index}: its blocks {offset}+{count} are outside the blob area (blocks {first_block} to {blocks})"
            ));
            continue;
        }
        slots.push((offset, count, index));
    }
    if bad_slots > 0 {
        notes.push(format!("{bad_slots} slots lack their magic"));
    }
    slots.sort_unstable();
    let mut end = 0usize;
    for (offset, count, index) in slots {
        if offset < end {
            notes.push(format!(
                "package {index}: its blocks {offset}+{count} overlap another package's"
            ));
            continue;
        }
        end = offset + count;
        match blob(bytes, index, offset, count) {
            Ok(b) => {
                if !emit(b) {
                    return;
                }
            }
            Err(e) => notes.push(format!("package {index}: {e}")),
        }
    }
}

fn blob(bytes: &[u8], index: u32, offset: usize, count: usize) -> Result<&[u8], String> {
    let start = offset * BLOCK;
    let area = bytes
        .get(start..start + count * BLOCK)
        .ok_or_else(|| "its blocks run past the file".to_owned())?;
    if !area.starts_with(BLOB_HEAD) {
        return Err("its blob has no head magic".to_owned());
    }
    if le32(area, 4) != Some(index) {
        return Err("its blob belongs to another package".to_owned());
    }
    let len = le32(area, 12).unwrap_or(0) as usize;
    if (HEAD + len + TAIL).div_ceil(BLOCK) != count {
        return Err(format!(
            "its blob of {len} bytes does not fill its {count} blocks"
        ));
    }
    let tail = area.len() - TAIL;
    if area.get(tail + 8..) != Some(BLOB_TAIL) || le32(area, tail + 4) != Some(len as u32) {
        return Err("its blob's tail does not match its head".to_owned());
    }
    if le32(area, tail) != Some(adler32(area.get(..tail).unwrap_or_default())) {
        return Err("its blob's checksum does not match".to_owned());
    }
    area.get(HEAD..HEAD + len)
        .ok_or_else(|| "its blob is cut".to_owned())
}
