//! The runtime rules (PC42xxx) on manifests: per rule a bad manifest with
//! its exact findings (code, message, line:column, pointer) and a good one
//! with none of any runtime rule; the Compose branches on workloads built
//! here; the rules' own doc examples.

use std::path::Path;
use std::sync::Arc;

use portcullis_manifests::model::{
    Container, ContainerList, Loc, Located, Platform, Pod, Resources, SecurityContext, Volume,
    VolumeSource, Workload,
};
use portcullis_manifests::yaml::{Pos, Span};
use portcullis_manifests::Pointer;
use portcullis_rules::registry::Outcome;
use portcullis_rules::subject::from_workloads;
use portcullis_rules::{Category, Location, Subject, RULES};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/runtime")
        .join(name)
        .display()
        .to_string()
}

fn subject_of(path: &str) -> Subject {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    from_workloads(path, load(path, &bytes))
}

/// The workloads of a Kubernetes manifest or a Compose file (told apart by
/// content, as the CLI does), read on its own.
fn load(path: &str, bytes: &[u8]) -> Vec<Workload> {
    match portcullis_manifests::detect(bytes) {
        Some(Platform::Compose) => {
            portcullis_manifests::compose::load(&portcullis_manifests::compose::ComposeInput {
                files: vec![(Arc::from(path), bytes)],
                dotenv: None,
                environment: Default::default(),
                include: None,
            })
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .workloads
        }
        _ => portcullis_manifests::kubernetes::load(Arc::from(path), bytes)
            .unwrap_or_else(|e| panic!("{path}: {e}")),
    }
}

/// `CODE line:column pointer message` of every runtime finding.
fn findings(subject: &Subject) -> Vec<String> {
    portcullis_rules::check(subject, "t")
        .into_iter()
        .filter(|(rule, _)| rule.category == Category::Runtime)
        .flat_map(|(rule, outcome)| match outcome {
            Outcome::Checked { findings, .. } => findings
                .into_iter()
                .map(|f| match f.location {
                    Location::Manifest {
                        line,
                        column,
                        pointer,
                        document,
                        ..
                    } => format!(
                        "{} {document}:{line}:{column} {pointer} {}",
                        rule.code, f.message
                    ),
                    other => panic!("{other:?}"),
                })
                .collect(),
            Outcome::NotApplicable { .. } => Vec::new(),
        })
        .collect()
}

fn of(code: &str, all: &[String]) -> Vec<String> {
    all.iter()
        .filter(|f| f.starts_with(code))
        .cloned()
        .collect()
}

