//! Kubernetes manifests and Compose files, read with exact positions.
//!
//! Pure functions over bytes (no I/O): the CLI reads the files and passes
//! their bytes in. `yaml` turns text into positioned trees under hard
//! limits; `model` is what rules read, the same for both platforms.

pub mod model;
pub mod pointer;
pub mod yaml;

pub use model::{Loc, Located, Platform, Workload};
pub use pointer::Pointer;
pub use yaml::{Document, Limits, Node, NodeKind, YamlError};
