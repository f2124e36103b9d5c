//! The matcher on the real OSV records and KEV excerpt of `fixtures/vulns`
//! (their sources in fixtures/vulns/SOURCES.md), imported as `db import`
//! imports them, against inventories shaped as the catalogers report the
//! packages of the fixture images (fixtures/vulns/README.md): which records
//! hit, which must not and why, the fix, the merged ids, severity and KEV.
//! The whole path on the built images is the CLI's tests/vulnerabilities.rs.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::path::{Path, PathBuf};

use portcullis_advisories::db::{Database, Store};
use portcullis_advisories::matching::{match_inventory, MatchOptions, Matches};
use portcullis_advisories::source::{import, Report};
use portcullis_advisories::vex::{ImageIdentity, VexSet};
use portcullis_advisories::{Class, Fix};
use portcullis_packages::{Ecosystem, Evidence, InstalledPackage, Inventory, Os, SourcePackage};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vulns")
}

fn database() -> Database {
    let mut store = Store::new();
    let mut report = Report::default();
    import(
        &mut store,
        &[fixtures().join("osv"), fixtures().join("kev.json")],
        &mut report,
    )
    .unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.kev, Some(2));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.db");
    store.write(&path).unwrap();
    Database::open(&path).unwrap()
}

fn pkg(
    ecosystem: Ecosystem,
    namespace: Option<&str>,
    name: &str,
    version: &str,
) -> InstalledPackage {
    let full = match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    };
    let purl = format!("pkg:{}/{full}@{version}", ecosystem.purl_type());
    InstalledPackage {
        id: purl.clone(),
        ecosystem,
        namespace: namespace.map(str::to_owned),
        name: name.to_owned(),
        version: version.to_owned(),
        arch: None,
        purl,
        licenses: Vec::new(),
        license_expression: None,
        source: None,
        layer: Some(1),
        evidence: vec![Evidence {
            layer: 1,
            path: "/evidence".into(),
        }],
        go_version: None,
    }
}

fn debian(version: &str) -> Os {
    Os {
        id: "debian".into(),
        version_id: Some(version.into()),
        version_codename: None,
        id_like: Vec::new(),
        pretty_name: None,
    }
}

fn run(inventory: &Inventory, options: MatchOptions) -> Matches {
    match_inventory(
        &database(),
        inventory,
        &VexSet::new(),
        &ImageIdentity {
            digest: None,
            names: Vec::new(),
            purl: None,
        },
        options,
    )
}

/// `id [aliases] package installed -> fix (class)` per vulnerability.
fn lines(m: &Matches, inventory: &Inventory) -> Vec<String> {
    m.vulnerabilities
        .iter()
        .zip(&m.packages)
        .map(|(v, &i)| {
            let p = &inventory.packages[i];
            let fix = match &v.fix {
                Fix::Fixed { version } => version.clone(),
                Fix::NotFixed { note } => format!("none {note:?}"),
            };
            format!(
                "{} [{}] {} {} -> {fix} ({})",
                v.id,
                v.aliases.join(" "),
                p.name,
                v.installed,
                v.severity.class
            )
        })
        .collect()
}

/// The language packages of the vulns-lang image (fixtures/vulns/README.md)
/// and of pkgs-main's venv, as the catalogers report them.
fn language_inventory() -> Inventory {
    use Ecosystem::*;
    Inventory {
        os: Some(debian("12")),
        packages: vec![
            pkg(Pypi, None, "requests", "2.25.1"),
            pkg(Pypi, None, "urllib3", "1.26.4"),
            pkg(Pypi, None, "idna", "2.10"),
            // The upgraded, fixed release.
            pkg(Pypi, None, "Jinja2", "2.11.3"),
            pkg(Pypi, None, "setuptools", "66.1.1"),
            pkg(Pypi, None, "pip", "23.0.1"),
            pkg(Npm, None, "lodash", "4.17.15"),
            pkg(Npm, None, "minimist", "1.2.8"),
            pkg(Npm, None, "minimist", "0.0.8"),
            pkg(Npm, None, "debug", "2.6.9"),
            pkg(Golang, Some("golang.org/x"), "net", "v0.7.0"),
            pkg(Golang, Some("golang.org/x"), "text", "v0.7.0"),
            pkg(Golang, None, "stdlib", "go1.19.8"),
            pkg(
                Maven,
                Some("org.apache.activemq"),
                "activemq-client",
                "5.17.2",
            ),
            pkg(Maven, Some("org.yaml"), "snakeyaml", "1.33"),
        ],
    }
}

