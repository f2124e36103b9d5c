//! Where a subject names an image it is built from or copies from: the list
//! PC43101–PC43103 iterate. A Dockerfile fills it from `FROM`, `COPY
//! --from` and `RUN --mount=from=`; an image from its declared base; a
//! manifest subject (Kubernetes, Compose) only has to fill it from its
//! `image:` fields.

use super::*;

/// Which kind of place named the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageUseOrigin {
    /// A Dockerfile `FROM` (after ARG expansion).
    From,
    /// `COPY --from=<image>`.
    CopyFrom,
    /// `RUN --mount=…,from=<image>`.
    MountFrom,
    /// An image's `org.opencontainers.image.base.*` labels.
    DeclaredBase,
    /// A Kubernetes or Compose `image:` field.
    Manifest,
}

impl ImageUseOrigin {
    /// How messages name the place: "FROM", "COPY --from", ….
    pub fn describe(self) -> &'static str {
        match self {
            ImageUseOrigin::From => "FROM",
            ImageUseOrigin::CopyFrom => "COPY --from",
            ImageUseOrigin::MountFrom => "RUN --mount from",
            ImageUseOrigin::DeclaredBase => "the declared base image",
            ImageUseOrigin::Manifest => "image",
        }
    }
}

/// One image a subject names.
#[derive(Clone, Debug)]
pub struct ImageUse {
    /// The reference as the build sees it (variables expanded).
    pub reference: String,
    /// Where it is written: the word, the flag value's sub-range, the config
    /// label's pointer.
    pub at: Located,
    pub origin: ImageUseOrigin,
    /// Variables without a known value the reference depends on, named
    /// (`BASE (an ARG without a default)`): such a reference is not judged,
    /// a note says so.
    pub unresolved: Vec<String>,
}

/// The images a Dockerfile names: every `FROM` that is not a stage or
/// `scratch`, `COPY --from` and `RUN --mount=from=` that name no stage.
pub(super) fn in_dockerfile(subject: &Subject) -> Vec<ImageUse> {
    let is_stage = |name: &str| {
        let lower = name.to_ascii_lowercase();
        lower == "scratch"
            || subject
                .stages
                .iter()
                .any(|s| s.name.as_deref() == Some(lower.as_str()))
            || lower
                .parse::<usize>()
                .is_ok_and(|i| i < subject.stages.len())
    };
    let unresolved = |arg: &Arg| -> Vec<String> {
        arg.unresolved
            .iter()
            .map(|u| {
                use portcullis_dockerfile::Why;
                let why = match u.why {
                    Why::NoDefault => "an ARG without a default",
                    Why::Undeclared => "not declared by any ARG or ENV",
                    Why::GlobalNotRedeclared => {
                        "declared before the first FROM but not re-declared in the stage"
                    }
                };
                format!("`{}` ({why})", u.name)
            })
            .collect()
    };
    let mut uses = Vec::new();
    for step in &subject.steps {
        match &step.op {
            Op::From { image } => {
                if matches!(
                    subject.stages.get(step.stage).map(|s| &s.base),
                    Some(StageBase::Image(_))
                ) {
                    uses.push(ImageUse {
                        reference: image.text.clone(),
                        at: image.at.clone(),
                        origin: ImageUseOrigin::From,
                        unresolved: unresolved(image),
                    });
                }
            }
            Op::Copy { .. } => {
                if let Some(from) = step.flag("from").filter(|f| !is_stage(&f.text)) {
                    uses.push(ImageUse {
                        reference: from.text.clone(),
                        at: from.at.clone(),
                        origin: ImageUseOrigin::CopyFrom,
                        unresolved: unresolved(from),
                    });
                }
            }
            Op::Run { .. } => {
                for (_, mount) in step.flags.iter().filter(|(n, _)| n == "mount") {
                    let Some(from) = csv_value(&mount.text, "from") else {
                        continue;
                    };
                    if is_stage(from) {
                        continue;
                    }
                    // The value's place in the flag as written, when the raw
                    // text has the same `from=` (no variable in it).
                    let at = match csv_range(&mount.raw, "from") {
                        Some((start, end)) if mount.raw[start..end] == *from => {
                            subject.locate(mount, start, end)
                        }
                        _ => mount.at.clone(),
                    };
                    uses.push(ImageUse {
                        reference: from.to_owned(),
                        at,
                        origin: ImageUseOrigin::MountFrom,
                        unresolved: unresolved(mount),
                    });
                }
            }
            _ => {}
        }
    }
    uses
}

/// `from` in `type=bind,from=img,target=/x`.
fn csv_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    csv_range(text, key).map(|(s, e)| &text[s..e])
}

/// The byte range of `key`'s value in a comma-separated `key=value` list
/// (keys case-insensitive, as BuildKit reads them).
fn csv_range(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    for part in text.split(',') {
        if let Some((k, v)) = part.split_once('=') {
            if k.trim().eq_ignore_ascii_case(key) {
                let start = at + k.len() + 1;
                let trimmed = v.trim_matches(['"', '\'']);
                let offset = v.find(trimmed).unwrap_or(0);
                return Some((start + offset, start + offset + trimmed.len()));
            }
        }
        at += part.len() + 1;
    }
    None
}

/// An image's declared base (`org.opencontainers.image.base.name`, with
/// `.digest` when set), located at the name label.
pub(super) fn of_declared_base(declared: Option<&DeclaredBase>) -> Vec<ImageUse> {
    let Some(DeclaredBase {
        name: Some(name),
        digest,
    }) = declared
    else {
        // A digest alone names no registry or repository to judge.
        return Vec::new();
    };
    let reference = match digest {
        Some(d) if !name.contains('@') => format!("{name}@{d}"),
        _ => name.clone(),
    };
    vec![ImageUse {
        reference,
        at: Located::new(Location::Config {
            pointer: format!("/config/Labels/{}", DeclaredBase::NAME),
        }),
        origin: ImageUseOrigin::DeclaredBase,
        unresolved: Vec::new(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_from_values() {
        let text = "type=bind,from=alpine:3.20,source=/x,target=/y";
        assert_eq!(csv_value(text, "from"), Some("alpine:3.20"));
        assert_eq!(csv_value("type=cache,target=/c", "from"), None);
        assert_eq!(csv_value("FROM=\"img\"", "from"), Some("img"));
    }
}
