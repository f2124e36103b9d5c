//! The merged project's services, as `Workload`s: each setting to the
//! model's field for it, short and long syntax alike.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::merge::keyed_entries;
use super::tree::{error, Value};
use super::ComposeError;
use crate::model::{
    Container, ContainerList, Loc, Located, Mount, Platform, Pod, Port, Resources, SecurityContext,
    Volume, VolumeSource, Workload,
};

type Notes = Vec<(Loc, String)>;

/// The project directory a bind source is relative to: that of the
/// included project whose file it was written in, else the main one's.
struct Dirs<'a> {
    main: &'a str,
    included: &'a BTreeMap<Arc<str>, String>,
}

impl Dirs<'_> {
    fn of(&self, at: &Loc) -> &str {
        self.included
            .get(&at.path)
            .map_or(self.main, String::as_str)
    }
}

/// Port ranges expand to one port each, as `docker compose config` shows
/// them; a project may not expand to more than this many (memory stays
/// bounded whatever the ranges say).
const MAX_PORTS: usize = 200_000;

pub(crate) fn workloads(
    root: &Value,
    project_dir: &str,
    dirs: &BTreeMap<Arc<str>, String>,
    home: Option<&str>,
    notes: &mut Notes,
) -> Result<Vec<Workload>, ComposeError> {
    let dirs = Dirs {
        main: project_dir,
        included: dirs,
    };
    for key in ["include"] {
        if let Some(v) = root.get(key) {
            notes.push((
                v.at.clone(),
                "`include` is not followed: the included files are not read".into(),
            ));
        }
    }
    let Some(services) = root.get("services") else {
        return Ok(Vec::new());
    };
    if services.is_null() {
        return Ok(Vec::new());
    }
    let Some(entries) = services.as_map() else {
        return Err(error(
            &services.at,
            "`services` must be a mapping of services by name",
        ));
    };
    let mut out = Vec::with_capacity(entries.len());
    let mut port_budget = MAX_PORTS;
    for (name, _, service) in entries {
        if service.as_map().is_none() && !service.is_null() {
            return Err(error(
                &service.at,
                format!("service `{name}` must be a mapping"),
            ));
        }
        out.push(workload(
            name,
            service,
            &dirs,
            home,
            &mut port_budget,
            notes,
        )?);
    }
    Ok(out)
}

fn located_str(v: &Value) -> Option<Located<String>> {
    Some(Located {
        value: v.as_str()?.to_owned(),
        at: v.at.clone(),
    })
}

/// A scalar as text even when it is a number (`cpus: 0.5`).
fn text(service: &Value, key: &str) -> Option<Located<String>> {
    service.get(key).and_then(located_str)
}

/// Booleans as compose-go casts them (YAML 1.2 `true`/`false`, and the
/// YAML 1.1 spellings with a warning, which we make a note).
fn boolean(v: &Value, notes: &mut Notes) -> Result<Located<bool>, ComposeError> {
    let text = v.as_str().unwrap_or_default();
    let value = match text.to_ascii_lowercase().as_str() {
        "true" => true,
        "false" => false,
        "y" | "yes" | "on" => {
            notes.push((
                v.at.clone(),
                format!("{text:?} for a boolean is YAML 1.1: compose reads it as true"),
            ));
            true
        }
        "n" | "no" | "off" => {
            notes.push((
                v.at.clone(),
                format!("{text:?} for a boolean is YAML 1.1: compose reads it as false"),
            ));
            false
        }
        _ => return Err(error(&v.at, format!("{text:?} is not a boolean"))),
    };
    Ok(Located {
        value,
        at: v.at.clone(),
    })
}

fn flag(
    service: &Value,
    key: &str,
    notes: &mut Notes,
) -> Result<Option<Located<bool>>, ComposeError> {
    service
        .get(key)
        .filter(|v| !v.is_null())
        .map(|v| boolean(v, notes))
        .transpose()
}

fn strings(v: &Value) -> Vec<Located<String>> {
    match v.as_seq() {
        Some(items) => items.iter().filter_map(located_str).collect(),
        None => located_str(v).into_iter().collect(),
    }
}