/// Every bad manifest and its exact findings of its rule (reviewed by hand).
const BAD: &[(&str, &[&str])] = &[
    (
        "PC42101-bad.yaml",
        &[
            "PC42101 0:13:9 /spec/containers/1/securityContext/privileged container `dind` of Pod `runner` runs privileged (`securityContext.privileged` is true): it has every capability and device of the host",
        ],
    ),
    (
        "PC42102-bad.yaml",
        &[
            "PC42102 0:13:15 /spec/jobTemplate/spec/template/spec/initContainers/0 init container `wait-db` of CronJob `backup` does not set `securityContext.allowPrivilegeEscalation: false`: it may gain privileges through setuid binaries",
            "PC42102 0:19:17 /spec/jobTemplate/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation container `backup` of CronJob `backup` sets `securityContext.allowPrivilegeEscalation: true`: setuid binaries can make it root",
        ],
    ),
    (
        "PC42103-bad.yaml",
        &[
            "PC42103 0:18:21 /spec/template/spec/containers/0/securityContext/capabilities/add/0 container `wireguard` of DaemonSet `wireguard` adds capability `NET_ADMIN` in `securityContext.capabilities.add`, outside the baseline set",
            "PC42103 0:18:34 /spec/template/spec/containers/0/securityContext/capabilities/add/1 container `wireguard` of DaemonSet `wireguard` adds capability `SYS_MODULE` in `securityContext.capabilities.add`, outside the baseline set: SYS_MODULE loads code into the host's kernel",
            "PC42103 0:18:57 /spec/template/spec/containers/0/securityContext/capabilities/add/3 container `wireguard` of DaemonSet `wireguard` adds capability `CAP_SETUID` in `securityContext.capabilities.add`, outside the baseline set",
        ],
    ),
    (
        "PC42104-bad.yaml",
        &[
            "PC42104 0:16:13 /spec/template/spec/containers/0/securityContext/capabilities container `envoy` of Deployment `proxy` drops only `NET_RAW`: `securityContext.capabilities.drop` must hold `ALL`",
            "PC42104 0:18:41 /spec/template/spec/containers/0/securityContext/capabilities/add/1 container `envoy` of Deployment `proxy` adds capability `NET_ADMIN` in `securityContext.capabilities.add`: only NET_BIND_SERVICE may be added",
            "PC42104 0:19:11 /spec/template/spec/containers/1 container `exporter` of Deployment `proxy` drops no capabilities: `securityContext.capabilities.drop` must hold `ALL`",
        ],
    ),
    (
        "PC42201-bad.yaml",
        &[
            "PC42201 0:14:9 /spec/template/spec/securityContext/runAsNonRoot the pod of StatefulSet `db` sets `securityContext.runAsNonRoot: false`",
            "PC42201 0:16:11 /spec/template/spec/containers/0 neither container `postgres` of StatefulSet `db` nor its pod sets `securityContext.runAsNonRoot: true`: it runs as root if its image does",
        ],
    ),
    (
        "PC42202-bad.yaml",
        &[
            "PC42202 0:7:5 /spec/securityContext/runAsUser the pod of Pod `tools` sets `securityContext.runAsUser: 0` (root)",
            "PC42202 0:13:9 /spec/containers/0/securityContext/runAsUser container `shell` of Pod `tools` sets `securityContext.runAsUser: 0` (root)",
        ],
    ),
    (
        "PC42203-bad.yaml",
        &[
            "PC42203 0:9:5 /spec/securityContext/fsGroup the pod of Pod `files` sets `securityContext.fsGroup` to 0 (root): its volumes are chowned to group root",
            "PC42203 0:10:32 /spec/securityContext/supplementalGroups/1 the pod of Pod `files` lists group 0 (root) in `securityContext.supplementalGroups`",
            "PC42203 0:15:9 /spec/containers/0/securityContext/runAsGroup container `files` of Pod `files` sets `securityContext.runAsGroup` to 0 (root)",
        ],
    ),
    (
        "PC42204-bad.yaml",
        &[
            "PC42204 0:14:9 /spec/containers/0/securityContext/runAsUser container `app` of Pod `web` will not start: `runAsNonRoot: true` applies to it and its `runAsUser` is 0",
        ],
    ),
    (
        "PC42301-bad.yaml",
        &[
            "PC42301 0:14:7 /spec/template/spec/hostNetwork the pod of DaemonSet `node-exporter` shares the host's network namespace (`hostNetwork: true`)",
            "PC42301 0:15:7 /spec/template/spec/hostPID the pod of DaemonSet `node-exporter` shares the host's process (PID) namespace (`hostPID: true`)",
        ],
    ),
    (
        "PC42302-bad.yaml",
        &[
            "PC42302 0:18:15 /spec/template/spec/containers/0/ports/0/hostPort container `controller` of DaemonSet `ingress` binds port 80 of the node (`hostPort: 80`) for container port 80",
            "PC42302 0:21:15 /spec/template/spec/containers/0/ports/1/hostPort container `controller` of DaemonSet `ingress` binds port 443 of the node (`hostPort: 443`) for container port 443",
        ],
    ),
    (
        "PC42303-bad.yaml",
        &[
            "PC42303 0:22:13 /spec/template/spec/volumes/0/hostPath/path the pod of DaemonSet `log-agent` mounts host path `/var/run/docker.sock` (`hostPath` volume `docker`): the Docker socket: control of every container of the host, root on it in one API call",
            "PC42303 0:26:13 /spec/template/spec/volumes/1/hostPath/path the pod of DaemonSet `log-agent` mounts host path `/` (`hostPath` volume `root`): the host's whole filesystem",
            "PC42303 0:29:13 /spec/template/spec/volumes/2/hostPath/path the pod of DaemonSet `log-agent` mounts host path `/var/log` (`hostPath` volume `logs`)",
        ],
    ),
    (
        "PC42304-bad.yaml",
        &[
            "PC42304 0:11:7 /spec/securityContext/windowsOptions/hostProcess the pod of Pod `win-agent` sets `securityContext.windowsOptions.hostProcess: true`: its containers run as processes of the node",
            "PC42304 0:18:11 /spec/containers/0/securityContext/windowsOptions/hostProcess container `agent` of Pod `win-agent` sets `securityContext.windowsOptions.hostProcess: true`: it runs as a process of the node",
        ],
    ),
    (
        "PC42305-bad.yaml",
        &[
            "PC42305 0:11:11 /spec/containers/0/livenessProbe/httpGet/host the livenessProbe of container `web` of Pod `web` targets host `169.254.169.254`: the kubelet makes that request from the node",
            "PC42305 0:17:13 /spec/containers/0/lifecycle/postStart/tcpSocket/host the postStart of container `web` of Pod `web` targets host `kubelet.local`: the kubelet makes that request from the node",
        ],
    ),
    (
        "PC42401-bad.yaml",
        &[
            "PC42401 0:8:7 /spec/securityContext/seccompProfile/type the pod of Pod `strace` sets `securityContext.seccompProfile.type` to `Unconfined`: its containers make system calls unfiltered",
            "PC42401 0:14:11 /spec/containers/0/securityContext/seccompProfile/type container `strace` of Pod `strace` sets `securityContext.seccompProfile.type` to `Unconfined`: it makes system calls unfiltered",
        ],
    ),
    (
        "PC42402-bad.yaml",
        &[
            "PC42402 0:15:11 /spec/template/spec/containers/0/securityContext neither container `web` of ReplicaSet `web` nor its pod sets `securityContext.seccompProfile.type`: it runs without seccomp unless the node defaults to a profile",
        ],
    ),
    (
        "PC42403-bad.yaml",
        &[
            "PC42403 0:19:15 /spec/template/spec/containers/0/securityContext/appArmorProfile/type container `web` of Deployment `web` sets `securityContext.appArmorProfile.type` to `Unconfined`",
            "PC42403 0:12:9 /spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1web Deployment `web` sets AppArmor profile `unconfined` for container `web` by annotation `container.apparmor.security.beta.kubernetes.io/web`",
        ],
    ),
    (
        "PC42404-bad.yaml",
        &[
            "PC42404 0:8:7 /spec/securityContext/seLinuxOptions/user the pod of Pod `agent` sets SELinux user `system_u` (`seLinuxOptions.user`): it may not be set",
            "PC42404 0:9:7 /spec/securityContext/seLinuxOptions/role the pod of Pod `agent` sets SELinux role `system_r` (`seLinuxOptions.role`): it may not be set",
            "PC42404 0:15:11 /spec/containers/0/securityContext/seLinuxOptions/type container `agent` of Pod `agent` sets SELinux type `spc_t` (`seLinuxOptions.type`): only container_t, container_init_t, container_kvm_t, container_engine_t are allowed",
        ],
    ),
    (
        "PC42405-bad.yaml",
        &[
            "PC42405 0:10:9 /spec/containers/0/securityContext/procMount container `buildkitd` of Pod `buildkit` sets `securityContext.procMount: Unmasked`: the host's kernel entries in /proc are not masked",
        ],
    ),
    (
        "PC42406-bad.yaml",
        &[
            "PC42406 0:15:13 /spec/template/spec/securityContext/sysctls/0/name StatefulSet `redis` sets sysctl `net.core.somaxconn`: it is not in the safe set",
        ],
    ),
    (
        "PC42407-bad.yaml",
        &[
            "PC42407 0:13:11 /spec/template/spec/volumes/0 the pod of Job `import` uses volume `exports` of type `nfs`, outside the restricted set",
            "PC42407 0:19:11 /spec/template/spec/volumes/2 the pod of Job `import` uses volume `source` of type `gitRepo`, outside the restricted set",
        ],
    ),
    (
        "PC42408-bad.yaml",
        &[
            "PC42408 0:11:9 /spec/containers/0/securityContext/procMount container `buildkitd` of Pod `buildkit` sets `securityContext.procMount: Unmasked` in a user-namespaced pod (`hostUsers: false`): baseline allows it, restricted does not",
        ],
    ),
    (
        "PC42501-bad.yaml",
        &[
            "PC42501 0:10:9 /spec/containers/0/securityContext/readOnlyRootFilesystem container `web` of Pod `web` sets `securityContext.readOnlyRootFilesystem: false`: its root filesystem is writable",
            "PC42501 0:11:7 /spec/containers/1 container `sidecar` of Pod `web` does not set `securityContext.readOnlyRootFilesystem: true`: its root filesystem is writable",
        ],
    ),
    (
        "PC42601-bad.yaml",
        &[
            "PC42601 0:15:11 /spec/template/spec/initContainers/0/resources init container `migrate` of Deployment `web` has no CPU limit, CPU request or memory request",
            "PC42601 0:19:11 /spec/template/spec/containers/0 container `web` of Deployment `web` has no CPU limit, memory limit, CPU request or memory request",
        ],
    ),
    (
        "PC42701-bad.yaml",
        // Compose: loopback, one address, `expose` and the host network's
        // ports (lines 16-19, 27-31, 36-38) are not reported.
        &[
            "PC42701 0:7:9 /services/web/ports/0 service `web` publishes 8080->80/tcp on every host interface (no host IP)",
            "PC42701 0:8:9 /services/web/ports/1 service `web` publishes 9090/tcp on a random host port of every host interface (no host IP)",
            "PC42701 0:9:9 /services/web/ports/2 service `web` publishes 9091/tcp on a random host port of every host interface (no host IP)",
            "PC42701 0:10:9 /services/web/ports/3 service `web` publishes 8000-8010->8000-8010/tcp on every host interface (no host IP)",
            "PC42701 0:11:9 /services/web/ports/4 service `web` publishes 7000-7005->22/tcp on every host interface (no host IP)",
            "PC42701 0:12:9 /services/web/ports/5 service `web` publishes 8443->443/tcp on every host interface (host IP 0.0.0.0)",
            "PC42701 0:13:9 /services/web/ports/6 service `web` publishes 8444->443/tcp on every host interface (host IP ::)",
            "PC42701 0:14:9 /services/web/ports/7 service `web` publishes 8445->443/tcp on every host interface (host IP ::)",
            "PC42701 0:15:9 /services/web/ports/8 service `web` publishes 53/udp on a random host port of every host interface (no host IP)",
            "PC42701 0:20:9 /services/web/ports/13 service `web` publishes 18081->8081/tcp on every host interface (no host IP)",
            "PC42701 0:23:18 /services/web/ports/14/host_ip service `web` publishes 18082->8082/tcp on every host interface (host IP 0.0.0.0)",
            "PC42701 0:26:18 /services/web/ports/15/host_ip service `web` publishes 8083/udp on a random host port of every host interface (host IP ::)",
        ],
    ),
    (
        "PC42801-bad.yaml",
        &[
            "PC42801 0:11:5 /spec/template/spec the pod of Deployment `web` does not set `automountServiceAccountToken: false`: its containers get the API token of service account `web` unless that account disables it",
            "PC42801 1:22:3 /spec/automountServiceAccountToken the pod of Pod `debug` sets `automountServiceAccountToken: true`: its containers get the API token of service account `default`",
        ],
    ),
];

