//! Verification against signatures the real tools produced (see
//! data/README.md for each file's origin), and tampered copies of them.

use std::collections::HashMap;

use base64::Engine as _;
use portcullis_signatures::bundle::{verify_bundle, KEYLESS};
use portcullis_signatures::cosign::{verify_signature_manifest, verify_simple_signing, Expected};
use portcullis_signatures::notation::verify_jws;
use portcullis_signatures::{sha256_digest, PublicKey, TrustStore, Verdict};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    String::from_utf8(data(name)).expect("utf-8 test data")
}

fn key(name: &str) -> PublicKey {
    PublicKey::from_pem(&text(name)).expect("test key parses")
}

/// Flips the lowest bit of byte `at`.
fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 1;
    out
}

// ---- cosign legacy: simple signing, signed by cosign (sigstore-rs data) ----

const COSIGN_DIGEST: &str =
    "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
const COSIGN_REFERENCE: &str = "registry-testing.svc.lan/busybox";

fn cosign_expected() -> Expected<'static> {
    Expected {
        manifest_digest: COSIGN_DIGEST,
        reference: Some("registry-testing.svc.lan/busybox:1.36"),
    }
}

#[test]
fn cosign_signature_by_cosign_verifies() {
    let verdict = verify_simple_signing(
        &data("cosign-sigstore-rs.payload.json"),
        &text("cosign-sigstore-rs.sig"),
        &[key("cosign-sigstore-rs.pub")],
        cosign_expected(),
    );
    assert_eq!(
        verdict,
        Verdict::Verified(format!(
            "cosign signature by ECDSA P-256 key over {COSIGN_DIGEST}"
        ))
    );
}

#[test]
fn cosign_tampered_payload_byte_fails_as_bad_signature() {
    let payload = data("cosign-sigstore-rs.payload.json");
    let sig = text("cosign-sigstore-rs.sig");
    let key = [key("cosign-sigstore-rs.pub")];
    // Every single-byte change of the signed payload must fail.
    for at in 0..payload.len() {
        let verdict = verify_simple_signing(&flip(&payload, at), &sig, &key, cosign_expected());
        assert_eq!(verdict.kind(), "bad-signature", "byte {at}: {verdict}");
        assert!(verdict.is_tampering());
    }
}

#[test]
fn cosign_tampered_signature_byte_fails_as_bad_signature() {
    let signature = B64.decode(text("cosign-sigstore-rs.sig")).expect("base64");
    let payload = data("cosign-sigstore-rs.payload.json");
    let key = [key("cosign-sigstore-rs.pub")];
    // The last byte is inside s: the DER stays well-formed, the value is wrong.
    let tampered = B64.encode(flip(&signature, signature.len() - 1));
    let verdict = verify_simple_signing(&payload, &tampered, &key, cosign_expected());
    assert!(
        matches!(&verdict, Verdict::BadSignature(why) if why.starts_with("ECDSA P-256 signature does not verify")),
        "{verdict}"
    );
    // A byte of the DER header: not a signature at all, still a bad signature.
    let verdict = verify_simple_signing(
        &payload,
        &B64.encode(flip(&signature, 0)),
        &key,
        cosign_expected(),
    );
    assert_eq!(verdict.kind(), "bad-signature", "{verdict}");
}

#[test]
fn cosign_signature_of_another_digest_or_image() {
    let payload = data("cosign-sigstore-rs.payload.json");
    let sig = text("cosign-sigstore-rs.sig");
    let key = [key("cosign-sigstore-rs.pub")];
    let other = format!("sha256:{}", "0".repeat(64));
    let verdict = verify_simple_signing(
        &payload,
        &sig,
        &key,
        Expected {
            manifest_digest: &other,
            reference: None,
        },
    );
    assert_eq!(
        verdict,
        Verdict::OtherDigest {
            signed: COSIGN_DIGEST.to_string(),
            expected: other
        }
    );
    assert!(verdict.is_tampering());
    let verdict = verify_simple_signing(
        &payload,
        &sig,
        &key,
        Expected {
            manifest_digest: COSIGN_DIGEST,
            reference: Some("registry-testing.svc.lan/alpine"),
        },
    );
    assert_eq!(
        verdict,
        Verdict::OtherReference {
            signed: COSIGN_REFERENCE.to_string(),
            expected: "registry-testing.svc.lan/alpine".to_string()
        }
    );
}

