//! PC43201–PC43203 through the real binary, against the real CNCF registry
//! (Debian `docker-registry` 2.8: no referrers API, so the `sha256-<hex>`
//! tag fallback) holding a signed and an unsigned image, signatures stored
//! both ways (cosign's `.sig` tag, a Sigstore bundle referrer), tampered
//! copies, and the real cosign signature sigstore-rs keeps as test data;
//! and a small fake registry with a referrers API answering 10,000 entries.
//!
//! Debian's skopeo 1.9 has `--sign-by-sigstore-private-key`, but Debian
//! builds it with sigstore disabled ("Debian-local change: sigstore
//! disabled"), and there is no cosign here: the valid signatures are made
//! with OpenSSL (ECDSA P-256 over the simple-signing payload cosign
//! writes, and over the manifest for the bundle's message signature), and
//! pushed with skopeo and curl as a registry holds cosign's. Interop with
//! signatures the real tools wrote is the verifier's own test
//! (crates/portcullis-signatures/tests/interop.rs); here sigstore-rs's
//! signature stands for one made for another image.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;
use common::registry::Registry;
use common::*;

fn digest_of(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn tools() -> bool {
    let ok = ["docker-registry", "skopeo", "curl", "openssl"]
        .iter()
        .all(|t| have(t));
    if !ok {
        assert!(
            std::env::var("PORTCULLIS_REGISTRY_TESTS").as_deref() != Ok("required"),
            "docker-registry, skopeo, curl and openssl are required (PORTCULLIS_REGISTRY_TESTS=required)"
        );
        eprintln!("skipping: docker-registry, skopeo, curl or openssl is not installed");
    }
    ok
}

impl Registry {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/v2/{path}", self.port)
    }

    /// Push the docker-classic fixture's `localhost/bad:1` as `repo:1`;
    /// its manifest digest.
    fn push_image(&self, repo: &str) -> String {
        self.push_fixture(repo, "localhost/bad:1")
    }

    /// Push its `localhost/base:1`, another image.
    fn push_other_image(&self, repo: &str) -> String {
        self.push_fixture(repo, "localhost/base:1")
    }

    fn push_fixture(&self, repo: &str, image: &str) -> String {
        let o = Command::new("skopeo")
            .args(["copy", "-q", "--dest-tls-verify=false"])
            .arg(format!(
                "docker-archive:{}:{image}",
                fixtures().join("docker-classic.tar").display()
            ))
            .arg(format!("docker://127.0.0.1:{}/{repo}:1", self.port))
            .output()
            .expect("skopeo");
        assert!(o.status.success(), "skopeo: {}", stderr(&o));
        let o = Command::new("skopeo")
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!("docker://127.0.0.1:{}/{repo}:1", self.port))
            .output()
            .expect("skopeo inspect");
        assert!(o.status.success(), "skopeo inspect: {}", stderr(&o));
        digest_of(&o.stdout)
    }

    /// Upload a blob (POST for an upload, PUT of the bytes); its digest.
    fn put_blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = digest_of(bytes);
        let o = Command::new("curl")
            .args([
                "-sS",
                "--fail-with-body",
                "-D",
                "-",
                "-o",
                "/dev/null",
                "-X",
                "POST",
            ])
            .arg(self.url(&format!("{repo}/blobs/uploads/")))
            .output()
            .expect("curl");
        assert!(o.status.success(), "curl POST: {}", stderr(&o));
        let headers = stdout(&o);
        let location = headers
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("location")
                    .then(|| v.trim().to_owned())
            })
            .expect("Location");
        let location = if location.starts_with("http") {
            location
        } else {
            format!("http://127.0.0.1:{}{location}", self.port)
        };
        let join = if location.contains('?') { '&' } else { '?' };
        let file = tempfile::NamedTempFile::new().expect("temp");
        std::fs::write(file.path(), bytes).expect("write");
        curl(&[
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/octet-stream",
            "--data-binary",
            &format!("@{}", file.path().display()),
            &format!("{location}{join}digest={digest}"),
        ]);
        digest
    }

    /// Put a manifest under `reference` (a tag, or its digest); its digest.
    fn put_manifest(&self, repo: &str, reference: Option<&str>, bytes: &[u8]) -> String {
        let digest = digest_of(bytes);
        let media_type = serde_json::from_slice::<Value>(bytes).expect("json")["mediaType"]
            .as_str()
            .expect("mediaType")
            .to_owned();
        let file = tempfile::NamedTempFile::new().expect("temp");
        std::fs::write(file.path(), bytes).expect("write");
        curl(&[
            "-X",
            "PUT",
            "-H",
            &format!("Content-Type: {media_type}"),
            "--data-binary",
            &format!("@{}", file.path().display()),
            &self.url(&format!(
                "{repo}/manifests/{}",
                reference.unwrap_or(&digest)
            )),
        ]);
        digest
    }

    /// A cosign `.sig` manifest for `image` with one simple-signing layer.
    fn put_cosign_signature(
        &self,
        repo: &str,
        image: &str,
        payload: &[u8],
        signature: &str,
    ) -> String {
        let payload_digest = self.put_blob(repo, payload);
        let config = self.put_blob(repo, b"{}");
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":2}},"layers":[{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"{payload_digest}","size":{},"annotations":{{"dev.cosignproject.cosign/signature":"{signature}"}}}}]}}"#,
            payload.len()
        );
        let tag = format!("sha256-{}.sig", &image[7..]);
        self.put_manifest(repo, Some(&tag), manifest.as_bytes())
    }
}

