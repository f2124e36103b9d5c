//! The merged filesystem: layer tables applied in order, with whiteouts,
//! opaque directories, hard links and re-additions. Every final entry knows
//! the layer that set it; what later layers removed or replaced is kept too,
//! because it is still in the earlier layer blobs.
//!
//! Storage is compact, as images can hold millions of entries: each layer's
//! name arena (every path written once, when its tar header was read) and
//! one 32-byte record per entry, the final entries in one vector sorted by
//! path. A layer merges in one pass over the sorted records, in place, and
//! its table is gone once merged; [`FileEntry`] and [`Shadowed`] are views.

use std::collections::BTreeMap;

use crate::layer::{below, cover, display_path, Entry, EntryKind, LayerTable, Rec};

/// One entry of the filesystem, and the layer that set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileEntry<'a> {
    pub entry: Entry<'a>,
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
    /// This layer wrote the path again (for example a chmod), or put a
    /// non-directory where its parent directory was.
    Replaced(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shadowed<'a> {
    pub file: FileEntry<'a>,
    pub gone: Gone,
}

#[derive(Default)]
pub struct Filesystem {
    /// The name arena of each layer merged so far.
    names: Vec<Vec<u8>>,
    /// The final entries, sorted by path; `tag` is the layer.
    files: Vec<Rec>,
    /// Entries of earlier layers that the final filesystem no longer shows,
    /// layer by layer (in the order the layers removed them), by path.
    shadowed: Vec<(Rec, Gone)>,
    /// Contents of the files asked for, as the final filesystem has them:
    /// only for paths whose final entry is the file that was read (or a
    /// hard link to it).
    pub contents: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl std::fmt::Debug for Filesystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filesystem")
            .field("layers", &self.names.len())
            .field("files", &self.files.len())
            .field("shadowed", &self.shadowed.len())
            .field(
                "contents",
                &self
                    .contents
                    .keys()
                    .map(|k| display_path(k))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

const REPLACED: u32 = 1;
const DELETED: u32 = 2;
const HIDDEN: u32 = 3;

fn path_of<'a>(names: &'a [Vec<u8>], r: &Rec) -> &'a [u8] {
    r.path(&names[r.tag as usize])
}

fn find(names: &[Vec<u8>], files: &[Rec], path: &[u8]) -> Option<usize> {
    files.binary_search_by(|r| path_of(names, r).cmp(path)).ok()
}

impl Filesystem {
    /// Apply layer tables bottom to top. `want` says which paths' contents
    /// to keep, as for [`crate::layer::read_layer`].
    pub fn merge(
        layers: impl IntoIterator<Item = LayerTable>,
        want: &dyn Fn(&[u8]) -> bool,
    ) -> Filesystem {
        let mut fs = Filesystem::default();
        for layer in layers {
            fs.apply(layer, want);
        }
        fs
    }

