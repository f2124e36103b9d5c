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

/// The members of a tar file: name → (data offset, size).
pub(crate) struct TarIndex {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
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
        let file = File::open(path)
            .map_err(|e| Error::new(format!("{}: cannot read: {}", path.display(), io_text(&e))))?;
        let mut archive = tar::Archive::new(file);
        let mut members = HashMap::new();
        let mut links: Vec<(String, String)> = Vec::new();
        let bad = |e: std::io::Error| {
            Error::new(format!(
                "{}: not a readable tar archive: {}",
                path.display(),
                io_text(&e)
            ))
        };
        for entry in archive.entries_with_seek().map_err(bad)? {
            let entry = entry.map_err(bad)?;
            let kind = entry.header().entry_type();
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = clean_member_name(&name) else {
                continue;
            };
            if kind.is_file() || kind == tar::EntryType::Continuous {
                members.insert(name, (entry.raw_file_position(), entry.size()));
            } else if kind.is_symlink() || kind.is_hard_link() {
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
        })
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
                let file = File::open(&path).map_err(|e| {
                    Error::new(format!("{}: cannot read: {}", path.display(), io_text(&e)))
                })?;
                Ok((Box::new(file.take(size)), size))
            }
            Store::Tar(t) => {
                let &(offset, size) = t.members.get(&clean).ok_or_else(missing)?;
                let mut file = File::open(&t.path).map_err(|e| {
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
