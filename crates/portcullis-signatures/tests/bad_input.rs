//! Generated inputs: chains that do not chain, expired certificates,
//! malformed envelopes, oversized indexes, self-references. Each ends in
//! the right verdict, bounded, without a panic.

use std::collections::HashMap;
use std::time::Instant;

use base64::Engine as _;
use p256::ecdsa::signature::Signer;
use p256::pkcs8::DecodePrivateKey;
use portcullis_signatures::attestations::{attestations_for, PredicateKind};
use portcullis_signatures::bundle::verify_bundle;
use portcullis_signatures::cosign::{verify_signature_manifest, Expected};
use portcullis_signatures::dsse::{pae, verify_attestation};
use portcullis_signatures::keyless::{verify_keyless_bundle, SigstoreTrustRoot};
use portcullis_signatures::notation::verify_jws;
use portcullis_signatures::referrers::{parse_referrers, ReferrerKind};
use portcullis_signatures::{sha256_digest, PublicKey, TrustStore, Verdict};
use serde_json::json;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pem_der(name: &str) -> Vec<u8> {
    let text = String::from_utf8(data(name)).expect("utf-8");
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    B64.decode(body).expect("base64")
}

fn signing_key(name: &str) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from(p256::SecretKey::from_pkcs8_der(&pem_der(name)).expect("pkcs8"))
}

fn store(name: &str) -> TrustStore {
    TrustStore::from_pem(&String::from_utf8(data(name)).expect("utf-8")).expect("trust store")
}

fn digest_of(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

/// A Notation ES256 JWS envelope signed by `key`, with `chain` in x5c.
fn jws(protected: serde_json::Value, target: &str, chain: &[&str], key: &str) -> Vec<u8> {
    let protected = B64URL.encode(serde_json::to_vec(&protected).expect("json"));
    let payload = B64URL.encode(
        serde_json::to_vec(&json!({"targetArtifact": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": target, "size": 528}}))
        .expect("json"),
    );
    let signature: p256::ecdsa::Signature =
        signing_key(key).sign(format!("{protected}.{payload}").as_bytes());
    let x5c: Vec<String> = chain.iter().map(|c| B64.encode(pem_der(c))).collect();
    serde_json::to_vec(&json!({
        "payload": payload, "protected": protected,
        "header": {"x5c": x5c, "io.cncf.notary.signingAgent": "portcullis-test"},
        "signature": B64URL.encode(signature.to_bytes()),
    }))
    .expect("json")
}

fn header(signing_time: &str) -> serde_json::Value {
    json!({
        "alg": "ES256",
        "crit": ["io.cncf.notary.signingScheme"],
        "cty": "application/vnd.cncf.notary.payload.v1+json",
        "io.cncf.notary.signingScheme": "notary.x509",
        "io.cncf.notary.signingTime": signing_time,
    })
}

const LEAF_CHAIN: &[&str] = &["generated/leaf.crt", "generated/intermediate.crt"];

#[test]
fn generated_chain_to_the_trust_store_verifies() {
    let target = digest_of('a');
    let envelope = jws(
        header("2025-06-01T12:00:00+02:00"),
        &target,
        LEAF_CHAIN,
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/root.crt"), &target, NOW),
        Verdict::Verified(format!(
            "Notation signature by CN=portcullis test leaf over {target}"
        ))
    );
    // The chain may also end with the root itself.
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &[
            "generated/leaf.crt",
            "generated/intermediate.crt",
            "generated/root.crt",
        ],
        "generated/leaf.key",
    );
    assert!(verify_jws(&envelope, &store("generated/root.crt"), &target, NOW).is_verified());
}

#[test]
fn chain_to_another_root_or_incomplete_is_untrusted() {
    let target = digest_of('a');
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        LEAF_CHAIN,
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/other-root.crt"), &target, NOW),
        Verdict::Untrusted(
            "certificate chain ends at CN=portcullis test intermediate (issuer CN=portcullis test root), which is not in or issued by the trust store"
                .to_string()
        )
    );
    // The intermediate left out: the leaf alone does not reach the root.
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &["generated/leaf.crt"],
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/root.crt"), &target, NOW).kind(),
        "untrusted"
    );
    // Certificates that do not chain: the leaf followed by an unrelated root.
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &["generated/leaf.crt", "generated/other-root.crt"],
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/other-root.crt"), &target, NOW),
        Verdict::Untrusted(
            "certificate CN=portcullis test leaf is issued by CN=portcullis test intermediate, not by the next in the chain (CN=portcullis test other-root)"
                .to_string()
        )
    );
}

