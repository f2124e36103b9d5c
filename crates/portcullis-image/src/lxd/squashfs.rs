//! A squashfs root filesystem, read in place, as the kernel reads it.
//! `backhand` (a pure-Rust squashfs reader) reads and checks the superblock
//! and decodes lz4; the rest is ours: the metadata tables read block by
//! block with every decoded byte counted ([`Metadata`]), the walk over the
//! directory listings, each inode read where the entry points (its block
//! and offset, as the kernel finds it) and checked to be the inode the
//! entry names, each entry written straight into the layer table, and the
//! few files the rules want read from their data blocks, holes and
//! fragments. docs/ARCHITECTURE.md lists what a hostile image is refused
//! for, and why.
//!
//! (backhand's own `Squashfs` parses every inode into a map and its
//! filesystem view builds a `PathBuf` tree: that cost as much as all the
//! decoding, held every inode in memory, and looked inodes up by number,
//! which a hostile image can make disagree with where the kernel looks.)

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use backhand::compression::{CompressionAction, Compressor, DefaultCompressor};
use backhand::kind::Kind;
use backhand::{Squashfs, SuperBlock};

use crate::layer::{display_path, Budget, EntryKind, LayerTable, Rec, CONTENT_CAP, MAX_PATH};

/// The most bytes the metadata tables may decode to, together. A metadata
/// block of a few bytes may decode to 8 KiB, so a hostile image could
/// otherwise ask for thousands of times its own size. Real root
/// filesystems need a few MiB (Debian minbase, 8,743 entries: under 1 MiB);
/// this allows about two million entries.
pub(crate) const MAX_TABLE_BYTES: u64 = 128 << 20;

/// What one metadata block decodes to at most.
const METADATA_BLOCK: usize = 8192;

/// The fragment index of a file without one.
const NO_FRAGMENT: u32 = u32::MAX;

fn too_big() -> String {
    format!(
        "its metadata tables decode to more than {} MiB: refusing a hostile image",
        MAX_TABLE_BYTES >> 20
    )
}

/// Decompress one block into `out`, refusing to produce more than `cap`.
fn decode(
    bytes: &[u8],
    out: &mut Vec<u8>,
    compressor: Compressor,
    cap: usize,
) -> Result<(), String> {
    let start = out.len();
    let limit = cap as u64 + 1;
    let read = match compressor {
        // squashfs's "gzip" is a zlib stream.
        Compressor::Gzip => flate2::read::ZlibDecoder::new(bytes)
            .take(limit)
            .read_to_end(out)
            .map(drop),
        Compressor::Xz => crate::decompress::xz_single(bytes)
            .take(limit)
            .read_to_end(out)
            .map(drop),
        // One frame, as the kernel reads: bytes after it are not data.
        Compressor::Zstd => crate::decompress::zstd(bytes)
            .and_then(|d| d.single_frame().take(limit).read_to_end(out))
            .map(drop),
        Compressor::Lz4 => {
            // Decodes into the room it is given, no further.
            let mut room = Vec::with_capacity(cap);
            DefaultCompressor
                .decompress(bytes, &mut room, compressor)
                .map_err(|e| std::io::Error::other(e.to_string()))
                .map(|()| out.extend_from_slice(&room))
        }
        Compressor::Uncompressed => {
            out.extend_from_slice(bytes);
            Ok(())
        }
        other => return Err(format!("{other:?} compression is not supported")),
    };
    read.map_err(|e| format!("a corrupt block ({e})"))?;
    if out.len() - start > cap {
        return Err("a block that decodes past its size".into());
    }
    Ok(())
}

fn corrupt(what: &str) -> String {
    format!("not a valid squashfs: {what}")
}

/// A metadata table decoded whole.
struct Table {
    /// (where each block starts, relative to the table; where its bytes
    /// start in `bytes`), in order.
    blocks: Vec<(u64, usize)>,
    bytes: Vec<u8>,
}

impl Table {
    /// Where byte `offset` of the block starting at `block` is in `bytes`;
    /// `None` unless that block holds it (the kernel reads no further).
    fn offset_of(&self, block: u64, offset: u16) -> Option<usize> {
        let i = self.blocks.binary_search_by_key(&block, |b| b.0).ok()?;
        let start = self.blocks[i].1;
        let end = self.blocks.get(i + 1).map_or(self.bytes.len(), |b| b.1);
        let at = start + usize::from(offset);
        (at < end).then_some(at)
    }

    /// The decoded bytes from `offset` in the block starting at `block`.
    fn at(&self, block: u64, offset: u16, what: &str) -> Result<&[u8], String> {
        self.offset_of(block, offset)
            .and_then(|at| self.bytes.get(at..))
            .ok_or_else(|| corrupt(&format!("{what} points outside its table")))
    }
}

