//! One pass over a layer blob: hash the bytes as stored (blob digest),
//! decompress (gzip, zstd or none, told by the bytes), hash the tar stream
//! when asked (diff_id; an uncompressed blob's is its blob digest), and walk
//! the tar headers, keeping one small record per entry. Nothing is written
//! anywhere; file contents are read only when asked for.
//!
//! The table a layer yields is compact: every path and link target is
//! written once, into the layer's name arena, and each entry is a 32-byte
//! record pointing into it. [`crate::Filesystem`] keeps the arenas and
//! records as they are; nothing is copied when layers merge.

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::content::{Analyser, Facts};

/// `sha256:<hex>` of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_digest(Sha256::digest(bytes).as_slice())
}

fn hex_digest(hash: &[u8]) -> String {
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in hash {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    HardLink,
    CharDevice,
    BlockDevice,
    Fifo,
    Other,
}

/// One tar entry: what it is, never its content. A view into a
/// [`crate::Filesystem`], which stores entries compactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Relative to the root, no leading `/` or `./`; bytes, as names need not be UTF-8.
    pub path: &'a [u8],
    pub kind: EntryKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000), sticky.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Symlink target as written, or hard link target (normalised like
    /// `path`); `None` for other kinds.
    pub link: Option<&'a [u8]>,
}

/// Longest entry path accepted, in bytes after normalisation (Linux's
/// `PATH_MAX`); link targets have the same limit.
pub const MAX_PATH: usize = 4096;
/// Most tar entries accepted over all layers of an image: what bounds the
/// memory a scan needs (about 32 bytes per entry plus its path).
pub const MAX_ENTRIES: u64 = 4_000_000;
/// Most bytes of entry paths and link targets kept over all layers of an image.
pub const MAX_NAME_BYTES: u64 = 1 << 30;
/// Files larger than this are not read even when asked for.
pub const CONTENT_CAP: u64 = 1 << 20;
/// The most bytes of file contents kept over a whole image: the files the
/// rules read (`/etc/passwd`, unit files, inetd configuration) are small,
/// but a hostile image could hold thousands of 1 MiB unit files.
pub const MAX_CONTENT_BYTES: u64 = 64 << 20;
/// Read buffers: compressed bytes, and the tar stream the walk reads.
const READ_BUF: usize = 256 << 10;

/// One entry as stored: 32 bytes, its path (and link target, right after
/// it) in the name arena of the layer that wrote it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rec {
    pub size: u64,
    /// Offset of the path in its layer's name arena.
    pub at: u32,
    pub uid: u32,
    pub gid: u32,
    /// In a [`LayerTable`]: the entry's position in the tar stream. In a
    /// [`crate::Filesystem`]: the index of the layer that wrote it (whose
    /// arena holds the path).
    pub tag: u32,
    pub path_len: u16,
    pub link_len: u16,
    pub mode: u16,
    pub kind: EntryKind,
}

const _: () = assert!(std::mem::size_of::<Rec>() == 32);

impl Rec {
    pub fn path<'a>(&self, names: &'a [u8]) -> &'a [u8] {
        &names[self.at as usize..][..self.path_len as usize]
    }

    pub fn link<'a>(&self, names: &'a [u8]) -> Option<&'a [u8]> {
        (self.link_len > 0)
            .then(|| &names[self.at as usize + self.path_len as usize..][..self.link_len as usize])
    }

    pub fn entry<'a>(&self, names: &'a [u8]) -> Entry<'a> {
        Entry {
            path: self.path(names),
            kind: self.kind,
            mode: self.mode.into(),
            uid: self.uid,
            gid: self.gid,
            size: self.size,
            link: self.link(names),
        }
    }
}

/// Whether `a < p ++ [b]`, in byte order.
fn lt_joined(a: &[u8], p: &[u8], b: u8) -> bool {
    let n = a.len().min(p.len());
    match a[..n].cmp(&p[..n]) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a.len() <= p.len() || a[p.len()] < b,
    }
}

/// The index range of the entries strictly below directory `dir` in `recs`
/// (sorted by path): everything for the root (`dir` empty).
pub(crate) fn below<'n>(recs: &[Rec], path: impl Fn(&Rec) -> &'n [u8], dir: &[u8]) -> Range<usize> {
    if dir.is_empty() {
        return 0..recs.len();
    }
    let start = recs.partition_point(|r| lt_joined(path(r), dir, b'/'));
    let end = start + recs[start..].partition_point(|r| lt_joined(path(r), dir, b'/' + 1));
    start..end
}

/// For intervals `[start, end)` of `0..n` that are pairwise nested or
/// disjoint (as the ranges below paths are), the largest value of those
/// covering each index, 0 where none does.
pub(crate) fn cover(n: usize, mut intervals: Vec<(usize, usize, u32)>) -> Vec<u32> {
    let mut out = vec![0; n];
    intervals.retain(|&(s, e, _)| s < e);
    if intervals.is_empty() {
        return out;
    }
    // Outer intervals first where several start at the same index.
    intervals.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut open: Vec<(usize, u32)> = Vec::new(); // (end, largest value so far)
    let mut next = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        while open.last().is_some_and(|&(end, _)| end <= i) {
            open.pop();
        }
        while let Some(&(_, end, value)) = intervals.get(next).filter(|iv| iv.0 == i) {
            let largest = open.last().map_or(value, |&(_, m)| m.max(value));
            open.push((end, largest));
            next += 1;
        }
        if let Some(&(_, largest)) = open.last() {
            *slot = largest;
        }
        if open.is_empty() && next == intervals.len() {
            break;
        }
    }
    out
}

