//! LXD (and Incus) images: unified (one tarball holding `metadata.yaml`,
//! `rootfs/` and `templates/`) and split (a metadata tarball plus the root
//! filesystem as a squashfs or a tarball). Tarballs are compressed with
//! gzip, xz, zstd, bzip2 or not at all and are read once, as a stream, by
//! the same reader as OCI layers (same limits, same hostile-input rules);
//! a squashfs is read in place. The root filesystem becomes a one-layer
//! [`Filesystem`].

pub mod metadata;
mod squashfs;

use std::io::Read;
use std::path::Path;

use crate::error::{io_text, Error, Result};
use crate::layer::{read_tar, Budget, Compression, EntryKind, Rooted};
use crate::{Filesystem, LoadOptions};
pub use metadata::Metadata;

/// `metadata.yaml` larger than this is refused.
const METADATA_MAX: u64 = 1 << 20;

/// How the image is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One tarball.
    Unified { path: String },
    /// A metadata tarball and a root filesystem.
    Split { metadata: String, rootfs: String },
}

/// The layout named by what follows `lxd:`: `PATH` (unified) or
/// `METADATA,ROOTFS` (split). A path that exists as given is taken whole,
/// even with a comma in it.
pub fn parse_target(rest: &str) -> Layout {
    if Path::new(rest).exists() {
        return Layout::Unified {
            path: rest.to_owned(),
        };
    }
    let split = rest
        .match_indices(',')
        .map(|(i, _)| i)
        .find(|&i| Path::new(&rest[..i]).exists())
        .or_else(|| rest.find(','));
    match split {
        Some(i) => Layout::Split {
            metadata: rest[..i].to_owned(),
            rootfs: rest[i + 1..].to_owned(),
        },
        None => Layout::Unified {
            path: rest.to_owned(),
        },
    }
}

/// A loaded LXD image.
#[derive(Debug)]
pub struct LxdImage {
    /// The target as the user gave it.
    pub name: String,
    pub layout: Layout,
    /// LXD's fingerprint: the SHA-256 of the unified tarball, or of the
    /// metadata tarball followed by the rootfs file. `None` for a squashfs
    /// rootfs unless [`LoadOptions::full_digests`]: hashing it would read
    /// the whole file, several times the cost of the scan.
    pub fingerprint: Option<String>,
    pub metadata: Metadata,
    /// `tar` or `squashfs`.
    pub rootfs_format: &'static str,
    /// How the rootfs is compressed (`gzip`, `xz`, `zstd`, `bzip2`, `none`;
    /// for a squashfs, its compressor).
    pub compression: String,
    /// Entries of the root filesystem.
    pub entries: usize,
    pub fs: Filesystem,
    /// What the content pass learnt of the root filesystem (`None` without
    /// an analyser).
    pub facts: Option<crate::Facts>,
}

/// What a file starts with.
fn magic(path: &Path) -> Result<[u8; 8]> {
    let mut buf = [0u8; 8];
    let mut file = crate::error::open_file(path)
        .map_err(|e| Error::new(format!("{}: cannot read: {}", path.display(), io_text(&e))))?;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => {
                return Err(Error::new(format!(
                    "{}: cannot read: {}",
                    path.display(),
                    io_text(&e)
                )))
            }
        }
    }
    Ok(buf)
}

fn is_qcow2(m: &[u8; 8]) -> bool {
    m.starts_with(b"QFI\xfb")
}

fn is_squashfs(m: &[u8; 8]) -> bool {
    m.starts_with(b"hsqs")
}

/// Compression magic numbers LXD images may use; anything else that is
/// not a tar stream is refused by name when recognised.
fn unsupported_compression(m: &[u8; 8]) -> Option<&'static str> {
    match m {
        [0x04, 0x22, 0x4d, 0x18, ..] => Some("lz4"),
        [0x89, b'L', b'Z', b'O', ..] => Some("lzop"),
        [0x5d, 0x00, 0x00, ..] => Some("lzma (legacy .lzma)"),
        [0x1f, 0x9d, ..] => Some("compress (.Z)"),
        [b'P', b'K', 0x03, 0x04, ..] => Some("zip"),
        [b'7', b'z', 0xbc, 0xaf, ..] => Some("7z"),
        _ => None,
    }
}

