//! What the runtime rules read: workloads, their pod-level settings and
//! their containers, each value with the place it was written. Kubernetes
//! objects and Compose services both become `Workload`s, so one rule module
//! judges both; `Platform` tells a rule whose defaults apply (an unset
//! seccomp profile is Unconfined to the Pod Security Standards, Docker's
//! default profile to Compose).
//!
//! A setting that is absent is `None` (or an empty list); the rule then
//! reports at the object that should hold it (`at` of the enclosing
//! struct), as RUNTIME.md asks.

use std::sync::Arc;

use crate::pointer::Pointer;
use crate::yaml::Span;

/// Where a value (or the object that should hold a missing one) is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    /// The file, as given (`-` for standard input).
    pub path: Arc<str>,
    /// 0-based index of the document in a multi-document stream.
    pub document: usize,
    /// JSON pointer into that document.
    pub pointer: Pointer,
    pub span: Span,
}

/// A value and where it was written.
impl Loc {
    /// `path:line:column` of where the value starts, as one-line errors
    /// and reasons name a place.
    pub fn place(&self) -> String {
        format!(
            "{}:{}:{}",
            self.path, self.span.start.line, self.span.start.column
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    Kubernetes,
    Compose,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Kubernetes => "kubernetes",
            Platform::Compose => "compose",
        }
    }
}

/// A Kubernetes object with a pod template (or a Pod), or a Compose service.
#[derive(Clone, Debug)]
pub struct Workload {
    pub platform: Platform,
    /// `Deployment`, `CronJob`, `Pod`…; `service` for Compose.
    pub kind: String,
    /// `metadata.name`, or the Compose service's name.
    pub name: String,
    pub namespace: Option<String>,
    /// The object (a document's root, an item of a `List`, a service).
    pub at: Loc,
    pub pod: Pod,
    pub containers: Vec<Container>,
}

/// Settings of the whole pod (Compose: of the service, where they are
/// pod-level in Kubernetes).
impl Workload {
    /// The UID the manifest runs container `c` as: its own `runAsUser`,
    /// else the pod's (Compose: a numeric `user`); `None`: the image's
    /// `USER` decides.
    pub fn run_as_user<'a>(&'a self, c: &'a Container) -> Option<&'a Located<i64>> {
        c.security
            .run_as_user
            .as_ref()
            .or(self.pod.security.run_as_user.as_ref())
    }

    /// `runAsNonRoot` as it applies to container `c`: its own, else the pod's.
    pub fn run_as_non_root<'a>(&'a self, c: &'a Container) -> Option<&'a Located<bool>> {
        c.security
            .run_as_non_root
            .as_ref()
            .or(self.pod.security.run_as_non_root.as_ref())
    }
}

#[derive(Clone, Debug)]
pub struct Pod {
    /// The pod spec (`/spec/template/spec`, `/spec`, a Compose service).
    pub at: Loc,
    pub host_network: Option<Located<bool>>,
    pub host_pid: Option<Located<bool>>,
    pub host_ipc: Option<Located<bool>>,
    /// `hostUsers` (Kubernetes); Compose `userns_mode: host` is `true`.
    pub host_users: Option<Located<bool>>,
    pub security: SecurityContext,
    pub volumes: Vec<Volume>,
    pub automount_service_account_token: Option<Located<bool>>,
    pub service_account_name: Option<Located<String>>,
    /// The pod template's annotations (the legacy seccomp and AppArmor
    /// annotations are read by older Kubernetes versions).
    pub annotations: Vec<(String, Located<String>)>,
    /// `spec.os.name`.
    pub os: Option<Located<String>>,
}