fn curl(args: &[&str]) {
    let o = Command::new("curl")
        .args(["-sS", "--fail-with-body"])
        .args(args)
        .output()
        .expect("curl");
    assert!(
        o.status.success(),
        "curl {args:?}: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

/// An ECDSA P-256 key pair made by OpenSSL: (private key, cosign.pub).
fn keys(dir: &Path) -> (PathBuf, PathBuf) {
    let (key, public) = (dir.join("signing.key"), dir.join("cosign.pub"));
    let run = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        assert!(o.status.success(), "openssl {args:?}: {}", stderr(&o));
    };
    let key_s = key.display().to_string();
    run(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        &key_s,
    ]);
    run(&[
        "ec",
        "-in",
        &key_s,
        "-pubout",
        "-out",
        &public.display().to_string(),
    ]);
    (key, public)
}

/// Base64 of OpenSSL's DER ECDSA signature (SHA-256) over `message`.
fn sign(key: &Path, message: &[u8]) -> String {
    let mut child = Command::new("sh")
        .args([
            "-c",
            &format!(
                "openssl dgst -sha256 -sign {} | openssl base64 -A",
                key.display()
            ),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message)
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success());
    String::from_utf8(o.stdout).expect("base64")
}

/// The simple-signing payload as cosign serialises it (Go's json.Marshal).
fn payload(reference: &str, digest: &str) -> Vec<u8> {
    format!(r#"{{"critical":{{"identity":{{"docker-reference":"{reference}"}},"image":{{"docker-manifest-digest":"{digest}"}},"type":"cosign container image signature"}},"optional":null}}"#).into_bytes()
}

/// A directory with `portcullis.toml` (only PC432xx on) and the public key.
fn policy(public: &Path, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(public, dir.path().join("cosign.pub")).expect("copy key");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        format!("disable = [\"*\"]\nenable = [\"PC432*\"]\n{body}"),
    )
    .expect("policy");
    dir
}

fn scan(config: &Path, target: &str) -> Output {
    scan_with(config, target, &[])
}

