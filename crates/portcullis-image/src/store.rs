//! Where blobs live: files in a directory (OCI layout) or members of a tar
//! file read in place (docker-archive, oci-archive) — never unpacked.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{io_text, Error, Result};

pub(crate) enum Store {
    Dir(PathBuf),
    Tar(TarIndex),
    /// A registry repository: blobs streamed over HTTP (see `registry`).
    Registry(Box<crate::registry::Client>),
}

/// The members of a tar file: name → (data offset, size). Offsets are in
/// the tar stream: the file itself, or what its gzip decompresses to.
pub(crate) struct TarIndex {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
    /// Set for a gzip-compressed tar (`docker save | gzip`).
    gzip: Option<GzipMembers>,
}

/// A gzip stream cannot seek, and in `docker save` output the manifest
/// comes after the layers it names, so members cannot be handed out in one
/// pass in the order the loader wants them. The index pass therefore reads
/// each layer as it streams by (with the scan's load options) and keeps
/// the other members in memory, up to [`GZIP_MEMORY`] in all: the archive
/// is decompressed exactly once. A member left out of both is read again
/// by decompressing from the start up to it: more CPU, no more memory, and
/// never a temporary file.
struct GzipMembers {
    /// By data offset (links share their target's offset).
    kept: HashMap<u64, std::sync::Arc<[u8]>>,
    /// Layers too large to keep, read as they streamed by (when the index
    /// was opened with the scan's [`crate::LoadOptions`]): what loading
    /// them would give, so the stream is never decompressed again.
    analysed: HashMap<u64, crate::layer::LayerTable>,
}

/// Bytes of a gzip-compressed archive's members kept in memory: the
/// manifests and configs (and, for an index opened without load options,
/// small layers). Small, because a scan's peak RSS stays under 100 MiB
/// (issue 13).
const GZIP_MEMORY: u64 = 32 << 20;

/// How far a gzip-compressed archive is decompressed at most (a bomb
/// guard on the outer stream; layers inside have `--max-uncompressed`).
const GZIP_CAP: u64 = 1 << 40;

/// Most members an image archive (`docker save`, OCI archive) may have: a
/// few per layer and per image, so far more than real archives hold. The
/// index keeps each member's name, so this and [`MAX_MEMBER_NAME_BYTES`]
/// bound its memory (200,000 members of 4,000-byte names took 783 MiB).
pub const MAX_ARCHIVE_MEMBERS: u64 = 100_000;

/// Most bytes of member names (and link targets) an archive's index keeps.
pub const MAX_MEMBER_NAME_BYTES: u64 = 16 << 20;

/// What the outer tar reader may spend, checked between members: the tar
/// reader holds a GNU long name or PAX record whole in memory, so the bytes
/// between one member's data and the next member's data are bounded by
/// [`crate::layer::MAX_ENTRY_METADATA`], as in layers.
struct Guarded<R> {
    inner: R,
    pos: u64,
    limit: std::rc::Rc<std::cell::Cell<u64>>,
    tripped: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = self.limit.get().saturating_sub(self.pos);
        if room == 0 && !buf.is_empty() {
            self.tripped.set(true);
            return Err(std::io::Error::other("member metadata too large"));
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Seek> Seek for Guarded<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

/// Counts an archive's members and name bytes as the index reads them.
struct Tally {
    members: u64,
    name_bytes: u64,
    limit: std::rc::Rc<std::cell::Cell<u64>>,
    tripped: std::rc::Rc<std::cell::Cell<bool>>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            members: 0,
            name_bytes: 0,
            limit: std::rc::Rc::new(std::cell::Cell::new(crate::layer::MAX_ENTRY_METADATA)),
            tripped: std::rc::Rc::new(std::cell::Cell::new(false)),
        }
    }

    fn guard<R>(&self, inner: R) -> Guarded<R> {
        Guarded {
            inner,
            pos: 0,
            limit: self.limit.clone(),
            tripped: self.tripped.clone(),
        }
    }