/// Later entries with the same key replace earlier ones in their place,
/// as compose-go's `EnforceUnicity` does.
fn unique<T>(items: Vec<(String, T)>) -> Vec<T> {
    let mut keys: Vec<String> = Vec::new();
    let mut out: Vec<T> = Vec::new();
    for (key, item) in items {
        match keys.iter().position(|k| *k == key) {
            Some(i) => out[i] = item,
            None => {
                keys.push(key);
                out.push(item);
            }
        }
    }
    out
}

fn workload(
    name: &str,
    service: &Value,
    dirs: &Dirs<'_>,
    home: Option<&str>,
    port_budget: &mut usize,
    notes: &mut Notes,
) -> Result<Workload, ComposeError> {
    let at = service.at.clone();
    let host = |key: &str, wanted: &str| {
        service.get(key).and_then(|v| {
            Some(Located {
                value: v.as_str()? == wanted,
                at: v.at.clone(),
            })
        })
    };
    let mut container_security = SecurityContext {
        privileged: flag(service, "privileged", notes)?,
        read_only_root_filesystem: flag(service, "read_only", notes)?,
        ..SecurityContext::default()
    };
    capabilities(service, &mut container_security);
    if let Some(opts) = service.get("security_opt") {
        security_opts(opts, &mut container_security);
    }
    let user = text(service, "user");
    if let Some(user) = &user {
        let (uid, gid) = user.value.split_once(':').unwrap_or((&user.value, ""));
        let number = |s: &str| {
            s.parse::<i64>().ok().map(|value| Located {
                value,
                at: user.at.clone(),
            })
        };
        container_security.run_as_user = number(uid);
        container_security.run_as_group = number(gid);
    }
    let mut pod_security = SecurityContext::default();
    if let Some(sysctls) = service.get("sysctls") {
        pod_security.sysctls = keyed_entries(sysctls.clone())
            .into_iter()
            .map(|(name, key_at, _)| Located {
                value: name,
                at: key_at,
            })
            .collect();
    }
    let (volumes, mounts) = volumes(service, dirs, home, notes)?;
    let pod = Pod {
        at: at.clone(),
        host_network: host("network_mode", "host"),
        host_pid: host("pid", "host"),
        host_ipc: host("ipc", "host"),
        host_users: host("userns_mode", "host"),
        security: pod_security,
        volumes,
        automount_service_account_token: None,
        service_account_name: None,
        annotations: Vec::new(),
        os: None,
    };
    let container = Container {
        list: ContainerList::Service,
        name: name.to_owned(),
        at: at.clone(),
        image: text(service, "image"),
        security: container_security,
        ports: ports(service, port_budget)?,
        resources: resources(service),
        probe_hosts: Vec::new(),
        mounts,
        user,
        build: service
            .get("build")
            .filter(|b| !b.is_null())
            .map(|b| b.at.clone()),
    };
    Ok(Workload {
        platform: Platform::Compose,
        kind: "service".into(),
        name: name.to_owned(),
        namespace: None,
        at,
        pod,
        containers: vec![container],
    })
}

fn capabilities(service: &Value, security: &mut SecurityContext) {
    let unique_caps = |v: &Value| {
        unique(
            strings(v)
                .into_iter()
                .map(|c| (c.value.clone(), c))
                .collect(),
        )
    };
    if let Some(v) = service.get("cap_add") {
        security.capabilities = Some(v.at.clone());
        security.add = unique_caps(v);
    }
    if let Some(v) = service.get("cap_drop") {
        security.capabilities.get_or_insert_with(|| v.at.clone());
        security.drop = unique_caps(v);
    }
}

