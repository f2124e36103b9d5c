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

/// An evidence and the layer that introduced the package there.
type Placed = (Evidence, usize);

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
    let mut os_by_path: Vec<(u8, &Os)> = Vec::new();
    // Packages by key: the package (borrowed: file lists are not copied)
    // and its evidence, each with the layer that introduced it there.
    let mut packages: HashMap<Key, (&Package, Vec<Placed>)> = HashMap::new();
    let mut order: Vec<Key> = Vec::new();
    // Attachments by (ecosystem, name, arch), borrowed.
    type Owner<'a> = (Ecosystem, &'a str, Option<&'a str>);
    let mut files_of: Vec<(Owner<'_>, &[String])> = Vec::new();
    let mut licenses_of: HashMap<Owner<'_>, Vec<&str>> = HashMap::new();

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
            os_by_path.push((os_rank(path), os));
        }
        for attachment in &found.attachments {
            let owner = (
                attachment.ecosystem,
                attachment.name.as_str(),
                attachment.arch.as_deref(),
            );
            match &attachment.kind {
                AttachmentKind::Files(f) => files_of.push((owner, f)),
                AttachmentKind::Licenses(l) => {
                    let all = licenses_of.entry(owner).or_default();
                    for license in l {
                        if !all.contains(&license.as_str()) {
                            all.push(license);
                        }
                    }
                }
            }
        }
        let introduced = if found.packages.is_empty() {
            HashMap::new()
        } else {
            introduced_layers(list)
        };
        for p in &found.packages {
            let Some(ecosystem) = p.ecosystem else {
                continue;
            };
            let k = key(p, ecosystem);
            let introduced = key_ref(p)
                .and_then(|r| introduced.get(&r).copied())
                .unwrap_or(layer);
            let evidence = Evidence {
                layer,
                path: match &p.inner {
                    Some(inner) => format!("/{path}!/{inner}"),
                    None => format!("/{path}"),
                },
            };
            match packages.get_mut(&k) {
                Some((_, evidences)) => evidences.push((evidence, introduced)),
                None => {
                    order.push(k.clone());
                    packages.insert(k, (p, vec![(evidence, introduced)]));
                }
            }
        }
    }

    // A language package's evidence file that an OS package installed (a
    // Python module from a .deb) is that OS package's: one package, both
    // evidences, so that nothing is counted or matched twice. Its other
    // evidences (the same version in a venv) stay its own. Only language
    // packages' evidence paths are looked up in the OS packages' file lists
    // (their own, or dpkg's `.list` attachments): nothing is copied.
    let wanted: HashMap<&str, ()> = order
        .iter()
        .filter(|k| !k.0.is_os())
        .filter_map(|k| packages.get(k))
        .flat_map(|(_, evidences)| evidences.iter())
        .map(|(e, _)| (e.path.trim_start_matches('/'), ()))
        .collect();
    let mut owner_of_path: HashMap<&str, Owner<'_>> = HashMap::new();
    if !wanted.is_empty() {
        for k in order.iter().filter(|k| k.0.is_os()) {
            if let Some((p, _)) = packages.get(k) {
                for f in p.files.iter().filter(|f| wanted.contains_key(f.as_str())) {
                    owner_of_path.insert(f, (k.0, p.name.as_str(), p.arch.as_deref()));
                }
            }
        }
        for (owner, files) in files_of.iter().filter(|(o, _)| o.0.is_os()) {
            for f in files.iter().filter(|f| wanted.contains_key(f.as_str())) {
                owner_of_path.insert(f, *owner);
            }
        }
    }
    // The OS package an owner names: by name and arch, or by name alone
    // (dpkg names a list `NAME.list` unless the package is Multi-Arch: same).
    let os_key = |owner: &Owner<'_>| -> Option<Key> {
        order
            .iter()
            .find(|k| {
                k.0 == owner.0 && k.2 == owner.1 && (owner.2.is_none() || k.4.as_deref() == owner.2)
            })
            .cloned()
    };
    let mut moved: Vec<(Key, (Evidence, usize))> = Vec::new();
    let language: Vec<Key> = order.iter().filter(|k| !k.0.is_os()).cloned().collect();
    for k in &language {
        let Some((_, evidences)) = packages.get_mut(k) else {
            continue;
        };
        let (owned, own): (Vec<_>, Vec<_>) = std::mem::take(evidences)
            .into_iter()
            .partition(|(e, _)| owner_of_path.contains_key(e.path.trim_start_matches('/')));
        *evidences = own;
        for (e, layer) in owned {
            if let Some(o) = owner_of_path
                .get(e.path.trim_start_matches('/'))
                .and_then(&os_key)
            {
                moved.push((o, (e, layer)));
            }
        }
    }
    for (to, evidence) in moved {
        if let Some((_, into)) = packages.get_mut(&to) {
            into.push(evidence);
        }
    }

    let os = os_by_path
        .into_iter()
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, os)| os.clone());
    let mut out: Vec<InstalledPackage> = Vec::with_capacity(order.len());
    let mut ids: HashMap<String, usize> = HashMap::new();
    for k in order {
        let Some((p, evidence)) = packages.remove(&k) else {
            continue;
        };
        // The OS package's own evidence comes first, and says the layer.
        let Some(layer) = evidence.first().map(|(_, layer)| *layer) else {
            continue; // every evidence was an OS package's
        };
        let layer = if k.0.is_os() {
            layer
        } else {
            evidence.iter().map(|(_, l)| *l).min().unwrap_or(layer)
        };
        let evidence: Vec<Evidence> = evidence.into_iter().map(|(e, _)| e).collect();
        let ecosystem = k.0;
        let purl = crate::purl::purl(p, os.as_ref());
        let n = ids.entry(purl.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 {
            purl.clone()
        } else {
            format!("{purl}#{n}")
        };
        // Licenses declared elsewhere (a copyright file) when the evidence
        // itself declares none.
        let licenses: Vec<String> = if p.licenses.is_empty() {
            [p.arch.as_deref(), None]
                .into_iter()
                .find_map(|arch| licenses_of.get(&(ecosystem, p.name.as_str(), arch)))
                .map(|l| l.iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default()
        } else {
            p.licenses.clone()
        };
        out.push(InstalledPackage {
            id,
            ecosystem,
            namespace: p.namespace.clone(),
            license_expression: crate::license::expression(&licenses, ecosystem),
            licenses,
            name: p.name.clone(),
            version: p.version.clone(),
            arch: p.arch.clone(),
            purl,
            source: p.source.clone(),
            layer: Some(layer),
            evidence,
            go_version: p.go_version.clone(),
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

/// What makes two packages the same, borrowed (no copies to compare).
type KeyRef<'a> = (
    Ecosystem,
    Option<&'a str>,
    &'a str,
    &'a str,
    Option<&'a str>,
);

fn key_ref(p: &Package) -> Option<KeyRef<'_>> {
    Some((
        p.ecosystem?,
        p.namespace.as_deref(),
        p.name.as_str(),
        p.version.as_str(),
        p.arch.as_deref(),
    ))
}

/// For each package of the last version of an evidence file, the first
/// layer of the unbroken run of versions, ending with the last, that list
/// it: where it was installed at this version. Each earlier version is
/// looked at once (a set of its packages), not once per package.
fn introduced_layers<'a>(versions: &[(usize, &'a Found)]) -> HashMap<KeyRef<'a>, usize> {
    let Some(&(last_layer, last)) = versions.last() else {
        return HashMap::new();
    };
    let mut first: HashMap<KeyRef<'a>, usize> = last
        .packages
        .iter()
        .filter_map(key_ref)
        .map(|k| (k, last_layer))
        .collect();
    // Packages whose run is still unbroken, going back.
    let mut open: Vec<KeyRef<'a>> = first.keys().copied().collect();
    for &(layer, found) in versions.iter().rev().skip(1) {
        if open.is_empty() {
            break;
        }
        let listed: std::collections::HashSet<KeyRef<'a>> =
            found.packages.iter().filter_map(key_ref).collect();
        open.retain(|k| {
            let still = listed.contains(k);
            if still {
                first.insert(*k, layer);
            }
            still
        });
    }
    first
}