/// A `securityContext`, pod- or container-level; Compose settings land in
/// the same fields (`privileged`, `cap_add`, `security_opt`, `read_only`…).
#[derive(Clone, Debug, Default)]
pub struct SecurityContext {
    /// The `securityContext` object itself, when it is there.
    pub at: Option<Loc>,
    pub run_as_non_root: Option<Located<bool>>,
    pub run_as_user: Option<Located<i64>>,
    pub run_as_group: Option<Located<i64>>,
    /// Pod-level only.
    pub fs_group: Option<Located<i64>>,
    /// Pod-level only.
    pub supplemental_groups: Vec<Located<i64>>,
    /// `seccompProfile.type` (`RuntimeDefault`, `Localhost`, `Unconfined`);
    /// Compose `security_opt: seccomp:unconfined` is `Unconfined`, a
    /// profile file `Localhost`.
    pub seccomp: Option<Located<String>>,
    /// `appArmorProfile.type`; Compose `apparmor:unconfined` is `Unconfined`.
    pub apparmor: Option<Located<String>>,
    pub selinux: SeLinux,
    /// Pod-level only: `name` (the value is not judged).
    pub sysctls: Vec<Located<String>>,
    /// `windowsOptions.hostProcess`.
    pub host_process: Option<Located<bool>>,
    /// Container-level only, these four.
    pub privileged: Option<Located<bool>>,
    /// Compose: `no-new-privileges:true` in `security_opt` is `false`.
    pub allow_privilege_escalation: Option<Located<bool>>,
    pub read_only_root_filesystem: Option<Located<bool>>,
    pub proc_mount: Option<Located<String>>,
    /// `capabilities` (Compose: `cap_add`/`cap_drop`), as written (`NET_RAW`,
    /// `CAP_NET_RAW`, `all`): rules normalise.
    pub capabilities: Option<Loc>,
    pub add: Vec<Located<String>>,
    pub drop: Vec<Located<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct SeLinux {
    pub at: Option<Loc>,
    pub type_: Option<Located<String>>,
    pub user: Option<Located<String>>,
    pub role: Option<Located<String>>,
    pub level: Option<Located<String>>,
}

#[derive(Clone, Debug)]
pub struct Volume {
    pub name: String,
    pub at: Loc,
    pub source: VolumeSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeSource {
    /// A path of the host (Kubernetes `hostPath`, a Compose bind mount).
    HostPath { path: Located<String> },
    /// Any other kind, by its Kubernetes key (`emptyDir`, `configMap`,
    /// `persistentVolumeClaim`…) or Compose type (`volume`, `tmpfs`).
    Other(String),
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
    /// The container of a Compose service.
    Service,
}

impl ContainerList {
    /// The pod spec's key for the list (Compose: `service`).
    pub fn key(self) -> &'static str {
        match self {
            ContainerList::Containers => "containers",
            ContainerList::InitContainers => "initContainers",
            ContainerList::EphemeralContainers => "ephemeralContainers",
            ContainerList::Service => "service",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub list: ContainerList,
    pub name: String,
    /// The container object (Compose: the service).
    pub at: Loc,
    pub image: Option<Located<String>>,
    pub security: SecurityContext,
    pub ports: Vec<Port>,
    pub resources: Resources,
    /// `host` of probes' `httpGet`/`tcpSocket` and of lifecycle handlers.
    pub probe_hosts: Vec<Located<String>>,
    /// Where the container mounts volumes of `Pod::volumes` (Kubernetes
    /// `volumeMounts`; Compose `volumes` targets), in the order written.
    pub mounts: Vec<Mount>,
    /// Compose `user` as written (`root`, `1000`, `1000:1000`, `app`); the
    /// numeric parts are also in `security.run_as_user`/`run_as_group`.
    pub user: Option<Located<String>>,
    /// Compose `build:`: the image is built from source where the project
    /// runs, not pulled (it may be tagged with `image:`); `None` for
    /// Kubernetes.
    pub build: Option<Loc>,
}

/// A volume mounted into a container.
#[derive(Clone, Debug)]
pub struct Mount {
    pub at: Loc,
    /// `Volume::name` of the pod's volume mounted here.
    pub volume: String,
    /// The path in the container (`mountPath`, Compose `target`).
    pub path: Located<String>,
    /// `readOnly`, Compose `:ro` / `read_only`.
    pub read_only: Option<Located<bool>>,
}

/// A port the container declares, or (Compose) publishes.
#[derive(Clone, Debug)]
pub struct Port {
    pub at: Loc,
    /// The port in the container (`containerPort`, Compose `target`).
    pub container_port: Option<Located<u32>>,
    /// The port on the host (`hostPort`, Compose `published`: the first of
    /// a range).
    pub host_port: Option<Located<u32>>,
    /// Compose: the last port of a range of host ports given for one
    /// container port (`"7000-7005:22"`, `published: "7000-7005"`), from
    /// which Docker takes one that is free; `None` for a single port.
    pub host_port_last: Option<u32>,
    /// Compose `host_ip` / `127.0.0.1:8080:80` (without the brackets of
    /// `[::1]:8080:80`); `hostIP`. `None` when not written, which Docker
    /// reads as every interface.
    pub host_ip: Option<Located<String>>,
    /// `TCP`, `UDP`, `SCTP` as written (lowercase in Compose).
    pub protocol: Option<Located<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Resources {
    /// The `resources` object (Compose: `deploy.resources`), when it is there.
    pub at: Option<Loc>,
    pub limits_cpu: Option<Located<String>>,
    pub limits_memory: Option<Located<String>>,
    pub requests_cpu: Option<Located<String>>,
    pub requests_memory: Option<Located<String>>,
    /// Compose `pids_limit` / `deploy.resources.limits.pids`.
    pub limits_pids: Option<Located<String>>,
}
