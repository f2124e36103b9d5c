use super::{container_name, here, windows_exempt, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{manifest_location, Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42204",
    name: "run-as-non-root-will-not-start",
    title: "A container will not start: runAsNonRoot is true, and it would run as root or as a user the kubelet cannot check",
    category: Category::Runtime,
    severity: Severity::High,
    remediation: "Set `runAsUser` to a non-zero UID in the container's (or the pod's) `securityContext`, or give the image a numeric non-root `USER` (`USER 10001`).",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A Kubernetes container to which `runAsNonRoot: true` applies (its own or its pod's `securityContext`) and that the kubelet will refuse to start: its `runAsUser` (its own, else the pod's) is 0; or it sets no `runAsUser` and its image (scanned in the same run with `--images`) runs as root (no `USER`, an empty one, `root` or UID 0), or as a user name rather than a UID, which the kubelet cannot check. The kubelet reads the image's user as the container runtime reports it: the part before `:`, a UID if it is a number, else a name. Without `--images` only `runAsUser: 0` is judged. Windows pods are not judged (they use `runAsUserName`).",
        why: "The kubelet checks `runAsNonRoot` when it creates the container and fails it (`CreateContainerConfigError`: \"container has runAsNonRoot and image will run as root\", or \"image has non-numeric user … cannot verify user is non-root\"): the rollout stalls with pods that never run. The manifest and the image each look right alone; only together do they fail.",
        fix: "Set `runAsUser` (and `runAsGroup`) to the UID the image's files are owned by, or rebuild the image with a numeric `USER`; a name in `USER` is not enough for `runAsNonRoot`.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform != Platform::Kubernetes || windows_exempt(subject, w) {
            continue;
        }
        for c in &w.containers {
            let Some(non_root) = w.run_as_non_root(c).filter(|v| v.value) else {
                continue;
            };
            let related = vec![manifest_location(&non_root.at)];
            match w.run_as_user(c) {
                Some(uid) if uid.value == 0 => out.report_related(
                    format!(
                        "{} will not start: `runAsNonRoot: true` applies to it and its `runAsUser` is 0",
                        container_name(w, c)
                    ),
                    here(&uid.at),
                    related,
                ),
                Some(_) => {}
                None => {
                    let Some(reference) = &c.image else {
                        continue;
                    };
                    let Some(image) = subject
                        .images
                        .as_ref()
                        .and_then(|images| images.get(&reference.value))
                    else {
                        continue;
                    };
                    let how = match image.kubelet_uid() {
                        Some(0) => format!(
                            "runs as root ({}): the kubelet refuses to run it",
                            image.user_detail()
                        ),
                        Some(_) => continue,
                        None => format!(
                            "runs as `{}` (its USER), a user name: the kubelet cannot verify that a name is not root",
                            image.user.as_deref().unwrap_or_default()
                        ),
                    };
                    out.report_related(
                        format!(
                            "{} will not start: `runAsNonRoot: true` applies to it, it sets no `runAsUser`, and image `{}` {how}",
                            container_name(w, c),
                            reference.value,
                        ),
                        here(&reference.at),
                        related,
                    );
                }
            }
        }
    }
}
