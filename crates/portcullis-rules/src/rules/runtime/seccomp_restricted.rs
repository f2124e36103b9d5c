use super::{container_holder, container_name, here, since, windows_exempt, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42402",
    name: "seccomp-not-set",
    title: "A container has no seccomp profile (RuntimeDefault or Localhost required)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` at the pod level (or per container).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container for which neither its own nor the pod's `securityContext.seccompProfile` is set (the Pod Security Standards' restricted `seccompProfile_restricted` check, from Kubernetes 1.19; pods with `spec.os.name: windows` are exempt from 1.25; a profile set to `Unconfined` is PC42401's). Not judged for Compose: Docker applies its default seccomp profile unless told otherwise.",
        why: "Kubernetes runs containers Unconfined unless a profile is named (or the kubelet's `SeccompDefault` is on, which a manifest cannot know): the pod then has the whole kernel surface, the way most container escapes go.",
        fix: "Add `seccompProfile: {type: RuntimeDefault}` to the pod's `securityContext`; it applies to every container.",
        bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
        good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    if !since(subject, (1, 19)) {
        return;
    }
    for w in workloads(subject) {
        if w.platform == Platform::Compose || windows_exempt(subject, w) {
            continue;
        }
        if w.pod.security.seccomp.is_some() {
            // Set at the pod: allowed, or PC42401's.
            continue;
        }
        for c in &w.containers {
            if c.security.seccomp.is_none() {
                out.report(
                    format!(
                        "neither {} nor its pod sets `securityContext.seccompProfile.type`: it runs without seccomp unless the node defaults to a profile",
                        container_name(w, c)
                    ),
                    here(container_holder(c)),
                );
            }
        }
    }
}
