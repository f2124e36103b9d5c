//! SQ18115: A binary's library search path can be written by others.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

use super::*;

pub static RULE: Rule = Rule {
    code: "SQ18115",
    name: "insecure-rpath",
    title: "A binary's library search path is relative, empty or writable by others",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Link without the offending `-rpath` entry: use absolute directories only root can write, or `$ORIGIN`-relative ones inside such a directory.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object whose `DT_RUNPATH` (or, without one, `DT_RPATH`, which the loader ignores when there is a `DT_RUNPATH`) has an entry that is empty (the current directory), relative (resolved against the working directory, not the binary: anything not starting with `/` or `$ORIGIN`), or in a directory others can write: `/tmp`, `/var/tmp`, `/dev/shm`, `/run/shm`, a home directory (`/home/…`, `/root` is not one), or a directory the image itself makes world-writable (mode `o+w`).",
        why: "The loader searches these directories before the system's: whoever can put a library there runs code in every process of the binary, with its privileges.",
        fix: "Remove the entry (`-Wl,-rpath,…`), or point it at a directory only root can write; `chrpath -d` or `patchelf --remove-rpath` fix a binary that cannot be rebuilt.",
        bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc\nCOPY app.c .\nRUN gcc -o /usr/local/bin/app app.c -Wl,-rpath,/tmp/lib:lib\n",
        good: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc\nCOPY app.c .\nRUN gcc -o /usr/local/bin/app app.c -Wl,-rpath,'$ORIGIN/../lib'\n",
    },
    check,
};

/// Directories anyone can write on a usual system, whatever the image says.
const SHARED_WRITABLE: &[&str] = &["/tmp", "/var/tmp", "/dev/shm", "/run/shm"];

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |subject, b| {
        let f = &b.facts;
        // With DT_RUNPATH the loader ignores DT_RPATH: judge what it uses.
        let (tag, path) = match (&f.runpath, &f.rpath) {
            (Some(p), _) => ("DT_RUNPATH", p),
            (None, Some(p)) => ("DT_RPATH", p),
            (None, None) => return None,
        };
        let bad: Vec<String> = path
            .split(':')
            .filter_map(|entry| why_unsafe(subject, entry))
            .collect();
        (!bad.is_empty()).then(|| format!("{tag} {path}: {}", bad.join("; ")))
    });
}

/// Why one search path entry is unsafe, or `None`.
fn why_unsafe(subject: &Subject, entry: &str) -> Option<String> {
    if entry.is_empty() {
        return Some("an empty entry (the current directory)".to_owned());
    }
    if entry.starts_with("$ORIGIN") || entry.starts_with("${ORIGIN}") {
        return None;
    }
    if !entry.starts_with('/') {
        return Some(format!(
            "`{entry}` is relative (to the working directory, not the binary)"
        ));
    }
    let dir = entry.trim_end_matches('/');
    let under = |root: &str| dir == root || dir.starts_with(&format!("{root}/"));
    if let Some(root) = SHARED_WRITABLE.iter().find(|r| under(r)) {
        return Some(format!("`{entry}` is under {root}, which anyone can write"));
    }
    if under("/home") {
        return Some(format!("`{entry}` is in a home directory"));
    }
    world_writable_ancestor(subject, dir)
        .map(|d| format!("`{entry}` is under {d}, which the image makes world-writable"))
}

/// The first directory of `dir` and its ancestors that the image's merged
/// filesystem gives mode `o+w`.
fn world_writable_ancestor(subject: &Subject, dir: &str) -> Option<String> {
    let fs = &subject.image.as_ref()?.fs;
    let mut at = dir.trim_start_matches('/');
    loop {
        if at.is_empty() {
            return None;
        }
        if fs.get(at.as_bytes()).is_some_and(|e| {
            e.entry.kind == portcullis_image::EntryKind::Dir && e.entry.mode & 0o002 != 0
        }) {
            return Some(format!("/{at}"));
        }
        at = match at.rfind('/') {
            Some(i) => &at[..i],
            None => "",
        };
    }
}
