//! What `ImageRef::signature_material` fetches from an OCI layout: the
//! cosign `.sig` manifest by its ref name and its payload, referrers by
//! their `subject`, the image's index with its attestation manifest and
//! provenance statement (not its SBOM), and the caps' notes. The registry
//! side is tested through the CLI against docker-registry and a fake
//! referrers API (crates/portcullis/tests/signatures.rs).

use portcullis_image::{resolve, Target};
use sha2::{Digest, Sha256};

fn digest(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

struct Layout {
    dir: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("blobs/sha256")).expect("mkdir");
        std::fs::write(
            dir.path().join("oci-layout"),
            br#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .expect("write");
        Layout { dir }
    }

    fn blob(&self, bytes: &[u8]) -> String {
        let d = digest(bytes);
        std::fs::write(self.dir.path().join("blobs/sha256").join(&d[7..]), bytes).expect("blob");
        d
    }

    fn index_json(&self, entries: &[String]) {
        std::fs::write(
            self.dir.path().join("index.json"),
            format!(
                r#"{{"schemaVersion":2,"manifests":[{}]}}"#,
                entries.join(",")
            ),
        )
        .expect("index");
    }
}

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn manifest(config: &str, layers: &[String], extra: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":2}},"layers":[{}]{extra}}}"#,
        layers.join(",")
    )
}

