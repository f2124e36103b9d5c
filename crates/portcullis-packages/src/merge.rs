//! From what each layer's files held to the image's inventory: which
//! evidence the final filesystem still shows, the layer that introduced each
//! package, attachments joined to their packages, duplicates made one.
//!
//! Pure: the caller says which (path, layer) versions of a file the final
//! filesystem shows; nothing here knows of tar, whiteouts or images.

use std::collections::{BTreeMap, HashMap};

use crate::inventory::{Evidence, InstalledPackage, Inventory};
use crate::model::{AttachmentKind, Ecosystem, Found, Os, Package};

/// One evidence file of a layer and what it held.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LayerFile {
    /// Normalised: relative to the root, no leading `/`.
    pub path: String,
    pub found: Found,
}

/// Something a cataloger could not read, for the report's notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadNote {
    pub layer: usize,
    /// Normalised path.
    pub path: String,
    pub message: String,
}

/// What makes two packages the same package.
type Key = (Ecosystem, Option<String>, String, String, Option<String>);

fn key(p: &Package, ecosystem: Ecosystem) -> Key {
    (
        ecosystem,
        p.namespace.clone(),
        p.name.clone(),
        p.version.clone(),
        p.arch.clone(),
    )
}

/// The inventory of an image whose layers (in order) held `layers`.
/// `live(path, layer)`: the final filesystem shows that layer's version of
/// the file. Notes come only from files the final filesystem shows.
pub fn inventory(
    layers: &[&[LayerFile]],
    live: &dyn Fn(&str, usize) -> bool,
) -> (Inventory, Vec<ReadNote>) {
    // Every version of each evidence file, in layer order.
    let mut versions: BTreeMap<&str, Vec<(usize, &Found)>> = BTreeMap::new();
    for (layer, files) in layers.iter().enumerate() {
        for file in files.iter() {
            versions
                .entry(file.path.as_str())
                .or_default()
                .push((layer, &file.found));
        }
    }

    let mut notes = Vec::new();
    let mut os_by_path: Vec<(u8, Os)> = Vec::new();
    // Packages by key: the package, its introducing layer, its evidence.
    let mut packages: HashMap<Key, (Package, usize, Vec<Evidence>)> = HashMap::new();
    let mut order: Vec<Key> = Vec::new();
    // Attachments by (ecosystem, name, arch).
    let mut files_of: HashMap<(Ecosystem, String, Option<String>), Vec<String>> = HashMap::new();
    let mut licenses_of: HashMap<(Ecosystem, String, Option<String>), Vec<String>> = HashMap::new();

    for (path, list) in &versions {
        let Some(&(layer, found)) = list.last() else {
            continue;
        };
        if !live(path, layer) {
            continue;
        }
        for message in &found.notes {
            notes.push(ReadNote {
                layer,
                path: (*path).to_owned(),
                message: message.clone(),
            });
        }
        if let Some(os) = &found.os {
            os_by_path.push((os_rank(path), os.clone()));
        }
        for attachment in &found.attachments {
            let k = (
                attachment.ecosystem,
                attachment.name.clone(),
                attachment.arch.clone(),
            );
            match &attachment.kind {
                AttachmentKind::Files(f) => {
                    files_of.entry(k).or_default().extend(f.iter().cloned())
                }
                AttachmentKind::Licenses(l) => {
                    let all = licenses_of.entry(k).or_default();
                    for license in l {
                        if !all.contains(license) {
                            all.push(license.clone());
                        }
                    }
                }
            }
        }
        for p in &found.packages {
            let Some(ecosystem) = p.ecosystem else {
                continue;
            };
            let k = key(p, ecosystem);
            let introduced = introduced_at(list, &k);
            let evidence = Evidence {
                layer,
                path: format!("/{path}"),
            };
            match packages.get_mut(&k) {
                Some((_, first, evidences)) => {
                    *first = (*first).min(introduced);
                    evidences.push(evidence);
                }
                None => {
                    order.push(k.clone());
                    packages.insert(k, (p.clone(), introduced, vec![evidence]));
                }
            }
        }
    }

    // Attachments: files owned and licenses declared elsewhere.
    for (package, _, _) in packages.values_mut() {
        let Some(ecosystem) = package.ecosystem else {
            continue;
        };
        for arch in [package.arch.clone(), None] {
            let k = (ecosystem, package.name.clone(), arch);
            if let Some(f) = files_of.get(&k) {
                if package.files.is_empty() {
                    package.files = f.clone();
                }
            }
            if let Some(l) = licenses_of.get(&k) {
                if package.licenses.is_empty() {
                    package.licenses = l.clone();
                }
            }
        }
    }

    // A language package whose evidence file an OS package installed (a
    // Python module from a .deb) is that OS package: one package, both
    // evidences, so that nothing is counted or matched twice.
    let mut owner: HashMap<&str, Key> = HashMap::new();
    for k in &order {
        if let Some((p, _, _)) = packages.get(k) {
            if k.0.is_os() {
                for f in &p.files {
                    owner.insert(f.as_str(), k.clone());
                }
            }
        }
    }
    let mut merged_into: Vec<(Key, Key)> = Vec::new();
    for k in &order {
        if k.0.is_os() {
            continue;
        }
        let Some((_, _, evidences)) = packages.get(k) else {
            continue;
        };
        let owned_by = evidences
            .iter()
            .find_map(|e| owner.get(e.path.trim_start_matches('/')).cloned());
        if let Some(o) = owned_by {
            merged_into.push((k.clone(), o));
        }
    }
    for (from, to) in merged_into {
        if let Some((_, _, evidences)) = packages.remove(&from) {
            if let Some((_, _, into)) = packages.get_mut(&to) {
                into.extend(evidences);
            }
        }
    }

    let os = os_by_path
        .into_iter()
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, os)| os);
    let mut out: Vec<InstalledPackage> = Vec::with_capacity(order.len());
    let mut ids: HashMap<String, usize> = HashMap::new();
    for k in order {
        let Some((p, layer, evidence)) = packages.remove(&k) else {
            continue;
        };
        let ecosystem = k.0;
        let purl = purl_of(&p, os.as_ref()); // INTEGRATION: crate::purl::purl once it lands
        let n = ids.entry(purl.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 {
            purl.clone()
        } else {
            format!("{purl}#{n}")
        };
        out.push(InstalledPackage {
            id,
            ecosystem,
            namespace: p.namespace.clone(),
            license_expression: expression_of(&p.licenses, ecosystem), // INTEGRATION: crate::license::expression
            licenses: p.licenses,
            name: p.name,
            version: p.version,
            arch: p.arch,
            purl,
            source: p.source,
            layer: Some(layer),
            evidence,
            go_version: p.go_version,
        });
    }
    out.sort_by(|a, b| {
        (a.ecosystem, &a.namespace, &a.name, &a.version, &a.arch).cmp(&(
            b.ecosystem,
            &b.namespace,
            &b.name,
            &b.version,
            &b.arch,
        ))
    });
    (Inventory { os, packages: out }, notes)
}

/// The first layer of the unbroken run of versions, ending with the last,
/// that list the package: where it was installed at this version.
fn introduced_at(versions: &[(usize, &Found)], k: &Key) -> usize {
    let mut first = versions.last().map_or(0, |v| v.0);
    for (layer, found) in versions.iter().rev() {
        let lists = found
            .packages
            .iter()
            .any(|p| p.ecosystem.is_some_and(|e| key(p, e) == *k));
        if !lists {
            break;
        }
        first = *layer;
    }
    first
}

/// Which OS file wins: `os-release` over the distributions' own files.
fn os_rank(path: &str) -> u8 {
    match path {
        "etc/os-release" => 0,
        "usr/lib/os-release" => 1,
        _ => 2,
    }
}

// INTEGRATION placeholders until purl.rs and license.rs land (same session).
fn purl_of(p: &Package, _os: Option<&Os>) -> String {
    format!(
        "pkg:{}/{}@{}",
        p.ecosystem.map_or("generic", |e| e.purl_type()),
        p.name,
        p.version
    )
}
fn expression_of(_raw: &[String], _ecosystem: Ecosystem) -> Option<String> {
    None
}
