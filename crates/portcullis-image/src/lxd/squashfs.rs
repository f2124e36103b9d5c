//! A squashfs root filesystem, read in place: `backhand` (a pure-Rust
//! squashfs reader) decompresses and parses the superblock, the inode table
//! and the directory table; the walk over the directories is our own, and
//! writes each entry straight into the layer table. (backhand's own tree,
//! a `PathBuf` per node sorted by path, cost as much as all the reading.)
//! File data is decompressed only for the few files the rules want, each
//! data or fragment block at most once.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::Ordering;

use backhand::compression::{CompressionAction, Compressor, DefaultCompressor};
use backhand::v4::inode::{Inode, InodeInner};
use backhand::{DataSize, Squashfs};

use crate::layer::{display_path, Budget, EntryKind, LayerTable, Rec, CONTENT_CAP, MAX_PATH};

/// Read the squashfs at `path` into a table, and name its compressor.
pub(crate) fn read(
    path: &Path,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
) -> Result<(LayerTable, String), String> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read: {}", crate::error::io_text(&e)))?;
    check_tables(&mut file, budget.max_entries)?;
    file.rewind()
        .map_err(|e| format!("cannot read: {}", crate::error::io_text(&e)))?;
    // backhand reports corrupt input as errors; a panic on some input it
    // does not foresee must still not take the scan down.
    let mut squashfs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Squashfs::from_reader(BufReader::with_capacity(256 << 10, file))
    }))
    .map_err(|_| "not a valid squashfs (the reader gave up on it)".to_string())?
    .map_err(|e| format!("not a valid squashfs: {e}"))?;
    let compression = format!("{:?}", squashfs.superblock.compressor).to_ascii_lowercase();
    let walk = Walk {
        table: LayerTable {
            compression: "squashfs",
            ..LayerTable::default()
        },
        wanted: Vec::new(),
        budget,
        want,
    };
    let table = walk.run(&mut squashfs)?;
    Ok((table, compression))
}

/// The most bytes the inode and directory tables may decode to, together.
/// backhand decodes both whole and parses every inode into memory, so a
/// hostile image made of tiny metadata blocks, each decoding to 8 KiB,
/// could otherwise ask for thousands of times its own size. Real root
/// filesystems need a few MiB (Debian minbase, 8,743 entries: under 1 MiB).
pub(crate) const MAX_TABLE_BYTES: u64 = 256 << 20;

/// What a metadata block decodes to at most.
const METADATA_BLOCK: u64 = 8192;

/// Refuse, before backhand reads them, a squashfs whose superblock counts
/// more inodes than the entry limit, or whose inode and directory tables
/// (and fragment table) would decode to more than [`MAX_TABLE_BYTES`].
/// Walks only the 2-byte headers of the metadata blocks. A superblock that
/// does not add up is left for backhand to reject.
fn check_tables(file: &mut std::fs::File, max_entries: u64) -> Result<(), String> {
    let io = |e: std::io::Error| format!("cannot read: {}", crate::error::io_text(&e));
    let len = file.metadata().map_err(io)?.len();
    let mut sb = [0u8; 96];
    if file.read_exact(&mut sb).is_err() || &sb[..4] != b"hsqs" {
        return Ok(());
    }
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&sb[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let inodes = u64::from(u32_at(&sb, 4));
    if inodes > max_entries {
        return Err(format!(
            "{inodes} inodes, more than {max_entries} entries (the entry limit): refusing an image this large"
        ));
    }
    let too_big = || {
        format!(
            "its metadata tables would decode to more than {} MiB: refusing a hostile image",
            MAX_TABLE_BYTES >> 20
        )
    };
    let fragments = u64::from(u32_at(&sb, 16));
    if fragments * 16 > MAX_TABLE_BYTES {
        return Err(too_big());
    }
    let (inode_table, dir_table) = (u64_at(64), u64_at(72));
    // The directory table ends where the next table starts.
    let dir_end = [40, 48, 56, 80, 88]
        .into_iter()
        .map(u64_at)
        .filter(|&at| at > dir_table)
        .min()
        .unwrap_or(len)
        .min(len);
    if !(inode_table < dir_table && dir_table < dir_end) {
        return Ok(());
    }
    let mut reader = BufReader::with_capacity(64 << 10, &mut *file);
    let mut decoded = 0u64;
    reader.seek(SeekFrom::Start(inode_table)).map_err(io)?;
    let mut at = inode_table;
    while at + 2 <= dir_end {
        let mut header = [0u8; 2];
        if reader.read_exact(&mut header).is_err() {
            break;
        }
        let header = u16_at(&header, 0);
        let stored = u64::from(header & 0x7fff);
        // Bit 15: stored as it is, so it decodes to its own size.
        decoded += if header & 0x8000 != 0 {
            stored
        } else {
            METADATA_BLOCK
        };
        if decoded > MAX_TABLE_BYTES {
            return Err(too_big());
        }
        at += 2 + stored;
        reader.seek_relative(stored as i64).map_err(io)?;
    }
    Ok(())
}

/// A file whose contents a rule wants: where its data is.
struct WantedFile {
    tag: u32,
    path: Vec<u8>,
    size: u64,
    blocks_start: u64,
    block_sizes: Vec<DataSize>,
    /// `u32::MAX`: no fragment (the tail is a block of its own).
    frag_index: u32,
    block_offset: u32,
}

struct Walk<'a> {
    table: LayerTable,
    wanted: Vec<WantedFile>,
    budget: &'a Budget,
    want: &'a dyn Fn(&[u8]) -> bool,
}