#[test]
fn a_leaf_not_for_code_signing_is_untrusted() {
    let target = digest_of('a');
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &["generated/tls-leaf.crt", "generated/intermediate.crt"],
        "generated/tls-leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/root.crt"), &target, NOW),
        Verdict::Untrusted(
            "certificate CN=portcullis test tls-leaf is not for code signing (extended key usage)"
                .to_string()
        )
    );
}

#[test]
fn a_non_ca_issuer_is_untrusted() {
    let target = digest_of('a');
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &[
            "generated/under-leaf.crt",
            "generated/leaf.crt",
            "generated/intermediate.crt",
        ],
        "generated/under-leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &store("generated/root.crt"), &target, NOW),
        Verdict::Untrusted(
            "certificate 1 (CN=portcullis test leaf) issues certificates but is not a CA"
                .to_string()
        )
    );
}

#[test]
fn signing_time_outside_the_chain_validity_is_expired() {
    let target = digest_of('a');
    let root = store("generated/root.crt");
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        &["generated/expired-leaf.crt", "generated/intermediate.crt"],
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &root, &target, NOW),
        Verdict::Expired(
            "certificate 0 (CN=portcullis test expired-leaf) expired at 2001-01-01T00:00:00Z, before the signing time".to_string()
        )
    );
    let envelope = jws(
        header("2019-12-31T23:59:59Z"),
        &target,
        LEAF_CHAIN,
        "generated/leaf.key",
    );
    assert_eq!(
        verify_jws(&envelope, &root, &target, NOW),
        Verdict::Expired(
            "certificate 0 (CN=portcullis test leaf) is not valid until 2020-01-01T00:00:00Z, after the signing time".to_string()
        )
    );
    let mut with_expiry = header("2025-06-01T12:00:00Z");
    with_expiry["crit"] = json!(["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"]);
    with_expiry["io.cncf.notary.expiry"] = json!("2025-12-31T00:00:00Z");
    let envelope = jws(with_expiry, &target, LEAF_CHAIN, "generated/leaf.key");
    assert_eq!(
        verify_jws(&envelope, &root, &target, NOW),
        Verdict::Expired("the signature expired at 2025-12-31T00:00:00Z".to_string())
    );
}

type HeaderEdit = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn malformed_protected_headers_are_malformed_with_the_reason() {
    let target = digest_of('a');
    let root = store("generated/root.crt");
    let cases: Vec<(HeaderEdit, &str)> = vec![
        (Box::new(|h| h["alg"] = json!("HS256")), "JWS protected header: alg \"HS256\" is not one Notation allows"),
        (Box::new(|h| h["cty"] = json!("application/json")), "JWS protected header: cty is \"application/json\", not application/vnd.cncf.notary.payload.v1+json"),
        (Box::new(|h| h["crit"] = json!([])), "JWS protected header: io.cncf.notary.signingScheme is not marked critical"),
        (Box::new(|h| h["crit"] = json!(["io.cncf.notary.signingScheme", "x-mine"])), "JWS protected header: critical header \"x-mine\" is not understood"),
        (Box::new(|h| h["io.cncf.notary.expiry"] = json!("2099-01-01T00:00:00Z")), "JWS protected header: io.cncf.notary.expiry is not marked critical"),
        (Box::new(|h| h["io.cncf.notary.signingTime"] = json!("yesterday")), "JWS protected header: io.cncf.notary.signingTime: time \"yesterday\" is not RFC 3339"),
        (Box::new(|h| h["io.cncf.notary.signingScheme"] = json!("notary.pgp")), "JWS protected header: signing scheme \"notary.pgp\" is not known"),
        (Box::new(|h| { h.as_object_mut().map(|o| o.remove("crit")); }), "JWS protected header has no crit list"),
    ];
    for (edit, message) in cases {
        let mut h = header("2025-06-01T12:00:00Z");
        edit(&mut h);
        let envelope = jws(h, &target, LEAF_CHAIN, "generated/leaf.key");
        assert_eq!(
            verify_jws(&envelope, &root, &target, NOW),
            Verdict::Malformed(message.to_string())
        );
    }
}

