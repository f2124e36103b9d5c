//! The SBOM outputs (CycloneDX 1.6, SPDX 2.3) and the package summaries of
//! the human and HTML reports, on reports built in code: packages of every
//! ecosystem, names that need escaping, SPDX expressions and free-text
//! licenses, several targets, targets whose package pass did not run. Every
//! CycloneDX BOM and SPDX document rendered here is validated against the
//! official schemas in /work/shared/schemas (read from disk: nothing is
//! fetched), and exact fields are checked beside.

use std::collections::{BTreeSet, HashSet};

use portcullis_packages::{Ecosystem, Evidence, InstalledPackage, Os, SourcePackage};
use portcullis_policy::{HistoryDetails, ImageDetails, LxdDetails, Report, TargetReport, Verdict};
use portcullis_report::{
    read_json, render, render_cyclonedx, render_html, render_human, render_json, render_spdx,
    Format, HumanOptions,
};
use serde_json::{json, Value};

// ---------------------------------------------------------------- schemas

#[path = "support/sbom_checks.rs"]
mod sbom_checks;
use sbom_checks::{cyclonedx_validator, schema_errors as errors, spdx_spec_errors, spdx_validator};

/// Render, parse and validate a CycloneDX BOM; also: every `bom-ref`
/// unique, every dependency between existing refs.
fn cyclonedx(report: &Report) -> Value {
    let text = render_cyclonedx(report);
    assert!(text.ends_with("}\n"));
    let bom: Value = serde_json::from_str(&text).expect("CycloneDX is JSON");
    let mut problems = errors(cyclonedx_validator(), &bom);
    let refs = bom_refs(&bom);
    let unique: HashSet<&String> = refs.iter().collect();
    if unique.len() != refs.len() {
        problems.push(format!("duplicate bom-refs in {refs:?}"));
    }
    for d in bom["dependencies"].as_array().into_iter().flatten() {
        let from = d["ref"].as_str().unwrap_or("").to_owned();
        for to in std::iter::once(&from).chain(
            d["dependsOn"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .iter(),
        ) {
            if !unique.contains(to) {
                problems.push(format!("dependency on unknown ref {to:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "invalid CycloneDX:\n{}",
        problems.join("\n")
    );
    bom
}

fn bom_refs(bom: &Value) -> Vec<String> {
    fn walk(c: &Value, out: &mut Vec<String>) {
        if let Some(r) = c["bom-ref"].as_str() {
            out.push(r.to_owned());
        }
        for n in c["components"].as_array().into_iter().flatten() {
            walk(n, out);
        }
    }
    let mut out = Vec::new();
    walk(&bom["metadata"]["component"], &mut out);
    for c in bom["components"].as_array().into_iter().flatten() {
        walk(c, &mut out);
    }
    out
}

fn spdx(report: &Report) -> Value {
    let text = render_spdx(report);
    assert!(text.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&text).expect("SPDX is JSON");
    let mut problems = errors(spdx_validator(), &doc);
    problems.extend(spdx_spec_errors(&doc));
    assert!(
        problems.is_empty(),
        "invalid SPDX:\n{}",
        problems.join("\n")
    );
    doc
}

// ---------------------------------------------------------------- reports

struct P {
    eco: Ecosystem,
    ns: Option<&'static str>,
    name: &'static str,
    version: &'static str,
    purl: &'static str,
    licenses: &'static [&'static str],
    expression: Option<&'static str>,
    layer: Option<usize>,
    evidence: &'static [(usize, &'static str)],
}

fn pkg(p: P) -> InstalledPackage {
    InstalledPackage {
        id: p.purl.to_owned(),
        ecosystem: p.eco,
        namespace: p.ns.map(str::to_owned),
        name: p.name.to_owned(),
        version: p.version.to_owned(),
        arch: None,
        purl: p.purl.to_owned(),
        licenses: p.licenses.iter().map(|l| (*l).to_owned()).collect(),
        license_expression: p.expression.map(str::to_owned),
        source: None,
        layer: p.layer,
        evidence: p
            .evidence
            .iter()
            .map(|(layer, path)| Evidence {
                layer: *layer,
                path: (*path).to_owned(),
            })
            .collect(),
        go_version: None,
    }
}

/// Packages of every ecosystem the Debian-based image could hold (apk and
/// rpm are in their own images).
fn debian_packages() -> Vec<InstalledPackage> {
    let mut libc = pkg(P {
        eco: Ecosystem::Deb,
        ns: None,
        name: "libc6",
        version: "2.36-9+deb12u4",
        purl: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
        licenses: &["GPL-2+", "LGPL-2.1+", "public-domain"],
        expression: None,
        layer: Some(0),
        evidence: &[(0, "/var/lib/dpkg/status")],
    });
    libc.arch = Some("amd64".into());
    libc.source = Some(SourcePackage {
        name: "glibc".into(),
        version: None,
    });
    let mut openssl = pkg(P {
        eco: Ecosystem::Deb,
        ns: None,
        name: "libssl3",
        version: "3.0.11-1~deb12u2",
        purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
        licenses: &["Apache-2.0"],
        expression: Some("Apache-2.0"),
        layer: Some(0),
        evidence: &[(0, "/var/lib/dpkg/status")],
    });
    openssl.arch = Some("amd64".into());
    openssl.source = Some(SourcePackage {
        name: "openssl".into(),
        version: Some("3.0.11-1~deb12u2".into()),
    });
    let mut app = pkg(P {
        eco: Ecosystem::Golang,
        ns: Some("github.com/spf13"),
        name: "cobra",
        version: "v1.8.0",
        purl: "pkg:golang/github.com/spf13/cobra@v1.8.0",
        licenses: &[],
        expression: None,
        layer: Some(2),
        evidence: &[(2, "/usr/local/bin/app")],
    });
    app.go_version = Some("go1.22.1".into());
    vec![
        libc,
        openssl,
        // Installed by a Debian package and found twice: one package.
        pkg(P {
            eco: Ecosystem::Pypi,
            ns: None,
            name: "PyYAML",
            version: "6.0",
            purl: "pkg:pypi/pyyaml@6.0",
            licenses: &["MIT"],
            expression: Some("MIT"),
            layer: Some(1),
            evidence: &[
                (1, "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"),
                (1, "/var/lib/dpkg/status"),
            ],
        }),
        pkg(P {
            eco: Ecosystem::Npm,
            ns: Some("@types"),
            name: "node",
            version: "20.11.5",
            purl: "pkg:npm/%40types/node@20.11.5",
            licenses: &["MIT"],
            expression: Some("MIT"),
            layer: Some(2),
            evidence: &[(2, "/app/node_modules/@types/node/package.json")],
        }),
        // A hostile name: markup, a bidirectional override, a newline.
        pkg(P {
            eco: Ecosystem::Npm,
            ns: None,
            name: "<img src=x onerror=alert(1)>\u{202e}evil\nname",
            version: "1.0.0\"><b>",
            purl: "pkg:npm/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%E2%80%AEevil%0Aname@1.0.0%22%3E%3Cb%3E",
            licenses: &["SEE LICENSE IN <LICENSE.md> & co"],
            expression: None,
            layer: Some(2),
            evidence: &[(2, "/app/node_modules/<evil>/package.json")],
        }),
        app,
        pkg(P {
            eco: Ecosystem::Cargo,
            ns: None,
            name: "serde",
            version: "1.0.200",
            purl: "pkg:cargo/serde@1.0.200",
            licenses: &["MIT OR Apache-2.0"],
            expression: Some("MIT OR Apache-2.0"),
            layer: Some(2),
            evidence: &[(2, "/usr/local/bin/rusty")],
        }),
        pkg(P {
            eco: Ecosystem::Maven,
            ns: Some("org.apache.logging.log4j"),
            name: "log4j-core",
            version: "2.17.1",
            purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
            licenses: &["Apache License, Version 2.0"],
            expression: Some("Apache-2.0"),
            layer: Some(3),
            evidence: &[(3, "/app/app.jar!/BOOT-INF/lib/log4j-core-2.17.1.jar")],
        }),
        pkg(P {
            eco: Ecosystem::Gem,
            ns: None,
            name: "rake",
            version: "13.0.6",
            purl: "pkg:gem/rake@13.0.6",
            licenses: &["MIT"],
            expression: Some("MIT"),
            layer: Some(3),
            evidence: &[(3, "/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec")],
        }),
        pkg(P {
            eco: Ecosystem::Composer,
            ns: Some("symfony"),
            name: "console",
            version: "v6.4.1",
            purl: "pkg:composer/symfony/console@v6.4.1",
            licenses: &["MIT"],
            expression: Some("MIT"),
            layer: Some(3),
            evidence: &[(3, "/srv/www/vendor/composer/installed.json")],
        }),
        pkg(P {
            eco: Ecosystem::Nuget,
            ns: None,
            name: "Newtonsoft.Json",
            version: "13.0.3",
            purl: "pkg:nuget/Newtonsoft.Json@13.0.3",
            licenses: &["GPL-2.0-or-later WITH Classpath-exception-2.0"],
            expression: Some("GPL-2.0-or-later WITH Classpath-exception-2.0"),
            layer: Some(3),
            evidence: &[(3, "/app/App.deps.json")],
        }),
    ]
}

fn base_target(name: &str, kind: &str) -> TargetReport {
    TargetReport {
        target: name.to_owned(),
        kind: kind.to_owned(),
        digest: Some(format!("sha256:{}", "cd".repeat(32))),
        path: Some("images/app.tar".to_owned()),
        references: Vec::new(),
        verdict: Verdict::Pass,
        policies: Vec::new(),
        findings: Vec::new(),
        notes: Vec::new(),
        source: None,
        texts: Vec::new(),
        image: None,
        lxd: None,
        config: None,
        hidden: None,
        os: None,
        packages: None,
        vulnerabilities: None,
    }
}

fn history(created: &[Option<&str>]) -> ImageDetails {
    ImageDetails {
        layers: Vec::new(),
        history: created
            .iter()
            .enumerate()
            .map(|(i, c)| HistoryDetails {
                created: c.map(str::to_owned),
                created_by: format!("step {i}"),
                comment: None,
                layer: Some(i),
            })
            .collect(),
        base_boundary: None,
    }
}

fn debian_target() -> TargetReport {
    let mut t = base_target("docker-archive:images/app.tar", "docker-archive");
    t.references = vec!["registry.example/app:1.0".into()];
    t.image = Some(history(&[
        Some("2024-05-01T10:00:00.123456789Z"),
        None,
        Some("2024-06-02T09:30:00+02:00"),
        Some("not a date"),
    ]));
    t.os = Some(Os {
        id: "debian".into(),
        version_id: Some("12".into()),
        version_codename: Some("bookworm".into()),
        id_like: Vec::new(),
        pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
    });
    t.packages = Some(debian_packages());
    t
}

fn alpine_target() -> TargetReport {
    let mut t = base_target("oci-layout:alpine:3.20", "oci-layout");
    t.digest = Some(format!("sha256:{}", "ef".repeat(32)));
    t.os = Some(Os {
        id: "alpine".into(),
        version_id: Some("3.20.1".into()),
        version_codename: None,
        id_like: Vec::new(),
        pretty_name: Some("Alpine Linux v3.20".into()),
    });
    let mut busybox = pkg(P {
        eco: Ecosystem::Apk,
        ns: None,
        name: "busybox",
        version: "1.36.1-r29",
        purl: "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.1",
        licenses: &["GPL-2.0-only"],
        expression: Some("GPL-2.0-only"),
        layer: Some(0),
        evidence: &[(0, "/lib/apk/db/installed")],
    });
    busybox.source = Some(SourcePackage {
        name: "busybox".into(),
        version: None,
    });
    // The same package as in the Debian image: its bom-ref must differ.
    let serde = debian_packages()
        .into_iter()
        .find(|p| p.name == "serde")
        .expect("serde");
    t.packages = Some(vec![busybox, serde]);
    t
}

fn rocky_lxd_target() -> TargetReport {
    let mut t = base_target("lxd:rocky-9.tar.xz", "lxd");
    t.digest = None;
    t.lxd = Some(LxdDetails {
        layout: "unified".into(),
        fingerprint: None,
        architecture: "x86_64".into(),
        creation_date: "2024-07-01T00:00:00Z".into(),
        expiry_date: None,
        os: Some("Rockylinux".into()),
        release: Some("9".into()),
        description: None,
        rootfs_format: "tar".into(),
        compression: "xz".into(),
        entries: 10,
    });
    t.os = Some(Os {
        id: "rocky".into(),
        version_id: Some("9.4".into()),
        version_codename: None,
        id_like: vec!["rhel".into(), "centos".into(), "fedora".into()],
        pretty_name: Some("Rocky Linux 9.4 (Blue Onyx)".into()),
    });
    let mut bash = pkg(P {
        eco: Ecosystem::Rpm,
        ns: None,
        name: "bash",
        version: "5.1.8-9.el9",
        purl: "pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64&distro=rocky-9.4",
        licenses: &["GPLv3+"],
        expression: Some("GPL-3.0-or-later"),
        layer: None,
        evidence: &[(0, "/var/lib/rpm/rpmdb.sqlite")],
    });
    bash.arch = Some("x86_64".into());
    bash.source = Some(SourcePackage {
        name: "bash".into(),
        version: Some("5.1.8-9.el9".into()),
    });
    t.packages = Some(vec![bash]);
    t
}

fn dockerfile_target() -> TargetReport {
    let mut t = base_target("Dockerfile", "dockerfile");
    t.digest = None;
    t.path = Some("Dockerfile".into());
    t
}

fn report(targets: Vec<TargetReport>) -> Report {
    Report::new("0.1.0", targets)
}

fn components_by_ref(bom: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    fn walk(c: &Value, out: &mut Vec<(String, Value)>) {
        if let Some(r) = c["bom-ref"].as_str() {
            out.push((r.to_owned(), c.clone()));
        }
        for n in c["components"].as_array().into_iter().flatten() {
            walk(n, out);
        }
    }
    for c in bom["components"].as_array().into_iter().flatten() {
        walk(c, &mut out);
    }
    out
}

fn component<'a>(bom: &'a Value, bom_ref: &str) -> &'a Value {
    bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["bom-ref"] == bom_ref)
        .unwrap_or_else(|| panic!("no component {bom_ref}"))
}

