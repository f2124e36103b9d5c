//! Go build info: what the Go linker embeds in every executable it links
//! with module support, and what `go version -m` prints.
//!
//! Format (from the Go source, `src/debug/buildinfo/buildinfo.go` and
//! `src/runtime/debug/mod.go`, read to learn it, not copied): a 32-byte
//! header at a 16-byte aligned address at the start of the `.go.buildinfo`
//! section, which the linker puts at the start of the first writable,
//! non-executable `PT_LOAD` segment:
//!
//! - bytes 0..14: the magic `\xff Go buildinf:`;
//! - byte 14: the pointer size; byte 15: flags (bit 0: big-endian pointers,
//!   bit 1 — value 2 — the strings are inline: Go ≥ 1.18);
//! - inline form: after the header, the Go version and then the module
//!   info, each as an unsigned LEB128 varint length and the bytes. The
//!   module info is framed by 16 sentinel bytes on each side (the Go
//!   source's `infoStart`/`infoEnd`) that are dropped.
//!
//! Go < 1.18 stored two pointers instead (to string headers in `.data`,
//! whose bytes are in `.rodata`, which the stream has passed by then). The
//! module info itself is framed by the same sentinels in `.rodata`, so the
//! streaming reader looks for them there ([`INFO_START`], [`INFO_END`]) and
//! reads the module info it framed when the header says pointer form; the
//! Go version (`runtime.buildVersion`, a string among thousands in
//! `.rodata`) is not read, and a note says so.
//!
//! The module info is text, one record a line, fields separated by tabs:
//! `path P` (the main package), `mod PATH VERSION SUM` (the main module),
//! `dep PATH VERSION SUM`, `=> PATH VERSION SUM` (the replacement of the
//! `mod`/`dep` line before it), `build KEY=VALUE`, and in `go version -m`
//! output `go VERSION`. Go 1.19 writes a stray empty line after a
//! replacement; empty lines are skipped.
//!
//! Packages, one per `mod` (main module, `main_module: true`) and per `dep`:
//!
//! - **Replacements** by a module (`=> example.net/fork v1.0.1`): the
//!   replacement's path and version, as the fork is what the binary holds
//!   and advisories name it. By a local directory (`=> ../local (devel)`):
//!   the original path and version, as the directory has no identity of
//!   its own and is most often a patched copy of that module at that
//!   version; a gate that reported `(devel)` would match no advisory and
//!   so hide what the copy may still carry. (When go.mod required only the
//!   zero pseudo-version `v0.0.0-00010101000000-000000000000`, there is no
//!   version to keep: `(devel)`, as Go records the directory.)
//! - The main module's version is kept as Go records it: `(devel)` for a
//!   build from a checkout (Go 1.19 never stamps a VCS version), a real
//!   version for `go install m@v`.
//! - `namespace` is the module path up to its last `/`, `name` the last
//!   element (`example.org/greet/v2` → `example.org/greet` + `v2`), so that
//!   the purl is `pkg:golang/example.org/greet/v2@v2.1.0`.
//! - `go_version` (the toolchain, `go1.19.8`) is set on every package.
//! - The standard library compiled into the binary is a package of its
//!   own, `stdlib` at the toolchain's version (`go1.19.8`, purl
//!   `pkg:golang/stdlib@go1.19.8`): Go's advisories name it so (`stdlib`),
//!   and most of a Go binary's vulnerabilities are its.

use crate::model::{Ecosystem, Found, Package};

/// The sentinels around the module info (the Go source's `infoStart` and
/// `infoEnd`, in `cmd/go/internal/modload/build.go`).
pub const INFO_START: &[u8; 16] =
    b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
pub const INFO_END: &[u8; 16] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

/// The magic of the build info header.
pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// The header's size and alignment.
pub const HEADER: usize = 32;
pub const ALIGN: u64 = 16;
/// The most module-info bytes read (the largest real binaries hold a few
/// hundred KiB at most: one line per dependency).
pub const INFO_CAP: usize = 1 << 20;