#[test]
fn malformed_envelopes_and_chains_are_malformed() {
    let target = digest_of('a');
    let root = store("generated/root.crt");
    let good: serde_json::Value = serde_json::from_slice(&jws(
        header("2025-06-01T12:00:00Z"),
        &target,
        LEAF_CHAIN,
        "generated/leaf.key",
    ))
    .expect("json");
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        verify_jws(&serde_json::to_vec(&v).expect("json"), &root, &target, NOW)
    };
    assert_eq!(
        edit(&|v| v["header"] = json!({})),
        Verdict::Malformed(
            "Notation JWS envelope has no x5c certificate chain in its unprotected header".into()
        )
    );
    assert_eq!(
        edit(&|v| v["header"]["x5c"] = json!(["!!!"])).kind(),
        "malformed"
    );
    assert!(
        matches!(edit(&|v| v["header"]["x5c"] = json!(["AAAA"])), Verdict::Malformed(m) if m.starts_with("leaf certificate is not DER"))
    );
    let long: Vec<serde_json::Value> = (0..11).map(|_| good["header"]["x5c"][0].clone()).collect();
    assert_eq!(
        edit(&|v| v["header"]["x5c"] = json!(long)),
        Verdict::Malformed("x5c has 11 certificates, more than 10".into())
    );
    assert_eq!(
        edit(&|v| v["signature"] = json!("AAAA")).kind(),
        "bad-signature"
    );
    assert!(
        matches!(edit(&|v| v["protected"] = json!("%%%")), Verdict::Malformed(m) if m.starts_with("JWS protected header is not base64url"))
    );
    assert_eq!(
        edit(&|v| {
            v.as_object_mut().map(|o| o.remove("payload"));
        }),
        Verdict::Malformed("Notation JWS envelope has no payload".into())
    );
    assert!(
        matches!(verify_jws(b"", &root, &target, NOW), Verdict::Malformed(m) if m.starts_with("Notation JWS envelope is not JSON"))
    );
    assert!(matches!(
        verify_jws(b"[1,2]", &root, &target, NOW),
        Verdict::Malformed(_)
    ));
    // A huge envelope is refused before parsing.
    let huge = vec![b' '; 2 << 20];
    assert_eq!(
        verify_jws(&huge, &root, &target, NOW),
        Verdict::Malformed(
            "Notation JWS envelope is 2097152 bytes, more than the 1048576 examined".into()
        )
    );
    // Trust stores that are not certificates.
    assert!(TrustStore::from_pem("").is_err());
    assert!(
        TrustStore::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .is_err()
    );
    assert!(TrustStore::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n").is_err());
}

// ---- DSSE and bundles, signed here with a generated key ----

fn leaf_public_key() -> PublicKey {
    PublicKey::P256(p256::PublicKey::from(
        signing_key("generated/leaf.key").verifying_key(),
    ))
}

fn statement(subject: &str, predicate_type: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "registry.example/app", "digest": {"sha256": subject.trim_start_matches("sha256:")}}],
        "predicateType": predicate_type,
        "predicate": {}
    }))
    .expect("json")
}

fn envelope(payload_type: &str, payload: &[u8]) -> serde_json::Value {
    let signature: p256::ecdsa::Signature =
        signing_key("generated/leaf.key").sign(&pae(payload_type, payload));
    json!({"payloadType": payload_type, "payload": B64.encode(payload),
           "signatures": [{"keyid": "", "sig": B64.encode(signature.to_der().as_bytes())}]})
}

