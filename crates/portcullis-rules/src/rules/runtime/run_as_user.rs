use super::{container_name, here, since, user_namespace_exempt, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42202",
    name: "run-as-root-user",
    title: "A container is set to run as UID 0",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Set `runAsUser` to a non-zero UID the image's files allow (Compose: `user: \"10001\"`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "`runAsUser: 0` in a pod's or container's `securityContext` (the Pod Security Standards' restricted `runAsUser` check, from Kubernetes 1.23; from 1.35 a pod with `hostUsers: false` is exempt). A Compose service whose `user` is `root` or UID 0.",
        why: "UID 0 is root: it owns the container's files and, through any kernel or runtime escape, is root on the node. Setting it explicitly defeats the image's own non-root `USER`.",
        fix: "Set `runAsUser` to the image's unprivileged UID (or remove it and rely on the image's `USER` with `runAsNonRoot: true`).",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform == Platform::Compose {
            for c in &w.containers {
                let named_root = c
                    .user
                    .as_ref()
                    .filter(|u| u.value.split(':').next() == Some("root"));
                let uid_0 = c.security.run_as_user.as_ref().filter(|u| u.value == 0);
                let at = named_root.map(|u| (&u.at, u.value.as_str()));
                let at = at.or_else(|| {
                    uid_0.map(|u| (&u.at, c.user.as_ref().map_or("0", |u| u.value.as_str())))
                });
                if let Some((at, user)) = at {
                    out.report(
                        format!("{} runs as root (`user: {user}`)", container_name(w, c)),
                        here(at),
                    );
                }
            }
            continue;
        }
        if !since(subject, (1, 23)) || user_namespace_exempt(subject, w) {
            continue;
        }
        if let Some(u) = w.pod.security.run_as_user.as_ref().filter(|u| u.value == 0) {
            out.report(
                format!(
                    "the pod of {} sets `securityContext.runAsUser: 0` (root)",
                    workload_name(w)
                ),
                here(&u.at),
            );
        }
        for c in &w.containers {
            if let Some(u) = c.security.run_as_user.as_ref().filter(|u| u.value == 0) {
                out.report(
                    format!(
                        "{} sets `securityContext.runAsUser: 0` (root)",
                        container_name(w, c)
                    ),
                    here(&u.at),
                );
            }
        }
    }
}
