//! Whether an image's signatures are checked, and checking them: only for
//! an image a `[[signatures]]` entry of the policy file names, and only
//! then is anything fetched ([`portcullis_image::ImageRef::signature_material`]),
//! so scans whose policy asks nothing of signatures do no more work.

use std::sync::Arc;

use portcullis_rules::signatures::{self, SignaturePolicy, SignatureState};

/// What PC43201–PC43203 get for one loaded image. `image`: the reference
/// it was loaded from (`None` for a daemon image); `references`: the names
/// it goes by (a registry target's reference, an OCI layout's ref name).
pub(crate) fn state(
    policy: &SignaturePolicy,
    image: Option<&portcullis_image::ImageRef>,
    kind: &str,
    references: &[String],
) -> SignatureState {
    if policy.requirements.is_empty() {
        return SignatureState::default();
    }
    // An OCI layout's ref name is often a bare tag (`latest`): only a
    // whole reference names a repository.
    let names: Vec<(&String, String)> = references
        .iter()
        .filter(|r| !matches!(kind, "oci" | "oci-archive") || r.contains('/'))
        .filter_map(|r| {
            let parsed = portcullis_image::Reference::parse_name(r).ok()?;
            Some((r, format!("{}/{}", parsed.registry, parsed.repository)))
        })
        .collect();
    let Some((written, requirement)) = names
        .iter()
        .find_map(|(written, normalised)| Some((*written, policy.for_image(normalised)?)))
    else {
        let shown: Vec<String> = names.iter().map(|(_, n)| format!("`{n}`")).collect();
        return SignatureState::NotAsked(if shown.is_empty() {
            "the image has no repository name for the policy file's `[[signatures]]` images to match".into()
        } else {
            format!(
                "no `[[signatures]]` entry of the policy file names {}",
                shown.join(" or ")
            )
        });
    };
    let Some(image) = image else {
        return SignatureState::Unavailable(format!(
            "a {kind} image carries no signatures: scan it from its registry (docker://) or an OCI layout that holds its signatures"
        ));
    };
    match image.signature_material() {
        Err(why) => SignatureState::Unavailable(why),
        Ok(material) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            SignatureState::Checked(Arc::new(signatures::check(
                &material,
                requirement,
                Some(written),
                now,
            )))
        }
    }
}