#[test]
fn cosign_signature_with_another_key_fails() {
    let verdict = verify_simple_signing(
        &data("cosign-sigstore-rs.payload.json"),
        &text("cosign-sigstore-rs.sig"),
        &[key("sigstore-go-publish_key.pub")],
        cosign_expected(),
    );
    assert_eq!(verdict.kind(), "bad-signature", "{verdict}");
}

fn signature_manifest(layer_digest: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 233,
                   "digest": format!("sha256:{}", "c".repeat(64))},
        "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "size": 248,
            "digest": layer_digest,
            "annotations": {"dev.cosignproject.cosign/signature": signature}
        }]
    }))
    .expect("json")
}

#[test]
fn cosign_signature_manifest_checks_blob_digest_then_signature() {
    let payload = data("cosign-sigstore-rs.payload.json");
    let digest = sha256_digest(&payload);
    let manifest = signature_manifest(&digest, &text("cosign-sigstore-rs.sig"));
    let key = [key("cosign-sigstore-rs.pub")];
    let blobs: HashMap<String, Vec<u8>> = HashMap::from([(digest.clone(), payload.clone())]);
    let lookup = |d: &str| blobs.get(d).cloned();
    let result = verify_signature_manifest(&manifest, &lookup, &key, cosign_expected())
        .expect("manifest parses");
    assert_eq!(result.layers.len(), 1);
    assert_eq!(result.layers[0].digest, digest);
    assert!(
        result.layers[0].verdict.is_verified(),
        "{}",
        result.layers[0].verdict
    );
    assert!(result.any_verified());
    assert_eq!(result.skipped, 0);

    // The registry serves a changed blob under the same digest.
    let tampered = |d: &str| blobs.get(d).map(|b| flip(b, 100));
    let result = verify_signature_manifest(&manifest, &tampered, &key, cosign_expected())
        .expect("manifest parses");
    assert_eq!(
        result.layers[0].verdict,
        Verdict::BadSignature(format!("signature layer blob does not hash to {digest}"))
    );
    // The blob is missing.
    let none = |_: &str| None;
    let result = verify_signature_manifest(&manifest, &none, &key, cosign_expected())
        .expect("manifest parses");
    assert_eq!(
        result.layers[0].verdict,
        Verdict::Malformed(format!("signature layer blob {digest} is missing"))
    );
}

// ---- Sigstore bundles ----

const NPM_SHA512: &str = "sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751";

#[test]
fn sigstore_dsse_bundle_by_sigstore_js_verifies() {
    let verdict = verify_bundle(
        &data("sigstore-go-bundle-publish.json"),
        &[key("sigstore-go-publish_key.pub")],
        NPM_SHA512,
    );
    assert_eq!(
        verdict,
        Verdict::Verified(format!(
            "DSSE envelope by ECDSA P-256 key, https://github.com/npm/attestation/tree/main/specs/publish/v0.1 about {NPM_SHA512}"
        ))
    );
}

fn edit_json(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).expect("json");
    edit(&mut value);
    serde_json::to_vec(&value).expect("json")
}

fn edit_b64(value: &mut serde_json::Value, edit: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let decoded = B64.decode(value.as_str().expect("string")).expect("base64");
    *value = serde_json::Value::String(B64.encode(edit(decoded)));
}