fn layer(media_type: &str, digest: &str, annotations: &str) -> String {
    format!(r#"{{"mediaType":"{media_type}","digest":"{digest}","size":1{annotations}}}"#)
}

#[test]
fn a_layout_gives_its_signature_manifests_referrers_and_attestations() {
    let l = Layout::new();
    let empty_tar = vec![0u8; 1024];
    let tar = l.blob(&empty_tar);
    let config = l.blob(
        format!(
            r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{tar}"]}}}}"#
        )
        .as_bytes(),
    );
    let image = l.blob(
        manifest(
            &config,
            &[layer("application/vnd.oci.image.layer.v1.tar", &tar, "")],
            "",
        )
        .as_bytes(),
    );
    // cosign's `.sig` manifest: one simple-signing layer.
    let payload = l.blob(b"{\"critical\":{}}");
    let empty = l.blob(b"{}");
    let sig = l.blob(
        manifest(
            &empty,
            &[layer(
                "application/vnd.dev.cosign.simplesigning.v1+json",
                &payload,
                r#","annotations":{"dev.cosignproject.cosign/signature":"MEUC"}"#,
            )],
            "",
        )
        .as_bytes(),
    );
    // A Notation signature whose subject is the image, and one about another.
    let envelope = l.blob(b"{\"payload\":\"e30\"}");
    let notation = l.blob(
        manifest(
            &empty,
            &[layer("application/jose+json", &envelope, "")],
            &format!(
                r#","artifactType":"application/vnd.cncf.notary.signature","subject":{{"mediaType":"{MANIFEST}","digest":"{image}","size":1}}"#
            ),
        )
        .as_bytes(),
    );
    let other = l.blob(
        manifest(
            &empty,
            &[layer("application/jose+json", &envelope, "")],
            &format!(
                r#","artifactType":"application/vnd.cncf.notary.signature","subject":{{"mediaType":"{MANIFEST}","digest":"{config}","size":1}}"#
            ),
        )
        .as_bytes(),
    );
    // BuildKit's attestation manifest: provenance (fetched) and SBOM (not).
    let provenance = l.blob(b"{\"_type\":\"https://in-toto.io/Statement/v0.1\"}");
    let sbom = l.blob(b"{\"_type\":\"sbom\"}");
    let attestation = l.blob(
        manifest(
            &empty,
            &[
                layer(
                    "application/vnd.in-toto+json",
                    &provenance,
                    r#","annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}"#,
                ),
                layer(
                    "application/vnd.in-toto+json",
                    &sbom,
                    r#","annotations":{"in-toto.io/predicate-type":"https://spdx.dev/Document"}"#,
                ),
            ],
            "",
        )
        .as_bytes(),
    );
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"{MANIFEST}","digest":"{image}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}},{{"mediaType":"{MANIFEST}","digest":"{attestation}","size":1,"platform":{{"os":"unknown","architecture":"unknown"}},"annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{image}"}}}}]}}"#
    );
    let index_digest = l.blob(index.as_bytes());
    let sig_tag = format!("sha256-{}.sig", &image[7..]);
    let named = |d: &str, name: &str, media_type: &str| {
        format!(
            r#"{{"mediaType":"{media_type}","digest":"{d}","size":1,"annotations":{{"org.opencontainers.image.ref.name":"{name}"}}}}"#
        )
    };
    l.index_json(&[
        named(
            &index_digest,
            "app",
            "application/vnd.oci.image.index.v1+json",
        ),
        named(&sig, &sig_tag, MANIFEST),
        format!(r#"{{"mediaType":"{MANIFEST}","digest":"{notation}","size":1}}"#),
        format!(r#"{{"mediaType":"{MANIFEST}","digest":"{other}","size":1}}"#),
    ]);
    let path = l.dir.path().display().to_string();
    // Without a reference, the `.sig` tag is not taken for an image (the
    // unnamed referrers are: they are manifests like any other).
    let all = resolve(
        &Target::parse(&format!("oci:{path}"))
            .expect("parse")
            .expect("target"),
        Some("linux/amd64"),
    )
    .expect("resolve");
    assert!(all
        .iter()
        .all(|r| r.manifest_digest.as_deref() != Some(&sig)));

    let refs = resolve(
        &Target::parse(&format!("oci:{path}:app"))
            .expect("parse")
            .expect("target"),
        None,
    )
    .expect("resolve");
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].index_digest.as_deref(), Some(index_digest.as_str()));
    assert_eq!(refs[0].signature_source(), Ok("OCI layout"));
    let m = refs[0].signature_material().expect("material");
    assert_eq!(m.image_digest, image);
    assert_eq!(m.source, "OCI layout");
    assert_eq!(m.cosign_manifest.as_deref(), Some(sig.as_str()));
    let referrers = m.referrers.as_ref().expect("referrers");
    assert_eq!(
        referrers.via,
        "the layout's manifests whose subject is the image"
    );
    let listed: serde_json::Value = serde_json::from_slice(&referrers.index).expect("json");
    assert_eq!(listed["manifests"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["manifests"][0]["digest"], notation.as_str());
    assert_eq!(
        listed["manifests"][0]["artifactType"],
        "application/vnd.cncf.notary.signature"
    );
    assert_eq!(m.index.as_deref(), Some(index.as_bytes()));
    let mut held: Vec<&str> = m.blobs.keys().map(String::as_str).collect();
    held.sort();
    let mut expected = vec![
        sig.as_str(),
        payload.as_str(),
        notation.as_str(),
        envelope.as_str(),
        index_digest.as_str(),
        attestation.as_str(),
        provenance.as_str(),
    ];
    expected.sort();
    assert_eq!(held, expected);
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

#[test]
fn a_layout_of_many_entries_is_examined_up_to_the_cap() {
    let l = Layout::new();
    let tar = l.blob(&[0u8; 1024]);
    let config = l.blob(
        format!(
            r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{tar}"]}}}}"#
        )
        .as_bytes(),
    );
    let image = l.blob(
        manifest(
            &config,
            &[layer("application/vnd.oci.image.layer.v1.tar", &tar, "")],
            "",
        )
        .as_bytes(),
    );
    let mut entries = vec![format!(
        r#"{{"mediaType":"{MANIFEST}","digest":"{image}","size":1,"annotations":{{"org.opencontainers.image.ref.name":"app"}}}}"#
    )];
    // Entries naming blobs that are not there: skipped, not errors.
    for i in 0..900 {
        entries.push(format!(
            r#"{{"mediaType":"{MANIFEST}","digest":"sha256:{i:064x}","size":1}}"#
        ));
    }
    l.index_json(&entries);
    let path = l.dir.path().display().to_string();
    let refs = resolve(
        &Target::parse(&format!("oci:{path}:app"))
            .expect("parse")
            .expect("target"),
        None,
    )
    .expect("resolve");
    let m = refs[0].signature_material().expect("material");
    assert_eq!(m.cosign_manifest, None);
    assert!(m.referrers.is_none());
    assert_eq!(
        m.notes,
        ["index.json lists 901 manifests: the first 256 were examined for signatures, 645 were not"]
    );
}

#[test]
fn a_docker_archive_carries_no_signatures() {
    let archive = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/images/docker-classic.tar"
    );
    let refs = resolve(
        &Target::parse(archive).expect("parse").expect("target"),
        None,
    )
    .expect("resolve");
    let why = "a docker-archive has no manifest digest to sign, nor signatures: scan the image from its registry (docker://) or an OCI layout that holds its signatures";
    assert_eq!(refs[0].signature_source(), Err(why.to_owned()));
    assert_eq!(
        refs[0].signature_material().map(|_| ()),
        Err(why.to_owned())
    );
}
