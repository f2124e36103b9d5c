//! Kubernetes manifests and Compose files, read with exact positions.
//!
//! Pure functions over bytes (no I/O): the CLI reads the files and passes
//! their bytes in. `yaml` turns text into positioned trees under hard
//! limits; `model` is what rules read, the same for both platforms.

pub mod compose;
pub mod kubernetes;
pub mod model;
pub mod pointer;
pub mod yaml;

pub use model::{Loc, Located, Platform, Workload};
pub use pointer::Pointer;
pub use yaml::{Document, Limits, Node, NodeKind, YamlError};

/// What a YAML file is, told by its content rather than its name: a
/// Kubernetes object has `apiVersion` and `kind` (or is a `List` of them);
/// a Compose file has `services` (or is an override with only `volumes`,
/// `networks`, … and no `apiVersion`). `None` for other YAML.
///
/// Only the first document that is a mapping is looked at, so a big stream
/// costs one document's parse (and a UTF-8 check).
pub fn detect(bytes: &[u8]) -> Option<Platform> {
    kubernetes::detect(bytes)
}