fn corrupt(what: &str) -> String {
    format!("not a valid squashfs: {what}")
}

impl Walk<'_> {
    fn run(mut self, sq: &mut Squashfs<'_>) -> Result<LayerTable, String> {
        let root = sq.root_inode.clone();
        // Directories still to list, with their paths ("" for the root).
        let mut pending: Vec<(Inode, Vec<u8>)> = vec![(root, Vec::new())];
        // A corrupt image may point a directory entry back at a directory
        // already listed; following it would never end.
        let mut listed: HashSet<u32> = HashSet::new();
        while let Some((dir, path)) = pending.pop() {
            if !listed.insert(dir.header.inode_number) {
                return Err(corrupt("a directory is listed inside itself"));
            }
            let (block_index, size, offset) = match &dir.inner {
                InodeInner::BasicDirectory(d) => {
                    (d.block_index, u32::from(d.file_size), d.block_offset)
                }
                InodeInner::ExtendedDirectory(d) => (d.block_index, d.file_size, d.block_offset),
                _ => return Err(corrupt("a directory entry's inode is not a directory")),
            };
            // The listing's size counts 3 bytes it does not hold.
            if size <= 3 {
                continue;
            }
            let start = sq
                .dir_blocks
                .0
                .get(&u64::from(block_index))
                .and_then(|&at| usize::try_from(at).ok())
                .and_then(|at| at.checked_add(usize::from(offset)))
                .ok_or_else(|| corrupt("a directory points outside the directory table"))?;
            let listing = sq
                .dir_blocks
                .1
                .get(start..)
                .and_then(|rest| rest.get(..(size - 3) as usize))
                .ok_or_else(|| corrupt("a directory runs past the directory table"))?;
            for (inode_number, name) in DirEntries::new(listing) {
                let name = name?;
                if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
                    return Err(format!(
                        "entry {:?} in {} is not a file name: refusing a hostile image",
                        String::from_utf8_lossy(name),
                        display_path(&path)
                    ));
                }
                let inode = sq
                    .inodes
                    .get(&inode_number)
                    .ok_or_else(|| corrupt("a directory entry names an inode that is not there"))?;
                let mut child = Vec::with_capacity(path.len() + 1 + name.len());
                if !path.is_empty() {
                    child.extend_from_slice(&path);
                    child.push(b'/');
                }
                child.extend_from_slice(name);
                let is_dir = self.add(sq, &child, inode)?;
                if is_dir {
                    pending.push((inode.clone(), child));
                }
            }
        }
        let contents = self.read_wanted(sq)?;
        self.table.entries = self.table.recs.len();
        self.table.seal(contents);
        Ok(self.table)
    }

    /// Record one entry; whether it is a directory (to list next).
    fn add(&mut self, sq: &Squashfs<'_>, path: &[u8], inode: &Inode) -> Result<bool, String> {
        let budget = self.budget;
        if budget.entries.fetch_add(1, Ordering::Relaxed) >= budget.max_entries {
            return Err(format!(
                "more than {} entries (the entry limit): refusing an image this large",
                budget.max_entries
            ));
        }
        if path.len() > MAX_PATH {
            return Err(format!(
                "entry {}… has a path of {} bytes, over the {MAX_PATH}-byte limit: refusing a hostile image",
                display_path(&path[..64]),
                path.len()
            ));
        }
        // A file's data: (first block, block sizes, fragment, offset in it).
        let mut data = None;
        let (kind, link, size): (EntryKind, &[u8], u64) = match &inode.inner {
            InodeInner::BasicFile(f) => {
                data = Some((
                    u64::from(f.blocks_start),
                    &f.block_sizes,
                    f.frag_index,
                    f.block_offset,
                ));
                (EntryKind::File, b"", u64::from(f.file_size))
            }
            InodeInner::ExtendedFile(f) => {
                data = Some((f.blocks_start, &f.block_sizes, f.frag_index, f.block_offset));
                (EntryKind::File, b"", f.file_size)
            }
            InodeInner::BasicSymlink(s) => (EntryKind::Symlink, &s.target_path, 0),
            InodeInner::ExtendedSymlink(s) => (EntryKind::Symlink, &s.target_path, 0),
            InodeInner::BasicDirectory(_) | InodeInner::ExtendedDirectory(_) => {
                (EntryKind::Dir, b"", 0)
            }
            InodeInner::BasicCharacterDevice(_) | InodeInner::ExtendedCharacterDevice(_) => {
                (EntryKind::CharDevice, b"", 0)
            }
            InodeInner::BasicBlockDevice(_) | InodeInner::ExtendedBlockDevice(_) => {
                (EntryKind::BlockDevice, b"", 0)
            }
            InodeInner::BasicNamedPipe(_) | InodeInner::ExtendedNamedPipe(_) => {
                (EntryKind::Fifo, b"", 0)
            }
            InodeInner::BasicSocket(_) | InodeInner::ExtendedSocket(_) => {
                (EntryKind::Other, b"", 0)
            }
        };
        if link.len() > MAX_PATH {
            return Err(format!(
                "link {} has a target of {} bytes, over the {MAX_PATH}-byte limit: refusing a hostile image",
                display_path(path),
                link.len()
            ));
        }
        let n = (path.len() + link.len()) as u64;
        if budget.name_bytes.fetch_add(n, Ordering::Relaxed) + n > budget.max_name_bytes {
            return Err(format!(
                "more than {} bytes of entry names (the name limit): refusing an image this large",
                budget.max_name_bytes
            ));
        }
        let owner = |index: u16| {
            sq.id
                .get(usize::from(index))
                .map(|id| id.num)
                .ok_or_else(|| corrupt("an inode's owner is not in the id table"))
        };
        let (uid, gid) = (owner(inode.header.uid)?, owner(inode.header.gid)?);
        let table = &mut self.table;
        let at = u32::try_from(table.names.len())
            .map_err(|_| "more than 4 GiB of entry names".to_string())?;
        table.names.extend_from_slice(path);
        table.names.extend_from_slice(link);
        let tag =
            u32::try_from(table.recs.len()).map_err(|_| "more than 2^32 entries".to_string())?;
        if let Some((blocks_start, block_sizes, frag_index, block_offset)) =
            data.filter(|_| size <= CONTENT_CAP && (self.want)(path))
        {
            self.wanted.push(WantedFile {
                tag,
                path: path.to_vec(),
                size,
                blocks_start,
                block_sizes: block_sizes.clone(),
                frag_index,
                block_offset,
            });
        }
        table.recs.push(Rec {
            size,
            at,
            uid,
            gid,
            tag,
            // Both at most MAX_PATH.
            path_len: path.len() as u16,
            link_len: link.len() as u16,
            mode: inode.header.permissions & 0o7777,
            kind,
        });
        Ok(kind == EntryKind::Dir)
    }

    /// The contents of the wanted files, by tag. Files that share a
    /// fragment block (small files usually do) decompress it once.
    fn read_wanted(&mut self, sq: &mut Squashfs<'_>) -> Result<Vec<(u32, Vec<u8>)>, String> {
        let block_size = sq.superblock.block_size as usize;
        let compressor = sq.superblock.compressor;
        let mut fragments: HashMap<u32, Vec<u8>> = HashMap::new();
        let mut contents = Vec::with_capacity(self.wanted.len());
        for file in std::mem::take(&mut self.wanted) {
            let cannot = |what: &str| format!("cannot read {}: {what}", display_path(&file.path));
            let used = self.budget.used.fetch_add(file.size, Ordering::Relaxed) + file.size;
            if used > self.budget.limit {
                return Err(format!(
                    "more than {} bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb",
                    self.budget.limit
                ));
            }
            // At most CONTENT_CAP, so it fits.
            let size = file.size as usize;
            let mut out = Vec::with_capacity(size);
            let mut at = file.blocks_start;
            for stored in &file.block_sizes {
                let want = (size - out.len()).min(block_size);
                if stored.size() == 0 {
                    // A hole: a block of zeros not stored at all.
                    out.resize(out.len() + want, 0);
                    continue;
                }
                let block =
                    read_block(sq, at, *stored, block_size, compressor).map_err(|e| cannot(&e))?;
                at += u64::from(stored.size());
                out.extend_from_slice(block.get(..want).ok_or_else(|| cannot("a short block"))?);
            }
            if file.frag_index != u32::MAX && out.len() < size {
                let block = match fragments.entry(file.frag_index) {
                    Entry::Occupied(cached) => cached.into_mut(),
                    Entry::Vacant(slot) => {
                        let (start, stored) = sq
                            .fragments
                            .as_ref()
                            .and_then(|f| f.get(file.frag_index as usize))
                            .map(|f| (f.start, f.size))
                            .ok_or_else(|| cannot("its fragment is not in the fragment table"))?;
                        let block = read_block(sq, start, stored, block_size, compressor)
                            .map_err(|e| cannot(&e))?;
                        slot.insert(block)
                    }
                };
                let tail = size - out.len();
                let from = file.block_offset as usize;
                let piece = block
                    .get(from..)
                    .and_then(|rest| rest.get(..tail))
                    .ok_or_else(|| cannot("its tail runs past its fragment block"))?;
                out.extend_from_slice(piece);
            }
            if out.len() != size {
                return Err(cannot("its blocks do not add up to its size"));
            }
            contents.push((file.tag, out));
        }
        Ok(contents)
    }
}