#[test]
fn generated_dsse_attestation_and_bundle() {
    let image = digest_of('b');
    let key = [leaf_public_key()];
    let env = envelope(
        "application/vnd.in-toto+json",
        &statement(&image, "https://sigstore.dev/cosign/sign/v1"),
    );
    let bytes = serde_json::to_vec(&env).expect("json");
    assert_eq!(
        verify_attestation(&bytes, &key, &image),
        Verdict::Verified(format!(
            "DSSE envelope by ECDSA P-256 key, https://sigstore.dev/cosign/sign/v1 about {image}"
        ))
    );
    assert_eq!(
        verify_attestation(&bytes, &key, &digest_of('c')),
        Verdict::OtherDigest {
            signed: image.clone(),
            expected: digest_of('c')
        }
    );
    let other_type = serde_json::to_vec(&envelope("text/plain", b"hello")).expect("json");
    assert_eq!(
        verify_attestation(&other_type, &key, &image),
        Verdict::Malformed(
            "DSSE payload type is \"text/plain\", not application/vnd.in-toto+json".into()
        )
    );
    let not_statement = serde_json::to_vec(&envelope(
        "application/vnd.in-toto+json",
        b"{\"_type\":\"x\"}",
    ))
    .expect("json");
    assert_eq!(
        verify_attestation(&not_statement, &key, &image),
        Verdict::Malformed("in-toto statement: _type is \"x\", not an in-toto statement".into())
    );
    let mut unsigned = env.clone();
    unsigned["signatures"] = json!([]);
    assert_eq!(
        verify_attestation(&serde_json::to_vec(&unsigned).expect("json"), &key, &image),
        Verdict::Malformed("DSSE envelope has no signatures".into())
    );

    let bundle = |extra: serde_json::Value| {
        let mut b = json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                           "verificationMaterial": {"publicKey": {"hint": "test"}}});
        for (k, v) in extra.as_object().expect("object") {
            b[k] = v.clone();
        }
        serde_json::to_vec(&b).expect("json")
    };
    assert!(verify_bundle(&bundle(json!({"dsseEnvelope": env})), &key, &image).is_verified());
    assert_eq!(
        verify_bundle(&bundle(json!({})), &key, &image),
        Verdict::Malformed("Sigstore bundle has neither dsseEnvelope nor messageSignature".into())
    );
    assert_eq!(
        verify_bundle(
            &bundle(json!({"dsseEnvelope": env, "messageSignature": {}})),
            &key,
            &image
        ),
        Verdict::Malformed("Sigstore bundle has both dsseEnvelope and messageSignature".into())
    );
    assert_eq!(
        verify_bundle(&bundle(json!({"mediaType": "application/vnd.dev.sigstore.bundle.v9+json", "dsseEnvelope": env})), &key, &image),
        Verdict::Malformed("Sigstore bundle media type \"application/vnd.dev.sigstore.bundle.v9+json\" is not known".into())
    );
    assert_eq!(
        verify_bundle(
            &bundle(json!({"verificationMaterial": {}, "dsseEnvelope": env})),
            &key,
            &image
        ),
        Verdict::Malformed(
            "Sigstore bundle verificationMaterial has no publicKey, certificate or chain".into()
        )
    );
    assert!(
        matches!(verify_bundle(b"\xff\xfe", &key, &image), Verdict::Malformed(m) if m.starts_with("Sigstore bundle is not JSON"))
    );
}

// ---- cosign signature manifests and referrers: bounded ----

