//! The .NET cataloger on a deps.json written by hand in the documented
//! format (no SDK here: tests/data/dotnet/make.sh says so).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use portcullis_packages::{dotnet, Ecosystem};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dotnet");

#[test]
fn packages_and_runtimepacks_not_projects() {
    let path = "app/PortcullisDemo.deps.json";
    let bytes = std::fs::read(format!("{DATA}/{path}")).unwrap();
    let want: BTreeSet<(String, String)> = std::fs::read_to_string(format!("{DATA}/truth.tsv"))
        .unwrap()
        .lines()
        .map(|l| {
            let (n, v) = l.split_once('\t').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    assert_eq!(want.len(), 4);
    for step in [1, 333, 1 << 20] {
        let mut c = dotnet::cataloger(path, bytes.len() as u64).unwrap();
        for piece in bytes.chunks(step) {
            assert!(c.chunk(piece));
        }
        let f = c.finish(true);
        assert!(f.notes.is_empty(), "{:?}", f.notes);
        assert_eq!(f.packages.len(), 4);
        for p in &f.packages {
            assert_eq!(p.ecosystem, Some(Ecosystem::Nuget));
            assert!(p.licenses.is_empty() && p.namespace.is_none());
        }
        let got: BTreeSet<_> = f
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        assert_eq!(got, want);
    }
    // Truncated anywhere: a note, nothing else.
    for cut in [0, 1, bytes.len() / 3, bytes.len() - 3] {
        let f = dotnet::parse(path, &bytes[..cut]);
        assert!(f.packages.is_empty());
        assert_eq!(f.notes.len(), 1);
    }
}