/// One data or fragment block, decompressed (at most `block_size` bytes).
fn read_block(
    sq: &mut Squashfs<'_>,
    at: u64,
    stored: DataSize,
    block_size: usize,
    compressor: Compressor,
) -> Result<Vec<u8>, String> {
    let len = stored.size() as usize;
    if len > block_size {
        return Err("a block larger than the block size".into());
    }
    let mut raw = vec![0u8; len];
    sq.file
        .seek(SeekFrom::Start(at))
        .and_then(|_| sq.file.read_exact(&mut raw))
        .map_err(|e| format!("a block past the end of the file ({e})"))?;
    if stored.uncompressed() {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(block_size);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        DefaultCompressor.decompress(&raw, &mut out, compressor)
    }))
    .map_err(|_| "a corrupt block".to_string())?
    .map_err(|e| format!("a corrupt block ({e})"))?;
    if out.len() > block_size {
        return Err("a block that decompresses past the block size".into());
    }
    Ok(out)
}

/// The entries of one directory listing: (inode number, name). A listing
/// is a run of headers (entry count - 1, inode block, base inode number),
/// each followed by its entries (offset, inode number delta, type, name
/// size - 1, name); all little-endian.
struct DirEntries<'a> {
    rest: &'a [u8],
    /// Entries left under the current header, and its base inode number.
    left: u32,
    base: u32,
    failed: bool,
}

