//! Kubernetes manifests: every document of a stream (and every item of a
//! `List`), the workload kinds that hold a pod template, each container of
//! each list, into `Workload`s.
//!
//! Values are read as kubectl reads them: booleans in YAML 1.1 (go-yaml v2
//! decodes manifests, so `yes` and `on` are true); a value of the wrong type
//! (a quoted `"true"` where a boolean goes) is one the API server refuses,
//! and is taken as not set rather than guessed at.

use std::sync::Arc;

use crate::model::{
    Container, ContainerList, Loc, Located, Mount, Platform, Pod, Port, Resources, SeLinux,
    SecurityContext, Volume, VolumeSource, Workload,
};
use crate::pointer::Pointer;
use crate::yaml::{self, Limits, Node, Schema, Span, YamlError};

/// The workloads of a manifest stream (other kinds are skipped).
pub fn load(path: Arc<str>, bytes: &[u8]) -> Result<Vec<Workload>, YamlError> {
    let mut out = Vec::new();
    yaml::for_each_document(bytes, &Limits::default(), |doc| {
        if let Some(root) = &doc.root {
            let at = At {
                path: &path,
                document: doc.index,
            };
            object(&at, root, Pointer::root(), &mut out);
        }
        Ok::<(), YamlError>(())
    })?;
    Ok(out)
}

/// Where in which document a walk is.
struct At<'a> {
    path: &'a Arc<str>,
    document: usize,
}

impl At<'_> {
    fn loc(&self, pointer: Pointer, span: Span) -> Loc {
        Loc {
            path: self.path.clone(),
            document: self.document,
            pointer,
            span,
        }
    }
}

/// The span of a `key: value` entry: the key to the end of the value when
/// the value is a scalar, else the key alone (a mapping's span runs to its
/// last line, too much to point at).
fn entry_span(key: &Node, value: &Node) -> Span {
    if value.as_map().is_none() && value.as_seq().is_none() {
        Span {
            start: key.span.start,
            end: value.span.end,
        }
    } else {
        key.span
    }
}

/// The span of an object that is an item of a list (a container, a
/// volume): its first entry, which is how one names it (`- name: app`).
fn item_span(node: &Node) -> Span {
    match node.as_map().and_then(|m| m.first()) {
        Some((k, v)) => entry_span(k, v),
        None => node.span,
    }
}

/// A value of `map` at `key`, with its location (pointer `base/key`).
struct Field<'n> {
    value: &'n Node,
    at: Loc,
    pointer: Pointer,
}

fn field<'n>(at: &At<'_>, map: &'n Node, base: &Pointer, key: &str) -> Option<Field<'n>> {
    let (k, v) = map.entry(key)?;
    if v.is_null() {
        return None;
    }
    let pointer = base.at(key);
    Some(Field {
        value: v,
        at: at.loc(pointer.clone(), entry_span(k, v)),
        pointer,
    })
}

fn boolean(at: &At<'_>, map: &Node, base: &Pointer, key: &str) -> Option<Located<bool>> {
    let f = field(at, map, base, key)?;
    Some(Located {
        value: f.value.as_bool(Schema::Yaml11)?,
        at: f.at,
    })
}

fn integer(at: &At<'_>, map: &Node, base: &Pointer, key: &str) -> Option<Located<i64>> {
    let f = field(at, map, base, key)?;
    Some(Located {
        value: f.value.as_i64()?,
        at: f.at,
    })
}

fn string(at: &At<'_>, map: &Node, base: &Pointer, key: &str) -> Option<Located<String>> {
    let f = field(at, map, base, key)?;
    Some(Located {
        value: f.value.as_str()?.to_owned(),
        at: f.at,
    })
}

fn text<'n>(map: &'n Node, key: &str) -> Option<&'n str> {
    map.get(key).and_then(Node::as_str)
}

/// Where the pod template is in an object of `kind`, as keys from the root.
fn template_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &[],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        "PodTemplate" => &["template"],
        _ => return None,
    })
}

