//! Debian packages (dpkg): what `dpkg` says is installed, the files each
//! installed, and the licenses its copyright file declares.
//!
//! | file | gives |
//! |---|---|
//! | `var/lib/dpkg/status` | the packages ([`parse_status`]) |
//! | `var/lib/dpkg/status.d/NAME` | a distroless image's packages: one control paragraph per file, no `Status` ([`parse_status_d`]) |
//! | `var/lib/dpkg/status.d/NAME.md5sums` | that package's files ([`parse_md5sums`]) |
//! | `var/lib/dpkg/info/NAME.list`, `info/NAME:ARCH.list` | the package's files ([`parse_list`]) |
//! | `usr/share/doc/NAME/copyright` | its licenses ([`copyright::licenses`]) |
//!
//! Choices the image side relies on:
//!
//! - **Source.** A package's `source` is always filled: from `Source:`
//!   (`name` or `name (version)`), else the package itself, as
//!   `dpkg-query`'s `${source:Package}` does. `source.version` is `Some`
//!   only when it differs from the binary's version (binNMUs such as
//!   `bash 5.2.15-2+b13` from source `bash 5.2.15-2`).
//! - **Installed** means the `Status` field's third word is `installed`,
//!   or `triggers-pending`/`triggers-awaited` (configured, waiting for
//!   another package's trigger: dpkg itself counts them as installed for
//!   dependencies; dpkg(1), "PACKAGE STATES"). The want and flag words
//!   do not matter (`hold ok installed` is installed). `config-files` and
//!   `not-installed` are not reported; `half-installed`, `unpacked` and
//!   `half-configured` are not either, with a note, since some of their
//!   files may be on disk. A `status.d` paragraph has no `Status`: it is
//!   installed.
//! - **Attachments join by name and arch.** dpkg names a file list
//!   `NAME:ARCH.list` only for `Multi-Arch: same` packages, and `NAME.list`
//!   for the rest (one instance of that name is installed): an
//!   [`Attachment`] with `arch: None` belongs to the package of that name
//!   whatever its arch; a copyright file (`arch: None`) is shared by every
//!   arch of a `Multi-Arch: same` package (Debian Policy §12.5 requires
//!   their contents to be identical).
//! - Files are normalised like the content pass's paths: no leading `/`,
//!   dpkg's root entry `/.` skipped. Directories are listed, as dpkg lists
//!   them.

mod control;
pub mod copyright;

use std::collections::HashSet;

use crate::catalog::{FileCataloger, Whole, TEXT_CAP};
use crate::model::{Attachment, AttachmentKind, Ecosystem, Found, Package, SourcePackage};
use control::{paragraphs, Paragraph};

/// The cap for a copyright file read whole: the largest in Debian 12 are a
/// few hundred KiB.
pub const COPYRIGHT_CAP: usize = 4 << 20;

/// The longest name, version, arch or source kept; a longer one is hostile
/// or corrupt and its paragraph is skipped with a note.
const MAX_FIELD: usize = 1024;

/// At most this many notes per file: the rest are counted in one last note.
const MAX_NOTES: usize = 20;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    if path == "var/lib/dpkg/status" {
        return Some(Whole::new(path, size, TEXT_CAP, |_, b| parse_status(b)));
    }
    if let Some(file) = path.strip_prefix("var/lib/dpkg/status.d/") {
        if file.is_empty() || file.contains('/') {
            return None;
        }
        if file.ends_with(".md5sums") {
            return Some(Whole::new(path, size, TEXT_CAP, parse_md5sums_file));
        }
        return Some(Whole::new(path, size, TEXT_CAP, |_, b| parse_status_d(b)));
    }
    if let Some(file) = path.strip_prefix("var/lib/dpkg/info/") {
        if !file.contains('/') && file.len() > ".list".len() && file.ends_with(".list") {
            return Some(Whole::new(path, size, TEXT_CAP, parse_list_file));
        }
        return None;
    }
    if let Some(rest) = path.strip_prefix("usr/share/doc/") {
        if let Some(name) = rest.strip_suffix("/copyright") {
            if !name.is_empty() && !name.contains('/') {
                return Some(Whole::new(path, size, COPYRIGHT_CAP, parse_copyright_file));
            }
        }
    }
    None
}

