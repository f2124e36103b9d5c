use super::{container_name, here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42203",
    name: "root-group",
    title: "A container runs with group 0 (runAsGroup, fsGroup or supplementalGroups)",
    category: Category::Runtime,
    severity: Severity::Low,
    remediation: "Set `runAsGroup` and `fsGroup` to a non-zero GID and remove 0 from `supplementalGroups` (Compose: `user: \"10001:10001\"`, no `group_add: [0]`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "GID 0 in a pod's `runAsGroup`, `fsGroup` or `supplementalGroups`, or a container's `runAsGroup` (not a Pod Security Standards control: portcullis' own; a `hostUsers: false` pod is not exempt). Compose: the group of `user` (`1000:0`) or `group_add` holding 0.",
        why: "Group root owns much of an image's filesystem with group write access (`/etc` files made for OpenShift-style arbitrary UIDs, sockets, logs); a non-root process in group 0 can still change them. `fsGroup: 0` also chowns every volume to root's group.",
        fix: "Use the image's own unprivileged GID for `runAsGroup` and `fsGroup`.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    runAsGroup: 0\n    fsGroup: 0\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    runAsGroup: 10001\n    fsGroup: 10001\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        let compose = w.platform == Platform::Compose;
        let pod = &w.pod.security;
        let pod_name = if compose {
            workload_name(w)
        } else {
            format!("the pod of {}", workload_name(w))
        };
        let (group, fs, supplemental) = if compose {
            ("the group of `user`", "fsGroup", "`group_add`")
        } else {
            (
                "`securityContext.runAsGroup`",
                "`securityContext.fsGroup`",
                "`securityContext.supplementalGroups`",
            )
        };
        if let Some(g) = pod.run_as_group.as_ref().filter(|g| g.value == 0) {
            out.report(format!("{pod_name} sets {group} to 0 (root)"), here(&g.at));
        }
        if let Some(g) = pod.fs_group.as_ref().filter(|g| g.value == 0) {
            out.report(
                format!("{pod_name} sets {fs} to 0 (root): its volumes are chowned to group root"),
                here(&g.at),
            );
        }
        for g in pod.supplemental_groups.iter().filter(|g| g.value == 0) {
            out.report(
                format!("{pod_name} lists group 0 (root) in {supplemental}"),
                here(&g.at),
            );
        }
        for c in &w.containers {
            if let Some(g) = c.security.run_as_group.as_ref().filter(|g| g.value == 0) {
                out.report(
                    format!("{} sets {group} to 0 (root)", container_name(w, c)),
                    here(&g.at),
                );
            }
        }
    }
}
