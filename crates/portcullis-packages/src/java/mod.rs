//! Java archives (`.jar`, `.war`, `.ear`, and Jenkins' `.jpi`/`.hpi`,
//! `.par`), read as they stream: the zip's local headers in order
//! ([`zip`]), `META-INF/MANIFEST.MF` and `META-INF/maven/G/A/pom.properties`
//! kept ([`manifest`]), nested archives (`BOOT-INF/lib/*.jar`,
//! `WEB-INF/lib/*.jar`, `lib/*.jar`, any entry with one of those
//! extensions) read recursively while they inflate.
//!
//! Packages of one archive (the file, or a nested one), all `maven`:
//!
//! - one per `pom.properties` (a shaded jar holds several): `namespace` its
//!   `groupId` (the path's group when the file has none), `name` its
//!   `artifactId`, `version` its `version`; a pom.properties without an
//!   artifactId or a version gives none; the same coordinates twice in one
//!   archive are one package. When the archive has exactly one, the
//!   manifest's `Bundle-License` (raw) is its license;
//! - without any: one package from the manifest, if it states a version:
//!   `version` from `Implementation-Version`, else `Bundle-Version`, else
//!   `Specification-Version`, else the file name's (`name-1.2.3.jar`);
//!   `name` the file name without its extension and version (the file
//!   name is the artifactId for everything Maven or Gradle builds; the
//!   titles are prose such as "Apache Commons Lang"), else
//!   `Implementation-Title`, else `Bundle-SymbolicName` without its
//!   directives; `namespace` the `Implementation-Vendor-Id` (the groupId in
//!   manifests older Maven archivers wrote), else none;
//! - a package of a nested archive has its inner path in `inner`
//!   (`BOOT-INF/lib/a.jar`, nested deeper `lib/a.jar!/lib/b.jar`, the
//!   `jar:` URL convention); the file's own packages have none.
//!
//! Order: each nested archive's packages when its entry ends, then the
//! file's own, first.
//!
//! Bounds: nesting deeper than [`MAX_DEPTH`] archives below the file is not
//! read (a note); at most [`INFLATE_BUDGET`] bytes are inflated per file,
//! nested archives included (a zip bomb ends the reading with a note);
//! entries nobody wants are skipped without inflating when their size is
//! known. Memory per level: a header (≤ 128 KiB), an inflater and its
//! 32 KiB output buffer (~80 KiB), one text being read (≤ 512 KiB; a
//! pom.properties is reduced to its coordinates, at most 256 bytes each,
//! when its entry ends): under 7 MiB for the whole chain of
//! [`MAX_DEPTH`] + 1 levels, plus the packages found (at most
//! [`MAX_POMS`] per archive, [`MAX_PACKAGES`] per file).

pub mod manifest;
pub mod zip;

use crate::catalog::FileCataloger;
use crate::model::{Ecosystem, Found, Package};
use zip::Zip;

/// Archives nested deeper than this below the file are not read.
pub const MAX_DEPTH: u32 = 8;
/// The most bytes inflated per file.
pub const INFLATE_BUDGET: u64 = 512 << 20;
/// The most pom.properties kept per archive (a shaded jar of a large
/// application holds a few hundred).
pub const MAX_POMS: usize = 1024;
/// The most packages kept per file, nested archives included (a Spring
/// Boot application holds a few hundred).
pub const MAX_PACKAGES: usize = 10_000;
const MAX_NOTES: usize = 32;

const EXTENSIONS: [&str; 6] = [".jar", ".war", ".ear", ".jpi", ".hpi", ".par"];

/// The cataloger for Java archives, by file name.
pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    if size < 22 || !is_archive(path) {
        return None;
    }
    let file_name = path.rsplit('/').next().unwrap_or(path).to_owned();
    Some(Box::new(Jar::new(file_name)))
}

