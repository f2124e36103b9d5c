//! Alpine packages (apk-tools): `lib/apk/db/installed`.
//!
//! The database is text: one record per installed package, records
//! separated by blank lines, each line one field `X:value` named by a
//! single letter (<https://wiki.alpinelinux.org/wiki/Apk_spec>, "Installed
//! Database V2"). Read here: `P` name, `V` version, `A` arch, `o` origin
//! (the source package: the APKBUILD's `pkgname`), `L` license (raw, as
//! the APKBUILD wrote it: usually an SPDX expression), `F` a directory
//! and `R` a file in the last `F` directory (`Package.files` holds both,
//! directories as dpkg lists them too, normalised: no leading `/`).
//!
//! Choices:
//! - `source` is always filled, from `o:`, else the package itself (the
//!   origin's version is the package's own: every subpackage of an
//!   APKBUILD has its pkgver-pkgrel, so `source.version` is `None`).
//! - A record with no `P:` is skipped with a note; one with no `V:` is
//!   kept with an empty version and a note (it is installed, but cannot be
//!   matched against advisories).
//! - Lines may end in CRLF. A line that is not `X:value` is skipped.

use crate::catalog::{FileCataloger, Whole, TEXT_CAP};
use crate::model::{Ecosystem, Found, Package, SourcePackage};

/// The longest name, version, arch, origin, license or path kept.
const MAX_FIELD: usize = 4096;

/// At most this many notes per database.
const MAX_NOTES: usize = 20;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    (path == "lib/apk/db/installed")
        .then(|| Whole::new(path, size, TEXT_CAP, |_, b| parse_installed(b)) as _)
}

#[derive(Default)]
struct Record {
    line: usize,
    pkg: Package,
    has_name: bool,
    dir: String,
    fields: usize,
}

struct Notes(Vec<String>, usize);

impl Notes {
    fn push(&mut self, n: String) {
        if self.0.len() < MAX_NOTES {
            self.0.push(n);
        } else {
            self.1 += 1;
        }
    }
}

fn finish(cur: Record, notes: &mut Notes, packages: &mut Vec<Package>) {
    if cur.fields == 0 {
        return;
    }
    if !cur.has_name {
        notes.push(format!("line {}: a record without P: skipped", cur.line));
        return;
    }
    let mut pkg = cur.pkg;
    if pkg.version.is_empty() {
        notes.push(format!(
            "line {}: {} has no V: its version is unknown",
            cur.line, pkg.name
        ));
    }
    if pkg.source.is_none() {
        pkg.source = Some(SourcePackage {
            name: pkg.name.clone(),
            version: None,
        });
    }
    packages.push(pkg);
}

/// The packages of an apk `installed` database.
pub fn parse_installed(bytes: &[u8]) -> Found {
    let text = String::from_utf8_lossy(bytes);
    let mut notes = Notes(Vec::new(), 0);
    if memchr::memchr(0, bytes).is_some() {
        notes.push("NUL bytes in the text".to_owned());
    }
    let mut packages = Vec::new();
    let mut cur = Record::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            finish(std::mem::take(&mut cur), &mut notes, &mut packages);
            continue;
        }
        let mut it = line.chars();
        let (Some(key), Some(':')) = (it.next(), it.next()) else {
            continue;
        };
        let value = it.as_str();
        if cur.fields == 0 {
            cur.line = i + 1;
            cur.pkg.ecosystem = Some(Ecosystem::Apk);
        }
        cur.fields += 1;
        if value.len() > MAX_FIELD && matches!(key, 'P' | 'V' | 'A' | 'o' | 'L' | 'F' | 'R') {
            notes.push(format!(
                "line {}: {key}: of {} bytes: ignored",
                i + 1,
                value.len()
            ));
            continue;
        }
        let value_opt = || Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        match key {
            'P' => {
                if let Some(v) = value_opt() {
                    cur.pkg.name = v;
                    cur.has_name = true;
                }
            }
            'V' => cur.pkg.version = value.trim().to_owned(),
            'A' => cur.pkg.arch = value_opt(),
            'o' => {
                cur.pkg.source = value_opt().map(|name| SourcePackage {
                    name,
                    version: None,
                })
            }
            'L' => cur.pkg.licenses = value_opt().into_iter().collect(),
            'F' => {
                cur.dir = value.trim_matches('/').to_owned();
                if !cur.dir.is_empty() {
                    cur.pkg.files.push(cur.dir.clone());
                }
            }
            'R' => {
                let name = value.trim_start_matches('/');
                if !name.is_empty() {
                    cur.pkg.files.push(if cur.dir.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{}/{name}", cur.dir)
                    });
                }
            }
            _ => {}
        }
    }
    finish(std::mem::take(&mut cur), &mut notes, &mut packages);
    let Notes(mut notes, more) = notes;
    if more > 0 {
        notes.push(format!("{more} more such notes"));
    }
    Found {
        packages,
        notes,
        ..Found::default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn fields_files_and_defaults() {
        let db = b"C:Q1abc=\r\nP:musl\r\nV:1.2.5-r0\r\nA:x86_64\r\nL:MIT\r\no:musl\r\nF:lib\r\nR:ld-musl-x86_64.so.1\r\nR:libc.musl-x86_64.so.1\r\n\r\n\
P:nover\nF:/etc/\nR:x\n\nV:1\nA:x\n\nP:scanelf\nV:1.3.7-r2\nR:top\n";
        let f = parse_installed(db);
        assert_eq!(f.packages.len(), 3);
        let musl = &f.packages[0];
        assert_eq!(
            (
                musl.name.as_str(),
                musl.version.as_str(),
                musl.arch.as_deref()
            ),
            ("musl", "1.2.5-r0", Some("x86_64"))
        );
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(
            musl.files,
            [
                "lib",
                "lib/ld-musl-x86_64.so.1",
                "lib/libc.musl-x86_64.so.1"
            ]
        );
        assert_eq!(f.packages[1].files, ["etc", "etc/x"]);
        assert_eq!(f.packages[1].version, "");
        assert_eq!(f.packages[2].source.as_ref().unwrap().name, "scanelf");
        assert_eq!(f.packages[2].files, ["top"]);
        assert_eq!(
            f.notes,
            [
                "line 11: nover has no V: its version is unknown",
                "line 15: a record without P: skipped"
            ]
        );
    }
}