fn spdx_package<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name}"))
}

// ---------------------------------------------------------------- tests

#[test]
fn the_schema_checks_catch_invalid_documents() {
    let mut bom = cyclonedx(&report(vec![debian_target()]));
    bom["components"][0]["type"] = json!("gizmo");
    bom["components"][1]["licenses"] = json!([{"expression": "MIT"}, {"expression": "ISC"}]);
    bom["metadata"]["timestamp"] = json!("last tuesday");
    bom["serialNumber"] = json!("urn:uuid:not-a-uuid");
    bom["dependencies"][0]["dependsOn"] = json!(["a", "a"]);
    let errs = errors(cyclonedx_validator(), &bom);
    for needle in [
        "/components/0/type",
        "/components/1/licenses",
        "/metadata/timestamp",
        "/serialNumber",
        "/dependencies/0/dependsOn",
    ] {
        assert!(
            errs.iter().any(|e| e.starts_with(needle)),
            "no error at {needle}: {errs:#?}"
        );
    }
    // A license id not on the SPDX list: the referenced spdx.schema.json is read.
    let mut bom = cyclonedx(&report(vec![debian_target()]));
    bom["components"][1]["licenses"] = json!([{"license": {"id": "Not-A-License-1.0"}}]);
    let errs = errors(cyclonedx_validator(), &bom);
    assert!(
        errs.iter().any(|e| e.starts_with("/components/1/licenses")),
        "{errs:#?}"
    );

    let mut doc = spdx(&report(vec![debian_target()]));
    doc["relationships"][0]["relationshipType"] = json!("LIKES");
    doc["packages"][1]["primaryPackagePurpose"] = json!("GADGET");
    doc.as_object_mut()
        .expect("object")
        .remove("documentNamespace");
    let errs = errors(spdx_validator(), &doc);
    for needle in [
        "/relationships/0/relationshipType",
        "/packages/1/primaryPackagePurpose",
        ": \"documentNamespace\" is a required property",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "no error {needle}: {errs:#?}"
        );
    }
    doc["documentNamespace"] = json!("https://example.invalid/x#y");
    doc["packages"][1]["SPDXID"] = json!("SPDXRef-a_b");
    let libc = doc["packages"][2]["SPDXID"].clone();
    let ssl = doc["packages"][3]["SPDXID"].clone();
    doc["packages"][2]["SPDXID"] = ssl.clone();
    doc["relationships"][1]["relatedSpdxElement"] = json!("SPDXRef-nowhere");
    let spec = spdx_spec_errors(&doc);
    assert_eq!(
        spec,
        [
            "documentNamespace Some(\"https://example.invalid/x#y\")".to_owned(),
            "bad SPDXID \"SPDXRef-a_b\"".to_owned(),
            format!("duplicate SPDXID {ssl}"),
            "relationship to unknown element \"SPDXRef-nowhere\"".to_owned(),
            format!("relationship to unknown element {libc}"),
        ]
    );
}