/// Reads metadata blocks (a u16 header, bit 15 set when stored as is, then
/// at most 8 KiB), counting what they decode to: each block at least 8 KiB
/// (a real table's blocks are full but its last), so that neither empty
/// nor stored blocks escape [`MAX_TABLE_BYTES`].
struct Metadata<'a> {
    file: &'a mut BufReader<std::fs::File>,
    compressor: Compressor,
    counted: u64,
}

impl Metadata<'_> {
    fn read_at(&mut self, at: u64, n: usize) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; n];
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|_| corrupt("a table runs past the end of the file"))?;
        Ok(buf)
    }

    /// The block at `at`, appended to `out`; the position after it.
    fn block(&mut self, at: u64, out: &mut Vec<u8>) -> Result<u64, String> {
        let head = self.read_at(at, 2)?;
        let header = u16_at(&head, 0);
        let len = usize::from(header & 0x7fff);
        if len == 0 || len > METADATA_BLOCK {
            return Err(corrupt("a metadata block of impossible size"));
        }
        let raw = self.read_at(at + 2, len)?;
        let start = out.len();
        if header & 0x8000 != 0 {
            out.extend_from_slice(&raw);
        } else {
            decode(&raw, out, self.compressor, METADATA_BLOCK).map_err(|e| corrupt(&e))?;
        }
        self.counted += (out.len() - start).max(METADATA_BLOCK) as u64;
        if self.counted > MAX_TABLE_BYTES {
            return Err(too_big());
        }
        Ok(at + 2 + len as u64)
    }

    /// The blocks from `start` to exactly `end` (file offsets).
    fn table(&mut self, start: u64, end: u64) -> Result<Table, String> {
        let mut table = Table {
            blocks: Vec::new(),
            bytes: Vec::new(),
        };
        let mut at = start;
        while at < end {
            table.blocks.push((at - start, table.bytes.len()));
            at = self.block(at, &mut table.bytes)?;
        }
        if at != end {
            return Err(corrupt("a metadata table runs into the next one"));
        }
        Ok(table)
    }

    /// A lookup table: `count` entries of `size` bytes, in the metadata
    /// blocks whose positions (u64 each) are listed at `index`.
    fn lookup(&mut self, index: u64, count: u64, size: u64) -> Result<Vec<u8>, String> {
        let want = count * size;
        if want > MAX_TABLE_BYTES {
            return Err(too_big());
        }
        let blocks = want.div_ceil(METADATA_BLOCK as u64) as usize;
        let list = self.read_at(index, blocks * 8)?;
        let mut out = Vec::with_capacity(want as usize);
        for at in list.chunks_exact(8).map(|b| u64_at(b, 0)) {
            self.block(at, &mut out)?;
        }
        if (out.len() as u64) < want {
            return Err(corrupt("a lookup table is cut short"));
        }
        out.truncate(want as usize);
        Ok(out)
    }

    /// The first block a lookup table's index at `index` lists.
    fn first_block(&mut self, index: u64) -> Result<u64, String> {
        self.read_at(index, 8).map(|b| u64_at(&b, 0))
    }
}

/// What the walk needs of the image.
struct Image {
    superblock: SuperBlock,
    inodes: Table,
    dirs: Table,
    /// (start, size word) of each fragment block.
    fragments: Vec<(u64, u32)>,
    ids: Vec<u32>,
}

/// "Not set" in a superblock's table positions.
const NOT_SET: u64 = u64::MAX;