impl<'a> DirEntries<'a> {
    fn new(listing: &'a [u8]) -> Self {
        DirEntries {
            rest: listing,
            left: 0,
            base: 0,
            failed: false,
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let rest = self.rest;
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        self.rest = tail;
        Some(head)
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl<'a> Iterator for DirEntries<'a> {
    type Item = (u32, Result<&'a [u8], String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let fail = |me: &mut Self| {
            me.failed = true;
            Some((0, Err(corrupt("a directory listing is cut short"))))
        };
        if self.left == 0 {
            if self.rest.is_empty() {
                return None;
            }
            let Some(header) = self.take(12) else {
                return fail(self);
            };
            // `take` gave exactly 12 bytes.
            let count = u32_at(header, 0);
            // mksquashfs writes at most 256 entries under one header.
            if count >= 256 {
                self.failed = true;
                return Some((
                    0,
                    Err(corrupt("a directory header counts too many entries")),
                ));
            }
            self.left = count + 1;
            self.base = u32_at(header, 8);
        }
        let Some(entry) = self.take(8) else {
            return fail(self);
        };
        let delta = u16_at(entry, 2) as i16;
        let name_len = usize::from(u16_at(entry, 6)) + 1;
        let Some(name) = self.take(name_len) else {
            return fail(self);
        };
        self.left -= 1;
        let Some(inode) = self.base.checked_add_signed(i32::from(delta)) else {
            self.failed = true;
            return Some((
                0,
                Err(corrupt("a directory entry's inode number is out of range")),
            ));
        };
        Some((inode, Ok(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(groups: &[(u32, &[(i16, &str)])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (base, entries) in groups {
            out.extend_from_slice(&(entries.len() as u32 - 1).to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&base.to_le_bytes());
            for (delta, name) in *entries {
                out.extend_from_slice(&0u16.to_le_bytes());
                out.extend_from_slice(&delta.to_le_bytes());
                out.extend_from_slice(&2u16.to_le_bytes());
                out.extend_from_slice(&(name.len() as u16 - 1).to_le_bytes());
                out.extend_from_slice(name.as_bytes());
            }
        }
        out
    }

    fn entries(bytes: &[u8]) -> Vec<Result<(u32, String), String>> {
        DirEntries::new(bytes)
            .map(|(n, name)| name.map(|b| (n, String::from_utf8_lossy(b).into_owned())))
            .collect()
    }

    /// A superblock: `inodes`, tables at the given offsets, the rest at `end`.
    fn superblock(inodes: u32, inode_table: u64, dir_table: u64, end: u64) -> Vec<u8> {
        let mut sb = vec![0u8; 96];
        sb[..4].copy_from_slice(b"hsqs");
        sb[4..8].copy_from_slice(&inodes.to_le_bytes());
        sb[12..16].copy_from_slice(&131_072u32.to_le_bytes());
        sb[20..22].copy_from_slice(&1u16.to_le_bytes());
        sb[28..30].copy_from_slice(&4u16.to_le_bytes());
        for at in [40, 48, 56, 80, 88] {
            sb[at..at + 8].copy_from_slice(&end.to_le_bytes());
        }
        sb[64..72].copy_from_slice(&inode_table.to_le_bytes());
        sb[72..80].copy_from_slice(&dir_table.to_le_bytes());
        sb
    }

    fn read_bytes(bytes: &[u8]) -> Result<(LayerTable, String), String> {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("x.squashfs");
        std::fs::write(&path, bytes).expect("write");
        read(&path, &Budget::new(1 << 30), &|_: &[u8]| false)
    }

    #[test]
    fn tables_that_would_decode_to_too_much_are_refused_before_reading() {
        // 40,000 one-byte compressed metadata blocks: 120 kB that would
        // decode to 312 MiB.
        let blocks = 40_000u64;
        let end = 96 + 3 * blocks;
        let mut bytes = superblock(1, 96, 96 + 3 * (blocks - 10), end);
        for _ in 0..blocks {
            bytes.extend_from_slice(&[0x01, 0x00, 0x5d]);
        }
        assert_eq!(
            read_bytes(&bytes).map(|_| ()),
            Err(
                "its metadata tables would decode to more than 256 MiB: refusing a hostile image"
                    .into()
            )
        );
        // Stored (uncompressed) blocks count their own size only: the same
        // count of them is left to backhand, which finds them corrupt.
        let mut stored = superblock(1, 96, 96 + 3 * (blocks - 10), end);
        for _ in 0..blocks {
            stored.extend_from_slice(&[0x01, 0x80, 0x00]);
        }
        let err = read_bytes(&stored).map(|_| ()).expect_err("corrupt");
        assert!(err.starts_with("not a valid squashfs"), "{err}");
        // More inodes than the entry limit.
        let mut many = superblock(4_000_001, 96, 200, 300);
        many.resize(300, 0);
        assert_eq!(
            read_bytes(&many).map(|_| ()),
            Err("4000001 inodes, more than 4000000 entries (the entry limit): refusing an image this large".into())
        );
    }

    #[test]
    fn listings_are_read_header_by_header() {
        let bytes = listing(&[(10, &[(0, "bin"), (2, "etc")]), (20, &[(-1, "usr")])]);
        assert_eq!(
            entries(&bytes),
            [
                Ok((10, "bin".to_owned())),
                Ok((12, "etc".to_owned())),
                Ok((19, "usr".to_owned()))
            ]
        );
        assert!(entries(&[]).is_empty());
    }

    #[test]
    fn cut_or_hostile_listings_are_errors_not_panics() {
        let bytes = listing(&[(10, &[(0, "bin"), (2, "etc")])]);
        for cut in 1..bytes.len() {
            let got = entries(&bytes[..cut]);
            assert_eq!(
                got.last(),
                Some(&Err(corrupt("a directory listing is cut short"))),
                "cut at {cut}"
            );
        }
        let mut many = listing(&[(10, &[(0, "bin")])]);
        many[..4].copy_from_slice(&300u32.to_le_bytes());
        assert_eq!(
            entries(&many),
            [Err(corrupt("a directory header counts too many entries"))]
        );
        let below_zero = listing(&[(0, &[(-1, "x")])]);
        assert_eq!(
            entries(&below_zero),
            [Err(corrupt(
                "a directory entry's inode number is out of range"
            ))]
        );
    }
}
