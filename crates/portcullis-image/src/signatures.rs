//! What verifying an image's signatures and attestations needs, fetched in
//! one bounded step once the image's manifest digest is known: cosign's
//! `sha256-<hex>.sig` tag and the payload blobs its layers name, the OCI
//! 1.1 referrers (the referrers API, else the `sha256-<hex>` tag fallback)
//! and the one signature blob of each signature referrer, and the index the
//! image was picked from with its BuildKit attestation manifests and their
//! provenance statements. From a registry, or from an OCI layout that holds
//! them (the `.sig` manifest by its ref name, referrers by their `subject`).
//!
//! Nothing here verifies anything: the bytes are handed, as they came, to
//! `portcullis-signatures` (a blob that does not hash to its descriptor is
//! tampering there, not an error here). Every count and size is capped, and
//! what a cap or a failed fetch left out is said in [`SignatureMaterial::notes`]:
//! a fetch never fails the scan, a check that then finds no signature does.
//! The step runs only when the policy asks for signatures or attestations.

use std::collections::BTreeMap;

use portcullis_signatures::{attestations, cosign, limits, referrers};
use serde_json::Value;

use crate::source::{blob_name, ImageRef};
use crate::store::Store;

/// Signature referrers (Sigstore bundles, Notation signatures) whose
/// manifest and signature blob are fetched; the rest are counted.
pub const MAX_REFERRERS_FETCHED: usize = 16;
/// Attestation manifests of the image's index that are fetched.
pub const MAX_ATTESTATION_MANIFESTS: usize = 8;
/// Bytes of one signature payload, envelope or bundle.
pub const MAX_SIGNATURE_BLOB_BYTES: u64 = limits::MAX_PAYLOAD_BYTES as u64;
/// Bytes of one attestation statement (a provenance statement is small;
/// an SBOM may not be, and is not needed for PC43203).
pub const MAX_STATEMENT_BYTES: u64 = 16 << 20;
/// Bytes fetched for one image in all.
pub const MAX_MATERIAL_BYTES: u64 = 64 << 20;
/// Entries of an OCI layout's index.json examined for signatures.
pub const MAX_LAYOUT_ENTRIES: usize = limits::MAX_INDEX_ENTRIES;

const INDEX_MEDIA_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// What was found for one image, as plain data for the rules.
#[derive(Clone, Debug, Default)]
pub struct SignatureMaterial {
    /// The image's manifest digest, `sha256:<hex>`.
    pub image_digest: String,
    /// Where signatures were looked for: `registry` or `OCI layout`.
    pub source: &'static str,
    /// The digest of cosign's `.sig` signature manifest (its bytes are in
    /// `blobs`), when the tag exists.
    pub cosign_manifest: Option<String>,
    /// The referrers index and how it was found.
    pub referrers: Option<ReferrersIndex>,
    /// The index the image was picked from (its bytes), for BuildKit
    /// attestation manifests.
    pub index: Option<Vec<u8>>,
    /// Manifests and blobs by digest, as fetched (not verified).
    pub blobs: BTreeMap<String, Vec<u8>>,
    /// What was left out, and why: caps reached, fetches that failed.
    pub notes: Vec<String>,
    /// Bytes fetched so far, against [`MAX_MATERIAL_BYTES`].
    pub fetched: u64,
}

/// An OCI 1.1 referrers index (or one made of an OCI layout's manifests
/// whose `subject` is the image).
#[derive(Clone, Debug)]
pub struct ReferrersIndex {
    pub index: Vec<u8>,
    /// `the referrers API`, `the sha256-<hex> tag`, `the layout's manifests`.
    pub via: String,
}

impl portcullis_signatures::BlobSource for SignatureMaterial {
    fn blob(&self, digest: &str) -> Option<Vec<u8>> {
        self.blobs.get(digest).cloned()
    }
}

/// How one source hands out manifests and blobs by digest.
trait Fetch {
    fn manifest(&self, digest: &str) -> crate::Result<Vec<u8>>;
    fn blob(&self, digest: &str, cap: u64) -> crate::Result<Vec<u8>>;
}