/// Read the superblock (backhand) and the tables (ours), every decoded
/// byte counted.
fn read_tables(reader: &mut BufReader<std::fs::File>, max_entries: u64) -> Result<Image, String> {
    let kind = Kind::new_v4(&DefaultCompressor);
    let (sb, _) = Squashfs::superblock_and_compression_options(reader, &kind)
        .map_err(|e| corrupt(&e.to_string()))?;
    if !matches!(
        sb.compressor,
        Compressor::Gzip | Compressor::Xz | Compressor::Zstd | Compressor::Lz4
    ) {
        return Err(format!(
            "a {:?}-compressed squashfs: gzip, xz, zstd and lz4 are read",
            sb.compressor
        ));
    }
    if u64::from(sb.inode_count) > max_entries {
        return Err(format!(
            "{} inodes, more than {max_entries} entries (the entry limit): refusing an image this large",
            sb.inode_count
        ));
    }
    let len = reader
        .seek(SeekFrom::End(0))
        .map_err(|e| format!("cannot read: {}", crate::error::io_text(&e)))?;
    if sb.bytes_used > len {
        return Err(corrupt(&format!(
            "{len} bytes, shorter than the {} its superblock counts (truncated?)",
            sb.bytes_used
        )));
    }
    if sb.inode_table >= sb.dir_table || sb.dir_table > len {
        return Err(corrupt("its tables are not where its superblock says"));
    }
    let mut metadata = Metadata {
        file: reader,
        compressor: sb.compressor,
        counted: 0,
    };
    // The directory table ends where the next table's blocks begin.
    let mut next = Vec::new();
    let fragments = if sb.frag_count == 0 || sb.frag_table == NOT_SET {
        Vec::new()
    } else {
        next.push(metadata.first_block(sb.frag_table)?);
        let raw = metadata.lookup(sb.frag_table, u64::from(sb.frag_count), 16)?;
        raw.chunks_exact(16)
            .map(|e| (u64_at(e, 0), u32_at(e, 8)))
            .collect()
    };
    if sb.export_table != NOT_SET {
        next.push(metadata.first_block(sb.export_table)?);
    }
    next.push(metadata.first_block(sb.id_table)?);
    let ids = metadata
        .lookup(sb.id_table, u64::from(sb.id_count), 4)?
        .chunks_exact(4)
        .map(|e| u32_at(e, 0))
        .collect();
    let dir_end = next
        .into_iter()
        .filter(|&at| at >= sb.dir_table)
        .min()
        .ok_or_else(|| corrupt("its tables are not where its superblock says"))?;
    let inodes = metadata.table(sb.inode_table, sb.dir_table)?;
    let dirs = metadata.table(sb.dir_table, dir_end)?;
    Ok(Image {
        superblock: sb,
        inodes,
        dirs,
        fragments,
        ids,
    })
}

/// Read the squashfs at `path` into a table, and name its compressor.
pub(crate) fn read(
    path: &Path,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
    analyser: Option<&dyn crate::Analyser>,
) -> Result<(LayerTable, String), String> {
    let file = crate::error::open_file(path)
        .map_err(|e| format!("cannot read: {}", crate::error::io_text(&e)))?;
    let mut reader = BufReader::with_capacity(256 << 10, file);
    // backhand reports corrupt input as errors; a panic on some input it
    // does not foresee must still not take the scan down.
    let image = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_tables(&mut reader, budget.max_entries)
    }))
    .map_err(|_| "not a valid squashfs (the reader gave up on it)".to_string())??;
    let compression = format!("{:?}", image.superblock.compressor).to_ascii_lowercase();
    let mut walk = Walk {
        image: &image,
        table: LayerTable {
            compression: "squashfs",
            ..LayerTable::default()
        },
        wanted: Vec::new(),
        analysed: Vec::new(),
        analyse: analyser.is_some(),
        budget,
        want,
    };
    walk.run()?;
    let contents = read_wanted(
        &image,
        reader.get_mut(),
        budget,
        std::mem::take(&mut walk.wanted),
    )?;
    let mut table = walk.table;
    if let Some(analyser) = analyser {
        let files = std::mem::take(&mut walk.analysed);
        let facts = read_analysed(&image, reader.get_mut(), budget, &table, files, analyser)?;
        table.facts = Some(facts);
    }
    table.entries = table.recs.len();
    table.seal(contents);
    Ok((table, compression))
}

/// An inode as the walk needs it.
struct Inode<'a> {
    number: u32,
    kind: EntryKind,
    mode: u16,
    uid: u16,
    gid: u16,
    size: u64,
    link: &'a [u8],
    /// A directory's listing: (block, size + 3, offset).
    listing: Option<(u32, u32, u16)>,
    /// An extended directory's index: (entries, the bytes after the inode).
    index: (usize, &'a [u8]),
    /// A file's data.
    data: Option<FileData>,
}