#[test]
fn cyclonedx_of_one_image() {
    let r = report(vec![debian_target()]);
    let bom = cyclonedx(&r);
    assert_eq!(
        bom["$schema"],
        "http://cyclonedx.org/schema/bom-1.6.schema.json"
    );
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["version"], 1);
    // The latest creation time of the history, in UTC; "not a date" ignored.
    assert_eq!(bom["metadata"]["timestamp"], "2024-06-02T07:30:00Z");
    assert_eq!(
        bom["metadata"]["tools"],
        json!({"components": [{"type": "application", "name": "portcullis", "version": "0.1.0"}]})
    );
    assert_eq!(
        bom["metadata"]["component"],
        json!({
            "type": "container",
            "bom-ref": "docker-archive:images/app.tar",
            "name": "docker-archive:images/app.tar",
            "version": format!("sha256:{}", "cd".repeat(32)),
            "properties": [
                {"name": "portcullis:kind", "value": "docker-archive"},
                {"name": "portcullis:reference", "value": "registry.example/app:1.0"}
            ]
        })
    );
    let components = bom["components"].as_array().expect("components");
    assert_eq!(components.len(), 12, "the OS and 11 packages");
    assert_eq!(
        components[0],
        json!({
            "type": "operating-system",
            "bom-ref": "os:debian-12",
            "name": "debian",
            "version": "12",
            "description": "Debian GNU/Linux 12 (bookworm)",
            "properties": [{"name": "portcullis:os-codename", "value": "bookworm"}]
        })
    );
    let packages = debian_packages();
    for (c, p) in components[1..].iter().zip(&packages) {
        assert_eq!(c["type"], "library");
        assert_eq!(c["bom-ref"], p.id.as_str());
        assert_eq!(c["purl"], p.purl.as_str());
        assert_eq!(c["name"], p.name.as_str());
        assert_eq!(c["version"], p.version.as_str());
        assert_eq!(
            c.get("group").and_then(Value::as_str),
            p.namespace.as_deref()
        );
    }
    // Free-text licenses: one named license each; the source and arch.
    let libc = component(
        &bom,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
    );
    assert_eq!(
        libc["licenses"],
        json!([
            {"license": {"name": "GPL-2+"}},
            {"license": {"name": "LGPL-2.1+"}},
            {"license": {"name": "public-domain"}}
        ])
    );
    assert_eq!(
        libc["properties"],
        json!([
            {"name": "portcullis:layer", "value": "0"},
            {"name": "portcullis:arch", "value": "amd64"},
            {"name": "portcullis:source-package", "value": "glibc"}
        ])
    );
    assert_eq!(
        libc["evidence"],
        json!({"occurrences": [{"location": "/var/lib/dpkg/status", "additionalContext": "layer 0"}]})
    );
    // An expression: one expression; the licenses as declared kept as properties.
    let log4j = component(&bom, "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1");
    assert_eq!(log4j["group"], "org.apache.logging.log4j");
    assert_eq!(log4j["licenses"], json!([{"expression": "Apache-2.0"}]));
    assert_eq!(
        log4j["properties"],
        json!([
            {"name": "portcullis:layer", "value": "3"},
            {"name": "portcullis:declared-license", "value": "Apache License, Version 2.0"}
        ])
    );
    let ssl = component(
        &bom,
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
    );
    assert_eq!(
        ssl["properties"],
        json!([
            {"name": "portcullis:layer", "value": "0"},
            {"name": "portcullis:arch", "value": "amd64"},
            {"name": "portcullis:source-package", "value": "openssl"},
            {"name": "portcullis:source-version", "value": "3.0.11-1~deb12u2"},
            {"name": "portcullis:declared-license", "value": "Apache-2.0"}
        ])
    );
    let nuget = component(&bom, "pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(
        nuget["licenses"],
        json!([{"expression": "GPL-2.0-or-later WITH Classpath-exception-2.0"}])
    );
    // Found twice: two occurrences.
    let yaml = component(&bom, "pkg:pypi/pyyaml@6.0");
    assert_eq!(
        yaml["evidence"]["occurrences"],
        json!([
            {"location": "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", "additionalContext": "layer 1"},
            {"location": "/var/lib/dpkg/status", "additionalContext": "layer 1"}
        ])
    );
    // No license at all: no licenses field. Go version as a property.
    let cobra = component(&bom, "pkg:golang/github.com/spf13/cobra@v1.8.0");
    assert!(cobra.get("licenses").is_none(), "{cobra}");
    assert_eq!(
        cobra["properties"],
        json!([
            {"name": "portcullis:layer", "value": "2"},
            {"name": "portcullis:go-version", "value": "go1.22.1"}
        ])
    );
    // The hostile name is data, JSON-escaped, nothing else.
    let evil = &components[5];
    assert_eq!(
        evil["name"],
        "<img src=x onerror=alert(1)>\u{202e}evil\nname"
    );
    assert_eq!(
        evil["licenses"],
        json!([{"license": {"name": "SEE LICENSE IN <LICENSE.md> & co"}}])
    );
    // The image depends on the OS and each package; nothing else is said.
    let mut depends_on = vec![json!("os:debian-12")];
    depends_on.extend(packages.iter().map(|p| json!(p.id)));
    assert_eq!(
        bom["dependencies"],
        json!([{"ref": "docker-archive:images/app.tar", "dependsOn": depends_on}])
    );
    assert!(bom.get("compositions").is_none());
}