#[test]
fn every_rule_has_a_bad_manifest_with_exact_findings() {
    let runtime: Vec<&str> = RULES
        .iter()
        .filter(|r| r.category == Category::Runtime)
        .map(|r| r.code)
        .collect();
    assert_eq!(runtime.len(), 25);
    for code in &runtime {
        assert!(
            BAD.iter().any(|(file, _)| file.starts_with(code)),
            "{code} has no bad manifest"
        );
    }
    for (file, want) in BAD {
        let all = findings(&subject_of(&data(file)));
        assert_eq!(of(&file[..7], &all), *want, "{file}");
    }
}

#[test]
fn good_manifests_get_no_runtime_finding_at_all() {
    let mut good: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/runtime"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with("-good.yaml"))
            .collect();
    good.sort();
    assert_eq!(good.len(), 12);
    for file in good {
        assert_eq!(
            findings(&subject_of(&data(&file))),
            Vec::<String>::new(),
            "{file}"
        );
    }
}

/// Runs `subject` at `version`.
fn at_version(mut subject: Subject, version: (u32, u32)) -> Vec<String> {
    subject.kubernetes_version = version;
    findings(&subject)
}

#[test]
fn versions_decide_what_is_judged() {
    // net.ipv4.tcp_notsent_lowat is safe from 1.37.
    let sysctls = at_version(subject_of(&data("PC42406-bad.yaml")), (1, 32));
    assert_eq!(
        of("PC42406", &sysctls)[1],
        "PC42406 0:19:13 /spec/template/spec/securityContext/sysctls/2/name StatefulSet `redis` sets sysctl `net.ipv4.tcp_notsent_lowat`: it is safe from Kubernetes 1.37, not in 1.32"
    );
    // Probe hosts are judged from 1.34.
    assert!(of(
        "PC42305",
        &at_version(subject_of(&data("PC42305-bad.yaml")), (1, 33))
    )
    .is_empty());
    assert_eq!(
        of(
            "PC42305",
            &at_version(subject_of(&data("PC42305-bad.yaml")), (1, 34))
        )
        .len(),
        2
    );
    // hostUsers: false exempts procMount at baseline from 1.35; before, the baseline rule has it.
    let before = at_version(subject_of(&data("PC42408-bad.yaml")), (1, 34));
    assert_eq!(of("PC42405", &before).len(), 1);
    assert!(of("PC42408", &before).is_empty());
    // container_engine_t is allowed from 1.31.
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      securityContext:\n        seLinuxOptions: {type: container_engine_t}\n";
    let pod = |v| {
        at_version(
            from_workloads(
                "p.yaml",
                portcullis_manifests::kubernetes::load(Arc::from("p.yaml"), text.as_bytes())
                    .expect("loads"),
            ),
            v,
        )
    };
    assert_eq!(
        of("PC42404", &pod((1, 30))),
        ["PC42404 0:8:26 /spec/containers/0/securityContext/seLinuxOptions/type container `c` of Pod `p` sets SELinux type `container_engine_t` (`seLinuxOptions.type`): only container_t, container_init_t, container_kvm_t are allowed"]
    );
    assert!(of("PC42404", &pod((1, 31))).is_empty());
}