/// What the bytes from the magic on are.
#[derive(Debug, PartialEq, Eq)]
pub enum Header {
    /// More bytes are needed: at least this many in all (from the magic).
    Need(usize),
    /// The build info, complete.
    Done(Found),
    /// The pointer form of Go < 1.18.
    Pointers,
}

/// Reads the build info from `bytes`, which start with [`MAGIC`]. Returns
/// how many bytes it needs when `bytes` is too short; never more than
/// [`INFO_CAP`] plus the header (beyond, a note).
pub fn parse_header(bytes: &[u8]) -> Header {
    let Some(head) = bytes.get(..HEADER) else {
        return Header::Need(HEADER);
    };
    let flags = head.get(15).copied().unwrap_or(0);
    if flags & 2 == 0 {
        return Header::Pointers;
    }
    let rest = bytes.get(HEADER..).unwrap_or(&[]);
    let (version, used) = match inline_string(rest, 0) {
        Ok(v) => v,
        Err(Stop::Need(n)) => return Header::Need(n),
        Err(Stop::Note(t)) => return Header::Done(note(&t)),
    };
    let (info, _) = match inline_string(rest, used) {
        Ok(v) => v,
        Err(Stop::Need(n)) => return Header::Need(n),
        Err(Stop::Note(t)) => return Header::Done(note(&t)),
    };
    let version = String::from_utf8_lossy(version).into_owned();
    // The sentinels: 16 bytes each side, and the text ends with a newline
    // just before the closing one (the Go source's own test).
    let info = if info.len() >= 33 && info.get(info.len() - 17) == Some(&b'\n') {
        info.get(16..info.len() - 16).unwrap_or(&[])
    } else {
        &[]
    };
    let mut found = parse_modinfo(&String::from_utf8_lossy(info));
    for p in &mut found.packages {
        if p.go_version.is_none() && !version.is_empty() {
            p.go_version = Some(version.clone());
        }
    }
    add_stdlib(&mut found);
    Header::Done(found)
}

/// One varint-prefixed string at `at` in `rest` (the bytes after the
/// header): the string and where the next one starts.
enum Stop {
    Need(usize),
    Note(String),
}

fn inline_string(rest: &[u8], at: usize) -> Result<(&[u8], usize), Stop> {
    let tail = rest.get(at..).unwrap_or(&[]);
    let mut len: u64 = 0;
    let mut shift = 0u32;
    let mut n = 0usize;
    loop {
        let Some(&b) = tail.get(n) else {
            return Err(Stop::Need(HEADER + at + n + 1));
        };
        n += 1;
        if shift >= 63 {
            return Err(Stop::Note(
                "Go build info: a string length overflows".to_owned(),
            ));
        }
        len |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    if len > INFO_CAP as u64 {
        return Err(Stop::Note(format!(
            "Go build info: a string of {len} bytes, more than the {} MiB read: not read",
            INFO_CAP >> 20
        )));
    }
    let len = len as usize;
    match tail.get(n..n + len) {
        Some(s) => Ok((s, at + n + len)),
        None => Err(Stop::Need(HEADER + at + n + len)),
    }
}

fn note(text: &str) -> Found {
    Found {
        notes: vec![text.to_owned()],
        ..Found::default()
    }
}

/// A `mod`/`dep` line and its replacement.
struct Module<'a> {
    main: bool,
    path: &'a str,
    version: &'a str,
    replace: Option<(&'a str, &'a str)>,
}

