//! A Kubernetes manifest stream or a Compose project as a subject: its
//! workloads, which the runtime rules (PC42xxx) read.

use std::sync::Arc;

use portcullis_manifests::Workload;

use super::{Subject, SubjectKind};
use crate::finding::{Located, Location};

/// The subject of a manifest file (or project) at `path`.
pub fn from_workloads(path: &str, workloads: Vec<Workload>) -> Subject {
    let anchor = Located::new(Location::Manifest {
        path: path.to_owned(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        document: 0,
        pointer: String::new(),
    });
    // Every container's `image:`, for the image-reference rules (PC43101–PC43103).
    let image_uses = workloads
        .iter()
        .flat_map(|w| &w.containers)
        .filter_map(|c| c.image.as_ref())
        .map(|image| super::ImageUse {
            reference: image.value.clone(),
            at: Located::new(location(&image.at)),
            origin: super::ImageUseOrigin::Manifest,
            unresolved: Vec::new(),
        })
        .collect();
    Subject {
        workloads: Some(Arc::new(workloads)),
        image_uses,
        ..Subject::without_steps(SubjectKind::Manifest, anchor)
    }
}

/// Where a manifest value is, as reports name it.
pub fn location(at: &portcullis_manifests::Loc) -> Location {
    Location::Manifest {
        path: at.path.to_string(),
        line: at.span.start.line as usize,
        column: at.span.start.column as usize,
        end_line: at.span.end.line as usize,
        end_column: at.span.end.column as usize,
        document: at.document,
        pointer: at.pointer.to_string(),
    }
}