fn scan_with(config: &Path, target: &str, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    cmd.env("PORTCULLIS_DB", NO_DATABASE)
        .current_dir(config)
        .args(["scan", "--format", "json", "--config"])
        .arg(config.join("portcullis.toml"))
        .args(extra)
        .arg(target)
        .env("DOCKER_CONFIG", "/nonexistent-portcullis-test")
        .env_remove("REGISTRY_AUTH_FILE")
        .env_remove("XDG_RUNTIME_DIR");
    for var in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] {
        cmd.env_remove(var).env_remove(var.to_ascii_uppercase());
    }
    cmd.output().expect("portcullis")
}

/// The exit status and, for PC43201–PC43203, `CODE status` or each
/// finding as `CODE action@location: message`.
fn outcome(o: &Output) -> (i32, Vec<String>) {
    assert!(matches!(code(o), 0 | 1), "{}", stderr(o));
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    let target = &report["targets"][0];
    let mut out = Vec::new();
    for (rule, status, reason) in policy_statuses(target) {
        if !rule.starts_with("PC432") {
            continue;
        }
        let findings: Vec<String> = target["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule.as_str())
            .map(|f| {
                let l = &f["location"];
                assert_eq!(l["kind"], "image-manifest");
                format!(
                    "{rule} {}@{}{}: {}",
                    f["action"].as_str().unwrap_or(""),
                    l["digest"].as_str().unwrap_or(""),
                    l["pointer"].as_str().unwrap_or(""),
                    f["message"].as_str().unwrap_or("")
                )
            })
            .collect();
        if findings.is_empty() {
            out.push(match reason {
                Some(r) => format!("{rule} {status} ({r})"),
                None => format!("{rule} {status}"),
            });
        }
        out.extend(findings);
    }
    (code(o), out)
}

const NO_PROVENANCE: &str = "PC43203 not-applicable (the policy file's `[[signatures]]` entries for this image do not set `require-provenance = true`)";

#[test]
fn signed_images_pass_unsigned_fail_only_when_asked_and_tampering_always_fails() {
    if !tools() {
        return;
    }
    let registry = Registry::start(None);
    let keydir = tempfile::tempdir().expect("tempdir");
    let (key, public) = keys(keydir.path());
    let host = format!("127.0.0.1:{}", registry.port);
    let asked = policy(
        &public,
        &format!("[[signatures]]\nimages = [\"{host}/team/**\"]\nkeys = [\"cosign.pub\"]\n"),
    );
    let target = |repo: &str| format!("docker://{host}/{repo}:1");

    // Signed: cosign's `.sig` tag, signed over the payload cosign writes.
    let signed = registry.push_image("team/signed");
    let good_payload = payload(&format!("{host}/team/signed"), &signed);
    let signature = sign(&key, &good_payload);
    registry.put_cosign_signature("team/signed", &signed, &good_payload, &signature);
    assert_eq!(
        outcome(&scan(asked.path(), &target("team/signed"))),
        (
            0,
            vec![
                "PC43201 pass".to_owned(),
                "PC43202 pass".into(),
                NO_PROVENANCE.into()
            ]
        )
    );

    // The same image and its `.sig` manifest copied into an OCI layout by
    // skopeo: the layout's ref name is the whole reference, so the entry
    // matches it, and the signature is found by its ref name.
    let layout = tempfile::tempdir().expect("tempdir");
    let sig_tag = format!("sha256-{}.sig", &signed[7..]);
    for (from, name) in [
        (target("team/signed"), format!("{host}/team/signed:1")),
        (
            format!("docker://{host}/team/signed:{sig_tag}"),
            sig_tag.clone(),
        ),
    ] {
        let o = Command::new("skopeo")
            .args(["copy", "-q", "--src-tls-verify=false", "--preserve-digests"])
            .arg(&from)
            .arg(format!("oci:{}:{name}", layout.path().display()))
            .output()
            .expect("skopeo");
        assert!(o.status.success(), "skopeo {from}: {}", stderr(&o));
    }
    let in_layout = format!("oci:{}:{host}/team/signed:1", layout.path().display());
    assert_eq!(
        outcome(&scan(asked.path(), &in_layout)),
        (
            0,
            vec![
                "PC43201 pass".to_owned(),
                "PC43202 pass".into(),
                NO_PROVENANCE.into()
            ]
        )
    );

    // Unsigned: PC43201 fails when the policy asks, and only then.
    let unsigned = registry.push_image("team/unsigned");
    assert_eq!(signed, unsigned, "the same image in two repositories");
    assert_eq!(
        outcome(&scan(asked.path(), &target("team/unsigned"))),
        (
            1,
            vec![
                format!("PC43201 fail@{unsigned}: no valid signature of {unsigned} by cosign.pub (ECDSA P-256): the registry holds no signature of it (no cosign `.sig` tag, no signature referrers)"),
                "PC43202 pass".into(),
                NO_PROVENANCE.into()
            ]
        )
    );
    let other_images = policy(
        &public,
        "[[signatures]]\nimages = [\"registry.acme.internal/**\"]\nkeys = [\"cosign.pub\"]\n",
    );
    let why = format!("no `[[signatures]]` entry of the policy file names `{host}/team/unsigned`");
    assert_eq!(
        outcome(&scan(other_images.path(), &target("team/unsigned"))),
        (
            0,
            vec![
                format!("PC43201 not-applicable ({why})"),
                format!("PC43202 not-applicable ({why})"),
                format!("PC43203 not-applicable ({why})"),
            ]
        )
    );

    // Tampered, with the rule's severity lowered and nothing else failing:
    // still a failure. One byte of the payload changed (pushed as its own
    // blob: the registry checks digests), the signature kept.
    let lowered = policy(
        &public,
        &format!("fail-on = \"never\"\n[rule.PC43202]\nseverity = \"low\"\n[[signatures]]\nimages = [\"{host}/team/**\"]\nkeys = [\"cosign.pub\"]\n"),
    );
    let tampered = registry.push_image("team/tampered");
    let mut edited = payload(&format!("{host}/team/tampered"), &tampered);
    let at = edited.len() - 20;
    edited[at] ^= 0x01;
    let sig = registry.put_cosign_signature("team/tampered", &tampered, &edited, &signature);
    let (status, items) = outcome(&scan(lowered.path(), &target("team/tampered")));
    assert_eq!(status, 1, "{items:?}");
    let tag = format!("the sha256-{}.sig tag", &tampered[7..]);
    let bad = "bad signature: ECDSA P-256 signature does not verify: signature error";
    assert_eq!(
        items,
        [
            format!("PC43201 warn@{tampered}: no valid signature of {tampered} by cosign.pub (ECDSA P-256): cosign signature in {sig} /layers/0 ({tag}): {bad}"),
            format!("PC43202 fail@{sig}/layers/0: cosign signature in {sig} /layers/0 ({tag}), checked with cosign.pub (ECDSA P-256), is not a valid signature of {tampered}: {bad}"),
            NO_PROVENANCE.to_owned(),
        ]
    );
    let report: Value =
        serde_json::from_slice(&scan(lowered.path(), &target("team/tampered")).stdout)
            .expect("json");
    let f = &report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "PC43202")
        .cloned()
        .expect("PC43202");
    assert_eq!(
        (f["severity"].as_str(), f["action"].as_str()),
        (Some("low"), Some("fail"))
    );
    assert_eq!(f["related"][0]["digest"], tampered.as_str());
    // Nor does a baseline accept it: written, it suppresses PC43201's
    // finding, not PC43202's.
    let o = scan_with(
        lowered.path(),
        &target("team/tampered"),
        &["--write-baseline", "baseline.json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    let suppressed: Vec<(String, bool)> = report["targets"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["suppressed"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [("PC43201".to_owned(), false), ("PC43202".to_owned(), true)]
    );

    // A valid signature of another digest (the signed image's, copied to
    // an image with one more layer): it signs another digest.
    let other = registry.push_other_image("team/copied");
    registry.put_cosign_signature("team/copied", &other, &good_payload, &signature);
    let (status, items) = outcome(&scan(lowered.path(), &target("team/copied")));
    assert_eq!(status, 1);
    let copied_sig = format!("the sha256-{}.sig tag", &other[7..]);
    assert!(
        items[1].ends_with(&format!(
            "is not a valid signature of {other}: signs another digest: {signed}, not {other}"
        )),
        "{}: {copied_sig}",
        items[1]
    );

    // sigstore-rs's real cosign signature, stored for this image: it signs
    // another image's digest.
    let data = repo().join("crates/portcullis-signatures/tests/data");
    let real_payload = std::fs::read(data.join("cosign-sigstore-rs.payload.json")).expect("data");
    let real_signature =
        std::fs::read_to_string(data.join("cosign-sigstore-rs.sig")).expect("data");
    let real_key = data.join("cosign-sigstore-rs.pub");
    let real = policy(
        &real_key,
        &format!("[[signatures]]\nimages = [\"{host}/team/**\"]\nkeys = [\"cosign.pub\"]\n"),
    );
    let busybox = registry.push_image("team/busybox");
    let real_sig = registry.put_cosign_signature(
        "team/busybox",
        &busybox,
        &real_payload,
        real_signature.trim(),
    );
    let (status, items) = outcome(&scan(real.path(), &target("team/busybox")));
    assert_eq!(status, 1);
    assert_eq!(
        items[1],
        format!("PC43202 fail@{real_sig}/layers/0: cosign signature in {real_sig} /layers/0 (the sha256-{}.sig tag), checked with cosign.pub (ECDSA P-256), is not a valid signature of {busybox}: signs another digest: sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b, not {busybox}", &busybox[7..])
    );

    // Provenance required, and none: the image was pushed alone, not in an index.
    let provenance = policy(
        &public,
        &format!("[[signatures]]\nimages = [\"{host}/team/**\"]\nkeys = [\"cosign.pub\"]\nrequire-provenance = true\n"),
    );
    assert_eq!(
        outcome(&scan(provenance.path(), &target("team/signed"))),
        (
            1,
            vec![
                "PC43201 pass".to_owned(),
                "PC43202 pass".into(),
                format!("PC43203 fail@{signed}: no SLSA provenance attestation about {signed}: the image was not picked from an index, so it has no BuildKit attestations"),
            ]
        )
    );

    // The same image from a docker-archive: no signatures can be there.
    let archive = format!(
        "docker-archive:{}:localhost/bad:1",
        fixtures().join("docker-classic.tar").display()
    );
    let local = policy(
        &public,
        "[[signatures]]\nimages = [\"localhost/**\"]\nkeys = [\"cosign.pub\"]\n",
    );
    let why = "a docker-archive image carries no signatures: scan it from its registry (docker://) or an OCI layout that holds its signatures";
    assert_eq!(
        outcome(&scan(local.path(), &archive)),
        (
            0,
            vec![
                format!("PC43201 not-applicable ({why})"),
                format!("PC43202 not-applicable ({why})"),
                format!("PC43203 not-applicable ({why})"),
            ]
        )
    );
}

#[test]
fn a_sigstore_bundle_referrer_is_found_by_the_tag_fallback_and_checked() {
    if !tools() {
        return;
    }
    // docker-registry 2.8 answers the referrers API with 404: the
    // `sha256-<hex>` tag holds the referrers index, as cosign and oras
    // write it for such registries.
    let registry = Registry::start(None);
    let keydir = tempfile::tempdir().expect("tempdir");
    let (key, public) = keys(keydir.path());
    let host = format!("127.0.0.1:{}", registry.port);
    let image = registry.push_image("team/bundled");
    let manifest = Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!("docker://{host}/team/bundled:1"))
        .output()
        .expect("skopeo")
        .stdout;
    let put_bundle = |message: &[u8], signature: &str| -> String {
        // A v0.3 bundle whose message signature is over the image manifest
        // (so its message digest is the manifest digest), key-based.
        let hash = Sha256::digest(message);
        let b64 = |bytes: &[u8]| {
            let mut child = Command::new("openssl")
                .args(["base64", "-A"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("openssl");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(bytes)
                .expect("write");
            String::from_utf8(child.wait_with_output().expect("wait").stdout).expect("b64")
        };
        let bundle = format!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"publicKey":{{"hint":"cosign.pub"}}}},"messageSignature":{{"messageDigest":{{"algorithm":"SHA2_256","digest":"{}"}},"signature":"{signature}"}}}}"#,
            b64(&hash)
        );
        let layer = registry.put_blob("team/bundled", bundle.as_bytes());
        let config = registry.put_blob("team/bundled", b"{}");
        let referrer = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{config}","size":2}},"layers":[{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","digest":"{layer}","size":{}}}],"subject":{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{image}","size":{}}}}}"#,
            bundle.len(),
            manifest.len()
        );
        let referrer_digest = registry.put_manifest("team/bundled", None, referrer.as_bytes());
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{referrer_digest}","size":{},"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}}]}}"#,
            referrer.len()
        );
        let tag = image.replacen(':', "-", 1);
        registry.put_manifest("team/bundled", Some(&tag), index.as_bytes());
        referrer_digest
    };
    let asked = policy(
        &public,
        &format!("[[signatures]]\nimages = [\"{host}/team/*\"]\nkeys = [\"cosign.pub\"]\n"),
    );
    let target = format!("docker://{host}/team/bundled:1");
    put_bundle(&manifest, &sign(&key, &manifest));
    assert_eq!(
        outcome(&scan(asked.path(), &target)),
        (
            0,
            vec![
                "PC43201 pass".to_owned(),
                "PC43202 pass".into(),
                NO_PROVENANCE.into()
            ]
        )
    );
    // The same bundle signing one byte more than the manifest: it signs
    // another digest (the tag now names the new index).
    let mut other = manifest.clone();
    other.push(b'\n');
    let referrer = put_bundle(&other, &sign(&key, &other));
    let (status, items) = outcome(&scan(asked.path(), &target));
    let via = format!(
        "the {} tag (the registry has no referrers API)",
        image.replacen(':', "-", 1)
    );
    assert_eq!(status, 1);
    assert_eq!(
        items[1],
        format!("PC43202 fail@{referrer}/layers/0: Sigstore bundle in {referrer} /layers/0 ({via}), checked with cosign.pub (ECDSA P-256), is not a valid signature of {image}: signs another digest: {}, not {image}", digest_of(&other))
    );
}

