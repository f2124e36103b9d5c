//! PC43201–PC43203 on signature material held in memory: the cosign
//! signature sigstore-rs keeps as test data (real-tool bytes, see
//! crates/portcullis-signatures/tests/data/README.md), intact and with one
//! byte changed in its payload, its signature and its digest; a BuildKit
//! attestation index. The fetch side is tested in portcullis-image, the
//! whole path against a registry in crates/portcullis/tests/signatures.rs.

use std::sync::Arc;

use portcullis_image::SignatureMaterial;
use portcullis_rules::reference::TrustedPattern;
use portcullis_rules::registry::{check, Outcome};
use portcullis_rules::signatures::{self, NamedKey, SignatureRequirement, SignatureState};
use portcullis_rules::{from_dockerfile, Location, SubjectKind};
use portcullis_signatures::{sha256_digest, PublicKey};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../portcullis-signatures/tests/data"
);
const SIGNED: &str = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
const REFERENCE: &str = "registry-testing.svc.lan/busybox:1";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).expect("test data")
}

fn requirement(provenance: bool) -> SignatureRequirement {
    let pem = String::from_utf8(data("cosign-sigstore-rs.pub")).expect("utf-8");
    SignatureRequirement {
        images: vec![TrustedPattern::parse("registry-testing.svc.lan/**").expect("pattern")],
        keys: vec![NamedKey {
            shown: "keys/cosign.pub".into(),
            key: PublicKey::from_pem(&pem).expect("key"),
        }],
        trust_stores: Vec::new(),
        require_provenance: provenance,
    }
}

/// A `.sig` manifest with one layer: `payload`, signed by `signature`.
fn cosign_material(image: &str, payload: &[u8], signature: &str) -> SignatureMaterial {
    let payload_digest = sha256_digest(payload);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{}","size":2}},"layers":[{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"{payload_digest}","size":{},"annotations":{{"dev.cosignproject.cosign/signature":"{signature}"}}}}]}}"#,
        "0".repeat(64),
        payload.len()
    );
    let mut m = SignatureMaterial {
        image_digest: image.to_owned(),
        source: "registry",
        ..SignatureMaterial::default()
    };
    let sig = sha256_digest(manifest.as_bytes());
    m.blobs.insert(sig.clone(), manifest.into_bytes());
    m.blobs.insert(payload_digest, payload.to_vec());
    m.cosign_manifest = Some(sig);
    m
}

/// Each PC432xx outcome: `CODE: n/a (reason)`, `CODE: pass`, or its findings.
fn outcomes(state: SignatureState) -> Vec<String> {
    let dockerfile = portcullis_dockerfile::parse("FROM scratch\n").expect("parses");
    let mut subject = from_dockerfile("Dockerfile", dockerfile, &[]).expect("builds");
    subject.kind = SubjectKind::Image;
    subject.signatures = state;
    let mut out = Vec::new();
    for (rule, outcome) in check(&subject, "image") {
        if !rule.code.starts_with("PC432") {
            continue;
        }
        match outcome {
            Outcome::NotApplicable { reason } => out.push(format!(
                "{}: n/a ({})",
                rule.code,
                reason.unwrap_or_default()
            )),
            Outcome::Checked { findings, .. } if findings.is_empty() => {
                out.push(format!("{}: pass", rule.code))
            }
            Outcome::Checked { findings, .. } => {
                for f in findings {
                    let Location::ImageManifest { digest, pointer } = &f.location else {
                        panic!("not an image-manifest location: {:?}", f.location);
                    };
                    out.push(format!("{}@{digest}{pointer}: {}", rule.code, f.message));
                }
            }
        }
    }
    out
}

fn checked(material: &SignatureMaterial, provenance: bool) -> Vec<String> {
    let facts = signatures::check(material, requirement(provenance), Some(REFERENCE), 0);
    outcomes(SignatureState::Checked(Arc::new(facts)))
}