#[test]
fn user_namespaces_and_windows_exemptions() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  os: {name: windows}\n  containers:\n    - name: c\n      securityContext:\n        runAsUser: 0\n";
    let subject = || {
        from_workloads(
            "p.yaml",
            portcullis_manifests::kubernetes::load(Arc::from("p.yaml"), text.as_bytes())
                .expect("loads"),
        )
    };
    let now = at_version(subject(), (1, 35));
    for code in [
        "PC42201", "PC42202", "PC42102", "PC42104", "PC42402", "PC42501",
    ] {
        assert!(of(code, &now).is_empty(), "{code}: {now:?}");
    }
    let old = at_version(subject(), (1, 24));
    for code in ["PC42201", "PC42202", "PC42102", "PC42104", "PC42402"] {
        assert_eq!(of(code, &old).len(), 1, "{code}: {old:?}");
    }
}

#[test]
fn each_rules_doc_examples_are_bad_and_good() {
    for rule in RULES.iter().filter(|r| r.category == Category::Runtime) {
        let run = |text: &str| {
            let workloads = load("doc.yaml", text.as_bytes());
            assert!(
                !workloads.is_empty(),
                "{}: the example is a workload",
                rule.code
            );
            of(rule.code, &findings(&from_workloads("doc.yaml", workloads)))
        };
        assert!(
            !run(rule.doc.bad).is_empty(),
            "{}: the bad example is reported",
            rule.code
        );
        assert_eq!(
            run(rule.doc.good),
            Vec::<String>::new(),
            "{}: the good example",
            rule.code
        );
    }
}

