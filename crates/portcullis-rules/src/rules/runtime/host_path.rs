use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::model::VolumeSource;
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42303",
    name: "host-path-volume",
    title: "A pod mounts a path of the host",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Replace the `hostPath` volume with an `emptyDir`, a ConfigMap or Secret, or a PersistentVolumeClaim; never mount the container runtime's socket.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A `hostPath` volume in a pod spec (the Pod Security Standards' baseline `hostPathVolumes` check). Compose: a bind mount of a sensitive host path: a container runtime socket, `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/run`, `/var/run`, `/var/lib/docker`, `/var/lib/kubelet`, `/root`, `/boot` (binding the project's own files, `./src:/app`, is Compose's ordinary use and not reported). The worst are named: the container runtime sockets (`/var/run/docker.sock`, `/run/containerd/containerd.sock`, `/var/run/crio/crio.sock`, and the directories that hold them), which give control of every container of the node, and `/`, `/etc`, `/proc`.",
        why: "A host path gives the container the node's files: read access leaks other workloads' secrets and the kubelet's credentials, write access is code execution on the node. The runtime socket is root on the node in one API call (start a privileged container).",
        fix: "Use a volume type that is the pod's own (`emptyDir`, `configMap`, `secret`, `persistentVolumeClaim`). Node agents that must read the host belong in a namespace whose policy exempts them, mounted read-only and as narrowly as possible.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ci-runner\nspec:\n  containers:\n    - name: runner\n      image: registry.example/runner:16.2.0\n      volumeMounts:\n        - name: docker\n          mountPath: /var/run/docker.sock\n  volumes:\n    - name: docker\n      hostPath:\n        path: /var/run/docker.sock\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ci-runner\nspec:\n  containers:\n    - name: runner\n      image: registry.example/runner:16.2.0\n      volumeMounts:\n        - name: work\n          mountPath: /builds\n  volumes:\n    - name: work\n      emptyDir: {}\n",
    },
    check,
};

/// Why a host path is among the worst, if it is.
fn worst(path: &str) -> Option<&'static str> {
    let trimmed = path.trim_end_matches('/');
    Some(match trimmed {
        "/var/run/docker.sock" | "/run/docker.sock" => {
            "the Docker socket: control of every container of the host, root on it in one API call"
        }
        "/run/containerd/containerd.sock" | "/var/run/containerd/containerd.sock" => {
            "the containerd socket: control of every container of the node"
        }
        "/var/run/crio/crio.sock" | "/run/crio/crio.sock" => {
            "the CRI-O socket: control of every container of the node"
        }
        "/run"
        | "/var/run"
        | "/run/containerd"
        | "/var/run/containerd"
        | "/var/run/crio"
        | "/run/crio" => "it holds the container runtime's socket",
        "" => "the host's whole filesystem",
        "/etc" => "the host's configuration, credentials and kubelet settings",
        "/proc" => "the host's processes and kernel settings",
        _ => return None,
    })
}

/// Host paths a Compose bind mount should not reach (besides the worst).
fn sensitive(path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    worst(path).is_some()
        || [
            "/sys",
            "/dev",
            "/var/lib/docker",
            "/var/lib/kubelet",
            "/root",
            "/boot",
        ]
        .iter()
        .any(|p| trimmed == *p || trimmed.starts_with(&format!("{p}/")))
        || ["/etc/", "/proc/"].iter().any(|p| trimmed.starts_with(p))
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        for v in &w.pod.volumes {
            let VolumeSource::HostPath { path } = &v.source else {
                continue;
            };
            let compose = w.platform == Platform::Compose;
            if compose && !sensitive(&path.value) {
                continue;
            }
            let why = worst(&path.value).map_or_else(String::new, |w| format!(": {w}"));
            let message = if compose {
                format!(
                    "{} bind-mounts host path `{}`{why}",
                    workload_name(w),
                    path.value
                )
            } else {
                format!(
                    "the pod of {} mounts host path `{}` (`hostPath` volume `{}`){why}",
                    workload_name(w),
                    path.value,
                    v.name
                )
            };
            out.report(message, here(&path.at));
        }
    }
}
