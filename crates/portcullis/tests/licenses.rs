//! The license policies (SQ12xxx) through the real binary, on the package
//! fixture images that `fixtures/packages/make.sh DIR` builds with the
//! package managers themselves (mmdebstrap, apk's database, rpm, pip, npm,
//! Go, cargo auditable). The tests run when `PORTCULLIS_PACKAGE_FIXTURES`
//! names such a directory and skip otherwise (tests/packages.rs builds
//! and checks the inventory itself).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::*;

fn fixtures() -> Option<PathBuf> {
    match std::env::var_os("PORTCULLIS_PACKAGE_FIXTURES") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("skipping: PORTCULLIS_PACKAGE_FIXTURES is not set");
            None
        }
    }
}

/// Scan `image` of the fixtures from `cwd` (where a policy file may be):
/// the exit code and the one target's JSON.
fn scan(dir: &std::path::Path, image: &str, cwd: &std::path::Path) -> (i32, Value) {
    let target = format!("docker-archive:{}", dir.join(image).display());
    let o = portcullis(&["scan", "--format", "json", &target], cwd);
    let r = json(&o);
    (code(&o), r["targets"][0].clone())
}

/// `RULE LAYER:PATH message` for each license finding.
fn license_findings(t: &Value) -> Vec<String> {
    let diff_ids: Vec<&str> = t["image"]["layers"]
        .as_array()
        .map(|l| l.iter().filter_map(|l| l["diff_id"].as_str()).collect())
        .unwrap_or_default();
    t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("SQ12")))
        .map(|f| {
            let l = &f["location"];
            assert_eq!(l["kind"], "layer", "{f}");
            assert_eq!(f["category"], "licenses", "{f}");
            let index = l["index"].as_u64().expect("index") as usize;
            assert_eq!(l["digest"].as_str(), diff_ids.get(index).copied(), "{f}");
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap_or(""),
                index,
                l["path"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn statuses(t: &Value) -> Vec<String> {
    policy_statuses(t)
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("SQ12"))
        .map(|(rule, status, _)| format!("{rule} {status}"))
        .collect()
}

#[test]
fn alpine_copyleft_of_the_base_and_of_the_build() {
    let Some(dir) = fixtures() else { return };
    let cwd = dir_with(&[]);
    let (status, t) = scan(&dir, "pkgs-apk.docker.tar", cwd.path());
    assert_eq!(status, 1);
    assert_eq!(
        license_findings(&t),
        [
            "SQ12101 1:/lib/apk/db/installed apk package busybox 1.36.1-r19, installed by this build, is under strong copyleft (GPL-2.0-only)",
            "SQ12102 1:/lib/apk/db/installed apk package alpine-baselayout 3.4.3-r2, from the base image, is under strong copyleft (GPL-2.0-only)",
            "SQ12102 1:/lib/apk/db/installed apk package alpine-baselayout-data 3.4.3-r2, from the base image, is under strong copyleft (GPL-2.0-only)",
        ]
    );
    // License policies warn by default: the organisation decides.
    let mut want = vec!["SQ12101 warn".to_owned(), "SQ12102 warn".to_owned()];
    want.extend(LICENSE_POLICIES[2..].iter().map(|c| format!("{c} pass")));
    assert_eq!(statuses(&t), want);
    // ... until it says a finding fails, or picks the strict profile.
    for setting in [
        "[rule.SQ12101]\naction = \"fail\"\n",
        "profile = \"strict\"\n",
    ] {
        let cwd = dir_with(&[("portcullis.toml", setting)]);
        let (_, t) = scan(&dir, "pkgs-apk.docker.tar", cwd.path());
        assert_eq!(statuses(&t)[0], "SQ12101 fail", "{setting}");
    }
    // Every package's license is known: no note.
    assert!(!t["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n["rule"].as_str().is_some_and(|r| r.starts_with("SQ12"))));
}

#[test]
fn the_policy_files_lists_on_alpine() {
    let Some(dir) = fixtures() else { return };
    let cwd = dir_with(&[(
        "portcullis.toml",
        "[licenses]\nrestricted = [\"GPL-2.0-only\"]\nwarn-families = [\"MIT\"]\n",
    )]);
    let (status, t) = scan(&dir, "pkgs-apk.docker.tar", cwd.path());
    assert_eq!(status, 1);
    let lists: Vec<String> = license_findings(&t)
        .into_iter()
        .filter(|l| l.starts_with("SQ124"))
        .collect();
    assert_eq!(
        lists,
        [
            "SQ12401 1:/lib/apk/db/installed apk package musl 1.2.4_git20230717-r4 is under MIT (the MIT family), which the policy file warns about",
            "SQ12403 1:/lib/apk/db/installed apk package alpine-baselayout 3.4.3-r2 is under GPL-2.0-only, which the policy file does not accept",
            "SQ12403 1:/lib/apk/db/installed apk package alpine-baselayout-data 3.4.3-r2 is under GPL-2.0-only, which the policy file does not accept",
            "SQ12403 1:/lib/apk/db/installed apk package busybox 1.36.1-r19 is under GPL-2.0-only, which the policy file does not accept",
        ]
    );
    let restricted = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "SQ12403")
        .expect("SQ12403");
    assert_eq!(restricted["severity"], "high");
    assert_eq!(restricted["action"], "fail");

    // A misspelt id: the scan does not start, the error is at its place.
    let bad = dir_with(&[(
        "portcullis.toml",
        "[licenses]\nrestricted = [\"gpl-2.0-only\"]\n",
    )]);
    let target = format!(
        "docker-archive:{}",
        dir.join("pkgs-apk.docker.tar").display()
    );
    let o = portcullis(&["scan", &target], bad.path());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("error: portcullis.toml:2:15: unknown SPDX license id `gpl-2.0-only`; did you mean `GPL-2.0-only`?\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn distroless_status_d() {
    let Some(dir) = fixtures() else { return };
    let cwd = dir_with(&[]);
    let (_, t) = scan(&dir, "pkgs-distroless.docker.tar", cwd.path());
    assert_eq!(
        license_findings(&t),
        [
            "SQ12102 0:/var/lib/dpkg/status.d/base-files deb package base-files 12.4+deb12u15, from the base image, is under strong copyleft (GPL-1.0-only)",
            "SQ12102 0:/var/lib/dpkg/status.d/netbase deb package netbase 6.4, from the base image, is under strong copyleft (GPL-2.0-only)",
        ]
    );
}

/// The Debian image with every language: one finding per rule and
/// package, the base's Debian packages low, the build's rpm package
/// medium, CC0-1.0 parts (systemd, perl, gpgv) SQ12408, and one note
/// for the packages of unknown license.
#[test]
fn debian_image_with_every_ecosystem() {
    let Some(dir) = fixtures() else { return };
    let cwd = dir_with(&[]);
    let (_, t) = scan(&dir, "pkgs-main.docker.tar", cwd.path());
    let found = license_findings(&t);
    let of = |code: &str| -> Vec<&String> {
        found
            .iter()
            .filter(|l| l.starts_with(&format!("{code} ")))
            .collect()
    };
    assert_eq!(
        of("SQ12101"),
        ["SQ12101 5:/var/lib/rpm/rpmdb.sqlite rpm package fixture-tools 2:3.1.4-7.fx1, installed by this build, is under strong copyleft (GPL-2.0-or-later)"]
    );
    let base = of("SQ12102");
    assert_eq!(base.len(), 91);
    assert!(base
        .iter()
        .all(|l| l.starts_with("SQ12102 1:/var/lib/dpkg/status deb package ")));
    assert!(base.contains(&&"SQ12102 1:/var/lib/dpkg/status deb package grep 3.8-5, from the base image, is under strong copyleft (GPL-3.0-or-later)".to_owned()));
    // libc6 is installed for two architectures: two findings, told apart.
    assert!(base
        .iter()
        .any(|l| l.contains("deb package libc6 2.36-9+deb12u14 (amd64), from the base image")));
    assert!(base
        .iter()
        .any(|l| l.contains("deb package libc6 2.36-9+deb12u14 (i386), from the base image")));
    let unique: BTreeSet<&String> = found.iter().collect();
    assert_eq!(
        unique.len(),
        found.len(),
        "one finding per rule and package"
    );
    let patents: Vec<&str> = of("SQ12408")
        .iter()
        .filter_map(|l| l.split(" deb package ").nth(1)?.split(' ').next())
        .collect();
    assert_eq!(
        patents,
        [
            "gpgv",
            "libperl5.36",
            "libsystemd0",
            "libudev1",
            "perl",
            "perl-base",
            "perl-modules-5.36"
        ]
    );
    let notes: Vec<&str> = t["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == "SQ12101")
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("31 of 176 packages have no license portcullis could determine (none declared where it looked, or none it recognises; Go and Rust binaries record none): 14 deb, 4 golang, 5 cargo, 5 maven, 3 nuget; deb package libcrypt1 1:4.4.33-2, "),
        "{}",
        notes[0]
    );
}