#[test]
fn the_real_cosign_signature_verifies_and_its_tampered_copies_are_pc43202() {
    let payload = data("cosign-sigstore-rs.payload.json");
    let signature = String::from_utf8(data("cosign-sigstore-rs.sig")).expect("utf-8");
    let signature = signature.trim();
    let good = cosign_material(SIGNED, &payload, signature);
    let sig = good.cosign_manifest.clone().expect("sig");
    let not_required = "PC43203: n/a (the policy file's `[[signatures]]` entries for this image do not set `require-provenance = true`)";
    assert_eq!(
        checked(&good, false),
        ["PC43201: pass", "PC43202: pass", not_required]
    );

    // One byte of the payload (its digest in the manifest follows it).
    let mut edited = payload.clone();
    let at = edited.iter().position(|&b| b == b'b').expect("a 'b'");
    edited[at] = b'c';
    let m = cosign_material(SIGNED, &edited, signature);
    let sig_edited = m.cosign_manifest.clone().expect("sig");
    let out = checked(&m, false);
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[0].starts_with(&format!("PC43201@{SIGNED}: no valid signature of {SIGNED} by keys/cosign.pub (ECDSA P-256): cosign signature in {sig_edited} /layers/0 (the sha256-f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b.sig tag): bad signature: ")), "{}", out[0]);
    assert!(out[1].starts_with(&format!("PC43202@{sig_edited}/layers/0: cosign signature in {sig_edited} /layers/0 (the sha256-f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b.sig tag), checked with keys/cosign.pub (ECDSA P-256), is not a valid signature of {SIGNED}: bad signature: ")), "{}", out[1]);

    // One byte of the signature.
    let mut bytes = signature.as_bytes().to_vec();
    bytes[20] = if bytes[20] == b'A' { b'B' } else { b'A' };
    let m = cosign_material(
        SIGNED,
        &payload,
        std::str::from_utf8(&bytes).expect("ascii"),
    );
    let out = checked(&m, false);
    assert!(out[1].starts_with("PC43202@"), "{out:?}");

    // The same signature, found next to another image: it signs another digest.
    let other = format!("sha256:{}", "ab".repeat(32));
    let m = cosign_material(&other, &payload, signature);
    assert_eq!(
        checked(&m, false)[1],
        format!("PC43202@{sig}/layers/0: cosign signature in {sig} /layers/0 (the sha256-{}.sig tag), checked with keys/cosign.pub (ECDSA P-256), is not a valid signature of {other}: signs another digest: {SIGNED}, not {other}", "ab".repeat(32))
    );

    // The payload blob changed under the manifest: it no longer hashes to its descriptor.
    let mut m = good.clone();
    let payload_digest = sha256_digest(&payload);
    m.blobs.insert(payload_digest.clone(), edited);
    assert_eq!(
        checked(&m, false)[1],
        format!("PC43202@{sig}/layers/0: cosign signature in {sig} /layers/0 (the sha256-f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b.sig tag), checked with keys/cosign.pub (ECDSA P-256), is not a valid signature of {SIGNED}: bad signature: signature layer blob does not hash to {payload_digest}")
    );
}

#[test]
fn unsigned_images_fail_pc43201_only_when_the_policy_asks() {
    let mut m = SignatureMaterial {
        image_digest: SIGNED.into(),
        source: "registry",
        ..SignatureMaterial::default()
    };
    m.notes
        .push("the referrers API could not be read: timed out".into());
    assert_eq!(
        checked(&m, false),
        [
            format!("PC43201@{SIGNED}: no valid signature of {SIGNED} by keys/cosign.pub (ECDSA P-256): no signature of it could be read from the registry; the referrers API could not be read: timed out"),
            "PC43202: pass".into(),
            "PC43203: n/a (the policy file's `[[signatures]]` entries for this image do not set `require-provenance = true`)".into(),
        ]
    );
    let asked_nothing = SignatureState::default();
    let why =
        "the policy file's `[[signatures]]` asks for no signature or provenance of this image";
    assert_eq!(
        outcomes(asked_nothing),
        [
            format!("PC43201: n/a ({why})"),
            format!("PC43202: n/a ({why})"),
            format!("PC43203: n/a ({why})"),
        ]
    );
    let unavailable = SignatureState::Unavailable("a docker-archive carries no signatures".into());
    assert_eq!(
        outcomes(unavailable)[0],
        "PC43201: n/a (a docker-archive carries no signatures)"
    );
    // Provenance only: PC43201 does not apply.
    let mut provenance_only = requirement(true);
    provenance_only.keys.clear();
    let facts = signatures::check(&m, provenance_only, Some(REFERENCE), 0);
    assert_eq!(
        outcomes(SignatureState::Checked(Arc::new(facts))),
        [
            "PC43201: n/a (the policy file's `[[signatures]]` entries for this image name no keys or trust store: they ask for provenance only)".to_owned(),
            "PC43202: pass".into(),
            format!("PC43203@{SIGNED}: no SLSA provenance attestation about {SIGNED}: the image was not picked from an index, so it has no BuildKit attestations; the referrers API could not be read: timed out"),
        ]
    );
}

/// An index holding the image and a BuildKit attestation manifest whose
/// provenance statement names `subject`.
fn with_attestation(image: &str, subject: &str) -> SignatureMaterial {
    let hex = subject.trim_start_matches("sha256:");
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{{"name":"pkg:docker/app","digest":{{"sha256":"{hex}"}}}}],"predicate":{{}}}}"#
    );
    let statement_digest = sha256_digest(statement.as_bytes());
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{}","size":2}},"layers":[{{"mediaType":"application/vnd.in-toto+json","digest":"{statement_digest}","size":{},"annotations":{{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}}}}]}}"#,
        "0".repeat(64),
        statement.len()
    );
    let manifest_digest = sha256_digest(manifest.as_bytes());
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{image}","size":1}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{manifest_digest}","size":1,"annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{image}"}}}}]}}"#
    );
    let mut m = SignatureMaterial {
        image_digest: image.into(),
        source: "OCI layout",
        index: Some(index.into_bytes()),
        ..SignatureMaterial::default()
    };
    m.blobs.insert(manifest_digest, manifest.into_bytes());
    m.blobs.insert(statement_digest, statement.into_bytes());
    m
}