fn object(at: &At<'_>, node: &Node, pointer: Pointer, out: &mut Vec<Workload>) {
    let Some(kind) = text(node, "kind") else {
        return;
    };
    // `List`, `PodList`, `DeploymentList`…: what `kubectl get -o yaml` prints.
    if kind.ends_with("List") {
        if let Some(items) = node.get("items").and_then(Node::as_seq) {
            let base = pointer.at("items");
            for (i, item) in items.iter().enumerate() {
                object(at, item, base.at(i), out);
            }
        }
        return;
    }
    let Some(keys) = template_path(kind) else {
        return;
    };
    let mut template = node;
    let mut template_pointer = pointer.clone();
    for key in keys {
        let Some(next) = template.get(key) else {
            return;
        };
        template = next;
        template_pointer = template_pointer.at(key);
    }
    let Some(spec) = template.get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    let metadata = node.get("metadata");
    let name = metadata
        .and_then(|m| text(m, "name"))
        .unwrap_or("")
        .to_owned();
    let namespace = metadata
        .and_then(|m| text(m, "namespace"))
        .map(str::to_owned);
    let object_span = match node.entry("kind") {
        Some((k, v)) => entry_span(k, v),
        None => node.span,
    };
    let spec_pointer = template_pointer.at("spec");
    let spec_span = match template.entry("spec") {
        Some((k, _)) => k.span,
        None => template.span,
    };
    let annotations_pointer = template_pointer.at("metadata").at("annotations");
    let annotations = template
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            let key = k.as_str()?;
            Some((
                key.to_owned(),
                Located {
                    value: v.as_str()?.to_owned(),
                    at: at.loc(annotations_pointer.at(key), entry_span(k, v)),
                },
            ))
        })
        .collect();
    let pod = Pod {
        at: at.loc(spec_pointer.clone(), spec_span),
        host_network: boolean(at, spec, &spec_pointer, "hostNetwork"),
        host_pid: boolean(at, spec, &spec_pointer, "hostPID"),
        host_ipc: boolean(at, spec, &spec_pointer, "hostIPC"),
        host_users: boolean(at, spec, &spec_pointer, "hostUsers"),
        security: security_context(at, spec, &spec_pointer),
        volumes: volumes(at, spec, &spec_pointer),
        automount_service_account_token: boolean(
            at,
            spec,
            &spec_pointer,
            "automountServiceAccountToken",
        ),
        service_account_name: string(at, spec, &spec_pointer, "serviceAccountName"),
        annotations,
        os: spec
            .get("os")
            .and_then(|os| string(at, os, &spec_pointer.at("os"), "name")),
    };
    let mut containers = Vec::new();
    // The admission library's order: init containers, containers, ephemeral ones.
    for list in [
        ContainerList::InitContainers,
        ContainerList::Containers,
        ContainerList::EphemeralContainers,
    ] {
        let Some(items) = spec.get(list.key()).and_then(Node::as_seq) else {
            continue;
        };
        let base = spec_pointer.at(list.key());
        for (i, item) in items.iter().enumerate() {
            if item.as_map().is_none() {
                continue;
            }
            containers.push(container(at, item, base.at(i), list));
        }
    }
    out.push(Workload {
        platform: Platform::Kubernetes,
        kind: kind.to_owned(),
        name,
        namespace,
        at: at.loc(pointer, object_span),
        pod,
        containers,
    });
}

fn container(at: &At<'_>, node: &Node, pointer: Pointer, list: ContainerList) -> Container {
    let mut probe_hosts = Vec::new();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = node.get(probe) {
            handler_hosts(at, p, &pointer.at(probe), &mut probe_hosts);
        }
    }
    if let Some(lifecycle) = node.get("lifecycle") {
        let base = pointer.at("lifecycle");
        for hook in ["postStart", "preStop"] {
            if let Some(h) = lifecycle.get(hook) {
                handler_hosts(at, h, &base.at(hook), &mut probe_hosts);
            }
        }
    }
    Container {
        list,
        name: text(node, "name").unwrap_or("").to_owned(),
        at: at.loc(pointer.clone(), item_span(node)),
        image: string(at, node, &pointer, "image"),
        security: security_context(at, node, &pointer),
        ports: ports(at, node, &pointer),
        resources: resources(at, node, &pointer),
        probe_hosts,
        user: None,
        mounts: mounts(at, node, &pointer),
        build: None,
    }
}

