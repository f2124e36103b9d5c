use super::{
    container_holder, container_name, here, user_namespace_exempt, workload_name, workloads,
};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42201",
    name: "run-as-non-root-not-set",
    title: "A container may run as root (runAsNonRoot is not true)",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Set `runAsNonRoot: true` in the pod's `securityContext` (and give the image a non-root numeric `USER`, or set `runAsUser`); Compose: set `user` to a non-root UID.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A container for which neither its own nor the pod's `securityContext` sets `runAsNonRoot: true`, or that (or whose pod) sets it to `false` (the Pod Security Standards' restricted `runAsNonRoot` check; from Kubernetes 1.35 a pod with `hostUsers: false` is exempt, its root being an unprivileged user of the host). A Compose service with no `user`: it runs as the image's `USER`, root unless the image sets another (a service whose `user` is root is PC42202's).",
        why: "`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, whatever the image says; without it one image update that drops `USER` runs the workload as root.",
        fix: "Set `runAsNonRoot: true` at the pod level (it applies to every container), and make sure the image's `USER` is a numeric non-root UID or set `runAsUser`; for Compose set `user: \"10001:10001\"`.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n  containers:\n    - name: app\n      image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform == Platform::Compose {
            for c in &w.containers {
                if c.user.is_some() || c.security.run_as_user.is_some() {
                    continue;
                }
                // With the image scanned, its USER is the service's user.
                let message = match image_of(subject, c) {
                    Some((_, image)) if image.root == Some(false) => continue,
                    Some((reference, image)) if image.root == Some(true) => format!(
                        "{} sets no `user`, and image `{reference}` runs as root ({}): the service runs as root",
                        container_name(w, c),
                        image.user_detail()
                    ),
                    _ => format!(
                        "{} sets no `user`: it runs as the image's USER, which is root unless the image sets another",
                        container_name(w, c)
                    ),
                };
                out.report(message, here(&c.at));
            }
            continue;
        }
        if user_namespace_exempt(subject, w) {
            continue;
        }
        let pod = w.pod.security.run_as_non_root.as_ref();
        if let Some(p) = pod.filter(|p| !p.value) {
            out.report(
                format!(
                    "the pod of {} sets `securityContext.runAsNonRoot: false`",
                    workload_name(w)
                ),
                here(&p.at),
            );
        }
        let pod_true = pod.is_some_and(|p| p.value);
        for c in &w.containers {
            match &c.security.run_as_non_root {
                Some(v) if !v.value => out.report(
                    format!(
                        "{} sets `securityContext.runAsNonRoot: false`",
                        container_name(w, c)
                    ),
                    here(&v.at),
                ),
                Some(_) => {}
                None if pod_true => {}
                None => {
                    let neither = format!(
                        "neither {} nor its pod sets `securityContext.runAsNonRoot: true`",
                        container_name(w, c)
                    );
                    // With the image scanned and no `runAsUser`, the image's
                    // USER is the container's user.
                    let image = image_of(subject, c).filter(|_| w.run_as_user(c).is_none());
                    let message = match image {
                        Some((reference, image)) if image.root == Some(true) => format!(
                            "{neither}, and image `{reference}` runs as root ({}): the container runs as root",
                            image.user_detail()
                        ),
                        Some((reference, image)) if image.root == Some(false) => format!(
                            "{neither}: image `{reference}` runs as a non-root user ({}) today, but nothing stops an image that runs as root",
                            image.user_detail()
                        ),
                        _ => format!("{neither}: it runs as root if its image does"),
                    };
                    out.report(message, here(container_holder(c)));
                }
            }
        }
    }
}

/// The image container `c` runs, when it was scanned with the manifest
/// (`--images`): its reference as written, and what the scan found.
fn image_of<'a>(
    subject: &'a Subject,
    c: &'a portcullis_manifests::model::Container,
) -> Option<(&'a str, &'a crate::together::RunImage)> {
    let reference = c.image.as_ref()?;
    let image = subject.images.as_ref()?.get(&reference.value)?;
    Some((&reference.value, image))
}
