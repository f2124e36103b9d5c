//! A squashfs root filesystem, read in place with `backhand` (a pure-Rust
//! squashfs reader: no extraction, no FUSE, no external `unsquashfs`):
//! the inode and directory tables give every entry's path, kind, mode and
//! owner; file data is decompressed only for the few files the rules want.

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::Ordering;

use backhand::{FilesystemReader, InnerNode};

use crate::layer::{display_path, Budget, EntryKind, LayerTable, Rec, CONTENT_CAP, MAX_PATH};

/// Read the squashfs at `path` into a table, and name its compressor.
pub(crate) fn read(
    path: &Path,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
) -> Result<(LayerTable, String), String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read: {}", crate::error::io_text(&e)))?;
    // backhand reports corrupt input as errors; a panic on some input it
    // does not foresee must still not take the scan down.
    let reader = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        FilesystemReader::from_reader(BufReader::with_capacity(256 << 10, file))
    }))
    .map_err(|_| "not a valid squashfs (the reader gave up on it)".to_string())?
    .map_err(|e| format!("not a valid squashfs: {e}"))?;
    let compression = match reader.compressor {
        Some(c) => format!("{c:?}").to_ascii_lowercase(),
        None => "none".to_owned(),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        table(&reader, budget, want)
    }))
    .map_err(|_| "not a valid squashfs (the reader gave up on it)".to_string())?
    .map(|t| (t, compression))
}

fn table(
    reader: &FilesystemReader<'_>,
    budget: &Budget,
    want: &dyn Fn(&[u8]) -> bool,
) -> Result<LayerTable, String> {
    use std::os::unix::ffi::OsStrExt;
    let mut table = LayerTable {
        compression: "squashfs",
        ..LayerTable::default()
    };
    let mut contents: Vec<(u32, Vec<u8>)> = Vec::new();
    for node in reader.files() {
        let raw = node.fullpath.as_os_str().as_bytes();
        let path = raw.strip_prefix(b"/").unwrap_or(raw);
        if path.is_empty() {
            continue; // the root directory
        }
        if path
            .split(|&b| b == b'/')
            .any(|p| p == b".." || p == b"." || p.is_empty())
        {
            return Err(format!(
                "entry {} has a `..` path component: refusing a hostile image",
                display_path(path).trim_start_matches('/')
            ));
        }
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
        let (kind, link, size): (EntryKind, &[u8], u64) = match &node.inner {
            InnerNode::File(f) => (EntryKind::File, b"", f.file_len() as u64),
            InnerNode::Symlink(s) => (EntryKind::Symlink, s.link.as_os_str().as_bytes(), 0),
            InnerNode::Dir(_) => (EntryKind::Dir, b"", 0),
            InnerNode::CharacterDevice(_) => (EntryKind::CharDevice, b"", 0),
            InnerNode::BlockDevice(_) => (EntryKind::BlockDevice, b"", 0),
            InnerNode::NamedPipe => (EntryKind::Fifo, b"", 0),
            InnerNode::Socket => (EntryKind::Other, b"", 0),
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
        let at = u32::try_from(table.names.len())
            .map_err(|_| "more than 4 GiB of entry names".to_string())?;
        table.names.extend_from_slice(path);
        table.names.extend_from_slice(link);
        let tag =
            u32::try_from(table.recs.len()).map_err(|_| "more than 2^32 entries".to_string())?;
        if let InnerNode::File(f) = &node.inner {
            if size <= CONTENT_CAP && want(path) {
                let mut content = Vec::with_capacity(size as usize);
                reader
                    .file(f)
                    .reader()
                    .take(CONTENT_CAP)
                    .read_to_end(&mut content)
                    .map_err(|e| format!("cannot read {}: {e}", display_path(path)))?;
                let used = budget.used.fetch_add(size, Ordering::Relaxed) + size;
                if used > budget.limit {
                    return Err(format!(
                        "more than {} bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb",
                        budget.limit
                    ));
                }
                contents.push((tag, content));
            }
        }
        table.recs.push(Rec {
            size,
            at,
            uid: node.header.uid,
            gid: node.header.gid,
            tag,
            // Both at most MAX_PATH.
            path_len: path.len() as u16,
            link_len: link.len() as u16,
            mode: node.header.permissions & 0o7777,
            kind,
        });
    }
    table.entries = table.recs.len();
    table.seal(contents);
    Ok(table)
}