/// The installed packages of a dpkg `status` file.
pub fn parse_status(bytes: &[u8]) -> Found {
    parse_paragraphs(bytes, true)
}

/// The packages of one distroless `status.d` file: control paragraphs as
/// in a `.deb`, without `Status` (one with a `Status` is honoured).
pub fn parse_status_d(bytes: &[u8]) -> Found {
    parse_paragraphs(bytes, false)
}

struct Notes(Vec<String>, usize);

impl Notes {
    fn push(&mut self, note: String) {
        if self.0.len() < MAX_NOTES {
            self.0.push(note);
        } else {
            self.1 += 1;
        }
    }

    fn into_vec(mut self) -> Vec<String> {
        if self.1 > 0 {
            self.0.push(format!("{} more such notes", self.1));
        }
        self.0
    }
}

fn parse_paragraphs(bytes: &[u8], status_required: bool) -> Found {
    let text = String::from_utf8_lossy(bytes);
    let mut notes = Notes(Vec::new(), 0);
    let nuls = memchr::memchr_iter(0, bytes).count();
    if nuls > 0 {
        notes.push(format!("{nuls} NUL bytes in the text"));
    }
    if matches!(text, std::borrow::Cow::Owned(_)) {
        notes.push("not valid UTF-8: read with replacement characters".to_owned());
    }
    let mut packages: Vec<Package> = Vec::new();
    // (name, arch) already listed: a set, so that a hostile file of a
    // million paragraphs stays linear.
    let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
    for p in paragraphs(&text) {
        match package(&p, status_required) {
            Ok(Some(pkg)) => {
                if !seen.insert((pkg.name.clone(), pkg.arch.clone())) {
                    notes.push(format!(
                        "line {}: {} {} listed twice: the first is kept",
                        p.line,
                        pkg.name,
                        pkg.arch.as_deref().unwrap_or("(no arch)")
                    ));
                } else {
                    packages.push(pkg);
                }
            }
            Ok(None) => {}
            Err(why) => notes.push(format!("line {}: {why}", p.line)),
        }
    }
    Found {
        packages,
        notes: notes.into_vec(),
        ..Found::default()
    }
}

fn field<'a>(p: &Paragraph<'a>, name: &str) -> Result<Option<&'a str>, String> {
    match p.get(name) {
        Some(v) if v.len() > MAX_FIELD => Err(format!(
            "a {name} of {} bytes: the paragraph is skipped",
            v.len()
        )),
        Some("") | None => Ok(None),
        Some(v) => Ok(Some(v)),
    }
}