/// Which OS file wins: `os-release` over the distributions' own files.
fn os_rank(path: &str) -> u8 {
    crate::os::precedence(path).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attachment, SourcePackage};

    fn deb(name: &str, version: &str) -> Package {
        Package {
            ecosystem: Some(Ecosystem::Deb),
            name: name.into(),
            version: version.into(),
            arch: Some("amd64".into()),
            source: Some(SourcePackage {
                name: name.into(),
                version: None,
            }),
            ..Package::default()
        }
    }

    fn lang(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package {
            ecosystem: Some(ecosystem),
            name: name.into(),
            version: version.into(),
            ..Package::default()
        }
    }

    fn file(path: &str, packages: Vec<Package>) -> LayerFile {
        LayerFile {
            path: path.into(),
            found: Found {
                packages,
                ..Found::default()
            },
        }
    }

    /// (type, name, version, layer, evidence paths) of each package.
    fn summary(inventory: &Inventory) -> Vec<(String, String, String, usize, Vec<String>)> {
        inventory
            .packages
            .iter()
            .map(|p| {
                (
                    p.ecosystem.to_string(),
                    p.name.clone(),
                    p.version.clone(),
                    p.layer.unwrap_or(usize::MAX),
                    p.evidence
                        .iter()
                        .map(|e| format!("{}@{}", e.path, e.layer))
                        .collect(),
                )
            })
            .collect()
    }

    const STATUS: &str = "var/lib/dpkg/status";

    #[test]
    fn a_package_is_introduced_by_the_first_layer_that_lists_it_at_its_version() {
        let l0 = vec![file(
            STATUS,
            vec![deb("bash", "5.2-1"), deb("curl", "7.88-1")],
        )];
        // Layer 1 upgrades curl and adds jq; layer 2 removes jq again and
        // rewrites the database without other change.
        let l1 = vec![file(
            STATUS,
            vec![
                deb("bash", "5.2-1"),
                deb("curl", "7.88-2"),
                deb("jq", "1.6-2"),
            ],
        )];
        let l2 = vec![file(
            STATUS,
            vec![deb("bash", "5.2-1"), deb("curl", "7.88-2")],
        )];
        let layers: Vec<&[LayerFile]> = vec![&l0, &l1, &l2];
        let (inventory, notes) = inventory(&layers, &|p, l| p == STATUS && l == 2);
        assert!(notes.is_empty());
        let ev = vec![format!("/{STATUS}@2")];
        assert_eq!(
            summary(&inventory),
            [
                ("deb".into(), "bash".into(), "5.2-1".into(), 0, ev.clone()),
                ("deb".into(), "curl".into(), "7.88-2".into(), 1, ev),
            ]
        );
    }

    #[test]
    fn a_package_reinstalled_after_a_removal_is_introduced_by_the_reinstall() {
        let l0 = vec![file(STATUS, vec![deb("jq", "1.6-2")])];
        let l1 = vec![file(STATUS, vec![])];
        let l2 = vec![file(STATUS, vec![deb("jq", "1.6-2")])];
        let layers: Vec<&[LayerFile]> = vec![&l0, &l1, &l2];
        let (inventory, _) = inventory(&layers, &|_, l| l == 2);
        assert_eq!(inventory.packages.len(), 1);
        assert_eq!(inventory.packages[0].layer, Some(2));
    }

    #[test]
    fn evidence_the_final_filesystem_no_longer_shows_lists_nothing() {
        let meta = "usr/lib/python3/site-packages/six-1.16.0.dist-info/METADATA";
        let l0 = vec![file(meta, vec![lang(Ecosystem::Pypi, "six", "1.16.0")])];
        let l1: Vec<LayerFile> = Vec::new(); // `pip uninstall six` deleted it
        let layers: Vec<&[LayerFile]> = vec![&l0, &l1];
        let (inventory, _) = inventory(&layers, &|_, _| false);
        assert!(inventory.packages.is_empty());
    }

    #[test]
    fn the_same_package_in_two_places_is_one_package_with_both_evidences() {
        let a = "app/node_modules/ms/package.json";
        let b = "app/node_modules/debug/node_modules/ms/package.json";
        let l0 = vec![
            file(a, vec![lang(Ecosystem::Npm, "ms", "2.1.3")]),
            file(b, vec![lang(Ecosystem::Npm, "ms", "2.1.3")]),
        ];
        let l1 = vec![file(
            "srv/node_modules/ms/package.json",
            vec![lang(Ecosystem::Npm, "ms", "2.0.0")],
        )];
        let layers: Vec<&[LayerFile]> = vec![&l0, &l1];
        let (inventory, _) = inventory(&layers, &|_, _| true);
        assert_eq!(
            summary(&inventory),
            [
                (
                    "npm".into(),
                    "ms".into(),
                    "2.0.0".into(),
                    1,
                    vec!["/srv/node_modules/ms/package.json@1".into()]
                ),
                (
                    "npm".into(),
                    "ms".into(),
                    "2.1.3".into(),
                    0,
                    vec![format!("/{b}@0"), format!("/{a}@0")]
                ),
            ]
        );
        assert_eq!(inventory.packages[0].id, "pkg:npm/ms@2.0.0");
    }

    #[test]
    fn a_language_package_an_os_package_installed_is_that_os_package() {
        let meta = "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO";
        let l0 = vec![
            file(STATUS, vec![deb("python3-six", "1.16.0-4")]),
            LayerFile {
                path: "var/lib/dpkg/info/python3-six.list".into(),
                found: Found {
                    attachments: vec![Attachment {
                        ecosystem: Ecosystem::Deb,
                        name: "python3-six".into(),
                        arch: None,
                        kind: AttachmentKind::Files(vec![
                            "usr/lib/python3/dist-packages/six.py".into(),
                            meta.into(),
                        ]),
                    }],
                    ..Found::default()
                },
            },
            file(meta, vec![lang(Ecosystem::Pypi, "six", "1.16.0")]),
        ];
        let layers: Vec<&[LayerFile]> = vec![&l0];
        let (inventory, _) = inventory(&layers, &|_, _| true);
        assert_eq!(
            summary(&inventory),
            [(
                "deb".into(),
                "python3-six".into(),
                "1.16.0-4".into(),
                0,
                vec![format!("/{STATUS}@0"), format!("/{meta}@0")]
            )]
        );
        assert_eq!(inventory.packages[0].arch.as_deref(), Some("amd64"));
    }

    #[test]
    fn licenses_from_copyright_files_join_their_package_and_notes_are_kept() {
        let l0 = vec![
            file(STATUS, vec![deb("bash", "5.2-1")]),
            LayerFile {
                path: "usr/share/doc/bash/copyright".into(),
                found: Found {
                    attachments: vec![Attachment {
                        ecosystem: Ecosystem::Deb,
                        name: "bash".into(),
                        arch: None,
                        kind: AttachmentKind::Licenses(vec!["GPL-3+".into()]),
                    }],
                    ..Found::default()
                },
            },
            LayerFile {
                path: "var/lib/rpm/rpmdb.sqlite".into(),
                found: Found {
                    notes: vec!["page 7 points back to page 3 (a loop)".into()],
                    ..Found::default()
                },
            },
        ];
        let layers: Vec<&[LayerFile]> = vec![&l0];
        let (inventory, notes) = inventory(&layers, &|_, _| true);
        assert_eq!(inventory.packages[0].licenses, ["GPL-3+"]);
        assert_eq!(
            notes,
            [ReadNote {
                layer: 0,
                path: "var/lib/rpm/rpmdb.sqlite".into(),
                message: "page 7 points back to page 3 (a loop)".into(),
            }]
        );
    }

    #[test]
    fn the_same_version_in_a_venv_stays_a_language_package() {
        let system = "usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA";
        let venv = "opt/venv/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA";
        let l0 = vec![
            file(STATUS, vec![deb("python3-pip", "23.0.1+dfsg-1")]),
            LayerFile {
                path: "var/lib/dpkg/info/python3-pip.list".into(),
                found: Found {
                    attachments: vec![Attachment {
                        ecosystem: Ecosystem::Deb,
                        name: "python3-pip".into(),
                        arch: None,
                        kind: AttachmentKind::Files(vec![system.into()]),
                    }],
                    ..Found::default()
                },
            },
            file(system, vec![lang(Ecosystem::Pypi, "pip", "23.0.1")]),
        ];
        let l1 = vec![file(venv, vec![lang(Ecosystem::Pypi, "pip", "23.0.1")])];
        let layers: Vec<&[LayerFile]> = vec![&l0, &l1];
        let (inventory, _) = inventory(&layers, &|_, _| true);
        assert_eq!(
            summary(&inventory),
            [
                (
                    "deb".into(),
                    "python3-pip".into(),
                    "23.0.1+dfsg-1".into(),
                    0,
                    vec![format!("/{STATUS}@0"), format!("/{system}@0")]
                ),
                (
                    "pypi".into(),
                    "pip".into(),
                    "23.0.1".into(),
                    1,
                    vec![format!("/{venv}@1")]
                ),
            ]
        );
    }

    #[test]
    fn os_release_wins_over_the_distributions_own_file() {
        let os = |id: &str, v: &str| LayerFile {
            path: String::new(),
            found: Found {
                os: Some(Os {
                    id: id.into(),
                    version_id: Some(v.into()),
                    ..Os::default()
                }),
                ..Found::default()
            },
        };
        let mut a = os("debian", "12.5");
        a.path = "etc/debian_version".into();
        let mut b = os("debian", "12");
        b.path = "usr/lib/os-release".into();
        let l0 = vec![a, b];
        let layers: Vec<&[LayerFile]> = vec![&l0];
        let (inventory, _) = inventory(&layers, &|_, _| true);
        assert_eq!(
            inventory.os.and_then(|o| o.version_id).as_deref(),
            Some("12")
        );
    }
}