fn loc(pointer: &str, line: u32) -> Loc {
    let mut p = Pointer::root();
    for segment in pointer.split('/').skip(1) {
        p = p.at(segment);
    }
    Loc {
        path: Arc::from("compose.yaml"),
        document: 0,
        pointer: p,
        span: Span {
            start: Pos { line, column: 5 },
            end: Pos { line, column: 20 },
        },
    }
}

fn set<T>(value: T, pointer: &str, line: u32) -> Option<Located<T>> {
    Some(Located {
        value,
        at: loc(pointer, line),
    })
}

/// A Compose service as the Compose reader fills the model: `web` with
/// nothing set, so Docker's defaults apply.
fn service() -> Workload {
    let at = loc("/services/web", 2);
    Workload {
        platform: Platform::Compose,
        kind: "service".into(),
        name: "web".into(),
        namespace: None,
        at: at.clone(),
        pod: Pod {
            at: at.clone(),
            host_network: None,
            host_pid: None,
            host_ipc: None,
            host_users: None,
            security: SecurityContext::default(),
            volumes: Vec::new(),
            automount_service_account_token: None,
            service_account_name: None,
            annotations: Vec::new(),
            os: None,
        },
        containers: vec![Container {
            list: ContainerList::Service,
            name: "web".into(),
            at,
            image: set("nginx:1.27".into(), "/services/web/image", 3),
            security: SecurityContext::default(),
            ports: Vec::new(),
            resources: Resources::default(),
            probe_hosts: Vec::new(),
            mounts: Vec::new(),
            user: None,
            build: None,
        }],
    }
}

