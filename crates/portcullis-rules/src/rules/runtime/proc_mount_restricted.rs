use super::{container_name, here, user_namespace_exempt, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42408",
    name: "proc-mount-unmasked-user-namespace",
    title: "A user-namespaced container unmasks /proc (restricted)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Remove `procMount` (or set it to `Default`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container `securityContext.procMount` other than `Default` in a pod with `hostUsers: false`, from Kubernetes 1.35: the baseline standard allows it there (PC42405 does not report it), the restricted one does not (the `procMount_restricted` check). Together with PC42405 this is the restricted check.",
        why: "A user namespace makes the container's root an unprivileged user of the host, which takes most of the danger out of an unmasked /proc; the restricted standard still wants the masks, as defence in depth against kernel bugs reachable through those entries.",
        fix: "Remove `procMount` unless the workload (a nested container build) needs it.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  hostUsers: false\n  containers:\n    - name: buildkit\n      image: registry.example/buildkit:0.16.0\n      securityContext:\n        procMount: Unmasked\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  hostUsers: false\n  containers:\n    - name: buildkit\n      image: registry.example/buildkit:0.16.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        // Only where the baseline rule stood aside.
        if !user_namespace_exempt(subject, w) {
            continue;
        }
        for c in &w.containers {
            if let Some(p) = super::proc_mount::unmasked(c) {
                out.report(
                    format!(
                        "{} sets `securityContext.procMount: {}` in a user-namespaced pod (`hostUsers: false`): baseline allows it, restricted does not",
                        container_name(w, c),
                        p.value
                    ),
                    here(&p.at),
                );
            }
        }
    }
}
