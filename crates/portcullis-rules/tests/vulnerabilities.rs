//! The vulnerability policies (SQ31101–SQ31107) on a Subject whose matched
//! vulnerabilities are given: which code each is reported under (the order
//! of COMPOSITION.md), the message, location, related places, remediation,
//! VEX suppression, and the not-applicable reasons. What the matcher makes
//! of real advisories and real images is tested in
//! `portcullis-advisories/tests` and the CLI's `tests/vulnerabilities.rs`.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::sync::Arc;

use portcullis_advisories::{Class, Epss, Fix, Kev, Severity, VexVerdict, Vulnerability};
use portcullis_image::history::{Boundary, Signal};
use portcullis_packages::{Ecosystem, Evidence, InstalledPackage, Inventory, SourcePackage};
use portcullis_rules::registry::{check, Outcome};
use portcullis_rules::subject::vulnerabilities::{Matched, VulnerabilityScan};
use portcullis_rules::subject::{
    ImageFacts, Op, Runtime, Setting, StageBase, StageInfo, Step, Subject, SubjectKind,
};
use portcullis_rules::{Located, Location};

fn libssl3() -> InstalledPackage {
    InstalledPackage {
        id: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12".into(),
        ecosystem: Ecosystem::Deb,
        namespace: Some("debian".into()),
        name: "libssl3".into(),
        version: "3.0.11-1~deb12u2".into(),
        arch: Some("amd64".into()),
        purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12".into(),
        licenses: Vec::new(),
        license_expression: None,
        source: Some(SourcePackage {
            name: "openssl".into(),
            version: None,
        }),
        layer: Some(0),
        evidence: vec![Evidence {
            layer: 0,
            path: "/var/lib/dpkg/status".into(),
        }],
        go_version: None,
    }
}

fn jinja2() -> InstalledPackage {
    InstalledPackage {
        id: "pkg:pypi/jinja2@2.11.2".into(),
        ecosystem: Ecosystem::Pypi,
        namespace: None,
        name: "Jinja2".into(),
        version: "2.11.2".into(),
        arch: None,
        purl: "pkg:pypi/jinja2@2.11.2".into(),
        licenses: Vec::new(),
        license_expression: None,
        source: None,
        layer: Some(1),
        evidence: vec![
            Evidence {
                layer: 1,
                path: "/usr/local/lib/python3.11/dist-packages/Jinja2-2.11.2.dist-info/METADATA"
                    .into(),
            },
            Evidence {
                layer: 1,
                path: "/usr/local/lib/python3.11/dist-packages/Jinja2-2.11.2.dist-info/RECORD"
                    .into(),
            },
        ],
        go_version: None,
    }
}

