//! VEX documents: loading every example document of the OpenVEX and
//! CycloneDX projects (tests/data/vex/SOURCES.md), documents written by
//! real VEX libraries, and hand-checked decisions: scoped and unscoped
//! statements, image-scoped ones with and without subcomponents, alias
//! matching, the latest timestamp winning, CycloneDX bom-ref resolution,
//! and every error with its exact message.

use std::path::{Path, PathBuf};

use portcullis_advisories::vex::{
    Decision, Format, ImageIdentity, Status, VexError, VexSet, MAX_DOCUMENT_BYTES,
};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/vex")
        .join(rel)
}

fn load(set: &mut VexSet, rel: &str) -> Result<usize, VexError> {
    let path = data(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    set.load(&path, &bytes)
}

fn set_of(rels: &[&str]) -> VexSet {
    let mut set = VexSet::new();
    for rel in rels {
        load(&mut set, rel).unwrap_or_else(|e| panic!("{e}"));
    }
    set
}

/// The error message of loading `rel` (without the path).
fn load_error(rel: &str) -> String {
    let mut set = VexSet::new();
    match load(&mut set, rel) {
        Ok(n) => panic!("{rel} loaded ({n} statements)"),
        Err(e) => {
            assert_eq!(e.path(), data(rel));
            assert_eq!(
                e.to_string(),
                format!("{}: {}", data(rel).display(), e.message())
            );
            assert!(set.is_empty() && set.documents().is_empty());
            e.message().to_owned()
        }
    }
}

/// Load an inline document; the message when it fails.
fn inline(json: &str) -> Result<VexSet, String> {
    let mut set = VexSet::new();
    set.load(Path::new("inline.json"), json.as_bytes())
        .map(|_| set)
        .map_err(|e| e.message().to_owned())
}

fn inline_error(json: &str) -> String {
    match inline(json) {
        Ok(set) => panic!("loaded: {} statements", set.statements().len()),
        Err(e) => e,
    }
}

fn no_image() -> ImageIdentity {
    ImageIdentity::default()
}

fn image(digest: Option<&str>, names: &[&str], purl: Option<&str>) -> ImageIdentity {
    ImageIdentity {
        digest: digest.map(str::to_owned),
        names: names.iter().map(|s| (*s).to_owned()).collect(),
        purl: purl.map(str::to_owned),
    }
}

/// The image of the tools/ scenario (tools/generate.py).
const NGINX_DIGEST: &str =
    "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";

fn nginx() -> ImageIdentity {
    image(Some(NGINX_DIGEST), &["docker.io/library/nginx:1.25"], None)
}

fn elsewhere() -> ImageIdentity {
    image(
        Some("sha256:0000000000000000000000000000000000000000000000000000000000000001"),
        &["registry.example.com/team/app:7"],
        None,
    )
}

/// (status, location of the statement, file name of its document).
fn who(d: Option<Decision<'_>>) -> Option<(Status, String, String)> {
    d.map(|d| {
        (
            d.status,
            d.statement.location.clone(),
            d.document
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    })
}

fn status(d: Option<Decision<'_>>) -> Option<Status> {
    d.map(|d| d.status)
}

// ---------------------------------------------------------------------------
// The OpenVEX specification's examples
// ---------------------------------------------------------------------------

#[test]
fn openvex_spec_minimal() {
    let set = set_of(&["openvex-spec/spec-minimal.json"]);
    assert_eq!(set.documents().len(), 1);
    let doc = &set.documents()[0];
    assert_eq!(doc.format, Format::OpenVex);
    assert_eq!(
        doc.id.as_deref(),
        Some("https://openvex.dev/docs/example/vex-9fb3463de1b57")
    );
    assert_eq!(doc.author.as_deref(), Some("Wolfi J Inkinson"));
    assert_eq!(doc.statements, 1);
    let s = &set.statements()[0];
    assert_eq!(
        s.products,
        [
            "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7",
            "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"
        ]
    );
    let d = set
        .decide(
            &["CVE-2023-12345"],
            "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64&distro=wolfi-20230201",
            &no_image(),
        )
        .expect("applies");
    assert_eq!(d.status, Status::Fixed);
    assert_eq!(d.timestamp, Some("2023-01-08T18:02:03.647787998-06:00"));
    assert_eq!(d.justification, None);
    assert_eq!(d.document, data("openvex-spec/spec-minimal.json"));
    // Another version, another arch, another vulnerability: no.
    for (id, p) in [
        ("CVE-2023-12345", "pkg:apk/wolfi/git@2.39.0-r2?arch=x86_64"),
        ("CVE-2023-12345", "pkg:apk/wolfi/git@2.39.0-r1?arch=aarch64"),
        ("CVE-2023-12345", "pkg:apk/wolfi/git@2.39.0-r1"),
        ("CVE-2023-12346", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"),
    ] {
        assert!(set.decide(&[id], p, &no_image()).is_none(), "{id} {p}");
    }
}

#[test]
fn openvex_spec_updating_statements() {
    let set = set_of(&["openvex-spec/spec-update-1.json"]);
    let p = "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7";
    assert_eq!(
        status(set.decide(&["CVE-2023-12345"], p, &no_image())),
        Some(Status::UnderInvestigation)
    );
    // The second document of the spec's example is not JSON as printed.
    assert_eq!(
        load_error("openvex-spec/spec-update-2.json"),
        "not JSON: trailing comma at line 16 column 7"
    );
    // Fixed, its second statement inherits the document's later timestamp
    // and overrides the first.
    let set = set_of(&["openvex-spec/spec-update-2.fixed.json"]);
    let d = set
        .decide(&["CVE-2023-12345"], p, &no_image())
        .expect("applies");
    assert_eq!(d.status, Status::Fixed);
    assert_eq!(d.statement.location, "statements[1]");
    assert_eq!(d.timestamp, Some("2023-01-09T09:08:42-06:00"));
    assert_eq!(
        set.statements()[0].timestamp.as_deref(),
        Some("2023-01-08T18:02:03-06:00")
    );
    // Both documents: the fixed statement is still the latest.
    let set = set_of(&[
        "openvex-spec/spec-update-2.fixed.json",
        "openvex-spec/spec-update-1.json",
    ]);
    assert_eq!(
        status(set.decide(&["CVE-2023-12345"], p, &no_image())),
        Some(Status::Fixed)
    );
}

#[test]
fn openvex_spec_spring_example() {
    assert_eq!(
        load_error("openvex-spec/spec-spring.json"),
        "not JSON: trailing comma at line 23 column 11"
    );
    let set = set_of(&["openvex-spec/spec-spring.fixed.json"]);
    let s = &set.statements()[0];
    assert_eq!(s.vulnerability, "CVE-2021-44228");
    assert_eq!(s.aliases, ["GHSA-jfh8-c2jp-5v3q"]);
    let boot = "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3";
    // The finding under its GHSA id, the CVE among its aliases.
    let d = set
        .decide(
            &["GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"],
            boot,
            &no_image(),
        )
        .expect("applies");
    assert_eq!(d.status, Status::NotAffected);
    assert_eq!(d.justification, Some("vulnerable_code_not_in_execute_path"));
    assert!(d
        .impact_statement
        .is_some_and(|i| i.starts_with("Spring Boot users are only affected")));
    // The statement is about spring-boot, not about log4j-core in an image.
    assert!(set
        .decide(
            &["CVE-2021-44228"],
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            &nginx()
        )
        .is_none());
    assert!(set
        .decide(
            &["CVE-2021-44228"],
            "pkg:maven/org.springframework.boot/spring-boot@2.6.0",
            &no_image()
        )
        .is_none());
}

// ---------------------------------------------------------------------------
// go-vex, vexctl and tutorial documents
// ---------------------------------------------------------------------------

#[test]
fn go_vex_v001_shapes() {
    for rel in ["go-vex/v0.0.1.json", "go-vex/v0.0.1-noversion.json"] {
        let set = set_of(&[rel]);
        assert_eq!(set.documents()[0].statements, 1, "{rel}");
        let s = &set.statements()[0];
        assert_eq!(s.vulnerability, "CVE-2023-12345");
        assert_eq!(s.status, Status::Fixed);
        assert_eq!(
            status(set.decide(
                &["cve-2023-12345"],
                "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7",
                &no_image()
            )),
            Some(Status::Fixed),
            "{rel}"
        );
    }
}

#[test]
fn go_vex_v020_image_with_subcomponents() {
    let set = set_of(&["go-vex/v0.2.0.json"]);
    assert_eq!(set.documents()[0].statements, 5);
    let alpine = image(
        Some("sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126"),
        &["alpine:3.17"],
        None,
    );
    let libssl = "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=alpine-3.17.3";
    let d = set
        .decide(&["CVE-2023-3446"], libssl, &alpine)
        .expect("applies");
    assert_eq!(d.status, Status::NotAffected);
    assert_eq!(d.justification, Some("vulnerable_code_not_present"));
    assert_eq!(
        d.impact_statement,
        Some("affected functions were removed before packaging")
    );
    assert_eq!(d.timestamp, Some("2023-07-17T18:28:47.696004345-06:00"));
    assert_eq!(
        status(set.decide(
            &["CVE-2023-2650"],
            "pkg:apk/alpine/libcrypto3@3.0.8-r3",
            &alpine
        )),
        Some(Status::Fixed)
    );
    // Not a subcomponent; another version; another image.
    assert!(set
        .decide(&["CVE-2023-3446"], "pkg:apk/alpine/musl@1.2.3-r4", &alpine)
        .is_none());
    assert!(set
        .decide(
            &["CVE-2023-3446"],
            "pkg:apk/alpine/libssl3@3.0.8-r4",
            &alpine
        )
        .is_none());
    assert!(set.decide(&["CVE-2023-3446"], libssl, &nginx()).is_none());
    // The image known by a name only (no digest): the digest-scoped
    // statement cannot be applied.
    assert!(set
        .decide(
            &["CVE-2023-3446"],
            libssl,
            &image(None, &["alpine:3.17"], None)
        )
        .is_none());
    // The digest may also come from a digest reference or the image purl.
    let by_ref = image(
        None,
        &["alpine@sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126"],
        None,
    );
    assert!(set.decide(&["CVE-2023-3446"], libssl, &by_ref).is_some());
    let by_purl = image(
        None,
        &[],
        Some("pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126?arch=amd64"),
    );
    assert!(set.decide(&["CVE-2023-3446"], libssl, &by_purl).is_some());
}

#[test]
fn latest_timestamp_wins_whatever_the_load_order() {
    let bash = "pkg:apk/wolfi/bash@1.0.0?arch=x86_64";
    // v001-1: under_investigation at 16:36:43-05:00; v001-2: fixed at
    // 20:56:05-05:00 the same day (neither document has a timestamp).
    for order in [
        ["go-vex/v001-1.vex.json", "go-vex/v001-2.vex.json"],
        ["go-vex/v001-2.vex.json", "go-vex/v001-1.vex.json"],
    ] {
        let set = set_of(&order);
        assert_eq!(
            who(set.decide(&["CVE-1234-5678"], bash, &no_image())),
            Some((
                Status::Fixed,
                "statements[0]".into(),
                "v001-2.vex.json".into()
            )),
            "{order:?}"
        );
    }
    // vexctl's documents 1 and 2 (vexctl output): fixed two minutes later.
    for order in [
        ["vexctl/document1.vex.json", "vexctl/document2.vex.json"],
        ["vexctl/document2.vex.json", "vexctl/document1.vex.json"],
    ] {
        let set = set_of(&order);
        let d = set
            .decide(&["CVE-1234-5678"], bash, &no_image())
            .expect("applies");
        assert_eq!(d.status, Status::Fixed);
        assert_eq!(d.timestamp, Some("2023-12-05T05:06:38.099731287Z"));
    }
    // The v0.2.0 pair: different vulnerabilities and packages, no overlap.
    let set = set_of(&["go-vex/v020-1.vex.json", "go-vex/v020-2.vex.json"]);
    assert_eq!(
        status(set.decide(&["CVE-9876-54321"], bash, &no_image())),
        Some(Status::UnderInvestigation)
    );
    assert!(set.decide(&["CVE-1234-5678"], bash, &no_image()).is_none());
    assert_eq!(
        status(set.decide(
            &["CVE-1234-5678"],
            "pkg:apk/wolfi/git@2.41.0-1",
            &no_image()
        )),
        Some(Status::UnderInvestigation)
    );
}

#[test]
fn vexctl_tutorial_output() {
    let set = set_of(&["openvex-examples/tutorial01-create.vex.json"]);
    assert_eq!(
        status(set.decide(
            &["CVE-2014-123456"],
            "pkg:generic/product@1.0.0",
            &no_image()
        )),
        Some(Status::Fixed)
    );
    // Tutorial 2: under_investigation, then affected; merged or not, and
    // whatever the order, affected (later) decides, with vexctl's default
    // action statement.
    for rels in [
        &[
            "openvex-examples/tutorial02-document2.vex.json",
            "openvex-examples/tutorial02-document1.vex.json",
        ][..],
        &["openvex-examples/tutorial02-merged.vex.json"][..],
    ] {
        let set = set_of(rels);
        let d = set
            .decide(&["CVE-1234-5678"], "pkg:generic/product@1.0.0", &no_image())
            .expect("applies");
        assert_eq!(d.status, Status::Affected, "{rels:?}");
        assert_eq!(d.action_statement, Some("No action statement provided"));
        assert_eq!(d.timestamp, Some("2023-09-20T11:48:20.870256+02:00"));
    }
    let merged = set_of(&["openvex-examples/tutorial02-merged.vex.json"]);
    assert_eq!(merged.documents()[0].statements, 2);
}

#[test]
fn vexctl_image_products() {
    // Strings naming images: an oci purl with a digest, a bare repository,
    // a reference with a tag, and an oci purl with repository_url and tag.
    let set = set_of(&["vexctl/images.vex.json"]);
    assert_eq!(set.documents()[0].statements, 4);
    let any = "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64";
    let at = |img: ImageIdentity| {
        set.decide(&["CVE-1234-5678"], any, &img)
            .map(|d| d.statement.location.clone())
    };
    // "nginx": every tag of docker.io/library/nginx.
    assert_eq!(
        at(image(None, &["docker.io/library/nginx:1.27"], None)).as_deref(),
        Some("statements[1]")
    );
    assert_eq!(
        at(image(None, &["nginx"], None)).as_deref(),
        Some("statements[1]")
    );
    assert_eq!(at(image(None, &["quay.io/nginx/nginx:1"], None)), None);
    // Two statements with the same timestamp apply: the later one wins.
    assert_eq!(
        at(image(
            None,
            &["registry.k8s.io/kube-apiserver:v1.26.0"],
            None
        ))
        .as_deref(),
        Some("statements[3]")
    );
    assert_eq!(
        at(image(
            None,
            &["registry.k8s.io/kube-apiserver:v1.27.0"],
            None
        )),
        None
    );
    assert_eq!(
        at(image(
            Some("sha256:f271e74b17ced29b915d351685fd4644785c6d1559dd1f2d4189a5e851ef753a"),
            &["alpine:latest"],
            None
        ))
        .as_deref(),
        Some("statements[0]")
    );
    assert_eq!(at(image(None, &["alpine:latest"], None)), None);

    // pkg:oci/vexctl without a version: by name, in any registry.
    let set = set_of(&["vexctl/oci-vexctl.openvex.json"]);
    let d = set
        .decide(
            &["CVE-2014-12345678"],
            any,
            &image(None, &["ghcr.io/openvex/vexctl:v0.3.0"], None),
        )
        .expect("applies");
    assert_eq!(
        (d.status, d.justification),
        (Status::NotAffected, Some("vulnerable_code_not_present"))
    );
    assert!(set
        .decide(
            &["CVE-2014-12345678"],
            any,
            &image(None, &["ghcr.io/openvex/vexctl-demo:1"], None)
        )
        .is_none());
}

#[test]
fn vexctl_samples() {
    let nginx_sample = image(
        Some("sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"),
        &[],
        None,
    );
    let set = set_of(&["vexctl/sample-history.openvex.json"]);
    // Two equal statements; the second inherits the later document time.
    let d = set
        .decide(
            &["SNYK-DEBIAN12-LIBDE265-3361563"],
            "pkg:deb/debian/libde265-0@1.0.11-1",
            &nginx_sample,
        )
        .expect("applies");
    assert_eq!(d.statement.location, "statements[1]");
    assert_eq!(d.timestamp, Some("2023-08-16T19:55:22.076684217-06:00"));
    assert_eq!(d.justification, Some("component_not_present"));
    let set = set_of(&[
        "vexctl/sample-2vulns.openvex.json",
        "vexctl/sample-1statement.openvex.json",
    ]);
    assert_eq!(
        set.documents()
            .iter()
            .map(|d| d.statements)
            .collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(
        status(set.decide(
            &["CVE-2007-5686"],
            "pkg:deb/debian/login@1:4.13+dfsg1-1",
            &nginx_sample
        )),
        Some(Status::Fixed)
    );
    let set = set_of(&["vexctl/demo.vex.json"]);
    assert_eq!(
        status(set.decide(
            &["CVE-2014-123456"],
            "pkg:apk/distro/git@2.39.0-r1?arch=armv7",
            &no_image()
        )),
        Some(Status::Fixed)
    );
    // Statements that name no product (they rely on an encapsulating
    // document this file is not in).
    assert_eq!(
        load_error("vexctl/test.vex.json"),
        "statements[0] (CVE-2009-4487): names no product"
    );
}

// ---------------------------------------------------------------------------
// Documents written by real VEX libraries (tools/)
// ---------------------------------------------------------------------------

#[test]
fn vexipy_document() {
    let set = set_of(&["tools/vexipy-nginx.openvex.json"]);
    assert_eq!(set.documents()[0].statements, 4);
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    let openssl_old = "pkg:deb/debian/openssl@3.0.9-1?arch=amd64&distro=debian-12";
    let openssl_new = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";

    // Image-scoped with subcomponents: openssl in this image.
    let d = set
        .decide(&["CVE-2023-5678"], openssl_old, &nginx())
        .expect("applies");
    assert_eq!(d.status, Status::NotAffected);
    assert_eq!(d.statement.location, "statements[0]");
    assert_eq!(d.justification, Some("vulnerable_code_not_in_execute_path"));
    assert_eq!(
        d.impact_statement,
        Some("nginx does not call DH_generate_key or DH_check_pub_key")
    );
    // ... and libssl3 (named through identifiers.purl), not curl.
    assert_eq!(
        status(set.decide(
            &["CVE-2023-5678"],
            "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64",
            &nginx()
        )),
        Some(Status::NotAffected)
    );
    assert!(set
        .decide(
            &["CVE-2023-5678"],
            "pkg:deb/debian/curl@7.88.1-10?arch=amd64",
            &nginx()
        )
        .is_none());
    // In another image the image-scoped statement does not apply.
    assert!(set
        .decide(&["CVE-2023-5678"], openssl_old, &elsewhere())
        .is_none());

    // The later package-scoped statement (fixed in 3.0.11-1~deb12u2, arch
    // amd64) overrides the image statement for that version, in any image,
    // its version written with %7E or ~.
    for p in [
        openssl_new,
        "pkg:deb/debian/openssl@3.0.11-1%7Edeb12u2?arch=amd64",
    ] {
        for img in [nginx(), elsewhere(), no_image()] {
            let d = set.decide(&["CVE-2023-5678"], p, &img).expect("applies");
            assert_eq!(
                (d.status, d.statement.location.as_str()),
                (Status::Fixed, "statements[3]"),
                "{p}"
            );
            assert_eq!(d.timestamp, Some("2024-01-31T10:30:00+01:00"));
        }
    }
    // Another arch: only the image statement is left.
    assert_eq!(
        who(set.decide(
            &["CVE-2023-5678"],
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=arm64",
            &nginx()
        )),
        Some((
            Status::NotAffected,
            "statements[0]".into(),
            "vexipy-nginx.openvex.json".into()
        ))
    );

    // Image-scoped, no subcomponents: every package of the image, which is
    // named by repository_url and tag (no digest given).
    for (img, applies) in [
        (image(None, &["docker.io/library/nginx:1.25"], None), true),
        (image(None, &["nginx:1.25"], None), true),
        (
            image(None, &["index.docker.io/library/nginx:1.25"], None),
            true,
        ),
        (image(None, &["nginx:1.26"], None), false),
        (image(None, &["quay.io/library/nginx:1.25"], None), false),
        (image(None, &["docker.io/library/nginx"], None), false),
        (nginx(), true),
        (elsewhere(), false),
    ] {
        for p in [openssl_old, "pkg:pypi/django@4.2.7", "not a purl"] {
            let d = set.decide(&["GHSA-qppj-fm5r-hxr3"], p, &img);
            assert_eq!(d.is_some(), applies, "{:?} {p}", img.names);
            if let Some(d) = d {
                assert_eq!(d.status, Status::Affected);
                assert_eq!(
                    d.action_statement,
                    Some("Set keepalive_requests 1000 until the image is rebuilt")
                );
            }
        }
    }

    // Named by its GHSA id: the finding is the CVE with the GHSA alias.
    let log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
    let d = set
        .decide(
            &["CVE-2021-44228", "ghsa-JFH8-c2jp-5v3q"],
            log4j,
            &elsewhere(),
        )
        .expect("applies");
    assert_eq!(d.status, Status::NotAffected);
    assert_eq!(d.statement_id, Some("https://example.com/vex/log4shell"));
    assert_eq!(
        d.impact_statement,
        Some("JndiLookup.class was removed from the jar")
    );
    // The statement does not know the CVE id: without the alias, no.
    assert!(set
        .decide(&["CVE-2021-44228"], log4j, &elsewhere())
        .is_none());
    assert!(set
        .decide(
            &["GHSA-jfh8-c2jp-5v3q"],
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0",
            &elsewhere()
        )
        .is_none());
}

#[test]
fn cyclonedx_library_documents() {
    for rel in [
        "tools/cdxlib-nginx.cdx-1.6.json",
        "tools/cdxlib-nginx.cdx-1.4.json",
    ] {
        // 1.4 has no analysis.firstIssued / lastUpdated (1.5 added them):
        // the library leaves them out and metadata.timestamp stands in.
        let v14 = rel.ends_with("1.4.json");
        let metadata_time = "2024-03-01T08:00:00+00:00";
        let set = set_of(&[rel]);
        let doc = &set.documents()[0];
        assert_eq!(doc.format, Format::CycloneDx);
        assert_eq!(
            doc.id.as_deref(),
            Some("urn:uuid:6a1d3c2e-8f0b-4b7e-9c55-0d2f7e1a9b40")
        );
        // Five vulnerabilities, one without an analysis.
        assert_eq!(doc.statements, 4, "{rel}");
        let warnings: Vec<String> = set.warnings().iter().map(|w| w.message.clone()).collect();
        assert_eq!(
            warnings,
            [
                "vulnerabilities[0] (CVE-2023-38545): affects[1]: ref \"svc-api\" names service \"api\", \
                 not a package or an image; left out",
                "vulnerabilities[0] (CVE-2023-38545): affects[2]: ref \"vendored-zlib\" names component \
                 \"vendored-zlib\" 1.2.13, which has no purl; left out",
                "vulnerabilities[2] (CVE-2023-4911): no analysis.state, so not a VEX statement; skipped",
            ],
            "{rel}"
        );
        assert_eq!(
            set.warnings()[0].to_string(),
            format!("{}: {}", data(rel).display(), warnings[0])
        );

        // bom-ref → component purl (version and distro qualifier given).
        let openssl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
        let d = set
            .decide(&["CVE-2023-5678"], openssl, &elsewhere())
            .expect("applies");
        assert_eq!(d.status, Status::NotAffected);
        assert_eq!(d.justification, Some("code_not_reachable"));
        assert_eq!(d.impact_statement, Some("nginx never generates DH keys"));
        assert_eq!(d.action_statement, Some("response: will_not_fix"));
        assert_eq!(
            d.timestamp,
            Some(if v14 {
                metadata_time
            } else {
                "2024-02-15T00:00:00+00:00"
            })
        );
        assert_eq!(d.statement_id, Some("vex-1"));
        assert_eq!(d.statement.responses, ["will_not_fix"]);
        assert!(set
            .decide(
                &["CVE-2023-5678"],
                "pkg:deb/debian/openssl@3.0.9-1?arch=amd64&distro=debian-12",
                &nginx()
            )
            .is_none());
        assert!(set
            .decide(
                &["CVE-2023-5678"],
                "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64",
                &nginx()
            )
            .is_none());

        // BOM-Link into this BOM → a component nested in another;
        // false_positive counts as not affected, under its own word.
        let d = set
            .decide(
                &["PYSEC-2024-28", "GHSA-xxqx-3mjf-9mc5"],
                "pkg:pypi/Django@4.2.7",
                &no_image(),
            )
            .expect("applies");
        assert_eq!(d.status, Status::NotAffected);
        assert_eq!(d.statement.stated_status, "false_positive");
        assert_eq!(d.justification, None);
        assert_eq!(
            d.impact_statement,
            Some("the intcomma template filter is not used")
        );
        assert_eq!(d.timestamp, Some(metadata_time));
        assert!(set
            .decide(&["CVE-2024-24680"], "pkg:pypi/django@4.2.8", &no_image())
            .is_none());

        // metadata.component, a container: the whole image, by its hash or
        // its name and version.
        for (img, applies) in [
            (nginx(), true),
            (
                image(
                    Some(NGINX_DIGEST),
                    &["registry.example.com/mirror/nginx:1"],
                    None,
                ),
                true,
            ),
            (image(None, &["nginx:1.25"], None), true),
            (image(None, &["nginx:1.26"], None), false),
            (elsewhere(), false),
        ] {
            let d = set.decide(
                &["CVE-2023-44487"],
                "pkg:deb/debian/libnghttp2-14@1.52.0-1",
                &img,
            );
            assert_eq!(d.is_some(), applies, "{:?}", img.names);
            if let Some(d) = d {
                assert_eq!(d.status, Status::Affected);
                assert_eq!(d.action_statement, Some("Upgrade nginx to 1.25.3"));
                assert_eq!(
                    d.timestamp,
                    Some(if v14 {
                        metadata_time
                    } else {
                        "2023-10-11T00:00:00+00:00"
                    })
                );
            }
        }

        // A purl ref with versions: the listed version and the range (in
        // dpkg's order) decide, not the purl's (it has none).
        let curl = "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u4?arch=amd64&distro=debian-12";
        let d = set
            .decide(&["CVE-2023-38545"], curl, &no_image())
            .expect("applies");
        assert_eq!(d.status, Status::Fixed);
        assert_eq!(
            d.statement.products,
            ["pkg:deb/debian/curl?arch=amd64", "svc-api", "vendored-zlib"]
        );
        for (version, inside) in [
            ("7.88.1-10+deb12u5", true),
            ("8.5.0-2", true),
            ("7.88.1-10+deb12u3", false),
            ("7.88.1-10", false),
            ("7.88.1-10+deb12u4~bpo1", false),
        ] {
            let p = format!("pkg:deb/debian/curl@{version}?arch=amd64");
            assert_eq!(
                status(set.decide(&["CVE-2023-38545"], &p, &no_image())),
                inside.then_some(Status::Fixed),
                "{version}"
            );
        }
        assert!(set
            .decide(
                &["CVE-2023-38545"],
                "pkg:deb/debian/curl@7.88.1-10+deb12u4?arch=arm64",
                &no_image()
            )
            .is_none());
    }
}

#[test]
fn two_formats_together() {
    let set = set_of(&[
        "tools/cdxlib-nginx.cdx-1.6.json",
        "tools/vexipy-nginx.openvex.json",
    ]);
    // CVE-2023-44487: OpenVEX at 2023-10-12T00:00+02:00 (22:00Z) is later
    // than CycloneDX's firstIssued 2023-10-11T00:00Z.
    let d = set
        .decide(&["CVE-2023-44487"], "pkg:deb/debian/libc6@2.36-9", &nginx())
        .expect("applies");
    assert_eq!(
        d.action_statement,
        Some("Set keepalive_requests 1000 until the image is rebuilt")
    );
    assert_eq!(d.document, data("tools/vexipy-nginx.openvex.json"));
    // openssl 3.0.11: OpenVEX fixed (2024-01-31) vs CycloneDX not_affected
    // (2024-02-15): CycloneDX.
    let d = set
        .decide(
            &["CVE-2023-5678"],
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            &nginx(),
        )
        .expect("applies");
    assert_eq!(
        (d.status, d.justification),
        (Status::NotAffected, Some("code_not_reachable"))
    );
    // openssl 3.0.9: only the OpenVEX image statement.
    let d = set
        .decide(
            &["CVE-2023-5678"],
            "pkg:deb/debian/openssl@3.0.9-1?arch=amd64&distro=debian-12",
            &nginx(),
        )
        .expect("applies");
    assert_eq!(d.justification, Some("vulnerable_code_not_in_execute_path"));
    assert_eq!(set.statements().len(), 8);
    assert_eq!(set.statements_of(1).count(), 4);
    let verdict = d.verdict();
    assert_eq!(verdict.status, "not_affected");
    assert!(verdict.suppresses());
    assert_eq!(
        verdict.document,
        data("tools/vexipy-nginx.openvex.json")
            .display()
            .to_string()
    );
}

// ---------------------------------------------------------------------------
// CycloneDX's examples
// ---------------------------------------------------------------------------

#[test]
fn cyclonedx_vex_example() {
    let set = set_of(&["cyclonedx/vex.json"]);
    let s = &set.statements()[0];
    assert_eq!(s.vulnerability, "CVE-2020-25649");
    assert_eq!(s.aliases, ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"]);
    // The ref is a BOM-Link into bom.json whose bom-ref is a purl.
    for p in [
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar",
        // `type=jar` is Maven's default.
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0",
    ] {
        let d = set
            .decide(
                &["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"],
                p,
                &no_image(),
            )
            .expect("applies");
        assert_eq!(d.status, Status::NotAffected);
        assert_eq!(d.justification, Some("code_not_reachable"));
        assert_eq!(
            d.impact_statement,
            Some("Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable, either directly or indirectly.")
        );
        // Not affected: the vulnerability's "upgrade" recommendation is not
        // the action; the responses are.
        assert_eq!(d.action_statement, Some("response: will_not_fix, update"));
        assert_eq!(d.timestamp, None);
    }
    for p in [
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=pom",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.1",
    ] {
        assert!(
            set.decide(&["CVE-2020-25649"], p, &no_image()).is_none(),
            "{p}"
        );
    }
    assert_eq!(
        load_error("cyclonedx/bom.json"),
        "a CycloneDX BOM with no vulnerabilities: it names nothing"
    );
}

/// Every VEX document of bom-examples: what loading it says. They are
/// about applications without purls or in BOMs not loaded: nothing in them
/// can be matched to an image's packages, and the message says why.
#[test]
fn cyclonedx_use_case_examples() {
    let nothing = "it names nothing this scanner can match to a package or an image: ";
    let cases: &[(&str, &str)] = &[
        ("CISA-Use-Cases-Case-1-vex-affected.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-DEF\" names component \"DEF\" 1.0, which has no purl; left out"),
        ("CISA-Use-Cases-Case-1-vex-fixed.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-DEF\" names component \"DEF\" 1.1, which has no purl; left out"),
        ("CISA-Use-Cases-Case-1-vex-not_affected.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-ABC\" names component \"ABC\" 4.2, which has no purl; left out"),
        ("CISA-Use-Cases-Case-1-vex-under_investigation.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-GHI\" names component \"GHI\" 17.4, which has no purl; left out"),
        ("CISA-Use-Cases-Case-2-vex.json",
         "vulnerabilities[0] (CVE-2020-11896): affects[0]: ref \"product-ABC\" names component \"ABC\" 4.2, which has no purl; left out (and 18 more)"),
        ("CISA-Use-Cases-Case-3-vex.json",
         "vulnerabilities[0] (CVE-2020-11896): affects[0]: ref \"product-GHI\" names component \"GHI\" 17.4, which has no purl; left out (and 18 more)"),
        ("CISA-Use-Cases-Case-4-vex.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-ABC\" names component \"ABC\", which has no purl; left out"),
        ("CISA-Use-Cases-Case-5-vex.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-XYZ\" names component \"XYZ\", which has no purl; left out"),
        ("CISA-Use-Cases-Case-6-vex.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"product-ABC\" names component \"ABC\", which has no purl; left out (and 1 more)"),
        ("CISA-Use-Cases-Case-7-vex.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1#product-ABC\" points into another BOM (urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1), which is not loaded; left out (and 4 more)"),
        ("CISA-Use-Cases-Case-8-vex.json",
         "vulnerabilities[0] (CVE-2021-44228): affects[0]: ref \"urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1#product-ABC\" points into another BOM (urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1), which is not loaded; left out (and 10 more)"),
        ("Use-Cases-Case-1-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\" 2.4.0, which has no purl; left out"),
        ("Use-Cases-Case-2-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\" 2.4.0, which has no purl; left out"),
        ("Use-Cases-Case-3-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\" 2.4.0, which has no purl; left out"),
        ("Use-Cases-Case-4-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\", which has no purl; left out"),
        ("Use-Cases-Case-5-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\", which has no purl; left out (and 1 more)"),
        ("Use-Cases-Case-6-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1#acme-product-1\" points into another BOM (urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1), which is not loaded; left out (and 2 more)"),
        ("Use-Cases-Case-8-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\", which has no purl; left out"),
        ("Use-Cases-Case-9-vex.json",
         "vulnerabilities[0] (CVE-2020-11896): affects[0]: ref \"urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1#acme-product-1\" points into another BOM (urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1), which is not loaded; left out (and 56 more)"),
        ("Use-Cases-Case-10-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\", which has no purl; left out"),
        ("Use-Cases-Case-11-vex.json",
         "vulnerabilities[0] (CVE-2020-11896): affects[0]: ref \"acme-product\" names component \"Acme Product\" 2.2.0, which has no purl; left out (and 18 more)"),
        ("Use-Cases-Case-12-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"acme-product\" names component \"Acme Product\" 2.2.0, which has no purl; left out (and 2 more)"),
        ("Use-Cases-Case-13-vex.json",
         "vulnerabilities[0] (CVE-2020-25649): affects[0]: ref \"urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1#acme-product-1\" points into another BOM (urn:cdx:2c385cf7-e1ee-46e9-a51c-13de1ecb380a/1), which is not loaded; left out (and 2 more)"),
    ];
    for (file, why) in cases {
        let rel = format!("cyclonedx/{file}");
        assert_eq!(load_error(&rel), format!("{nothing}{why}"), "{file}");
    }
    // "All products, all versions": no affects at all.
    assert_eq!(
        load_error("cyclonedx/Use-Cases-Case-7-vex.json"),
        "vulnerabilities[0] (CVE-2020-25649): names no product (no affects)"
    );
    // Every file of the folder is covered.
    let listed = std::fs::read_dir(data("cyclonedx"))
        .expect("dir")
        .filter_map(|e| e.ok())
        .count();
    assert_eq!(listed, cases.len() + 3);
}

// ---------------------------------------------------------------------------
// Hand-made documents: purl matching, scoping, resolution
// ---------------------------------------------------------------------------

fn openvex_with(product: &str, extra: &str) -> String {
    format!(
        r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t",
            "timestamp": "2024-01-01T00:00:00Z", "version": 1,
            "statements": [{{"vulnerability": {{"name": "CVE-2024-0001"}},
              "products": [{product}], "status": "not_affected",
              "justification": "component_not_present"{extra}}}]}}"#
    )
}

#[test]
fn purl_matching() {
    let cases: &[(&str, &str, bool)] = &[
        (
            "pkg:deb/debian/openssl",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            true,
        ),
        (
            "pkg:deb/debian/openssl@3.0.9",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            false,
        ),
        (
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            true,
        ),
        (
            "pkg:deb/debian/openssl@3.0.11-1%7Edeb12u2",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64",
            true,
        ),
        (
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2",
            "pkg:deb/debian/openssl@3.0.11-1%7edeb12u2",
            true,
        ),
        (
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7",
            "pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64",
            true,
        ),
        (
            "pkg:deb/debian/libc6@2.36-9+deb12u7",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12",
            true,
        ),
        (
            "pkg:deb/debian/attr@1%3A2.4.47-2",
            "pkg:deb/debian/attr@1:2.4.47-2?arch=amd64",
            true,
        ),
        (
            "pkg:deb/debian/openssl?arch=amd64",
            "pkg:deb/debian/openssl@3.0.11?arch=arm64",
            false,
        ),
        (
            "pkg:deb/debian/openssl?arch=amd64",
            "pkg:deb/debian/openssl@3.0.11",
            false,
        ),
        (
            "pkg:deb/debian/openssl?distro=bookworm",
            "pkg:deb/debian/openssl@3.0.11?distro=debian-12",
            false,
        ),
        (
            "pkg:deb/ubuntu/openssl",
            "pkg:deb/debian/openssl@3.0.11",
            false,
        ),
        ("pkg:deb/openssl", "pkg:deb/debian/openssl@3.0.11", false),
        (
            "pkg:deb/debian/OpenSSL",
            "pkg:deb/debian/openssl@3.0.11",
            true,
        ),
        (
            "pkg:DEB/Debian/openssl",
            "pkg:deb/debian/openssl@3.0.11",
            true,
        ),
        (
            "pkg:rpm/debian/openssl",
            "pkg:deb/debian/openssl@3.0.11",
            false,
        ),
        ("pkg:pypi/Django", "pkg:pypi/django@4.2", true),
        (
            "pkg:pypi/django_rest_framework@3.14.0",
            "pkg:pypi/djangorestframework@3.14.0",
            false,
        ),
        (
            "pkg:pypi/Flask_SQLAlchemy@3.1.1",
            "pkg:pypi/flask-sqlalchemy@3.1.1",
            true,
        ),
        ("pkg:pypi/django@4.2.0", "pkg:pypi/django@4.2", false),
        (
            "pkg:npm/%40babel/core@7.24.0",
            "pkg:npm/@babel/core@7.24.0",
            true,
        ),
        (
            "pkg:npm/%40Babel/core@7.24.0",
            "pkg:npm/%40babel/core@7.24.0",
            false,
        ),
        (
            "pkg:golang/github.com/Azure/go-autorest",
            "pkg:golang/github.com/azure/go-autorest@v14.2.0",
            false,
        ),
        (
            "pkg:golang/github.com/Azure/go-autorest",
            "pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible",
            true,
        ),
        (
            "pkg:golang/google.golang.org/genproto#googleapis/api",
            "pkg:golang/google.golang.org/genproto@v0.1",
            false,
        ),
        (
            "pkg:golang/google.golang.org/genproto",
            "pkg:golang/google.golang.org/genproto@v0.1#googleapis/api",
            true,
        ),
        (
            "pkg:golang/google.golang.org/genproto#googleapis/api",
            "pkg:golang/google.golang.org/genproto@v0.1#googleapis/api",
            true,
        ),
        (
            "pkg:rpm/rhel/openssl-libs@1:3.0.7-27.el9",
            "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1",
            true,
        ),
        (
            "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?epoch=2",
            "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1",
            false,
        ),
        (
            "pkg:rpm/rhel/bash@5.1.8-9.el9?epoch=0",
            "pkg:rpm/rhel/bash@5.1.8-9.el9?arch=x86_64",
            true,
        ),
        (
            "pkg:rpm/fedora/NetworkManager",
            "pkg:rpm/fedora/networkmanager@1.46.0",
            false,
        ),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            true,
        ),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?classifier=sources",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            false,
        ),
        (
            "pkg:cargo/serde_json",
            "pkg:cargo/serde-json@1.0.120",
            false,
        ),
        // The package's purl does not parse: no package-scoped statement.
        ("pkg:generic/thing", "generic/thing@1", false),
    ];
    for (stmt, pkg, want) in cases {
        let set = inline(&openvex_with(&format!(r#"{{"@id": "{stmt}"}}"#), ""))
            .unwrap_or_else(|e| panic!("{stmt}: {e}"));
        let got = set.decide(&["CVE-2024-0001"], pkg, &nginx()).is_some();
        assert_eq!(got, *want, "statement {stmt} vs package {pkg}");
    }
}

#[test]
fn image_scoped_statements() {
    // Without subcomponents: every package of the image, even one whose
    // purl does not parse; with: only those.
    let all = inline(&openvex_with(
        &format!(
            r#"{{"@id": "pkg:oci/nginx@{}"}}"#,
            NGINX_DIGEST.replace(':', "%3A")
        ),
        "",
    ))
    .expect("loads");
    let some = inline(&openvex_with(
        &format!(r#"{{"@id": "pkg:oci/nginx@{NGINX_DIGEST}", "subcomponents": [{{"@id": "pkg:deb/debian/zlib1g"}}]}}"#),
        "",
    ))
    .expect("loads");
    for p in [
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64",
        "pkg:pypi/django@4.2",
        "garbage",
    ] {
        assert!(all.decide(&["CVE-2024-0001"], p, &nginx()).is_some(), "{p}");
        assert!(
            all.decide(&["CVE-2024-0001"], p, &elsewhere()).is_none(),
            "{p}"
        );
        assert_eq!(
            some.decide(&["CVE-2024-0001"], p, &nginx()).is_some(),
            p.contains("zlib1g"),
            "{p}"
        );
    }
    // A digest in upper case, a reference with a digest, a hashes entry.
    for product in [
        format!(
            r#"{{"@id": "{}"}}"#,
            NGINX_DIGEST.to_uppercase().replace("SHA256", "sha256")
        ),
        format!(r#""nginx@{NGINX_DIGEST}""#),
        format!(r#"{{"hashes": {{"sha-256": "{}"}}}}"#, &NGINX_DIGEST[7..]),
        r#"{"@id": "pkg:docker/library/nginx@1.25"}"#.to_owned(),
        r#"{"@id": "pkg:oci/nginx?tag=1.25"}"#.to_owned(),
        r#"{"@id": "pkg:oci/nginx?repository_url=docker.io/library"}"#.to_owned(),
    ] {
        let set = inline(&openvex_with(&product, "")).expect("loads");
        assert!(
            set.decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &nginx())
                .is_some(),
            "{product}"
        );
        assert!(
            set.decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &elsewhere())
                .is_none(),
            "{product}"
        );
    }
    // Qualifiers other than repository_url and tag are checked against the
    // image's own purl.
    let arch = inline(&openvex_with(r#"{"@id": "pkg:oci/nginx?arch=amd64"}"#, "")).expect("loads");
    assert!(arch
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &nginx())
        .is_none());
    let with_purl = image(
        None,
        &["nginx:1.25"],
        Some("pkg:oci/nginx@sha256%3Aab?arch=amd64&tag=1.25"),
    );
    assert!(arch
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &with_purl)
        .is_some());
    // An IRI that is not an image reference: only as written.
    let iri = inline(&openvex_with(
        r#"{"@id": "https://example.com/products/nginx"}"#,
        "",
    ))
    .expect("loads");
    assert!(iri
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &nginx())
        .is_none());
    assert!(iri
        .decide(
            &["CVE-2024-0001"],
            "pkg:deb/debian/x@1",
            &image(None, &["https://example.com/products/nginx"], None)
        )
        .is_some());
    // A package product's subcomponents are not matched on their own.
    let pkg_product = inline(&openvex_with(
        r#"{"@id": "pkg:maven/org.springframework.boot/spring-boot@2.6.0", "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}"#,
        "",
    ))
    .expect("loads");
    assert!(pkg_product
        .decide(
            &["CVE-2024-0001"],
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            &nginx()
        )
        .is_none());
    assert!(pkg_product
        .decide(
            &["CVE-2024-0001"],
            "pkg:maven/org.springframework.boot/spring-boot@2.6.0",
            &nginx()
        )
        .is_some());
    // v0.0.1: statement-level subcomponents apply to each product.
    let old = r#"{"@context": "https://openvex.dev/ns", "@id": "x", "author": "t",
        "timestamp": "2023-01-01T00:00:00Z", "statements": [{"vulnerability": "CVE-2024-0001",
        "products": ["nginx"], "subcomponents": ["pkg:deb/debian/zlib1g"],
        "status": "not_affected", "justification": "component_not_present"}]}"#;
    let old = inline(old).expect("loads");
    assert!(old
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/zlib1g@1", &nginx())
        .is_some());
    assert!(old
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/openssl@1", &nginx())
        .is_none());
    // A subcomponent that is not a package purl matches nothing, and says so.
    let named = inline(&openvex_with(
        r#"{"@id": "nginx", "subcomponents": [{"@id": "libssl3"}]}"#,
        "",
    ))
    .expect("loads");
    assert_eq!(
        named.warnings()[0].message,
        "statements[0] (CVE-2024-0001): products[0].subcomponents[0] (libssl3) is not a package purl, so it matches no package"
    );
    assert!(named
        .decide(&["CVE-2024-0001"], "pkg:deb/debian/libssl3@3", &nginx())
        .is_none());
}

#[test]
fn timestamps_and_ties() {
    let doc = |status: &str, ts: &str, extra: &str| {
        format!(
            r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t", "version": 1,
                {ts} "statements": [{{"vulnerability": {{"name": "CVE-2024-0001"}},
                "products": [{{"@id": "pkg:deb/debian/x"}}], "status": "{status}"{extra}}}]}}"#
        )
    };
    let na = r#", "justification": "component_not_present""#;
    let aff = r#", "action_statement": "upgrade""#;
    let load_all = |docs: &[(&str, String)]| {
        let mut set = VexSet::new();
        for (name, d) in docs {
            set.load(Path::new(name), d.as_bytes()).expect("loads");
        }
        set
    };
    let decide = |set: &VexSet| {
        set.decide(&["CVE-2024-0001"], "pkg:deb/debian/x@1", &no_image())
            .map(|d| (d.status, d.document.display().to_string()))
    };
    // The same instant written with two offsets: a tie, the later loaded wins.
    let a = (
        "a.json",
        doc(
            "not_affected",
            r#""timestamp": "2024-01-01T12:00:00Z","#,
            na,
        ),
    );
    let b = (
        "b.json",
        doc(
            "affected",
            r#""timestamp": "2024-01-01T06:00:00-06:00","#,
            aff,
        ),
    );
    assert_eq!(
        decide(&load_all(&[a.clone(), b.clone()])),
        Some((Status::Affected, "b.json".into()))
    );
    assert_eq!(
        decide(&load_all(&[b.clone(), a.clone()])),
        Some((Status::NotAffected, "a.json".into()))
    );
    // One nanosecond later wins, whatever the order.
    let c = (
        "c.json",
        doc(
            "fixed",
            r#""timestamp": "2024-01-01T12:00:00.000000001Z","#,
            "",
        ),
    );
    assert_eq!(
        decide(&load_all(&[c.clone(), a.clone(), b.clone()])),
        Some((Status::Fixed, "c.json".into()))
    );
    // No timestamp at all is older than any.
    let d = ("d.json", doc("under_investigation", "", ""));
    assert_eq!(
        decide(&load_all(&[a.clone(), d.clone()])),
        Some((Status::NotAffected, "a.json".into()))
    );
    let set = load_all(&[d]);
    assert_eq!(
        decide(&set),
        Some((Status::UnderInvestigation, "d.json".into()))
    );
    assert_eq!(set.statements()[0].timestamp, None);
}

#[test]
fn cyclonedx_resolution() {
    let bom = |vulns: &str| {
        format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 3,
                "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
                "metadata": {{"timestamp": "2024-05-01T00:00:00Z",
                  "authors": [{{"name": "Acme PSIRT"}}],
                  "component": {{"type": "container", "bom-ref": "img", "name": "ghcr.io/acme/app",
                    "version": "sha256:{hex}", "purl": "pkg:oci/app@sha256%3A{hex}"}}}},
                "components": [
                  {{"type": "application", "bom-ref": "a", "name": "a", "components": [
                    {{"type": "library", "bom-ref": "b", "name": "b", "components": [
                      {{"type": "library", "bom-ref": "lib/c 1", "name": "c", "purl": "pkg:npm/c@2.3.0"}}]}}]}},
                  {{"type": "library", "bom-ref": "pkg:npm/d@1.0.0", "name": "d", "purl": "pkg:npm/d@1.0.0"}}],
                "vulnerabilities": [{vulns}]}}"#,
            hex = &NGINX_DIGEST[7..]
        )
    };
    let vuln = |affects: &str| {
        format!(
            r#"{{"id": "CVE-2024-0002", "references": [{{"id": "GHSA-aaaa-bbbb-cccc", "source": {{"name": "GitHub"}}}}],
                "analysis": {{"state": "not_affected", "justification": "requires_configuration"}},
                "affects": [{affects}]}}"#
        )
    };
    let run = |affects: &str, package: &str, img: &ImageIdentity| {
        let set = inline(&bom(&vuln(affects))).unwrap_or_else(|e| panic!("{affects}: {e}"));
        let doc = &set.documents()[0];
        assert_eq!(doc.author.as_deref(), Some("Acme PSIRT"));
        assert_eq!(doc.timestamp.as_deref(), Some("2024-05-01T00:00:00Z"));
        set.decide(&["GHSA-aaaa-bbbb-cccc"], package, img).is_some()
    };
    let npm_c = "pkg:npm/c@2.3.0";
    // A component nested two deep.
    assert!(run(r#"{"ref": "lib/c 1"}"#, npm_c, &no_image()));
    // A BOM-Link into this BOM, any version, the bom-ref percent-encoded.
    assert!(run(
        r#"{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib%2Fc%201"}"#,
        npm_c,
        &no_image()
    ));
    assert!(run(
        r#"{"ref": "urn:cdx:3E671687-395B-41F5-A30F-A58921A69B79/3#lib/c 1"}"#,
        npm_c,
        &no_image()
    ));
    // A bom-ref that is a purl, not in the BOM: taken as the purl.
    assert!(run(
        r#"{"ref": "pkg:npm/e@1.0.0"}"#,
        "pkg:npm/e@1.0.0",
        &no_image()
    ));
    // The container: by its oci purl, its name and digest version.
    let app = image(Some(NGINX_DIGEST), &[], None);
    assert!(run(r#"{"ref": "img"}"#, "pkg:npm/anything@1", &app));
    assert!(run(
        r#"{"ref": "img"}"#,
        "pkg:npm/anything@1",
        &image(None, &[&format!("ghcr.io/acme/app@{NGINX_DIGEST}")], None)
    ));
    assert!(!run(
        r#"{"ref": "img"}"#,
        "pkg:npm/anything@1",
        &image(None, &["ghcr.io/acme/app:latest"], None)
    ));
    // versions narrow the purl to the listed versions (semver range here).
    let ranged = r#"{"ref": "lib/c 1", "versions": [{"range": "vers:npm/>=2.0.0|<2.4.0", "status": "unaffected"}, {"version": "3.0.0"}]}"#;
    assert!(run(ranged, "pkg:npm/c@2.0.0", &no_image()));
    assert!(run(ranged, "pkg:npm/c@2.3.9", &no_image()));
    assert!(run(ranged, "pkg:npm/c@3.0.0", &no_image()));
    assert!(!run(ranged, "pkg:npm/c@2.4.0", &no_image()));
    assert!(!run(ranged, "pkg:npm/c", &no_image()));
    // rpm: the epoch is a qualifier of the purl, part of the version in
    // a range.
    let rpm = r#"{"ref": "pkg:rpm/rhel/openssl-libs", "versions": [{"range": "vers:rpm/>=1:3.0.7-1|<1:3.0.7-28.el9"}]}"#;
    assert!(run(
        rpm,
        "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1",
        &no_image()
    ));
    assert!(!run(
        rpm,
        "pkg:rpm/rhel/openssl-libs@3.0.7-28.el9?arch=x86_64&epoch=1",
        &no_image()
    ));
    // versions on the container: its tags.
    let tagged = r#"{"ref": "img", "versions": [{"version": "1.2"}]}"#;
    assert!(run(
        tagged,
        "pkg:npm/x@1",
        &image(Some(NGINX_DIGEST), &["ghcr.io/acme/app:1.2"], None)
    ));
    assert!(!run(
        tagged,
        "pkg:npm/x@1",
        &image(Some(NGINX_DIGEST), &["ghcr.io/acme/app:1.3"], None)
    ));

    // What cannot be resolved is left out with a warning; the rest is used.
    let set = inline(&bom(&vuln(r#"{"ref": "nope"}, {"ref": "a"}, {"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1"}, {"ref": "pkg:npm/d@1.0.0"}"#)))
        .expect("loads");
    let w: Vec<&str> = set.warnings().iter().map(|w| w.message.as_str()).collect();
    assert_eq!(w, [
        "vulnerabilities[0] (CVE-2024-0002): affects[0]: ref \"nope\" names no component of this BOM; left out",
        "vulnerabilities[0] (CVE-2024-0002): affects[1]: ref \"a\" names component \"a\", which has no purl; left out",
        "vulnerabilities[0] (CVE-2024-0002): affects[2]: ref \"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1\" links to a whole BOM, not a component; left out",
    ]);
    assert!(set
        .decide(&["CVE-2024-0002"], "pkg:npm/d@1.0.0", &no_image())
        .is_some());
}

#[test]
fn in_toto_attestations() {
    let predicate = r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t",
        "timestamp": "2024-01-01T00:00:00Z", "version": 1,
        "statements": [{"vulnerability": {"name": "CVE-2024-0003"}, "status": "not_affected",
          "justification": "vulnerable_code_not_present"},
          {"vulnerability": {"name": "CVE-2024-0004"}, "products": [{"@id": "pkg:npm/x"}], "status": "fixed"}]}"#;
    let statement = format!(
        r#"{{"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://openvex.dev/ns/v0.2.0",
            "subject": [{{"name": "ghcr.io/acme/app", "digest": {{"sha256": "{}"}}}}],
            "predicate": {predicate}}}"#,
        &NGINX_DIGEST[7..]
    );
    let check = |set: &VexSet| {
        // The statement without products is about the subject.
        let s = &set.statements()[0];
        assert_eq!(s.products, ["ghcr.io/acme/app"]);
        assert!(set
            .decide(&["CVE-2024-0003"], "pkg:deb/debian/x@1", &nginx())
            .is_some());
        assert!(set
            .decide(
                &["CVE-2024-0003"],
                "pkg:deb/debian/x@1",
                &image(None, &["ghcr.io/acme/app:2"], None)
            )
            .is_some());
        assert!(set
            .decide(&["CVE-2024-0003"], "pkg:deb/debian/x@1", &elsewhere())
            .is_none());
        // One with products keeps its own.
        assert!(set
            .decide(&["CVE-2024-0004"], "pkg:npm/x@1", &elsewhere())
            .is_some());
    };
    let set = inline(&statement).expect("loads");
    assert!(set.warnings().is_empty());
    check(&set);
    let envelope = format!(
        r#"{{"payloadType": "application/vnd.in-toto+json", "payload": "{}", "signatures": [{{"keyid": "", "sig": "MEUCIQ=="}}]}}"#,
        base64(statement.as_bytes())
    );
    let set = inline(&envelope).expect("loads");
    assert_eq!(
        set.warnings()
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>(),
        ["a DSSE envelope: its signatures are not verified"]
    );
    check(&set);
    // Errors inside an envelope.
    assert_eq!(
        inline_error(r#"{"payloadType": "application/vnd.in-toto+json", "payload": "%%%"}"#),
        "a DSSE envelope whose payload is not base64"
    );
    assert_eq!(
        inline_error(&format!(
            r#"{{"payloadType": "application/vnd.in-toto+json", "payload": "{}"}}"#,
            base64(b"{\"a\": 1}")
        )),
        "a DSSE envelope whose payload is not an OpenVEX attestation"
    );
    // Another predicate type is neither format.
    assert!(inline_error(r#"{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}"#)
        .starts_with("neither an OpenVEX document"));
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Errors and warnings
// ---------------------------------------------------------------------------

#[test]
fn document_errors() {
    let ov = |statements: &str| {
        format!(
            r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t",
                "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": {statements}}}"#
        )
    };
    let st = |body: &str| ov(&format!("[{{{body}}}]"));
    let v = r#""vulnerability": {"name": "CVE-2024-0001"}"#;
    let p = r#""products": [{"@id": "pkg:deb/debian/x"}]"#;
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "not JSON: EOF while parsing a value at line 1 column 0"),
        ("\u{feff}".to_owned(), "not JSON: EOF while parsing a value at line 1 column 0"),
        ("<?xml version=\"1.0\"?><bom/>".to_owned(), "not JSON: expected value at line 1 column 1"),
        ("{\"a\": 1,}".to_owned(), "not JSON: trailing comma at line 1 column 9"),
        ("[]".to_owned(), "neither an OpenVEX document (an \"@context\" of https://openvex.dev/ns…) nor a CycloneDX BOM (\"bomFormat\": \"CycloneDX\"): the JSON is an array, not an object"),
        ("\"x\"".to_owned(), "neither an OpenVEX document (an \"@context\" of https://openvex.dev/ns…) nor a CycloneDX BOM (\"bomFormat\": \"CycloneDX\"): the JSON is a string, not an object"),
        ("{\"spdxVersion\": \"SPDX-2.3\"}".to_owned(), "neither an OpenVEX document (an \"@context\" of https://openvex.dev/ns…) nor a CycloneDX BOM (\"bomFormat\": \"CycloneDX\")"),
        ("{\"@context\": \"https://example.com/ns\", \"statements\": []}".to_owned(), "neither an OpenVEX document (an \"@context\" of https://openvex.dev/ns…) nor a CycloneDX BOM (\"bomFormat\": \"CycloneDX\")"),
        ("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}".to_owned(), "an OpenVEX document with no statements: it names nothing"),
        (ov("[]"), "an OpenVEX document with no statements: it names nothing"),
        (ov("{}"), "\"statements\" is not an array"),
        (ov("[1]"), "statements[0] is not an object"),
        (st(p), "statements[0]: names no vulnerability"),
        (st(&format!(r#""vulnerability": "", {p}, "status": "fixed""#)), "statements[0]: names no vulnerability"),
        (st(&format!(r#""vulnerability": {{"@id": "https://nvd.nist.gov/vuln/detail/CVE-1"}}, {p}, "status": "fixed""#)),
         "statements[0]: names no vulnerability (no vulnerability.name)"),
        (st(&format!(r#""vulnerability": 7, {p}, "status": "fixed""#)), "statements[0]: vulnerability is neither an object nor a string"),
        (st(&format!(r#""vulnerability": {{"name": "CVE-1", "aliases": "GHSA-1"}}, {p}, "status": "fixed""#)), "statements[0]: vulnerability.aliases is not an array"),
        (st(&format!(r#"{v}, {p}"#)), "statements[0] (CVE-2024-0001): has no status"),
        (st(&format!(r#"{v}, {p}, "status": "not-affected""#)),
         "statements[0] (CVE-2024-0001): status \"not-affected\" is not an OpenVEX status (not_affected, affected, fixed, under_investigation)"),
        (st(&format!(r#"{v}, {p}, "status": 1"#)), "statements[0] (CVE-2024-0001): status is not a string"),
        (st(&format!(r#"{v}, {p}, "status": "not_affected""#)),
         "statements[0] (CVE-2024-0001): status not_affected needs a justification or an impact_statement"),
        (st(&format!(r#"{v}, {p}, "status": "not_affected", "justification": "  ", "impact_statement": """#)),
         "statements[0] (CVE-2024-0001): status not_affected needs a justification or an impact_statement"),
        (st(&format!(r#"{v}, {p}, "status": "not_affected", "justification": "code_not_reachable""#)),
         "statements[0] (CVE-2024-0001): justification \"code_not_reachable\" is not an OpenVEX justification (component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist)"),
        (st(&format!(r#"{v}, "status": "fixed""#)), "statements[0] (CVE-2024-0001): names no product"),
        (st(&format!(r#"{v}, "products": [], "status": "fixed""#)), "statements[0] (CVE-2024-0001): names no product"),
        (st(&format!(r#"{v}, "products": {{}}, "status": "fixed""#)), "statements[0] (CVE-2024-0001): products is not an array"),
        (st(&format!(r#"{v}, "products": [{{}}], "status": "fixed""#)), "statements[0] (CVE-2024-0001): products[0] has no @id, identifiers or hashes"),
        (st(&format!(r#"{v}, "products": [3], "status": "fixed""#)), "statements[0] (CVE-2024-0001): products[0] is neither a string nor an object"),
        (st(&format!(r#"{v}, "products": [{{"@id": "pkg:deb/debian/x@1%"}}], "status": "fixed""#)),
         "statements[0] (CVE-2024-0001): products[0]: \"pkg:deb/debian/x@1%\" is not a valid purl: a % not followed by two hex digits"),
        (st(&format!(r#"{v}, "products": [{{"@id": "pkg:oci/x", "subcomponents": [{{"@id": "pkg:"}}]}}], "status": "fixed""#)),
         "statements[0] (CVE-2024-0001): products[0].subcomponents[0]: \"pkg:\" is not a valid purl: no type"),
        (st(&format!(r#"{v}, {p}, "status": "fixed", "timestamp": "2024-01-01""#)),
         "statements[0] (CVE-2024-0001): timestamp \"2024-01-01\" is not an RFC 3339 date-time"),
        (r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "yesterday", "statements": []}"#.to_owned(),
         "the document: timestamp \"yesterday\" is not an RFC 3339 date-time"),
        (ov(&format!(r#"[{{{v}, {p}, "status": "fixed"}}, {{"vulnerability": "CVE-2", "status": "affected"}}]"#)),
         "statements[1] (CVE-2): names no product"),
    ];
    for (doc, want) in &cases {
        assert_eq!(&inline_error(doc), want, "{doc}");
    }
}

#[test]
fn cyclonedx_errors() {
    let cdx = |vulns: &str| {
        format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{{"type": "library", "bom-ref": "c", "name": "c", "purl": "pkg:npm/c@1"}}],
                "vulnerabilities": {vulns}}}"#
        )
    };
    let one = |body: &str| cdx(&format!("[{{{body}}}]"));
    let a = r#""affects": [{"ref": "c"}]"#;
    let cases: Vec<(String, &str)> = vec![
        (r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#.to_owned(), "a CycloneDX BOM with no vulnerabilities: it names nothing"),
        (cdx("[]"), "a CycloneDX BOM with no vulnerabilities: it names nothing"),
        (cdx("{}"), "\"vulnerabilities\" is not an array"),
        (cdx("[null]"), "vulnerabilities[0] is not an object"),
        (one(&format!(r#""id": "CVE-1", {a}"#)),
         "a CycloneDX BOM none of whose vulnerabilities has an analysis.state: it is not a VEX document and names nothing"),
        (one(&format!(r#""analysis": {{"state": "not_affected", "justification": "code_not_present"}}, {a}"#)),
         "vulnerabilities[0]: names no vulnerability (no id)"),
        (one(&format!(r#""id": "CVE-1", "analysis": {{"state": "affected"}}, {a}"#)),
         "vulnerabilities[0] (CVE-1): analysis.state \"affected\" is not a CycloneDX impact analysis state (resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected)"),
        (one(&format!(r#""id": "CVE-1", "analysis": {{"state": "not_affected"}}, {a}"#)),
         "vulnerabilities[0] (CVE-1): analysis.state not_affected needs an analysis.justification or an analysis.detail"),
        (one(&format!(r#""id": "CVE-1", "analysis": {{"state": "not_affected", "justification": "component_not_present"}}, {a}"#)),
         "vulnerabilities[0] (CVE-1): analysis.justification \"component_not_present\" is not a CycloneDX justification (code_not_present, code_not_reachable, requires_configuration, requires_dependency, requires_environment, protected_by_compiler, protected_at_runtime, protected_at_perimeter, protected_by_mitigating_control)"),
        (one(&format!(r#""id": "CVE-1", "analysis": {{"state": "exploitable", "response": ["patch"]}}, {a}"#)),
         "vulnerabilities[0] (CVE-1): analysis.response \"patch\" is not a CycloneDX response (can_not_fix, will_not_fix, update, rollback, workaround_available)"),
        (one(&format!(r#""id": "CVE-1", "analysis": {{"state": "exploitable", "lastUpdated": "now"}}, {a}"#)),
         "vulnerabilities[0] (CVE-1): analysis: lastUpdated \"now\" is not an RFC 3339 date-time"),
        (one(r#""id": "CVE-1", "analysis": {"state": "exploitable"}"#), "vulnerabilities[0] (CVE-1): names no product (no affects)"),
        (one(r#""id": "CVE-1", "analysis": {"state": "exploitable"}, "affects": [{}]"#), "vulnerabilities[0] (CVE-1): affects[0] has no ref"),
        (one(r#""id": "CVE-1", "analysis": {"state": "exploitable"}, "affects": [{"ref": "c", "versions": [{}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0] has neither a version nor a range"),
        (one(r#""id": "CVE-1", "analysis": {"state": "exploitable"}, "affects": [{"ref": "c", "versions": [{"version": "1", "range": "vers:npm/1"}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0] has both a version and a range"),
        (one(r#""id": "CVE-1", "analysis": {"state": "exploitable"}, "affects": [{"ref": "c", "versions": [{"version": "1", "status": "unaffected"}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0]: status unaffected contradicts analysis.state exploitable"),
        (one(r#""id": "CVE-1", "analysis": {"state": "resolved"}, "affects": [{"ref": "c", "versions": [{"version": "1", "status": "affected"}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0]: status affected contradicts analysis.state resolved"),
        (one(r#""id": "CVE-1", "analysis": {"state": "in_triage"}, "affects": [{"ref": "c", "versions": [{"version": "1", "status": "maybe"}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0]: status \"maybe\" is not a CycloneDX version status (affected, unaffected, unknown)"),
        (one(r#""id": "CVE-1", "analysis": {"state": "in_triage"}, "affects": [{"ref": "c", "versions": [{"range": ">=1.0"}]}]"#),
         "vulnerabilities[0] (CVE-1): affects[0].versions[0]: range \">=1.0\" is not a vers range (no vers: scheme)"),
        (one(r#""id": "CVE-1", "analysis": {"state": "in_triage"}, "affects": [{"ref": "pkg:npm/%zz"}]"#),
         "vulnerabilities[0] (CVE-1): affects[0]: \"pkg:npm/%zz\" is not a valid purl: a % not followed by two hex digits"),
    ];
    for (doc, want) in &cases {
        assert_eq!(&inline_error(doc), want, "{doc}");
    }
    // The skipped one is a warning when another is a statement.
    let set = inline(&cdx(&format!(
        r#"[{{"id": "CVE-1", {a}}}, {{"id": "CVE-2", "analysis": {{"state": "in_triage"}}, {a}}}]"#
    )))
    .expect("loads");
    assert_eq!(set.documents()[0].statements, 1);
    assert_eq!(
        set.warnings()[0].message,
        "vulnerabilities[0] (CVE-1): no analysis.state, so not a VEX statement; skipped"
    );
}

#[test]
fn names_nothing() {
    // A product known only by CPE: nothing to match.
    let cpe = openvex_with(
        r#"{"identifiers": {"cpe23": "cpe:2.3:a:acme:tool:1.0:*:*:*:*:*:*:*"}}"#,
        "",
    );
    assert_eq!(
        inline_error(&cpe),
        "it names nothing this scanner can match to a package or an image: statements[0] (CVE-2024-0001): \
         products[0] is identified only by CPE (cpe:2.3:a:acme:tool:1.0:*:*:*:*:*:*:*), which is not matched; left out"
    );
    // One such product beside a usable one: a warning.
    let both = openvex_with(
        r#"{"identifiers": {"cpe22": "cpe:/a:acme:tool:1.0"}}, {"@id": "pkg:npm/tool"}"#,
        "",
    );
    let set = inline(&both).expect("loads");
    assert_eq!(
        set.warnings()[0].message,
        "statements[0] (CVE-2024-0001): products[0] is identified only by CPE (cpe:/a:acme:tool:1.0), which is not matched; left out"
    );
    assert_eq!(
        set.statements()[0].products,
        ["cpe:/a:acme:tool:1.0", "pkg:npm/tool"]
    );
    // The error names the file.
    let mut set = VexSet::new();
    let e = set
        .load(Path::new("vex/acme.cpe.json"), cpe.as_bytes())
        .expect_err("refused");
    assert!(e
        .to_string()
        .starts_with("vex/acme.cpe.json: it names nothing this scanner can match"));
}

#[test]
fn warnings_for_incomplete_statements() {
    let affected = openvex_with(r#"{"@id": "pkg:npm/x"}"#, "").replace(
        r#""status": "not_affected",
              "justification": "component_not_present""#,
        r#""status": "affected""#,
    );
    let set = inline(&affected).expect("loads");
    assert_eq!(
        set.warnings()[0].message,
        "statements[0] (CVE-2024-0001): status affected without the action_statement OpenVEX requires"
    );
    assert_eq!(set.warnings()[0].to_string(), "inline.json: statements[0] (CVE-2024-0001): status affected without the action_statement OpenVEX requires");
    // An impact statement alone is enough for not_affected.
    let impact = openvex_with(
        r#"{"@id": "pkg:npm/x"}"#,
        r#", "impact_statement": "not reachable""#,
    )
    .replace(
        r#""justification": "component_not_present""#,
        r#""status_notes": "reviewed""#,
    );
    let set = inline(&impact).expect("loads");
    let d = set
        .decide(&["CVE-2024-0001"], "pkg:npm/x@1", &no_image())
        .expect("applies");
    assert_eq!(
        (d.justification, d.impact_statement),
        (None, Some("not reachable"))
    );
    assert_eq!(d.statement.status_notes.as_deref(), Some("reviewed"));
}

#[test]
fn size_cap() {
    let mut big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
    big[0] = b'{';
    let mut set = VexSet::new();
    let e = set.load(Path::new("big.json"), &big).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "big.json: 67108865 bytes, more than the 64 MiB a VEX document may have"
    );
    // At the cap it is read (and fails for what it is).
    big.truncate(MAX_DOCUMENT_BYTES);
    let e = set.load(Path::new("big.json"), &big).expect_err("refused");
    assert_eq!(
        e.message(),
        format!("not JSON: EOF while parsing an object at line 1 column {MAX_DOCUMENT_BYTES}")
    );
}

#[test]
fn a_failed_load_adds_nothing() {
    let mut set = set_of(&["go-vex/v0.0.1.json"]);
    let bad = openvex_with(r#"{"@id": "pkg:npm/x"}"#, "").replace("component_not_present", "nope");
    assert!(set.load(Path::new("bad.json"), bad.as_bytes()).is_err());
    assert_eq!(set.documents().len(), 1);
    assert_eq!(set.statements().len(), 1);
    assert!(set
        .decide(&["CVE-2024-0001"], "pkg:npm/x@1", &no_image())
        .is_none());
    assert!(set.warnings().is_empty());
}

/// Every file under tests/data/vex is read by some test above.
#[test]
fn every_fixture_is_used() {
    let me = include_str!("vex.rs");
    for dir in [
        "openvex-spec",
        "go-vex",
        "vexctl",
        "openvex-examples",
        "tools",
    ] {
        for e in std::fs::read_dir(data(dir))
            .expect("dir")
            .filter_map(|e| e.ok())
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                assert!(
                    me.contains(&format!("{dir}/{name}")),
                    "{dir}/{name} is not tested"
                );
            }
        }
    }
}

#[test]
fn messages_stay_on_one_line() {
    let doc = openvex_with(r#"{"@id": "pkg:npm/x"}"#, "")
        .replace("CVE-2024-0001", "CVE-2024-0001\\nFAKE: all clear")
        .replace("component_not_present", "nope");
    let e = inline_error(&doc);
    assert!(!e.contains('\n'), "{e}");
    assert!(
        e.starts_with("statements[0] (CVE-2024-0001\\nFAKE: all clear): justification \"nope\""),
        "{e}"
    );
}

#[test]
fn oci_purl_versions_are_digests() {
    assert_eq!(
        inline_error(&openvex_with(r#"{"@id": "pkg:oci/nginx@1.25"}"#, "")),
        "statements[0] (CVE-2024-0001): products[0]: \"pkg:oci/nginx@1.25\": the version of a pkg:oci purl is the image digest (sha256:…), not \"1.25\""
    );
    // The purl-spec examples' shortened digests are not digests either.
    assert!(inline(&openvex_with(
        r#"{"@id": "pkg:oci/debian@sha256%3A244fd47e07d10"}"#,
        ""
    ))
    .is_err());
    // A bare hex digest in the image identity is read as SHA-256.
    let set = inline(&openvex_with(
        &format!(r#"{{"@id": "pkg:oci/nginx@{NGINX_DIGEST}"}}"#),
        "",
    ))
    .expect("loads");
    let bare = image(Some(&NGINX_DIGEST[7..]), &[], None);
    assert!(set
        .decide(&["CVE-2024-0001"], "pkg:npm/x@1", &bare)
        .is_some());
}

/// Mangled documents: truncated anywhere, bytes changed, multi-byte
/// characters where prefixes are compared. Loading never panics.
#[test]
fn hostile_documents_do_not_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let fixtures = [
        "tools/vexipy-nginx.openvex.json",
        "tools/cdxlib-nginx.cdx-1.6.json",
        "go-vex/v0.2.0.json",
        "vexctl/images.vex.json",
        "cyclonedx/CISA-Use-Cases-Case-8-vex.json",
    ];
    let junk: [&[u8]; 8] = [
        b"\xe2\x82\xac",
        b"pk\xe2\x82\xac",
        b"%",
        b"@",
        b"#",
        b"\"",
        b"urn:cdx:",
        b"\\u0000",
    ];
    for rel in fixtures {
        let bytes = std::fs::read(data(rel)).expect("fixture");
        for cut in (0..bytes.len()).step_by(7) {
            let _ = VexSet::new().load(Path::new("cut.json"), &bytes[..cut]);
        }
        for _ in 0..300 {
            let mut b = bytes.clone();
            for _ in 0..3 {
                let at = (next() as usize) % b.len();
                let j = junk[(next() as usize) % junk.len()];
                b.splice(at..at, j.iter().copied());
            }
            let mut set = VexSet::new();
            if set.load(Path::new("mangled.json"), &b).is_ok() {
                let _ = set.decide(
                    &["CVE-2023-5678", "CVE-2021-44228"],
                    "pkg:deb/debian/openssl@3",
                    &nginx(),
                );
                let _ = set.decide(
                    &["CVE-2023-5678"],
                    "pk\u{20ac}",
                    &image(
                        Some("sha256:\u{20ac}"),
                        &["\u{20ac}:1", "a@b"],
                        Some("pkg:\u{20ac}"),
                    ),
                );
            }
        }
    }
    // Product ids and refs starting with a multi-byte character.
    for id in ["pk\u{20ac}", "\u{20ac}", "p\u{20ac}", "pkg\u{20ac}"] {
        let _ = inline(&openvex_with(&format!(r#"{{"@id": "{id}"}}"#), ""));
    }
    // Deep nesting stops at the JSON parser's recursion limit.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        inline_error(&deep),
        "not JSON: recursion limit exceeded at line 1 column 128"
    );
}