/// Where a file's data is.
#[derive(Clone)]
struct FileData {
    blocks_start: u64,
    /// The block size words (bit 24: stored uncompressed): bytes of the
    /// inode table, read only for files the rules want.
    words: std::ops::Range<usize>,
    fragment: u32,
    offset: u32,
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Parse the inode at the start of `bytes` (the rest of the inode table).
/// `base` is where `bytes` starts in the table, for the block list's range.
fn parse_inode(bytes: &[u8], base: usize, block_size: u32) -> Result<Inode<'_>, String> {
    let short = || corrupt("an inode is cut short");
    let need = |n: usize| {
        if bytes.len() < n {
            Err(short())
        } else {
            Ok(())
        }
    };
    need(16)?;
    let kind_id = u16_at(bytes, 0);
    let mut inode = Inode {
        number: u32_at(bytes, 12),
        kind: EntryKind::Other,
        mode: u16_at(bytes, 2) & 0o7777,
        uid: u16_at(bytes, 4),
        gid: u16_at(bytes, 6),
        size: 0,
        link: &[],
        listing: None,
        index: (0, &[]),
        data: None,
    };
    let file = |blocks_start: u64, size: u64, fragment: u32, offset: u32, words_at: usize| {
        let full = size / u64::from(block_size);
        let partial = !size.is_multiple_of(u64::from(block_size));
        let count = full + u64::from(partial && fragment == NO_FRAGMENT);
        let end = usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(4))
            .and_then(|n| n.checked_add(words_at))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(short)?;
        Ok::<_, String>(FileData {
            blocks_start,
            words: base + words_at..base + end,
            fragment,
            offset,
        })
    };
    match kind_id {
        1 => {
            need(32)?;
            inode.kind = EntryKind::Dir;
            inode.listing = Some((
                u32_at(bytes, 16),
                u32::from(u16_at(bytes, 24)),
                u16_at(bytes, 26),
            ));
        }
        8 => {
            need(40)?;
            inode.kind = EntryKind::Dir;
            inode.listing = Some((u32_at(bytes, 24), u32_at(bytes, 20), u16_at(bytes, 34)));
            inode.index = (usize::from(u16_at(bytes, 32)), &bytes[40..]);
        }
        2 => {
            need(32)?;
            inode.kind = EntryKind::File;
            inode.size = u64::from(u32_at(bytes, 28));
            inode.data = Some(file(
                u64::from(u32_at(bytes, 16)),
                inode.size,
                u32_at(bytes, 20),
                u32_at(bytes, 24),
                32,
            )?);
        }
        9 => {
            need(56)?;
            inode.kind = EntryKind::File;
            inode.size = u64_at(bytes, 24);
            inode.data = Some(file(
                u64_at(bytes, 16),
                inode.size,
                u32_at(bytes, 44),
                u32_at(bytes, 48),
                56,
            )?);
        }
        3 | 10 => {
            need(24)?;
            let len = u32_at(bytes, 20) as usize;
            if len > MAX_PATH {
                return Err(format!(
                    "a link target of {len} bytes, over the {MAX_PATH}-byte limit: refusing a hostile image"
                ));
            }
            need(24 + len)?;
            inode.kind = EntryKind::Symlink;
            inode.link = &bytes[24..24 + len];
        }
        4 | 11 => inode.kind = EntryKind::BlockDevice,
        5 | 12 => inode.kind = EntryKind::CharDevice,
        6 | 13 => inode.kind = EntryKind::Fifo,
        7 | 14 => inode.kind = EntryKind::Other,
        other => return Err(corrupt(&format!("an inode of unknown type {other}"))),
    }
    Ok(inode)
}

/// An extended directory's index, as the kernel's lookup uses it: each
/// entry (position in the listing, directory-table block, name size - 1,
/// name) lets a lookup jump to a header. Each must point, in the table as
/// it is laid out, at a header this walk read, and carry its first name;
/// otherwise the kernel could be sent to bytes this walk does not read as
/// entries (a name crafted to look like a header).
fn check_index(
    image: &Image,
    dir: &Inode<'_>,
    (block, offset): (u32, u16),
    headers: &[(usize, &[u8])],
    path: &[u8],
) -> Result<(), String> {
    let (count, mut rest) = dir.index;
    let bad = || {
        format!(
            "directory {} has an index that does not match its entries: refusing a hostile image",
            display_path(path)
        )
    };
    let listing_start = image
        .dirs
        .offset_of(u64::from(block), offset)
        .ok_or_else(bad)?;
    for _ in 0..count {
        let head = rest
            .get(..12)
            .ok_or_else(|| corrupt("a directory index is cut short"))?;
        let (index, start_block, name_len) = (
            u32_at(head, 0) as usize,
            u64::from(u32_at(head, 4)),
            u32_at(head, 8) as usize + 1,
        );
        let name = rest
            .get(12..12 + name_len)
            .ok_or_else(|| corrupt("a directory index is cut short"))?;
        rest = &rest[12 + name_len..];
        // Where the kernel goes: that block, at (index + offset) mod 8 KiB.
        let kernel = image.dirs.offset_of(
            start_block,
            ((index + usize::from(offset)) % METADATA_BLOCK) as u16,
        );
        let header = headers.iter().find(|(at, _)| *at == index);
        match (kernel, header) {
            (Some(at), Some((_, first))) if at == listing_start + index && *first == name => {}
            _ => return Err(bad()),
        }
    }
    Ok(())
}

