//! Writing the database file atomically, and the lock that keeps two
//! writers from interleaving.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::DbError;

/// The prefix of the temporary files next to the database (the database's
/// file name after it, then a random part).
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "advisories.db".into());
    format!(".{name}.tmp")
}

fn directory(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` so that the file is either the old one or the
/// whole new one: a temporary file in the same directory, written, synced,
/// renamed over `path`, and the directory synced. On any error the
/// temporary file is removed and `path` is untouched.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DbError> {
    let dir = directory(path);
    let shown = path.display();
    std::fs::create_dir_all(&dir).map_err(|e| {
        DbError::new(format!(
            "{}: cannot create the directory: {e}",
            dir.display()
        ))
    })?;
    let mut temp = temp_file(path)?;
    // Public data: readable by all, as a file written with the usual umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| DbError::new(format!("{shown}: cannot write the database: {e}")))?;
    temp.persist(path)
        .map_err(|e| DbError::new(format!("{shown}: cannot replace the database: {}", e.error)))?;
    #[cfg(unix)]
    if let Ok(d) = File::open(&dir) {
        // Makes the rename durable; a file system that cannot sync a
        // directory still renamed atomically.
        let _ = d.sync_all();
    }
    Ok(())
}

/// A temporary file next to the database (removed when dropped unless
/// persisted): for downloads and the new database.
pub fn temp_file(path: &Path) -> Result<tempfile::NamedTempFile, DbError> {
    let dir = directory(path);
    std::fs::create_dir_all(&dir).map_err(|e| {
        DbError::new(format!(
            "{}: cannot create the directory: {e}",
            dir.display()
        ))
    })?;
    tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .tempfile_in(&dir)
        .map_err(|e| {
            DbError::new(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })
}

/// The lock on a database: held while an import or update reads, merges
/// and replaces it. Dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    path: PathBuf,
}

impl Lock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock on the database at `path` (the file `PATH.lock` beside
/// it, locked with `flock`, so a process that dies releases it). If another
/// process holds it, `waiting` is called once and the call blocks until the
/// lock is free. Temporary files an interrupted writer left behind are
/// removed once the lock is held.
pub fn lock(path: &Path, waiting: &mut dyn FnMut(&Path)) -> Result<Lock, DbError> {
    let dir = directory(path);
    std::fs::create_dir_all(&dir).map_err(|e| {
        DbError::new(format!(
            "{}: cannot create the directory: {e}",
            dir.display()
        ))
    })?;
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            DbError::new(format!(
                "{}: cannot open the lock file: {e}",
                lock_path.display()
            ))
        })?;
    #[cfg(unix)]
    {
        use rustix::fs::{flock, FlockOperation};
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                waiting(&lock_path);
                flock(&file, FlockOperation::LockExclusive).map_err(|e| {
                    DbError::new(format!("{}: cannot lock: {e}", lock_path.display()))
                })?;
            }
            Err(e) => {
                return Err(DbError::new(format!(
                    "{}: cannot lock: {e}",
                    lock_path.display()
                )))
            }
        }
    }
    #[cfg(not(unix))]
    let _ = waiting;
    let prefix = temp_prefix(path);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(Lock {
        _file: file,
        path: lock_path,
    })
}