    /// Count `entry`; its data may be read in full, what follows is bounded.
    fn count<R: Read>(&mut self, entry: &tar::Entry<'_, R>) -> std::result::Result<(), String> {
        let data_end = entry
            .raw_file_position()
            .saturating_add(entry.size().div_ceil(512) * 512);
        self.limit
            .set(data_end.saturating_add(crate::layer::MAX_ENTRY_METADATA));
        self.members += 1;
        if self.members > MAX_ARCHIVE_MEMBERS {
            return Err(format!(
                "more than {MAX_ARCHIVE_MEMBERS} members: refusing a hostile archive"
            ));
        }
        let link = entry.link_name_bytes().map_or(0, |l| l.len());
        self.name_bytes += (entry.path_bytes().len() + link) as u64;
        if self.name_bytes > MAX_MEMBER_NAME_BYTES {
            return Err(format!(
                "member names and link targets over {} MiB in all: refusing a hostile archive",
                MAX_MEMBER_NAME_BYTES >> 20
            ));
        }
        Ok(())
    }

    /// The reader's error, or what tripped it.
    fn explain(&self, e: &std::io::Error) -> String {
        if self.tripped.get() {
            format!(
                "a member's tar metadata (GNU long name or PAX records) is over {} bytes: refusing a hostile archive",
                crate::layer::MAX_ENTRY_METADATA
            )
        } else {
            format!("not a readable tar archive: {}", io_text(e))
        }
    }
}

/// Whether a file starts with the gzip magic.
pub(crate) fn is_gzip(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    crate::error::open_file(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == [0x1f, 0x8b])
}

/// Whether a gzip-compressed tar looks like an image archive, told from
/// its first members' names (a `docker save` archive starts with
/// `blobs/sha256/…` or `<64 hex>/…` members, an OCI archive with `blobs/`
/// or `oci-layout`), so that finding targets (`scan --recursive`) does not
/// decompress the archive the scan will read whole: a decision at the
/// first telling header, at most 16 members in.
pub(crate) fn gzip_looks_like_image(path: &Path) -> bool {
    let Ok(file) = crate::error::open_file(path) else {
        return false;
    };
    let mut tally = Tally::new();
    let mut archive = tar::Archive::new(tally.guard(gunzip(file, path)));
    let Ok(entries) = archive.entries() else {
        return false;
    };
    let hex = |id: &str| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
    // `<id>/layer.tar`, `<id>/json`, `<id>/VERSION`, `<config>.json`: the
    // legacy `docker save` layout; `<diff_id>.tar` first: podman's.
    let hex_id = |name: &str| match name.split_once('/') {
        Some((id, rest)) => hex(id) && matches!(rest, "layer.tar" | "json" | "VERSION"),
        None => name
            .strip_suffix(".json")
            .or_else(|| name.strip_suffix(".tar"))
            .is_some_and(hex),
    };
    for entry in entries.take(16) {
        let Ok(entry) = entry else {
            return false;
        };
        if tally.count(&entry).is_err() {
            return false;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(name) = clean_member_name(&name) else {
            return false;
        };
        let blob = name.strip_prefix("blobs/sha256/").is_some_and(hex);
        if matches!(name.as_str(), "manifest.json" | "index.json" | "oci-layout")
            || blob
            || hex_id(&name)
        {
            return true;
        }
    }
    false
}

/// Each path a gzip stream was started for, once per start (tests count
/// how often an archive is decompressed).
#[cfg(test)]
static GUNZIPPED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn gunzip(file: File, path: &Path) -> impl Read + Send {
    #[cfg(test)]
    if let Ok(mut started) = GUNZIPPED.lock() {
        started.push(path.to_owned());
    }
    #[cfg(not(test))]
    let _ = path;
    struct Capped<R>(R, u64);
    impl<R: Read> Read for Capped<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 = self.1.saturating_sub(n as u64);
            if self.1 == 0 {
                return Err(std::io::Error::other(
                    "decompresses to more than 1 TiB; refusing it",
                ));
            }
            Ok(n)
        }
    }
    Capped(
        flate2::bufread::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, file)),
        GZIP_CAP,
    )
}