struct Walk<'a> {
    image: &'a Image,
    table: LayerTable,
    wanted: Vec<(u32, Vec<u8>, u64, FileData)>,
    /// The regular files with data, for the content pass: (where the path
    /// is in the table's names, its length, size, data).
    analysed: Vec<(u32, u16, u64, FileData)>,
    analyse: bool,
    budget: &'a Budget,
    want: &'a dyn Fn(&[u8]) -> bool,
}

/// The inode at `offset` in the inode table block starting at `block`.
fn inode_at(image: &Image, block: u64, offset: u16) -> Result<Inode<'_>, String> {
    let inodes = &image.inodes;
    let bytes = inodes.at(block, offset, "an inode reference")?;
    let base = inodes.bytes.len() - bytes.len();
    parse_inode(bytes, base, image.superblock.block_size)
}

impl Walk<'_> {
    fn run(&mut self) -> Result<(), String> {
        let image = self.image;
        let root = image.superblock.root_inode;
        let root_at = (root >> 16, (root & 0xffff) as u16);
        let root = inode_at(image, root_at.0, root_at.1)?;
        let listing = root
            .listing
            .ok_or_else(|| corrupt("the root inode is not a directory"))?;
        // Directories still to list: where their inode is, their listing,
        // their path ("" for the root).
        type Pending = ((u64, u16), (u32, u32, u16), Vec<u8>);
        let mut pending: Vec<Pending> = vec![(root_at, listing, Vec::new())];
        // A corrupt image may point a directory entry back at a directory
        // already listed; following it would never end.
        let mut listed: HashSet<(u64, u16)> = HashSet::new();
        // The kernel caches inodes by number: one number at two places
        // would show it one file or the other, by what was read first.
        let mut numbers: HashMap<u32, (u64, u16)> = HashMap::from([(root.number, root_at)]);
        while let Some((location, (block, size, offset), path)) = pending.pop() {
            if !listed.insert(location) {
                return Err(corrupt("a directory is reached twice (a loop)"));
            }
            let dir_inode = inode_at(image, location.0, location.1)?;
            // The listing's size counts 3 bytes it does not hold.
            if size <= 3 {
                if dir_inode.index.0 > 0 {
                    return Err(corrupt("an empty directory has an index"));
                }
                continue;
            }
            let listing = self
                .image
                .dirs
                .at(u64::from(block), offset, "a directory")?
                .get(..(size - 3) as usize)
                .ok_or_else(|| corrupt("a directory runs past the directory table"))?;
            // (where each header starts in the listing, its first name)
            let mut headers: Vec<(usize, &[u8])> = Vec::new();
            let mut previous: Option<&[u8]> = None;
            for entry in DirEntries::new(listing) {
                let entry = entry?;
                let name = entry.name;
                if let Some(at) = entry.header_at {
                    headers.push((at, name));
                }
                if name.is_empty()
                    || name == b"."
                    || name == b".."
                    || name.contains(&b'/')
                    || name.contains(&0)
                {
                    return Err(format!(
                        "entry {:?} in {} is not a file name: refusing a hostile image",
                        String::from_utf8_lossy(name),
                        display_path(&path)
                    ));
                }
                // mksquashfs sorts names; the kernel's lookup stops at the
                // first match and relies on the order, so a repeated or
                // unsorted name could show it another file than this walk.
                if previous.is_some_and(|p| p >= name) {
                    return Err(format!(
                        "entry {:?} in {} is out of order or repeated: refusing a hostile image",
                        String::from_utf8_lossy(name),
                        display_path(&path)
                    ));
                }
                previous = Some(name);
                let mut child = Vec::with_capacity(path.len() + 1 + name.len());
                if !path.is_empty() {
                    child.extend_from_slice(&path);
                    child.push(b'/');
                }
                child.extend_from_slice(name);
                let inode = inode_at(image, u64::from(entry.block), entry.offset)?;
                // The kernel reads the inode where the entry points; the
                // number the entry gives must be that inode's.
                if inode.number != entry.number {
                    return Err(format!(
                        "entry {} names inode {} but points at inode {}: refusing a hostile image",
                        display_path(&child),
                        entry.number,
                        inode.number
                    ));
                }
                let here = (u64::from(entry.block), entry.offset);
                if *numbers.entry(inode.number).or_insert(here) != here {
                    return Err(format!(
                        "entry {} gives inode {} a second place in the inode table: refusing a hostile image",
                        display_path(&child),
                        inode.number
                    ));
                }
                self.add(&child, &inode)?;
                if let Some(listing) = inode.listing {
                    pending.push(((u64::from(entry.block), entry.offset), listing, child));
                }
            }
            check_index(image, &dir_inode, (block, offset), &headers, &path)?;
        }
        Ok(())
    }

    /// Record one entry.
    fn add(&mut self, path: &[u8], inode: &Inode<'_>) -> Result<(), String> {
        let budget = self.budget;
        budget.count_entry("entries")?;
        if path.len() > MAX_PATH {
            return Err(format!(
                "entry {}… has a path of {} bytes, over the {MAX_PATH}-byte limit: refusing a hostile image",
                display_path(&path[..64]),
                path.len()
            ));
        }
        let link = inode.link;
        let n = (path.len() + link.len()) as u64;
        budget.charge_names(n, "")?;
        let owner = |index: u16| {
            self.image
                .ids
                .get(usize::from(index))
                .copied()
                .ok_or_else(|| corrupt("an inode's owner is not in the id table"))
        };
        let (uid, gid) = (owner(inode.uid)?, owner(inode.gid)?);
        let table = &mut self.table;
        let at = u32::try_from(table.names.len())
            .map_err(|_| "more than 4 GiB of entry names".to_string())?;
        table.names.extend_from_slice(path);
        table.names.extend_from_slice(link);
        let tag =
            u32::try_from(table.recs.len()).map_err(|_| "more than 2^32 entries".to_string())?;
        if let Some(data) = inode
            .data
            .as_ref()
            .filter(|_| inode.size <= CONTENT_CAP && (self.want)(path))
        {
            budget.keep_contents(inode.size)?;
            self.wanted
                .push((tag, path.to_vec(), inode.size, data.clone()));
        }
        if let Some(data) = inode
            .data
            .as_ref()
            .filter(|_| self.analyse && inode.size > 0)
        {
            // At most MAX_PATH.
            self.analysed
                .push((at, path.len() as u16, inode.size, data.clone()));
        }
        table.recs.push(Rec {
            size: inode.size,
            at,
            uid,
            gid,
            tag,
            // Both at most MAX_PATH.
            path_len: path.len() as u16,
            link_len: link.len() as u16,
            mode: inode.mode,
            kind: inode.kind,
        });
        Ok(())
    }
}

