use super::{container_name, here, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::model::ContainerList;
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42601",
    name: "no-resource-limits",
    title: "A container has no CPU or memory limits (or requests)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Set `resources.limits.cpu`, `resources.limits.memory` and the matching `requests` (Compose: `mem_limit`, `cpus`, `pids_limit`, or `deploy.resources.limits`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container (init containers too; ephemeral containers cannot have resources) without a CPU limit, a memory limit, a CPU request or a memory request in `resources`; the message says which are missing (not a Pod Security Standards control: the resource quotas of the container policy). Compose: a service without a memory limit (`mem_limit`, `deploy.resources.limits.memory`), a CPU limit (`cpus`, `deploy.resources.limits.cpus`) or a process limit (`pids_limit`); Compose has no scheduler, so reservations are not asked for.",
        why: "Without limits one container can take the node's memory (the kernel then kills its neighbours) or its CPU, and a fork bomb its process table: a bug or an attack in one workload becomes an outage of many. Without requests the scheduler places pods blind and evicts them first.",
        fix: "Measure the workload and set requests to its usual use and limits to what it may burst to.",
        bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
        good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              cpu: 500m\n              memory: 256Mi\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        let compose = w.platform == Platform::Compose;
        for c in &w.containers {
            if c.list == ContainerList::EphemeralContainers {
                continue;
            }
            let r = &c.resources;
            let mut missing = Vec::new();
            if compose {
                for (set, what) in [
                    (r.limits_memory.is_some(), "memory limit (`mem_limit`)"),
                    (r.limits_cpu.is_some(), "CPU limit (`cpus`)"),
                    (r.limits_pids.is_some(), "process limit (`pids_limit`)"),
                ] {
                    if !set {
                        missing.push(what);
                    }
                }
            } else {
                for (set, what) in [
                    (r.limits_cpu.is_some(), "CPU limit"),
                    (r.limits_memory.is_some(), "memory limit"),
                    (r.requests_cpu.is_some(), "CPU request"),
                    (r.requests_memory.is_some(), "memory request"),
                ] {
                    if !set {
                        missing.push(what);
                    }
                }
            }
            if missing.is_empty() {
                continue;
            }
            let list = match missing.as_slice() {
                [one] => (*one).to_owned(),
                [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
                [] => continue,
            };
            out.report(
                format!("{} has no {list}", container_name(w, c)),
                here(r.at.as_ref().unwrap_or(&c.at)),
            );
        }
    }
}
