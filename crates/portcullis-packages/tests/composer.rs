//! The Composer cataloger on the installed.json `composer install` wrote
//! (tests/data/composer/make.sh), in Composer 2's form and Composer 1's
//! (the same packages as a top-level array), against `composer show` and
//! `composer licenses`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use portcullis_packages::{composer, Ecosystem};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/composer");

fn json(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DATA}/{file}")).unwrap()).unwrap()
}

type Row = (Option<String>, String, String, Vec<String>);

fn truth() -> BTreeSet<Row> {
    let show = json("truth-composer-show.json");
    let lic = json("truth-composer-licenses.json");
    show["installed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let full = p["name"].as_str().unwrap();
            let (v, n) = full.split_once('/').unwrap();
            let licenses = lic["dependencies"][full]["license"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(lic["dependencies"][full]["version"], p["version"]);
            (
                Some(v.to_owned()),
                n.to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                licenses,
            )
        })
        .collect()
}

#[test]
fn both_forms_as_composer_shows_them() {
    let want = truth();
    assert_eq!(want.len(), 3);
    for form in ["v2", "v1"] {
        let path = format!("{form}/vendor/composer/installed.json");
        let bytes = std::fs::read(format!("{DATA}/{path}")).unwrap();
        for step in [1, 100, 1 << 20] {
            let mut c = composer::cataloger(&path, bytes.len() as u64).unwrap();
            for piece in bytes.chunks(step) {
                assert!(c.chunk(piece));
            }
            let f = c.finish(true);
            assert!(f.notes.is_empty(), "{:?}", f.notes);
            assert_eq!(f.packages.len(), 3);
            let got: BTreeSet<Row> = f
                .packages
                .iter()
                .map(|p| {
                    assert_eq!(p.ecosystem, Some(Ecosystem::Composer));
                    (
                        p.namespace.clone(),
                        p.name.clone(),
                        p.version.clone(),
                        p.licenses.clone(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{form}");
        }
        for cut in [1, bytes.len() / 2, bytes.len() - 2] {
            let f = composer::parse(&path, &bytes[..cut]);
            assert!(f.packages.is_empty());
            assert_eq!(f.notes.len(), 1);
        }
    }
}