/// What one layer holds.
#[derive(Clone, Debug, Default)]
pub struct LayerTable {
    /// Paths and link targets of the entries, whiteouts and opaque dirs.
    pub(crate) names: Vec<u8>,
    /// The entries, one per path (the last in tar order), sorted by path.
    pub(crate) recs: Vec<Rec>,
    /// Entries of this layer that a later entry of it replaced with a
    /// non-directory above them (they are still in the blob).
    pub(crate) replaced: Vec<Rec>,
    /// The hard links among `recs`, in tar order.
    pub(crate) hard_links: Vec<Rec>,
    /// Paths deleted from lower layers (`.wh.NAME`): spans of `names`.
    pub(crate) whiteouts: Vec<(u32, u32)>,
    /// Directories whose lower-layer contents are hidden (`.wh..wh..opq`).
    pub(crate) opaque: Vec<(u32, u32)>,
    /// Contents of the files asked for (not larger than the cap), by path.
    pub(crate) contents: Vec<(Vec<u8>, Vec<u8>)>,
    /// Tar entries read, whiteouts aside.
    pub entries: usize,
    pub blob_digest: String,
    /// The SHA-256 of the tar stream: the blob digest when the blob is not
    /// compressed; for a compressed one, only when the reader was asked
    /// (`None` otherwise).
    pub diff_id: Option<String>,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub compression: &'static str,
    /// What the content pass's analyser learnt of the layer, when one ran.
    pub facts: Option<Facts>,
}

impl LayerTable {
    pub(crate) fn span(&self, (at, len): (u32, u32)) -> &[u8] {
        &self.names[at as usize..][..len as usize]
    }

    /// Sort by path, keep the last entry of each path (within one layer an
    /// entry written again is as if never written), set aside those a later
    /// non-directory of the layer replaced (entries below its path that came
    /// before it in the tar stream, as extracting would), keep the contents
    /// of the entries that remain. `contents` holds (tar position, bytes).
    pub(crate) fn seal(&mut self, contents: Vec<(u32, Vec<u8>)>) {
        let names = &self.names[..];
        let path = |r: &Rec| r.path(names);
        // Stable: entries of one path stay in tar order.
        self.recs.sort_by(|a, b| path(a).cmp(path(b)));
        let recs = &mut self.recs;
        let mut kept = 0;
        for i in 0..recs.len() {
            if i + 1 < recs.len() && path(&recs[i]) == path(&recs[i + 1]) {
                continue;
            }
            recs[kept] = recs[i];
            kept += 1;
        }
        recs.truncate(kept);
        // A non-directory replaces what the layer put below that path before
        // it (in tar order); what comes after it stays, as it would on disk.
        let intervals = recs
            .iter()
            .filter(|r| r.kind != EntryKind::Dir)
            .map(|r| {
                let b = below(recs, path, path(r));
                (b.start, b.end, r.tag + 1)
            })
            .collect();
        let newest_above = cover(recs.len(), intervals);
        if newest_above.iter().any(|&t| t > 0) {
            let mut i = 0;
            recs.retain(|r| {
                let replaced = newest_above[i] > r.tag + 1;
                i += 1;
                if replaced {
                    self.replaced.push(*r);
                }
                !replaced
            });
        }
        if !contents.is_empty() {
            for r in recs.iter() {
                if let Ok(k) = contents.binary_search_by_key(&r.tag, |(t, _)| *t) {
                    self.contents
                        .push((path(r).to_vec(), contents[k].1.clone()));
                }
            }
        }
        self.hard_links = recs
            .iter()
            .filter(|r| r.kind == EntryKind::HardLink)
            .copied()
            .collect();
        self.hard_links.sort_by_key(|r| r.tag);
        self.names.shrink_to_fit();
        self.recs.shrink_to_fit();
    }
}

/// Shared limits of one scan, over all its layers: bytes decompressed (a
/// bomb guard), tar entries, name bytes and file contents kept (what
/// bounds memory).
pub struct Budget {
    pub limit: u64,
    pub used: AtomicU64,
    pub max_entries: u64,
    pub entries: AtomicU64,
    pub max_name_bytes: u64,
    pub name_bytes: AtomicU64,
    pub max_content_bytes: u64,
    pub content_bytes: AtomicU64,
}

impl Budget {
    /// `limit` bytes decompressed; [`MAX_ENTRIES`], [`MAX_NAME_BYTES`] and
    /// [`MAX_CONTENT_BYTES`].
    pub fn new(limit: u64) -> Self {
        Budget {
            limit,
            used: AtomicU64::new(0),
            max_entries: MAX_ENTRIES,
            entries: AtomicU64::new(0),
            max_name_bytes: MAX_NAME_BYTES,
            name_bytes: AtomicU64::new(0),
            max_content_bytes: MAX_CONTENT_BYTES,
            content_bytes: AtomicU64::new(0),
        }
    }

    /// Count `n` more bytes decompressed.
    pub(crate) fn spend(&self, n: u64) -> Result<(), String> {
        if self.used.fetch_add(n, Ordering::Relaxed) + n > self.limit {
            return Err(self.over_limit());
        }
        Ok(())
    }