/// Whether the file at `path` looks like a unified LXD image or the
/// metadata tarball of a split one (a tarball, maybe compressed, with
/// `metadata.yaml` among its first 64 entries): for telling a bare path
/// apart from other archives. Reads at most a few MiB.
pub fn looks_like_lxd(path: &Path) -> bool {
    let Ok(m) = magic(path) else {
        return false;
    };
    let Ok(file) = crate::error::open_file(path) else {
        return false;
    };
    let raw = std::io::BufReader::new(file.take(64 << 20));
    let stream: Box<dyn Read> = match Compression::sniff(&m) {
        Some(Compression::Gzip) => Box::new(flate2::bufread::MultiGzDecoder::new(raw)),
        Some(Compression::Zstd) => match crate::decompress::zstd(raw) {
            Ok(d) => Box::new(d),
            Err(_) => return false,
        },
        Some(Compression::Xz) => Box::new(crate::decompress::xz(raw)),
        Some(Compression::Bzip2) => Box::new(bzip2::bufread::MultiBzDecoder::new(raw)),
        // A plain tar is indexed in place by the caller instead.
        None => return false,
    };
    let mut archive = tar::Archive::new(stream.take(16 << 20));
    let Ok(entries) = archive.entries() else {
        return false;
    };
    for entry in entries.take(64) {
        let Ok(entry) = entry else {
            return false;
        };
        let path = entry.path_bytes();
        let path = path.strip_prefix(b"./").unwrap_or(&path);
        if path == b"metadata.yaml" {
            return true;
        }
    }
    false
}

