//! The six "port might be exposed" rules share one check: a declared port
//! (or range) that covers the service's port and protocol, or a container
//! command that starts the service's daemon without declaring the port.

pub mod boot;
pub mod ftp;
pub mod rdp;
pub mod rlogin;
pub mod rsh;
pub mod ssh;
pub mod telnet;

use crate::finding::Findings;
use crate::subject::{Arg, Command, Setting, Subject};
use crate::util::{
    basename, parse_config_port_key, parse_port_spec, program_index, shell_commands,
};

/// A network service that should not be reachable in a container.
pub(crate) struct Service {
    pub name: &'static str,
    pub ports: &'static [(u16, &'static str)],
    /// Program names (basenames) of its daemons.
    pub daemons: &'static [&'static str],
    /// Names it goes by for `service NAME start` and `/etc/init.d/NAME`.
    pub init_names: &'static [&'static str],
}

impl Service {
    /// The end of every fix: what to do instead of the server.
    fn dont_run(&self) -> String {
        format!(
            "do not run the {} server in the container; {}",
            self.name,
            self.instead()
        )
    }

    fn instead(&self) -> &'static str {
        "use `docker exec`/`kubectl exec` or a purpose-built, authenticated service instead."
    }
}

pub(crate) fn check(subject: &Subject, out: &mut Findings, service: &Service) {
    if subject.kind == crate::subject::SubjectKind::Lxd {
        if let Some(image) = &subject.image {
            boot::check(image, out, service);
        }
        return;
    }
    if let Some(workloads) = &subject.workloads {
        in_manifest(workloads, out, service);
        return;
    }
    let mut declared = false;
    for &(port, proto) in service.ports {
        // One finding per port: an exact declaration (`22/tcp`) rather than a
        // range that also covers it (`20-25/tcp`), else the first range.
        let mut matches: Vec<(&Arg, &Option<usize>, crate::util::PortRange)> = subject
            .runtime
            .exposed
            .iter()
            .filter(|(spec, _)| !spec.text.is_empty())
            .filter_map(|(spec, step)| {
                let range = match subject.image {
                    Some(_) => parse_config_port_key(&spec.text)?,
                    None => parse_port_spec(&spec.text)?,
                };
                Some((spec, step, range))
            })
            .filter(|(_, _, range)| range.contains(port, proto))
            .collect();
        if subject.image.is_some() {
            matches.sort_by_key(|(_, _, range)| range.is_range());
            matches.truncate(1);
        }
        for (spec, step, range) in matches {
            declared = true;
            let how = if range.is_range() {
                format!(" by the range {}", spec.text)
            } else if spec.text.contains(':') {
                format!(" (EXPOSE {} maps it from the host)", spec.raw)
            } else if spec.text != spec.raw {
                format!(" (EXPOSE {})", spec.raw)
            } else {
                String::new()
            };
            let declared_by = step
                .filter(|_| subject.image.is_some())
                .and_then(|i| subject.steps.get(i));
            let fix = match (subject.image.is_some(), declared_by) {
                // The config keeps every port the image and its base declared;
                // a later build cannot take one out.
                (true, Some(s)) if s.inherited => format!(
                    "The base image declares {port}/{proto}, and a build on it cannot undeclare it: start from a base that does not expose it, and {}",
                    service.dont_run()
                ),
                (true, _) => format!(
                    "Rebuild the image without {port}/{proto} in its Dockerfile's EXPOSE (the related history entry declared it), and {}",
                    service.dont_run()
                ),
                (false, _) if range.is_range() => format!(
                    "Narrow the range `{}` in EXPOSE so that it leaves out {port}/{proto}, and {}",
                    spec.raw,
                    service.dont_run()
                ),
                (false, _) => format!(
                    "Remove the {} port from EXPOSE and {}",
                    service.name,
                    service.dont_run()
                ),
            };
            out.report_with_fix(
                format!("port {port}/{proto} ({}) is exposed{how}", service.name),
                spec.at.clone(),
                declared_by
                    .map(|s| s.at.location.clone())
                    .into_iter()
                    .collect(),
                fix,
            );
        }
    }
    if declared {
        return;
    }
    for (kind, setting) in [
        ("ENTRYPOINT", &subject.runtime.entrypoint),
        ("CMD", &subject.runtime.cmd),
    ] {
        let Setting::Set { value, step } = setting else {
            continue;
        };
        if let Some((daemon, at)) = started_daemon(subject, value, service) {
            let ports: Vec<String> = service
                .ports
                .iter()
                .map(|(p, proto)| format!("{p}/{proto}"))
                .collect();
            // Images: the config field, related to the history entry that set it.
            let (at, related) = match subject.image {
                Some(_) => {
                    let field = if kind == "CMD" { "Cmd" } else { "Entrypoint" };
                    let at = crate::Located::new(crate::Location::Config {
                        pointer: format!("/config/{field}"),
                    });
                    (
                        at,
                        step.and_then(|i| subject.steps.get(i))
                            .map(|s| s.at.location.clone())
                            .into_iter()
                            .collect(),
                    )
                }
                None => (at, Vec::new()),
            };
            out.report_with_fix(
                format!(
                    "{kind} starts {daemon} (the {} server), which listens on {} although no EXPOSE declares it",
                    service.name,
                    ports.join(" and "),
                ),
                at,
                related,
                format!(
                    "Make {kind} run the application rather than the {} server, and remove the server from the image; {}",
                    service.name,
                    service.instead()
                ),
            );
            return;
        }
    }
}