/// Reads file data block by block: data blocks where they are, holes as
/// zeros, tails from fragment blocks (one held at a time, so files read in
/// fragment order decompress each fragment block once). Every block
/// decompressed counts against the budget.
struct DataReader<'a> {
    image: &'a Image,
    file: &'a mut std::fs::File,
    budget: &'a Budget,
    fragment: Option<(u32, Vec<u8>)>,
    zeros: Vec<u8>,
}

impl DataReader<'_> {
    fn block(&mut self, at: u64, word: u32) -> Result<Vec<u8>, String> {
        let block_size = self.image.superblock.block_size as usize;
        let stored = word & !(1 << 24);
        let raw_len = stored as usize;
        if raw_len > block_size {
            return Err("a block larger than the block size".into());
        }
        let mut raw = vec![0u8; raw_len];
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut raw))
            .map_err(|e| format!("a block past the end of the file ({e})"))?;
        let out = if word & (1 << 24) != 0 {
            raw
        } else {
            let mut out = Vec::with_capacity(block_size);
            decode(&raw, &mut out, self.image.superblock.compressor, block_size)?;
            out
        };
        self.budget.spend(out.len() as u64)?;
        Ok(out)
    }

    /// Hand the `size` bytes of the file at `data` to `piece` in order,
    /// until it says `false`; `path` names the file in errors.
    fn pieces(
        &mut self,
        path: &[u8],
        size: u64,
        data: &FileData,
        piece: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<(), String> {
        let cannot = |what: &str| format!("cannot read {}: {what}", display_path(path));
        let block_size = self.image.superblock.block_size as u64;
        let mut done: u64 = 0;
        let mut at = data.blocks_start;
        for word in self.image.inodes.bytes[data.words.clone()].chunks_exact(4) {
            let word = u32_at(word, 0);
            // At most the block size, so it fits.
            let want = (size - done).min(block_size) as usize;
            if word & !(1 << 24) == 0 {
                // A hole: a block of zeros not stored at all.
                if self.zeros.len() < want {
                    self.zeros.resize(want, 0);
                }
                done += want as u64;
                if !piece(&self.zeros[..want]) {
                    return Ok(());
                }
                continue;
            }
            let bytes = self.block(at, word).map_err(|e| cannot(&e))?;
            at = at.saturating_add(u64::from(word & !(1 << 24)));
            let bytes = bytes.get(..want).ok_or_else(|| cannot("a short block"))?;
            done += want as u64;
            if !piece(bytes) {
                return Ok(());
            }
        }
        if data.fragment != NO_FRAGMENT && done < size {
            if self.fragment.as_ref().map(|f| f.0) != Some(data.fragment) {
                // (start, size word: bit 24 stored as is, as a data block's)
                let &(start, word) = self
                    .image
                    .fragments
                    .get(data.fragment as usize)
                    .ok_or_else(|| cannot("its fragment is not in the fragment table"))?;
                let block = self.block(start, word).map_err(|e| cannot(&e))?;
                self.fragment = Some((data.fragment, block));
            }
            let bytes = self.fragment.as_ref().map(|f| &f.1[..]).unwrap_or_default();
            let tail = usize::try_from(size - done).map_err(|_| cannot("a huge tail"))?;
            let from = data.offset as usize;
            let tail_bytes = bytes
                .get(from..)
                .and_then(|rest| rest.get(..tail))
                .ok_or_else(|| cannot("its tail runs past its fragment block"))?;
            done += tail as u64;
            if !piece(tail_bytes) {
                return Ok(());
            }
        }
        if done != size {
            return Err(cannot("its blocks do not add up to its size"));
        }
        Ok(())
    }
}