    /// Apply the next layer (index: the number of layers applied so far).
    pub fn apply(&mut self, layer: LayerTable, want: &dyn Fn(&[u8]) -> bool) {
        let index = self.names.len();
        let tag = index as u32;
        let lpath = |r: &Rec| r.path(&layer.names);
        let names = &self.names;
        let fpath = |r: &Rec| path_of(names, r);
        let n = self.files.len();

        // What this layer removes from the lower ones: below opaque
        // directories, whiteouts and what they name, below the
        // non-directories it writes. The first reason, in that order, wins.
        let mut intervals = Vec::new();
        let mut deleted = Vec::new();
        for &span in &layer.opaque {
            let r = below(&self.files, fpath, layer.span(span));
            intervals.push((r.start, r.end, HIDDEN));
        }
        for &span in &layer.whiteouts {
            let path = layer.span(span);
            let r = below(&self.files, fpath, path);
            intervals.push((r.start, r.end, DELETED));
            deleted.extend(find(names, &self.files, path));
        }
        for r in layer.recs.iter().filter(|r| r.kind != EntryKind::Dir) {
            let b = below(&self.files, fpath, lpath(r));
            intervals.push((b.start, b.end, REPLACED));
        }
        let mut gone = cover(n, intervals);
        for i in deleted {
            gone[i] = gone[i].max(DELETED);
        }

        // Merge from the back, in place: the records are sorted by path.
        let mut files = std::mem::take(&mut self.files);
        let recs = &layer.recs;
        let first_shadowed = self.shadowed.len();
        let contents = &mut self.contents;
        let shadowed = &mut self.shadowed;
        let mut shadow = |r: Rec, why: Gone| {
            if !contents.is_empty() {
                contents.remove(fpath(&r));
            }
            shadowed.push((r, why));
        };
        let (mut i, mut j) = (n, recs.len());
        let mut w = n + recs.len();
        files.resize(w, DUMMY);
        while i > 0 || j > 0 {
            if i > 0 && gone[i - 1] != 0 {
                i -= 1;
                let why = match gone[i] {
                    HIDDEN => Gone::Hidden(index),
                    DELETED => Gone::Deleted(index),
                    _ => Gone::Replaced(index),
                };
                shadow(files[i], why);
                continue;
            }
            let take_lower = match (i, j) {
                (_, 0) => true,
                (0, _) => false,
                _ => match fpath(&files[i - 1]).cmp(lpath(&recs[j - 1])) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => {
                        i -= 1;
                        shadow(files[i], Gone::Replaced(index));
                        false
                    }
                },
            };
            w -= 1;
            if take_lower {
                i -= 1;
                files[w] = files[i];
            } else {
                j -= 1;
                files[w] = Rec { tag, ..recs[j] };
            }
        }
        // The write position can only have run ahead of the read position
        // by what was removed; close the gap at the front.
        files.copy_within(w.., 0);
        files.truncate(files.len() - w);
        self.files = files;
        self.shadowed[first_shadowed..].reverse();
        for r in &layer.replaced {
            self.shadowed
                .push((Rec { tag, ..*r }, Gone::Replaced(index)));
        }

        // Contents: whatever this layer replaced or removed lost its
        // contents above (`shadow`); add those the layer read.
        let LayerTable {
            names,
            recs,
            hard_links,
            contents,
            ..
        } = layer;
        drop(recs);
        self.contents.extend(contents);
        self.names.push(names);

        // A hard link is the same inode as its target: it has the target's
        // mode, owner, size and contents.
        let names = &self.names;
        for h in &hard_links {
            let path = h.path(&names[index]);
            let (Some(target), Some(at)) = (
                h.link(&names[index])
                    .and_then(|t| find(names, &self.files, t)),
                find(names, &self.files, path),
            ) else {
                continue;
            };
            let t = self.files[target];
            let f = &mut self.files[at];
            (f.mode, f.uid, f.gid, f.size) = (t.mode, t.uid, t.gid, t.size);
            if want(path) {
                if let Some(c) = self.contents.get(path_of(names, &t)) {
                    self.contents.insert(path.to_vec(), c.clone());
                }
            }
        }
    }

    /// The entries of the final filesystem, sorted by path (bytewise).
    pub fn files(&self) -> impl DoubleEndedIterator<Item = FileEntry<'_>> + ExactSizeIterator {
        self.files.iter().map(|r| self.view(r))
    }

    /// The final entry at `path` (relative, normalised: `etc/passwd`).
    pub fn get(&self, path: &[u8]) -> Option<FileEntry<'_>> {
        find(&self.names, &self.files, path).map(|i| self.view(&self.files[i]))
    }

    /// How many entries the final filesystem has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Entries of earlier layers that the final filesystem no longer shows,
    /// layer by layer in the order the layers removed them.
    pub fn shadowed(&self) -> impl DoubleEndedIterator<Item = Shadowed<'_>> + ExactSizeIterator {
        self.shadowed.iter().map(|(r, gone)| Shadowed {
            file: self.view(r),
            gone: *gone,
        })
    }

    fn view(&self, r: &Rec) -> FileEntry<'_> {
        FileEntry {
            entry: r.entry(&self.names[r.tag as usize]),
            layer: r.tag as usize,
        }
    }
}

