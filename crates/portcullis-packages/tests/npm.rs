//! The npm cataloger on a node_modules tree laid out by `npm ci`
//! (tests/data/npm/make.sh), against what npm itself lists.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use portcullis_packages::{npm, Ecosystem, Found};
use serde_json::Value;

mod support;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/npm");

/// (path, what it held) for every file the cataloger takes.
fn scan(step: usize) -> Vec<(String, Found)> {
    support::scan_tree(Path::new(DATA), "", npm::cataloger, step)
}

type Row = (Option<String>, String, String, Vec<String>);

/// `npm query '*'`: every installed package (not the project itself, at
/// location ""), its license as npm's manifest shows it.
fn truth() -> BTreeSet<Row> {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(DATA).join("truth-npm-query.json")).unwrap(),
    )
    .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|p| p["location"] != "")
        .map(|p| {
            let full = p["name"].as_str().unwrap();
            let (ns, name) = match full.split_once('/') {
                Some((s, n)) => (Some(s.to_owned()), n.to_owned()),
                None => (None, full.to_owned()),
            };
            let mut lic = Vec::new();
            if let Some(l) = p["license"].as_str() {
                lic.push(l.to_owned());
            }
            if let Some(ls) = p["licenses"].as_array() {
                lic.extend(ls.iter().map(|l| l["type"].as_str().unwrap().to_owned()));
            }
            (ns, name, p["version"].as_str().unwrap().to_owned(), lic)
        })
        .collect()
}

#[test]
fn manifests_as_npm_lists_them() {
    for step in [1, 100, 1 << 20] {
        let found = scan(step);
        let manifests: Vec<_> = found
            .iter()
            .filter(|(p, _)| p.ends_with("/package.json"))
            .collect();
        // Not app/package.json, not @babel/runtime/helpers/esm/package.json.
        assert_eq!(manifests.len(), 8);
        let mut got = BTreeSet::new();
        for (p, f) in &manifests {
            assert!(f.notes.is_empty(), "{p}: {:?}", f.notes);
            assert_eq!(f.packages.len(), 1, "{p}");
            let pk = &f.packages[0];
            assert_eq!(pk.ecosystem, Some(Ecosystem::Npm));
            got.insert((
                pk.namespace.clone(),
                pk.name.clone(),
                pk.version.clone(),
                pk.licenses.clone(),
            ));
        }
        assert_eq!(got, truth());
        // The two versions of ms, each at its place.
        let ms: BTreeSet<_> = manifests
            .iter()
            .filter(|(_, f)| f.packages[0].name == "ms")
            .map(|(p, f)| (p.as_str(), f.packages[0].version.as_str()))
            .collect();
        assert_eq!(
            ms,
            BTreeSet::from([
                (
                    "app/node_modules/debug/node_modules/ms/package.json",
                    "2.0.0"
                ),
                ("app/node_modules/ms/package.json", "2.1.3"),
            ])
        );
    }
}

#[test]
fn hidden_lockfile_lists_the_same() {
    // Not handed out by the cataloger (see npm.rs); read by its parser.
    let found = scan(4096);
    assert_eq!(found.len(), 8);
    assert!(found.iter().all(|(p, _)| p.ends_with("/package.json")));
    let p = "app/node_modules/.package-lock.json";
    let lock = &npm::parse_hidden_lock(p, &std::fs::read(Path::new(DATA).join(p)).unwrap());
    assert!(lock.notes.is_empty(), "{:?}", lock.notes);
    let got: BTreeSet<_> = lock
        .packages
        .iter()
        .map(|p| (p.namespace.clone(), p.name.clone(), p.version.clone()))
        .collect();
    let want: BTreeSet<_> = truth().into_iter().map(|(a, b, c, _)| (a, b, c)).collect();
    assert_eq!(lock.packages.len(), 8);
    assert_eq!(got, want);
}

#[test]
fn truncated_real_manifest() {
    let p = "app/node_modules/@babel/runtime/package.json";
    let bytes = std::fs::read(Path::new(DATA).join(p)).unwrap();
    for cut in [1, 10, bytes.len() / 2, bytes.len() - 2] {
        let f = npm::parse_manifest(p, &bytes[..cut]);
        assert!(f.packages.is_empty());
        assert_eq!(f.notes.len(), 1);
    }
    // The feed stopped by the caller: Whole's note.
    let mut c = npm::cataloger(p, bytes.len() as u64).unwrap();
    c.chunk(&bytes[..100]);
    let f = c.finish(false);
    assert!(f.packages.is_empty() && f.notes.len() == 1);
    // Larger than the cap: not read, a note.
    let mut c = npm::cataloger(p, (npm::MANIFEST_CAP + 1) as u64).unwrap();
    assert!(!c.chunk(&bytes));
    assert_eq!(c.finish(true).notes.len(), 1);
}