/// `seccomp:unconfined`, `apparmor=unconfined`, `label:type:spc_t`,
/// `no-new-privileges[:true]`: Docker takes `:` and `=` alike.
fn security_opts(opts: &Value, security: &mut SecurityContext) {
    for opt in strings(opts) {
        let (key, value) = match opt.value.split_once([':', '=']) {
            Some((k, v)) => (k, Some(v)),
            None => (opt.value.as_str(), None),
        };
        let at = opt.at.clone();
        let located = |value: &str| Located {
            value: value.to_owned(),
            at: at.clone(),
        };
        match (key, value) {
            ("seccomp", Some(profile)) => {
                security.seccomp = Some(located(match profile {
                    "unconfined" => "Unconfined",
                    // Docker's own profile, by name.
                    "builtin" | "default" => "RuntimeDefault",
                    _ => "Localhost",
                }));
            }
            ("apparmor", Some(profile)) => {
                security.apparmor = Some(located(match profile {
                    "unconfined" => "Unconfined",
                    "docker-default" => "RuntimeDefault",
                    _ => "Localhost",
                }));
            }
            ("label", Some(label)) => {
                security.selinux.at.get_or_insert_with(|| at.clone());
                match label.split_once(':') {
                    Some(("type", t)) => security.selinux.type_ = Some(located(t)),
                    Some(("user", u)) => security.selinux.user = Some(located(u)),
                    Some(("role", r)) => security.selinux.role = Some(located(r)),
                    Some(("level", l)) => security.selinux.level = Some(located(l)),
                    // `label:disable` runs the container unconfined, which
                    // SELinux policy names spc_t.
                    _ if label == "disable" => security.selinux.type_ = Some(located("spc_t")),
                    _ => {}
                }
            }
            ("no-new-privileges", flag) => {
                let on = match flag {
                    None | Some("true") => true,
                    Some("false") => false,
                    Some(_) => continue,
                };
                security.allow_privilege_escalation = Some(Located { value: !on, at });
            }
            _ => {}
        }
    }
}

fn resources(service: &Value) -> Resources {
    let deploy = service.get("deploy").and_then(|d| d.get("resources"));
    let limits = deploy.and_then(|r| r.get("limits"));
    let reservations = deploy.and_then(|r| r.get("reservations"));
    let from = |v: Option<&Value>, key: &str| v.and_then(|v| v.get(key)).and_then(located_str);
    // deploy.resources wins over the service-level keys, as compose v2
    // applies it last.
    Resources {
        at: deploy.map(|d| d.at.clone()),
        limits_cpu: from(limits, "cpus").or_else(|| text(service, "cpus")),
        limits_memory: from(limits, "memory").or_else(|| text(service, "mem_limit")),
        requests_cpu: from(reservations, "cpus"),
        requests_memory: from(reservations, "memory").or_else(|| text(service, "mem_reservation")),
        limits_pids: from(limits, "pids").or_else(|| text(service, "pids_limit")),
    }
}

fn port_number(text: &str, at: &Loc, what: &str) -> Result<u32, ComposeError> {
    text.parse::<u32>()
        .ok()
        .filter(|&p| p <= 65535)
        .ok_or_else(|| {
            error(
                at,
                format!("{what} {text:?} is not a port number (0-65535)"),
            )
        })
}

/// `80`, `8000-8010`: the first and last port.
fn port_range(text: &str, at: &Loc, what: &str) -> Result<(u32, u32), ComposeError> {
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (port_number(a, at, what)?, port_number(b, at, what)?);
            if b < a {
                return Err(error(
                    at,
                    format!("{what} range {text:?} ends before it starts"),
                ));
            }
            Ok((a, b))
        }
        None => {
            let p = port_number(text, at, what)?;
            Ok((p, p))
        }
    }
}

fn ports(service: &Value, budget: &mut usize) -> Result<Vec<Port>, ComposeError> {
    let Some(list) = service.get("ports") else {
        return Ok(Vec::new());
    };
    let Some(items) = list.as_seq() else {
        return Err(error(&list.at, "`ports` must be a list"));
    };
    let mut keyed = Vec::new();
    for item in items {
        if item.as_map().is_some() {
            let field = |k: &str| {
                item.get(k)
                    .and_then(|v| v.as_str().map(|s| (s.to_owned(), v.at.clone())))
            };
            let Some((target, target_at)) = field("target") else {
                return Err(error(&item.at, "a port in long syntax needs a `target`"));
            };
            let target = Located {
                value: port_number(&target, &target_at, "target")?,
                at: target_at,
            };
            let (published, host_port_last) = match field("published") {
                Some((p, p_at)) => {
                    let (first, last) = port_range(&p, &p_at, "published")?;
                    (
                        Some(Located {
                            value: first,
                            at: p_at,
                        }),
                        Some(last).filter(|&l| l != first),
                    )
                }
                None => (None, None),
            };
            let host_ip = field("host_ip").map(|(value, at)| Located { value, at });
            let protocol = field("protocol").map(|(value, at)| Located { value, at });
            let key = format!(
                "{}:{}:{}/{}",
                host_ip.as_ref().map_or("0.0.0.0", |h| h.value.as_str()),
                field("published").map(|p| p.0).unwrap_or_default(),
                target.value,
                protocol.as_ref().map_or("tcp", |p| p.value.as_str())
            );
            keyed.push((
                key,
                vec![Port {
                    at: item.at.clone(),
                    container_port: Some(target),
                    host_port: published,
                    host_port_last,
                    host_ip,
                    protocol,
                }],
            ));
        } else if let Some(text) = item.as_str() {
            keyed.push((text.to_owned(), short_port(text, &item.at, budget)?));
        } else {
            return Err(error(&item.at, "a port is a string, a number or a mapping"));
        }
    }
    Ok(unique(keyed).into_iter().flatten().collect())
}