/// A member name with `./` prefixes, `.` components and `dir/..` pairs
/// removed; `None` if it would leave the archive (absolute, or `..` past the
/// top).
fn clean_member_name(name: &str) -> Option<String> {
    if name.starts_with('/') {
        return None;
    }
    resolve_dots(name)
}

/// `a/./b/../c` → `a/c`, the way layer entry names are normalised; `None`
/// when `..` would leave the archive.
fn resolve_dots(path: &str) -> Option<String> {
    String::from_utf8(crate::layer::normalize(path.as_bytes())?).ok()
}

impl TarIndex {
    pub fn open(path: &Path) -> Result<TarIndex> {
        TarIndex::open_with(path, GZIP_MEMORY, None)
    }

    /// [`TarIndex::open`]; a gzip archive's layers that are not kept are
    /// read with `analysis` as they stream by (the options the scan will
    /// load its images with).
    pub fn open_analysing(path: &Path, analysis: &crate::LoadOptions<'_>) -> Result<TarIndex> {
        TarIndex::open_with(path, GZIP_MEMORY, Some(analysis))
    }

    /// [`TarIndex::open`], keeping at most `memory` bytes of a gzip
    /// archive's members.
    fn open_with(
        path: &Path,
        memory: u64,
        analysis: Option<&crate::LoadOptions<'_>>,
    ) -> Result<TarIndex> {
        let file = crate::error::open_file(path)
            .map_err(|e| Error::new(format!("{}: cannot read: {}", path.display(), io_text(&e))))?;
        let mut members = HashMap::new();
        let mut links: Vec<(String, String)> = Vec::new();
        let mut tally = Tally::new();
        let hostile = |why: String| Error::new(format!("{}: {why}", path.display()));
        let mut gzip = None;
        if is_gzip(path) {
            let mut kept = HashMap::new();
            let mut analysed = HashMap::new();
            let mut budget = memory;
            // One bomb guard over every layer read here (a load's own
            // budget is per image).
            let layer_budget =
                crate::layer::Budget::new(analysis.map_or(0, |a| a.max_uncompressed));
            let mut archive = tar::Archive::new(tally.guard(gunzip(file, path)));
            for entry in archive.entries().map_err(|e| hostile(tally.explain(&e)))? {
                let mut entry = entry.map_err(|e| hostile(tally.explain(&e)))?;
                tally.count(&entry).map_err(hostile)?;
                if let Some((name, offset, size)) = index_entry(&entry, &mut members, &mut links) {
                    if let Some(options) = analysis {
                        let mut buffered = std::io::BufReader::with_capacity(1 << 16, &mut entry);
                        let first = std::io::BufRead::fill_buf(&mut buffered)
                            .map_err(|e| hostile(format!("cannot read {name}: {}", io_text(&e))))?
                            .first()
                            .copied();
                        if is_layer_member(&name, first) {
                            // The diff_id is always hashed: a legacy
                            // layer.tar has no other digest to check. A
                            // member that does not read as a layer is left
                            // to the load, which reads it again if it is one
                            // and then says what is wrong with it.
                            if let Ok(table) = crate::layer::read_layer_with(
                                buffered,
                                &layer_budget,
                                options.want,
                                true,
                                options.analyser,
                            ) {
                                analysed.insert(offset, table);
                            }
                            continue;
                        }
                        if size <= budget {
                            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                            buffered.read_to_end(&mut bytes).map_err(|e| {
                                hostile(format!("cannot read {name}: {}", io_text(&e)))
                            })?;
                            budget -= size;
                            kept.insert(offset, bytes.into());
                        }
                        continue;
                    }
                    if size <= budget {
                        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                        entry.read_to_end(&mut bytes).map_err(|e| {
                            Error::new(format!(
                                "{}: cannot read {name}: {}",
                                path.display(),
                                io_text(&e)
                            ))
                        })?;
                        budget -= size;
                        kept.insert(offset, bytes.into());
                    }
                }
            }
            gzip = Some(GzipMembers { kept, analysed });
        } else {
            let mut archive = tar::Archive::new(tally.guard(file));
            for entry in archive
                .entries_with_seek()
                .map_err(|e| hostile(tally.explain(&e)))?
            {
                let entry = entry.map_err(|e| hostile(tally.explain(&e)))?;
                tally.count(&entry).map_err(hostile)?;
                index_entry(&entry, &mut members, &mut links);
            }
        }
        // Resolve links to the member they name, inside the archive, in a
        // bounded number of hops (loops and dangling links resolve to nothing).
        let link_targets: HashMap<&str, &str> = links
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        for (name, target) in &links {
            let mut at = resolve_dots(target);
            for _ in 0..16 {
                let Some(current) = at.take() else { break };
                if let Some(&m) = members.get(&current) {
                    members.insert(name.clone(), m);
                    break;
                }
                at = link_targets
                    .get(current.as_str())
                    .and_then(|t| resolve_dots(t));
            }
        }
        if members.is_empty() {
            return Err(Error::new(format!(
                "{}: not a tar archive, or an empty one",
                path.display()
            )));
        }
        Ok(TarIndex {
            path: path.to_owned(),
            members,
            gzip,
        })
    }
}

