//! A manifest and the images it runs, judged together (`--images`;
//! RUNTIME.md, "The manifest and the image together"). The manifest's
//! rules read a [`RunImage`] of each image it names (the image's user, for
//! the effective user and for whether the kubelet will start the
//! container); an image's own findings that the way every container runs
//! it makes moot are suppressed `by: "manifest"`, with the manifest's
//! place in the reason ([`judge_image`]).

use std::collections::BTreeMap;

use portcullis_manifests::model::Container;
use portcullis_manifests::{Platform, Workload};

use crate::finding::Suppressed;
use crate::registry::{Outcome, Rule};
use crate::rules::runtime::container_name;
use crate::subject::{manifest_location, Setting, Subject};
use crate::util::parse_config_port_key;
use crate::Location;

/// What the manifest's verdict needs of one image it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunImage {
    /// What was scanned for the reference, as the image's report names it.
    pub target: String,
    /// The config's `User` as written; `None` when unset (root).
    pub user: Option<String>,
    /// Whether that user is root (by name, by UID, or by the image's
    /// `/etc/passwd`); `None`: a name `/etc/passwd` cannot tell.
    pub root: Option<bool>,
    /// The config's `ExposedPorts` keys (`22/tcp`).
    pub exposed: Vec<String>,
}

/// The images of a manifest subject, by the reference as the manifest
/// writes it (`image:`).
pub type RunImages = BTreeMap<String, RunImage>;

impl RunImage {
    /// The facts of an image subject, scanned as `target`.
    pub fn of(subject: &Subject, target: &str) -> RunImage {
        let user = match &subject.runtime.user {
            Setting::Set { value, .. } => Some(value.text.clone()),
            Setting::NotSet | Setting::Inherited { .. } => None,
        };
        RunImage {
            target: target.to_owned(),
            root: crate::rules::root_user::image_user_is_root(subject),
            user,
            exposed: subject
                .runtime
                .exposed
                .iter()
                .map(|(port, _)| port.text.clone())
                .collect(),
        }
    }

    /// The UID the kubelet sees for the image, as containerd's CRI gives
    /// it: the user before any `:`, read as a base-10 integer; an unset or
    /// empty user is root (0). `None`: a name, which the kubelet cannot
    /// check against `runAsNonRoot`.
    pub fn kubelet_uid(&self) -> Option<i64> {
        let user = self.user.as_deref().unwrap_or("");
        let user = user.split(':').next().unwrap_or("");
        if user.is_empty() {
            return Some(0);
        }
        user.parse().ok()
    }

    /// The image's user, as a message names it: "no USER", "USER `app`",
    /// "USER `admin`, UID 0 in its /etc/passwd".
    pub fn user_detail(&self) -> String {
        match self.user.as_deref() {
            None | Some("") => "no USER".to_owned(),
            Some(user) => {
                let name = user.split(':').next().unwrap_or("");
                let named = name.parse::<i64>().is_err() && name != "root";
                if named && self.root == Some(true) {
                    format!("USER `{user}`, UID 0 in its /etc/passwd")
                } else {
                    format!("USER `{user}`")
                }
            }
        }
    }
}

/// A container that runs an image.
#[derive(Clone, Copy)]
pub struct RunBy<'a> {
    pub workload: &'a Workload,
    pub container: &'a Container,
}

/// Every container of `workloads` whose `image:` is `reference`.
pub fn runs_of<'a>(workloads: &'a [Workload], reference: &str) -> Vec<RunBy<'a>> {
    workloads
        .iter()
        .flat_map(|w| w.containers.iter().map(move |c| (w, c)))
        .filter(|(_, c)| c.image.as_ref().is_some_and(|i| i.value == reference))
        .map(|(workload, container)| RunBy {
            workload,
            container,
        })
        .collect()
}

/// The notes of an image's report that say which containers run it, at
/// their `image:`.
pub fn run_notes(runs: &[RunBy]) -> Vec<crate::finding::Note> {
    runs.iter()
        .filter_map(|run| {
            let image = run.container.image.as_ref()?;
            Some(crate::finding::Note {
                rule: "images".into(),
                message: format!(
                    "run by {}, judged with its settings",
                    container_name(run.workload, run.container)
                ),
                location: manifest_location(&image.at),
            })
        })
        .collect()
}

