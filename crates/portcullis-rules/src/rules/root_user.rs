use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Arg, Setting, Subject, SubjectKind};
use portcullis_dockerfile::Why;
use portcullis_image::layer::CONTENT_CAP;
use portcullis_image::EntryKind;

pub static RULE: Rule = Rule {
    code: "SQ40101",
    name: "root-user",
    title: "Image is configured to run as root",
    category: Category::ContainerSecurity,
    severity: Severity::Medium,
    remediation: "Create an unprivileged user and switch to it with `USER <name or uid>` in the final stage, after the steps that need root.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "The user the container's processes start as is an administrator: an empty user, `root`, UID `0` (with any group, as in `root:staff` or `0:0`), or `ContainerAdministrator` on Windows. In a Dockerfile this is the last `USER` of the final stage, following `FROM <stage>` chains; with no `USER` at all the user comes from the base image (root for `scratch`, and for most public bases). `USER` in a builder stage that is not the final one does not count. Variables in `USER` are expanded from their `ARG`/`ENV` defaults. In an image, the config's `User` (an empty user is root; a name is looked up in the image's `/etc/passwd`, so a name with UID 0 is root too), related to the history entry of the last `USER`.",
        why: "A process running as root inside a container is root on the container's filesystem and, through any kernel or runtime escape, much closer to root on the host. Most applications need no privilege at runtime, so running them as root only widens what an attacker gets from a bug in them.",
        fix: "Create a dedicated user (or use a numeric UID that owns nothing) and add `USER` to the final stage after the steps that need root, such as package installation. Prefer a numeric UID so Kubernetes `runAsNonRoot` can verify it.",
        bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\nCOPY app /usr/local/bin/app\nCMD [\"app\"]\n",
        good: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\\n && useradd --uid 10001 --no-create-home app\nCOPY app /usr/local/bin/app\nUSER 10001\nCMD [\"app\"]\n",
    },
    check,
};

/// Whether a `USER` value (`user[:group]`) names an administrator. A
/// numeric user is read as runc reads it (Go's `strconv.Atoi`: a sign is
/// allowed, so `-0`, `+0` and `000` are all UID 0).
pub(crate) fn is_root(user_spec: &str) -> bool {
    let user = user_spec.split(':').next().unwrap_or("");
    user.is_empty()
        || user == "root"
        || user.parse::<i64>() == Ok(0)
        || user.eq_ignore_ascii_case("ContainerAdministrator")
}

fn check(subject: &Subject, out: &mut Findings) {
    if subject.kind == SubjectKind::Image {
        return check_image(subject, out);
    }
    let rt = &subject.runtime;
    match &rt.user {
        Setting::Set { value, .. } => {
            if !is_root(&value.text) {
                return;
            }
            out.report(message(value), value.at.clone());
        }
        Setting::NotSet => out.report(
            "no USER instruction, and the final stage is built from scratch: the container runs as root",
            rt.anchor.clone(),
        ),
        Setting::Inherited { base } => out.report(
            format!(
                "no USER instruction: the user of base image `{base}` applies, and most base images run as root"
            ),
            rt.anchor.clone(),
        ),
    }
}

fn message(value: &Arg) -> String {
    let user = value.text.split(':').next().unwrap_or("");
    if let Some(u) = value.unresolved.first() {
        let empty = if value.text.is_empty() {
            "the user is empty, which means root".to_owned()
        } else {
            format!("the user is `{}`, which is root", value.text)
        };
        let name = &u.name;
        return match u.why {
            Why::NoDefault => format!(
                "USER {} runs as root unless a build argument sets {}: it has no default value, so {empty}",
                value.raw,
                value.unresolved.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", "),
            ),
            Why::GlobalNotRedeclared => format!(
                "USER {} expands to an empty user, which means root: {name} is declared before FROM but not redeclared with `ARG {name}` in this stage",
                value.raw
            ),
            Why::Undeclared => format!(
                "USER {} expands to an empty user, which means root: no ARG or ENV in this stage sets {name}",
                value.raw
            ),
        };
    }
    if user.eq_ignore_ascii_case("ContainerAdministrator") {
        return format!("the container runs as `{user}`, which is an administrator");
    }
    if value.text.is_empty() {
        return "the user is empty, which means root".to_owned();
    }
    if value.text != value.raw {
        return format!(
            "USER {} expands to `{}`, which is root",
            value.raw, value.text
        );
    }
    if user == "root" {
        format!("the container runs as root (USER {})", value.raw)
    } else {
        format!(
            "the container runs as UID 0, which is root (USER {})",
            value.raw
        )
    }
}

/// What the image's `/etc/passwd` says of a user name.
pub(crate) enum PasswdUid {
    Uid(u64),
    NotListed,
    /// Why it cannot be read, and where it is (if it exists).
    Unreadable(String, Option<crate::Location>),
}

pub(crate) fn passwd_uid(subject: &Subject, name: &str) -> PasswdUid {
    let Some(image) = subject.image.as_ref() else {
        return PasswdUid::NotListed;
    };
    let path = &b"etc/passwd"[..];
    let Some(file) = image.fs.get(path) else {
        return PasswdUid::Unreadable("the image has no /etc/passwd".into(), None);
    };
    let at = Some(crate::Location::Layer {
        index: file.layer,
        digest: image.diff_ids.get(file.layer).cloned().unwrap_or_default(),
        path: "/etc/passwd".into(),
        line: None,
        column: None,
    });
    let Some(passwd) = image.fs.contents.get(path) else {
        let e = &file.entry;
        let why = match (e.kind, &e.link) {
            (EntryKind::Symlink, Some(to)) => format!(
                "/etc/passwd is a symbolic link (to {}), which portcullis does not follow",
                String::from_utf8_lossy(to)
            ),
            (EntryKind::File | EntryKind::HardLink, _) if e.size > CONTENT_CAP => format!(
                "/etc/passwd is {} bytes, more than the {CONTENT_CAP} bytes portcullis reads",
                e.size
            ),
            _ => "/etc/passwd is not a regular file".into(),
        };
        return PasswdUid::Unreadable(why, at);
    };
    String::from_utf8_lossy(passwd)
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            (fields.next()? == name).then_some(())?;
            fields.nth(1)?.trim().parse().ok()
        })
        .map_or(PasswdUid::NotListed, PasswdUid::Uid)
}