fn is_archive(name: &str) -> bool {
    let b = name.as_bytes();
    !name.ends_with('/')
        && EXTENSIONS
            .iter()
            .any(|e| b.len() > e.len() && b[b.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
}

/// What an entry's name makes it.
pub(crate) enum Kind {
    Manifest,
    /// `META-INF/maven/G/A/pom.properties`, with G.
    Pom(String),
    Archive,
    Other,
}

pub(crate) fn kind(name: &str) -> Kind {
    if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
        return Kind::Manifest;
    }
    let parts: Vec<&str> = name.splitn(6, '/').collect();
    if let ["META-INF", "maven", g, _, "pom.properties"] = parts.as_slice() {
        return Kind::Pom((*g).to_owned());
    }
    if is_archive(name) {
        return Kind::Archive;
    }
    Kind::Other
}

/// What the whole reading shares: the budget, the notes, the packages.
pub struct Ctx {
    budget: u64,
    limit: u64,
    pub stopped: bool,
    notes: Vec<String>,
    packages: Vec<Package>,
    noted_deep: bool,
    noted_text: bool,
    noted_poms: bool,
    noted_packages: bool,
    pub entries: u64,
}

impl Ctx {
    fn new(budget: u64) -> Ctx {
        Ctx {
            budget,
            limit: budget,
            stopped: false,
            notes: Vec::new(),
            packages: Vec::new(),
            noted_deep: false,
            noted_text: false,
            noted_poms: false,
            noted_packages: false,
            entries: 0,
        }
    }

    pub(crate) fn note(&mut self, text: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(text);
        }
    }

    /// Spends `n` bytes of the inflate budget; `true` when it is spent.
    pub(crate) fn spend(&mut self, n: u64) -> bool {
        if self.stopped {
            return true;
        }
        if n > self.budget {
            self.budget = 0;
            self.stopped = true;
            self.note(format!(
                "inflating more than {} MiB (a zip bomb?): the rest of the archive is not read",
                self.limit >> 20
            ));
            return true;
        }
        self.budget -= n;
        false
    }

    /// Packages of a nested archive, up to [`MAX_PACKAGES`] in all.
    fn add(&mut self, packages: Vec<Package>) {
        let room = MAX_PACKAGES.saturating_sub(self.packages.len());
        if packages.len() > room && !std::mem::replace(&mut self.noted_packages, true) {
            self.note(format!(
                "more than {MAX_PACKAGES} packages in one file: the rest not kept"
            ));
        }
        self.packages.extend(packages.into_iter().take(room));
    }

    pub(crate) fn note_once_deep(&mut self) {
        if !std::mem::replace(&mut self.noted_deep, true) {
            self.note(format!(
                "archives nested more than {MAX_DEPTH} deep: not read"
            ));
        }
    }

    pub(crate) fn note_once_text(&mut self) {
        if !std::mem::replace(&mut self.noted_text, true) {
            self.note(format!(
                "a manifest or pom.properties larger than {} KiB: read in part",
                zip::TEXT_CAP >> 10
            ));
        }
    }

    pub(crate) fn note_once_poms(&mut self) {
        if !std::mem::replace(&mut self.noted_poms, true) {
            self.note(format!(
                "more than {MAX_POMS} pom.properties in one archive: the rest not read"
            ));
        }
    }
}

/// A nested archive's entry ended: its packages.
pub(crate) fn finish_archive(child: Zip, ctx: &mut Ctx) {
    let child = child.close(ctx);
    if !child.complete && !ctx.stopped && !child.ended() {
        ctx.note(format!(
            "{}: the nested archive ends before its central directory",
            child.inner
        ));
    }
    let p = packages(&child);
    ctx.add(p);
}

/// Maven coordinates from a pom.properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coords {
    pub group: String,
    pub artifact: String,
    pub version: String,
}

/// The longest coordinate kept (Maven Central's longest are under 100).
const MAX_COORD: usize = 256;

