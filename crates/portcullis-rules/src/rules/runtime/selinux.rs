use super::{container_name, here, since, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::model::SeLinux;

pub static RULE: Rule = Rule {
    code: "PC42404",
    name: "selinux-options",
    title: "A container sets an SELinux type, user or role outside the allowed set",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Remove `seLinuxOptions.user` and `role`, and use a container type (`container_t`) or none; only `level` is free to set.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "In a pod's or container's `securityContext.seLinuxOptions`: a `type` other than empty, `container_t`, `container_init_t`, `container_kvm_t` (and, from Kubernetes 1.31, `container_engine_t`), or any `user` or `role` (the Pod Security Standards' baseline `seLinuxOptions` check). Compose: `security_opt: label:type:…`, `label:user:…`, `label:role:…`, as the Compose reader fills them.",
        why: "SELinux is what confines a container's processes on SELinux nodes; a type such as `spc_t` (super-privileged container) or `unconfined_t`, or a custom user or role, lifts that confinement.",
        fix: "Remove the type (the runtime picks `container_t`) and the user and role; set `level` alone to share MCS categories between pods when needed.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n    - name: agent\n      image: registry.example/agent:3.1.0\n      securityContext:\n        seLinuxOptions:\n          type: spc_t\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n    - name: agent\n      image: registry.example/agent:3.1.0\n      securityContext:\n        seLinuxOptions:\n          level: \"s0:c123,c456\"\n",
    },
    check,
};

fn judge(subject: &Subject, who: &str, options: &SeLinux, out: &mut Findings) {
    let mut allowed = vec!["", "container_t", "container_init_t", "container_kvm_t"];
    if since(subject, (1, 31)) {
        allowed.push("container_engine_t");
    }
    if let Some(t) = options
        .type_
        .as_ref()
        .filter(|t| !allowed.contains(&t.value.as_str()))
    {
        out.report(
            format!(
                "{who} sets SELinux type `{}` (`seLinuxOptions.type`): only {} are allowed",
                t.value,
                allowed[1..].join(", ")
            ),
            here(&t.at),
        );
    }
    for (setting, name) in [(&options.user, "user"), (&options.role, "role")] {
        if let Some(v) = setting.as_ref().filter(|v| !v.value.is_empty()) {
            out.report(
                format!(
                    "{who} sets SELinux {name} `{}` (`seLinuxOptions.{name}`): it may not be set",
                    v.value
                ),
                here(&v.at),
            );
        }
    }
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        judge(
            subject,
            &format!("the pod of {}", workload_name(w)),
            &w.pod.security.selinux,
            out,
        );
        for c in &w.containers {
            judge(subject, &container_name(w, c), &c.security.selinux, out);
        }
    }
}