#[test]
fn a_signature_manifest_of_ten_thousand_layers_is_capped() {
    let layer = json!({"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "size": 1,
                       "digest": digest_of('d'), "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="}});
    let manifest = serde_json::to_vec(&json!({"schemaVersion": 2, "layers": vec![layer; 10_000]}))
        .expect("json");
    let key = [leaf_public_key()];
    let lookups = std::cell::Cell::new(0usize);
    let blobs = |_: &str| {
        lookups.set(lookups.get() + 1);
        None
    };
    let started = Instant::now();
    let result = verify_signature_manifest(
        &manifest,
        &blobs,
        &key,
        Expected {
            manifest_digest: &digest_of('e'),
            reference: None,
        },
    )
    .expect("parses");
    assert_eq!(result.layers.len(), 64);
    assert_eq!(result.skipped, 9_936);
    assert_eq!(lookups.get(), 64);
    assert!(!result.any_verified());
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn signature_manifest_self_reference_and_bad_layers() {
    let key = [leaf_public_key()];
    let none = |_: &str| None;
    let manifest = serde_json::to_vec(&json!({"schemaVersion": 2, "layers": []})).expect("json");
    let own = sha256_digest(&manifest);
    assert_eq!(
        verify_signature_manifest(
            &manifest,
            &none,
            &key,
            Expected {
                manifest_digest: &own,
                reference: None
            }
        ),
        Err(Verdict::Malformed(format!(
            "signature manifest {own} is the image it would sign"
        )))
    );
    let expected = Expected {
        manifest_digest: &digest_of('e'),
        reference: None,
    };
    assert_eq!(
        verify_signature_manifest(b"{}", &none, &key, expected),
        Err(Verdict::Malformed(
            "cosign signature manifest has no layers array".into()
        ))
    );
    let manifest = serde_json::to_vec(&json!({"layers": [
        {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest_of('1')},
        {"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": digest_of('2')},
        {"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": "sha256:XYZ"},
    ]}))
    .expect("json");
    let result = verify_signature_manifest(&manifest, &none, &key, expected).expect("parses");
    let verdicts: Vec<String> = result
        .layers
        .iter()
        .map(|l| l.verdict.to_string())
        .collect();
    assert_eq!(
        verdicts,
        vec![
            format!("malformed: signature layer {} has media type \"application/vnd.oci.image.layer.v1.tar\", not application/vnd.dev.cosign.simplesigning.v1+json", digest_of('1')),
            format!("malformed: signature layer {} has no dev.cosignproject.cosign/signature annotation", digest_of('2')),
            "malformed: signature layer: digest \"sha256:XYZ\" is not 64 lowercase hex digits".to_string(),
        ]
    );
}

#[test]
fn a_referrers_index_of_ten_thousand_entries_is_capped() {
    let subject = digest_of('f');
    let mut manifests = vec![
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject, "artifactType": "application/vnd.cncf.notary.signature"}),
    ];
    for i in 0..10_000u32 {
        let artifact_type = match i % 3 {
            0 => "application/vnd.dev.sigstore.bundle.v0.3+json",
            1 => "application/vnd.cncf.notary.signature",
            _ => "application/spdx+json",
        };
        manifests.push(json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                              "digest": format!("sha256:{:064x}", i), "size": 700, "artifactType": artifact_type}));
    }
    let index = serde_json::to_vec(&json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})).expect("json");
    let started = Instant::now();
    let referrers = parse_referrers(&index, &subject).expect("parses");
    assert!(started.elapsed().as_secs() < 5);
    // The first entry points at the subject itself and is dropped.
    assert_eq!(referrers.referrers.len(), 255);
    assert_eq!(referrers.skipped, 10_001 - 256);
    assert_eq!(referrers.referrers[0].kind, ReferrerKind::SigstoreBundle);
    assert_eq!(referrers.referrers[1].kind, ReferrerKind::Notation);
    assert_eq!(referrers.referrers[2].kind, ReferrerKind::Other);
    assert!(referrers.referrers.iter().all(|r| r.digest != subject));
    assert_eq!(
        parse_referrers(b"{\"manifests\":3}", &subject),
        Err(Verdict::Malformed(
            "referrers index has no manifests array".into()
        ))
    );
}

// ---- BuildKit attestation manifests in an index ----

struct Layout {
    blobs: HashMap<String, Vec<u8>>,
}

impl Layout {
    fn put(&mut self, bytes: Vec<u8>) -> String {
        let digest = sha256_digest(&bytes);
        self.blobs.insert(digest.clone(), bytes);
        digest
    }
}

/// An index as BuildKit writes it: the image manifest, then an
/// attestation manifest (platform unknown/unknown) referring to it.
fn buildkit_index(layout: &mut Layout, image: &str, statements: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let layers: Vec<serde_json::Value> = statements
        .iter()
        .map(|(predicate_type, bytes)| {
            let size = bytes.len();
            let digest = layout.put(bytes.clone());
            json!({"mediaType": "application/vnd.in-toto+json", "digest": digest, "size": size,
                   "annotations": {"in-toto.io/predicate-type": predicate_type}})
        })
        .collect();
    let manifest = serde_json::to_vec(&json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest_of('9'), "size": 167},
        "layers": layers})).expect("json");
    let size = manifest.len();
    let attestation = layout.put(manifest);
    serde_json::to_vec(&json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": image, "size": 1000,
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": attestation, "size": size,
         "annotations": {"vnd.docker.reference.digest": image, "vnd.docker.reference.type": "attestation-manifest"},
         "platform": {"architecture": "unknown", "os": "unknown"}}
    ]}))
    .expect("json")
}

