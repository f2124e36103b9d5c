use super::{
    capability, container_holder, container_name, field, here, since, windows_exempt, workloads,
};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42104",
    name: "capabilities-not-dropped",
    title: "A container does not drop ALL capabilities, or adds more than NET_BIND_SERVICE",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Set `capabilities: {drop: [\"ALL\"]}` and add back at most `NET_BIND_SERVICE` (Compose: `cap_drop: [ALL]`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container whose `securityContext.capabilities.drop` does not hold `ALL`, or whose `capabilities.add` holds anything but `NET_BIND_SERVICE` (the Pod Security Standards' restricted `capabilities_restricted` check, from Kubernetes 1.22; pods with `spec.os.name: windows` are exempt from 1.25). Compose: `cap_drop` without `ALL`, `cap_add` beyond `NET_BIND_SERVICE`.",
        why: "The runtime's default set still holds capabilities most services never use (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW…); each is a tool for an attacker who gets code execution. Dropping all and adding back what is needed leaves nothing to find.",
        fix: "Add `drop: [\"ALL\"]` to each container's `securityContext.capabilities`, and list in `add` only `NET_BIND_SERVICE` if it binds a port below 1024.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      securityContext:\n        capabilities:\n          drop: [\"NET_RAW\"]\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      securityContext:\n        capabilities:\n          drop: [\"ALL\"]\n          add: [\"NET_BIND_SERVICE\"]\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    if !since(subject, (1, 22)) {
        return;
    }
    for w in workloads(subject) {
        if windows_exempt(subject, w) {
            continue;
        }
        for c in &w.containers {
            let who = container_name(w, c);
            let sc = &c.security;
            if !sc.drop.iter().any(|d| capability(w, &d.value) == "ALL") {
                let at = sc.capabilities.as_ref().unwrap_or(container_holder(c));
                let said = if sc.drop.is_empty() {
                    "drops no capabilities".to_owned()
                } else {
                    format!(
                        "drops only {}",
                        sc.drop
                            .iter()
                            .map(|d| format!("`{}`", d.value))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                out.report(
                    format!(
                        "{who} {said}: {} must hold `ALL`",
                        field(w, "securityContext.capabilities.drop", "cap_drop")
                    ),
                    here(at),
                );
            }
            for cap in &sc.add {
                if capability(w, &cap.value) == "NET_BIND_SERVICE" {
                    continue;
                }
                out.report(
                    format!(
                        "{who} adds capability `{}` in {}: only NET_BIND_SERVICE may be added",
                        cap.value,
                        field(w, "securityContext.capabilities.add", "cap_add"),
                    ),
                    here(&cap.at),
                );
            }
        }
    }
}