struct StoreFetch<'a>(&'a Store);

impl Fetch for StoreFetch<'_> {
    fn manifest(&self, digest: &str) -> crate::Result<Vec<u8>> {
        let name = blob_name(digest)?;
        match self.0 {
            // A registry serves manifests under /manifests/, checked by digest.
            Store::Registry(_) => self.0.read_small(
                &format!("manifests/{}", name.trim_start_matches("blobs/")),
                crate::registry::MANIFEST_CAP,
            ),
            _ => self.0.read_small(&name, limits::MAX_MANIFEST_BYTES as u64),
        }
    }

    fn blob(&self, digest: &str, cap: u64) -> crate::Result<Vec<u8>> {
        self.0.read_small(&blob_name(digest)?, cap)
    }
}

impl ImageRef {
    /// Where this image's signatures can be looked for (`registry`, `OCI
    /// layout`), or why they cannot: a docker-archive keeps no manifest
    /// digest and no signatures.
    pub fn signature_source(&self) -> std::result::Result<&'static str, String> {
        if self.manifest_digest.is_none() {
            return Err(format!(
                "a {} has no manifest digest to sign, nor signatures: scan the image from its registry (docker://) or an OCI layout that holds its signatures",
                self.kind
            ));
        }
        match (&*self.store, self.kind) {
            (Store::Registry(_), _) => Ok("registry"),
            (_, "oci" | "oci-archive") => Ok("OCI layout"),
            _ => Err(format!(
                "a {} carries no signatures: scan the image from its registry (docker://) or an OCI layout that holds its signatures",
                self.kind
            )),
        }
    }

    /// Fetch what checking this image's signatures and attestations needs
    /// (see the module doc). `Err` only when the source cannot carry
    /// signatures at all ([`ImageRef::signature_source`]).
    pub fn signature_material(&self) -> std::result::Result<SignatureMaterial, String> {
        let source = self.signature_source()?;
        let digest = self.manifest_digest.clone().unwrap_or_default();
        let mut m = SignatureMaterial {
            image_digest: digest.clone(),
            source,
            ..SignatureMaterial::default()
        };
        let fetch = StoreFetch(&self.store);
        match &*self.store {
            Store::Registry(client) => registry_lookups(client, &digest, &mut m),
            store => layout_lookups(store, &digest, &mut m),
        }
        if let Some(cosign_digest) = m.cosign_manifest.clone() {
            cosign_payloads(&fetch, &cosign_digest, &mut m);
        }
        signature_referrers(&fetch, &digest, &mut m);
        match (&self.index_digest, &*self.store) {
            (Some(index), _) => {
                if let Some(bytes) = m.take(fetch.manifest(index), "the image's index", index) {
                    m.blobs.insert(index.clone(), bytes.clone());
                    m.index = Some(bytes);
                }
            }
            // Picked from a layout's index.json directly: that is its index.
            (None, Store::Dir(_) | Store::Tar(_)) => {
                m.index = self
                    .store
                    .read_small("index.json", limits::MAX_MANIFEST_BYTES as u64)
                    .ok();
            }
            (None, Store::Registry(_)) => {}
        }
        attestation_statements(&fetch, &digest, &mut m);
        Ok(m)
    }
}

impl SignatureMaterial {
    /// The value of a fetch, or a note saying what could not be read.
    fn take(&mut self, got: crate::Result<Vec<u8>>, what: &str, digest: &str) -> Option<Vec<u8>> {
        match got {
            Ok(bytes) => {
                self.fetched += bytes.len() as u64;
                Some(bytes)
            }
            Err(e) => {
                self.notes
                    .push(format!("{what} {digest} could not be read: {}", e.message));
                None
            }
        }
    }