#[test]
fn cyclonedx_is_reproducible_and_its_serial_number_follows_the_content() {
    let r = report(vec![debian_target()]);
    let a = render_cyclonedx(&r);
    assert_eq!(a, render_cyclonedx(&r));
    let serial = |text: &str| -> String {
        let v: Value = serde_json::from_str(text).expect("json");
        v["serialNumber"].as_str().expect("serialNumber").to_owned()
    };
    let s = serial(&a);
    let uuid = s.strip_prefix("urn:uuid:").expect("urn:uuid:");
    let hex: Vec<&str> = uuid.split('-').collect();
    assert_eq!(
        hex.iter().map(|h| h.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(hex[2].starts_with('8'), "version 8: {uuid}");
    assert!(
        hex[3].starts_with(['8', '9', 'a', 'b']),
        "RFC 4122 variant: {uuid}"
    );
    // The UUID is the SHA-256 of the BOM as written without it.
    let line = format!("  \"serialNumber\": \"{s}\",\n");
    assert_eq!(a.matches(&line).count(), 1);
    let without = a.replace(&line, "");
    use sha2::Digest;
    let digest = sha2::Sha256::digest(without.as_bytes());
    let mut b: Vec<u8> = digest[..16].to_vec();
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let want: String = b.iter().map(|x| format!("{x:02x}")).collect();
    assert_eq!(uuid.replace('-', ""), want);
    // Anything else in the report: another serial number.
    let mut other = debian_target();
    if let Some(p) = other.packages.as_mut() {
        p[1].version = "3.0.11-1~deb12u3".into();
    }
    assert_ne!(serial(&render_cyclonedx(&report(vec![other]))), s);
}

#[test]
fn cyclonedx_of_several_targets_nests_each_image() {
    let r = report(vec![
        debian_target(),
        alpine_target(),
        rocky_lxd_target(),
        dockerfile_target(),
    ]);
    let bom = cyclonedx(&r);
    assert!(
        bom["metadata"].get("component").is_none(),
        "{}",
        bom["metadata"]
    );
    // The LXD image's creation date is the latest.
    assert_eq!(bom["metadata"]["timestamp"], "2024-07-01T00:00:00Z");
    let tops = bom["components"].as_array().expect("components");
    let summary: Vec<(String, String, usize)> = tops
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap_or("").to_owned(),
                c["bom-ref"].as_str().unwrap_or("").to_owned(),
                c["components"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "container".to_owned(),
                "docker-archive:images/app.tar".to_owned(),
                12
            ),
            (
                "container".to_owned(),
                "oci-layout:alpine:3.20".to_owned(),
                3
            ),
            ("container".to_owned(), "lxd:rocky-9.tar.xz".to_owned(), 2),
            ("file".to_owned(), "Dockerfile".to_owned(), 0),
        ]
    );
    // The same package in two images: the second gets another bom-ref.
    let alpine = &tops[1]["components"];
    assert_eq!(alpine[0]["bom-ref"], "os:alpine-3.20.1");
    assert_eq!(
        alpine[1]["bom-ref"],
        "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.1"
    );
    assert_eq!(alpine[2]["bom-ref"], "pkg:cargo/serde@1.0.200#2");
    assert_eq!(alpine[2]["purl"], "pkg:cargo/serde@1.0.200");
    assert_eq!(
        tops[2]["components"][0]["properties"],
        json!([{"name": "portcullis:os-id-like", "value": "rhel centos fedora"}])
    );
    // The rpm without a layer (one root file system): no layer property.
    assert_eq!(
        tops[2]["components"][1]["properties"],
        json!([
            {"name": "portcullis:arch", "value": "x86_64"},
            {"name": "portcullis:source-package", "value": "bash"},
            {"name": "portcullis:source-version", "value": "5.1.8-9.el9"},
            {"name": "portcullis:declared-license", "value": "GPLv3+"}
        ])
    );
    let deps: Vec<(String, usize)> = bom["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .map(|d| {
            (
                d["ref"].as_str().unwrap_or("").to_owned(),
                d["dependsOn"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        deps,
        [
            ("docker-archive:images/app.tar".to_owned(), 12),
            ("oci-layout:alpine:3.20".to_owned(), 3),
            ("lxd:rocky-9.tar.xz".to_owned(), 2),
        ]
    );
    // The Dockerfile's packages are not known: said, not an empty image.
    assert_eq!(
        bom["compositions"],
        json!([{"aggregate": "unknown", "assemblies": ["Dockerfile"]}])
    );
    assert_eq!(
        tops[3]["properties"],
        json!([
            {"name": "portcullis:kind", "value": "dockerfile"},
            {"name": "portcullis:packages", "value": "not inventoried"}
        ])
    );
    assert_eq!(components_by_ref(&bom).len(), 4 + 12 + 3 + 2);
}

#[test]
fn sboms_of_a_target_without_packages_and_of_no_targets() {
    let df = report(vec![dockerfile_target()]);
    let bom = cyclonedx(&df);
    assert!(bom["metadata"].get("timestamp").is_none());
    assert_eq!(bom["metadata"]["component"]["type"], "file");
    assert!(bom["metadata"]["component"].get("version").is_none());
    assert_eq!(bom["components"], json!([]));
    assert_eq!(bom["dependencies"], json!([]));
    assert_eq!(
        bom["compositions"],
        json!([{"aggregate": "unknown", "assemblies": ["Dockerfile"]}])
    );
    let doc = spdx(&df);
    assert_eq!(doc["name"], "Dockerfile");
    assert_eq!(doc["creationInfo"]["created"], "1970-01-01T00:00:00Z");
    assert!(
        doc["creationInfo"]["comment"]
            .as_str()
            .is_some_and(|c| c.contains("placeholder")),
        "{}",
        doc["creationInfo"]
    );
    assert_eq!(
        doc["packages"],
        json!([{
            "SPDXID": "SPDXRef-Target-Dockerfile",
            "name": "Dockerfile",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "comment": "portcullis target of kind dockerfile; its packages were not inventoried (the package pass did not run): what it contains is not known",
            "primaryPackagePurpose": "SOURCE"
        }])
    );
    assert_eq!(
        doc["relationships"],
        json!([{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Target-Dockerfile"}])
    );
    // An image whose package pass found nothing: known to be empty.
    let mut empty = base_target("docker-archive:scratch.tar", "docker-archive");
    empty.packages = Some(Vec::new());
    let bom = cyclonedx(&report(vec![empty.clone()]));
    assert_eq!(
        bom["dependencies"],
        json!([{"ref": "docker-archive:scratch.tar", "dependsOn": []}])
    );
    assert!(bom.get("compositions").is_none());
    let doc = spdx(&report(vec![empty]));
    assert_eq!(doc["relationships"].as_array().map(Vec::len), Some(1));

    let none = report(Vec::new());
    let bom = cyclonedx(&none);
    assert!(bom["metadata"].get("component").is_none());
    assert_eq!(bom["components"], json!([]));
    let doc = spdx(&none);
    assert_eq!(doc["name"], "no targets");
    assert_eq!(doc["packages"], json!([]));
}

#[test]
fn spdx_of_one_image() {
    let r = report(vec![debian_target()]);
    let doc = spdx(&r);
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["name"], "docker-archive:images/app.tar");
    assert_eq!(
        doc["creationInfo"]["creators"],
        json!(["Tool: portcullis-0.1.0"])
    );
    assert_eq!(doc["creationInfo"]["created"], "2024-06-02T07:30:00Z");
    let ns = doc["documentNamespace"].as_str().expect("namespace");
    let rest = ns
        .strip_prefix("urn:uuid:")
        .unwrap_or_else(|| panic!("{ns}"));
    assert_eq!(rest.len(), 36, "{rest}");
    assert_eq!(&rest[14..15], "8", "{rest}");

    let packages = doc["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), 13, "the image, the OS, 11 packages");
    assert_eq!(
        packages[0],
        json!({
            "SPDXID": "SPDXRef-Target-docker-archive-images-app.tar",
            "name": "docker-archive:images/app.tar",
            "versionInfo": format!("sha256:{}", "cd".repeat(32)),
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "comment": "portcullis target of kind docker-archive; references: registry.example/app:1.0",
            "primaryPackagePurpose": "CONTAINER"
        })
    );
    assert_eq!(
        packages[1],
        json!({
            "SPDXID": "SPDXRef-OperatingSystem-debian-12",
            "name": "debian",
            "versionInfo": "12",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "description": "Debian GNU/Linux 12 (bookworm)",
            "comment": "codename bookworm",
            "primaryPackagePurpose": "OPERATING_SYSTEM"
        })
    );
    let hash8 = |id: &str| -> String {
        use sha2::Digest;
        sha2::Sha256::digest(id.as_bytes())[..4]
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    let ssl_id = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
    assert_eq!(
        spdx_package(&doc, "libssl3"),
        &json!({
            "SPDXID": format!("SPDXRef-Package-deb-libssl3-{}", hash8(ssl_id)),
            "name": "libssl3",
            "versionInfo": "3.0.11-1~deb12u2",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "Apache-2.0",
            "licenseComments": "declared as \"Apache-2.0\"",
            "copyrightText": "NOASSERTION",
            "sourceInfo": "found in /var/lib/dpkg/status (layer 0); introduced by layer 0",
            "comment": "architecture amd64; source package openssl 3.0.11-1~deb12u2",
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": ssl_id
            }],
            "primaryPackagePurpose": "LIBRARY"
        })
    );
    let libc = spdx_package(&doc, "libc6");
    assert_eq!(libc["licenseDeclared"], "NOASSERTION");
    assert_eq!(
        libc["licenseComments"],
        "declared as \"GPL-2+\", \"LGPL-2.1+\", \"public-domain\" (no SPDX expression could be formed)"
    );
    assert_eq!(libc["comment"], "architecture amd64; source package glibc");
    // Namespaced names, as people write them; ids in the allowed characters.
    let types = spdx_package(&doc, "@types/node");
    assert_eq!(
        types["SPDXID"],
        format!(
            "SPDXRef-Package-npm-types-node-{}",
            hash8("pkg:npm/%40types/node@20.11.5")
        )
    );
    assert_eq!(
        types["externalRefs"][0]["referenceLocator"],
        "pkg:npm/%40types/node@20.11.5"
    );
    let log4j = spdx_package(&doc, "org.apache.logging.log4j:log4j-core");
    assert_eq!(log4j["licenseDeclared"], "Apache-2.0");
    assert_eq!(
        log4j["sourceInfo"],
        "found in /app/app.jar!/BOOT-INF/lib/log4j-core-2.17.1.jar (layer 3); introduced by layer 3"
    );
    assert_eq!(
        spdx_package(&doc, "github.com/spf13/cobra")["comment"],
        "built with go1.22.1"
    );
    assert!(spdx_package(&doc, "github.com/spf13/cobra")
        .get("licenseComments")
        .is_none());
    assert_eq!(
        spdx_package(&doc, "symfony/console")["versionInfo"],
        "v6.4.1"
    );
    assert_eq!(
        spdx_package(&doc, "serde")["licenseDeclared"],
        "MIT OR Apache-2.0"
    );
    assert_eq!(
        spdx_package(&doc, "PyYAML")["sourceInfo"],
        "found in /usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA (layer 1), /var/lib/dpkg/status (layer 1); introduced by layer 1"
    );
    let evil = spdx_package(&doc, "<img src=x onerror=alert(1)>\u{202e}evil\nname");
    assert!(
        evil["SPDXID"].as_str().is_some_and(
            |id| id.starts_with("SPDXRef-Package-npm-img-src-x-onerror-alert-1-evil-name-")
        ),
        "{}",
        evil["SPDXID"]
    );

    // The document describes the image; the image contains the OS and each package.
    let root = "SPDXRef-Target-docker-archive-images-app.tar";
    let mut want = vec![
        json!({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": root}),
    ];
    want.extend(packages[1..].iter().map(|p| {
        json!({"spdxElementId": root, "relationshipType": "CONTAINS", "relatedSpdxElement": p["SPDXID"]})
    }));
    assert_eq!(doc["relationships"], Value::Array(want));
}

#[test]
fn spdx_of_several_targets_and_its_namespace() {
    let r = report(vec![
        debian_target(),
        alpine_target(),
        rocky_lxd_target(),
        dockerfile_target(),
    ]);
    let text = render_spdx(&r);
    assert_eq!(text, render_spdx(&r), "reproducible");
    let doc = spdx(&r);
    assert_eq!(
        doc["name"],
        "docker-archive:images/app.tar and 3 more targets"
    );
    assert_eq!(doc["creationInfo"]["created"], "2024-07-01T00:00:00Z");
    let ns = doc["documentNamespace"].as_str().expect("namespace");
    assert!(ns.starts_with("urn:uuid:"), "{ns}");
    assert_eq!(ns.len(), "urn:uuid:".len() + 36, "{ns}");
    // The namespace is the SHA-256 of the document without it.
    let field = format!("\"documentNamespace\": \"{ns}\"");
    assert_eq!(text.matches(&field).count(), 1);
    let without = text.replace(&field, "\"documentNamespace\": \"\"");
    use sha2::Digest;
    let digest = sha2::Sha256::digest(without.as_bytes());
    let tail = ns.rsplit('-').next().expect("tail");
    let want_tail: String = digest[10..16].iter().map(|x| format!("{x:02x}")).collect();
    assert_eq!(tail, want_tail);
    // Another report: another namespace.
    let other = spdx(&report(vec![debian_target(), alpine_target()]));
    assert_ne!(other["documentNamespace"], doc["documentNamespace"]);

    let described: Vec<&str> = doc["relationships"]
        .as_array()
        .expect("relationships")
        .iter()
        .filter(|r| r["relationshipType"] == "DESCRIBES")
        .filter_map(|r| r["relatedSpdxElement"].as_str())
        .collect();
    assert_eq!(
        described,
        [
            "SPDXRef-Target-docker-archive-images-app.tar",
            "SPDXRef-Target-oci-layout-alpine-3.20",
            "SPDXRef-Target-lxd-rocky-9.tar.xz",
            "SPDXRef-Target-Dockerfile",
        ]
    );
    let contains = |root: &str| -> BTreeSet<String> {
        doc["relationships"]
            .as_array()
            .expect("relationships")
            .iter()
            .filter(|r| r["relationshipType"] == "CONTAINS" && r["spdxElementId"] == root)
            .filter_map(|r| r["relatedSpdxElement"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        contains("SPDXRef-Target-docker-archive-images-app.tar").len(),
        12
    );
    assert_eq!(contains("SPDXRef-Target-Dockerfile").len(), 0);
    let alpine = contains("SPDXRef-Target-oci-layout-alpine-3.20");
    assert_eq!(alpine.len(), 3);
    // serde is in both images: two SPDX packages, the second numbered.
    let serde_ids: Vec<&str> = doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["name"] == "serde")
        .filter_map(|p| p["SPDXID"].as_str())
        .collect();
    assert_eq!(serde_ids.len(), 2);
    assert_eq!(serde_ids[1], format!("{}-2", serde_ids[0]));
    assert!(alpine.contains(serde_ids[1]));
    let rocky = spdx_package(&doc, "rocky");
    assert_eq!(rocky["SPDXID"], "SPDXRef-OperatingSystem-rocky-9.4");
    assert_eq!(rocky["comment"], "like rhel, centos, fedora");
    assert_eq!(
        spdx_package(&doc, "bash")["sourceInfo"],
        "found in /var/lib/rpm/rpmdb.sqlite (layer 0)"
    );
    assert_eq!(
        spdx_package(&doc, "lxd:rocky-9.tar.xz").get("versionInfo"),
        None
    );
}

#[test]
fn human_summary_of_the_packages() {
    let r = report(vec![
        debian_target(),
        rocky_lxd_target(),
        dockerfile_target(),
    ]);
    let out = render_human(&r, HumanOptions { color: false });
    assert!(
        out.contains(
            "docker-archive:images/app.tar PASS\n  \
             References: registry.example/app:1.0\n  \
             OS: debian 12 (bookworm)\n  \
             packages: 11 (deb 2, pypi 1, npm 2, golang 1, cargo 1, maven 1, gem 1, composer 1, nuget 1)\n  \
             packages by layer: layer 0: 2, layer 1: 1, layer 2: 4, layer 3: 4\n  \
             no findings; 0 policies checked\n"
        ),
        "{out}"
    );
    // LXD: one root file system, no per-layer line.
    assert!(
        out.contains("\n  OS: rocky 9.4\n  packages: 1 (rpm 1)\n  no findings;"),
        "{out}"
    );
    // No package pass: no summary at all.
    assert!(out.contains("Dockerfile PASS\n  no findings;"), "{out}");
    // Without an OS, with nothing found.
    let mut bare = base_target("docker-archive:scratch.tar", "docker-archive");
    bare.packages = Some(Vec::new());
    let out = render_human(&report(vec![bare]), HumanOptions { color: false });
    assert!(
        out.starts_with("docker-archive:scratch.tar PASS\n  OS: unknown\n  packages: none found\n  no findings;"),
        "{out}"
    );
}

#[test]
fn html_summary_and_folded_table_of_packages() {
    let html = render_html(&report(vec![debian_target(), dockerfile_target()]));
    assert!(
        html.contains(
            "<h3>Packages</h3>\n<ul class=\"tally packages-summary\" id=\"packages-0\">\
             <li>OS <span class=\"os\">debian 12 (bookworm)</span></li>\
             <li><span class=\"n\" data-count-packages>11</span> packages</li>\
             <li class=\"by-type\">deb 2, pypi 1, npm 2, golang 1, cargo 1, maven 1, gem 1, composer 1, nuget 1</li>\
             <li class=\"by-layer\">by layer 0: 2, layer 1: 1, layer 2: 4, layer 3: 4</li></ul>\n\
             <details class=\"packages\"><summary>Package list (11)</summary>\n"
        ),
        "{html}"
    );
    assert_eq!(
        html.matches("<details class=\"packages\"").count(),
        1,
        "closed, and only where packages are known"
    );
    assert!(!html.contains("id=\"packages-1\""));
    assert!(html.contains(
        "<tr data-purl=\"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&amp;distro=debian-12\"><td>deb</td><td>libc6</td><td><code>2.36-9+deb12u4</code></td><td>GPL-2+; LGPL-2.1+; public-domain</td><td class=\"num\">0</td><td><code>/var/lib/dpkg/status</code></td></tr>\n"
    ));
    assert!(html.contains(
        "<td>pypi</td><td>PyYAML</td><td><code>6.0</code></td><td>MIT</td><td class=\"num\">1</td><td><code>/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA</code><br><code>/var/lib/dpkg/status</code></td></tr>"
    ));
    assert!(html.contains(
        "<td>maven</td><td>org.apache.logging.log4j:log4j-core</td><td><code>2.17.1</code></td><td>Apache-2.0</td>"
    ));
    assert!(html.contains(
        "<td>golang</td><td>github.com/spf13/cobra</td><td><code>v1.8.0</code></td><td><span class=\"muted\">unknown</span></td>"
    ));
    // The hostile package: escaped, the override and newline shown as escapes.
    assert!(html.contains(
        "<td>npm</td><td>&lt;img src=x onerror=alert(1)&gt;\\u{202e}evil\\nname</td><td><code>1.0.0&quot;&gt;&lt;b&gt;</code></td><td>SEE LICENSE IN &lt;LICENSE.md&gt; &amp; co</td><td class=\"num\">2</td><td><code>/app/node_modules/&lt;evil&gt;/package.json</code></td></tr>"
    ), "{html}");
    assert!(!html.contains("<img"));
    assert!(!html.contains('\u{202e}'));
}

#[test]
fn html_package_table_is_capped() {
    let mut t = base_target("docker-archive:big.tar", "docker-archive");
    let many: Vec<InstalledPackage> = (0..10_003)
        .map(|i| {
            let mut p = debian_packages().swap_remove(6);
            p.name = format!("crate{i}");
            p.id = format!("pkg:cargo/crate{i}@1.0.200");
            p.purl = p.id.clone();
            p
        })
        .collect();
    t.packages = Some(many);
    let html = render_html(&report(vec![t]));
    assert!(html.contains("<summary>Package list (10003, the first 10000 shown)</summary>"));
    assert_eq!(html.matches("<tr data-purl=").count(), 10_000);
    assert!(html.contains("<p class=\"muted\">3 more packages not shown: the JSON, CycloneDX and SPDX reports have every one.</p>\n</details>"));
}

#[test]
fn packages_read_back_from_the_json_report_render_the_same_sboms() {
    let r = report(vec![
        debian_target(),
        alpine_target(),
        rocky_lxd_target(),
        dockerfile_target(),
    ]);
    let text = render_json(&r);
    let again = read_json(text.as_bytes()).expect("reads back");
    for (a, b) in again.targets.iter().zip(&r.targets) {
        assert_eq!(a.os, b.os);
        assert_eq!(a.packages, b.packages);
    }
    assert_eq!(render_json(&again), text);
    assert_eq!(render_cyclonedx(&again), render_cyclonedx(&r));
    assert_eq!(render_spdx(&again), render_spdx(&r));
    cyclonedx(&again);
    spdx(&again);
    // What the JSON holds: `type`, and absent fields absent.
    let v: Value = serde_json::from_str(&text).expect("json");
    let cobra = &v["targets"][0]["packages"][5];
    assert_eq!(cobra["type"], "golang");
    assert_eq!(cobra["namespace"], "github.com/spf13");
    assert!(cobra.get("licenses").is_none());
    assert!(v["targets"][3].get("packages").is_none());
    assert!(v["targets"][3].get("os").is_none());
}

#[test]
fn a_version_over_the_cyclonedx_limit_is_kept_as_a_property() {
    let mut t = debian_target();
    let long = "1.".repeat(600);
    if let Some(p) = t.packages.as_mut() {
        p[0].version = long.clone();
        p[1].version = "é".repeat(1024);
    }
    let bom = cyclonedx(&report(vec![t.clone()]));
    let libc = &bom["components"][1];
    assert!(libc.get("version").is_none(), "{libc}");
    assert_eq!(
        libc["properties"][0],
        json!({"name": "portcullis:version", "value": long})
    );
    // 1024 characters (2048 bytes) is within the limit.
    assert_eq!(bom["components"][2]["version"], "é".repeat(1024));
    assert_eq!(spdx(&report(vec![t]))["packages"][2]["versionInfo"], long);
}

#[test]
fn the_sbom_formats_are_formats() {
    assert_eq!(Format::from_name("cyclonedx"), Some(Format::Cyclonedx));
    assert_eq!(Format::from_name("spdx"), Some(Format::Spdx));
    assert_eq!(
        Format::ALL.map(Format::name),
        [
            "human",
            "json",
            "sarif",
            "junit",
            "markdown",
            "html",
            "cyclonedx",
            "spdx",
            "codequality",
            "gitlab-container-scanning"
        ]
    );
    // What `portcullis convert` does: read the JSON report, render it.
    let r = report(vec![debian_target(), dockerfile_target()]);
    let again = read_json(render_json(&r).as_bytes()).expect("reads back");
    let bom = render(Format::Cyclonedx, &again, true);
    assert_eq!(bom, render_cyclonedx(&r));
    let doc = render(Format::Spdx, &again, true);
    assert_eq!(doc, render_spdx(&r));
    for text in [&bom, &doc] {
        let v: Value = serde_json::from_str(text).expect("json");
        let errs = if v.get("bomFormat").is_some() {
            errors(cyclonedx_validator(), &v)
        } else {
            let mut e = errors(spdx_validator(), &v);
            e.extend(spdx_spec_errors(&v));
            e
        };
        assert!(errs.is_empty(), "{errs:#?}");
    }
}

#[test]
fn spdx_declares_the_license_refs_its_expressions_use() {
    let mut target = debian_target();
    let mut p = pkg(P {
        eco: Ecosystem::Deb,
        ns: None,
        name: "tzdata",
        version: "2024a-0+deb12u1",
        purl: "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12",
        licenses: &["public-domain", "BSD-3-clause"],
        expression: Some("LicenseRef-public-domain AND BSD-3-Clause"),
        layer: Some(0),
        evidence: &[(0, "/var/lib/dpkg/status")],
    });
    p.arch = Some("all".into());
    target.packages.get_or_insert_with(Vec::new).push(p);
    let doc = spdx(&report(vec![target]));
    assert_eq!(
        doc["hasExtractedLicensingInfos"],
        serde_json::json!([{
            "licenseId": "LicenseRef-public-domain",
            "name": "public domain",
            "extractedText": "Not an SPDX-listed license: the package's metadata declares it by name (public-domain); no license text is recorded."
        }])
    );
    // Without the declaration the document is not valid SPDX.
    let mut bare = doc.clone();
    bare.as_object_mut()
        .map(|o| o.remove("hasExtractedLicensingInfos"));
    assert_eq!(
        spdx_spec_errors(&bare),
        ["undeclared license \"LicenseRef-public-domain\""]
    );
}
