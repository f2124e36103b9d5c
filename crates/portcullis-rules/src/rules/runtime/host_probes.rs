use super::{container_name, here, since, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42305",
    name: "probe-host",
    title: "A probe or lifecycle handler targets another host",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Remove `host` from the probe or lifecycle handler's `httpGet`/`tcpSocket`: the kubelet then targets the pod's own IP.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A non-empty `host` in the `httpGet` or `tcpSocket` of a container's `livenessProbe`, `readinessProbe`, `startupProbe`, or `lifecycle.postStart`/`preStop` handler (the Pod Security Standards' baseline `hostProbesAndHostLifecycle` check, from Kubernetes 1.34; earlier versions do not judge it).",
        why: "The kubelet makes these requests from the node, with the node's network position: a `host` turns a probe into a request the pod's author can aim at anything the node reaches (the node's own ports, cloud metadata, other namespaces), around network policies.",
        fix: "Remove `host`; probes and handlers then go to the pod's IP. To check another service, do it from inside the container (an `exec` probe).",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      livenessProbe:\n        httpGet:\n          host: 169.254.169.254\n          path: /latest/meta-data/\n          port: 80\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    if !since(subject, (1, 34)) {
        return;
    }
    for w in workloads(subject) {
        for c in &w.containers {
            for host in &c.probe_hosts {
                // `/spec/…/livenessProbe/httpGet/host`: the handler's name.
                let handler = host
                    .at
                    .pointer
                    .as_str()
                    .rsplit('/')
                    .nth(2)
                    .unwrap_or("probe")
                    .to_owned();
                out.report(
                    format!(
                        "the {handler} of {} targets host `{}`: the kubelet makes that request from the node",
                        container_name(w, c),
                        host.value
                    ),
                    here(&host.at),
                );
            }
        }
    }
}
