use super::{container_name, here, user_namespace_exempt, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42405",
    name: "proc-mount-unmasked",
    title: "A container unmasks /proc (procMount is not Default)",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Remove `procMount` (or set it to `Default`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container `securityContext.procMount` other than `Default` (`Unmasked`), the Pod Security Standards' baseline `procMount` check; from Kubernetes 1.35 a pod with `hostUsers: false` is exempt at baseline (the restricted level still forbids it there: PC42408).",
        why: "The runtime masks and makes read-only the `/proc` entries that expose the host's kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`…); unmasked, a container can read kernel memory or reconfigure the node.",
        fix: "Remove `procMount`; nested container builds that need it belong in a user-namespaced pod (`hostUsers: false`).",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: buildkit\n      image: registry.example/buildkit:0.16.0\n      securityContext:\n        procMount: Unmasked\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n    - name: buildkit\n      image: registry.example/buildkit:0.16.0\n",
    },
    check,
};

pub(crate) fn unmasked(
    c: &portcullis_manifests::model::Container,
) -> Option<&portcullis_manifests::Located<String>> {
    c.security
        .proc_mount
        .as_ref()
        .filter(|p| p.value != "Default")
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if user_namespace_exempt(subject, w) {
            continue;
        }
        for c in &w.containers {
            if let Some(p) = unmasked(c) {
                out.report(
                    format!(
                        "{} sets `securityContext.procMount: {}`: the host's kernel entries in /proc are not masked",
                        container_name(w, c),
                        p.value
                    ),
                    here(&p.at),
                );
            }
        }
    }
}
