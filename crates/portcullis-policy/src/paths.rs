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

/// The most bytes read from a Dockerfile (a 200,000-line one is 3 MiB).
pub const MAX_DOCKERFILE_BYTES: u64 = 16 << 20;
/// The most bytes read from a policy file or one it `extends`.
pub const MAX_POLICY_BYTES: u64 = 4 << 20;
/// The most bytes read from a baseline, a VEX document or a saved report.
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

fn too_large(cap: u64) -> String {
    let size = if cap.is_multiple_of(1 << 20) {
        format!("{} MiB", cap >> 20)
    } else {
        format!("{cap} bytes")
    };
    format!("larger than {size}, more than a file of this kind holds")
}

/// What kind of file `meta` is, for "not a regular file (…)".
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// Read `path`, which must be a regular file (links followed) of at most
/// `cap` bytes. A FIFO would block forever and `/dev/zero` never end, so
/// both are refused before they are opened; a file that grows past `cap`
/// while it is read is refused too. Errors read as the tail of
/// "cannot read: …".
pub fn read_regular(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    read_regular_within(path, cap)?
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, too_large(cap)))
}

/// [`read_regular`], with `None` for a file over `cap` (never read past
/// one byte beyond it), for callers that say so in their own words.
pub fn read_regular_within(path: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let refuse = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, why);
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse(format!("not a regular file ({})", kind_of(&meta))));
    }
    if meta.len() > cap {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    // Swapped for something else between the two looks?
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(refuse(format!("not a regular file ({})", kind_of(&opened))));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len().min(cap)).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Read at most `cap` bytes of `input` (standard input), refusing more.
pub fn read_capped(input: impl std::io::Read, cap: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut input.take(cap + 1), &mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            too_large(cap),
        ));
    }
    Ok(bytes)
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

    #[test]
    fn only_regular_files_under_the_cap_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, vec![b'x'; 1 << 20]).expect("write");
        assert_eq!(
            read_regular(&file, 1 << 20).expect("at the cap").len(),
            1 << 20
        );
        assert_eq!(
            read_regular(&file, (1 << 20) - 1)
                .expect_err("over")
                .to_string(),
            "larger than 1048575 bytes, more than a file of this kind holds"
        );
        assert_eq!(
            read_regular(dir.path(), 1 << 20)
                .expect_err("dir")
                .to_string(),
            "not a regular file (a directory)"
        );
        assert_eq!(
            read_regular(Path::new("/dev/zero"), 1 << 20)
                .expect_err("device")
                .to_string(),
            "not a regular file (a character device)"
        );
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(
                read_regular(&fifo, 1 << 20).expect_err("fifo").to_string(),
                "not a regular file (a FIFO)"
            );
        }
        // /proc files say they are empty and are read to their end.
        assert!(!read_regular(Path::new("/proc/self/status"), 1 << 20)
            .expect("proc")
            .is_empty());
        let mut zero = std::io::repeat(0);
        assert_eq!(
            read_capped(&mut zero, 4 << 20)
                .expect_err("endless")
                .to_string(),
            "larger than 4 MiB, more than a file of this kind holds"
        );
    }
}