    /// Count one more entry; `entries` names them in the error (`tar
    /// entries over all layers`, `entries`).
    pub(crate) fn count_entry(&self, entries: &str) -> Result<(), String> {
        if self.entries.fetch_add(1, Ordering::Relaxed) >= self.max_entries {
            return Err(format!(
                "more than {} {entries} (the entry limit): refusing an image this large",
                self.max_entries
            ));
        }
        Ok(())
    }

    /// Count `n` more bytes of paths and link targets kept; `over` says
    /// over what in the error (` over all layers`, or nothing).
    pub(crate) fn charge_names(&self, n: u64, over: &str) -> Result<(), String> {
        if self.name_bytes.fetch_add(n, Ordering::Relaxed) + n > self.max_name_bytes {
            return Err(format!(
                "more than {} bytes of entry names{over} (the name limit): refusing an image this large",
                self.max_name_bytes
            ));
        }
        Ok(())
    }

    /// Count `n` more bytes of file contents kept.
    pub(crate) fn keep_contents(&self, n: u64) -> Result<(), String> {
        if self.content_bytes.fetch_add(n, Ordering::Relaxed) + n > self.max_content_bytes {
            return Err(format!(
                "more than {} MiB of the files the rules read (passwd, unit files, inetd configuration): refusing a hostile image",
                self.max_content_bytes >> 20
            ));
        }
        Ok(())
    }

    fn over_limit(&self) -> String {
        format!(
            "more than {} bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb",
            self.limit
        )
    }
}

#[derive(Default)]
struct Tap {
    /// `None`: only counted.
    hasher: Option<Sha256>,
    count: u64,
}

/// Hashes (when the tap has a hasher) and counts what passes through.
struct Hashing<R> {
    inner: R,
    tap: Rc<RefCell<Tap>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut tap = self.tap.borrow_mut();
        if let Some(hasher) = &mut tap.hasher {
            hasher.update(&buf[..n]);
        }
        tap.count += n as u64;
        Ok(n)
    }
}

/// Stops reading when the scan's decompression budget is spent, and says so
/// in `tripped` (the tar reader wraps the error it returns).
struct Budgeted<'b, R> {
    inner: R,
    budget: &'b Budget,
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Read for Budgeted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.spend(n as u64).map_err(|over| {
            self.tripped.set(true);
            io::Error::other(over)
        })?;
        Ok(n)
    }
}

/// How far past the end of an entry's data the tar reader may read to find
/// the next entry: its header plus any GNU long-name or PAX records. The tar
/// reader holds those records whole in memory, so a hostile layer could
/// otherwise make it allocate gigabytes for one name.
pub const MAX_ENTRY_METADATA: u64 = 4 << 20;

/// Sits right under the tar reader, counting the stream position, and
/// refuses to read past `limit` (set as each entry is handed out: the end of
/// its data plus [`MAX_ENTRY_METADATA`]).
struct MetadataGuard<R> {
    inner: R,
    pos: u64,
    limit: Rc<Cell<u64>>,
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Read for MetadataGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.limit.get().saturating_sub(self.pos);
        if room == 0 && !buf.is_empty() {
            self.tripped.set(true);
            return Err(io::Error::other("entry metadata too large"));
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.pos += n as u64;
        Ok(n)
    }
}

