//! `compose::load` against the reference on this machine: Debian's
//! `docker-compose` 1.29.2 and its `config`, on the committed projects of
//! tests/data/compose/. Both are read into Workloads (docker-compose's
//! output by our own loader, it being a Compose file already merged and
//! interpolated) and the effective settings compared per service.
//!
//! `PORTCULLIS_REFERENCE_TESTS=required` makes a missing docker-compose a
//! failure; otherwise the test says why it skips.
//!
//! Where v1 and the Compose specification (v2) differ, the projects keep
//! to what both do, and the difference is tested in tests/compose.rs
//! instead: v1 knows neither `!reset` nor `!override`, refuses `host_ip`
//! in long port syntax, and appends `/tcp` and `:rw` in its output (here
//! read as the defaults they are). `extends` is compared within a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use portcullis_manifests::compose::{load, ComposeInput};
use portcullis_manifests::model::VolumeSource;

fn required() -> bool {
    std::env::var("PORTCULLIS_REFERENCE_TESTS").as_deref() == Ok("required")
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose")
}

/// What is compared, per service, in a stable order.
fn summary(input: &ComposeInput<'_>) -> BTreeMap<String, Vec<String>> {
    let project = load(input).unwrap_or_else(|e| panic!("loads: {e}"));
    let mut out = BTreeMap::new();
    for w in &project.workloads {
        let c = &w.containers[0];
        let s = &c.security;
        let mut facts = vec![
            format!("image={:?}", c.image.as_ref().map(|i| &i.value)),
            format!("user={:?}", c.user.as_ref().map(|u| &u.value)),
            format!("privileged={:?}", s.privileged.as_ref().map(|v| v.value)),
            format!(
                "read_only={:?}",
                s.read_only_root_filesystem.as_ref().map(|v| v.value)
            ),
            format!("seccomp={:?}", s.seccomp.as_ref().map(|v| &v.value)),
            format!("apparmor={:?}", s.apparmor.as_ref().map(|v| &v.value)),
            format!(
                "selinux_type={:?}",
                s.selinux.type_.as_ref().map(|v| &v.value)
            ),
            format!(
                "allow_privilege_escalation={:?}",
                s.allow_privilege_escalation.as_ref().map(|v| v.value)
            ),
            format!(
                "host_network={:?}",
                w.pod.host_network.as_ref().map(|v| v.value)
            ),
            format!("host_pid={:?}", w.pod.host_pid.as_ref().map(|v| v.value)),
            format!("host_ipc={:?}", w.pod.host_ipc.as_ref().map(|v| v.value)),
            format!(
                "host_users={:?}",
                w.pod.host_users.as_ref().map(|v| v.value)
            ),
            format!(
                "limits={:?}/{:?}/{:?} requests={:?}/{:?}",
                c.resources.limits_cpu.as_ref().map(|v| &v.value),
                c.resources.limits_memory.as_ref().map(|v| &v.value),
                c.resources.limits_pids.as_ref().map(|v| &v.value),
                c.resources.requests_cpu.as_ref().map(|v| &v.value),
                c.resources.requests_memory.as_ref().map(|v| &v.value),
            ),
        ];
        let mut add: Vec<_> = s.add.iter().map(|c| c.value.clone()).collect();
        let mut drop: Vec<_> = s.drop.iter().map(|c| c.value.clone()).collect();
        add.sort();
        drop.sort();
        facts.push(format!("cap_add={add:?} cap_drop={drop:?}"));
        let mut sysctls: Vec<_> = w
            .pod
            .security
            .sysctls
            .iter()
            .map(|s| s.value.clone())
            .collect();
        sysctls.sort();
        facts.push(format!("sysctls={sysctls:?}"));
        let mut ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| {
                format!(
                    "port target={:?} published={:?}-{:?} host_ip={:?} protocol={}",
                    p.container_port.as_ref().map(|v| v.value),
                    p.host_port.as_ref().map(|v| v.value),
                    p.host_port_last,
                    p.host_ip.as_ref().map(|v| &v.value),
                    p.protocol.as_ref().map_or("tcp", |v| v.value.as_str()),
                )
            })
            .collect();
        ports.sort();
        facts.extend(ports);
        let mut volumes: Vec<String> = c
            .mounts
            .iter()
            .map(|m| {
                let volume = w.pod.volumes.iter().find(|v| v.name == m.volume);
                let source = match volume.map(|v| &v.source) {
                    Some(VolumeSource::HostPath { path }) => format!("bind {}", path.value),
                    Some(VolumeSource::Other(kind)) => format!("{kind} {}", m.volume),
                    None => "missing".into(),
                };
                format!(
                    "volume {source} -> {} ro={}",
                    m.path.value,
                    m.read_only.as_ref().is_some_and(|r| r.value)
                )
            })
            .collect();
        volumes.sort();
        facts.extend(volumes);
        out.insert(w.name.clone(), facts);
    }
    out
}