/// Whether an archive member is a layer, by its name and first byte, as
/// `docker save` writes them: `<id>/layer.tar` (classic), or a blob that is
/// not JSON (Docker 25+ and OCI archives name every blob by digest).
pub(crate) fn is_layer_member(name: &str, first: Option<u8>) -> bool {
    name.ends_with("/layer.tar")
        || (name.starts_with("blobs/") && !matches!(first, None | Some(b'{' | b'[')))
}

/// Record a tar entry in `members` (regular files) or `links`; the name,
/// data offset and size of a regular file.
fn index_entry<R: Read>(
    entry: &tar::Entry<'_, R>,
    members: &mut HashMap<String, (u64, u64)>,
    links: &mut Vec<(String, String)>,
) -> Option<(String, u64, u64)> {
    let kind = entry.header().entry_type();
    let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let name = clean_member_name(&name)?;
    if kind.is_file() || kind == tar::EntryType::Continuous {
        let (offset, size) = (entry.raw_file_position(), entry.size());
        members.insert(name.clone(), (offset, size));
        return Some((name, offset, size));
    }
    if kind.is_symlink() || kind.is_hard_link() {
        // `docker save` shares a layer between images with
        // `<id>/layer.tar -> ../<other>/layer.tar`.
        if let Some(target) = entry.link_name_bytes() {
            let target = String::from_utf8_lossy(&target).into_owned();
            let base = match kind.is_symlink() {
                true => name.rsplit_once('/').map_or("", |(d, _)| d).to_owned(),
                false => String::new(),
            };
            links.push((name, format!("{base}/{target}")));
        }
    }
    None
}

/// Gzip-compressed archives indexed while their target was recognised,
/// for [`TarIndex::open_kept`]: the stream is not decompressed twice.
static KEPT: std::sync::Mutex<Vec<TarIndex>> = std::sync::Mutex::new(Vec::new());

