//! The rpm database, in its three formats, read by our own code (no
//! librpm, no SQLite library):
//!
//! | path | format | module |
//! |---|---|---|
//! | `var/lib/rpm/rpmdb.sqlite`, `usr/lib/sysimage/rpm/rpmdb.sqlite` | SQLite 3 (rpm ≥ 4.16 default: Fedora ≥ 33, RHEL 9) | [`sqlite`] |
//! | `var/lib/rpm/Packages` | Berkeley DB hash (RHEL ≤ 8, CentOS 7, Amazon Linux 2) | [`bdb`] |
//! | `var/lib/rpm/Packages.db`, `usr/lib/sysimage/rpm/Packages.db` | ndb (openSUSE, SLES 15) | [`ndb`] |
//!
//! Each holds one rpm header blob per installed package ([`header`]). The
//! file is read whole, up to [`CAP`] bytes (a larger one is a note), and the
//! format is told by its magic bytes, not by its name. Every pointer, count,
//! page number and offset in the file is treated as hostile: bounds-checked,
//! each page visited at most once per walk (a loop is a note), the work
//! bounded by the file's size.
//!
//! `gpg-pubkey` pseudo-packages (the keys `rpmkeys --import` stores as
//! headers) are skipped without a note: they are not software.
//!
//! Not read: an SQLite write-ahead log (`rpmdb.sqlite-wal`; rpm checkpoints
//! it when it closes the database, so an image normally holds an empty
//! one), the Berkeley DB / ndb index files (`Name`, `Index.db`, …: only the
//! packages are needed).

pub mod bdb;
pub mod header;
pub mod ndb;
pub mod sqlite;

use crate::catalog::{FileCataloger, Whole};
use crate::model::Found;

/// The largest database read (256 MiB: a RHEL 8 image with 2000 packages
/// has a `Packages` of about 150 MiB, a Fedora `rpmdb.sqlite` of that many
/// about 100 MiB).
pub const CAP: usize = 256 << 20;

/// At most this many notes per file; the rest are counted in a last one.
const MAX_NOTES: usize = 20;

/// The paths of the rpm databases, normalised.
pub const PATHS: [&str; 5] = [
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages.db",
];

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    if PATHS.contains(&path) {
        Some(Whole::new(path, size, CAP, parse))
    } else {
        None
    }
}

/// The three formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Sqlite,
    BerkeleyDb,
    Ndb,
}

/// The format by magic bytes: SQLite's `"SQLite format 3\0"` at 0, ndb's
/// `"RpmP"` at 0, Berkeley DB's metadata magic at 12 (hash 0x061561 or
/// btree 0x053162, in either byte order).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(sqlite::MAGIC) {
        return Some(Format::Sqlite);
    }
    if bytes.starts_with(ndb::MAGIC) {
        return Some(Format::Ndb);
    }
    if bdb::is_berkeley_db(bytes) {
        return Some(Format::BerkeleyDb);
    }
    None
}

/// The packages an rpm database holds (the path only names the file; the
/// format is sniffed).
///
/// Work and memory are bounded by the file's size: every backend stops when
/// the headers it has handed over add up to more than twice the file (a
/// legitimate database stores each header once; more means cells or slots
/// sharing bytes), and the file lists of all packages together are cut at
/// [`files_budget`] bytes.
pub fn parse(_path: &str, bytes: &[u8]) -> Found {
    let mut notes = Notes::default();
    let mut packages = Vec::new();
    let mut header_budget = bytes.len().saturating_mul(2).saturating_add(1 << 20);
    let mut files = files_budget(bytes.len());
    let mut files_cut = false;
    let mut stopped = false;
    let mut emit = |blob: &[u8]| {
        if blob.len() > header_budget {
            stopped = true;
            return false;
        }
        header_budget -= blob.len();
        match header::package(blob, &mut files) {
            Ok(Some(p)) => packages.push(p),
            Ok(None) => {}
            Err(e) => notes.push(format!("a package header could not be read: {e}")),
        }
        files_cut |= files == 0;
        true
    };
    let mut all = Notes::default();
    match sniff(bytes) {
        Some(Format::Sqlite) => sqlite::headers(bytes, &mut all, &mut emit),
        Some(Format::BerkeleyDb) => bdb::headers(bytes, &mut all, &mut emit),
        Some(Format::Ndb) => ndb::headers(bytes, &mut all, &mut emit),
        None => all.push(format!(
            "not an rpm database (neither SQLite, Berkeley DB nor ndb) in {} bytes",
            bytes.len()
        )),
    }
    if stopped {
        all.push(format!(
            "the headers read add up to more than twice the file's {} bytes (records sharing bytes): stopped there",
            bytes.len()
        ));
    }
    if files_cut {
        all.push(format!(
            "the file lists add up to more than {} bytes: cut there",
            files_budget(bytes.len())
        ));
    }
    for n in notes.finish() {
        all.push(n);
    }
    Found {
        packages,
        notes: all.finish(),
        ..Found::default()
    }
}

/// The bytes of file paths kept for a database of `len` bytes, all
/// packages together: four times the file and 16 MiB more (a RHEL 8
/// `Packages` of 150 MiB lists about 15 MiB of paths: every header stores
/// its base names and much more per file).
pub fn files_budget(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(16 << 20)
}

/// Notes, capped: a hostile file cannot make thousands of them.
#[derive(Default)]
pub struct Notes {
    list: Vec<String>,
    more: usize,
}

impl Notes {
    pub fn push(&mut self, note: String) {
        if self.list.len() < MAX_NOTES {
            self.list.push(note);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }

    pub fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list
                .push(format!("and {} more problems like these", self.more));
        }
        self.list
    }
}

/// A set of page numbers, one bit each (pages ≤ CAP / 512 = 512 Ki).
pub(crate) struct PageSet {
    bits: Vec<u64>,
}

impl PageSet {
    pub(crate) fn new(pages: usize) -> PageSet {
        PageSet {
            bits: vec![0; pages / 64 + 1],
        }
    }

    /// Marks `page`; `false` when it was marked already (or is beyond the
    /// set, which callers have checked against first).
    pub(crate) fn insert(&mut self, page: usize) -> bool {
        let (word, bit) = (page / 64, 1u64 << (page % 64));
        match self.bits.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }
}
