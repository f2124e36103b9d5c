//! The rpm database readers against databases made by rpm itself (and by
//! Berkeley DB's own db5.3_load for the bdb format): see
//! tests/data/rpm/make.sh. The truth is what `rpm -qa` / `rpm -ql` listed.

use std::io::Read;

use portcullis_packages::model::{Ecosystem, Package, SourcePackage};
use portcullis_packages::rpm;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rpm");

fn xz(name: &str) -> Vec<u8> {
    let file = std::fs::File::open(format!("{DATA}/{name}")).unwrap();
    let mut out = Vec::new();
    liblzma::read::XzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The packages rpm listed, as our model holds them (gpg-pubkey left out:
/// the reader skips it on purpose).
fn truth() -> Vec<Package> {
    let qa = std::fs::read_to_string(format!("{DATA}/truth-qa.tsv")).unwrap();
    let ql = std::fs::read_to_string(format!("{DATA}/truth-ql.tsv")).unwrap();
    let mut out = Vec::new();
    for line in qa.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "{line}");
        let (name, epoch, evr, arch, license, srpm) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        if name == "gpg-pubkey" {
            continue;
        }
        // EPOCHNUM prints 0 for no epoch; our version has the epoch only
        // when the header has one.
        let version = if epoch == "(none)" {
            evr.strip_prefix("0:").unwrap().to_owned()
        } else {
            evr.to_owned()
        };
        let stem = srpm.strip_suffix(".src.rpm").unwrap();
        let mut parts = stem.rsplitn(3, '-');
        let (rel, ver, sname) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let mut files: Vec<String> = ql
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(n, _)| *n == name)
            .map(|(_, p)| p.strip_prefix('/').unwrap().to_owned())
            .collect();
        files.sort();
        out.push(Package {
            ecosystem: Some(Ecosystem::Rpm),
            name: name.to_owned(),
            version,
            arch: Some(arch.to_owned()),
            licenses: vec![license.to_owned()],
            source: Some(SourcePackage {
                name: sname.to_owned(),
                version: Some(format!("{ver}-{rel}")),
            }),
            files,
            ..Package::default()
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn sorted(mut p: Vec<Package>) -> Vec<Package> {
    for x in &mut p {
        x.files.sort();
    }
    p.sort_by(|a, b| a.name.cmp(&b.name));
    p
}

#[test]
fn the_truth_is_what_the_fixtures_say() {
    // The truth itself, spelled out once, so that a regenerated fixture
    // that lost a package cannot pass silently.
    let t = truth();
    let names: Vec<&str> = t.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["epochtool", "libepoch", "manyfiles", "tinynoarch"]);
    assert_eq!(t[0].version, "3:2.5.1-7.el9");
    assert_eq!(t[0].licenses, ["MIT and (GPLv2+ or BSD)"]);
    assert_eq!(
        t[1].source,
        Some(SourcePackage {
            name: "epochtool".into(),
            version: Some("2.5.1-7.el9".into())
        })
    );
    assert_eq!(t[2].files.len(), 240 + 12 + 1);
    assert_eq!(t[3].arch.as_deref(), Some("noarch"));
    assert!(t[3].files.contains(&"etc/tinynoarch.conf".to_owned()));
}

#[test]
fn sqlite_database_made_by_rpm() {
    let db = xz("rpmdb.sqlite.xz");
    assert_eq!(rpm::sniff(&db), Some(rpm::Format::Sqlite));
    let found = rpm::parse("var/lib/rpm/rpmdb.sqlite", &db);
    assert_eq!(found.notes, Vec::<String>::new());
    assert_eq!(sorted(found.packages), truth());
}

#[test]
fn berkeley_db_hash_made_by_db5_3_load() {
    for name in ["Packages.xz", "Packages-512.xz"] {
        let db = xz(name);
        assert_eq!(rpm::sniff(&db), Some(rpm::Format::BerkeleyDb), "{name}");
        let found = rpm::parse("var/lib/rpm/Packages", &db);
        assert_eq!(found.notes, Vec::<String>::new(), "{name}");
        assert_eq!(sorted(found.packages), truth(), "{name}");
    }
}

#[test]
fn ndb_made_by_rpm() {
    let db = xz("Packages.db.xz");
    assert_eq!(rpm::sniff(&db), Some(rpm::Format::Ndb));
    let found = rpm::parse("usr/lib/sysimage/rpm/Packages.db", &db);
    assert_eq!(found.notes, Vec::<String>::new());
    assert_eq!(sorted(found.packages), truth());
}