/// The non-empty `host` of a handler's `httpGet` and `tcpSocket`.
fn handler_hosts(at: &At<'_>, handler: &Node, base: &Pointer, out: &mut Vec<Located<String>>) {
    for action in ["httpGet", "tcpSocket"] {
        if let Some(a) = handler.get(action) {
            if let Some(host) = string(at, a, &base.at(action), "host") {
                if !host.value.is_empty() {
                    out.push(host);
                }
            }
        }
    }
}

/// The `securityContext` of a pod spec or container (`holder`).
fn security_context(at: &At<'_>, holder: &Node, base: &Pointer) -> SecurityContext {
    let Some(sc) = field(at, holder, base, "securityContext") else {
        return SecurityContext::default();
    };
    let node = sc.value;
    let p = &sc.pointer;
    let typed = |key: &str| {
        node.get(key)
            .and_then(|profile| string(at, profile, &p.at(key), "type"))
    };
    let selinux = match field(at, node, p, "seLinuxOptions") {
        Some(f) => SeLinux {
            type_: string(at, f.value, &f.pointer, "type"),
            user: string(at, f.value, &f.pointer, "user"),
            role: string(at, f.value, &f.pointer, "role"),
            level: string(at, f.value, &f.pointer, "level"),
            at: Some(f.at),
        },
        None => SeLinux::default(),
    };
    let capabilities = field(at, node, p, "capabilities");
    let names = |key: &str| -> Vec<Located<String>> {
        let Some(caps) = &capabilities else {
            return Vec::new();
        };
        let Some((_, list)) = caps.value.entry(key) else {
            return Vec::new();
        };
        let base = caps.pointer.at(key);
        list.as_seq()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                Some(Located {
                    value: item.as_str()?.to_owned(),
                    at: at.loc(base.at(i), item.span),
                })
            })
            .collect()
    };
    let sysctls = match field(at, node, p, "sysctls") {
        Some(f) => f
            .value
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(i, item)| string(at, item, &f.pointer.at(i), "name"))
            .collect(),
        None => Vec::new(),
    };
    let supplemental_groups = match field(at, node, p, "supplementalGroups") {
        Some(f) => f
            .value
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                Some(Located {
                    value: item.as_i64()?,
                    at: at.loc(f.pointer.at(i), item.span),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    SecurityContext {
        run_as_non_root: boolean(at, node, p, "runAsNonRoot"),
        run_as_user: integer(at, node, p, "runAsUser"),
        run_as_group: integer(at, node, p, "runAsGroup"),
        fs_group: integer(at, node, p, "fsGroup"),
        supplemental_groups,
        seccomp: typed("seccompProfile"),
        apparmor: typed("appArmorProfile"),
        selinux,
        sysctls,
        host_process: node
            .get("windowsOptions")
            .and_then(|w| boolean(at, w, &p.at("windowsOptions"), "hostProcess")),
        privileged: boolean(at, node, p, "privileged"),
        allow_privilege_escalation: boolean(at, node, p, "allowPrivilegeEscalation"),
        read_only_root_filesystem: boolean(at, node, p, "readOnlyRootFilesystem"),
        proc_mount: string(at, node, p, "procMount"),
        add: names("add"),
        drop: names("drop"),
        capabilities: capabilities.map(|c| c.at),
        at: Some(sc.at),
    }
}

fn volumes(at: &At<'_>, spec: &Node, base: &Pointer) -> Vec<Volume> {
    let Some(items) = spec.get("volumes").and_then(Node::as_seq) else {
        return Vec::new();
    };
    let base = base.at("volumes");
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let pointer = base.at(i);
            let entries = item.as_map()?;
            // A volume is its name and one source key.
            let (key, value) = entries.iter().find(|(k, _)| k.as_str() != Some("name"))?;
            let kind = key.as_str()?;
            let source = if kind == "hostPath" {
                let source_pointer = pointer.at("hostPath");
                VolumeSource::HostPath {
                    path: string(at, value, &source_pointer, "path").unwrap_or(Located {
                        value: String::new(),
                        at: at.loc(source_pointer, key.span),
                    }),
                }
            } else {
                VolumeSource::Other(kind.to_owned())
            };
            Some(Volume {
                name: text(item, "name").unwrap_or("").to_owned(),
                at: at.loc(pointer, item_span(item)),
                source,
            })
        })
        .collect()
}