// ---------------------------------------------------------------- a fake registry with a referrers API

const MANIFEST: &str = "sha256:50582e1d982befb8cf7d61f700f143c0f1ac447569d96ab1996fcf4ba993f23f";

/// A blob of fixtures/images/oci-good-buildah by digest.
fn blob(digest: &str) -> Option<Vec<u8>> {
    let hex = digest.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    std::fs::read(fixtures().join("oci-good-buildah/blobs/sha256").join(hex)).ok()
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, one
/// answer each): `handler` maps a path to (status, content type, body).
/// Every request path is logged.
fn serve(
    handler: impl Fn(&str) -> (u16, &'static str, Vec<u8>) + Send + Sync + 'static,
) -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = log.clone();
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (handler, log) = (handler.clone(), log.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                // portcullis tries TLS first on loopback: close, as an HTTP-only server would.
                if reader.fill_buf().ok().and_then(|b| b.first().copied()) == Some(0x16) {
                    return;
                }
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split(' ').nth(1).unwrap_or("").to_owned();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                log.lock().expect("log").push(path.clone());
                let (code, content_type, body) = handler(&path);
                let mut stream = reader.into_inner();
                let head = format!(
                    "HTTP/1.1 {code} Status\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    (port, seen)
}

#[test]
fn a_referrers_index_of_10000_entries_is_bounded_work_with_a_clear_message() {
    if !have("openssl") {
        return;
    }
    // 10,000 referrers: 20 Notation signatures (whose manifests are not
    // there), then SBOMs. 256 are examined, 16 signature manifests fetched.
    let entries: Vec<String> = (0..10_000)
        .map(|i| {
            let kind = if i < 20 {
                "application/vnd.cncf.notary.signature"
            } else {
                "application/spdx+json"
            };
            format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{i:064x}","size":500,"artifactType":"{kind}"}}"#
            )
        })
        .collect();
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#,
        entries.join(",")
    );
    assert!(index.len() > 1_500_000);
    let (port, seen) = serve(move |path| {
        let oci = "application/vnd.oci.image.manifest.v1+json";
        match path {
            "/v2/" => (200, "application/json", b"{}".to_vec()),
            p if p == "/v2/app/manifests/1" || p == format!("/v2/app/manifests/{MANIFEST}") => {
                (200, oci, blob(MANIFEST).unwrap_or_default())
            }
            p if p == format!("/v2/app/referrers/{MANIFEST}") => (
                200,
                "application/vnd.oci.image.index.v1+json",
                index.clone().into_bytes(),
            ),
            p => match p.strip_prefix("/v2/app/blobs/").and_then(blob) {
                Some(body) => (200, "application/octet-stream", body),
                None => (404, "application/json", b"{\"errors\":[]}".to_vec()),
            },
        }
    });
    let keydir = tempfile::tempdir().expect("tempdir");
    let (_, public) = keys(keydir.path());
    let asked = policy(
        &public,
        &format!("[[signatures]]\nimages = [\"127.0.0.1:{port}/app\"]\nkeys = [\"cosign.pub\"]\n"),
    );
    let started = Instant::now();
    let (status, items) = outcome(&scan(
        asked.path(),
        &format!("docker://127.0.0.1:{port}/app:1"),
    ));
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(status, 1);
    let missing: String = (0..16)
        .map(|i| format!("; signature manifest sha256:{i:064x} could not be read: docker://127.0.0.1:{port}/app:1: manifest sha256:{i:064x} not found (404)"))
        .collect();
    assert_eq!(
        items,
        [
            format!("PC43201 fail@{MANIFEST}: no valid signature of {MANIFEST} by cosign.pub (ECDSA P-256): no signature of it could be read from the registry; the referrers index (the referrers API) lists 10000 entries: the first 256 were examined, 9744 were not; 20 of the referrers are signatures: the first 16 were fetched, 4 were not{missing}"),
            "PC43202 pass".to_owned(),
            NO_PROVENANCE.into(),
        ]
    );
    // Bounded: one request for the index, one per fetched signature manifest.
    let seen = seen.lock().expect("log").clone();
    let referrer_fetches = seen
        .iter()
        .filter(|p| p.starts_with("/v2/app/manifests/sha256:0000"))
        .count();
    assert_eq!(referrer_fetches, 16, "{seen:?}");
    assert_eq!(seen.iter().filter(|p| p.contains("/referrers/")).count(), 1);
}

#[test]
fn a_key_that_cannot_be_read_is_exit_2_at_its_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "[[signatures]]\nimages = [\"registry.acme.internal/**\"]\nkeys = [\"keys/missing.pub\"]\n",
    )
    .expect("policy");
    let archive = format!(
        "docker-archive:{}",
        fixtures().join("docker-classic.tar").display()
    );
    let o = scan_with(dir.path(), &archive, &["--output", "report.json"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}:3:9: cannot read keys/missing.pub: No such file or directory\n",
            dir.path().join("portcullis.toml").display()
        )
    );
    assert!(!dir.path().join("report.json").exists());
}