#[test]
fn buildkit_attestations_are_listed_and_their_subject_checked() {
    let image = digest_of('a');
    let mut layout = Layout {
        blobs: HashMap::new(),
    };
    let index = buildkit_index(
        &mut layout,
        &image,
        &[
            (
                "https://spdx.dev/Document",
                statement(&image, "https://spdx.dev/Document"),
            ),
            (
                "https://slsa.dev/provenance/v0.2",
                statement(&image, "https://slsa.dev/provenance/v0.2"),
            ),
            (
                "https://slsa.dev/provenance/v1",
                statement(&digest_of('c'), "https://slsa.dev/provenance/v1"),
            ),
            (
                "https://cyclonedx.org/bom",
                statement(&image, "https://slsa.dev/provenance/v1"),
            ),
        ],
    );
    let blobs = |d: &str| layout.blobs.get(d).cloned();
    let found = attestations_for(&index, &image, &blobs).expect("index parses");
    let kinds: Vec<PredicateKind> = found.attestations.iter().map(|a| a.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            PredicateKind::Spdx,
            PredicateKind::SlsaProvenanceV02,
            PredicateKind::SlsaProvenanceV1,
            PredicateKind::CycloneDx
        ]
    );
    assert_eq!(
        found.attestations[0].verdict,
        Verdict::Verified(format!("https://spdx.dev/Document statement about {image}"))
    );
    assert!(found.attestations[1].verdict.is_verified());
    assert_eq!(
        found.attestations[2].verdict,
        Verdict::OtherDigest {
            signed: digest_of('c'),
            expected: image.clone()
        }
    );
    assert_eq!(
        found.attestations[3].verdict,
        Verdict::Malformed("statement predicate type \"https://slsa.dev/provenance/v1\" is not the annotation's \"https://cyclonedx.org/bom\"".into())
    );
    assert!(found.has_provenance());
    // For another image of the index there is nothing.
    assert!(attestations_for(&index, &digest_of('0'), &blobs)
        .expect("parses")
        .attestations
        .is_empty());

    // A statement changed after the manifest pinned it.
    let tampered = |d: &str| {
        layout.blobs.get(d).map(|b| {
            if b.starts_with(b"{\"_type\"") || b.starts_with(b"{\"predicate") {
                let mut b = b.clone();
                b[5] ^= 1;
                b
            } else {
                b.clone()
            }
        })
    };
    let found = attestations_for(&index, &image, &tampered).expect("parses");
    assert!(
        found
            .attestations
            .iter()
            .all(|a| a.verdict.kind() == "bad-signature"),
        "{:?}",
        found.attestations
    );
    assert!(!found.has_provenance());
}

#[test]
fn attestation_index_bad_input() {
    let image = digest_of('a');
    let none = |_: &str| None;
    // An attestation manifest that names itself as the image it describes.
    let index = serde_json::to_vec(&json!({"manifests": [{"digest": image,
        "annotations": {"vnd.docker.reference.digest": image, "vnd.docker.reference.type": "attestation-manifest"}}]})).expect("json");
    let found = attestations_for(&index, &image, &none).expect("parses");
    assert_eq!(
        found.attestations[0].verdict,
        Verdict::Malformed(format!("attestation manifest {image} refers to itself"))
    );
    // A missing attestation manifest.
    let index = serde_json::to_vec(&json!({"manifests": [{"digest": digest_of('b'),
        "annotations": {"vnd.docker.reference.digest": image, "vnd.docker.reference.type": "attestation-manifest"}}]})).expect("json");
    let found = attestations_for(&index, &image, &none).expect("parses");
    assert_eq!(
        found.attestations[0].verdict,
        Verdict::Malformed(format!(
            "attestation manifest {} is missing",
            digest_of('b')
        ))
    );
    // Ten thousand entries: only the first are looked at.
    let entry = json!({"digest": digest_of('b'), "annotations": {"vnd.docker.reference.digest": image, "vnd.docker.reference.type": "attestation-manifest"}});
    let index = serde_json::to_vec(&json!({"manifests": vec![entry; 10_000]})).expect("json");
    let found = attestations_for(&index, &image, &none).expect("parses");
    assert_eq!(found.attestations.len(), 256);
    assert_eq!(found.skipped_entries, 10_000 - 256);
    assert_eq!(
        attestations_for(b"null", &image, &none),
        Err(Verdict::Malformed(
            "OCI index has no manifests array".into()
        ))
    );
}