#[test]
fn provenance_about_the_image_passes_pc43203_and_about_another_fails_it() {
    let mut provenance_only = requirement(true);
    provenance_only.keys.clear();
    let run = |m: &SignatureMaterial| {
        let facts = signatures::check(m, provenance_only.clone(), None, 0);
        outcomes(SignatureState::Checked(Arc::new(facts))).remove(2)
    };
    assert_eq!(run(&with_attestation(SIGNED, SIGNED)), "PC43203: pass");
    let other = format!("sha256:{}", "cd".repeat(32));
    let out = run(&with_attestation(SIGNED, &other));
    assert!(
        out.starts_with(&format!("PC43203@{SIGNED}: no SLSA provenance attestation about {SIGNED}: provenance statement sha256:")),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "signs another digest: sha256:{}, not {SIGNED}",
            "cd".repeat(32)
        )),
        "{out}"
    );
}

const NOTATION_DIGEST: &str =
    "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";
const NOW: i64 = 1_767_225_600;

/// A Notation signature referrer of `image` holding notation-go's envelope
/// `envelope`, its manifest's subject `subject`.
fn notation_material(image: &str, subject: &str, envelope: &[u8]) -> (SignatureMaterial, String) {
    let envelope_digest = sha256_digest(envelope);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:{}","size":2}},"layers":[{{"mediaType":"application/jose+json","digest":"{envelope_digest}","size":{}}}],"subject":{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{subject}","size":528}}}}"#,
        "0".repeat(64),
        envelope.len()
    );
    let manifest_digest = sha256_digest(manifest.as_bytes());
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{manifest_digest}","size":{},"artifactType":"application/vnd.cncf.notary.signature"}}]}}"#,
        manifest.len()
    );
    let mut m = SignatureMaterial {
        image_digest: image.into(),
        source: "registry",
        referrers: Some(portcullis_image::signatures::ReferrersIndex {
            index: index.into_bytes(),
            via: "the referrers API".into(),
        }),
        ..SignatureMaterial::default()
    };
    m.blobs
        .insert(manifest_digest.clone(), manifest.into_bytes());
    m.blobs.insert(envelope_digest, envelope.to_vec());
    (m, manifest_digest)
}

#[test]
fn notation_signatures_verify_against_the_trust_store_and_tampering_shows_without_one() {
    let store = |stores: bool| SignatureRequirement {
        images: vec![TrustedPattern::parse("**").expect("pattern")],
        keys: Vec::new(),
        trust_stores: if stores {
            vec![signatures::NamedStore {
                shown: "notation-ca.pem".into(),
                store: portcullis_signatures::TrustStore::from_pem(
                    &String::from_utf8(data("notation-go-NotationTestRoot.pem")).expect("pem"),
                )
                .expect("store"),
            }]
        } else {
            Vec::new()
        },
        require_provenance: false,
    };
    let run = |m: &SignatureMaterial, stores: bool| {
        let facts = signatures::check(m, store(stores), None, NOW);
        outcomes(SignatureState::Checked(Arc::new(facts)))
    };
    let valid = data("notation-go-ca_valid_sig_env.json");
    let (m, _) = notation_material(NOTATION_DIGEST, NOTATION_DIGEST, &valid);
    assert_eq!(run(&m, true)[..2], ["PC43201: pass", "PC43202: pass"]);
    // Expired: no valid signature, but not tampering.
    let (m, sig) = notation_material(
        NOTATION_DIGEST,
        NOTATION_DIGEST,
        &data("notation-go-ca_expired_sig_env.json"),
    );
    assert_eq!(
        run(&m, true)[..2],
        [
            format!("PC43201@{NOTATION_DIGEST}: no valid signature of {NOTATION_DIGEST} by trust store notation-ca.pem: Notation signature in {sig} /layers/0 (the referrers API): expired: the signature expired at 2022-07-29T23:59:00Z"),
            "PC43202: pass".to_owned(),
        ]
    );
    // Listed for this image, but its manifest's subject is another: with
    // or without a trust store, that is tampering.
    let other = format!("sha256:{}", "ef".repeat(32));
    let (m, sig) = notation_material(NOTATION_DIGEST, &other, &valid);
    for stores in [true, false] {
        let with = if stores {
            ", checked with trust store notation-ca.pem,"
        } else {
            ""
        };
        assert_eq!(
            run(&m, stores)[1],
            format!("PC43202@{sig}/layers/0: Notation signature in {sig} /layers/0 (the referrers API){with} is not a valid signature of {NOTATION_DIGEST}: signs another digest: {other}, not {NOTATION_DIGEST}")
        );
    }
    // The envelope itself about another image: only the trust store's
    // check reads its payload.
    let (m, sig) = notation_material(&other, &other, &valid);
    assert_eq!(
        run(&m, true)[1],
        format!("PC43202@{sig}/layers/0: Notation signature in {sig} /layers/0 (the referrers API), checked with trust store notation-ca.pem, is not a valid signature of {other}: signs another digest: {NOTATION_DIGEST}, not {other}")
    );
}