fn ports(at: &At<'_>, container: &Node, base: &Pointer) -> Vec<Port> {
    let Some(items) = container.get("ports").and_then(Node::as_seq) else {
        return Vec::new();
    };
    let base = base.at("ports");
    let number = |item: &Node, p: &Pointer, key: &str| {
        let v = integer(at, item, p, key)?;
        Some(Located {
            value: u32::try_from(v.value).ok()?,
            at: v.at,
        })
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.as_map().is_some())
        .map(|(i, item)| {
            let p = base.at(i);
            Port {
                at: at.loc(p.clone(), item_span(item)),
                container_port: number(item, &p, "containerPort"),
                host_port: number(item, &p, "hostPort"),
                host_port_last: None,
                host_ip: string(at, item, &p, "hostIP"),
                protocol: string(at, item, &p, "protocol"),
            }
        })
        .collect()
}

/// `volumeMounts`: which pod volume is mounted where, and whether read-only.
fn mounts(at: &At<'_>, container: &Node, base: &Pointer) -> Vec<Mount> {
    let Some(items) = container.get("volumeMounts").and_then(Node::as_seq) else {
        return Vec::new();
    };
    let base = base.at("volumeMounts");
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let p = base.at(i);
            Some(Mount {
                at: at.loc(p.clone(), item_span(item)),
                volume: text(item, "name")?.to_owned(),
                path: string(at, item, &p, "mountPath")?,
                read_only: boolean(at, item, &p, "readOnly"),
            })
        })
        .collect()
}

fn resources(at: &At<'_>, container: &Node, base: &Pointer) -> Resources {
    let Some(r) = field(at, container, base, "resources") else {
        return Resources::default();
    };
    let quantity = |group: &str, key: &str| {
        let g = r.value.get(group)?;
        string(at, g, &r.pointer.at(group), key)
    };
    Resources {
        limits_cpu: quantity("limits", "cpu"),
        limits_memory: quantity("limits", "memory"),
        requests_cpu: quantity("requests", "cpu"),
        requests_memory: quantity("requests", "memory"),
        limits_pids: None,
        at: Some(r.at),
    }
}

/// What the first document that is a mapping says the stream is.
pub(crate) fn detect(bytes: &[u8]) -> Option<Platform> {
    struct Stop(Option<Platform>);
    impl From<YamlError> for Stop {
        fn from(_: YamlError) -> Self {
            Stop(None)
        }
    }
    let result = yaml::for_each_document(bytes, &Limits::default(), |doc| {
        let Some(root) = doc.root.as_ref().filter(|r| r.as_map().is_some()) else {
            return Ok(());
        };
        Err(Stop(judge(root)))
    });
    match result {
        Ok(()) => None,
        Err(Stop(platform)) => platform,
    }
}

/// The top-level keys of the Compose specification.
const COMPOSE_KEYS: &[&str] = &[
    "version", "name", "include", "services", "networks", "volumes", "configs", "secrets", "models",
];

fn judge(root: &Node) -> Option<Platform> {
    if root.get("apiVersion").is_some() && root.get("kind").is_some() {
        return Some(Platform::Kubernetes);
    }
    if root.get("apiVersion").is_some() || root.get("kind").is_some() {
        return None;
    }
    if root.get("services").is_some_and(|s| s.as_map().is_some()) {
        return Some(Platform::Compose);
    }
    let entries = root.as_map()?;
    let compose_only = !entries.is_empty()
        && entries.iter().all(|(k, _)| {
            k.as_str()
                .is_some_and(|k| COMPOSE_KEYS.contains(&k) || k.starts_with("x-"))
        })
        // `version` alone (or `name`) says nothing.
        && entries.iter().any(|(k, _)| {
            matches!(
                k.as_str(),
                Some("include" | "networks" | "volumes" | "configs" | "secrets")
            )
        });
    compose_only.then_some(Platform::Compose)
}