// ---- mutations of the real tools' files: never a panic ----

#[test]
fn mutated_and_truncated_real_envelopes_never_panic() {
    let notation_root = store("notation-go-NotationTestRoot.pem");
    let sigstore_root =
        SigstoreTrustRoot::from_json(&data("cosign-trusted_root_pgi.json")).expect("root");
    let key = [PublicKey::from_pem(
        &String::from_utf8(data("sigstore-go-publish_key.pub")).expect("utf-8"),
    )
    .expect("key")];
    let files = [
        "notation-go-ca_valid_sig_env.json",
        "notation-go-jws_signature.sig",
        "sigstore-go-bundle-publish.json",
        "sigstore-go-public-key-validity.sigstore.json",
        "cosign-oci-attestation.sigstore.json",
        "sigstore-go-dsse.sigstore.json",
    ];
    for file in files {
        let bytes = data(file);
        // Every 41st byte changed (RSA is slow unoptimised), and prefixes:
        // verdicts, not panics.
        for at in (0..bytes.len()).step_by(41) {
            let mut mutated = bytes.clone();
            mutated[at] = mutated[at].wrapping_add(1);
            let _ = verify_jws(&mutated, &notation_root, &digest_of('a'), NOW).to_string();
            let _ = verify_bundle(&mutated, &key, &digest_of('a')).to_string();
            let _ =
                verify_keyless_bundle(&mutated, &sigstore_root, &[], &digest_of('a')).to_string();
        }
        for len in (0..bytes.len()).step_by(97) {
            assert_eq!(
                verify_jws(&bytes[..len], &notation_root, &digest_of('a'), NOW).kind(),
                "malformed"
            );
            assert_eq!(
                verify_bundle(&bytes[..len], &key, &digest_of('a')).kind(),
                "malformed"
            );
        }
    }
}

// ---- a legacy cosign layer carrying a keyless signature's certificate ----

#[test]
fn legacy_keyless_layer_is_checked_with_its_own_certificate() {
    let image = digest_of('a');
    let payload = serde_json::to_vec(&json!({"critical": {
        "identity": {"docker-reference": "registry.example/app"},
        "image": {"docker-manifest-digest": image},
        "type": "cosign container image signature"}, "optional": null}))
    .expect("json");
    let signature: p256::ecdsa::Signature = signing_key("generated/leaf.key").sign(&payload);
    let certificate = String::from_utf8(data("generated/leaf.crt")).expect("utf-8");
    let manifest_for = |blob: &[u8]| {
        serde_json::to_vec(&json!({"schemaVersion": 2, "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "digest": sha256_digest(blob), "size": blob.len(),
            "annotations": {"dev.cosignproject.cosign/signature": B64.encode(signature.to_der().as_bytes()),
                            "dev.sigstore.cosign/certificate": certificate}}]}))
        .expect("json")
    };
    // A configured key that is not the signer's.
    let other =
        [
            PublicKey::from_pem(&String::from_utf8(data("cosign-sigstore-rs.pub")).expect("utf-8"))
                .expect("key"),
        ];
    let expected = Expected {
        manifest_digest: &image,
        reference: Some("registry.example/app"),
    };
    let blobs = |_: &str| Some(payload.clone());
    let result = verify_signature_manifest(&manifest_for(&payload), &blobs, &other, expected)
        .expect("parses");
    assert_eq!(
        result.layers[0].verdict,
        Verdict::NotVerifiable("keyless: not verifiable offline without a trust root".to_string())
    );
    // The payload changed, and the descriptor with it: the certificate's
    // key shows the signature is not over these bytes.
    let mut changed = payload.clone();
    let at = changed.len() - 30;
    changed[at] ^= 1;
    let blobs = |_: &str| Some(changed.clone());
    let result = verify_signature_manifest(&manifest_for(&changed), &blobs, &other, expected)
        .expect("parses");
    assert!(
        matches!(&result.layers[0].verdict, Verdict::BadSignature(why) if why.starts_with("keyless signature, with its own certificate")),
        "{}",
        result.layers[0].verdict
    );
    // The signer's own key configured: verified.
    let own = [leaf_public_key()];
    let blobs = |_: &str| Some(payload.clone());
    let result =
        verify_signature_manifest(&manifest_for(&payload), &blobs, &own, expected).expect("parses");
    assert!(
        result.layers[0].verdict.is_verified(),
        "{}",
        result.layers[0].verdict
    );
}

