use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42801",
    name: "service-account-token-mounted",
    title: "A pod mounts a service account token (automountServiceAccountToken is not false)",
    category: Category::Runtime,
    severity: Severity::Low,
    remediation: "Set `automountServiceAccountToken: false` in the pod spec unless the workload calls the Kubernetes API.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A pod spec whose `automountServiceAccountToken` is not `false` (unset counts: the default mounts the token, unless the service account itself says otherwise, which the manifest of the workload does not show). Not a Pod Security Standards control; not judged for Compose.",
        why: "Every container then has a token for the Kubernetes API at `/var/run/secrets/kubernetes.io/serviceaccount`; code execution in any of them becomes API access with the service account's rights, which grow over a cluster's life.",
        fix: "Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount); workloads that call the API should use a dedicated service account with the least rights, mounted explicitly.",
        bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
        good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      containers:\n        - name: app\n          image: registry.example/app:1.4.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform == Platform::Compose {
            continue;
        }
        let account = w
            .pod
            .service_account_name
            .as_ref()
            .map_or("default", |s| s.value.as_str());
        match &w.pod.automount_service_account_token {
            Some(v) if !v.value => {}
            Some(v) => out.report(
                format!(
                    "the pod of {} sets `automountServiceAccountToken: true`: its containers get the API token of service account `{account}`",
                    workload_name(w)
                ),
                here(&v.at),
            ),
            None => out.report(
                format!(
                    "the pod of {} does not set `automountServiceAccountToken: false`: its containers get the API token of service account `{account}` unless that account disables it",
                    workload_name(w)
                ),
                here(&w.pod.at),
            ),
        }
    }
}
