//! Finding what to scan: Dockerfile names, a directory's Dockerfile, and
//! `scan --recursive`'s walk of a directory.

use std::path::{Path, PathBuf};

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`
/// (Podman's and Buildah's name), and the `NAME.Dockerfile` /
/// `Dockerfile.NAME` variants of each that builds with `-f` use. Not the
/// per-Dockerfile ignore files (`Dockerfile.dockerignore`).
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") || name.ends_with(".containerignore") {
        return false;
    }
    ["Dockerfile", "Containerfile"].iter().any(|base| {
        name == *base
            || name
                .strip_suffix(base)
                .is_some_and(|stem| stem.len() > 1 && stem.ends_with('.'))
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
    })
}

/// The Dockerfile a directory target means: its `Dockerfile`, else its
/// `Containerfile`, else `Dockerfile` (for the error that names it).
pub fn dockerfile_in(dir: &Path) -> PathBuf {
    let containerfile = dir.join("Containerfile");
    if !dir.join("Dockerfile").exists() && containerfile.is_file() {
        return containerfile;
    }
    dir.join("Dockerfile")
}

/// Directories never searched: version control metadata.
const SKIPPED: [&str; 3] = [".git", ".hg", ".svn"];

/// Everything under `dir` that portcullis scans — Dockerfiles by name,
/// Kubernetes manifests and Compose files by content (or a Compose name:
/// see [`crate::manifests::is_manifest_file`]), then OCI layouts, image
/// archives and LXD images by content — as target
/// strings, sorted by path. Symbolic links are not followed (neither to
/// files nor to directories), so the walk never leaves `dir`; an OCI
/// layout is one target and is not searched inside.
pub fn find_targets(dir: &Path) -> Result<Vec<String>, String> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| {
            format!(
                "{}: cannot read the directory: {}",
                current.display(),
                io_text(&e)
            )
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| {
                format!(
                    "{}: cannot read the directory: {}",
                    current.display(),
                    io_text(&e)
                )
            })?;
            let path = entry.path();
            // file_type() does not follow symbolic links.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                if SKIPPED.contains(&name.as_str()) {
                    continue;
                }
                if portcullis_image::is_image(&path) {
                    found.push(path);
                } else {
                    pending.push(path);
                }
            } else if kind.is_file()
                && (is_dockerfile_name(&name)
                    || crate::manifests::is_manifest_file(&path)
                    || (!crate::manifests::is_yaml_name(&name)
                        && portcullis_image::is_image(&path)))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found.into_iter().map(|p| p.display().to_string()).collect())
}

fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "Dockerfile.dev",
            "web.Containerfile",
            "Containerfile.arm64",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "dockerfile",
            "Dockerfile.dockerignore",
            "Containerfile.containerignore",
            ".Dockerfile",
            "Dockerfile.",
            "MyDockerfile",
            "README.md",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
