//! One pass over a layer blob: hash the compressed bytes (blob digest),
//! decompress (gzip, zstd or none, told by the bytes), hash the tar stream
//! (diff_id), and walk the tar headers, keeping one small record per entry.
//! Nothing is written anywhere; file contents are read only when asked for.

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

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

/// One tar entry: what it is, never its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the root, no leading `/` or `./`; bytes, as names need not be UTF-8.
    pub path: Vec<u8>,
    pub kind: EntryKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000), sticky.
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    /// Symlink target as written, or hard link target (normalised like `path`).
    pub link: Option<Vec<u8>>,
}

/// What one layer holds.
#[derive(Debug, Default)]
pub struct LayerTable {
    pub entries: Vec<Entry>,
    /// Paths deleted from lower layers (`.wh.NAME`).
    pub whiteouts: Vec<Vec<u8>>,
    /// Directories whose lower-layer contents are hidden (`.wh..wh..opq`).
    pub opaque: Vec<Vec<u8>>,
    /// Contents of the files asked for, when not larger than the cap.
    pub contents: Vec<(Vec<u8>, Vec<u8>)>,
    pub blob_digest: String,
    pub diff_id: String,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub compression: &'static str,
}

/// Shared limit on bytes decompressed across all layers of a scan (a bomb guard).
pub struct Budget {
    pub limit: u64,
    pub used: AtomicU64,
}

impl Budget {
    pub fn new(limit: u64) -> Self {
        Budget {
            limit,
            used: AtomicU64::new(0),
        }
    }
}

#[derive(Default)]
struct Tap {
    hasher: Sha256,
    count: u64,
}

/// Hashes (and counts) what passes through.
struct Hashing<R> {
    inner: R,
    tap: Rc<RefCell<Tap>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut tap = self.tap.borrow_mut();
        tap.hasher.update(&buf[..n]);
        tap.count += n as u64;
        Ok(n)
    }
}

/// Stops reading when the scan's decompression budget is spent.
struct Budgeted<'b, R> {
    inner: R,
    budget: &'b Budget,
}

impl<R: Read> Read for Budgeted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let used = self.budget.used.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if used > self.budget.limit {
            return Err(io::Error::other(format!(
                "more than {} bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb",
                self.budget.limit
            )));
        }
        Ok(n)
    }
}

enum Decoder<R: BufRead> {
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(zstd::stream::read::Decoder<'static, R>),
    Plain(R),
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
            Decoder::Plain(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> Decoder<R> {
    fn into_inner(self) -> R {
        match self {
            Decoder::Gzip(d) => (*d).into_inner(),
            Decoder::Zstd(d) => d.finish(),
            Decoder::Plain(r) => r,
        }
    }
}

/// Normalise a tar entry name: strip `/` and `./` prefixes and `.`
/// components. `None` when a `..` component would leave the root.
pub fn normalize(path: &[u8]) -> Option<Vec<u8>> {
    let mut out: Vec<&[u8]> = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return None,
            p => out.push(p),
        }
    }
    Some(out.join(&b'/'))
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

/// Files larger than this are not read even when asked for.
pub const CONTENT_CAP: u64 = 1 << 20;

/// Read one layer blob in a single pass. `want` says which paths' contents to keep.
pub fn read_layer(
    blob: impl Read,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
) -> Result<LayerTable, String> {
    let blob_tap = Rc::new(RefCell::new(Tap::default()));
    let diff_tap = Rc::new(RefCell::new(Tap::default()));
    let hashed_blob = Hashing {
        inner: blob,
        tap: blob_tap.clone(),
    };
    let mut buffered = BufReader::with_capacity(256 << 10, hashed_blob);
    let head = buffered
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?;
    let (decoder, compression) = if head.starts_with(&[0x1f, 0x8b]) {
        (
            Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(buffered))),
            "gzip",
        )
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let d =
            zstd::stream::read::Decoder::with_buffer(buffered).map_err(|e| format!("zstd: {e}"))?;
        (Decoder::Zstd(d), "zstd")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return Err("xz-compressed layers are not supported".into());
    } else if head.starts_with(b"BZh") {
        return Err("bzip2-compressed layers are not supported".into());
    } else {
        (Decoder::Plain(buffered), "none")
    };
    let diff = Hashing {
        inner: Budgeted {
            inner: decoder,
            budget,
        },
        tap: diff_tap.clone(),
    };
    let mut table = LayerTable {
        compression,
        ..LayerTable::default()
    };
    let decompress_err = |e: io::Error| -> String {
        let text = e.to_string();
        if compression == "none" {
            format!("not a valid tar stream: {text}")
        } else {
            format!("{compression} stream is corrupt or truncated: {text}")
        }
    };
    let mut archive = tar::Archive::new(diff);
    {
        let entries = archive.entries().map_err(decompress_err)?;
        for entry in entries {
            let mut entry = entry.map_err(decompress_err)?;
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
            let mode = header.mode().unwrap_or(0) & 0o7777;
            let uid = header.uid().unwrap_or(0);
            let gid = header.gid().unwrap_or(0);
            let size = entry.size();
            let raw_path = entry.path_bytes().into_owned();
            let path = normalize(&raw_path).ok_or_else(|| {
                format!("entry {} leaves the image root (a `..` path component): refusing a hostile layer", display_path(&raw_path).trim_start_matches('/'))
            })?;
            if path.is_empty() {
                continue; // the root directory itself
            }
            let link = entry.link_name_bytes().map(|l| l.into_owned());
            let (parent, name) = match path.iter().rposition(|&b| b == b'/') {
                Some(i) => (&path[..i], &path[i + 1..]),
                None => (&path[..0], &path[..]),
            };
            if name == b".wh..wh..opq" {
                table.opaque.push(parent.to_vec());
                continue;
            }
            if let Some(hidden) = name.strip_prefix(b".wh.") {
                if !hidden.starts_with(b".wh.") {
                    let mut target = parent.to_vec();
                    if !target.is_empty() {
                        target.push(b'/');
                    }
                    target.extend_from_slice(hidden);
                    table.whiteouts.push(target);
                }
                continue;
            }
            let link = match (kind, link) {
                (EntryKind::HardLink, Some(l)) => Some(normalize(&l).ok_or_else(|| {
                    format!(
                        "hard link {} points out of the image root",
                        display_path(&path)
                    )
                })?),
                (_, l) => l,
            };
            if kind == EntryKind::File && size <= CONTENT_CAP && want(&path) {
                let mut content = Vec::with_capacity(size as usize);
                entry.read_to_end(&mut content).map_err(decompress_err)?;
                table.contents.push((path.clone(), content));
            }
            table.entries.push(Entry {
                path,
                kind,
                mode,
                uid,
                gid,
                size,
                link,
            });
        }
    }
    // Read what follows the end-of-archive marker too, so both digests cover
    // the whole stream.
    let mut diff = archive.into_inner();
    io::copy(&mut diff, &mut io::sink()).map_err(decompress_err)?;
    let mut raw = diff.inner.inner.into_inner();
    io::copy(&mut raw, &mut io::sink()).map_err(|e| format!("cannot read: {e}"))?;
    let blob = blob_tap.borrow();
    let diff = diff_tap.borrow();
    table.blob_digest = hex_digest(blob.hasher.clone().finalize().as_slice());
    table.diff_id = hex_digest(diff.hasher.clone().finalize().as_slice());
    table.compressed_size = blob.count;
    table.uncompressed_size = diff.count;
    Ok(table)
}