/// Whether an image subject's config user is root: by name, by UID, or
/// by a name's UID in the image's `/etc/passwd` (an unset user is root);
/// `None` when `/etc/passwd` cannot tell.
pub(crate) fn image_user_is_root(subject: &Subject) -> Option<bool> {
    let Setting::Set { value, .. } = &subject.runtime.user else {
        return Some(true);
    };
    if is_root(&value.text) {
        return Some(true);
    }
    let user = value.text.split(':').next().unwrap_or("");
    if user.parse::<i64>().is_ok() {
        return Some(false);
    }
    match passwd_uid(subject, user) {
        PasswdUid::Uid(uid) => Some(uid == 0),
        PasswdUid::NotListed | PasswdUid::Unreadable(..) => None,
    }
}

fn check_image(subject: &Subject, out: &mut Findings) {
    let rt = &subject.runtime;
    let user_at = || {
        crate::Located::new(crate::Location::Config {
            pointer: "/config/User".into(),
        })
    };
    match &rt.user {
        Setting::Set { value, step } => {
            let user = value.text.split(':').next().unwrap_or("");
            let message = if is_root(&value.text) {
                if user.eq_ignore_ascii_case("ContainerAdministrator") {
                    format!("the config user is `{user}`, which is an administrator")
                } else {
                    format!("the config user is `{}`, which is root", value.text)
                }
            } else if user.parse::<i64>().is_ok() {
                return;
            } else {
                match passwd_uid(subject, user) {
                    PasswdUid::Uid(0) => format!(
                        "the config user `{user}` has UID 0 in the image's /etc/passwd: it is root"
                    ),
                    PasswdUid::Uid(_) => return,
                    PasswdUid::NotListed => {
                        out.note(
                            format!("the config user `{user}` is not in the image's /etc/passwd: the container will not start as that user"),
                            value.at.location.clone(),
                        );
                        return;
                    }
                    PasswdUid::Unreadable(why, at) => {
                        out.note(
                            format!("cannot tell whether the config user `{user}` is root: {why}"),
                            at.unwrap_or_else(|| value.at.location.clone()),
                        );
                        return;
                    }
                }
            };
            let related = step
                .and_then(|i| subject.steps.get(i))
                .map(|s| s.at.location.clone());
            out.report_related(message, value.at.clone(), related.into_iter().collect());
        }
        _ => out.report(
            "the image config sets no user: the container runs as root",
            user_at(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn numeric_users_are_read_as_runc_reads_them() {
        for root in ["0", "-0", "+0", "000", "0:0", "root", "", ":1"] {
            assert!(is_root(root), "{root:?}");
        }
        for other in ["1", "-1", "10001:0", "app", "0x0", "zero"] {
            assert!(!is_root(other), "{other:?}");
        }
    }
}
