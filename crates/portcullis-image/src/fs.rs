//! The merged filesystem: layer tables applied in order, with whiteouts,
//! opaque directories, hard links and re-additions. Every final entry knows
//! the layer that set it; what later layers removed or replaced is kept too,
//! because it is still in the earlier layer blobs.

use std::collections::BTreeMap;

use crate::layer::{Entry, EntryKind, LayerTable};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub entry: Entry,
    /// 0-based index of the layer whose entry set this.
    pub layer: usize,
}

/// Why an earlier entry is not in the final filesystem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gone {
    /// A `.wh.` whiteout in this layer deleted it.
    Deleted(usize),
    /// An opaque directory in this layer hid it.
    Hidden(usize),
    /// This layer wrote the path again (for example a chmod).
    Replaced(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shadowed {
    pub file: FileEntry,
    pub gone: Gone,
}

#[derive(Debug, Default)]
pub struct Filesystem {
    pub files: BTreeMap<Vec<u8>, FileEntry>,
    /// Entries of earlier layers that the final filesystem no longer shows.
    pub shadowed: Vec<Shadowed>,
    /// Contents of the files asked for, as the final filesystem has them.
    pub contents: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Filesystem {
    /// Apply layer tables bottom to top.
    pub fn merge(layers: &mut [LayerTable]) -> Filesystem {
        let mut fs = Filesystem::default();
        for (index, layer) in layers.iter_mut().enumerate() {
            for dir in &layer.opaque {
                fs.remove_below(dir, Gone::Hidden(index));
            }
            for path in &layer.whiteouts {
                if let Some(old) = fs.files.remove(path) {
                    fs.contents.remove(path);
                    fs.shadowed.push(Shadowed {
                        file: old,
                        gone: Gone::Deleted(index),
                    });
                }
                fs.remove_below(path, Gone::Deleted(index));
            }
            for (path, content) in layer.contents.drain(..) {
                fs.contents.insert(path, content);
            }
            for entry in layer.entries.drain(..) {
                let mut entry = entry;
                if entry.kind == EntryKind::HardLink {
                    // A hard link is the same inode as its target: it has the target's mode.
                    if let Some(target) = entry.link.as_ref().and_then(|t| fs.files.get(t)) {
                        entry.mode = target.entry.mode;
                        entry.uid = target.entry.uid;
                        entry.gid = target.entry.gid;
                        entry.size = target.entry.size;
                    }
                }
                let path = entry.path.clone();
                if entry.kind != EntryKind::Dir {
                    // A file replacing a directory replaces what was under it.
                    if fs
                        .files
                        .get(&path)
                        .is_some_and(|old| old.entry.kind == EntryKind::Dir)
                    {
                        fs.remove_below(&path, Gone::Replaced(index));
                    }
                }
                if let Some(old) = fs.files.insert(
                    path,
                    FileEntry {
                        entry,
                        layer: index,
                    },
                ) {
                    if old.layer != index {
                        fs.shadowed.push(Shadowed {
                            file: old,
                            gone: Gone::Replaced(index),
                        });
                    }
                }
            }
        }
        fs
    }

    fn remove_below(&mut self, dir: &[u8], gone: Gone) {
        let mut prefix = dir.to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let below: Vec<Vec<u8>> = self
            .files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for key in below {
            if let Some(old) = self.files.remove(&key) {
                self.contents.remove(&key);
                self.shadowed.push(Shadowed { file: old, gone });
            }
        }
    }
}
