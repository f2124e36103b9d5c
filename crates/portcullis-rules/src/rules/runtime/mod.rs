//! How containers are run (PC42xxx, RUNTIME.md): the Kubernetes Pod
//! Security Standards, one rule per control, plus the controls the standards
//! leave out (groups, read-only root, limits, service account tokens).
//!
//! The standards' semantics are those of the upstream admission library
//! (k8s.io/pod-security-admission, `policy/check_*.go`), for the Kubernetes
//! version the subject names: which version a check starts at, the
//! `hostUsers: false` exemptions (1.35), the Windows exemptions of the
//! restricted checks (1.25), the safe sysctls of each version. Compose
//! services are judged with Docker's defaults where they differ (an unset
//! seccomp profile is Docker's default profile, not Unconfined).
//! tests/pss.rs checks the rules against the library's own fixtures.

pub mod allow_privilege_escalation;
pub mod apparmor;
pub mod automount_token;
pub mod capabilities_baseline;
pub mod capabilities_restricted;
pub mod host_namespaces;
pub mod host_path;
pub mod host_ports;
pub mod host_probes;
pub mod host_process;
pub mod privileged;
pub mod proc_mount;
pub mod proc_mount_restricted;
pub mod published_all_interfaces;
pub mod read_only_root;
pub mod resources;
pub mod restricted_volumes;
pub mod root_groups;
pub mod run_as_non_root;
pub mod run_as_user;
pub mod seccomp_restricted;
pub mod seccomp_unconfined;
pub mod selinux;
pub mod sysctls;
pub mod will_not_start;

/// The rules that are the Pod Security Standards' baseline level (what
/// `profile = "pss-baseline"` selects).
pub const PSS_BASELINE: &[&str] = &[
    "PC42101", "PC42103", "PC42301", "PC42302", "PC42303", "PC42304", "PC42305", "PC42401",
    "PC42403", "PC42404", "PC42405", "PC42406",
];

/// The rules the restricted level adds to the baseline ones (`profile =
/// "pss-restricted"` selects both lists).
pub const PSS_RESTRICTED: &[&str] = &[
    "PC42102", "PC42104", "PC42201", "PC42202", "PC42402", "PC42407", "PC42408",
];

use portcullis_manifests::model::{Container, ContainerList, Loc, Platform, Workload};

use crate::finding::Located;
use crate::subject::{manifest_location, Subject};

/// The workloads of a manifest subject (none for other subjects).
pub(crate) fn workloads(subject: &Subject) -> &[Workload] {
    subject.workloads.as_deref().map_or(&[], Vec::as_slice)
}

/// A finding's location at `loc`.
pub(crate) fn here(loc: &Loc) -> Located {
    Located::new(manifest_location(loc))
}

/// Whether the subject's Kubernetes version is `version` or later.
pub(crate) fn since(subject: &Subject, version: (u32, u32)) -> bool {
    subject.kubernetes_version >= version
}

/// `spec.os.name: windows`: the restricted checks that mean nothing on
/// Windows skip such pods from 1.25.
pub(crate) fn windows_exempt(subject: &Subject, w: &Workload) -> bool {
    w.platform == Platform::Kubernetes
        && since(subject, (1, 25))
        && w.pod.os.as_ref().is_some_and(|os| os.value == "windows")
}

/// `hostUsers: false` (a user namespace): from 1.35 the standards relax
/// runAsNonRoot, runAsUser and baseline procMount for such pods.
pub(crate) fn user_namespace_exempt(subject: &Subject, w: &Workload) -> bool {
    w.platform == Platform::Kubernetes
        && since(subject, (1, 35))
        && w.pod.host_users.as_ref().is_some_and(|h| !h.value)
}

/// The workload, as messages name it: "Deployment `web`", "service `web`".
pub(crate) fn workload_name(w: &Workload) -> String {
    match w.platform {
        Platform::Compose => format!("service `{}`", w.name),
        Platform::Kubernetes => format!("{} `{}`", w.kind, w.name),
    }
}

/// The container, as messages name it: "container `app` of Deployment
/// `web`", "init container `setup` of …", "service `web`" (Compose).
pub(crate) fn container_name(w: &Workload, c: &Container) -> String {
    let list = match c.list {
        ContainerList::Service => return workload_name(w),
        ContainerList::Containers => "container",
        ContainerList::InitContainers => "init container",
        ContainerList::EphemeralContainers => "ephemeral container",
    };
    format!("{list} `{}` of {}", c.name, workload_name(w))
}

/// Where a missing container security setting should go: the container's
/// `securityContext`, else the container.
pub(crate) fn container_holder(c: &Container) -> &Loc {
    c.security.at.as_ref().unwrap_or(&c.at)
}

/// A capability as Docker reads `cap_add`/`cap_drop`: any case, with or
/// without `CAP_`. Kubernetes compares names exactly, as written.
pub(crate) fn capability(w: &Workload, name: &str) -> String {
    match w.platform {
        Platform::Kubernetes => name.to_owned(),
        Platform::Compose => {
            let upper = name.to_ascii_uppercase();
            upper
                .strip_prefix("CAP_")
                .map_or(upper.clone(), str::to_owned)
        }
    }
}

/// The field path of a container setting, as a message says it.
pub(crate) fn field(w: &Workload, kubernetes: &str, compose: &str) -> String {
    match w.platform {
        Platform::Kubernetes => format!("`{kubernetes}`"),
        Platform::Compose => format!("`{compose}`"),
    }
}