const DUMMY: Rec = Rec {
    size: 0,
    at: 0,
    uid: 0,
    gid: 0,
    tag: 0,
    path_len: 0,
    link_len: 0,
    mode: 0,
    kind: EntryKind::Other,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::tests::{tar, T};
    use crate::layer::{read_layer, Budget, CONTENT_CAP};

    fn merge_with(layers: &[Vec<u8>], want: &dyn Fn(&[u8]) -> bool) -> Filesystem {
        let tables = layers
            .iter()
            .map(|l| read_layer(&l[..], &Budget::new(u64::MAX), want, true).expect("layer"));
        Filesystem::merge(tables, want)
    }

    fn contents(fs: &Filesystem) -> Vec<(String, String)> {
        fs.contents
            .iter()
            .map(|(k, v)| (display_path(k), String::from_utf8_lossy(v).into_owned()))
            .collect()
    }

    fn passwd(path: &[u8]) -> bool {
        path.starts_with(b"etc/passwd")
    }

    #[test]
    fn contents_are_dropped_when_a_later_layer_replaces_the_file_without_new_ones() {
        let base = tar(&[
            T::Dir("etc"),
            T::File("etc/passwd", 0o644, b"root:x:0:0::/:/bin/sh\n"),
        ]);
        let big = vec![b'#'; CONTENT_CAP as usize + 1];
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("a symlink", tar(&[T::Sym("etc/passwd", "passwd.real")])),
            ("a directory", tar(&[T::Dir("etc/passwd")])),
            (
                "a file too big to read",
                tar(&[T::File("etc/passwd", 0o644, &big)]),
            ),
            (
                "a hard link to a file not read",
                tar(&[
                    T::File(
                        "usr/share/passwd.master",
                        0o644,
                        b"admin:x:0:0::/:/bin/sh\n",
                    ),
                    T::Hard("etc/passwd", "usr/share/passwd.master"),
                ]),
            ),
            ("a whiteout", tar(&[T::File("etc/.wh.passwd", 0o644, b"")])),
            (
                "an opaque directory",
                tar(&[T::File("etc/.wh..wh..opq", 0o644, b"")]),
            ),
            (
                "a file where its directory was",
                tar(&[T::File("etc", 0o644, b"")]),
            ),
            (
                "a file read, then a symlink, in one layer",
                tar(&[
                    T::File("etc/passwd", 0o644, b"evil:x:0:0::/:/bin/sh\n"),
                    T::Sym("etc/passwd", "/dev/null"),
                ]),
            ),
        ];
        for (what, layer) in cases {
            let fs = merge_with(&[base.clone(), layer], &passwd);
            assert_eq!(contents(&fs), [], "{what}");
        }
        // A new file brings new contents; a later layer that leaves the file
        // alone keeps them.
        let fs = merge_with(
            &[
                base.clone(),
                tar(&[T::File("etc/passwd", 0o644, b"app:x:0:0::/:/bin/sh\n")]),
                tar(&[T::Dir("etc"), T::File("etc/group", 0o644, b"")]),
            ],
            &passwd,
        );
        assert_eq!(
            contents(&fs),
            [("/etc/passwd".into(), "app:x:0:0::/:/bin/sh\n".into())]
        );
    }

    #[test]
    fn a_hard_link_has_its_targets_contents() {
        let fs = merge_with(
            &[
                tar(&[T::File("etc/passwd", 0o600, b"v0\n")]),
                // The backup is the same inode: same contents and mode.
                tar(&[T::Hard("etc/passwd-", "etc/passwd")]),
                // A new file at the old name: the link keeps the old inode's.
                tar(&[T::File("etc/passwd", 0o644, b"v2\n")]),
                // A link to a file of its own layer, and one whose target the
                // layer deleted.
                tar(&[
                    T::File("etc/passwd.new", 0o644, b"v3\n"),
                    T::Hard("etc/passwd", "etc/passwd.new"),
                    T::File("etc/.wh.passwd-", 0o644, b""),
                    T::Hard("etc/passwd.bak", "etc/passwd-"),
                ]),
            ],
            &passwd,
        );
        assert_eq!(
            contents(&fs),
            [
                ("/etc/passwd".into(), "v3\n".into()),
                ("/etc/passwd.new".into(), "v3\n".into()),
            ]
        );
        let modes: Vec<_> = fs
            .files()
            .map(|f| {
                (
                    display_path(f.entry.path),
                    f.entry.kind,
                    f.entry.mode,
                    f.layer,
                )
            })
            .collect();
        assert_eq!(
            modes,
            [
                ("/etc/passwd".into(), EntryKind::HardLink, 0o644, 3),
                ("/etc/passwd.bak".into(), EntryKind::HardLink, 0o755, 3),
                ("/etc/passwd.new".into(), EntryKind::File, 0o644, 3),
            ]
        );
        // Before the last layer, the backup had the first file's contents and mode.
        let fs = merge_with(
            &[
                tar(&[T::File("etc/passwd", 0o600, b"v0\n")]),
                tar(&[T::Hard("etc/passwd-", "etc/passwd")]),
                tar(&[T::File("etc/passwd", 0o644, b"v2\n")]),
            ],
            &passwd,
        );
        assert_eq!(
            contents(&fs),
            [
                ("/etc/passwd".into(), "v2\n".into()),
                ("/etc/passwd-".into(), "v0\n".into()),
            ]
        );
        assert_eq!(fs.get(b"etc/passwd-").expect("backup").entry.mode, 0o600);
        // Contents are copied only to paths that are asked for.
        let fs = merge_with(
            &[
                tar(&[T::File("etc/passwd", 0o600, b"v0\n")]),
                tar(&[T::Hard("etc/other", "etc/passwd")]),
            ],
            &passwd,
        );
        assert_eq!(contents(&fs), [("/etc/passwd".into(), "v0\n".into())]);
    }

    #[test]
    fn byte_order_and_replaced_directories() {
        let fs = merge_with(
            &[
                tar(&[
                    T::Dir("usr/lib/python3"),
                    T::File("usr/lib/python3/x.py", 0o644, b""),
                    T::Dir("usr/lib/python3/sub"),
                    T::File("usr/lib/python3/sub/y.py", 0o4755, b""),
                    T::File("usr/lib/python3-dev", 0o644, b""),
                ]),
                tar(&[
                    T::File("usr/lib/python3.11", 0o644, b""),
                    // A file where a directory was: what was below it goes too.
                    T::File("usr/lib/python3/sub", 0o644, b""),
                ]),
                tar(&[
                    // A directory written, filled, then replaced by a symlink
                    // in one layer: only what came after the symlink stays.
                    T::Dir("opt/app"),
                    T::File("opt/app/old", 0o644, b""),
                    T::Sym("opt/app", "/srv/app"),
                    T::File("opt/app/odd", 0o644, b""),
                ]),
            ],
            &|_| false,
        );
        let paths: Vec<_> = fs.files().map(|f| display_path(f.entry.path)).collect();
        assert_eq!(
            paths,
            [
                "/opt/app",
                "/opt/app/odd",
                "/usr/lib/python3",
                "/usr/lib/python3-dev",
                "/usr/lib/python3.11",
                "/usr/lib/python3/sub",
                "/usr/lib/python3/x.py",
            ]
        );
        let shadowed: Vec<_> = fs
            .shadowed()
            .map(|s| (display_path(s.file.entry.path), s.file.layer, s.gone))
            .collect();
        assert_eq!(
            shadowed,
            [
                ("/usr/lib/python3/sub".into(), 0, Gone::Replaced(1)),
                ("/usr/lib/python3/sub/y.py".into(), 0, Gone::Replaced(1)),
                ("/opt/app/old".into(), 2, Gone::Replaced(2)),
            ]
        );
        assert_eq!(fs.len(), 7);
        assert!(fs.get(b"usr/lib/python3/sub/y.py").is_none());
        assert_eq!(
            fs.get(b"opt/app").map(|f| f.entry.link),
            Some(Some(&b"/srv/app"[..]))
        );
    }

    // A straightforward model of the merge, entry by entry in tar order, to
    // check the sorted in-place one against on random layers.

    #[derive(Clone, Debug, PartialEq)]
    struct M {
        kind: EntryKind,
        mode: u32,
        size: u64,
        layer: usize,
        link: Option<Vec<u8>>,
    }

    enum G {
        Entry(&'static str, EntryKind, u32, &'static [u8], &'static str),
        Whiteout(&'static str),
        Opaque(&'static str),
    }

    type Model = (
        BTreeMap<Vec<u8>, M>,
        Vec<(Vec<u8>, usize, Gone)>,
        BTreeMap<Vec<u8>, Vec<u8>>,
    );

    fn model(layers: &[Vec<G>], want: &dyn Fn(&[u8]) -> bool) -> Model {
        fn remove_below(m: &mut Model, dir: &str, gone: Gone) {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let keys: Vec<Vec<u8>> =
                m.0.keys()
                    .filter(|k| k.starts_with(prefix.as_bytes()))
                    .cloned()
                    .collect();
            for k in keys {
                if let Some(old) = m.0.remove(&k) {
                    m.2.remove(&k);
                    m.1.push((k, old.layer, gone));
                }
            }
        }
        let mut m: Model = Default::default();
        for (k, layer) in layers.iter().enumerate() {
            for g in layer {
                if let G::Opaque(d) = g {
                    remove_below(&mut m, d, Gone::Hidden(k));
                }
            }
            for g in layer {
                if let G::Whiteout(w) = g {
                    if let Some(old) = m.0.remove(w.as_bytes()) {
                        m.2.remove(w.as_bytes());
                        m.1.push((w.as_bytes().to_vec(), old.layer, Gone::Deleted(k)));
                    }
                    remove_below(&mut m, w, Gone::Deleted(k));
                }
            }
            // Within a layer, only the last entry of a path counts.
            let entries: Vec<_> = layer
                .iter()
                .enumerate()
                .filter_map(|(i, g)| match g {
                    G::Entry(p, ..) => Some((i, p)),
                    _ => None,
                })
                .collect();
            let last: BTreeMap<_, _> = entries.iter().map(|&(i, p)| (p, i)).collect();
            let survivors: Vec<&G> = entries
                .iter()
                .filter(|&&(i, p)| last[p] == i)
                .map(|&(i, _)| &layer[i])
                .collect();
            for g in &survivors {
                let G::Entry(p, kind, mode, content, link) = g else {
                    continue;
                };
                if *kind != EntryKind::Dir {
                    remove_below(&mut m, p, Gone::Replaced(k));
                }
                let size = if *kind == EntryKind::File {
                    content.len() as u64
                } else {
                    0
                };
                let new = M {
                    kind: *kind,
                    mode: *mode,
                    size,
                    layer: k,
                    link: matches!(kind, EntryKind::Symlink | EntryKind::HardLink)
                        .then(|| link.as_bytes().to_vec())
                        .filter(|l| !l.is_empty()),
                };
                if let Some(old) = m.0.insert(p.as_bytes().to_vec(), new) {
                    m.1.push((p.as_bytes().to_vec(), old.layer, Gone::Replaced(k)));
                }
                m.2.remove(p.as_bytes());
                if *kind == EntryKind::File && want(p.as_bytes()) {
                    m.2.insert(p.as_bytes().to_vec(), content.to_vec());
                }
            }
            for g in &survivors {
                let G::Entry(p, EntryKind::HardLink, _, _, link) = g else {
                    continue;
                };
                if m.0.get(p.as_bytes()).is_none_or(|e| e.layer != k) {
                    continue;
                }
                let Some(t) = m.0.get(link.as_bytes()).cloned() else {
                    continue;
                };
                if let Some(e) = m.0.get_mut(p.as_bytes()) {
                    (e.mode, e.size) = (t.mode, t.size);
                }
                if want(p.as_bytes()) {
                    if let Some(c) = m.2.get(link.as_bytes()).cloned() {
                        m.2.insert(p.as_bytes().to_vec(), c);
                    }
                }
            }
        }
        m
    }

    fn layer_tar(layer: &[G]) -> Vec<u8> {
        let names: Vec<String> = layer
            .iter()
            .map(|g| match g {
                G::Entry(p, ..) => p.to_string(),
                G::Whiteout(p) => match p.rsplit_once('/') {
                    Some((dir, name)) => format!("{dir}/.wh.{name}"),
                    None => format!(".wh.{p}"),
                },
                G::Opaque("") => ".wh..wh..opq".into(),
                G::Opaque(d) => format!("{d}/.wh..wh..opq"),
            })
            .collect();
        let entries: Vec<T<'_>> = layer
            .iter()
            .zip(&names)
            .map(|(g, name)| match g {
                G::Entry(_, EntryKind::File, mode, content, _) => T::File(name, *mode, content),
                G::Entry(_, EntryKind::Dir, ..) => T::Dir(name),
                G::Entry(_, EntryKind::Symlink, _, _, link) => T::Sym(name, link),
                G::Entry(_, _, _, _, link) => T::Hard(name, link),
                _ => T::File(name, 0o644, b""),
            })
            .collect();
        tar(&entries)
    }

    #[test]
    fn the_merge_agrees_with_a_step_by_step_model_on_random_layers() {
        const PATHS: [&str; 12] = [
            "a", "a b", "a.b", "a/b", "a/b.c", "a/b/c", "a/c", "a.b/x", "b", "b/a", "b/a/b", "c",
        ];
        const DIRS: [&str; 4] = ["", "a", "a/b", "b"];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let want = |p: &[u8]| p != b"a/c";
        for case in 0..3000 {
            let layers: Vec<Vec<G>> = (0..1 + next(4))
                .map(|_| {
                    (0..next(9))
                        .map(|_| {
                            let p = PATHS[next(PATHS.len())];
                            let link = PATHS[next(PATHS.len())];
                            match next(20) {
                                0..=2 => G::Whiteout(p),
                                3..=4 => G::Opaque(DIRS[next(DIRS.len())]),
                                5..=9 => G::Entry(p, EntryKind::Dir, 0o755, b"", ""),
                                10..=13 => {
                                    let mode = [0o644, 0o4755][next(2)];
                                    let content: &[u8] = [&b""[..], b"x", b"yy"][next(3)];
                                    G::Entry(p, EntryKind::File, mode, content, "")
                                }
                                14..=16 => G::Entry(p, EntryKind::Symlink, 0o755, b"", link),
                                _ => G::Entry(p, EntryKind::HardLink, 0o755, b"", link),
                            }
                        })
                        .collect()
                })
                .collect();
            let tars: Vec<Vec<u8>> = layers.iter().map(|l| layer_tar(l)).collect();
            let fs = merge_with(&tars, &want);
            let (files, mut shadowed, contents) = model(&layers, &want);
            let got: BTreeMap<Vec<u8>, M> = fs
                .files()
                .map(|f| {
                    let e = f.entry;
                    let m = M {
                        kind: e.kind,
                        mode: e.mode,
                        size: e.size,
                        layer: f.layer,
                        link: e.link.map(<[u8]>::to_vec),
                    };
                    (e.path.to_vec(), m)
                })
                .collect();
            assert_eq!(got.len(), fs.len(), "case {case}: sorted, one per path");
            assert_eq!(got, files, "case {case}");
            let mut got_shadowed: Vec<_> = fs
                .shadowed()
                .map(|s| (s.file.entry.path.to_vec(), s.file.layer, s.gone))
                .collect();
            got_shadowed.sort_by_key(|s| format!("{s:?}"));
            shadowed.sort_by_key(|s| format!("{s:?}"));
            assert_eq!(got_shadowed, shadowed, "case {case}");
            assert_eq!(fs.contents, contents, "case {case}");
        }
    }
}
