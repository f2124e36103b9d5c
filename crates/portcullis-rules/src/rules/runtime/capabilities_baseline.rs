use super::{capability, container_name, field, here, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "PC42103",
    name: "capabilities-beyond-baseline",
    title: "A container adds capabilities beyond the baseline set",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Remove the capability from `capabilities.add` (Compose: `cap_add`); drop ALL and add back only what the baseline set allows.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A capability in a container's `securityContext.capabilities.add` (Compose: `cap_add`) that is not in the Pod Security Standards' baseline set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (the baseline `capabilities_baseline` check; names are compared as written, as Kubernetes does, so `CAP_CHOWN` is not `CHOWN`; Compose names in any case, with or without `CAP_`, as Docker reads them). SYS_ADMIN, NET_RAW, SYS_MODULE, SYS_PTRACE and ALL are named the worst.",
        why: "Capabilities are pieces of root. SYS_ADMIN allows mounts and most of what a container escape needs; SYS_MODULE loads kernel code; NET_RAW forges packets on the pod network (ARP and DNS spoofing); ALL is every capability at once.",
        fix: "Remove the capability. Most services need none beyond the defaults; a port below 1024 needs only NET_BIND_SERVICE, and a ping needs no NET_RAW where `net.ipv4.ping_group_range` allows it.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vpn\nspec:\n  containers:\n    - name: vpn\n      image: registry.example/vpn:2.0.1\n      securityContext:\n        capabilities:\n          add: [\"NET_ADMIN\", \"SYS_ADMIN\"]\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n      securityContext:\n        capabilities:\n          drop: [\"ALL\"]\n          add: [\"NET_BIND_SERVICE\"]\n",
    },
    check,
};

/// The capabilities the baseline standard allows to be added (since 1.0).
pub(crate) const BASELINE: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Why the worst capabilities are the worst.
pub(crate) fn worst(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().trim_start_matches("CAP_") {
        "ALL" => "ALL is every capability, as good as privileged",
        "SYS_ADMIN" => "SYS_ADMIN allows mounts and namespace changes, most of a container escape",
        "SYS_MODULE" => "SYS_MODULE loads code into the host's kernel",
        "NET_RAW" => "NET_RAW forges packets on the pod network",
        "SYS_PTRACE" => "SYS_PTRACE reads and alters other processes' memory",
        _ => return None,
    })
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        for c in &w.containers {
            for cap in &c.security.add {
                let name = capability(w, &cap.value);
                if BASELINE.contains(&name.as_str()) {
                    continue;
                }
                let why = worst(&name).map_or_else(String::new, |w| format!(": {w}"));
                out.report(
                    format!(
                        "{} adds capability `{}` in {}, outside the baseline set{why}",
                        container_name(w, c),
                        cap.value,
                        field(w, "securityContext.capabilities.add", "cap_add"),
                    ),
                    here(&cap.at),
                );
            }
        }
    }
}