/// Read the tarball at `path`: the root filesystem under `prefix` (empty:
/// the whole tarball), and `metadata.yaml` when there is one.
fn read_tarball(
    path: &str,
    prefix: &[u8],
    budget: &Budget,
    options: &LoadOptions<'_>,
) -> Result<(crate::layer::LayerTable, Option<Vec<u8>>)> {
    let fail = |m: String| Error::new(format!("{path}: {m}"));
    let m = magic(Path::new(path))?;
    if let Some(format) = unsupported_compression(&m) {
        return Err(fail(format!(
            "{format}-compressed, which LXD images do not use here: gzip, xz, zstd, bzip2 or none are read"
        )));
    }
    if is_squashfs(&m) {
        return Err(fail(
            "a squashfs, not a tarball (a squashfs is the rootfs of a split image: lxd:METADATA,ROOTFS)".into(),
        ));
    }
    if is_qcow2(&m) {
        return Err(fail(qcow2_message()));
    }
    let file =
        crate::error::open_file(path).map_err(|e| fail(format!("cannot read: {}", io_text(&e))))?;
    let reader = crate::Progressing {
        inner: std::io::BufReader::with_capacity(256 << 10, file),
        report: options.progress,
    };
    let mut metadata: Option<Vec<u8>> = None;
    let mut other =
        |p: &[u8], kind: EntryKind, r: &mut dyn Read| -> std::result::Result<(), String> {
            if p != b"metadata.yaml" {
                return Ok(()); // templates/ and anything else LXD ignores
            }
            if kind != EntryKind::File {
                return Err("metadata.yaml is not a regular file".into());
            }
            let mut bytes = Vec::new();
            r.take(METADATA_MAX + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read metadata.yaml: {e}"))?;
            if bytes.len() as u64 > METADATA_MAX {
                return Err(format!("metadata.yaml is over {METADATA_MAX} bytes"));
            }
            metadata = Some(bytes);
            Ok(())
        };
    let rooted = Rooted {
        prefix,
        other: &mut other,
    };
    let table = read_tar(
        reader,
        budget,
        options.want,
        Some(rooted),
        false,
        options.analyser,
    )
    .map_err(fail)?;
    Ok((table, metadata))
}

fn qcow2_message() -> String {
    "a qcow2 disk image: LXD virtual-machine images are not supported (portcullis scans container root filesystems)".into()
}

fn parse_metadata(path: &str, bytes: Option<Vec<u8>>) -> Result<Metadata> {
    let bytes = bytes.ok_or_else(|| {
        Error::new(format!(
            "{path}: no metadata.yaml: not an LXD image (or the metadata tarball of a split image is missing)"
        ))
    })?;
    metadata::parse(&bytes).map_err(|e| Error::new(format!("{path}: metadata.yaml: {e}")))
}

/// Load an LXD image. `name` is the target as given.
pub fn load(name: &str, layout: &Layout, options: &LoadOptions<'_>) -> Result<LxdImage> {
    let budget = Budget::new(options.max_uncompressed);
    match layout {
        Layout::Unified { path } => {
            let (mut table, meta) = read_tarball(path, b"rootfs", &budget, options)?;
            let metadata = parse_metadata(path, meta)?;
            if table.entries == 0 {
                return Err(Error::new(format!(
                    "{path}: no rootfs/ in the image (a split image's metadata tarball? give its rootfs too: lxd:{path},ROOTFS)"
                )));
            }
            let mut fs = Filesystem::default();
            let (fingerprint, compression, entries) = (
                Some(table.blob_digest.clone()),
                table.compression.to_owned(),
                table.entries,
            );
            let facts = table.facts.take();
            fs.apply(table, options.want);
            Ok(LxdImage {
                name: name.to_owned(),
                layout: layout.clone(),
                fingerprint,
                metadata,
                rootfs_format: "tar",
                compression,
                entries,
                fs,
                facts,
            })
        }
        Layout::Split {
            metadata: meta_path,
            rootfs,
        } => {
            let (meta_table, meta) = read_tarball(meta_path, b"rootfs", &budget, options)?;
            let metadata = parse_metadata(meta_path, meta)?;
            if meta_table.entries > 0 {
                return Err(Error::new(format!(
                    "{meta_path}: the metadata tarball holds a rootfs/ too: it is a unified image, scan it alone (lxd:{meta_path})"
                )));
            }
            let m = magic(Path::new(rootfs))?;
            let fail = |m: String| Error::new(format!("{rootfs}: {m}"));
            if std::fs::metadata(rootfs).is_ok_and(|meta| meta.len() == 0) {
                return Err(fail(
                    "an empty file, not a root filesystem (a squashfs or a tarball)".into(),
                ));
            }
            if is_qcow2(&m) {
                return Err(fail(qcow2_message()));
            }
            // LXD's fingerprint hashes the whole rootfs file, which listing a
            // squashfs does not read: both at once, and for a squashfs only
            // when asked.
            let hash = options.full_digests || !is_squashfs(&m);
            let (fingerprint, listed) = std::thread::scope(|scope| {
                let hashing =
                    scope.spawn(|| hash.then(|| fingerprint(&[meta_path, rootfs])).transpose());
                let listed = (|| -> Result<_> {
                    if is_squashfs(&m) {
                        let (table, compression) = squashfs::read(
                            Path::new(rootfs),
                            &budget,
                            options.want,
                            options.analyser,
                        )
                        .map_err(fail)?;
                        Ok((table, "squashfs", compression))
                    } else {
                        let (table, _) = read_tarball(rootfs, b"", &budget, options)?;
                        let compression = table.compression.to_owned();
                        Ok((table, "tar", compression))
                    }
                })();
                let fingerprint = hashing
                    .join()
                    .unwrap_or_else(|_| Err(Error::new(format!("{rootfs}: hashing failed"))));
                (fingerprint, listed)
            });
            let (mut table, format, compression) = listed?;
            let facts = table.facts.take();
            let fingerprint = fingerprint?;
            let entries = table.entries;
            let mut fs = Filesystem::default();
            fs.apply(table, options.want);
            Ok(LxdImage {
                name: name.to_owned(),
                layout: layout.clone(),
                fingerprint,
                metadata,
                rootfs_format: format,
                compression,
                entries,
                fs,
                facts,
            })
        }
    }
}

/// SHA-256 over the files, one after the other (LXD's split fingerprint).
fn fingerprint(paths: &[&str]) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    for path in paths {
        let mut file = crate::error::open_file(path)
            .map_err(|e| Error::new(format!("{path}: cannot read: {}", io_text(&e))))?;
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| Error::new(format!("{path}: cannot read: {}", io_text(&e))))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("sha256:{hex}"))
}

#[cfg(test)]
mod tests;