    /// Whether the byte budget allows another fetch; a note the first time
    /// it does not.
    fn budget_left(&mut self) -> bool {
        if self.fetched < MAX_MATERIAL_BYTES {
            return true;
        }
        let note = format!(
            "more than {MAX_MATERIAL_BYTES} bytes of signatures and attestations: the rest were not fetched"
        );
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
        false
    }
}

fn fallback_tag(digest: &str) -> String {
    digest.replacen(':', "-", 1)
}

/// The `.sig` tag and the referrers (API, else the tag fallback).
fn registry_lookups(client: &crate::registry::Client, digest: &str, m: &mut SignatureMaterial) {
    match cosign::signature_tag(digest) {
        Ok(tag) => match client.manifest_if_tagged(&tag) {
            Ok(Some((bytes, sig_digest))) => {
                m.fetched += bytes.len() as u64;
                m.blobs.insert(sig_digest.clone(), bytes);
                m.cosign_manifest = Some(sig_digest);
            }
            Ok(None) => {}
            Err(e) => m.notes.push(format!(
                "cosign's signature tag {tag} could not be read: {}",
                e.message
            )),
        },
        Err(e) => m.notes.push(format!("no cosign signature tag: {e}")),
    }
    match client.referrers(digest) {
        Ok(Some(index)) => {
            m.fetched += index.len() as u64;
            m.referrers = Some(ReferrersIndex {
                index,
                via: "the referrers API".into(),
            });
        }
        Ok(None) => {
            let tag = fallback_tag(digest);
            match client.manifest_if_tagged(&tag) {
                Ok(Some((index, _))) => {
                    m.fetched += index.len() as u64;
                    m.referrers = Some(ReferrersIndex {
                        index,
                        via: format!("the {tag} tag (the registry has no referrers API)"),
                    });
                }
                Ok(None) => {}
                Err(e) => m.notes.push(format!(
                    "the referrers tag {tag} could not be read: {}",
                    e.message
                )),
            }
        }
        Err(e) => m.notes.push(format!(
            "the referrers API could not be read: {}",
            e.message
        )),
    }
}

/// In an OCI layout: the `.sig` manifest and the referrers tag by their
/// ref names in index.json, and the manifests whose `subject` is the
/// image, as the referrers API would list them.
fn layout_lookups(store: &Store, digest: &str, m: &mut SignatureMaterial) {
    let index = match store.read_small("index.json", limits::MAX_MANIFEST_BYTES as u64) {
        Ok(bytes) => bytes,
        Err(e) => {
            m.notes
                .push(format!("index.json could not be read: {}", e.message));
            return;
        }
    };
    let Some(entries) = serde_json::from_slice::<Value>(&index)
        .ok()
        .and_then(|v| v.get("manifests").and_then(Value::as_array).cloned())
    else {
        m.notes.push("index.json has no manifests array".into());
        return;
    };
    if entries.len() > MAX_LAYOUT_ENTRIES {
        m.notes.push(format!(
            "index.json lists {} manifests: the first {MAX_LAYOUT_ENTRIES} were examined for signatures, {} were not",
            entries.len(),
            entries.len() - MAX_LAYOUT_ENTRIES
        ));
    }
    let sig_tag = cosign::signature_tag(digest).unwrap_or_default();
    let referrers_tag = fallback_tag(digest);
    let fetch = StoreFetch(store);
    let mut referrers = Vec::new();
    let mut tagged_referrers = None;
    for entry in entries.iter().take(MAX_LAYOUT_ENTRIES) {
        let Some(entry_digest) = entry.get("digest").and_then(Value::as_str) else {
            continue;
        };
        if entry_digest == digest || blob_name(entry_digest).is_err() {
            continue;
        }
        let ref_name = entry
            .pointer("/annotations/org.opencontainers.image.ref.name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let tagged = |tag: &str| ref_name == tag || ref_name.ends_with(&format!(":{tag}"));
        if !sig_tag.is_empty() && tagged(&sig_tag) {
            if let Some(bytes) = m.take(
                fetch.manifest(entry_digest),
                "the cosign signature manifest",
                entry_digest,
            ) {
                m.blobs.insert(entry_digest.to_owned(), bytes);
                m.cosign_manifest = Some(entry_digest.to_owned());
            }
            continue;
        }
        if tagged(&referrers_tag) {
            tagged_referrers = Some(entry_digest.to_owned());
            continue;
        }
        let media_type = entry
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if INDEX_MEDIA_TYPES.contains(&media_type) {
            continue;
        }
        let Ok(bytes) = fetch.manifest(entry_digest) else {
            continue;
        };
        let Ok(manifest) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if manifest.pointer("/subject/digest").and_then(Value::as_str) != Some(digest) {
            continue;
        }
        let artifact_type = manifest
            .get("artifactType")
            .or_else(|| manifest.pointer("/config/mediaType"))
            .cloned()
            .unwrap_or(Value::Null);
        referrers.push(serde_json::json!({
            "mediaType": manifest.get("mediaType").cloned().unwrap_or(Value::Null),
            "digest": entry_digest,
            "size": bytes.len(),
            "artifactType": artifact_type,
        }));
        m.fetched += bytes.len() as u64;
        m.blobs.insert(entry_digest.to_owned(), bytes);
    }
    if let Some(tagged) = tagged_referrers.filter(|_| referrers.is_empty()) {
        if let Some(index) = m.take(fetch.manifest(&tagged), "the referrers index", &tagged) {
            m.referrers = Some(ReferrersIndex {
                index,
                via: format!("the {referrers_tag} tag"),
            });
        }
    } else if !referrers.is_empty() {
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": INDEX_MEDIA_TYPES[0],
            "manifests": referrers,
        });
        m.referrers = Some(ReferrersIndex {
            index: serde_json::to_vec(&index).unwrap_or_default(),
            via: "the layout's manifests whose subject is the image".into(),
        });
    }
}