/// The coordinates a pom.properties states (`groupId` defaults to the
/// path's group); none without an artifactId or a version, or with a
/// value longer than [`MAX_COORD`] bytes.
pub(crate) fn coords(path_group: &str, text: &[u8]) -> Option<Coords> {
    let props = manifest::properties(text);
    let prop = |k: &str| {
        props
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let artifact = prop("artifactId")?;
    let version = prop("version")?;
    let group = prop("groupId").unwrap_or(path_group);
    if [artifact, version, group]
        .iter()
        .any(|v| v.len() > MAX_COORD)
    {
        return None;
    }
    Some(Coords {
        group: group.to_owned(),
        artifact: artifact.to_owned(),
        version: version.to_owned(),
    })
}

/// The packages an archive's entries make.
fn packages(zip: &Zip) -> Vec<Package> {
    let attrs = zip
        .entries
        .manifest
        .as_deref()
        .map(manifest::manifest)
        .unwrap_or_default();
    let get = |n: &str| manifest::get(&attrs, n);
    let inner = (!zip.inner.is_empty()).then(|| zip.inner.clone());
    let mut out: Vec<Package> = Vec::new();
    for c in &zip.entries.poms {
        out.push(Package {
            ecosystem: Some(Ecosystem::Maven),
            namespace: (!c.group.is_empty()).then(|| c.group.clone()),
            name: c.artifact.clone(),
            version: c.version.clone(),
            inner: inner.clone(),
            ..Package::default()
        });
    }
    if out.is_empty() {
        let (stem, file_version) = split_file_name(&zip.file_name);
        let version = get("Implementation-Version")
            .or_else(|| get("Bundle-Version"))
            .or_else(|| get("Specification-Version"))
            .or(file_version);
        let symbolic = get("Bundle-SymbolicName")
            .map(|s| s.split(';').next().unwrap_or(s).trim())
            .filter(|s| !s.is_empty());
        let name = Some(stem)
            .filter(|s| !s.is_empty())
            .or_else(|| get("Implementation-Title"))
            .or(symbolic);
        if let (Some(name), Some(version)) = (name, version) {
            out.push(Package {
                ecosystem: Some(Ecosystem::Maven),
                namespace: get("Implementation-Vendor-Id").map(str::to_owned),
                name: name.to_owned(),
                version: version.to_owned(),
                inner: inner.clone(),
                ..Package::default()
            });
        }
    }
    if let ([p], Some(license)) = (out.as_mut_slice(), get("Bundle-License")) {
        p.licenses.push(license.to_owned());
    }
    out
}

/// `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`): the version
/// starts at the first `-` followed by a digit.
pub fn split_file_name(file: &str) -> (&str, Option<&str>) {
    let stem = match file.rfind('.') {
        Some(i) if i > 0 => file.get(..i).unwrap_or(file),
        _ => file,
    };
    let b = stem.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return (
                stem.get(..i).unwrap_or(stem),
                stem.get(i + 1..).filter(|v| !v.is_empty()),
            );
        }
    }
    (stem, None)
}

/// The top-level archive's cataloger.
pub struct Jar {
    zip: Zip,
    ctx: Ctx,
}

impl Jar {
    pub fn new(file_name: String) -> Jar {
        Jar::with_budget(file_name, INFLATE_BUDGET)
    }

    /// With an inflate budget of `budget` bytes instead of
    /// [`INFLATE_BUDGET`].
    pub fn with_budget(file_name: String, budget: u64) -> Jar {
        Jar {
            zip: Zip::new(0, String::new(), file_name),
            ctx: Ctx::new(budget),
        }
    }
}

impl FileCataloger for Jar {
    fn chunk(&mut self, bytes: &[u8]) -> bool {
        self.zip.feed(bytes, &mut self.ctx);
        !(self.zip.ended() || self.ctx.stopped)
    }

    fn finish(self: Box<Self>, complete: bool) -> Found {
        let Jar { zip, mut ctx } = *self;
        let zip = zip.close(&mut ctx);
        if !zip.complete && !ctx.stopped && !zip.ended() {
            ctx.note(if complete {
                "the archive ends before its central directory".to_owned()
            } else {
                "the file is truncated: read in part".to_owned()
            });
        }
        let mut packages = packages(&zip);
        packages.append(&mut ctx.packages);
        Found {
            packages,
            notes: ctx.notes,
            ..Found::default()
        }
    }
}