fn vuln(id: &str, package: &InstalledPackage, class: Class, score: Option<f64>) -> Vulnerability {
    let deb = package.ecosystem == Ecosystem::Deb;
    Vulnerability {
        id: id.into(),
        aliases: Vec::new(),
        advisories: vec![id.into()],
        package: package.id.clone(),
        purl: package.purl.clone(),
        advisory_package: if deb {
            "openssl".into()
        } else {
            "Jinja2".into()
        },
        ecosystem: if deb {
            "Debian:12".into()
        } else {
            "PyPI".into()
        },
        installed: package.version.clone(),
        fix: Fix::Fixed {
            version: if deb {
                "3.0.14-1~deb12u1".into()
            } else {
                "2.11.3".into()
            },
        },
        severity: Severity {
            class,
            score,
            vector: score.map(|_| "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
            source: score.map(|_| "GHSA-aaaa-bbbb-cccc".into()),
        },
        kev: None,
        epss: None,
        summary: None,
        url: None,
        vex: None,
    }
}

fn subject(vulnerabilities: VulnerabilityScan) -> Subject {
    let history_step = |index: usize, created_by: &str| Step {
        op: Op::Other("RUN"),
        stage: 0,
        inherited: index == 0,
        at: Located::new(Location::History {
            index,
            created_by: created_by.into(),
        }),
        flags: Vec::new(),
        record: None,
    };
    Subject {
        kind: SubjectKind::Image,
        steps: vec![
            history_step(0, "ADD rootfs.tar /"),
            history_step(1, "RUN pip install Jinja2==2.11.2"),
        ],
        stages: vec![StageInfo {
            name: None,
            base: StageBase::Scratch,
        }],
        runtime: Runtime {
            user: Setting::NotSet,
            healthcheck: Setting::NotSet,
            cmd: Setting::NotSet,
            entrypoint: Setting::NotSet,
            exposed: Vec::new(),
            anchor: Located::new(Location::Config {
                pointer: "/config".into(),
            }),
        },
        source: None,
        image: Some(Arc::new(ImageFacts {
            diff_ids: vec!["sha256:l0".into(), "sha256:l1".into()],
            layer_history: vec![Some(0), Some(1)],
            fs: portcullis_image::Filesystem::default(),
            boundary: Boundary::Base {
                last: 0,
                how: Signal::BuildKitComments,
            },
            declared_base: None,
        })),
        secrets: Vec::new(),
        secrets_skipped: Vec::new(),
        packages: Some(Inventory {
            os: None,
            packages: vec![libssl3(), jinja2()],
        }),
        package_notes: Vec::new(),
        licenses: Default::default(),
        license_assessments: Default::default(),
        image_uses: Vec::new(),
        trusted_images: None,
        vulnerabilities,
        binaries: None,
        workloads: None,
        kubernetes_version: portcullis_rules::subject::KUBERNETES_VERSION,
        images: None,
        signatures: Default::default(),
    }
}

fn matched(vulnerabilities: Vec<(Vulnerability, usize)>, has_epss: bool) -> VulnerabilityScan {
    let (vulnerabilities, packages) = vulnerabilities.into_iter().unzip();
    VulnerabilityScan::Matched(Arc::new(Matched {
        vulnerabilities,
        packages,
        has_epss,
        epss_threshold: 0.1,
        notes: Vec::new(),
        unfixed_ignored: 0,
    }))
}

/// `CODE id` of every SQ31 finding, in rule order.
fn codes(s: &Subject) -> Vec<String> {
    let mut out = Vec::new();
    for (rule, outcome) in check(s, "img") {
        if let (true, Outcome::Checked { findings, .. }) = (rule.code.starts_with("SQ31"), outcome)
        {
            for f in findings {
                out.push(format!(
                    "{} {}",
                    f.rule,
                    f.vulnerability.as_ref().unwrap().id
                ));
            }
        }
    }
    out
}

#[test]
fn each_vulnerability_is_reported_under_the_first_code_that_fits() {
    let ssl = libssl3();
    let mut ransomware = vuln("CVE-2024-0001", &ssl, Class::Low, Some(3.1));
    ransomware.kev = Some(Kev {
        cve: "CVE-2024-0001".into(),
        date_added: "2024-05-01".into(),
        due_date: Some("2024-05-22".into()),
        ransomware: true,
        required_action: None,
    });
    let mut kev = vuln("CVE-2024-0002", &ssl, Class::Medium, Some(5.0));
    kev.kev = Some(Kev {
        ransomware: false,
        ..ransomware.kev.clone().unwrap()
    });
    let mut exploited = vuln("CVE-2024-0003", &ssl, Class::High, Some(7.5));
    exploited.epss = Some(Epss {
        score: 0.42,
        percentile: 0.97,
    });
    // Likely exploited, but only medium: its severity class decides.
    let mut medium_epss = vuln("CVE-2024-0004", &ssl, Class::Medium, Some(6.1));
    medium_epss.epss = Some(Epss {
        score: 0.9,
        percentile: 0.99,
    });
    // Severe but below the threshold.
    let mut quiet = vuln("CVE-2024-0005", &ssl, Class::Critical, Some(9.8));
    quiet.epss = Some(Epss {
        score: 0.09,
        percentile: 0.9,
    });
    let jinja = jinja2();
    let high = vuln("GHSA-h5c8-rqwp-cp95", &jinja, Class::High, Some(7.1));
    let unrated = vuln("PYSEC-2021-66", &jinja, Class::Unknown, None);
    let low = vuln("CVE-2024-0006", &jinja, Class::Low, Some(2.0));
    let none = vuln("CVE-2024-0007", &jinja, Class::None, Some(0.0));
    let all = vec![
        (ransomware, 0),
        (kev, 0),
        (exploited, 0),
        (medium_epss, 0),
        (quiet, 0),
        (high, 1),
        (unrated, 1),
        (low, 1),
        (none, 1),
    ];
    assert_eq!(
        codes(&subject(matched(all.clone(), true))),
        [
            "SQ31101 CVE-2024-0002",
            "SQ31102 CVE-2024-0003",
            "SQ31103 CVE-2024-0001",
            "SQ31104 CVE-2024-0005",
            "SQ31105 GHSA-h5c8-rqwp-cp95",
            "SQ31106 CVE-2024-0004",
            "SQ31106 PYSEC-2021-66",
            "SQ31107 CVE-2024-0006",
        ]
    );
    // Without EPSS scores, SQ31102 is not applicable and the exploited
    // one is reported by its class.
    let s = subject(matched(all, false));
    assert_eq!(
        codes(&s),
        [
            "SQ31101 CVE-2024-0002",
            "SQ31103 CVE-2024-0001",
            "SQ31104 CVE-2024-0005",
            "SQ31105 CVE-2024-0003",
            "SQ31105 GHSA-h5c8-rqwp-cp95",
            "SQ31106 CVE-2024-0004",
            "SQ31106 PYSEC-2021-66",
            "SQ31107 CVE-2024-0006",
        ]
    );
    let sq31102 = check(&s, "img")
        .into_iter()
        .find(|(r, _)| r.code == "SQ31102")
        .unwrap()
        .1;
    match sq31102 {
        Outcome::NotApplicable { reason } => assert_eq!(
            reason.as_deref(),
            Some("no EPSS scores in the advisory database (load them with `portcullis db update --epss` or `db import` of an EPSS file)")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_finding_names_package_source_fix_and_kev_at_the_package_evidence() {
    let ssl = libssl3();
    let mut v = vuln("CVE-2024-5535", &ssl, Class::Critical, Some(9.1));
    v.aliases = vec!["DEBIAN-CVE-2024-5535".into(), "DSA-5726-1".into()];
    v.kev = Some(Kev {
        cve: "CVE-2024-5535".into(),
        date_added: "2024-07-01".into(),
        due_date: Some("2024-07-22".into()),
        ransomware: false,
        required_action: Some("Apply mitigations per vendor instructions.".into()),
    });
    v.summary = Some("SSL_select_next_proto\nbuffer overread".into());
    let jinja = jinja2();
    let mut unfixed = vuln("CVE-2024-22195", &jinja, Class::Medium, Some(5.4));
    unfixed.fix = Fix::NotFixed { note: None };
    let s = subject(matched(vec![(v, 0), (unfixed, 1)], false));
    let mut seen = 0;
    for (rule, outcome) in check(&s, "img") {
        let Outcome::Checked { findings, .. } = outcome else {
            continue;
        };
        for f in findings.iter().filter(|f| f.rule.starts_with("SQ31")) {
            seen += 1;
            match rule.code {
                "SQ31101" => {
                    assert_eq!(
                        f.message,
                        "CVE-2024-5535 in deb package libssl3 3.0.11-1~deb12u2 (source openssl 3.0.11-1~deb12u2): critical, CVSS 9.1 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H of GHSA-aaaa-bbbb-cccc); fixed in 3.0.14-1~deb12u1; in CISA's Known Exploited Vulnerabilities catalog since 2024-07-01 (federal remediation due 2024-07-22); also DEBIAN-CVE-2024-5535, DSA-5726-1 — SSL_select_next_proto buffer overread"
                    );
                    assert_eq!(
                        f.location,
                        Location::Layer {
                            index: 0,
                            digest: "sha256:l0".into(),
                            path: "/var/lib/dpkg/status".into(),
                            line: None,
                            column: None
                        }
                    );
                    assert_eq!(
                        f.related,
                        [Location::History {
                            index: 0,
                            created_by: "ADD rootfs.tar /".into()
                        }]
                    );
                    assert_eq!(
                        f.remediation.as_deref(),
                        Some("Upgrade openssl to 3.0.14-1~deb12u1 or later (a newer base image, or the package manager's upgrade in the build). CISA's required action: Apply mitigations per vendor instructions.")
                    );
                    assert!(f.vulnerability.as_ref().unwrap().named("dsa-5726-1"));
                    assert!(f.suppressed.is_none());
                }
                "SQ31106" => {
                    assert_eq!(
                        f.message,
                        "CVE-2024-22195 in pypi package Jinja2 2.11.2: medium, CVSS 5.4 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H of GHSA-aaaa-bbbb-cccc); no fixed version yet"
                    );
                    assert_eq!(
                        f.related.len(),
                        2,
                        "RECORD and the pip history entry: {:?}",
                        f.related
                    );
                    assert!(f
                        .remediation
                        .as_deref()
                        .unwrap()
                        .starts_with("No fixed version of Jinja2 is published yet"));
                }
                other => panic!("unexpected {other}: {}", f.message),
            }
        }
    }
    assert_eq!(seen, 2);
}

#[test]
fn vex_not_affected_suppresses_with_the_justification_and_affected_is_said() {
    let ssl = libssl3();
    let mut not_affected = vuln("CVE-2024-1111", &ssl, Class::High, Some(7.5));
    not_affected.vex = Some(VexVerdict {
        status: "not_affected".into(),
        justification: Some("vulnerable_code_not_in_execute_path".into()),
        impact: Some("the image never negotiates NPN".into()),
        action: None,
        document: "vex/app.openvex.json".into(),
    });
    let mut affected = vuln("CVE-2024-2222", &ssl, Class::High, Some(7.5));
    affected.vex = Some(VexVerdict {
        status: "under_investigation".into(),
        justification: None,
        impact: None,
        action: None,
        document: "vex/app.openvex.json".into(),
    });
    let s = subject(matched(vec![(not_affected, 0), (affected, 0)], false));
    let (_, outcome) = check(&s, "img")
        .into_iter()
        .find(|(r, _)| r.code == "SQ31105")
        .unwrap();
    let Outcome::Checked { findings, .. } = outcome else {
        panic!("not applicable")
    };
    assert_eq!(findings.len(), 2);
    let s1 = findings[0].suppressed.as_ref().unwrap();
    assert_eq!(s1.by, "vex");
    assert_eq!(
        s1.reason,
        "VEX vex/app.openvex.json: not_affected (vulnerable_code_not_in_execute_path): the image never negotiates NPN"
    );
    assert!(findings[1].suppressed.is_none());
    assert!(
        findings[1]
            .message
            .ends_with("; VEX (vex/app.openvex.json): under_investigation"),
        "{}",
        findings[1].message
    );
}

#[test]
fn without_a_database_every_policy_is_not_applicable_with_the_reason() {
    let reason =
        "no advisory database at /root/.cache/portcullis/advisories.db: run `portcullis db update`";
    let s = subject(VulnerabilityScan::NoDatabase {
        reason: reason.into(),
    });
    let mut n = 0;
    for (rule, outcome) in check(&s, "img") {
        if !rule.code.starts_with("SQ31") {
            continue;
        }
        n += 1;
        match outcome {
            Outcome::NotApplicable { reason: Some(r) } => assert_eq!(r, reason, "{}", rule.code),
            other => panic!("{}: {other:?}", rule.code),
        }
    }
    assert_eq!(n, 7);
    // Nothing to match (no package pass): checked, nothing found.
    let s = subject(VulnerabilityScan::NotRun);
    assert!(codes(&s).is_empty());
}

#[test]
fn the_fingerprint_follows_package_and_vulnerability_not_version() {
    let ssl = libssl3();
    let fingerprint = |p: &InstalledPackage| {
        let v = vuln("CVE-2024-5535", p, Class::High, Some(7.5));
        let mut s = subject(matched(vec![(v, 0)], false));
        if let Some(inv) = s.packages.as_mut() {
            inv.packages[0] = p.clone();
        }
        check(&s, "img")
            .into_iter()
            .find_map(|(r, o)| match (r.code, o) {
                ("SQ31105", Outcome::Checked { findings, .. }) => {
                    Some(findings[0].fingerprint.clone())
                }
                _ => None,
            })
            .unwrap()
    };
    let mut upgraded = ssl.clone();
    upgraded.version = "3.0.13-1~deb12u1".into();
    assert_eq!(fingerprint(&ssl), fingerprint(&upgraded));
    let mut other_arch = ssl.clone();
    other_arch.arch = Some("i386".into());
    assert_ne!(fingerprint(&ssl), fingerprint(&other_arch));
}
