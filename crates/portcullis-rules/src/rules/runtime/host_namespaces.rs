use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42301",
    name: "host-namespaces",
    title: "A pod shares the host's network, PID or IPC namespace",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC` (Compose: `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "`hostNetwork: true`, `hostPID: true` or `hostIPC: true` in a pod spec (the Pod Security Standards' baseline `hostNamespaces` check). Compose: `network_mode: host`, `pid: host`, `ipc: host`, and `userns_mode: host` (which leaves a daemon that remaps users back in the host's user namespace).",
        why: "The host's network namespace lets the container bind node ports and reach services listening on localhost (the kubelet, cloud metadata proxies); the host's PID namespace lets it see, signal and trace every process of the node; the host's IPC namespace exposes shared memory of other workloads.",
        fix: "Remove the setting. Expose ports through a Service (or Compose `ports`), and use the API or a sidecar instead of the host's processes.",
        bad: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      hostPID: true\n      containers:\n        - name: agent\n          image: registry.example/agent:3.1.0\n",
        good: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: registry.example/agent:3.1.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        let pod = &w.pod;
        let who = workload_name(w);
        let compose = w.platform == Platform::Compose;
        let settings = [
            (
                &pod.host_network,
                "hostNetwork: true",
                "network_mode: host",
                "network",
            ),
            (&pod.host_pid, "hostPID: true", "pid: host", "process (PID)"),
            (&pod.host_ipc, "hostIPC: true", "ipc: host", "IPC"),
        ];
        for (setting, kubernetes, docker, namespace) in settings {
            let Some(v) = setting.as_ref().filter(|v| v.value) else {
                continue;
            };
            let written = if compose { docker } else { kubernetes };
            let subject_name = if compose {
                who.clone()
            } else {
                format!("the pod of {who}")
            };
            out.report(
                format!("{subject_name} shares the host's {namespace} namespace (`{written}`)"),
                here(&v.at),
            );
        }
        // In Kubernetes `hostUsers: true` is the default, not a finding.
        if compose {
            if let Some(v) = pod.host_users.as_ref().filter(|v| v.value) {
                out.report(
                    format!("{who} runs in the host's user namespace (`userns_mode: host`): its root is the host's root"),
                    here(&v.at),
                );
            }
        }
    }
}