/// `[[host_ip:]published:]target[/protocol]`, ranges on either side,
/// an IPv6 host address in brackets: Docker's port spec (go-connections'
/// `nat.ParsePortSpec`, which compose v2 uses). As there, the last two
/// colons part the host side from the target, so `:::8080:80` is host IP
/// `::`, and a host IP must be an address (`::8080:80` is refused).
fn short_port(text: &str, at: &Loc, budget: &mut usize) -> Result<Vec<Port>, ComposeError> {
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((s, p)) => (s, Some(p)),
        None => (text, None),
    };
    let (host_ip, rest) = if let Some(bracketed) = spec.strip_prefix('[') {
        // `[::1]:80` has no published part: Docker refuses it.
        let Some((ip, rest)) = bracketed
            .split_once("]:")
            .filter(|(_, rest)| rest.contains(':'))
        else {
            return Err(error(at, format!("{text:?} is not a port mapping")));
        };
        (Some(ip), rest)
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.len() {
            1 | 2 => (None, spec),
            _ => {
                let Some(cut) = spec.rfind(':').and_then(|last| spec[..last].rfind(':')) else {
                    return Err(error(at, format!("{text:?} is not a port mapping")));
                };
                (Some(&spec[..cut]), &spec[cut + 1..])
            }
        }
    };
    let host_ip = host_ip.filter(|h| !h.is_empty());
    if let Some(ip) = host_ip {
        if ip.parse::<std::net::IpAddr>().is_err() {
            return Err(error(
                at,
                format!("{text:?}: host IP {ip:?} is not an IP address"),
            ));
        }
    }
    let (published, target) = match rest.split_once(':') {
        Some((p, t)) => (Some(p).filter(|p| !p.is_empty()), t),
        None => (None, rest),
    };
    let (t1, t2) = port_range(target, at, "target")?;
    let published = published
        .map(|p| port_range(p, at, "published"))
        .transpose()?;
    let count = usize::try_from(t2 - t1 + 1).unwrap_or(usize::MAX);
    *budget = budget.checked_sub(count).ok_or_else(|| {
        error(
            at,
            format!("the project's port ranges expand to more than {MAX_PORTS} ports"),
        )
    })?;
    let located = |value: u32| Located {
        value,
        at: at.clone(),
    };
    let port = |target: u32, host: Option<u32>, host_last: Option<u32>| Port {
        at: at.clone(),
        container_port: Some(located(target)),
        host_port: host.map(located),
        host_port_last: host_last,
        host_ip: host_ip.map(|h| Located {
            value: h.to_owned(),
            at: at.clone(),
        }),
        protocol: protocol.map(|p| Located {
            value: p.to_owned(),
            at: at.clone(),
        }),
    };
    Ok(match published {
        // A range of host ports for one container port: Docker binds one
        // free port of it.
        Some((p1, p2)) if t1 == t2 => vec![port(t1, Some(p1), Some(p2).filter(|&p| p != p1))],
        Some((p1, p2)) => {
            if p2 - p1 != t2 - t1 {
                return Err(error(
                    at,
                    format!("{text:?}: the published and target ranges differ in length"),
                ));
            }
            (t1..=t2)
                .map(|t| port(t, Some(p1 + (t - t1)), None))
                .collect()
        }
        None => (t1..=t2).map(|t| port(t, None, None)).collect(),
    })
}

/// `/abs` and `./rel` and `~/x` are bind mounts (compose's rule); other
/// sources name volumes.
fn is_path(source: &str) -> bool {
    source.starts_with(['.', '/', '~'])
}

