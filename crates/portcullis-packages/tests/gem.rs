//! The RubyGems cataloger on gemspecs written by `gem install` and shipped
//! by Debian (tests/data/gem/make.sh), against what RubyGems itself reads
//! from each (Gem::Specification.load) and what `gem list` lists.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use portcullis_packages::{gem, Ecosystem, Found};

mod support;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/gem");

/// (path, what it held) for every file the cataloger takes.
fn scan(step: usize) -> Vec<(String, Found)> {
    support::scan_tree(Path::new(DATA), "", gem::cataloger, step)
}

#[test]
fn each_gemspec_as_rubygems_reads_it() {
    let truth: BTreeSet<(String, String, String, Vec<String>)> =
        std::fs::read_to_string(Path::new(DATA).join("truth-specs.tsv"))
            .unwrap()
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let lic = f[3]
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                (f[0].to_owned(), f[1].to_owned(), f[2].to_owned(), lic)
            })
            .collect();
    assert_eq!(truth.len(), 10);
    for step in [1, 50, 1 << 20] {
        let found = scan(step);
        let mut got = BTreeSet::new();
        for (p, f) in &found {
            assert!(f.notes.is_empty(), "{p}: {:?}", f.notes);
            assert_eq!(f.packages.len(), 1, "{p}");
            let pk = &f.packages[0];
            assert_eq!(pk.ecosystem, Some(Ecosystem::Gem));
            assert_eq!(pk.namespace, None);
            assert_eq!(pk.arch, None);
            got.insert((
                p.clone(),
                pk.name.clone(),
                pk.version.clone(),
                pk.licenses.clone(),
            ));
        }
        assert_eq!(got, truth);
    }
}

#[test]
fn local_install_as_gem_list_lists_it() {
    let want: BTreeSet<String> =
        std::fs::read_to_string(Path::new(DATA).join("truth-gem-list.txt"))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
    let got: BTreeSet<String> = scan(4096)
        .iter()
        .filter(|(p, _)| p.starts_with("local/"))
        .flat_map(|(_, f)| {
            f.packages
                .iter()
                .map(|p| format!("{} ({})", p.name, p.version))
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(got.len(), 2);
}

#[test]
fn truncated_real_gemspec() {
    let p = "debian/rubygems-integration/specifications/rake-13.0.6.gemspec";
    let bytes = std::fs::read(Path::new(DATA).join(p)).unwrap();
    // Cut inside `s.name = "rake`: the stub line on top names it.
    let at = bytes.windows(6).position(|w| w == b"\"rake\"").unwrap() + 3;
    let f = gem::parse(p, &bytes[..at]);
    assert_eq!(f.packages.len(), 1);
    assert_eq!(
        (f.packages[0].name.as_str(), f.packages[0].version.as_str()),
        ("rake", "13.0.6")
    );
    assert!(f.packages[0].licenses.is_empty());
    // Cut inside the stub line: nothing.
    let f = gem::parse(p, &bytes[..40]);
    assert!(f.packages.is_empty());
    assert_eq!(f.notes.len(), 1);
}
