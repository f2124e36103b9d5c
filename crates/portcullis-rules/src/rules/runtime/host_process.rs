use super::{container_name, here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42304",
    name: "windows-host-process",
    title: "A Windows container runs as a host process",
    category: Category::Runtime,
    severity: Severity::Critical,
    remediation: "Remove `windowsOptions.hostProcess: true`.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "`securityContext.windowsOptions.hostProcess: true` on a pod or container (the Pod Security Standards' baseline `windowsHostProcess` check).",
        why: "A HostProcess container is a process of the Windows node, with the node's filesystem, network and (as SYSTEM) full control of it: no container isolation is left.",
        fix: "Remove `hostProcess`; node management belongs to the node's own tooling or a namespace whose policy exempts it.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"\n  hostNetwork: true\n  containers:\n    - name: agent\n      image: registry.example/agent:3.1.0\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n    - name: agent\n      image: registry.example/agent:3.1.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if let Some(v) = w.pod.security.host_process.as_ref().filter(|v| v.value) {
            out.report(
                format!(
                    "the pod of {} sets `securityContext.windowsOptions.hostProcess: true`: its containers run as processes of the node",
                    workload_name(w)
                ),
                here(&v.at),
            );
        }
        for c in &w.containers {
            if let Some(v) = c.security.host_process.as_ref().filter(|v| v.value) {
                out.report(
                    format!(
                        "{} sets `securityContext.windowsOptions.hostProcess: true`: it runs as a process of the node",
                        container_name(w, c)
                    ),
                    here(&v.at),
                );
            }
        }
    }
}