#[test]
fn sigstore_dsse_bundle_tampered_fails() {
    let bundle = data("sigstore-go-bundle-publish.json");
    let key = [key("sigstore-go-publish_key.pub")];
    // One byte of the payload (inside the subject digest).
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["dsseEnvelope"]["payload"], |p| {
            let at = p
                .windows(8)
                .position(|w| w == b"76176ffa")
                .expect("digest in payload");
            flip(&p, at + 3)
        })
    });
    let verdict = verify_bundle(&tampered, &key, NPM_SHA512);
    assert!(
        matches!(&verdict, Verdict::BadSignature(why) if why.starts_with("no DSSE signature verifies")),
        "{verdict}"
    );
    // One byte of the signature.
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["dsseEnvelope"]["signatures"][0]["sig"], |s| {
            flip(&s, s.len() - 1)
        })
    });
    assert_eq!(
        verify_bundle(&tampered, &key, NPM_SHA512).kind(),
        "bad-signature"
    );
    // The payload type is signed too (PAE).
    let tampered = edit_json(&bundle, |v| {
        v["dsseEnvelope"]["payloadType"] = "application/vnd.in-toto+jsoN".into()
    });
    assert_eq!(
        verify_bundle(&tampered, &key, NPM_SHA512).kind(),
        "bad-signature"
    );
    // Another digest expected: the statement is about something else.
    let other = format!("sha512:{}", "1".repeat(128));
    assert_eq!(
        verify_bundle(&bundle, &key, &other),
        Verdict::OtherDigest {
            signed: NPM_SHA512.to_string(),
            expected: other
        }
    );
}

const ARTIFACT: &str = "sha256:6ae8a75555209fd6c44157c0aed8016e763ff435a19cf186f76863140143ff72";

#[test]
fn sigstore_message_signature_bundle_verifies() {
    let verdict = verify_bundle(
        &data("sigstore-go-public-key-validity.sigstore.json"),
        &[key("sigstore-go-public-key-validity.pem")],
        ARTIFACT,
    );
    assert_eq!(
        verdict,
        Verdict::Verified(format!(
            "message signature by ECDSA P-256 key over {ARTIFACT}"
        ))
    );
}

#[test]
fn sigstore_message_signature_tampered_fails() {
    let bundle = data("sigstore-go-public-key-validity.sigstore.json");
    let key = [key("sigstore-go-public-key-validity.pem")];
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["messageSignature"]["messageDigest"]["digest"], |d| {
            flip(&d, 0)
        })
    });
    assert_eq!(
        verify_bundle(&tampered, &key, ARTIFACT).kind(),
        "bad-signature"
    );
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["messageSignature"]["signature"], |s| {
            flip(&s, s.len() - 2)
        })
    });
    assert_eq!(
        verify_bundle(&tampered, &key, ARTIFACT).kind(),
        "bad-signature"
    );
    let other = format!("sha256:{}", "2".repeat(64));
    assert_eq!(
        verify_bundle(&bundle, &key, &other),
        Verdict::OtherDigest {
            signed: ARTIFACT.to_string(),
            expected: other
        }
    );
    assert_eq!(
        verify_bundle(
            &bundle,
            &[PublicKey::from_pem(&text("cosign-sigstore-rs.pub")).expect("key")],
            ARTIFACT
        )
        .kind(),
        "bad-signature"
    );
}

const KEYLESS_IMAGE: &str =
    "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";

