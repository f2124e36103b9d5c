//! Caps on the work done for one image: what is looked at beyond them is
//! skipped and said so, never read.

/// Bytes of one manifest or index we parse (a referrers index of 10,000
/// entries is about 3 MB).
pub const MAX_MANIFEST_BYTES: usize = 4 << 20;
/// Entries of a referrers or image index we examine.
pub const MAX_INDEX_ENTRIES: usize = 256;
/// Signature layers of one cosign signature manifest.
pub const MAX_SIGNATURE_LAYERS: usize = 64;
/// Bytes of one payload, envelope or bundle.
pub const MAX_PAYLOAD_BYTES: usize = 1 << 20;
/// Bytes of one attestation statement (SBOMs are large).
pub const MAX_STATEMENT_BYTES: usize = 64 << 20;
/// Certificates in one chain.
pub const MAX_CHAIN_LENGTH: usize = 10;
/// Signatures in one DSSE envelope.
pub const MAX_DSSE_SIGNATURES: usize = 16;
/// Attestation layers of one attestation manifest.
pub const MAX_ATTESTATION_LAYERS: usize = 64;