/// Kubernetes container ports and Compose published ports: the same
/// meaning as EXPOSE, on the manifest that runs the container. The port is
/// the container's (`containerPort`, Compose `target`): that is where the
/// server listens, whatever host port maps to it.
fn in_manifest(
    workloads: &[portcullis_manifests::Workload],
    out: &mut Findings,
    service: &Service,
) {
    use portcullis_manifests::Platform;
    for workload in workloads {
        for container in &workload.containers {
            for declared in &container.ports {
                let Some(target) = &declared.container_port else {
                    continue;
                };
                // Kubernetes protocols are upper case, TCP by default; Compose's lower case.
                let protocol = declared
                    .protocol
                    .as_ref()
                    .map_or("tcp".to_owned(), |p| p.value.to_ascii_lowercase());
                let Some(&(port, proto)) = service
                    .ports
                    .iter()
                    .find(|(p, pr)| u32::from(*p) == target.value && *pr == protocol)
                else {
                    continue;
                };
                let (how, fix) = match workload.platform {
                    Platform::Kubernetes => (
                        format!(
                            "is declared by container `{}` of {} `{}`",
                            container.name, workload.kind, workload.name
                        ),
                        format!(
                            "Remove the {} port from the container's `ports` and {}",
                            service.name,
                            service.dont_run()
                        ),
                    ),
                    Platform::Compose => (
                        match &declared.host_port {
                            Some(h) => format!(
                                "is published by service `{}` on host port {}",
                                workload.name, h.value
                            ),
                            None => format!(
                                "is published by service `{}` on a host port Docker picks",
                                workload.name
                            ),
                        },
                        format!(
                            "Remove the {} port from the service's `ports` and {}",
                            service.name,
                            service.dont_run()
                        ),
                    ),
                };
                out.report_with_fix(
                    format!("port {port}/{proto} ({}) {how}", service.name),
                    crate::Located::new(crate::subject::manifest_location(&target.at)),
                    Vec::new(),
                    fix,
                );
            }
        }
    }
}

