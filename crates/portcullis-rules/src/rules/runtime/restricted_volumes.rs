use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::model::VolumeSource;
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42407",
    name: "restricted-volume-type",
    title: "A pod uses a volume type outside the restricted set",
    category: Category::Runtime,
    severity: Severity::Medium,
    remediation: "Use a PersistentVolumeClaim (or `csi`, `ephemeral`) instead of an in-line volume of that type.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "A pod volume whose type is not `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` or `secret` (the Pod Security Standards' restricted `restrictedVolumes` check): `hostPath`, `nfs`, `gitRepo`, `iscsi`, `rbd`, `cephfs`, cloud disks named in-line… Not judged for Compose, whose volume kinds are named volumes, tmpfs and bind mounts (PC42303's).",
        why: "In-line volume types let the pod's author pick storage the cluster administrator did not provision: a host path, an NFS export, a cloud disk by ID, a git repository cloned by the kubelet as root. Claims go through storage classes the administrator controls.",
        fix: "Provision the storage as a PersistentVolume (or through CSI) and mount it with a `persistentVolumeClaim`.",
        bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n  volumes:\n    - name: shared\n      nfs:\n        server: nfs.example\n        path: /exports/web\n",
        good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.4.2\n  volumes:\n    - name: shared\n      persistentVolumeClaim:\n        claimName: web-shared\n",
    },
    check,
};

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform == Platform::Compose {
            continue;
        }
        for v in &w.pod.volumes {
            let kind = match &v.source {
                VolumeSource::HostPath { .. } => "hostPath",
                VolumeSource::Other(kind) => kind.as_str(),
            };
            if ALLOWED.contains(&kind) {
                continue;
            }
            out.report(
                format!(
                    "the pod of {} uses volume `{}` of type `{kind}`, outside the restricted set",
                    workload_name(w),
                    v.name
                ),
                here(&v.at),
            );
        }
    }
}