fn plain(s: &str) -> bool {
    !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `Ok(None)`: a package that is not installed.
fn package(p: &Paragraph<'_>, status_required: bool) -> Result<Option<Package>, String> {
    let Some(name) = field(p, "Package")? else {
        return Err("a paragraph without Package: skipped".to_owned());
    };
    if !plain(name) {
        return Err(format!(
            "a package name with spaces or control characters ({name:?}): skipped"
        ));
    }
    match field(p, "Status")? {
        Some(status) => {
            let state = status.split_whitespace().nth(2).unwrap_or("");
            match state {
                "installed" | "triggers-pending" | "triggers-awaited" => {}
                "not-installed" | "config-files" => return Ok(None),
                "half-installed" | "unpacked" | "half-configured" => {
                    return Err(format!("{name} is {state}: not reported"))
                }
                _ => return Err(format!("{name}: unknown Status {status:?}: not reported")),
            }
        }
        None if status_required => return Err(format!("{name} has no Status: not reported")),
        None => {}
    }
    let Some(version) = field(p, "Version")? else {
        return Err(format!("{name} has no Version: skipped"));
    };
    if !plain(version) {
        return Err(format!(
            "{name}: a Version with spaces or control characters: skipped"
        ));
    }
    let arch = field(p, "Architecture")?.filter(|a| plain(a));
    let source = match field(p, "Source")? {
        Some(s) => parse_source(s, version),
        None => None,
    }
    .unwrap_or_else(|| SourcePackage {
        name: name.to_owned(),
        version: None,
    });
    Ok(Some(Package {
        ecosystem: Some(Ecosystem::Deb),
        name: name.to_owned(),
        version: version.to_owned(),
        arch: arch.map(str::to_owned),
        source: Some(source),
        ..Package::default()
    }))
}

/// `name` or `name (version)`; the version only when it differs.
fn parse_source(s: &str, version: &str) -> Option<SourcePackage> {
    let (name, ver) = match s.split_once('(') {
        Some((n, rest)) => {
            let v = rest.split(')').next().unwrap_or("").trim();
            (
                n.trim(),
                Some(v).filter(|v| !v.is_empty() && *v != version && plain(v)),
            )
        }
        None => (s.trim(), None),
    };
    if name.is_empty() || !plain(name) {
        return None;
    }
    Some(SourcePackage {
        name: name.to_owned(),
        version: ver.map(str::to_owned),
    })
}

/// `NAME` or `NAME:ARCH`.
fn name_arch(s: &str) -> (String, Option<String>) {
    match s.split_once(':') {
        Some((n, a)) if !a.is_empty() => (n.to_owned(), Some(a.to_owned())),
        _ => (s.trim_end_matches(':').to_owned(), None),
    }
}

fn normalise(path: &str) -> Option<String> {
    let p = path.trim_start_matches("./").trim_start_matches('/');
    (!p.is_empty() && p != ".").then(|| p.to_owned())
}

/// The files of a dpkg `info/NAME[:ARCH].list`: one absolute path a line.
pub fn parse_list(name: &str, arch: Option<&str>, bytes: &[u8]) -> Attachment {
    let text = String::from_utf8_lossy(bytes);
    let files = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter_map(normalise)
        .collect();
    Attachment {
        ecosystem: Ecosystem::Deb,
        name: name.to_owned(),
        arch: arch.map(str::to_owned),
        kind: AttachmentKind::Files(files),
    }
}

/// The files of an `md5sums` list (`HASH  path`, paths relative to the
/// root), as distroless's `status.d/NAME.md5sums` and dpkg's
/// `info/NAME.md5sums` hold them. Lines without a path are skipped.
pub fn parse_md5sums(name: &str, arch: Option<&str>, bytes: &[u8]) -> Attachment {
    let text = String::from_utf8_lossy(bytes);
    let files = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter_map(|l| l.split_once([' ', '\t']))
        .filter_map(|(_, path)| normalise(path.trim_start_matches([' ', '\t', '*'])))
        .collect();
    Attachment {
        ecosystem: Ecosystem::Deb,
        name: name.to_owned(),
        arch: arch.map(str::to_owned),
        kind: AttachmentKind::Files(files),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn attachment_found(a: Attachment) -> Found {
    Found {
        attachments: vec![a],
        ..Found::default()
    }
}

fn parse_list_file(path: &str, bytes: &[u8]) -> Found {
    let base = file_name(path);
    let (name, arch) = name_arch(base.strip_suffix(".list").unwrap_or(base));
    attachment_found(parse_list(&name, arch.as_deref(), bytes))
}

fn parse_md5sums_file(path: &str, bytes: &[u8]) -> Found {
    let base = file_name(path);
    let (name, arch) = name_arch(base.strip_suffix(".md5sums").unwrap_or(base));
    attachment_found(parse_md5sums(&name, arch.as_deref(), bytes))
}

fn parse_copyright_file(path: &str, bytes: &[u8]) -> Found {
    let dir = path.strip_suffix("/copyright").unwrap_or(path);
    let licenses = copyright::licenses(bytes);
    if licenses.is_empty() {
        return Found::default();
    }
    attachment_found(Attachment {
        ecosystem: Ecosystem::Deb,
        name: file_name(dir).to_owned(),
        arch: None,
        kind: AttachmentKind::Licenses(licenses),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    fn feed(path: &str, bytes: &[u8]) -> Found {
        let mut c = cataloger(path, bytes.len() as u64).unwrap();
        for chunk in bytes.chunks(7) {
            if !c.chunk(chunk) {
                break;
            }
        }
        c.finish(true)
    }

    #[test]
    fn which_files() {
        for p in [
            "var/lib/dpkg/status",
            "var/lib/dpkg/status.d/libc6",
            "var/lib/dpkg/status.d/libc6.md5sums",
            "var/lib/dpkg/info/libc6:amd64.list",
            "var/lib/dpkg/info/bash.list",
            "usr/share/doc/bash/copyright",
        ] {
            assert!(cataloger(p, 10).is_some(), "{p}");
        }
        for p in [
            "var/lib/dpkg/status-old",
            "var/lib/dpkg/status.d/",
            "var/lib/dpkg/status.d/x/y",
            "var/lib/dpkg/info/bash.md5sums",
            "var/lib/dpkg/info/.list",
            "var/lib/dpkg/info/x/y.list",
            "usr/share/doc/bash/changelog.gz",
            "usr/share/doc//copyright",
            "usr/share/doc/a/b/copyright",
            "/var/lib/dpkg/status",
        ] {
            assert!(cataloger(p, 10).is_none(), "{p}");
        }
    }

    #[test]
    fn statuses() {
        let text = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n\
                    Package: b\nStatus: hold ok installed\nVersion: 2\n\n\
                    Package: c\nStatus: deinstall ok config-files\nVersion: 3\n\n\
                    Package: d\nStatus: install ok half-installed\nVersion: 4\n\n\
                    Package: e\nStatus: install ok triggers-pending\nVersion: 5\n\n\
                    Package: f\nStatus: purge ok not-installed\n\n\
                    Package: g\nVersion: 7\n";
        let f = parse_status(text.as_bytes());
        let names: Vec<_> = f.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "e"]);
        assert_eq!(
            f.notes,
            [
                "line 14: d is half-installed: not reported",
                "line 25: g has no Status: not reported"
            ]
        );
        // The same paragraph without Status in status.d is installed.
        let f = parse_status_d(b"Package: g\nVersion: 7\n");
        assert_eq!(f.packages.len(), 1);
        assert!(f.notes.is_empty());
    }

    #[test]
    fn source_forms() {
        let f = parse_status(
            b"Package: bash\nStatus: install ok installed\nSource: bash (5.2.15-2)\nVersion: 5.2.15-2+b13\n\n\
              Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.20-1\n\n\
              Package: x\nStatus: install ok installed\nSource: y (1:2)\nVersion: 1:2\n\n\
              Package: z\nStatus: install ok installed\nVersion: 1:2\n",
        );
        let got: Vec<_> = f
            .packages
            .iter()
            .map(|p| {
                let s = p.source.as_ref().unwrap();
                (p.name.as_str(), s.name.as_str(), s.version.as_deref())
            })
            .collect();
        assert_eq!(
            got,
            [
                ("bash", "bash", Some("5.2.15-2")),
                ("libssl3", "openssl", None),
                ("x", "y", None),
                ("z", "z", None)
            ]
        );
        assert_eq!(f.packages[3].version, "1:2");
    }

    #[test]
    fn list_and_md5sums() {
        let f = feed(
            "var/lib/dpkg/info/zlib1g:i386.list",
            b"/.\r\n/lib\r\n/lib/libz.so.1\r\n\r\n",
        );
        assert_eq!(
            f.attachments,
            [Attachment {
                ecosystem: Ecosystem::Deb,
                name: "zlib1g".into(),
                arch: Some("i386".into()),
                kind: AttachmentKind::Files(vec!["lib".into(), "lib/libz.so.1".into()]),
            }]
        );
        let f = feed(
            "var/lib/dpkg/status.d/netbase.md5sums",
            b"d41d8cd98f00b204e9800998ecf8427e  etc/protocols\nbad\n0123  usr/share/doc/netbase/copyright\n",
        );
        assert_eq!(
            f.attachments[0].kind,
            AttachmentKind::Files(vec![
                "etc/protocols".into(),
                "usr/share/doc/netbase/copyright".into()
            ])
        );
        assert_eq!(f.attachments[0].arch, None);
    }

    #[test]
    fn copyright_without_licenses_attaches_nothing() {
        let f = feed("usr/share/doc/x/copyright", b"All rights reserved.\n");
        assert_eq!(f, Found::default());
    }
}