/// How `command` starts the service (`` `sshd` ``, "the `ssh` service") and where.
fn started_daemon(
    subject: &Subject,
    command: &Command,
    service: &Service,
) -> Option<(String, crate::Located)> {
    let matches = |words: &[&str]| -> Option<(usize, String)> {
        let p = program_index(words)?;
        let program = basename(words[p]);
        if service.daemons.contains(&program) {
            return Some((p, format!("`{}`", words[p])));
        }
        if let Some(init) = words[p].strip_prefix("/etc/init.d/") {
            if service.init_names.contains(&init) {
                return Some((p, format!("the `{init}` service")));
            }
        }
        if program == "service"
            && words
                .get(p + 1)
                .is_some_and(|n| service.init_names.contains(n))
        {
            return Some((p + 1, format!("the `{}` service", words[p + 1])));
        }
        None
    };
    let script = |arg: &Arg| {
        shell_commands(&arg.raw).into_iter().find_map(|words| {
            let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            let (i, what) = matches(&texts)?;
            Some((what, subject.locate(arg, words[i].start, words[i].end)))
        })
    };
    match command {
        Command::Shell(arg) => script(arg),
        Command::Exec(argv) => {
            let texts: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
            if texts.len() >= 3
                && matches!(basename(texts[0]), "sh" | "bash" | "ash" | "dash")
                && texts[1] == "-c"
            {
                return script(&argv[2]);
            }
            let (i, what) = matches(&texts)?;
            Some((what, argv[i].at.clone()))
        }
    }
}

/// Declares one port rule: its module gets `RULE` and `SERVICE`.
macro_rules! port_rule {
    (
        code: $code:literal, name: $name:literal, service: $service:literal,
        ports: $ports:expr, daemons: $daemons:expr, init_names: $init:expr,
        what_extra: $what:literal, why: $why:literal, bad: $bad:literal, good: $good:literal $(,)?
    ) => {
        use crate::finding::{Category, Findings, Severity};
        use crate::registry::{Doc, Rule};
        use crate::subject::{Subject, SubjectKind};

        pub(crate) static SERVICE: super::Service = super::Service {
            name: $service,
            ports: $ports,
            daemons: $daemons,
            init_names: $init,
        };

        pub static RULE: Rule = Rule {
            code: $code,
            name: $name,
            title: concat!("Image might expose the ", $service, " port"),
            category: Category::ContainerSecurity,
            severity: Severity::High,
            remediation: concat!(
                "Remove the ", $service, " port from EXPOSE and do not run the ", $service,
                " server in the container; use `docker exec`/`kubectl exec` or a purpose-built, authenticated service instead."
            ),
            applies_to: &[
                SubjectKind::Dockerfile,
                SubjectKind::Image,
                SubjectKind::Lxd,
                SubjectKind::Manifest,
            ],
            doc: Doc {
                what: concat!(
                    "The image declares the ", $service, " port (", $what, ") with `EXPOSE`, directly or inside a range such as `EXPOSE 20-25`, ",
                    "or its `CMD`/`ENTRYPOINT` starts a ", $service, " server without declaring the port. A port without a protocol is TCP; ",
                    "the same number over another protocol is a different service and is not reported. Variables are expanded from their defaults. ",
                    "In an image, the keys of the config's `ExposedPorts`, related to the history entry that declared them, and the config's `Cmd`/`Entrypoint`. ",
                    "In an LXD image (a system container, which boots an init system and declares no ports), what it starts at boot: systemd units enabled under ",
                    "`/etc/systemd/system/*.wants/` whose `ExecStart` runs the server or, for socket units, whose `ListenStream`/`ListenDatagram` is on the port; ",
                    "`/etc/inetd.conf` lines and enabled `/etc/xinetd.d` services for the port or the server; SysV `/etc/rc[2-5S].d/S*` links. Located at the unit or configuration file."
                ),
                why: $why,
                fix: concat!(
                    "Take the port out of `EXPOSE` and the server out of the image. Containers are reached through the orchestrator ",
                    "(`docker exec`, `kubectl exec`, port-forwarding) or through the application's own authenticated API. ",
                    "A port an image's base declares cannot be undeclared by a later build: choose another base. ",
                    "In an LXD image, disable what starts the server at boot (the unit's link under `*.wants/`, the `inetd.conf` line, ",
                    "`disable = yes` for the xinetd service, the rc link) and reach the container with `lxc exec`. ",
                    "Each finding's fix says which, for where it was found."
                ),
                bad: $bad,
                good: $good,
            },
            check,
        };

        fn check(subject: &Subject, out: &mut Findings) {
            super::check(subject, out, &SERVICE);
        }
    };
}
pub(crate) use port_rule;