fn compose(w: Workload) -> Vec<String> {
    findings(&from_workloads("compose.yaml", vec![w]))
}

#[test]
fn compose_defaults_are_dockers() {
    let all = compose(service());
    assert_eq!(
        all,
        [
            "PC42102 0:2:5 /services/web service `web` has no `security_opt: no-new-privileges:true`: Docker lets it gain privileges through setuid binaries",
            "PC42104 0:2:5 /services/web service `web` drops no capabilities: `cap_drop` must hold `ALL`",
            "PC42201 0:2:5 /services/web service `web` sets no `user`: it runs as the image's USER, which is root unless the image sets another",
            "PC42501 0:2:5 /services/web service `web` does not set `read_only: true`: its root filesystem is writable",
            "PC42601 0:2:5 /services/web service `web` has no memory limit (`mem_limit`), CPU limit (`cpus`) or process limit (`pids_limit`)",
        ],
        "no seccomp, AppArmor, token or request findings: Docker confines by default and has no API token"
    );
}

#[test]
fn compose_settings_are_judged() {
    let mut w = service();
    w.pod.host_network = set(true, "/services/web/network_mode", 4);
    w.pod.host_pid = set(true, "/services/web/pid", 5);
    w.pod.host_users = set(true, "/services/web/userns_mode", 6);
    w.pod.volumes = vec![
        Volume {
            name: "/var/run/docker.sock".into(),
            at: loc("/services/web/volumes/0", 8),
            source: VolumeSource::HostPath {
                path: set("/var/run/docker.sock".into(), "/services/web/volumes/0", 8)
                    .expect("set"),
            },
        },
        Volume {
            name: "./src".into(),
            at: loc("/services/web/volumes/1", 9),
            source: VolumeSource::HostPath {
                path: set("/home/dev/project/src".into(), "/services/web/volumes/1", 9)
                    .expect("set"),
            },
        },
    ];
    let c = &mut w.containers[0];
    c.user = set("root".into(), "/services/web/user", 10);
    c.security.privileged = set(true, "/services/web/privileged", 11);
    c.security.seccomp = set("Unconfined".into(), "/services/web/security_opt/0", 12);
    c.security.apparmor = set("Unconfined".into(), "/services/web/security_opt/1", 13);
    c.security.allow_privilege_escalation = set(false, "/services/web/security_opt/2", 14);
    c.security.add = vec![set("sys_admin".into(), "/services/web/cap_add/0", 15).expect("set")];
    c.security.drop = vec![set("all".into(), "/services/web/cap_drop/0", 16).expect("set")];
    c.security.read_only_root_filesystem = set(true, "/services/web/read_only", 17);
    c.resources.limits_memory = set("512m".into(), "/services/web/mem_limit", 18);
    c.resources.limits_cpu = set("0.5".into(), "/services/web/cpus", 19);
    c.resources.limits_pids = set("100".into(), "/services/web/pids_limit", 20);
    assert_eq!(
        compose(w),
        [
            "PC42101 0:11:5 /services/web/privileged service `web` runs privileged (`privileged` is true): it has every capability and device of the host",
            "PC42103 0:15:5 /services/web/cap_add/0 service `web` adds capability `sys_admin` in `cap_add`, outside the baseline set: SYS_ADMIN allows mounts and namespace changes, most of a container escape",
            "PC42104 0:15:5 /services/web/cap_add/0 service `web` adds capability `sys_admin` in `cap_add`: only NET_BIND_SERVICE may be added",
            "PC42202 0:10:5 /services/web/user service `web` runs as root (`user: root`)",
            "PC42301 0:4:5 /services/web/network_mode service `web` shares the host's network namespace (`network_mode: host`)",
            "PC42301 0:5:5 /services/web/pid service `web` shares the host's process (PID) namespace (`pid: host`)",
            "PC42301 0:6:5 /services/web/userns_mode service `web` runs in the host's user namespace (`userns_mode: host`): its root is the host's root",
            "PC42303 0:8:5 /services/web/volumes/0 service `web` bind-mounts host path `/var/run/docker.sock`: the Docker socket: control of every container of the host, root on it in one API call",
            "PC42401 0:12:5 /services/web/security_opt/0 service `web` sets `security_opt: seccomp` to `Unconfined`: it makes system calls unfiltered",
            "PC42403 0:13:5 /services/web/security_opt/1 service `web` sets `security_opt: apparmor` to `Unconfined`",
        ]
    );
}

