//! The Python cataloger on site-packages made by pip and by Debian's
//! packages (tests/data/python/make.sh), against what pip itself lists.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use portcullis_packages::{python, AttachmentKind, Ecosystem, Found};
use serde_json::Value;

mod support;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/python");

/// Every file of `tree` offered to the cataloger, fed in `step`-byte chunks.
fn scan(tree: &str, step: usize) -> (Found, usize) {
    let mut all = Found::default();
    let mut taken = 0;
    for (_, mut f) in support::scan_tree(Path::new(DATA), tree, python::cataloger, step) {
        taken += 1;
        all.packages.append(&mut f.packages);
        all.attachments.append(&mut f.attachments);
        all.notes.append(&mut f.notes);
    }
    (all, taken)
}

type Row = (String, String, Vec<String>);

/// pip's truth, with this cataloger's documented license rule applied to
/// pip's fields: License-Expression, else License when one line of at most
/// 100 characters and not UNKNOWN; then the License classifiers.
fn truth(file: &str) -> BTreeSet<Row> {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(DATA).join(file)).unwrap())
            .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut lic = Vec::new();
            if let Some(e) = p["license_expression"].as_str() {
                lic.push(e.to_owned());
            } else if let Some(l) = p["license"].as_str() {
                if !l.contains('\n') && l.chars().count() <= 100 && !l.is_empty() && l != "UNKNOWN"
                {
                    lic.push(l.to_owned());
                }
            }
            for c in p["license_classifiers"].as_array().unwrap() {
                lic.push(c.as_str().unwrap().to_owned());
            }
            (
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                lic,
            )
        })
        .collect()
}

fn list(file: &str) -> BTreeSet<(String, String)> {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(DATA).join(file)).unwrap())
            .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn got(f: &Found) -> BTreeSet<Row> {
    f.packages
        .iter()
        .map(|p| {
            assert_eq!(p.ecosystem, Some(Ecosystem::Pypi));
            assert_eq!(p.namespace, None);
            (p.name.clone(), p.version.clone(), p.licenses.clone())
        })
        .collect()
}

#[test]
fn venv_as_pip_lists_it() {
    for step in [1, 13, 4096, 1 << 20] {
        let (f, taken) = scan("venv", step);
        assert!(f.notes.is_empty(), "{:?}", f.notes);
        assert_eq!(f.packages.len(), 8);
        assert_eq!(taken, 16);
        assert_eq!(got(&f), truth("truth-venv-inspect.json"));
        let names: BTreeSet<_> = f
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        assert_eq!(names, list("truth-venv-list.json"));
    }
}

#[test]
fn debian_dist_packages_as_pip_lists_them() {
    let (f, taken) = scan("debian", 64);
    assert!(f.notes.is_empty(), "{:?}", f.notes);
    // six, certifi, python-debian: egg-info directories; pycairo: a
    // single-file egg-info; chardet: a dist-info with its RECORD.
    assert_eq!(taken, 6);
    assert_eq!(f.packages.len(), 5);
    assert_eq!(got(&f), truth("truth-debian-inspect.json"));
    let names: BTreeSet<_> = f
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(names, list("truth-debian-list.json"));
}

/// RECORD against `pip show --files`, resolved by hand.
#[test]
fn record_is_what_pip_shows() {
    let (f, _) = scan("venv", 4096);
    let show = std::fs::read_to_string(Path::new(DATA).join("truth-venv-show-files.txt")).unwrap();
    let sp = "venv/lib/python3.11/site-packages/";
    let mut by_pkg: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in show.lines() {
        if let Some(n) = line.strip_prefix("Name: ") {
            by_pkg.push((n.to_owned(), BTreeSet::new()));
        } else if let Some(file) = line.strip_prefix("  ") {
            let full = match file.strip_prefix("../../../") {
                Some(rest) => format!("venv/{rest}"),
                None => format!("{sp}{file}"),
            };
            by_pkg.last_mut().unwrap().1.insert(full);
        }
    }
    assert_eq!(by_pkg.len(), 2);
    for (name, want) in by_pkg {
        let a = f.attachments.iter().find(|a| a.name == name).unwrap();
        let AttachmentKind::Files(got) = &a.kind else {
            panic!()
        };
        assert_eq!(got.len(), want.len());
        assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), want, "{name}");
    }
    assert!(f.attachments.iter().any(|a| matches!(&a.kind, AttachmentKind::Files(v) if v.contains(&"venv/bin/normalizer".to_owned()))));
    assert_eq!(f.attachments.len(), 8);
    // Each RECORD's attachment is named so that it joins its METADATA's
    // package by PEP 503 normalised name.
    let packages: BTreeSet<String> = f.packages.iter().map(|p| python::pep503(&p.name)).collect();
    let attached: BTreeSet<String> = f.attachments.iter().map(|a| a.name.clone()).collect();
    assert_eq!(packages, attached);
}

/// A real METADATA whose body is 100 MiB: only the headers are read.
#[test]
fn a_huge_body_is_not_read() {
    let p = "venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA";
    let mut bytes = std::fs::read(Path::new(DATA).join(p)).unwrap();
    let head = bytes.len();
    bytes.resize(100 << 20, b'x');
    let mut c = python::cataloger(p, bytes.len() as u64).unwrap();
    let mut fed = 0;
    for piece in bytes.chunks(65536) {
        fed += piece.len();
        if !c.chunk(piece) {
            break;
        }
    }
    assert!(fed <= 65536.max(head));
    let f = c.finish(true);
    assert_eq!(f.packages[0].name, "six");
    assert!(f.notes.is_empty());
}