// ---- OCI 1.1 referrer manifests carrying a bundle or a Notation envelope ----

fn referrer_manifest(
    artifact_type: &str,
    layer_media_type: &str,
    blob: &[u8],
    subject: &str,
) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": artifact_type,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": sha256_digest(b"{}"), "size": 2},
        "layers": [{"mediaType": layer_media_type, "digest": sha256_digest(blob), "size": blob.len()}],
        "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject, "size": 1000}
    }))
    .expect("json")
}

#[test]
fn referrer_manifests_check_subject_layer_and_blob() {
    use portcullis_signatures::bundle::verify_bundle_manifest;
    use portcullis_signatures::notation::verify_signature_manifest as verify_notation_manifest;
    let image = digest_of('a');
    let envelope = jws(
        header("2025-06-01T12:00:00Z"),
        &image,
        LEAF_CHAIN,
        "generated/leaf.key",
    );
    let root = store("generated/root.crt");
    let blobs = |_: &str| Some(envelope.clone());
    let manifest = referrer_manifest(
        "application/vnd.cncf.notary.signature",
        "application/jose+json",
        &envelope,
        &image,
    );
    assert!(verify_notation_manifest(&manifest, &blobs, &root, &image, NOW).is_verified());
    // About another image.
    let other = referrer_manifest(
        "application/vnd.cncf.notary.signature",
        "application/jose+json",
        &envelope,
        &digest_of('b'),
    );
    assert_eq!(
        verify_notation_manifest(&other, &blobs, &root, &image, NOW),
        Verdict::OtherDigest {
            signed: digest_of('b'),
            expected: image.clone()
        }
    );
    // A blob that is not the one the layer pins.
    let changed = |_: &str| Some(envelope[1..].to_vec());
    assert_eq!(
        verify_notation_manifest(&manifest, &changed, &root, &image, NOW),
        Verdict::BadSignature(format!(
            "signature blob does not hash to {}",
            sha256_digest(&envelope)
        ))
    );
    let cose = referrer_manifest(
        "application/vnd.cncf.notary.signature",
        "application/cose",
        &envelope,
        &image,
    );
    assert_eq!(
        verify_notation_manifest(&cose, &blobs, &root, &image, NOW),
        Verdict::Malformed(
            "signature layer has media type \"application/cose\", not application/jose+json".into()
        )
    );

    let key = [leaf_public_key()];
    let bundle = serde_json::to_vec(
        &json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": "test"}},
        "dsseEnvelope": envelope_json(&image)}),
    )
    .expect("json");
    let blobs = |_: &str| Some(bundle.clone());
    let manifest = referrer_manifest(
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        &bundle,
        &image,
    );
    assert!(verify_bundle_manifest(&manifest, &blobs, &key, &image).is_verified());
    let no_subject = serde_json::to_vec(&json!({"layers": []})).expect("json");
    assert_eq!(
        verify_bundle_manifest(&no_subject, &blobs, &key, &image),
        Verdict::Malformed("signature manifest has no subject".into())
    );
}

fn envelope_json(image: &str) -> serde_json::Value {
    envelope(
        "application/vnd.in-toto+json",
        &statement(image, "https://sigstore.dev/cosign/sign/v1"),
    )
}
