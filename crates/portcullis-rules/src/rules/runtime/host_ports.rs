use super::{container_name, here, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42302",
    name: "host-port",
    title: "A container binds a port of the node (hostPort)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Remove `hostPort` and expose the port through a Service.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container port with a non-zero `hostPort` (the Pod Security Standards' baseline `hostPorts` check). Compose `ports` are not judged here: publishing is how a Compose service is reached at all, and a port published on every host interface is PC42701.",
        why: "A host port opens the node's own interface to the container, around Services and network policies, and ties the pod to nodes where the port is free.",
        fix: "Remove `hostPort`; put a Service (ClusterIP, NodePort or LoadBalancer) in front of the pod.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      ports:\n        - containerPort: 8080\n          hostPort: 80\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      ports:\n        - containerPort: 8080\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform == Platform::Compose {
            continue;
        }
        for c in &w.containers {
            for port in &c.ports {
                let Some(host) = port.host_port.as_ref().filter(|h| h.value != 0) else {
                    continue;
                };
                let target = port
                    .container_port
                    .as_ref()
                    .map_or_else(String::new, |p| format!(" for container port {}", p.value));
                out.report(
                    format!(
                        "{} binds port {} of the node (`hostPort: {}`){target}",
                        container_name(w, c),
                        host.value,
                        host.value
                    ),
                    here(&host.at),
                );
            }
        }
    }
}
