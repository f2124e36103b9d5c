//! Binaries as the Subject holds them: the ELF facts of every executable
//! and shared object the content pass read (`portcullis-elf`), and the
//! debug databases it recognised, kept for the files the final filesystem
//! shows. A binary a later layer deleted or replaced does not run in the
//! container, so its mitigations do not matter (unlike a secret, which
//! stays readable in its layer's blob).

use std::collections::{HashMap, HashSet};

use portcullis_elf::{BinaryLayer, DebugDatabaseFormat, ElfFacts, FileType};
use portcullis_image::Facts;
use portcullis_packages::model::AttachmentKind;
use portcullis_packages::Inventory;

use super::packages::LayerPackages;

/// One ELF file of the final filesystem.
#[derive(Clone, Debug)]
pub struct Binary {
    /// Absolute (`/usr/bin/env`).
    pub path: String,
    /// The layer whose version of the file this is.
    pub layer: usize,
    pub facts: ElfFacts,
    /// The OS package that installed it (an index into the inventory), by
    /// the package manager's own file lists.
    pub package: Option<usize>,
}

impl Binary {
    /// What the file is, in the words of the findings: executables (PIE or
    /// not) and shared objects; object files and kernel modules are not
    /// programs the container runs.
    pub fn kind(&self) -> BinaryKind {
        let f = &self.facts;
        match f.file_type {
            FileType::Executable => BinaryKind::Executable,
            FileType::Dynamic if f.interpreter.is_some() || f.pie_flag => BinaryKind::Executable,
            FileType::Dynamic => BinaryKind::SharedObject,
            _ => BinaryKind::Other,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    Executable,
    SharedObject,
    /// Relocatable objects, kernel modules, core files: not checked.
    Other,
}

/// A debug database file (`.pdb`) of the final filesystem.
#[derive(Clone, Debug)]
pub struct DebugDatabase {
    pub path: String,
    pub layer: usize,
    pub format: DebugDatabaseFormat,
}

#[derive(Clone, Debug, Default)]
pub struct Binaries {
    pub files: Vec<Binary>,
    pub debug_databases: Vec<DebugDatabase>,
}

/// Files the hardening policies leave alone: firmware (code for other
/// processors), kernel modules and separate debug files, which the
/// container does not run.
fn out_of_scope(path: &str) -> bool {
    [
        "lib/firmware/",
        "usr/lib/firmware/",
        "lib/modules/",
        "usr/lib/modules/",
        // Separate debug files (`objcopy --only-keep-debug`): never loaded.
        "usr/lib/debug/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// The binaries of an image: `facts` per layer (as the content pass left
/// them), `fs` the merged filesystem, `inventory` to name owning packages.
/// `None` when the binary pass did not run on any layer.
pub(crate) fn in_layers(
    facts: &[Option<Facts>],
    fs: &portcullis_image::Filesystem,
    inventory: Option<&Inventory>,
) -> Option<Binaries> {
    let layers: Vec<Option<&BinaryLayer>> = facts
        .iter()
        .map(|f| f.as_ref().and_then(|f| f.get::<BinaryLayer>()))
        .collect();
    if layers.iter().all(Option::is_none) {
        return None;
    }
    let live = |path: &str, layer: usize| fs.get(path.as_bytes()).is_some_and(|e| e.layer == layer);
    let mut out = Binaries::default();
    for (layer, facts) in layers.iter().enumerate() {
        let Some(facts) = facts else { continue };
        for file in &facts.files {
            if !live(&file.path, layer) || out_of_scope(&file.path) {
                continue;
            }
            // A file the reader could not make sense of says nothing here
            // (its note is not reported yet).
            if let Ok(elf) = &file.facts {
                out.files.push(Binary {
                    path: format!("/{}", file.path),
                    layer,
                    facts: elf.clone(),
                    package: None,
                });
            }
        }
        for db in &facts.debug_databases {
            if live(&db.path, layer) {
                out.debug_databases.push(DebugDatabase {
                    path: format!("/{}", db.path),
                    layer,
                    format: db.format,
                });
            }
        }
    }
    add_hard_links(&mut out.files, fs, &layers);
    if let Some(inventory) = inventory {
        name_owners(&mut out.files, facts, fs, inventory);
    }
    Some(out)
}

/// A hard link to a binary is that binary under another name (tar stores
/// its bytes once, at the first name): each name is reported, as each is
/// a program one can run. The bytes are those of the target as the link's
/// own layer (or, failing that, the latest one before it) holds it, even
/// if a later layer deleted or replaced that name: the link still points
/// at the old file.
fn add_hard_links(
    files: &mut Vec<Binary>,
    fs: &portcullis_image::Filesystem,
    layers: &[Option<&BinaryLayer>],
) {
    let mut links = Vec::new();
    for e in fs.files() {
        if e.entry.kind != portcullis_image::EntryKind::HardLink {
            continue;
        }
        let (Some(target), Ok(path)) = (e.entry.link, std::str::from_utf8(e.entry.path)) else {
            continue;
        };
        if out_of_scope(path) {
            continue;
        }
        let found = (0..=e.layer).rev().find_map(|layer| {
            let facts = layers.get(layer).copied().flatten()?;
            let file = facts.files.iter().find(|f| f.path.as_bytes() == target)?;
            Some((layer, file))
        });
        if let Some((_, file)) = found {
            if let Ok(elf) = &file.facts {
                links.push(Binary {
                    path: format!("/{path}"),
                    layer: e.layer,
                    facts: elf.clone(),
                    package: None,
                });
            }
        }
    }
    files.extend(links);
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Set each binary's owning OS package from the package managers' file
/// lists (dpkg's `.list` files, rpm's and apk's own lists) of the evidence
/// the final filesystem shows. Only the binaries' paths are looked up.
fn name_owners(
    binaries: &mut [Binary],
    facts: &[Option<Facts>],
    fs: &portcullis_image::Filesystem,
    inventory: &Inventory,
) {
    // A merged-/usr root (`bin` a link to `usr/bin`) holds `usr/bin/ls`
    // where dpkg's list says `bin/ls`: both names are looked up.
    let merged: Vec<&str> = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]
        .into_iter()
        .filter(|top| {
            fs.get(top.as_bytes()).is_some_and(|e| {
                e.entry.kind == portcullis_image::EntryKind::Symlink
                    && e.entry.link.is_some_and(|l| {
                        l == format!("usr/{top}").as_bytes()
                            || l == format!("/usr/{top}").as_bytes()
                    })
            })
        })
        .collect();
    let unmerged = |path: &str| -> Option<String> {
        let rest = path.strip_prefix("usr/")?;
        let top = rest.split('/').next()?;
        merged.contains(&top).then(|| rest.to_owned())
    };
    let aliases: Vec<Option<String>> = binaries
        .iter()
        .map(|b| unmerged(b.path.trim_start_matches('/')))
        .collect();
    let wanted: HashSet<&str> = binaries
        .iter()
        .map(|b| b.path.trim_start_matches('/'))
        .chain(aliases.iter().flatten().map(String::as_str))
        .collect();
    // (ecosystem, name, arch) of the owner of each wanted path.
    let mut owner_of: HashMap<String, (&'static str, String, Option<String>)> = HashMap::new();
    for (layer, f) in facts.iter().enumerate() {
        let Some(packages) = f.as_ref().and_then(|f| f.get::<LayerPackages>()) else {
            continue;
        };
        for file in &packages.files {
            if fs
                .get(file.path.as_bytes())
                .is_none_or(|e| e.layer != layer)
            {
                continue;
            }
            for p in &file.found.packages {
                let Some(ecosystem) = p.ecosystem.filter(|e| e.is_os()) else {
                    continue;
                };
                for path in p.files.iter().filter(|f| wanted.contains(f.as_str())) {
                    owner_of.insert(
                        path.clone(),
                        (ecosystem.purl_type(), p.name.clone(), p.arch.clone()),
                    );
                }
            }
            for a in file
                .found
                .attachments
                .iter()
                .filter(|a| a.ecosystem.is_os())
            {
                if let AttachmentKind::Files(files) = &a.kind {
                    for path in files.iter().filter(|f| wanted.contains(f.as_str())) {
                        owner_of.insert(
                            path.clone(),
                            (a.ecosystem.purl_type(), a.name.clone(), a.arch.clone()),
                        );
                    }
                }
            }
        }
    }
    for (b, alias) in binaries.iter_mut().zip(&aliases) {
        let Some((kind, name, arch)) = owner_of
            .get(b.path.trim_start_matches('/'))
            .or_else(|| alias.as_ref().and_then(|a| owner_of.get(a)))
        else {
            continue;
        };
        // dpkg names a list `NAME.list` unless the package is Multi-Arch:
        // same, so an owner without an arch matches by name alone.
        b.package = inventory.packages.iter().position(|p| {
            p.ecosystem.purl_type() == *kind
                && p.name == *name
                && (arch.is_none() || p.arch == *arch)
        });
    }
}
