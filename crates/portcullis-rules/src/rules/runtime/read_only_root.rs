use super::{container_holder, container_name, here, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42501",
    name: "writable-root-filesystem",
    title: "A container's root filesystem is writable (readOnlyRootFilesystem is not true)",
    category: Category::Runtime,
    severity: Severity::Low,
    remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the application writes (Compose: `read_only: true` and `tmpfs`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container whose `securityContext.readOnlyRootFilesystem` is not `true` (unset counts; not a Pod Security Standards control: portcullis' own). Pods with `spec.os.name: windows` are not judged (Windows containers cannot have a read-only root). Compose: a service without `read_only: true`.",
        why: "A writable root lets an attacker who gets code execution drop tools, change the application's files and persist until the container is replaced; a read-only root makes the image the only code there is.",
        fix: "Set `readOnlyRootFilesystem: true` and give the application `emptyDir` volumes (Compose: `tmpfs`) for the few directories it writes, such as `/tmp`.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n      securityContext:\n        readOnlyRootFilesystem: true\n      volumeMounts:\n        - name: tmp\n          mountPath: /tmp\n  volumes:\n    - name: tmp\n      emptyDir: {}\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.pod.os.as_ref().is_some_and(|os| os.value == "windows") {
            continue;
        }
        let compose = w.platform == Platform::Compose;
        for c in &w.containers {
            let who = container_name(w, c);
            match &c.security.read_only_root_filesystem {
                Some(v) if v.value => {}
                Some(v) => out.report(
                    if compose {
                        format!("{who} sets `read_only: false`: its root filesystem is writable")
                    } else {
                        format!("{who} sets `securityContext.readOnlyRootFilesystem: false`: its root filesystem is writable")
                    },
                    here(&v.at),
                ),
                None => out.report(
                    if compose {
                        format!("{who} does not set `read_only: true`: its root filesystem is writable")
                    } else {
                        format!("{who} does not set `securityContext.readOnlyRootFilesystem: true`: its root filesystem is writable")
                    },
                    here(container_holder(c)),
                ),
            }
        }
    }
}
