//! Helpers shared by the cataloger tests (`mod support;` in each).

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

use portcullis_packages::{FileCataloger, Found};

/// Every regular file under `dir`, relative to `root`, sorted.
pub fn files_under(root: &Path, dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_str().unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, dir, &mut out);
    out.sort();
    out
}

/// Every file under `root/tree` that `cataloger` takes (by its path
/// relative to `root`), fed as the content pass feeds it, in `step`-byte
/// chunks: (path, what it held).
pub fn scan_tree(
    root: &Path,
    tree: &str,
    cataloger: fn(&str, u64) -> Option<Box<dyn FileCataloger>>,
    step: usize,
) -> Vec<(String, Found)> {
    let mut out = Vec::new();
    for p in files_under(root, &root.join(tree)) {
        let bytes = std::fs::read(root.join(&p)).unwrap();
        let Some(mut c) = cataloger(&p, bytes.len() as u64) else {
            continue;
        };
        for piece in bytes.chunks(step) {
            if !c.chunk(piece) {
                break;
            }
        }
        out.push((p, c.finish(true)));
    }
    out
}