#[test]
fn language_packages_hit_exactly_the_records_that_name_their_versions() {
    let inventory = language_inventory();
    let m = run(&inventory, MatchOptions::default());
    assert_eq!(
        lines(&m, &inventory),
        [
            "CVE-2023-32681 [GHSA-j8r2-6x86-q33q] requests 2.25.1 -> 2.31.0 (medium)",
            "CVE-2021-33503 [GHSA-q2q7-5pp4-w6pg] urllib3 1.26.4 -> 1.26.5 (high)",
            "CVE-2024-3651 [GHSA-jjg7-2v4v-x38h] idna 2.10 -> 3.7 (medium)",
            // 66.1.1 is above GHSA-r9hx-vwmv-q579's fix (65.5.1).
            "CVE-2024-6345 [GHSA-cx63-2mw6-8hw5] setuptools 66.1.1 -> 70.0.0 (high)",
            "CVE-2023-5752 [GHSA-mq26-g339-26xf] pip 23.0.1 -> 23.3 (medium)",
            "CVE-2021-23337 [GHSA-35jh-r3h4-6jhm] lodash 4.17.15 -> 4.17.21 (high)",
            // Only the nested 0.0.8: 1.2.8 is above both ranges' fixes.
            "CVE-2021-44906 [GHSA-xvch-5gv4-984h] minimist 0.0.8 -> 0.2.4 (critical)",
            // GO-2023-1571: v0.7.0 is its fix; x/text v0.7.0 is above
            // GO-2022-1059's. Go's records carry no vector and no rating,
            // and no other record of their CVEs is loaded: unrated.
            "CVE-2023-39325 [CVE-2023-44487 GHSA-4374-p667-p6c8 GO-2023-2102] net v0.7.0 -> 0.17.0 (unknown)",
            "CVE-2023-3978 [GHSA-2wrh-6pvc-2jm9 GO-2023-1988] net v0.7.0 -> 0.13.0 (unknown)",
            "CVE-2023-29403 [GO-2023-1840] stdlib 1.19.8 -> 1.19.10 (unknown)",
            "CVE-2023-39325 [CVE-2023-44487 GHSA-4374-p667-p6c8 GO-2023-2102] stdlib 1.19.8 -> 1.20.10 (unknown)",
            "CVE-2023-46604 [GHSA-crg9-44h2-xw35] activemq-client 5.17.2 -> 5.17.6 (critical)",
            "CVE-2022-1471 [GHSA-mjmj-j48q-9wg2] snakeyaml 1.33 -> 2.0 (high)",
        ]
    );
    let by_id = |id: &str, name: &str| {
        m.vulnerabilities
            .iter()
            .zip(&m.packages)
            .find(|(v, &i)| v.id == id && inventory.packages[i].name == name)
            .map(|(v, _)| v)
            .unwrap()
    };
    // KEV: ransomware for ActiveMQ, not for HTTP/2 rapid reset.
    let activemq = by_id("CVE-2023-46604", "activemq-client");
    let kev = activemq.kev.as_ref().unwrap();
    assert!(kev.ransomware);
    assert_eq!(kev.cve, "CVE-2023-46604");
    let rapid = by_id("CVE-2023-39325", "net").kev.as_ref().unwrap();
    assert_eq!(rapid.cve, "CVE-2023-44487");
    assert!(!rapid.ransomware);
    // The score is ours, from the record's vector.
    let s = &activemq.severity;
    assert_eq!(s.score, Some(10.0));
    assert_eq!(s.source.as_deref(), Some("GHSA-crg9-44h2-xw35"));
    assert!(s.vector.as_deref().unwrap().starts_with("CVSS:3."));
    let go = by_id("CVE-2023-29403", "stdlib");
    assert_eq!(go.advisories, ["GO-2023-1840"]);
    assert_eq!(go.severity.source, None);
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

#[test]
fn records_that_name_the_same_cve_are_one_vulnerability() {
    // Jinja2 2.11.2: GHSA-g3rq-g295-4j3m and PYSEC-2021-66 (its `versions`
    // list names 2.11.2) both name CVE-2020-28493.
    let inventory = Inventory {
        os: None,
        packages: vec![pkg(Ecosystem::Pypi, None, "Jinja2", "2.11.2")],
    };
    let m = run(&inventory, MatchOptions::default());
    assert_eq!(
        lines(&m, &inventory),
        ["CVE-2020-28493 [GHSA-g3rq-g295-4j3m PYSEC-2021-66 SNYK-PYTHON-JINJA2-1012994] Jinja2 2.11.2 -> 2.11.3 (medium)"]
    );
    assert_eq!(
        m.vulnerabilities[0].advisories,
        ["GHSA-g3rq-g295-4j3m", "PYSEC-2021-66"]
    );
}

#[test]
fn os_packages_match_by_source_package_and_release() {
    // DSA-3029-1: nginx in Debian 7 before 1.2.1-2.2+wheezy3.
    let mut nginx = pkg(
        Ecosystem::Deb,
        Some("debian"),
        "nginx-common",
        "1.2.1-2.2+wheezy2",
    );
    nginx.source = Some(SourcePackage {
        name: "nginx".into(),
        version: None,
    });
    let mut fixed = nginx.clone();
    fixed.version = "1.2.1-2.2+wheezy3".into();
    let wheezy = Inventory {
        os: Some(debian("7")),
        packages: vec![nginx.clone(), fixed],
    };
    let m = run(&wheezy, MatchOptions::default());
    assert_eq!(
        lines(&m, &wheezy),
        ["CVE-2014-3616 [DSA-3029-1] nginx-common 1.2.1-2.2+wheezy2 -> 1.2.1-2.2+wheezy3 (unknown)"]
    );
    assert_eq!(m.vulnerabilities[0].advisory_package, "nginx");
    assert_eq!(m.vulnerabilities[0].ecosystem, "Debian:7");
    // The same package in Debian 12: no advisories for that release here.
    let bookworm = Inventory {
        os: Some(debian("12")),
        packages: vec![nginx],
    };
    let m = run(&bookworm, MatchOptions::default());
    assert!(m.vulnerabilities.is_empty());
    assert_eq!(
        m.notes,
        ["no advisories for debian 12 in the database: its deb packages were not matched (`portcullis db update` fetches the distributions portcullis knows)"]
    );
}

#[test]
fn ubuntu_pro_streams_count_only_for_a_release_without_a_standard_one() {
    // CVE-2024-3651 (Canonical's record): python-pip in Ubuntu 16.04 only
    // under Pro, unfixed; Debian's python-pip is another distribution's.
    let ubuntu = Os {
        id: "ubuntu".into(),
        version_id: Some("16.04".into()),
        version_codename: Some("xenial".into()),
        id_like: vec!["debian".into()],
        pretty_name: None,
    };
    let mut pip = pkg(
        Ecosystem::Deb,
        Some("ubuntu"),
        "python-pip",
        "8.1.1-2ubuntu0.6",
    );
    pip.source = Some(SourcePackage {
        name: "python-pip".into(),
        version: None,
    });
    let inventory = Inventory {
        os: Some(ubuntu),
        packages: vec![pip.clone()],
    };
    let m = run(&inventory, MatchOptions::default());
    assert_eq!(
        lines(&m, &inventory).len(),
        1,
        "{:?}",
        lines(&m, &inventory)
    );
    assert_eq!(m.vulnerabilities[0].id, "CVE-2024-3651");
    assert!(m.vulnerabilities[0]
        .ecosystem
        .starts_with("Ubuntu:Pro:16.04"));
    assert!(matches!(m.vulnerabilities[0].fix, Fix::NotFixed { .. }));
    // The vector of the Ubuntu record (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H).
    assert_eq!(m.vulnerabilities[0].severity.class, Class::High);
    assert_eq!(m.vulnerabilities[0].severity.score, Some(7.5));
    // ignore-unfixed leaves it out, counted.
    let m = run(
        &inventory,
        MatchOptions {
            ignore_unfixed: true,
        },
    );
    assert!(m.vulnerabilities.is_empty());
    assert_eq!(m.unfixed_ignored, 1);
    // Debian's python-pip: not Ubuntu's advisory.
    let inventory = Inventory {
        os: Some(debian("12")),
        packages: vec![pip],
    };
    assert!(run(&inventory, MatchOptions::default())
        .vulnerabilities
        .is_empty());
}
