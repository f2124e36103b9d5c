//! Where images come from (PC431xx, SUPPLY-CHAIN.md): the references a
//! subject names judged by [`crate::reference::assess_reference`]
//! (PC43101–PC43103), and build steps that switch verification off or run
//! a downloaded script unchecked (PC43104, PC43105), read with
//! [`crate::shell`]; an image's signatures and provenance (PC43201–PC43203),
//! as [`crate::signatures`] checked them.

pub mod insecure_transport;
pub mod latest_tag;
pub mod missing_provenance;
mod scripts;
pub mod tampered_signature;
pub mod unpinned;
pub mod unsigned_image;
pub mod untrusted_source;
pub mod unverified_script;

use crate::finding::Findings;
use crate::reference::{assess_reference, ReferenceVerdict};
use crate::subject::{ImageUse, ImageUseOrigin, Subject};

/// The subject kinds the reference rules judge: a manifest subject joins
/// by filling `Subject::image_uses`.
pub(crate) const REFERENCE_SUBJECTS: &[crate::SubjectKind] = &[
    crate::SubjectKind::Dockerfile,
    crate::SubjectKind::Image,
    crate::SubjectKind::Manifest,
];

/// Each image use with its verdict; references that cannot be judged (an
/// unresolved variable, not a valid reference) get a note when `notes`.
pub(crate) fn judged<'a>(
    subject: &'a Subject,
    out: &mut Findings,
    notes: bool,
) -> Vec<(&'a ImageUse, ReferenceVerdict)> {
    let mut judged = Vec::new();
    for u in &subject.image_uses {
        if !u.unresolved.is_empty() {
            if notes {
                out.note(
                    format!(
                        "{} `{}` depends on {} without a known value: its source, tag and digest are not checked (pass the value with --build-arg)",
                        u.origin.describe(),
                        if u.at.snippet.is_empty() { &u.reference } else { &u.at.snippet },
                        u.unresolved.join(", ")
                    ),
                    u.at.location.clone(),
                );
            }
            continue;
        }
        match assess_reference(&u.reference, subject.trusted_images.as_ref()) {
            Ok(v) => judged.push((u, v)),
            Err(why) => {
                if notes {
                    out.note(
                        format!(
                            "{} `{}` is not a valid image reference ({why}): its source, tag and digest are not checked",
                            u.origin.describe(),
                            u.reference
                        ),
                        u.at.location.clone(),
                    );
                }
            }
        }
    }
    judged
}

/// `FROM `nginx:1.27``, or for a declared base `the declared base image `…``.
pub(crate) fn named(u: &ImageUse) -> String {
    match u.origin {
        ImageUseOrigin::DeclaredBase => format!(
            "the declared base image `{}` ({})",
            u.reference,
            crate::subject::DeclaredBase::NAME
        ),
        origin => format!("{} `{}`", origin.describe(), u.reference),
    }
}

/// The image's own manifest, where PC43201 and PC43203 report.
pub(crate) fn image_manifest(digest: &str) -> crate::finding::Located {
    crate::finding::Located::new(crate::finding::Location::ImageManifest {
        digest: digest.to_owned(),
        pointer: String::new(),
    })
}