impl TarIndex {
    /// The names of its regular members (and links to them).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.keys().map(String::as_str)
    }

    pub fn is_gzip(&self) -> bool {
        self.gzip.is_some()
    }

    /// Keep a gzip archive's index for the [`TarIndex::open_kept`] that follows.
    pub fn keep(self) {
        if let Ok(mut kept) = KEPT.lock() {
            // A target recognised twice is kept once.
            kept.retain(|t| t.path != self.path);
            kept.push(self);
        }
    }

    /// The index [`TarIndex::keep`] kept for `path`, else a new one.
    pub fn open_kept(path: &Path) -> Result<TarIndex> {
        match TarIndex::take_kept(path) {
            Some(index) => Ok(index),
            None => TarIndex::open(path),
        }
    }

    /// [`TarIndex::open_kept`], a new index reading large gzip layers
    /// with `analysis` (see [`TarIndex::open_analysing`]).
    pub fn open_kept_analysing(path: &Path, analysis: &crate::LoadOptions<'_>) -> Result<TarIndex> {
        match TarIndex::take_kept(path) {
            Some(index) => Ok(index),
            None => TarIndex::open_analysing(path, analysis),
        }
    }

    fn take_kept(path: &Path) -> Option<TarIndex> {
        KEPT.lock().ok().and_then(|mut kept| {
            let i = kept.iter().position(|t| t.path == path)?;
            Some(kept.swap_remove(i))
        })
    }

    /// A member of a gzip-compressed archive: from memory, or decompressed
    /// again from the start up to its offset.
    fn open_gzip(
        &self,
        gzip: &GzipMembers,
        offset: u64,
        size: u64,
    ) -> Result<(Box<dyn Read + Send>, u64)> {
        if let Some(bytes) = gzip.kept.get(&offset) {
            return Ok((Box::new(std::io::Cursor::new(bytes.clone())), size));
        }
        let fail = |e: std::io::Error| {
            Error::new(format!(
                "{}: cannot read: {}",
                self.path.display(),
                io_text(&e)
            ))
        };
        let file = crate::error::open_file(&self.path).map_err(fail)?;
        let mut stream = gunzip(file, &self.path);
        let skipped =
            std::io::copy(&mut (&mut stream).take(offset), &mut std::io::sink()).map_err(fail)?;
        if skipped != offset {
            return Err(fail(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the archive is shorter than when it was indexed",
            )));
        }
        Ok((Box::new(stream.take(size)), size))
    }
}

/// Why a layout member cannot be read.
enum Outside {
    Missing,
    /// A symbolic link (somewhere on the path) that leads out of the layout.
    Escapes(PathBuf),
    /// A FIFO, device or directory: reading it could block or mislead.
    NotFile,
}

/// The real path and size of a regular file `name` inside the layout `root`,
/// following symbolic links only while they stay inside it.
fn inside_dir(root: &Path, name: &str) -> std::result::Result<(PathBuf, u64), Outside> {
    let path = root.join(name);
    let real = path.canonicalize().map_err(|_| Outside::Missing)?;
    let real_root = root.canonicalize().map_err(|_| Outside::Missing)?;
    if !real.starts_with(&real_root) {
        return Err(Outside::Escapes(real));
    }
    let meta = real.metadata().map_err(|_| Outside::Missing)?;
    if !meta.is_file() {
        return Err(Outside::NotFile);
    }
    Ok((real, meta.len()))
}

impl Store {
    pub fn describe(&self) -> String {
        match self {
            Store::Dir(p) => p.display().to_string(),
            Store::Tar(t) => t.path.display().to_string(),
            Store::Registry(c) => c.describe().to_owned(),
        }
    }

    pub fn exists(&self, name: &str) -> bool {
        match self {
            Store::Dir(root) => {
                clean_member_name(name).is_some_and(|n| inside_dir(root, &n).is_ok())
            }
            Store::Tar(t) => clean_member_name(name).is_some_and(|n| t.members.contains_key(&n)),
            Store::Registry(c) => c.size(name).is_some(),
        }
    }

    /// A member's size, if it exists.
    pub fn size(&self, name: &str) -> Option<u64> {
        let clean = clean_member_name(name)?;
        match self {
            Store::Dir(root) => inside_dir(root, &clean).ok().map(|(_, size)| size),
            Store::Tar(t) => t.members.get(&clean).map(|&(_, size)| size),
            Store::Registry(c) => c.size(&clean),
        }
    }

    /// A layer of a gzip archive already read as the index streamed by
    /// (see [`TarIndex::open_analysing`]), and its size.
    pub fn analysed(&self, name: &str) -> Option<(crate::layer::LayerTable, u64)> {
        let Store::Tar(t) = self else {
            return None;
        };
        let &(offset, size) = t.members.get(&clean_member_name(name)?)?;
        let table = t.gzip.as_ref()?.analysed.get(&offset)?;
        Some((table.clone(), size))
    }