#[test]
fn cosign_keyless_oci_bundle_is_intact_but_not_verifiable_offline() {
    let bundle = data("cosign-oci-attestation.sigstore.json");
    let keys = [key("cosign-sigstore-rs.pub")];
    let verdict = verify_bundle(&bundle, &keys, KEYLESS_IMAGE);
    assert_eq!(verdict, Verdict::NotVerifiable(KEYLESS.to_string()));
    assert!(!verdict.is_tampering());
    // Its own certificate's key still tells changed content apart.
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["dsseEnvelope"]["payload"], |p| {
            let at = p
                .windows(8)
                .position(|w| w == b"73211227")
                .expect("digest in payload");
            flip(&p, at + 1)
        })
    });
    assert_eq!(
        verify_bundle(&tampered, &keys, KEYLESS_IMAGE).kind(),
        "bad-signature"
    );
    let tampered = edit_json(&bundle, |v| {
        edit_b64(&mut v["dsseEnvelope"]["signatures"][0]["sig"], |s| {
            flip(&s, s.len() - 1)
        })
    });
    assert_eq!(
        verify_bundle(&tampered, &keys, KEYLESS_IMAGE).kind(),
        "bad-signature"
    );
    let other = format!("sha256:{}", "4".repeat(64));
    assert_eq!(
        verify_bundle(&bundle, &keys, &other),
        Verdict::OtherDigest {
            signed: KEYLESS_IMAGE.to_string(),
            expected: other
        }
    );
    // No key configured: a keyless bundle is judged the same way.
    assert_eq!(
        verify_bundle(&bundle, &[], KEYLESS_IMAGE),
        Verdict::NotVerifiable(KEYLESS.to_string())
    );
}

#[test]
fn several_keys_any_verifies_and_none_configured_is_untrusted() {
    let payload = data("cosign-sigstore-rs.payload.json");
    let sig = text("cosign-sigstore-rs.sig");
    let verdict = verify_simple_signing(
        &payload,
        &sig,
        &[
            key("sigstore-go-publish_key.pub"),
            key("cosign-sigstore-rs.pub"),
        ],
        cosign_expected(),
    );
    assert!(verdict.is_verified(), "{verdict}");
    let verdict = verify_simple_signing(
        &payload,
        &sig,
        &[
            key("sigstore-go-publish_key.pub"),
            key("sigstore-go-public-key-validity.pem"),
        ],
        cosign_expected(),
    );
    assert_eq!(
        verdict,
        Verdict::BadSignature(
            "the signature does not verify with any of the 2 configured keys".to_string()
        )
    );
    assert_eq!(
        verify_simple_signing(&payload, &sig, &[], cosign_expected()),
        Verdict::Untrusted("no key is configured".to_string())
    );
    assert_eq!(
        verify_bundle(&data("sigstore-go-bundle-publish.json"), &[], NPM_SHA512),
        Verdict::Untrusted("no key is configured".to_string())
    );
    assert_eq!(
        verify_bundle(
            &data("sigstore-go-public-key-validity.sigstore.json"),
            &[],
            ARTIFACT
        ),
        Verdict::Untrusted("no key is configured".to_string())
    );
}

// ---- Notation ----

// 2026-01-01T00:00:00Z
const NOW: i64 = 1_767_225_600;
const NOTATION_DIGEST: &str =
    "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";

fn notation_store() -> TrustStore {
    TrustStore::from_pem(&text("notation-go-NotationTestRoot.pem")).expect("trust store")
}

#[test]
fn notation_ps384_envelope_with_chain_verifies() {
    let verdict = verify_jws(
        &data("notation-go-ca_valid_sig_env.json"),
        &notation_store(),
        NOTATION_DIGEST,
        NOW,
    );
    assert_eq!(
        verdict,
        Verdict::Verified(format!("Notation signature by CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US over {NOTATION_DIGEST}"))
    );
}

/// A trust store holding the envelope's own (self-signed) signing cert.
fn self_store(envelope: &[u8]) -> TrustStore {
    let value: serde_json::Value = serde_json::from_slice(envelope).expect("json");
    let mut store = TrustStore::default();
    store
        .add_der(
            &B64.decode(value["header"]["x5c"][0].as_str().expect("x5c"))
                .expect("base64"),
        )
        .expect("der");
    store
}