enum Decoder<R: BufRead> {
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(zstd::stream::read::Decoder<'static, R>),
    /// LXD images only (OCI layers are never xz or bzip2).
    Xz(Box<liblzma::bufread::XzDecoder<R>>),
    Bzip2(Box<bzip2::bufread::MultiBzDecoder<R>>),
    Plain(R),
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
            Decoder::Xz(d) => d.read(buf),
            Decoder::Bzip2(d) => d.read(buf),
            Decoder::Plain(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> Decoder<R> {
    fn into_inner(self) -> R {
        match self {
            Decoder::Gzip(d) => (*d).into_inner(),
            Decoder::Zstd(d) => d.finish(),
            Decoder::Xz(d) => (*d).into_inner(),
            Decoder::Bzip2(d) => (*d).into_inner(),
            Decoder::Plain(r) => r,
        }
    }
}

/// Append the normalised form of tar entry name `path` to `out`: `/` and
/// `./` prefixes and `.` components dropped. False (and `out` unchanged)
/// when a `..` component would leave the root.
fn normalize_into(path: &[u8], out: &mut Vec<u8>) -> bool {
    let start = out.len();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            // `dir/..` stays inside the root, as Docker's own unpacking
            // (filepath.Clean) reads it; a `..` with nothing to undo leaves it.
            b".." if out.len() > start => {
                let cut = out[start..]
                    .iter()
                    .rposition(|&b| b == b'/')
                    .map_or(start, |i| start + i);
                out.truncate(cut);
            }
            b".." => {
                out.truncate(start);
                return false;
            }
            p => {
                if out.len() > start {
                    out.push(b'/');
                }
                out.extend_from_slice(p);
            }
        }
    }
    true
}

/// Normalise a tar entry name: strip `/` and `./` prefixes and `.`
/// components, and resolve `dir/..`. `None` when a `..` component would
/// leave the root.
pub fn normalize(path: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(path.len());
    normalize_into(path, &mut out).then_some(out)
}

/// Bytes as text, with anything that is not printable UTF-8 escaped as `\xNN`.
pub fn display_path(path: &[u8]) -> String {
    let mut out = String::from("/");
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The start of a long name, for an error message.
fn name_prefix(path: &[u8]) -> String {
    format!("{}…", display_path(&path[..path.len().min(64)]))
}

/// A compression format, told by a stream's first bytes (layers, image
/// archives and LXD tarballs are all recognised this way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

impl Compression {
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Compression::Xz)
        } else if head.starts_with(b"BZh") {
            Some(Compression::Bzip2)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// Read one layer blob in a single pass. `want` says which paths' contents
/// to keep; `budget` is shared by all layers of the image. `diff_id`: hash
/// the decompressed stream of a compressed blob too (a third of the CPU time
/// of a gzip layer; not needed when the blob's digest pins it).
pub fn read_layer(
    blob: impl Read,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
    diff_id: bool,
) -> Result<LayerTable, String> {
    read_tar(blob, budget, want, None, diff_id, None)
}

/// [`read_layer`], offering every regular file's bytes to `analyser` as
/// they stream (the content pass); its facts land in [`LayerTable::facts`].
pub fn read_layer_with(
    blob: impl Read,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
    diff_id: bool,
    analyser: Option<&dyn Analyser>,
) -> Result<LayerTable, String> {
    read_tar(blob, budget, want, None, diff_id, analyser)
}

/// How [`read_tar`] reads a root filesystem that is not an OCI layer (LXD):
/// only entries under `prefix` (e.g. `rootfs`; empty: all) are the
/// filesystem, with the prefix taken off; `other` is shown every other
/// entry (and may read it); xz and bzip2 are accepted; `..` components are
/// refused outright and `.wh.` names are plain files.
pub(crate) struct Rooted<'a> {
    pub prefix: &'a [u8],
    pub other: &'a mut OtherEntry<'a>,
}

/// Told of each entry outside the root filesystem: its path, kind and data.
pub(crate) type OtherEntry<'a> =
    dyn FnMut(&[u8], EntryKind, &mut dyn Read) -> Result<(), String> + 'a;

/// Whether a tar entry name has a `..` component.
fn has_dotdot(path: &[u8]) -> bool {
    path.split(|&b| b == b'/').any(|p| p == b"..")
}

/// [`read_layer`], or with `rooted` a root filesystem inside a larger tar.
pub(crate) fn read_tar(
    blob: impl Read,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
    mut rooted: Option<Rooted<'_>>,
    diff_id: bool,
    analyser: Option<&dyn Analyser>,
) -> Result<LayerTable, String> {
    let mut analysis = analyser.map(|a| a.layer());
    let mut chunk_buf = Vec::new();
    let blob_tap = Rc::new(RefCell::new(Tap {
        hasher: Some(Sha256::new()),
        count: 0,
    }));
    let diff_tap = Rc::new(RefCell::new(Tap::default()));
    let tripped = Rc::new(Cell::new(false));
    let hashed_blob = Hashing {
        inner: blob,
        tap: blob_tap.clone(),
    };
    let mut buffered = BufReader::with_capacity(READ_BUF, hashed_blob);
    let head = buffered
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?;
    let (decoder, compression) = match Compression::sniff(head) {
        Some(Compression::Gzip) => (
            Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(buffered))),
            "gzip",
        ),
        Some(Compression::Zstd) => {
            let d = crate::decompress::zstd(buffered).map_err(|e| format!("zstd: {e}"))?;
            (Decoder::Zstd(d), "zstd")
        }
        Some(Compression::Xz) => {
            if rooted.is_none() {
                return Err("xz-compressed layers are not supported".into());
            }
            let d = crate::decompress::xz(buffered);
            (Decoder::Xz(Box::new(d)), "xz")
        }
        Some(Compression::Bzip2) => {
            if rooted.is_none() {
                return Err("bzip2-compressed layers are not supported".into());
            }
            let d = bzip2::bufread::MultiBzDecoder::new(buffered);
            (Decoder::Bzip2(Box::new(d)), "bzip2")
        }
        None => (Decoder::Plain(buffered), "none"),
    };
    if diff_id && compression != "none" {
        diff_tap.borrow_mut().hasher = Some(Sha256::new());
    }
    let diff = Hashing {
        inner: Budgeted {
            inner: decoder,
            budget,
            tripped: tripped.clone(),
        },
        tap: diff_tap.clone(),
    };
    let mut table = LayerTable {
        compression,
        ..LayerTable::default()
    };
    let metadata_limit = Rc::new(Cell::new(MAX_ENTRY_METADATA));
    let metadata_tripped = Rc::new(Cell::new(false));
    let decompress_err = |e: io::Error| -> String {
        if tripped.get() {
            // Said plainly: the stream may be fine, the limit was reached.
            return budget.over_limit();
        }
        if metadata_tripped.get() {
            return format!(
                "an entry's tar metadata (GNU long name or PAX records) is over {MAX_ENTRY_METADATA} bytes: refusing a hostile layer"
            );
        }
        if let Some(message) = crate::decompress::over_cap(compression, &e) {
            return message;
        }
        if let Some(source) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::error::SourceError>())
        {
            return source.to_string();
        }
        let text = e.to_string();
        if compression == "none" {
            format!("not a valid tar stream: {text}")
        } else {
            format!("{compression} stream is corrupt or truncated: {text}")
        }
    };
    // Paths and link targets kept count against the image's name limit.
    let charge = |n: usize| budget.charge_names(n as u64, " over all layers");
    // (tar position, bytes) of the files asked for.
    let mut contents: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut archive = tar::Archive::new(MetadataGuard {
        inner: BufReader::with_capacity(READ_BUF, diff),
        pos: 0,
        limit: metadata_limit.clone(),
        tripped: metadata_tripped.clone(),
    });
    {
        let entries = archive.entries().map_err(decompress_err)?;
        for entry in entries {
            let mut entry = entry.map_err(decompress_err)?;
            // This entry's data may be read (or skipped) in full; what comes
            // after it, up to the next entry, is bounded.
            let data_end = entry
                .raw_file_position()
                .saturating_add(entry.size().div_ceil(512) * 512);
            metadata_limit.set(data_end.saturating_add(MAX_ENTRY_METADATA));
            budget.count_entry("tar entries over all layers")?;
            let header = entry.header();
            let kind = match header.entry_type() {
                tar::EntryType::Regular
                | tar::EntryType::Continuous
                | tar::EntryType::GNUSparse => EntryKind::File,
                tar::EntryType::Directory => EntryKind::Dir,
                tar::EntryType::Symlink => EntryKind::Symlink,
                tar::EntryType::Link => EntryKind::HardLink,
                tar::EntryType::Char => EntryKind::CharDevice,
                tar::EntryType::Block => EntryKind::BlockDevice,
                tar::EntryType::Fifo => EntryKind::Fifo,
                _ => EntryKind::Other,
            };
            // Masked to 12 bits, so it fits.
            // A numeric field that is not a number is refused, as Go's
            // archive/tar does: read as 0, a setuid file would vanish
            // from the report and an owner would become root.
            let shown = display_path(&entry.path_bytes())
                .trim_start_matches('/')
                .to_owned();
            let invalid = |field: &str| {
                format!("entry {shown} has an invalid {field} field: refusing a hostile layer")
            };
            // A field of NULs and spaces only is 0, as in Go's reader.
            let raw = header.as_bytes();
            let number = |value: io::Result<u64>, at: std::ops::Range<usize>, field: &str| {
                value.or_else(|_| {
                    raw[at]
                        .iter()
                        .all(|&b| b == 0 || b == b' ')
                        .then_some(0)
                        .ok_or_else(|| invalid(field))
                })
            };
            let mode = (number(header.mode().map(u64::from), 100..108, "mode")? & 0o7777) as u16;
            let (uid, gid) = (
                number(header.uid(), 108..116, "uid")?,
                number(header.gid(), 116..124, "gid")?,
            );
            if let Some(pax) = entry.pax_extensions().ok().flatten() {
                for ext in pax.flatten() {
                    let key = ext.key_bytes();
                    if matches!(key, b"size" | b"uid" | b"gid")
                        && !std::str::from_utf8(ext.value_bytes())
                            .is_ok_and(|v| !v.starts_with('+') && v.parse::<u64>().is_ok())
                    {
                        return Err(invalid(&format!("PAX {}", String::from_utf8_lossy(key))));
                    }
                }
            }
            let size = entry.size();
            let names = &mut table.names;
            let start = names.len();
            let at = u32::try_from(start)
                .map_err(|_| "more than 4 GiB of entry names in one layer".to_string())?;
            if rooted.is_some() && has_dotdot(&entry.path_bytes()) {
                return Err(format!(
                    "entry {} has a `..` path component: refusing a hostile image",
                    display_path(&entry.path_bytes()).trim_start_matches('/')
                ));
            }
            if !normalize_into(&entry.path_bytes(), names) {
                return Err(format!(
                    "entry {} leaves the image root (a `..` path component): refusing a hostile layer",
                    display_path(&entry.path_bytes()).trim_start_matches('/')
                ));
            }
            let path_len = names.len() - start;
            if path_len > MAX_PATH {
                return Err(format!(
                    "entry {} has a path of {path_len} bytes, over the {MAX_PATH}-byte limit: refusing a hostile layer",
                    name_prefix(&names[start..])
                ));
            }
            if path_len == 0 {
                continue; // the root directory itself
            }
            if let Some(rooted) = rooted.as_mut() {
                let p = &names[start..];
                let inside = rooted.prefix.is_empty()
                    || (p.starts_with(rooted.prefix)
                        && p.get(rooted.prefix.len()).is_none_or(|&b| b == b'/'));
                if !inside {
                    let p = p.to_vec();
                    names.truncate(start);
                    (rooted.other)(&p, kind, &mut entry).map_err(|e| {
                        if tripped.get() || metadata_tripped.get() {
                            decompress_err(io::Error::other(e))
                        } else {
                            e
                        }
                    })?;
                    continue;
                }
                let cut = if rooted.prefix.is_empty() {
                    0
                } else {
                    (rooted.prefix.len() + 1).min(p.len())
                };
                names.drain(start..start + cut);
            }
            let path_len = names.len() - start;
            if path_len == 0 {
                continue; // the root directory itself
            }
            charge(path_len)?;
            let path = &names[start..];
            let name_at = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
            let name = &path[name_at..];
            if rooted.is_some() {
                // Not a layer: no whiteouts.
            } else if name == b".wh..wh..opq" {
                let parent = name_at.saturating_sub(1);
                names.truncate(start + parent);
                table.opaque.push((at, parent as u32));
                continue;
            } else if let Some(hidden) = name.strip_prefix(b".wh.") {
                if hidden.starts_with(b".wh.") {
                    // Other aufs metadata (.wh..wh.plnk, …): nothing to apply.
                    names.truncate(start);
                    continue;
                }
                if matches!(hidden, b"" | b"." | b"..") {
                    return Err(format!(
                        "whiteout {} names no file (it would delete its own directory): refusing a hostile layer",
                        display_path(path)
                    ));
                }
                names.drain(start + name_at..start + name_at + 4);
                table.whiteouts.push((at, (path_len - 4) as u32));
                continue;
            }
            let link_start = names.len();
            if let Some(link) = entry.link_name_bytes() {
                match kind {
                    EntryKind::HardLink if !normalize_into(&link, names) => {
                        return Err(format!(
                            "hard link {} points out of the image root",
                            display_path(&names[start..link_start])
                        ));
                    }
                    EntryKind::Symlink => names.extend_from_slice(&link),
                    _ => {}
                }
                if let Some(prefix) = rooted
                    .as_ref()
                    .map(|r| r.prefix)
                    .filter(|p| !p.is_empty() && kind == EntryKind::HardLink)
                {
                    let target = &names[link_start..];
                    if !(target.starts_with(prefix) && target.get(prefix.len()) == Some(&b'/')) {
                        return Err(format!(
                            "hard link {} points out of the root filesystem",
                            display_path(&names[start..link_start])
                        ));
                    }
                    names.drain(link_start..link_start + prefix.len() + 1);
                }
            }
            let link_len = names.len() - link_start;
            if link_len > MAX_PATH {
                return Err(format!(
                    "link {} has a target of {link_len} bytes, over the {MAX_PATH}-byte limit: refusing a hostile layer",
                    display_path(&names[start..link_start])
                ));
            }
            charge(link_len)?;
            let (Ok(uid), Ok(gid)) = (u32::try_from(uid), u32::try_from(gid)) else {
                return Err(format!(
                    "entry {} has owner {uid}:{gid}, beyond 32-bit user and group IDs: refusing a hostile layer",
                    display_path(&names[start..link_start])
                ));
            };
            let tag = u32::try_from(table.recs.len())
                .map_err(|_| "more than 2^32 entries in one layer".to_string())?;
            let path = &names[start..link_start];
            let keep = kind == EntryKind::File && size <= CONTENT_CAP && want(path);
            let analyse = kind == EntryKind::File
                && size > 0
                && analysis.as_mut().is_some_and(|a| a.open(path, size));
            if keep || analyse {
                let mut content = Vec::new();
                if keep {
                    budget.keep_contents(size)?;
                    content.reserve_exact(size as usize);
                }
                crate::content::feed(
                    &mut entry,
                    analysis.as_deref_mut().filter(|_| analyse),
                    keep.then_some(&mut content),
                    &mut chunk_buf,
                )
                .map_err(decompress_err)?;
                if keep {
                    contents.push((tag, content));
                }
            }
            table.recs.push(Rec {
                size,
                at,
                uid,
                gid,
                tag,
                // Both at most MAX_PATH.
                path_len: path_len as u16,
                link_len: link_len as u16,
                mode,
                kind,
            });
        }
    }
    // Read what follows the end-of-archive marker too, so both digests cover
    // the whole stream.
    let mut diff = archive.into_inner().inner;
    io::copy(&mut diff, &mut io::sink()).map_err(decompress_err)?;
    let mut raw = diff.into_inner().inner.inner.into_inner();
    io::copy(&mut raw, &mut io::sink()).map_err(|e| format!("cannot read: {e}"))?;
    table.entries = table.recs.len();
    table.facts = analysis.map(|a| a.finish());
    table.seal(contents);
    let blob = blob_tap.borrow();
    let diff = diff_tap.borrow();
    let finish = |tap: &Tap| {
        tap.hasher
            .clone()
            .map(|h| hex_digest(h.finalize().as_slice()))
    };
    table.blob_digest = finish(&blob).unwrap_or_default();
    table.diff_id = if compression == "none" {
        Some(table.blob_digest.clone())
    } else {
        finish(&diff)
    };
    table.compressed_size = blob.count;
    table.uncompressed_size = diff.count;
    Ok(table)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tar entry for a test layer.
    pub(crate) enum T<'a> {
        File(&'a str, u32, &'a [u8]),
        Dir(&'a str),
        Sym(&'a str, &'a str),
        Hard(&'a str, &'a str),
    }

    pub(crate) fn tar(entries: &[T<'_>]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for e in entries {
            let mut h = tar::Header::new_gnu();
            h.set_mode(0o755);
            h.set_size(0);
            let done = match e {
                T::File(path, mode, content) => {
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_mode(*mode);
                    h.set_size(content.len() as u64);
                    b.append_data(&mut h, path, *content)
                }
                T::Dir(path) => {
                    h.set_entry_type(tar::EntryType::Directory);
                    b.append_data(&mut h, path, &[][..])
                }
                T::Sym(path, target) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    b.append_link(&mut h, path, target)
                }
                T::Hard(path, target) => {
                    h.set_entry_type(tar::EntryType::Link);
                    b.append_link(&mut h, path, target)
                }
            };
            done.expect("append");
        }
        b.into_inner().expect("tar")
    }

    fn all(_: &[u8]) -> bool {
        true
    }

    fn read(tar: &[u8]) -> Result<LayerTable, String> {
        read_layer(tar, &Budget::new(u64::MAX), &all, true)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip")
    }

    #[test]
    fn a_path_longer_than_the_limit_is_refused() {
        // 4096 bytes after normalisation is fine; the `./` and `//` do not count.
        let ok = format!("./{}//{}", "a".repeat(100), "b".repeat(MAX_PATH - 101));
        let table = read(&tar(&[T::File(&ok, 0o644, b"")])).expect("4096 bytes");
        assert_eq!(table.recs[0].path_len as usize, MAX_PATH);

        let long = format!("{}/{}", "a".repeat(100), "b".repeat(MAX_PATH - 100));
        let err = read(&tar(&[T::File(&long, 0o644, b"")])).expect_err("4097 bytes");
        assert_eq!(
            err,
            format!(
                "entry /{}… has a path of 4097 bytes, over the 4096-byte limit: refusing a hostile layer",
                "a".repeat(64)
            )
        );
    }

    #[test]
    fn a_link_target_longer_than_the_limit_is_refused() {
        let target = "t".repeat(MAX_PATH + 1);
        let err = read(&tar(&[T::Sym("usr/lib/x", &target)])).expect_err("long link");
        assert_eq!(
            err,
            "link /usr/lib/x has a target of 4097 bytes, over the 4096-byte limit: refusing a hostile layer"
        );
    }

    #[test]
    fn entries_beyond_the_image_limit_are_refused_over_all_layers() {
        let mut budget = Budget::new(u64::MAX);
        budget.max_entries = 5;
        let layer = tar(&[
            T::Dir("a"),
            T::File("a/1", 0o644, b""),
            T::File("a/2", 0o644, b""),
        ]);
        read_layer(&layer[..], &budget, &all, true).expect("3 of 5");
        let err = read_layer(&layer[..], &budget, &all, true).expect_err("6 of 5");
        assert_eq!(
            err,
            "more than 5 tar entries over all layers (the entry limit): refusing an image this large"
        );
    }

    #[test]
    fn names_beyond_the_image_limit_are_refused() {
        let mut budget = Budget::new(u64::MAX);
        budget.max_name_bytes = 10;
        let layer = tar(&[T::File("abcde", 0o644, b""), T::Sym("l", "target")]);
        let err = read_layer(&layer[..], &budget, &all, true).expect_err("12 of 10");
        assert_eq!(
            err,
            "more than 10 bytes of entry names over all layers (the name limit): refusing an image this large"
        );
    }

    #[test]
    fn contents_beyond_the_image_limit_are_refused() {
        let mut budget = Budget::new(u64::MAX);
        budget.max_content_bytes = 1 << 20;
        let part = vec![b'#'; 600 << 10];
        let layer = tar(&[
            T::File("a.service", 0o644, &part),
            T::File("b.service", 0o644, &part),
        ]);
        // Kept only when wanted: not wanted, nothing is counted.
        read_layer(&layer[..], &budget, &|_: &[u8]| false, true).expect("nothing kept");
        let err = read_layer(&layer[..], &budget, &all, true).expect_err("1.2 of 1 MiB");
        assert_eq!(
            err,
            "more than 1 MiB of the files the rules read (passwd, unit files, inetd configuration): refusing a hostile image"
        );
    }

    #[test]
    fn an_empty_whiteout_name_is_refused() {
        for (name, shown) in [
            ("etc/.wh.", "/etc/.wh."),
            (".wh.", "/.wh."),
            ("etc/.wh..", "/etc/.wh.."),
            ("etc/.wh...", "/etc/.wh..."),
        ] {
            let layer = tar(&[T::File("etc/passwd", 0o644, b""), T::File(name, 0o644, b"")]);
            let err = read(&layer).expect_err(name);
            assert_eq!(
                err,
                format!("whiteout {shown} names no file (it would delete its own directory): refusing a hostile layer")
            );
        }
        // Real whiteouts, opaque markers and other aufs metadata still work.
        let layer = tar(&[
            T::File("etc/.wh.motd", 0o644, b""),
            T::File(".wh..wh..opq", 0o644, b""),
            T::File("var/.wh..wh..opq", 0o644, b""),
            T::File("var/.wh..wh.plnk", 0o644, b""),
        ]);
        let table = read(&layer).expect("whiteouts");
        let spans = |v: &[(u32, u32)]| {
            v.iter()
                .map(|&s| table.span(s).to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(spans(&table.whiteouts), [b"etc/motd".to_vec()]);
        assert_eq!(spans(&table.opaque), [b"".to_vec(), b"var".to_vec()]);
        assert!(table.recs.is_empty());
    }

    #[test]
    fn numeric_fields_that_are_not_numbers_are_refused() {
        let entry = |set: &dyn Fn(&mut tar::Header)| {
            let mut h = tar::Header::new_ustar();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(0);
            h.set_mode(0o4755);
            set(&mut h);
            h.set_cksum();
            let mut b = tar::Builder::new(Vec::new());
            b.append_data(&mut h, "usr/bin/su", &[][..])
                .expect("append");
            b.into_inner().expect("tar")
        };
        let bad = |field: &str| {
            format!("entry usr/bin/su has an invalid {field} field: refusing a hostile layer")
        };
        let mut mode = entry(&|_| {});
        mode[100..108].copy_from_slice(b"4zz755\0\0");
        // The checksum covers the header: recompute it over the patched bytes.
        let sum: u32 = mode[..512]
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        mode[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(read(&mode).expect_err("mode"), bad("mode"));
        let mut uid = entry(&|_| {});
        uid[108..116].copy_from_slice(b"zzzzzzz\0");
        let sum: u32 = uid[..512]
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        uid[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(read(&uid).expect_err("uid"), bad("uid"));
        for value in [&b"-1"[..], b"abc", b"+5"] {
            let mut b = tar::Builder::new(Vec::new());
            b.append_pax_extensions([("size", value)]).expect("pax");
            let mut h = tar::Header::new_ustar();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(0);
            h.set_mode(0o644);
            b.append_data(&mut h, "usr/bin/su", &[][..])
                .expect("append");
            let tar = b.into_inner().expect("tar");
            assert_eq!(
                read(&tar).expect_err("pax size"),
                bad("PAX size"),
                "{value:?}"
            );
        }
        // A valid PAX size and a valid mode read.
        let mut b = tar::Builder::new(Vec::new());
        b.append_pax_extensions([("size", &b"3"[..])]).expect("pax");
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(3);
        h.set_mode(0o4755);
        b.append_data(&mut h, "usr/bin/su", &b"abc"[..])
            .expect("append");
        let table = read(&b.into_inner().expect("tar")).expect("valid");
        assert_eq!(table.recs.len(), 1);
    }

    #[test]
    fn owners_beyond_32_bits_are_refused() {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(0);
        h.set_uid(1 << 40);
        h.set_gid(7);
        let mut b = tar::Builder::new(Vec::new());
        b.append_data(&mut h, "bin/x", &[][..]).expect("append");
        let err = read(&b.into_inner().expect("tar")).expect_err("uid");
        assert_eq!(
            err,
            "entry /bin/x has owner 1099511627776:7, beyond 32-bit user and group IDs: refusing a hostile layer"
        );
    }

    #[test]
    fn a_zstd_layer_asking_for_a_huge_window_is_refused_plainly() {
        let layer = tar(&[T::File("etc/motd", 0o644, b"hello")]);
        let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("encoder");
        encoder.window_log(20).expect("window");
        std::io::Write::write_all(&mut encoder, &layer).expect("write");
        let frame = encoder.finish().expect("zstd");
        // The window descriptor (byte 5) patched: 2^25 reads, 2^27 is refused.
        for (log, ok) in [(25u8, true), (27, false)] {
            let mut blob = frame.clone();
            blob[5] = (log - 10) << 3;
            let got = read_layer(&blob[..], &Budget::new(u64::MAX), &all, true);
            if ok {
                assert_eq!(got.expect("2^25 window").recs.len(), 1);
            } else {
                assert_eq!(
                    got.expect_err("2^27 window"),
                    "the zstd stream needs a window over 32 MiB (compressed with --long or --ultra?); portcullis decodes at most 32 MiB windows"
                );
            }
        }
    }

    #[test]
    fn the_decompression_limit_is_named_plainly() {
        let layer = tar(&[T::File("zeros", 0o644, &vec![0u8; 4 << 20])]);
        let bomb = "more than 1048576 bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb";
        for blob in [
            gzip(&layer),
            zstd::encode_all(&layer[..], 3).expect("zstd"),
            layer.clone(),
        ] {
            let err = read_layer(&blob[..], &Budget::new(1 << 20), &all, true).expect_err("bomb");
            assert_eq!(err, bomb);
        }
        // Reading the contents of a wanted file hits the limit too.
        let err = read_layer(
            &gzip(&layer)[..],
            &Budget::new(1 << 20),
            &|p: &[u8]| p == b"zeros",
            true,
        )
        .expect_err("bomb");
        assert_eq!(err, bomb);
        // A corrupt stream is still called that.
        let mut cut = gzip(&layer);
        cut.truncate(cut.len() / 2);
        let err = read_layer(&cut[..], &Budget::new(u64::MAX), &all, true).expect_err("cut");
        assert!(
            err.starts_with("gzip stream is corrupt or truncated: "),
            "{err}"
        );
    }

    #[test]
    fn entries_are_stored_once_sorted_and_compact() {
        let layer = tar(&[
            T::Dir("usr/lib/python3"),
            T::File("usr/lib/python3.11", 0o644, b"x"),
            T::File("usr/lib/python3/a", 0o4755, b"a"),
            T::Hard("usr/lib/python3/b", "./usr/lib/python3/a"),
            T::Sym("usr/lib/python3/c", "../x"),
            T::File("usr/lib/python3/a", 0o644, b"again"),
        ]);
        let table = read(&layer).expect("layer");
        assert_eq!(table.entries, 6);
        let view: Vec<_> = table
            .recs
            .iter()
            .map(|r| {
                let e = r.entry(&table.names);
                (
                    display_path(e.path),
                    e.kind,
                    e.mode,
                    e.link.map(display_path),
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                ("/usr/lib/python3".into(), EntryKind::Dir, 0o755, None),
                ("/usr/lib/python3.11".into(), EntryKind::File, 0o644, None),
                ("/usr/lib/python3/a".into(), EntryKind::File, 0o644, None),
                (
                    "/usr/lib/python3/b".into(),
                    EntryKind::HardLink,
                    0o755,
                    Some("/usr/lib/python3/a".into())
                ),
                (
                    "/usr/lib/python3/c".into(),
                    EntryKind::Symlink,
                    0o755,
                    Some("/../x".into())
                ),
            ]
        );
        // The contents of the last `a`, not the first.
        assert_eq!(
            table.contents,
            [
                (b"usr/lib/python3.11".to_vec(), b"x".to_vec()),
                (b"usr/lib/python3/a".to_vec(), b"again".to_vec())
            ]
        );
        assert_eq!(table.hard_links.len(), 1);
    }

    #[test]
    fn cover_takes_the_largest_of_nested_intervals() {
        assert_eq!(cover(6, vec![]), [0; 6]);
        assert_eq!(
            cover(
                8,
                vec![(1, 7, 2), (2, 4, 1), (2, 3, 5), (5, 6, 3), (6, 6, 9)]
            ),
            [0, 2, 5, 2, 2, 3, 2, 0]
        );
    }
}