/// The contents of the wanted files, by tag, read in fragment order.
fn read_wanted(
    image: &Image,
    file: &mut std::fs::File,
    budget: &Budget,
    mut wanted: Vec<(u32, Vec<u8>, u64, FileData)>,
) -> Result<Vec<(u32, Vec<u8>)>, String> {
    wanted.sort_by_key(|w| w.3.fragment);
    let mut reader = DataReader {
        image,
        file,
        budget,
        fragment: None,
        zeros: Vec::new(),
    };
    let mut contents = Vec::with_capacity(wanted.len());
    for (tag, path, size, data) in wanted {
        // At most CONTENT_CAP, so it fits.
        let mut out = Vec::with_capacity(size as usize);
        reader.pieces(&path, size, &data, &mut |bytes| {
            out.extend_from_slice(bytes);
            true
        })?;
        contents.push((tag, out));
    }
    // `LayerTable::seal` looks contents up by tag.
    contents.sort_unstable_by_key(|c| c.0);
    Ok(contents)
}

/// The content pass over a squashfs: every regular file offered to the
/// analyser, in fragment order (then by where its blocks are), each fed as
/// its blocks decompress; nothing but one block and one fragment block held.
fn read_analysed(
    image: &Image,
    file: &mut std::fs::File,
    budget: &Budget,
    table: &LayerTable,
    mut files: Vec<(u32, u16, u64, FileData)>,
    analyser: &dyn crate::Analyser,
) -> Result<crate::Facts, String> {
    files.sort_by_key(|f| (f.3.fragment, f.3.blocks_start));
    let mut reader = DataReader {
        image,
        file,
        budget,
        fragment: None,
        zeros: Vec::new(),
    };
    let mut analysis = analyser.layer();
    for (at, len, size, data) in files {
        let path = &table.names[at as usize..][..usize::from(len)];
        if !analysis.open(path, size) {
            continue;
        }
        let read = reader.pieces(path, size, &data, &mut |bytes| analysis.chunk(bytes));
        analysis.close();
        read?;
    }
    Ok(analysis.finish())
}

/// One entry of a directory listing.
struct DirEntry<'a> {
    /// For the first entry under a header: where that header starts in the
    /// listing (what an extended directory's index points at).
    header_at: Option<usize>,
    /// Where its inode is: the inode table block (relative to the table)
    /// and the offset in it.
    block: u32,
    offset: u16,
    /// The inode number it gives.
    number: u32,
    name: &'a [u8],
}

/// The entries of one directory listing. A listing is a run of headers
/// (entry count - 1, inode table block, base inode number), each followed
/// by its entries (offset in the block, inode number delta, type, name
/// size - 1, name); all little-endian.
struct DirEntries<'a> {
    rest: &'a [u8],
    /// The listing's length, for where each header starts.
    len: usize,
    /// Entries left under the current header, its block and base number.
    left: u32,
    block: u32,
    base: u32,
    failed: bool,
}