/// Parses module info text (as embedded, or as `go version -m` prints it,
/// with leading tabs and a first `FILE: goVERSION` line) into packages.
pub fn parse_modinfo(text: &str) -> Found {
    let mut modules: Vec<Module> = Vec::new();
    let mut go_version: Option<String> = None;
    let mut found = Found::default();
    for line in text.lines() {
        let line = line.trim_start_matches('\t').trim_end_matches('\r');
        let mut fields = line.split('\t');
        let word = fields.next().unwrap_or("");
        let a = fields.next().unwrap_or("");
        let b = fields.next().unwrap_or("");
        match word {
            "go" if !a.is_empty() => go_version = Some(a.to_owned()),
            "mod" | "dep" if !a.is_empty() => modules.push(Module {
                main: word == "mod",
                path: a,
                version: b,
                replace: None,
            }),
            "=>" if !a.is_empty() => match modules.last_mut() {
                Some(m) if m.replace.is_none() => m.replace = Some((a, b)),
                _ => found
                    .notes
                    .push("Go build info: a replacement with no module before it".to_owned()),
            },
            _ => {}
        }
    }
    for m in modules {
        let (path, version) = match m.replace {
            // The zero pseudo-version says go.mod required nothing real.
            Some((rpath, rversion)) if is_directory(rpath) => match m.version {
                "v0.0.0-00010101000000-000000000000" => (m.path, rversion),
                _ => (m.path, m.version),
            },
            Some((rpath, rversion)) => (rpath, rversion),
            None => (m.path, m.version),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, name)) => (Some(ns.to_owned()), name.to_owned()),
            None => (None, path.to_owned()),
        };
        found.packages.push(Package {
            ecosystem: Some(Ecosystem::Golang),
            namespace,
            name,
            version: version.to_owned(),
            go_version: go_version.clone(),
            main_module: m.main,
            ..Package::default()
        });
    }
    add_stdlib(&mut found);
    found
}

/// The standard library, at the toolchain version the modules were built
/// with, once.
fn add_stdlib(found: &mut Found) {
    let Some(go) = found.packages.iter().find_map(|p| p.go_version.clone()) else {
        return;
    };
    if found
        .packages
        .iter()
        .any(|p| p.name == "stdlib" && p.namespace.is_none())
    {
        return;
    }
    found.packages.push(Package {
        ecosystem: Some(Ecosystem::Golang),
        name: "stdlib".to_owned(),
        version: go.clone(),
        go_version: Some(go),
        ..Package::default()
    });
}

/// A replacement that is a directory, not a module path (Go's
/// `modfile.IsDirectoryPath`: `./`, `../`, `/`, their Windows forms, a
/// drive letter).
fn is_directory(path: &str) -> bool {
    let b = path.as_bytes();
    path == "."
        || path == ".."
        || ["./", "../", "/", ".\\", "..\\", "\\"]
            .iter()
            .any(|p| path.starts_with(p))
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b[2] == b'\\' || b[2] == b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements() {
        let f = parse_modinfo(
            "path\tx/cmd\nmod\tx\t(devel)\t\ndep\ta.io/b\tv1.0.0\n=>\tc.io/d/e\tv2.0.0\th1:x\n\ndep\tf.io/g\tv0.1.0\n=>\t../g\t(devel)\t\n",
        );
        let got: Vec<_> = f
            .packages
            .iter()
            .map(|p| {
                (
                    p.namespace.clone(),
                    p.name.clone(),
                    p.version.clone(),
                    p.main_module,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (None, "x".into(), "(devel)".into(), true),
                (Some("c.io/d".into()), "e".into(), "v2.0.0".into(), false),
                // A local directory replacing v0.1.0: the module as required.
                (Some("f.io".into()), "g".into(), "v0.1.0".into(), false),
            ]
        );
        assert!(f.notes.is_empty());
    }

    #[test]
    fn pointer_form_is_a_note() {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&[8, 0]);
        b.resize(64, 0);
        assert_eq!(parse_header(&b), Header::Pointers);
    }

    #[test]
    fn lying_lengths() {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&[8, 2]);
        b.resize(32, 0);
        // a version length of 2^62
        b.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
        assert!(matches!(parse_header(&b), Header::Done(f) if f.notes.len() == 1));
        // a varint that never ends
        let mut c = b[..32].to_vec();
        c.extend_from_slice(&[0xff; 20]);
        assert!(matches!(parse_header(&c), Header::Done(f) if f.notes.len() == 1));
        // a short string asks for its bytes
        let mut d = b[..32].to_vec();
        d.extend_from_slice(&[5, b'g', b'o']);
        assert_eq!(parse_header(&d), Header::Need(32 + 1 + 5));
    }
}