/// A bind source as compose resolves it: `~` to the home directory,
/// relative paths against the project directory, `.` and `..` folded.
pub(crate) fn resolve(source: &str, project_dir: &str, home: Option<&str>) -> String {
    let joined = if let (Some(rest), Some(home)) = (source.strip_prefix('~'), home) {
        format!("{home}{rest}")
    } else if source.starts_with(['/', '~']) || project_dir.is_empty() {
        source.to_owned()
    } else {
        format!("{project_dir}/{source}")
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            p => parts.push(p),
        }
    }
    let path = parts.join("/");
    match (absolute, path.is_empty()) {
        (true, _) => format!("/{path}"),
        (false, true) => ".".to_owned(),
        (false, false) => path,
    }
}

fn volumes(
    service: &Value,
    dirs: &Dirs<'_>,
    home: Option<&str>,
    notes: &mut Notes,
) -> Result<(Vec<Volume>, Vec<Mount>), ComposeError> {
    let mut keyed: Vec<(String, (Volume, Mount))> = Vec::new();
    if let Some(list) = service.get("volumes") {
        let Some(items) = list.as_seq() else {
            return Err(error(&list.at, "`volumes` of a service must be a list"));
        };
        for item in items {
            let (kind, source, target, read_only) = if item.as_map().is_some() {
                let kind = item.get("type").and_then(Value::as_str).unwrap_or("volume");
                let source = item.get("source").and_then(located_str);
                let Some(target) = item.get("target").and_then(located_str) else {
                    return Err(error(&item.at, "a volume in long syntax needs a `target`"));
                };
                let read_only = flag(item, "read_only", notes)?;
                (kind.to_owned(), source, target, read_only)
            } else if let Some(text) = item.as_str() {
                let located = |value: &str| Located {
                    value: value.to_owned(),
                    at: item.at.clone(),
                };
                let parts: Vec<&str> = text.split(':').collect();
                let (source, target, mode) = match parts.as_slice() {
                    [target] => (None, *target, None),
                    [source, target] => (Some(*source), *target, None),
                    [source, target, mode] => (Some(*source), *target, Some(*mode)),
                    _ => {
                        return Err(error(
                            &item.at,
                            format!("{text:?} is not a volume (source:target[:mode])"),
                        ))
                    }
                };
                if target.is_empty() {
                    return Err(error(&item.at, format!("{text:?} has no target path")));
                }
                let kind = match source {
                    Some(s) if is_path(s) => "bind",
                    _ => "volume",
                };
                let read_only = mode.map(|m| Located {
                    value: m.split(',').any(|o| o == "ro"),
                    at: item.at.clone(),
                });
                (
                    kind.to_owned(),
                    source.map(located),
                    located(target),
                    read_only,
                )
            } else {
                return Err(error(&item.at, "a volume is a string or a mapping"));
            };
            let (name, source) = match kind.as_str() {
                "bind" => {
                    let Some(source) = source else {
                        return Err(error(&item.at, "a bind mount needs a `source`"));
                    };
                    let path = resolve(&source.value, dirs.of(&source.at), home);
                    (
                        path.clone(),
                        VolumeSource::HostPath {
                            path: Located {
                                value: path,
                                at: source.at,
                            },
                        },
                    )
                }
                other => (
                    // An anonymous volume or tmpfs is named by its target.
                    source.map_or_else(|| target.value.clone(), |s| s.value),
                    VolumeSource::Other(other.to_owned()),
                ),
            };
            keyed.push((
                target.value.clone(),
                (
                    Volume {
                        name: name.clone(),
                        at: item.at.clone(),
                        source,
                    },
                    Mount {
                        at: item.at.clone(),
                        volume: name,
                        path: target,
                        read_only,
                    },
                ),
            ));
        }
    }
    // `tmpfs: /run` or a list of them (`/run:size=64m`).
    if let Some(tmpfs) = service.get("tmpfs") {
        for t in strings(tmpfs) {
            let target = t.value.split(':').next().unwrap_or_default().to_owned();
            keyed.push((
                target.clone(),
                (
                    Volume {
                        name: target.clone(),
                        at: t.at.clone(),
                        source: VolumeSource::Other("tmpfs".into()),
                    },
                    Mount {
                        at: t.at.clone(),
                        volume: target.clone(),
                        path: Located {
                            value: target,
                            at: t.at.clone(),
                        },
                        read_only: None,
                    },
                ),
            ));
        }
    }
    Ok(unique(keyed).into_iter().unzip())
}