/// The payload blobs the `.sig` manifest's layers name (capped as the
/// verifier caps them).
fn cosign_payloads(fetch: &dyn Fetch, manifest_digest: &str, m: &mut SignatureMaterial) {
    let Some(manifest) = m.blobs.get(manifest_digest) else {
        return;
    };
    let layers: Vec<String> = serde_json::from_slice::<Value>(manifest)
        .ok()
        .and_then(|v| v.get("layers").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .take(limits::MAX_SIGNATURE_LAYERS)
        .filter(|l| {
            l.get("mediaType").and_then(Value::as_str) == Some(cosign::SIMPLE_SIGNING_MEDIA_TYPE)
        })
        .filter_map(|l| l.get("digest").and_then(Value::as_str).map(str::to_owned))
        .collect();
    for digest in layers {
        if digest == manifest_digest || m.blobs.contains_key(&digest) || !m.budget_left() {
            continue;
        }
        if let Some(bytes) = m.take(
            fetch.blob(&digest, MAX_SIGNATURE_BLOB_BYTES),
            "signature payload",
            &digest,
        ) {
            m.blobs.insert(digest, bytes);
        }
    }
}

/// The manifest and signature blob of each signature referrer, up to
/// [`MAX_REFERRERS_FETCHED`].
fn signature_referrers(fetch: &dyn Fetch, digest: &str, m: &mut SignatureMaterial) {
    let Some(found) = &m.referrers else {
        return;
    };
    let parsed = match referrers::parse_referrers(&found.index, digest) {
        Ok(parsed) => parsed,
        // The verifier says so, with the same words.
        Err(_) => return,
    };
    let via = found.via.clone();
    let total = parsed.referrers.len() + parsed.skipped;
    if parsed.skipped > 0 {
        m.notes.push(format!(
            "the referrers index ({via}) lists {total} entries: the first {} were examined, {} were not",
            limits::MAX_INDEX_ENTRIES,
            parsed.skipped
        ));
    }
    let signatures: Vec<&referrers::Referrer> = parsed
        .referrers
        .iter()
        .filter(|r| r.kind != referrers::ReferrerKind::Other)
        .collect();
    if signatures.len() > MAX_REFERRERS_FETCHED {
        m.notes.push(format!(
            "{} of the referrers are signatures: the first {MAX_REFERRERS_FETCHED} were fetched, {} were not",
            signatures.len(),
            signatures.len() - MAX_REFERRERS_FETCHED
        ));
    }
    for referrer in signatures.into_iter().take(MAX_REFERRERS_FETCHED) {
        if !m.budget_left() {
            break;
        }
        let manifest = match m.blobs.get(&referrer.digest) {
            Some(bytes) => bytes.clone(),
            None => match m.take(
                fetch.manifest(&referrer.digest),
                "signature manifest",
                &referrer.digest,
            ) {
                Some(bytes) => {
                    m.blobs.insert(referrer.digest.clone(), bytes.clone());
                    bytes
                }
                None => continue,
            },
        };
        let layer = serde_json::from_slice::<Value>(&manifest)
            .ok()
            .and_then(|v| {
                v.pointer("/layers/0/digest")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        if let Some(layer) = layer.filter(|l| *l != referrer.digest && !m.blobs.contains_key(l)) {
            if let Some(bytes) = m.take(
                fetch.blob(&layer, MAX_SIGNATURE_BLOB_BYTES),
                "signature blob",
                &layer,
            ) {
                m.blobs.insert(layer, bytes);
            }
        }
    }
}

/// The attestation manifests the image's index names for it, and their
/// in-toto statements.
fn attestation_statements(fetch: &dyn Fetch, digest: &str, m: &mut SignatureMaterial) {
    let Some(index) = &m.index else {
        return;
    };
    let entries = serde_json::from_slice::<Value>(index)
        .ok()
        .and_then(|v| v.get("manifests").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let wanted: Vec<String> = entries
        .iter()
        .take(limits::MAX_INDEX_ENTRIES)
        .filter(|e| {
            let annotation =
                |name: &str| e.pointer(&format!("/annotations/{}", name.replace('/', "~1")));
            annotation(attestations::REFERENCE_TYPE).and_then(Value::as_str)
                == Some(attestations::ATTESTATION_MANIFEST)
                && annotation(attestations::REFERENCE_DIGEST).and_then(Value::as_str)
                    == Some(digest)
        })
        .filter_map(|e| e.get("digest").and_then(Value::as_str).map(str::to_owned))
        .filter(|d| d != digest)
        .collect();
    if wanted.len() > MAX_ATTESTATION_MANIFESTS {
        m.notes.push(format!(
            "the image's index names {} attestation manifests for it: the first {MAX_ATTESTATION_MANIFESTS} were fetched",
            wanted.len()
        ));
    }
    for manifest_digest in wanted.into_iter().take(MAX_ATTESTATION_MANIFESTS) {
        if !m.budget_left() {
            break;
        }
        let Some(manifest) = m.take(
            fetch.manifest(&manifest_digest),
            "attestation manifest",
            &manifest_digest,
        ) else {
            continue;
        };
        let layers: Vec<String> = serde_json::from_slice::<Value>(&manifest)
            .ok()
            .and_then(|v| v.get("layers").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .take(limits::MAX_ATTESTATION_LAYERS)
            .filter(|l| {
                // Only provenance: an SBOM can be large and PC43203 does not read it.
                let predicate = l
                    .pointer("/annotations/in-toto.io~1predicate-type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                attestations::PredicateKind::from_type(predicate).is_provenance()
            })
            .filter_map(|l| l.get("digest").and_then(Value::as_str).map(str::to_owned))
            .collect();
        m.blobs.insert(manifest_digest.clone(), manifest);
        for layer in layers {
            if layer == manifest_digest || m.blobs.contains_key(&layer) || !m.budget_left() {
                continue;
            }
            if let Some(bytes) = m.take(
                fetch.blob(&layer, MAX_STATEMENT_BYTES),
                "attestation statement",
                &layer,
            ) {
                m.blobs.insert(layer, bytes);
            }
        }
    }
}
