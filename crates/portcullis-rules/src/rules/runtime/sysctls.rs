use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42406",
    name: "unsafe-sysctl",
    title: "A pod sets a sysctl outside the safe set",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Remove the sysctl from the pod's `securityContext.sysctls` (Compose: `sysctls`), or set it on the node.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A name in a pod's `securityContext.sysctls` that is not in the Pod Security Standards' safe set for the Kubernetes version (the baseline `sysctls` check): `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start`; from 1.27 `net.ipv4.ip_local_reserved_ports`; from 1.29 `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`; from 1.32 `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; from 1.37 `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`. Compose `sysctls` are judged against the same set.",
        why: "The safe sysctls are namespaced and cannot affect other pods or the node; others can change the kernel's behaviour for every workload of the node, or starve it.",
        fix: "Drop the sysctl, or tune the node itself and keep the pod to the safe set.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  securityContext:\n    sysctls:\n      - name: kernel.msgmax\n        value: \"65536\"\n  containers:\n    - name: cache\n      image: registry.example/cache:7.2.5\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  securityContext:\n    sysctls:\n      - name: net.ipv4.tcp_syncookies\n        value: \"1\"\n  containers:\n    - name: cache\n      image: registry.example/cache:7.2.5\n",
    },
    check,
};

/// Each safe sysctl and the version it became safe in.
const SAFE: &[(&str, (u32, u32))] = &[
    ("kernel.shm_rmid_forced", (1, 0)),
    ("net.ipv4.ip_local_port_range", (1, 0)),
    ("net.ipv4.tcp_syncookies", (1, 0)),
    ("net.ipv4.ping_group_range", (1, 0)),
    ("net.ipv4.ip_unprivileged_port_start", (1, 0)),
    ("net.ipv4.ip_local_reserved_ports", (1, 27)),
    ("net.ipv4.tcp_keepalive_time", (1, 29)),
    ("net.ipv4.tcp_fin_timeout", (1, 29)),
    ("net.ipv4.tcp_keepalive_intvl", (1, 29)),
    ("net.ipv4.tcp_keepalive_probes", (1, 29)),
    ("net.ipv4.tcp_rmem", (1, 32)),
    ("net.ipv4.tcp_wmem", (1, 32)),
    ("net.ipv4.tcp_slow_start_after_idle", (1, 37)),
    ("net.ipv4.tcp_notsent_lowat", (1, 37)),
];

fn check(subject: &Subject, out: &mut Findings) {
    let version = subject.kubernetes_version;
    for w in workloads(subject) {
        for s in &w.pod.security.sysctls {
            let safe_since = SAFE
                .iter()
                .find(|(name, _)| *name == s.value)
                .map(|(_, v)| *v);
            let why = match safe_since {
                Some(since) if since <= version => continue,
                Some((major, minor)) => format!(
                    "it is safe from Kubernetes {major}.{minor}, not in {}.{}",
                    version.0, version.1
                ),
                None => "it is not in the safe set".to_owned(),
            };
            out.report(
                format!("{} sets sysctl `{}`: {why}", workload_name(w), s.value),
                here(&s.at),
            );
        }
    }
}
