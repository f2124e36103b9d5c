use super::{container_holder, container_name, here, since, windows_exempt, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42102",
    name: "privilege-escalation-allowed",
    title: "A container may gain privileges (allowPrivilegeEscalation is not false)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container (Compose: `security_opt: [\"no-new-privileges:true\"]`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container whose `securityContext.allowPrivilegeEscalation` is not explicitly `false` (unset counts, as the Pod Security Standards' restricted `allowPrivilegeEscalation` check has it from Kubernetes 1.8; pods with `spec.os.name: windows` are exempt from 1.25). A Compose service without `no-new-privileges:true` in `security_opt` (Docker allows escalation by default).",
        why: "Without `no_new_privs`, a process can gain privileges through setuid binaries and file capabilities in the image: a foothold as an unprivileged user becomes root in the container.",
        fix: "Set `allowPrivilegeEscalation: false` in each container's `securityContext` (init and ephemeral containers too); for Compose add `no-new-privileges:true` to `security_opt`.",
        bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
        good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n          securityContext:\n            allowPrivilegeEscalation: false\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    if !since(subject, (1, 8)) {
        return;
    }
    for w in workloads(subject) {
        if windows_exempt(subject, w) {
            continue;
        }
        for c in &w.containers {
            let who = container_name(w, c);
            match (&c.security.allow_privilege_escalation, w.platform) {
                (Some(v), _) if !v.value => {}
                (Some(v), Platform::Kubernetes) => out.report(
                    format!("{who} sets `securityContext.allowPrivilegeEscalation: true`: setuid binaries can make it root"),
                    here(&v.at),
                ),
                (None, Platform::Kubernetes) => out.report(
                    format!("{who} does not set `securityContext.allowPrivilegeEscalation: false`: it may gain privileges through setuid binaries"),
                    here(container_holder(c)),
                ),
                (Some(v), Platform::Compose) => out.report(
                    format!("{who} sets `no-new-privileges:false`: setuid binaries can make it root"),
                    here(&v.at),
                ),
                (None, Platform::Compose) => out.report(
                    format!("{who} has no `security_opt: no-new-privileges:true`: Docker lets it gain privileges through setuid binaries"),
                    here(container_holder(c)),
                ),
            }
        }
    }
}
