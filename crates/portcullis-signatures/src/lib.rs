//! Offline verification of container image signatures and attestations.
//!
//! Pure functions over bytes: no network, no files, no images. The caller
//! (the registry or OCI-layout side) fetches manifests and blobs and hands
//! them in, with a lookup of blob bytes by digest where a format needs one.
//!
//! - [`cosign`]: the legacy `.sig` storage, simple-signing payloads, ECDSA.
//! - [`bundle`]: Sigstore bundles (v0.1–v0.3), DSSE and message signatures.
//! - [`keyless`]: keyless bundles against a Sigstore trusted root.
//! - [`notation`]: Notation JWS envelopes with an x509 chain.
//! - [`attestations`]: BuildKit attestation manifests in an OCI index.
//! - [`referrers`]: an OCI 1.1 referrers index, sorted by kind, capped.
//!
//! Every check ends in a [`Verdict`]; malformed input is a verdict, never a
//! panic, and every loop is bounded by the caps in [`limits`].

pub mod attestations;
pub mod bundle;
pub mod cosign;
mod digest;
pub mod dsse;
mod encoding;
pub mod keyless;
pub mod keys;
pub mod limits;
pub mod notation;
pub mod referrers;
mod time;
mod verdict;
pub mod x509;

pub use digest::{sha256_digest, Digest};
pub use keys::PublicKey;
pub use verdict::Verdict;
pub use x509::TrustStore;

/// A lookup of blob bytes by digest (`sha256:<hex>`), as the caller stores
/// them. Returning `None` means "not present".
pub trait BlobSource {
    fn blob(&self, digest: &str) -> Option<Vec<u8>>;
}

impl<F> BlobSource for F
where
    F: Fn(&str) -> Option<Vec<u8>>,
{
    fn blob(&self, digest: &str) -> Option<Vec<u8>> {
        self(digest)
    }
}