#[test]
fn kustomize_output_is_read_as_kubectl_renders_it() {
    // The overlay made it restricted; what is left are the controls the
    // standards do not have.
    let all = findings(&subject_of(&data("kustomize/rendered.yaml")));
    assert_eq!(
        all,
        [
            "PC42501 1:33:9 /spec/template/spec/containers/0/securityContext container `api` of Deployment `prod-api` does not set `securityContext.readOnlyRootFilesystem: true`: its root filesystem is writable",
            "PC42601 1:29:9 /spec/template/spec/containers/0 container `api` of Deployment `prod-api` has no CPU limit, memory limit, CPU request or memory request",
            "PC42801 1:27:5 /spec/template/spec the pod of Deployment `prod-api` does not set `automountServiceAccountToken: false`: its containers get the API token of service account `default` unless that account disables it",
        ]
    );
}

#[test]
fn the_pss_lists_and_portcullis_own_controls_cover_every_runtime_rule() {
    use portcullis_rules::rules::runtime::{PSS_BASELINE, PSS_RESTRICTED};
    let own = [
        "PC42203", "PC42204", "PC42501", "PC42601", "PC42701", "PC42801",
    ];
    let mut listed: Vec<&str> = PSS_BASELINE
        .iter()
        .chain(PSS_RESTRICTED)
        .chain(&own)
        .copied()
        .collect();
    listed.sort_unstable();
    let runtime: Vec<&str> = RULES
        .iter()
        .filter(|r| r.category == Category::Runtime)
        .map(|r| r.code)
        .collect();
    assert_eq!(
        listed, runtime,
        "each runtime rule in one list, in code order in the registry"
    );
    for rule in RULES.iter().filter(|r| r.category == Category::Runtime) {
        assert_eq!(
            rule.applies_to,
            [portcullis_rules::SubjectKind::Manifest],
            "{}",
            rule.code
        );
        assert!(rule.code.starts_with("PC42"), "{}", rule.code);
    }
}
