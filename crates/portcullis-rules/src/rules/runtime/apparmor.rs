use super::{container_name, field, here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42403",
    name: "apparmor-unconfined",
    title: "A container runs without AppArmor (unconfined)",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Set `appArmorProfile: {type: RuntimeDefault}` (or a `Localhost` profile), or remove the `unconfined` annotation (Compose: remove `apparmor:unconfined` from `security_opt`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A pod or container `securityContext.appArmorProfile.type` other than `RuntimeDefault` or `Localhost`, or a legacy `container.apparmor.security.beta.kubernetes.io/NAME` annotation whose value is not empty, `runtime/default` or `localhost/…` (the Pod Security Standards' baseline `appArmorProfile` check, field and annotation). Compose: `security_opt: apparmor:unconfined`.",
        why: "The runtime's default AppArmor profile denies writes to `/proc` and `/sys` files and mounts, which many escapes need; unconfined removes that layer on nodes that have AppArmor.",
        fix: "Use `RuntimeDefault`, or a `Localhost` profile that allows what the workload needs.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        let allowed = |t: &str| t == "RuntimeDefault" || t == "Localhost";
        let path = field(
            w,
            "securityContext.appArmorProfile.type",
            "security_opt: apparmor",
        );
        if let Some(a) = w
            .pod
            .security
            .apparmor
            .as_ref()
            .filter(|a| !allowed(&a.value))
        {
            out.report(
                format!(
                    "the pod of {} sets {path} to `{}`",
                    workload_name(w),
                    a.value
                ),
                here(&a.at),
            );
        }
        for c in &w.containers {
            if let Some(a) = c.security.apparmor.as_ref().filter(|a| !allowed(&a.value)) {
                out.report(
                    format!("{} sets {path} to `{}`", container_name(w, c), a.value),
                    here(&a.at),
                );
            }
        }
        for (key, value) in &w.pod.annotations {
            let Some(container) = key.strip_prefix(ANNOTATION_PREFIX) else {
                continue;
            };
            let v = value.value.as_str();
            if v.is_empty() || v == "runtime/default" || v.starts_with("localhost/") {
                continue;
            }
            out.report(
                format!(
                    "{} sets AppArmor profile `{v}` for container `{container}` by annotation `{key}`",
                    workload_name(w)
                ),
                here(&value.at),
            );
        }
    }
}