    /// A reader over the member and its size.
    pub fn open(&self, name: &str) -> Result<(Box<dyn Read + Send>, u64)> {
        let missing = || Error::new(format!("{}: {name} is missing", self.describe()));
        let clean = clean_member_name(name).ok_or_else(|| {
            Error::new(format!(
                "{}: refusing blob path {name:?} that leaves the image",
                self.describe()
            ))
        })?;
        match self {
            Store::Registry(c) => c.open(&clean),
            Store::Dir(root) => {
                let (path, size) = inside_dir(root, &clean).map_err(|why| match why {
                    Outside::Missing => missing(),
                    Outside::Escapes(to) => Error::new(format!(
                        "{}: {name} is a symbolic link out of the layout (to {}): refusing it",
                        self.describe(),
                        to.display()
                    )),
                    Outside::NotFile => {
                        Error::new(format!("{}: {name} is not a regular file", self.describe()))
                    }
                })?;
                let file = crate::error::open_file(&path).map_err(|e| {
                    Error::new(format!("{}: cannot read: {}", path.display(), io_text(&e)))
                })?;
                Ok((Box::new(file.take(size)), size))
            }
            Store::Tar(t) => {
                let &(offset, size) = t.members.get(&clean).ok_or_else(missing)?;
                if let Some(gzip) = &t.gzip {
                    return t.open_gzip(gzip, offset, size);
                }
                let mut file = crate::error::open_file(&t.path).map_err(|e| {
                    Error::new(format!(
                        "{}: cannot read: {}",
                        t.path.display(),
                        io_text(&e)
                    ))
                })?;
                file.seek(SeekFrom::Start(offset)).map_err(|e| {
                    Error::new(format!(
                        "{}: cannot read: {}",
                        t.path.display(),
                        io_text(&e)
                    ))
                })?;
                Ok((Box::new(file.take(size)), size))
            }
        }
    }