/// The suppression of image findings the containers in `runs` make moot:
/// a root `USER` (SQ40101) every one of them overrides with a non-root
/// user, and an exposed port (SQ40103–SQ40108) none of them publishes.
/// `image` is the image's subject (its /etc/passwd names users).
pub fn judge_image(outcomes: &mut [(&'static Rule, Outcome)], runs: &[RunBy], image: &Subject) {
    if runs.is_empty() {
        return;
    }
    for (rule, outcome) in outcomes.iter_mut() {
        let Outcome::Checked { findings, .. } = outcome else {
            continue;
        };
        for finding in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            finding.suppressed = match rule.code {
                "SQ40101" => user_overridden(runs, image),
                "SQ40103" | "SQ40104" | "SQ40105" | "SQ40106" | "SQ40107" | "SQ40108" => {
                    unpublished(&finding.location, runs)
                }
                _ => None,
            };
        }
    }
}

/// Suppressed when every container sets a non-root user of its own (a
/// Compose user name counts when the image's /etc/passwd gives it a
/// non-zero UID).
fn user_overridden(runs: &[RunBy], image: &Subject) -> Option<Suppressed> {
    let mut by = Vec::with_capacity(runs.len());
    for run in runs {
        let (w, c) = (run.workload, run.container);
        let (setting, at) = match w.platform {
            Platform::Kubernetes => {
                let uid = w.run_as_user(c).filter(|u| u.value != 0)?;
                (format!("`runAsUser: {}`", uid.value), &uid.at)
            }
            Platform::Compose => {
                let user = c.user.as_ref()?;
                if !non_root_user(&user.value, image) {
                    return None;
                }
                (format!("`user: {}`", user.value), &user.at)
            }
        };
        by.push(format!(
            "{} ({setting}, {})",
            container_name(w, c),
            at.place()
        ));
    }
    Some(Suppressed {
        by: "manifest",
        reason: format!(
            "every container that runs the image sets a non-root user: {}",
            by.join("; ")
        ),
    })
}

/// Whether a Compose `user` (`name[:group]`, `uid[:gid]`) is known not to
/// be root: a non-zero UID, or a name the image's /etc/passwd gives one.
fn non_root_user(user: &str, image: &Subject) -> bool {
    use crate::rules::root_user::{is_root, passwd_uid, PasswdUid};
    if is_root(user) {
        return false;
    }
    let name = user.split(':').next().unwrap_or("");
    if name.parse::<i64>().is_ok() {
        return true;
    }
    matches!(passwd_uid(image, name), PasswdUid::Uid(uid) if uid != 0)
}

/// Suppressed when `location` is an `ExposedPorts` key that no container
/// lists in its `ports`; never when one of them shares the host's network
/// (every port it listens on is then on the host).
fn unpublished(location: &Location, runs: &[RunBy]) -> Option<Suppressed> {
    let Location::Config { pointer } = location else {
        return None;
    };
    if runs.iter().any(|run| {
        run.workload
            .pod
            .host_network
            .as_ref()
            .is_some_and(|h| h.value)
    }) {
        return None;
    }
    let key = pointer
        .strip_prefix("/config/ExposedPorts/")?
        .replace("~1", "/")
        .replace("~0", "~");
    let range = parse_config_port_key(&key)?;
    let published = runs.iter().any(|run| {
        run.container.ports.iter().any(|port| {
            let protocol = port
                .protocol
                .as_ref()
                .map_or("tcp".to_owned(), |p| p.value.to_ascii_lowercase());
            port.container_port
                .as_ref()
                .and_then(|p| u16::try_from(p.value).ok())
                .is_some_and(|p| range.contains(p, &protocol))
        })
    });
    if published {
        return None;
    }
    let names: Vec<String> = runs
        .iter()
        .map(|run| container_name(run.workload, run.container))
        .collect();
    let how = match runs.first().map(|run| run.workload.platform) {
        Some(Platform::Compose) => "publishes it in `ports`",
        _ => "lists it in `ports`",
    };
    Some(Suppressed {
        by: "manifest",
        reason: format!(
            "{key} is not published: no container that runs the image ({}) {how}",
            names.join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::RunImage;

    fn image(user: Option<&str>) -> RunImage {
        RunImage {
            target: "t".into(),
            user: user.map(str::to_owned),
            root: None,
            exposed: Vec::new(),
        }
    }

    /// As containerd's CRI reports the image user to the kubelet
    /// (getUserFromImage: the part before `:`, strconv.ParseInt base 10),
    /// and the kubelet's "treat it as root" when it gives neither.
    #[test]
    fn the_kubelet_sees_a_uid_or_a_name() {
        for (user, uid) in [
            (None, Some(0)),
            (Some(""), Some(0)),
            (Some(":1000"), Some(0)),
            (Some("0"), Some(0)),
            (Some("0:0"), Some(0)),
            (Some("10001"), Some(10001)),
            (Some("10001:10001"), Some(10001)),
            (Some("+5"), Some(5)),
            (Some("root"), None),
            (Some("app"), None),
            (Some("app:1000"), None),
            (Some("0x10"), None),
        ] {
            assert_eq!(image(user).kubelet_uid(), uid, "{user:?}");
        }
    }
}