#[test]
fn notation_ps256_self_signed_envelopes_verify_against_their_certificate_only() {
    for (file, digest) in [
        (
            "notation-go-jws_signature.sig",
            "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0",
        ),
        (
            "notation-go-withoutTimestamp.sig",
            "sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda",
        ),
    ] {
        let envelope = data(file);
        let verdict = verify_jws(&envelope, &self_store(&envelope), digest, NOW);
        assert!(verdict.is_verified(), "{file}: {verdict}");
        let verdict = verify_jws(&envelope, &notation_store(), digest, NOW);
        assert!(
            matches!(&verdict, Verdict::Untrusted(why) if why.contains("not in or issued by the trust store")),
            "{file}: {verdict}"
        );
        let wabbit =
            TrustStore::from_pem(&text("notation-go-wabbit-networks.io.crt")).expect("store");
        assert_eq!(
            verify_jws(&envelope, &wabbit, digest, NOW).kind(),
            "untrusted"
        );
    }
}

#[test]
fn notation_tampered_envelopes_fail() {
    let envelope = data("notation-go-ca_valid_sig_env.json");
    let store = notation_store();
    // One byte of the payload (the target digest), re-encoded.
    let tampered = edit_json(&envelope, |v| {
        let payload = B64URL
            .decode(v["payload"].as_str().expect("payload"))
            .expect("b64url");
        let at = payload
            .windows(7)
            .position(|w| w == b"60043cf")
            .expect("digest");
        v["payload"] = B64URL.encode(flip(&payload, at + 2)).into();
    });
    let verdict = verify_jws(&tampered, &store, NOTATION_DIGEST, NOW);
    assert!(
        matches!(&verdict, Verdict::BadSignature(why) if why.starts_with("RSA 3072 signature does not verify")),
        "{verdict}"
    );
    // One byte of the signature.
    let tampered = edit_json(&envelope, |v| {
        let sig = B64URL
            .decode(v["signature"].as_str().expect("sig"))
            .expect("b64url");
        v["signature"] = B64URL.encode(flip(&sig, 10)).into();
    });
    assert_eq!(
        verify_jws(&tampered, &store, NOTATION_DIGEST, NOW).kind(),
        "bad-signature"
    );
    // Another digest expected.
    let other = format!("sha256:{}", "3".repeat(64));
    assert_eq!(
        verify_jws(&envelope, &store, &other, NOW),
        Verdict::OtherDigest {
            signed: NOTATION_DIGEST.to_string(),
            expected: other
        }
    );
    // A certificate of the chain changed: it no longer chains.
    let tampered = edit_json(&envelope, |v| {
        edit_b64(&mut v["header"]["x5c"][0], |c| {
            let len = c.len();
            flip(&c, len - 5)
        })
    });
    let verdict = verify_jws(&tampered, &store, NOTATION_DIGEST, NOW);
    assert!(
        matches!(verdict.kind(), "untrusted" | "malformed"),
        "{verdict}"
    );
}

#[test]
fn notation_expired_signature_is_expired() {
    let envelope = data("notation-go-ca_expired_sig_env.json");
    let verdict = verify_jws(&envelope, &notation_store(), NOTATION_DIGEST, NOW);
    assert_eq!(
        verdict,
        Verdict::Expired("the signature expired at 2022-07-29T23:59:00Z".to_string())
    );
    // Before its expiry it verifies: the expiry is the only problem.
    let before = 1_659_052_800; // 2022-07-29T00:00:00Z
    assert!(verify_jws(&envelope, &notation_store(), NOTATION_DIGEST, before).is_verified());
}

#[test]
fn notation_conformance_envelope_with_unknown_critical_header_is_malformed() {
    let verdict = verify_jws(
        &data("notation-core-go-jws-conformance.json"),
        &notation_store(),
        NOTATION_DIGEST,
        NOW,
    );
    assert_eq!(
        verdict,
        Verdict::Malformed(
            "JWS protected header: critical header \"signedCritKey1\" is not understood"
                .to_string()
        )
    );
}

