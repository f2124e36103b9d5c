//! Subject from a loaded LXD image: a system container. There are no build
//! steps and no OCI runtime configuration (the image boots an init system),
//! so only the root filesystem is known: rules that read the filesystem
//! apply; those about the user, the healthcheck and build instructions do
//! not (see each rule's `applies_to`).

use std::sync::Arc;

use portcullis_image::lxd::LxdImage;

use super::*;

/// The subject of an LXD image. Locations in the root filesystem are
/// `Location::Layer` with index 0 and the image's LXD fingerprint (empty
/// when it was not computed).
pub fn from_lxd(image: LxdImage) -> Subject {
    let fingerprint = image.fingerprint.unwrap_or_default();
    let anchor = Located::new(Location::Layer {
        index: 0,
        digest: fingerprint.clone(),
        path: "/".into(),
        line: None,
        column: None,
    });
    let (skipped, found) = super::secrets::split_packaged(super::secrets::in_layers(
        std::slice::from_ref(&image.facts),
        std::slice::from_ref(&fingerprint),
        &image.fs,
        &[None],
        &[],
    ));
    let (packages, package_notes) =
        super::packages::in_layers(std::slice::from_ref(&image.facts), &image.fs).unzip();
    let binaries = super::binaries::in_layers(
        std::slice::from_ref(&image.facts),
        &image.fs,
        packages.as_ref(),
    );
    Subject {
        secrets_skipped: skipped,
        secrets: found,
        packages,
        package_notes: package_notes.unwrap_or_default(),
        binaries,
        image: Some(Arc::new(ImageFacts {
            diff_ids: vec![fingerprint],
            layer_history: vec![None],
            fs: image.fs,
            boundary: portcullis_image::history::Boundary::NoBase,
            declared_base: None,
        })),
        ..Subject::without_steps(SubjectKind::Lxd, anchor)
    }
}

/// The files whose contents the rules read in an LXD root filesystem.
pub fn lxd_wants(path: &[u8]) -> bool {
    path == b"etc/passwd" || crate::rules::ports::boot::wants(path)
}
