use super::{container_name, field, here, since, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42401",
    name: "seccomp-unconfined",
    title: "A container runs without seccomp (Unconfined)",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Set `seccompProfile: {type: RuntimeDefault}` (or a `Localhost` profile) instead of `Unconfined` (Compose: remove `seccomp:unconfined` from `security_opt`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A pod or container `securityContext.seccompProfile.type` other than `RuntimeDefault` or `Localhost` (the Pod Security Standards' baseline `seccompProfile_baseline` check; before Kubernetes 1.19, the `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/NAME` annotations with a value other than `runtime/default`, `docker/default` or `localhost/…`). Compose: `security_opt: seccomp:unconfined`. An unset profile is PC42402's (Kubernetes) or Docker's default profile (Compose).",
        why: "Seccomp filters the system calls a container may make; the runtime's default profile blocks the rarely needed ones through which most kernel exploits and escapes go (`unshare`, `keyctl`, `bpf`, `mount`…). Unconfined gives the whole kernel surface to the container.",
        fix: "Use `RuntimeDefault`; if a call the default profile blocks is truly needed, write a `Localhost` profile that allows just it.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

pub(crate) fn allowed(kind: &str) -> bool {
    kind == "RuntimeDefault" || kind == "Localhost"
}

fn allowed_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if !since(subject, (1, 19)) {
            let names: Vec<String> = w
                .containers
                .iter()
                .map(|c| format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name))
                .collect();
            for (key, value) in &w.pod.annotations {
                let judged =
                    key == "seccomp.security.alpha.kubernetes.io/pod" || names.contains(key);
                if judged && !allowed_annotation(&value.value) {
                    out.report(
                        format!(
                            "{} sets seccomp profile `{}` by annotation `{key}`: only runtime/default, docker/default or localhost/… confine it",
                            workload_name(w),
                            value.value
                        ),
                        here(&value.at),
                    );
                }
            }
            continue;
        }
        let pod_field = field(
            w,
            "securityContext.seccompProfile.type",
            "security_opt: seccomp",
        );
        if let Some(s) = w
            .pod
            .security
            .seccomp
            .as_ref()
            .filter(|s| !allowed(&s.value))
        {
            out.report(
                format!(
                    "the pod of {} sets {pod_field} to `{}`: its containers make system calls unfiltered",
                    workload_name(w),
                    s.value
                ),
                here(&s.at),
            );
        }
        for c in &w.containers {
            if let Some(s) = c.security.seccomp.as_ref().filter(|s| !allowed(&s.value)) {
                out.report(
                    format!(
                        "{} sets {pod_field} to `{}`: it makes system calls unfiltered",
                        container_name(w, c),
                        s.value
                    ),
                    here(&s.at),
                );
            }
        }
    }
}