// ---- keyless bundles against a Sigstore trusted root ----

mod keyless {
    use super::*;
    use portcullis_signatures::keyless::{verify_keyless_bundle, Identity, SigstoreTrustRoot};

    const CODY: Identity<'static> = Identity {
        subject: "cody@soyland.com",
        issuer: "https://github.com/login/oauth",
    };
    const BRIAN: Identity<'static> = Identity {
        subject: "brian@dehamer.com",
        issuer: "https://github.com/login/oauth",
    };
    const PROVENANCE_SHA512: &str = "sha512:bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f";

    fn root(name: &str) -> SigstoreTrustRoot {
        SigstoreTrustRoot::from_json(&data(name)).expect("trusted root")
    }

    #[test]
    fn cosign_keyless_bundle_verifies_offline_with_its_trusted_root() {
        let verdict = verify_keyless_bundle(
            &data("cosign-oci-attestation.sigstore.json"),
            &root("cosign-trusted_root_pgi.json"),
            &[BRIAN, CODY],
            KEYLESS_IMAGE,
        );
        assert_eq!(
            verdict,
            Verdict::Verified(format!(
                "keyless signature by cody@soyland.com (issuer https://github.com/login/oauth), transparency log entry 175508996, over {KEYLESS_IMAGE}"
            ))
        );
    }

    #[test]
    fn sigstore_js_keyless_intoto_bundle_verifies_for_its_identity_only() {
        let bundle = data("sigstore-go-dsse.sigstore.json");
        let root = root("sigstore-go-trusted-root-public-good.json");
        assert!(verify_keyless_bundle(&bundle, &root, &[BRIAN], PROVENANCE_SHA512).is_verified());
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[CODY], PROVENANCE_SHA512),
            Verdict::Untrusted(
                "keyless signature by brian@dehamer.com (issuer https://github.com/login/oauth), not a configured identity".into()
            )
        );
        let other_issuer = Identity {
            subject: "brian@dehamer.com",
            issuer: "https://accounts.google.com",
        };
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[other_issuer], PROVENANCE_SHA512).kind(),
            "untrusted"
        );
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[], PROVENANCE_SHA512),
            Verdict::Untrusted(
                "keyless signature by brian@dehamer.com (issuer https://github.com/login/oauth): no identity is configured".into()
            )
        );
    }

    #[test]
    fn tampered_keyless_bundles_fail() {
        let bundle = data("cosign-oci-attestation.sigstore.json");
        let root = root("cosign-trusted_root_pgi.json");
        let check = |b: &[u8]| verify_keyless_bundle(b, &root, &[CODY], KEYLESS_IMAGE);
        // The payload.
        let tampered = edit_json(&bundle, |v| {
            edit_b64(&mut v["dsseEnvelope"]["payload"], |p| {
                let at = p.windows(8).position(|w| w == b"73211227").expect("digest");
                flip(&p, at + 1)
            })
        });
        assert_eq!(check(&tampered).kind(), "bad-signature");
        // Another digest expected.
        let other = format!("sha256:{}", "5".repeat(64));
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[CODY], &other),
            Verdict::OtherDigest {
                signed: KEYLESS_IMAGE.to_string(),
                expected: other
            }
        );
        // The log's signed entry timestamp, or the time it covers.
        let tampered = edit_json(&bundle, |v| {
            edit_b64(
                &mut v["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"]
                    ["signedEntryTimestamp"],
                |s| flip(&s, s.len() - 1),
            )
        });
        assert!(
            matches!(check(&tampered), Verdict::BadSignature(m) if m.starts_with("signed entry timestamp"))
        );
        let tampered = edit_json(&bundle, |v| {
            v["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = "1740770300".into()
        });
        assert!(
            matches!(check(&tampered), Verdict::BadSignature(m) if m.starts_with("signed entry timestamp"))
        );
        // A genuine log entry of the same log, for another signature.
        let foreign: serde_json::Value =
            serde_json::from_slice(&data("sigstore-go-dsse.sigstore.json")).expect("json");
        let tampered = edit_json(&bundle, |v| {
            v["verificationMaterial"]["tlogEntries"][0] =
                foreign["verificationMaterial"]["tlogEntries"][0].clone()
        });
        assert_eq!(
            check(&tampered),
            Verdict::BadSignature("transparency log entry 6800908: records another payload".into())
        );
        // No log entry: the time of signing is unknown.
        let tampered = edit_json(&bundle, |v| {
            v["verificationMaterial"]["tlogEntries"] = serde_json::json!([])
        });
        assert_eq!(
            check(&tampered),
            Verdict::NotVerifiable("keyless bundle has no transparency log entry".into())
        );
    }

    #[test]
    fn a_trusted_root_without_the_issuing_authority_is_untrusted() {
        let bytes = edit_json(&data("cosign-trusted_root_pgi.json"), |v| {
            v["certificateAuthorities"]
                .as_array_mut()
                .expect("array")
                .remove(1);
        });
        let root = SigstoreTrustRoot::from_json(&bytes).expect("trusted root");
        let verdict = verify_keyless_bundle(
            &data("cosign-oci-attestation.sigstore.json"),
            &root,
            &[CODY],
            KEYLESS_IMAGE,
        );
        assert_eq!(
            verdict,
            Verdict::Untrusted("no trusted certificate authority".into())
        );
        // A key-based bundle is not keyless.
        assert_eq!(
            verify_keyless_bundle(
                &data("sigstore-go-bundle-publish.json"),
                &root,
                &[CODY],
                NPM_SHA512
            ),
            Verdict::Malformed("Sigstore bundle has no certificate: not a keyless bundle".into())
        );
        assert!(SigstoreTrustRoot::from_json(b"{}").is_err());
    }

    #[test]
    fn keyless_message_signature_with_a_username_san_verifies() {
        let bundle = data("sigstore-go-othername.sigstore.json");
        let root = root("sigstore-go-trusted-root-scaffolding.json");
        let digest = "sha256:bc103b4a84971ef6459b294a2b98568a2bfb72cded09d4acd1e16366a401f95b";
        let foo = Identity {
            subject: "foo!oidc.local",
            issuer: "http://oidc.local:8080",
        };
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[foo], digest),
            Verdict::Verified(format!(
                "keyless signature by foo!oidc.local (issuer http://oidc.local:8080), transparency log entry 3, over {digest}"
            ))
        );
        let email = Identity {
            subject: "foo@oidc.local",
            issuer: "http://oidc.local:8080",
        };
        assert_eq!(
            verify_keyless_bundle(&bundle, &root, &[email], digest).kind(),
            "untrusted"
        );
        // The hashedrekord body records the signature: a signature changed
        // in both the bundle and nowhere else fails on the content first.
        let tampered = edit_json(&bundle, |v| {
            edit_b64(&mut v["messageSignature"]["signature"], |s| {
                flip(&s, s.len() - 1)
            })
        });
        assert_eq!(
            verify_keyless_bundle(&tampered, &root, &[foo], digest).kind(),
            "bad-signature"
        );
        // Another trusted root: the log is not in it.
        assert_eq!(
            verify_keyless_bundle(
                &bundle,
                &super::keyless::root("cosign-trusted_root_pgi.json"),
                &[foo],
                digest
            ),
            Verdict::Untrusted(
                "transparency log entry is from a log not in the trusted root".into()
            )
        );
    }

    const LEGACY_DIGEST: &str =
        "sha256:5f481572d088dc4023afb35fced9530ced3d9b03bf7299c6f492163cb9f0452e";

    fn legacy_manifest(payload: &[u8], signature: &str, rekor_bundle: Option<&str>) -> Vec<u8> {
        let mut annotations = serde_json::json!({
            "dev.cosignproject.cosign/signature": signature,
            "dev.sigstore.cosign/certificate": text("cosign-sigstore-rs-keyless.crt"),
        });
        if let Some(bundle) = rekor_bundle {
            annotations["dev.sigstore.cosign/bundle"] = bundle.into();
        }
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "digest": sha256_digest(payload), "size": payload.len(), "annotations": annotations}]}))
        .expect("json")
    }

    #[test]
    fn legacy_keyless_cosign_signature_checks_log_chain_and_identity() {
        use portcullis_signatures::keyless::verify_keyless_signature_manifest;
        let payload = data("cosign-sigstore-rs-keyless.payload.json");
        let signature = text("cosign-sigstore-rs-keyless.sig");
        let rekor = text("cosign-sigstore-rs-keyless.rekor-bundle.json");
        let root = root("cosign-trusted_root_pgi.json");
        let expected = Expected {
            manifest_digest: LEGACY_DIGEST,
            reference: None,
        };
        let flavio = Identity {
            subject: "flavio@castelli.me",
            issuer: "",
        };
        let check =
            |payload: &[u8], signature: &str, rekor: Option<&str>, root: &SigstoreTrustRoot| {
                let manifest = legacy_manifest(payload, signature, rekor);
                let blobs = |_: &str| Some(payload.to_vec());
                verify_keyless_signature_manifest(&manifest, &blobs, root, &[flavio], expected)
                    .expect("parses")
                    .layers[0]
                    .verdict
                    .clone()
            };
        // The 2021 certificate predates Fulcio's OIDC issuer extension: the
        // log entry, body and chain verify, the identity cannot be matched.
        assert_eq!(
            check(&payload, &signature, Some(&rekor), &root),
            Verdict::Untrusted(
                "keyless signature by flavio@castelli.me: the certificate names no OIDC issuer"
                    .into()
            )
        );
        let mut changed = payload.clone();
        let at = changed.len() - 40;
        changed[at] ^= 1;
        assert_eq!(
            check(&changed, &signature, Some(&rekor), &root).kind(),
            "bad-signature"
        );
        let tampered_set = rekor.replacen("MEUCIDBG", "MEUCIDBH", 1);
        assert!(
            matches!(check(&payload, &signature, Some(&tampered_set), &root), Verdict::BadSignature(m) if m.starts_with("signed entry timestamp"))
        );
        let tampered_time = rekor.replacen("1634714717", "1634714718", 1);
        assert_eq!(
            check(&payload, &signature, Some(&tampered_time), &root).kind(),
            "bad-signature"
        );
        assert_eq!(
            check(&payload, &signature, None, &root),
            Verdict::NotVerifiable(
                "keyless signature has no dev.sigstore.cosign/bundle annotation".into()
            )
        );
        let without_2021_ca =
            SigstoreTrustRoot::from_json(&edit_json(&data("cosign-trusted_root_pgi.json"), |v| {
                v["certificateAuthorities"]
                    .as_array_mut()
                    .expect("array")
                    .remove(0);
            }))
            .expect("root");
        assert_eq!(
            check(&payload, &signature, Some(&rekor), &without_2021_ca),
            Verdict::Untrusted("no trusted certificate authority".into())
        );
        // Another image's digest expected: the payload says which it signs.
        let manifest = legacy_manifest(&payload, &signature, Some(&rekor));
        let blobs = |_: &str| Some(payload.clone());
        let other = format!("sha256:{}", "6".repeat(64));
        let result = verify_keyless_signature_manifest(
            &manifest,
            &blobs,
            &root,
            &[flavio],
            Expected {
                manifest_digest: &other,
                reference: None,
            },
        )
        .expect("parses");
        assert_eq!(
            result.layers[0].verdict,
            Verdict::OtherDigest {
                signed: LEGACY_DIGEST.into(),
                expected: other
            }
        );
    }
}
