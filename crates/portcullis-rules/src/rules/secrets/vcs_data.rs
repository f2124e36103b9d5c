//! SQ34201: version control data shipped in the image.

use std::collections::BTreeMap;

use crate::finding::{Category, Findings, Located, Location, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ34201",
    name: "version-control-data",
    title: "Version control data in the image",
    category: Category::SensitiveInformation,
    severity: Severity::High,
    remediation: "Keep repository metadata out of the build context: add `.git` (and `.svn`, `.hg`, …) to `.dockerignore`, or copy only the files the image needs.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A version control repository in the image's filesystem: a `.git` directory holding `HEAD`, `config` or `objects`; `.svn` (`entries`, `wc.db`), `.hg` (`requires`, `store`), `.bzr` (`branch-format`) or `CVS` (`Root`, `Entries`). One finding per repository root, at the layer and path of its metadata directory; a repository a later layer deleted is still in its layer's blob and is reported there, saying so.",
        why: "A repository's metadata holds its whole history: files deleted long ago, credentials committed once and removed, remote URLs with tokens in `.git/config`, internal host names. Whoever pulls the image can read all of it.",
        fix: "Add the metadata directories to `.dockerignore`, or `COPY` only what the application needs (build in a stage and copy the artefacts).",
        bad: "FROM node:22\nWORKDIR /app\nCOPY . .\n",
        good: "FROM node:22\nWORKDIR /app\n# .dockerignore lists .git\nCOPY . .\n",
    },
    check,
};

/// The metadata directories of version control systems, each with the
/// entries one of which must be in it.
const SYSTEMS: &[(&[u8], &[&[u8]])] = &[
    (b".git", &[b"HEAD", b"config", b"objects"]),
    (b".svn", &[b"entries", b"wc.db"]),
    (b".hg", &[b"requires", b"store"]),
    (b".bzr", &[b"branch-format"]),
    (b"CVS", &[b"Root", b"Entries"]),
];

/// The repository metadata directory `path` is directly in, when it is one
/// of `SYSTEMS` and `path` is one of its marker entries.
fn metadata_dir(path: &[u8]) -> Option<&[u8]> {
    let (dir, name) = match path.iter().rposition(|&b| b == b'/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => return None,
    };
    let dir_name = dir.rsplit(|&b| b == b'/').next()?;
    SYSTEMS
        .iter()
        .any(|(system, markers)| *system == dir_name && markers.contains(&name))
        .then_some(dir)
}

fn check(subject: &Subject, out: &mut Findings) {
    let Some(image) = &subject.image else { return };
    // Root → (layer, deleted by): the lowest layer that shows it.
    let mut roots: BTreeMap<Vec<u8>, (usize, Option<String>)> = BTreeMap::new();
    for file in image.fs.files() {
        if let Some(dir) = metadata_dir(file.entry.path) {
            let slot = roots.entry(dir.to_vec()).or_insert((file.layer, None));
            slot.0 = slot.0.min(file.layer);
        }
    }
    for gone in image.fs.shadowed() {
        if let Some(dir) = metadata_dir(gone.file.entry.path) {
            roots.entry(dir.to_vec()).or_insert_with(|| {
                let by = match gone.gone {
                    portcullis_image::fs::Gone::Deleted(l)
                    | portcullis_image::fs::Gone::Hidden(l)
                    | portcullis_image::fs::Gone::Replaced(l) => l,
                };
                (
                    gone.file.layer,
                    Some(format!(
                        " (removed by layer {by}, but still in this layer's blob)"
                    )),
                )
            });
        }
    }
    for (dir, (layer, hidden)) in roots {
        let path = portcullis_image::display_path(&dir);
        let system = dir.rsplit(|&b| b == b'/').next().unwrap_or_default();
        let system = String::from_utf8_lossy(system)
            .trim_start_matches('.')
            .to_ascii_lowercase();
        out.report(
            format!(
                "{system} repository metadata at {path}{}",
                hidden.unwrap_or_default()
            ),
            Located::new(Location::Layer {
                index: layer,
                digest: image.diff_ids.get(layer).cloned().unwrap_or_default(),
                path,
                line: None,
                column: None,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::metadata_dir;

    #[test]
    fn metadata_directories_are_told_by_their_markers() {
        assert_eq!(metadata_dir(b"app/.git/HEAD"), Some(&b"app/.git"[..]));
        assert_eq!(metadata_dir(b".git/config"), Some(&b".git"[..]));
        assert_eq!(metadata_dir(b"srv/x/.svn/wc.db"), Some(&b"srv/x/.svn"[..]));
        assert_eq!(metadata_dir(b"src/CVS/Root"), Some(&b"src/CVS"[..]));
        assert_eq!(metadata_dir(b"app/.git/hooks/pre-commit"), None);
        assert_eq!(metadata_dir(b"app/.github/config"), None);
        assert_eq!(metadata_dir(b"usr/share/doc/git/HEAD"), None);
        assert_eq!(metadata_dir(b"HEAD"), None);
    }
}
