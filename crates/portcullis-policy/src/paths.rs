//! Paths as policy matching and fingerprints see them: absolute, with `.`
//! and `..` resolved, then relative to a root (a policy file's directory, a
//! project root) with `/` separators, so that `Dockerfile`, `./Dockerfile`,
//! `.` and `/abs/path/Dockerfile` name the same file.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute (against the current directory) with `.` and `..`
/// resolved; symbolic links resolved too when the file exists.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` (absolute) relative to `root` (absolute), `/`-separated; `None`
/// when it is not under `root`.
pub fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let rest = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// The nearest directory at or above `dir` that holds a `.git` or a policy
/// file (`portcullis.toml`): the project root fingerprints are relative to.
pub fn project_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists() || d.join(crate::FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// How a file is named in fingerprints: relative to its project root (see
/// [`project_root`]), else to `fallback` (the baseline file's directory,
/// then the current directory) when under it, else absolute.
pub fn stable_name(path: &Path, fallbacks: &[PathBuf]) -> String {
    let abs = absolute(path);
    let roots = abs
        .parent()
        .and_then(project_root)
        .into_iter()
        .chain(fallbacks.iter().map(|f| absolute(f)))
        .chain(std::env::current_dir().ok().map(|d| absolute(&d)));
    for root in roots {
        if let Some(rel) = relative_to(&abs, &root) {
            return rel;
        }
    }
    abs.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names() {
        assert_eq!(
            relative_to(Path::new("/a/b/c"), Path::new("/a")).as_deref(),
            Some("b/c")
        );
        assert_eq!(relative_to(Path::new("/x/c"), Path::new("/a")), None);
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(
            absolute(Path::new("./no/such/../file")),
            cwd.join("no/file")
        );
    }
}