    /// Read a whole small member (JSON), refusing ones larger than `cap`.
    pub fn read_small(&self, name: &str, cap: u64) -> Result<Vec<u8>> {
        let (reader, size) = self.open(name)?;
        if size > cap {
            return Err(Error::new(format!(
                "{}: {name} is {size} bytes, more than the {cap}-byte limit for metadata",
                self.describe()
            )));
        }
        let mut buf = Vec::with_capacity(size as usize);
        reader.take(cap + 1).read_to_end(&mut buf).map_err(|e| {
            Error::new(format!(
                "{}: cannot read {name}: {}",
                self.describe(),
                io_text(&e)
            ))
        })?;
        if buf.len() as u64 > cap {
            return Err(Error::new(format!(
                "{}: {name} is larger than the {cap}-byte limit for metadata",
                self.describe()
            )));
        }
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gzip-compressed tar of `a` (small), `big`, and `link` -> `a`.
    fn gzip_tar(dir: &Path) -> PathBuf {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in [("a", b"small".to_vec()), ("big", vec![7u8; 100_000])] {
            let mut header = tar::Header::new_ustar();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, name, data.as_slice())
                .expect("append");
        }
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        builder.append_link(&mut header, "link", "a").expect("link");
        let tar = builder.into_inner().expect("tar");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).expect("gzip");
        let path = dir.join("t.tar.gz");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        path
    }

    fn read(store: &Store, name: &str) -> Vec<u8> {
        let (mut reader, size) = store.open(name).expect(name);
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("read");
        assert_eq!(out.len() as u64, size, "{name}");
        out
    }

    /// Members kept in memory and members decompressed again from the
    /// start read the same bytes, links included.
    #[test]
    fn gzip_members_read_alike_from_memory_and_again_from_the_stream() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = gzip_tar(dir.path());
        assert!(is_gzip(&path));
        for memory in [0, 16, GZIP_MEMORY] {
            let index = TarIndex::open_with(&path, memory, None).expect("index");
            let kept = index.gzip.as_ref().map(|g| g.kept.len());
            assert_eq!(
                kept,
                Some(match memory {
                    0 => 0,
                    16 => 1,
                    _ => 2,
                }),
                "{memory}"
            );
            let store = Store::Tar(index);
            assert_eq!(read(&store, "a"), b"small", "{memory}");
            assert_eq!(read(&store, "link"), b"small", "{memory}");
            assert_eq!(read(&store, "big"), vec![7u8; 100_000], "{memory}");
        }
    }

    /// The docker-classic fixture archive's path, and its bytes gzipped.
    fn gzipped_fixture() -> (PathBuf, Vec<u8>) {
        let plain =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/images/docker-classic.tar");
        let bytes = std::fs::read(&plain).expect("fixture");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
        (plain, gz.finish().expect("gzip"))
    }

    /// A `docker save` archive, gzip-compressed, whose layers are too large
    /// to keep: indexed with the load options, it is decompressed once, and
    /// every image loads as from the plain archive.
    #[test]
    fn a_gzip_archive_indexed_with_the_load_options_is_decompressed_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (plain, gz) = gzipped_fixture();
        let path = dir.path().join("a.tar.gz");
        std::fs::write(&path, gz).expect("write");
        let want = |p: &[u8]| p == b"etc/passwd";
        let quiet = |_: u64| {};
        let options = crate::LoadOptions {
            max_uncompressed: 1 << 34,
            want: &want,
            progress: &quiet,
            full_digests: false,
            analyser: None,
        };
        // Every layer is read as it streams by, the metadata kept.
        let index = TarIndex::open_with(&path, GZIP_MEMORY, Some(&options)).expect("index");
        let analysed = index.gzip.as_ref().map_or(0, |g| g.analysed.len());
        assert!(analysed >= 9, "{analysed} layers read in the index pass");
        let shown = path.display().to_string();
        let refs = crate::source::docker_archive(
            std::sync::Arc::new(Store::Tar(index)),
            &shown,
            None,
            None,
        )
        .expect("images");
        let expected = crate::source::docker_archive(
            std::sync::Arc::new(Store::Tar(TarIndex::open(&plain).expect("plain"))),
            "p",
            None,
            None,
        )
        .expect("images");
        assert_eq!(refs.len(), expected.len());
        for (r, e) in refs.iter().zip(&expected) {
            let (got, want) = (
                r.load(&options).expect("load"),
                e.load(&options).expect("load"),
            );
            assert_eq!(format!("{:?}", got.layers), format!("{:?}", want.layers));
            assert_eq!(got.fs.len(), want.fs.len());
            assert_eq!(
                got.fs.contents.get(&b"etc/passwd"[..]),
                want.fs.contents.get(&b"etc/passwd"[..])
            );
        }
        let passes = GUNZIPPED
            .lock()
            .map(|started| started.iter().filter(|p| **p == path).count())
            .unwrap_or(0);
        assert_eq!(passes, 1, "the archive was decompressed {passes} times");
    }

    /// Telling a gzip image archive for `--recursive` reads only its first
    /// headers: an archive cut short past them is still told, and a gzip
    /// tar of other files is not one.
    #[test]
    fn a_gzip_image_archive_is_told_from_its_first_members() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, gz) = gzipped_fixture();
        let cut = dir.path().join("cut.tar.gz");
        std::fs::write(&cut, &gz[..gz.len() / 2]).expect("write");
        assert!(gzip_looks_like_image(&cut));
        let other = gzip_tar(dir.path());
        assert!(!gzip_looks_like_image(&other));
        // A cache whose first members are a `blobs/` tree of other files.
        let mut builder = tar::Builder::new(Vec::new());
        for name in [
            "blobs/",
            "blobs/sha256/",
            "blobs/sha256/not-a-digest",
            "repositories",
        ] {
            let mut header = tar::Header::new_ustar();
            header.set_size(0);
            header.set_mode(0o644);
            header.set_entry_type(if name.ends_with('/') {
                tar::EntryType::Directory
            } else {
                tar::EntryType::Regular
            });
            builder
                .append_data(&mut header, name, std::io::empty())
                .expect("append");
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &builder.into_inner().expect("tar")).expect("gzip");
        let cache = dir.path().join("cache.tar.gz");
        std::fs::write(&cache, gz.finish().expect("gzip")).expect("write");
        assert!(!gzip_looks_like_image(&cache));
    }

    /// A member's name and the PAX records written before it.
    type Member = (String, Vec<(&'static str, Vec<u8>)>);

    /// A tar of `members` (name, extra PAX records) with empty data, ending
    /// with `manifest.json`; written plain and gzip-compressed.
    fn hostile_tar(dir: &Path, members: &[Member]) -> [PathBuf; 2] {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, pax) in members
            .iter()
            .chain(&[("manifest.json".to_owned(), Vec::new())])
        {
            if !pax.is_empty() {
                builder
                    .append_pax_extensions(pax.iter().map(|(k, v)| (*k, v.as_slice())))
                    .expect("pax");
            }
            let mut header = tar::Header::new_gnu();
            header.set_size(0);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, name, std::io::empty())
                .expect("append");
        }
        let tar = builder.into_inner().expect("tar");
        let plain = dir.join("a.tar");
        std::fs::write(&plain, &tar).expect("write");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).expect("gzip");
        let gzip = dir.join("a.tar.gz");
        std::fs::write(&gzip, gz.finish().expect("gzip")).expect("write");
        [plain, gzip]
    }

    fn open_error(path: &Path) -> String {
        match TarIndex::open(path) {
            Ok(_) => panic!("{} opened", path.display()),
            Err(e) => e.message,
        }
    }

    #[test]
    fn outer_archive_member_metadata_is_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let metadata = crate::layer::MAX_ENTRY_METADATA as usize;
        let over = format!(
            "a member's tar metadata (GNU long name or PAX records) is over {metadata} bytes: refusing a hostile archive"
        );
        // A GNU long name, then a PAX record, past the bound.
        let long_name = "n/".repeat(metadata / 2 + 512);
        let pax_value = vec![b'v'; metadata + 1024];
        for members in [
            vec![(long_name, Vec::new())],
            vec![("m".to_owned(), vec![("comment", pax_value)])],
        ] {
            for path in hostile_tar(dir.path(), &members) {
                assert_eq!(open_error(&path), format!("{}: {over}", path.display()));
            }
        }
        // Just under: the index opens and holds the manifest.
        let long_name = "n/".repeat(metadata / 2 - 2048) + "x";
        let pax_value = vec![b'v'; metadata - 4096];
        for members in [
            vec![(long_name, Vec::new())],
            vec![("m".to_owned(), vec![("comment", pax_value)])],
        ] {
            for path in hostile_tar(dir.path(), &members) {
                let index = TarIndex::open(&path).expect("under the bound");
                assert!(index.members.contains_key("manifest.json"));
            }
        }
    }

    #[test]
    fn outer_archive_members_and_names_are_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The manifest is one more member.
        let many =
            |n: u64| -> Vec<Member> { (1..n).map(|i| (format!("m{i}"), Vec::new())).collect() };
        let [_, gzip] = hostile_tar(dir.path(), &many(MAX_ARCHIVE_MEMBERS + 1));
        assert_eq!(
            open_error(&gzip),
            format!(
                "{}: more than 100000 members: refusing a hostile archive",
                gzip.display()
            )
        );
        let [_, gzip] = hostile_tar(dir.path(), &many(MAX_ARCHIVE_MEMBERS));
        assert_eq!(
            TarIndex::open(&gzip).expect("at the bound").members.len(),
            MAX_ARCHIVE_MEMBERS as usize
        );
        // 4,000-byte names: 4,194 of them pass 16 MiB.
        let named = |n: usize| -> Vec<Member> {
            (0..n).map(|i| (format!("{i:04000}"), Vec::new())).collect()
        };
        let [plain, gzip] = hostile_tar(dir.path(), &named(4_200));
        for path in [plain, gzip] {
            assert_eq!(
                open_error(&path),
                format!(
                    "{}: member names and link targets over 16 MiB in all: refusing a hostile archive",
                    path.display()
                )
            );
        }
        let [plain, _] = hostile_tar(dir.path(), &named(4_000));
        assert_eq!(TarIndex::open(&plain).expect("under").members.len(), 4_001);
    }

    #[test]
    fn a_truncated_gzip_archive_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = gzip_tar(dir.path());
        let bytes = std::fs::read(&path).expect("read");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("write");
        let message = TarIndex::open(&path).err().map(|e| e.message);
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.starts_with(&format!("{}: ", path.display()))),
            "{message:?}"
        );
    }
}