struct Case {
    dir: &'static str,
    files: &'static [&'static str],
    environment: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    // .env, environment over .env, an unset variable, the override.
    Case {
        dir: "webapp",
        files: &["docker-compose.yml", "docker-compose.override.yml"],
        environment: &[("APP_GID", "2000")],
    },
    Case {
        dir: "webapp",
        files: &["docker-compose.yml"],
        environment: &[("WEB_BIND", "0.0.0.0"), ("WEB_TAG", "")],
    },
    Case {
        dir: "monitoring",
        files: &["docker-compose.yml"],
        environment: &[],
    },
    // Short and long port syntaxes, IPv6 host addresses, ranges.
    Case {
        dir: "ports",
        files: &["docker-compose.yml"],
        environment: &[],
    },
    Case {
        dir: "privileged",
        files: &["docker-compose.yml"],
        environment: &[("DIND_PRIVILEGED", "false")],
    },
];

#[test]
fn effective_settings_match_docker_compose_config() {
    let probe = Command::new("docker-compose").arg("version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !required(),
            "PORTCULLIS_REFERENCE_TESTS=required but docker-compose is not installed (apt-get install docker-compose)"
        );
        println!("skipping: docker-compose is not installed (apt-get install docker-compose)");
        return;
    }
    let mut compared = 0;
    for case in CASES {
        let dir = data().join(case.dir);
        let mut command = Command::new("docker-compose");
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(&dir)
            .arg("--project-directory")
            .arg(&dir);
        for f in case.files {
            command.arg("-f").arg(dir.join(f));
        }
        for (k, v) in case.environment {
            command.env(k, v);
        }
        let output = command.arg("config").output().expect("runs docker-compose");
        assert!(
            output.status.success(),
            "{}: docker-compose config failed: {}",
            case.dir,
            String::from_utf8_lossy(&output.stderr)
        );
        let reference = summary(&ComposeInput {
            files: vec![(
                Arc::from(format!("{}/config.yml", dir.display())),
                &output.stdout,
            )],
            dotenv: None,
            environment: BTreeMap::new(),
            include: None,
        });

        let contents: Vec<(Arc<str>, Vec<u8>)> = case
            .files
            .iter()
            .map(|f| {
                let path = dir.join(f);
                let bytes = std::fs::read(&path).expect("fixture");
                (Arc::from(path.display().to_string()), bytes)
            })
            .collect();
        let dotenv_path = dir.join(".env");
        let dotenv = std::fs::read(&dotenv_path).ok();
        let ours = summary(&ComposeInput {
            files: contents
                .iter()
                .map(|(p, b)| (p.clone(), b.as_slice()))
                .collect(),
            dotenv: dotenv
                .as_deref()
                .map(|b| (Arc::from(dotenv_path.display().to_string()), b)),
            environment: case
                .environment
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            include: None,
        });
        assert_eq!(
            ours, reference,
            "{} with {:?}: ours (left) and docker-compose config (right) differ",
            case.dir, case.files
        );
        compared += ours.len();
    }
    assert_eq!(compared, 10, "services compared");
}