impl<'a> DirEntries<'a> {
    fn new(listing: &'a [u8]) -> Self {
        DirEntries {
            rest: listing,
            len: listing.len(),
            left: 0,
            block: 0,
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

    fn fail(&mut self, what: &str) -> Option<Result<DirEntry<'a>, String>> {
        self.failed = true;
        Some(Err(corrupt(what)))
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl<'a> Iterator for DirEntries<'a> {
    type Item = Result<DirEntry<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut header_at = None;
        if self.left == 0 {
            if self.rest.is_empty() {
                return None;
            }
            header_at = Some(self.len - self.rest.len());
            let Some(header) = self.take(12) else {
                return self.fail("a directory listing is cut short");
            };
            // `take` gave exactly 12 bytes.
            let count = u32_at(header, 0);
            // mksquashfs writes at most 256 entries under one header.
            if count >= 256 {
                return self.fail("a directory header counts too many entries");
            }
            self.left = count + 1;
            self.block = u32_at(header, 4);
            self.base = u32_at(header, 8);
        }
        let Some(entry) = self.take(8) else {
            return self.fail("a directory listing is cut short");
        };
        let offset = u16_at(entry, 0);
        let delta = u16_at(entry, 2) as i16;
        let name_len = usize::from(u16_at(entry, 6)) + 1;
        let Some(name) = self.take(name_len) else {
            return self.fail("a directory listing is cut short");
        };
        self.left -= 1;
        let Some(number) = self.base.checked_add_signed(i32::from(delta)) else {
            return self.fail("a directory entry's inode number is out of range");
        };
        Some(Ok(DirEntry {
            header_at,
            block: self.block,
            offset,
            number,
            name,
        }))
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
            .map(|e| e.map(|e| (e.number, String::from_utf8_lossy(e.name).into_owned())))
            .collect()
    }

    /// A superblock: `inodes`, tables at the given offsets, the rest at `end`.
    fn superblock(inodes: u32, inode_table: u64, dir_table: u64, end: u64) -> Vec<u8> {
        let mut sb = vec![0u8; 96];
        sb[..4].copy_from_slice(b"hsqs");
        sb[4..8].copy_from_slice(&inodes.to_le_bytes());
        sb[12..16].copy_from_slice(&131_072u32.to_le_bytes());
        // gzip, block_log 17, version 4.0
        sb[20..22].copy_from_slice(&1u16.to_le_bytes());
        sb[22..24].copy_from_slice(&17u16.to_le_bytes());
        sb[28..30].copy_from_slice(&4u16.to_le_bytes());
        sb[40..48].copy_from_slice(&end.to_le_bytes());
        // The id table's index: its last 8 bytes.
        sb[48..56].copy_from_slice(&(end - 8).to_le_bytes());
        // No xattr, fragment or export tables.
        for at in [56, 80, 88] {
            sb[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        }
        sb[64..72].copy_from_slice(&inode_table.to_le_bytes());
        sb[72..80].copy_from_slice(&dir_table.to_le_bytes());
        sb
    }

    fn read_bytes(bytes: &[u8]) -> Result<(LayerTable, String), String> {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("x.squashfs");
        std::fs::write(&path, bytes).expect("write");
        read(&path, &Budget::new(1 << 30), &|_: &[u8]| false, None)
    }

    #[test]
    fn tables_that_decode_to_too_much_are_refused() {
        use std::io::Write;
        // Metadata blocks of about 20 bytes that each decode to 8 KiB of
        // zeros: a 0.4 MB image whose inode table would be 128 MiB and more.
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        zlib.write_all(&[0u8; 8192]).expect("zlib");
        let block = zlib.finish().expect("zlib");
        let mut body = Vec::new();
        for _ in 0..=(MAX_TABLE_BYTES / 8192) {
            body.extend_from_slice(&(block.len() as u16).to_le_bytes());
            body.extend_from_slice(&block);
        }
        let dir_table = 96 + body.len() as u64;
        let mut bytes = superblock(1, 96, dir_table, dir_table + 14);
        bytes.extend_from_slice(&body);
        // An empty directory table; the id table: one stored block holding
        // id 0, and its index.
        bytes.extend_from_slice(&[0x04, 0x80, 0, 0, 0, 0]);
        bytes.extend_from_slice(&dir_table.to_le_bytes());
        assert_eq!(read_bytes(&bytes).map(|_| ()), Err(too_big()));
        // Stored blocks count 8 KiB each too; an empty one is refused.
        for (header, expected) in [
            ([0x01, 0x80], too_big()),
            ([0x00, 0x00], corrupt("a metadata block of impossible size")),
        ] {
            let mut body = Vec::new();
            for _ in 0..=(MAX_TABLE_BYTES / 8192) {
                body.extend_from_slice(&header);
                body.push(0);
            }
            let dir_table = 96 + body.len() as u64;
            let mut bytes = superblock(1, 96, dir_table, dir_table + 14);
            bytes.extend_from_slice(&body);
            bytes.extend_from_slice(&[0x04, 0x80, 0, 0, 0, 0]);
            bytes.extend_from_slice(&dir_table.to_le_bytes());
            assert_eq!(read_bytes(&bytes).map(|_| ()), Err(expected));
        }
        // Tables in the wrong order are not read at all.
        let mut swapped = superblock(1, 200, 100, 300);
        swapped.resize(300, 0);
        assert_eq!(
            read_bytes(&swapped).map(|_| ()),
            Err(corrupt("its tables are not where its superblock says"))
        );
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
