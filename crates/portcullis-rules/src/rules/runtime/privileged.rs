use super::{container_name, field, here, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42101",
    name: "privileged-container",
    title: "A container runs privileged",
    category: Category::Runtime,
    severity: Severity::Critical,
    remediation: "Remove `privileged: true`; grant the one capability or device the container needs instead.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container with `securityContext.privileged: true` (Pod Security Standards, baseline: the `privileged` check), in any container list, or a Compose service with `privileged: true`.",
        why: "A privileged container has every capability, every host device and no seccomp, AppArmor or SELinux confinement: root in it is root on the node, and escaping takes one mount command.",
        fix: "Remove `privileged: true`. If the workload needs one kernel feature, add only that capability (baseline allows few), or mount only the device it uses; node agents that truly need the host belong in a namespace whose policy exempts them.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n      securityContext:\n        privileged: true\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n      securityContext:\n        privileged: false\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        for c in &w.containers {
            let Some(p) = c.security.privileged.as_ref().filter(|p| p.value) else {
                continue;
            };
            out.report(
                format!(
                    "{} runs privileged ({} is true): it has every capability and device of the host",
                    container_name(w, c),
                    field(w, "securityContext.privileged", "privileged")
                ),
                here(&p.at),
            );
        }
    }
}
