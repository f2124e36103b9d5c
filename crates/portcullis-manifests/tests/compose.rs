//! `compose::load` on the committed projects and on small inline ones:
//! where each value comes from after the merge, the spec's (v2) merge
//! rules where docker-compose v1 differs (`!reset`, `!override`), notes,
//! and one-line errors at their place.

use std::collections::BTreeMap;
use std::sync::Arc;

use portcullis_manifests::compose::{load, ComposeError, ComposeInput, Project};
use portcullis_manifests::model::{Loc, VolumeSource, Workload};

fn fixture(rel: &str) -> (Arc<str>, Vec<u8>) {
    let path = format!("{}/tests/data/compose/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (Arc::from(format!("data/{rel}")), bytes)
}

fn run(
    files: &[(Arc<str>, Vec<u8>)],
    dotenv: Option<&(Arc<str>, Vec<u8>)>,
    env: &[(&str, &str)],
) -> Result<Project, ComposeError> {
    load(&ComposeInput {
        files: files
            .iter()
            .map(|(p, b)| (p.clone(), b.as_slice()))
            .collect(),
        dotenv: dotenv.map(|(p, b)| (p.clone(), b.as_slice())),
        environment: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        include: None,
    })
}

fn inline(files: &[&str], env: &[(&str, &str)]) -> Result<Project, ComposeError> {
    let files: Vec<(Arc<str>, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(i, t)| (Arc::from(format!("f{i}.yml")), t.as_bytes().to_vec()))
        .collect();
    run(&files, None, env)
}

fn service<'p>(p: &'p Project, name: &str) -> &'p Workload {
    p.workloads
        .iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("service {name}"))
}

/// `path:line:column pointer`.
fn place(at: &Loc) -> String {
    format!(
        "{}:{}:{} {}",
        at.path, at.span.start.line, at.span.start.column, at.pointer
    )
}

#[test]
fn values_keep_the_file_and_place_they_came_from_after_the_merge() {
    let files = [
        fixture("webapp/docker-compose.yml"),
        fixture("webapp/docker-compose.override.yml"),
    ];
    let dotenv = fixture("webapp/.env");
    let p = run(&files, Some(&dotenv), &[]).expect("loads");
    assert_eq!(p.notes, vec![], "every variable is set");
    let web = service(&p, "web");
    assert_eq!(web.kind, "service");
    assert_eq!(web.platform.as_str(), "compose");
    assert_eq!(
        place(&web.at),
        "data/webapp/docker-compose.yml:5:5 /services/web"
    );
    let c = &web.containers[0];
    let image = c.image.as_ref().expect("image");
    // .env's WEB_TAG, in the override's image.
    assert_eq!(image.value, "registry.example.com/shop/web:2.0.0");
    assert_eq!(
        place(&image.at),
        "data/webapp/docker-compose.override.yml:5:12 /services/web/image"
    );
    let user = c.user.as_ref().expect("user");
    assert_eq!(user.value, "1000:1000");
    assert_eq!(c.security.run_as_user.as_ref().map(|u| u.value), Some(1000));
    assert_eq!(
        c.security.run_as_group.as_ref().map(|u| u.value),
        Some(1000)
    );
    let caps: Vec<String> = c
        .security
        .add
        .iter()
        .map(|a| format!("{} {}", a.value, place(&a.at)))
        .collect();
    assert_eq!(
        caps,
        [
            "NET_BIND_SERVICE data/webapp/docker-compose.yml:17:15 /services/web/cap_add/0",
            "SYS_PTRACE data/webapp/docker-compose.override.yml:10:15 /services/web/cap_add/0",
        ]
    );
    // The override's mount of /srv/static replaces the main file's, in its place.
    let mounts: Vec<String> = c
        .mounts
        .iter()
        .map(|m| {
            format!(
                "{} {:?} {}",
                m.path.value,
                m.read_only.as_ref().map(|r| r.value),
                place(&m.at)
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            "/srv/static None data/webapp/docker-compose.override.yml:7:9 /services/web/volumes/0",
            "/srv/uploads None data/webapp/docker-compose.yml:15:9 /services/web/volumes/1",
        ]
    );
    let sources: Vec<String> = web
        .pod
        .volumes
        .iter()
        .map(|v| match &v.source {
            VolumeSource::HostPath { path } => format!("bind {}", path.value),
            VolumeSource::Other(kind) => format!("{kind} {}", v.name),
        })
        .collect();
    assert_eq!(sources, ["bind data/webapp/src/static", "volume uploads"]);
    let ports: Vec<String> = c
        .ports
        .iter()
        .map(|p| {
            format!(
                "{:?}:{:?}:{:?}/{:?} {}",
                p.host_ip.as_ref().map(|v| &v.value),
                p.host_port.as_ref().map(|v| v.value),
                p.container_port.as_ref().map(|v| v.value),
                p.protocol.as_ref().map(|v| &v.value),
                place(&p.at)
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            "Some(\"127.0.0.1\"):Some(8080):Some(80)/None data/webapp/docker-compose.yml:9:9 /services/web/ports/0",
            "None:Some(8443):Some(443)/Some(\"tcp\") data/webapp/docker-compose.yml:10:9 /services/web/ports/1",
            "None:Some(9229):Some(9229)/None data/webapp/docker-compose.override.yml:9:9 /services/web/ports/0",
        ]
    );
    let r = &c.resources;
    assert_eq!(
        r.limits_memory.as_ref().map(|v| v.value.as_str()),
        Some("512m")
    );
    assert_eq!(r.limits_cpu.as_ref().map(|v| v.value.as_str()), Some("0.5"));
    assert_eq!(
        r.limits_pids.as_ref().map(|v| v.value.as_str()),
        Some("200")
    );
    assert_eq!(
        c.security
            .allow_privilege_escalation
            .as_ref()
            .map(|v| v.value),
        Some(false)
    );
    let db = &service(&p, "db").containers[0].resources;
    assert_eq!(
        db.limits_memory.as_ref().map(|v| v.value.as_str()),
        Some("1g")
    );
    assert_eq!(
        db.at.as_ref().map(|a| a.pointer.to_string()).as_deref(),
        Some("/services/db/deploy/resources")
    );
}

#[test]
fn the_environment_wins_over_dotenv_and_unset_variables_are_noted_where_written() {
    let files = [fixture("webapp/docker-compose.yml")];
    let dotenv = fixture("webapp/.env");
    let p = run(&files, Some(&dotenv), &[("APP_UID", "0"), ("WEB_TAG", "")]).expect("loads");
    let c = &service(&p, "web").containers[0];
    assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some("0:1000"));
    assert_eq!(c.security.run_as_user.as_ref().map(|u| u.value), Some(0));
    // `:-` takes the default for an empty value too.
    assert_eq!(
        c.image.as_ref().map(|i| i.value.as_str()),
        Some("registry.example.com/shop/web:1.4.2")
    );

    let p = run(&files, None, &[]).expect("loads");
    let notes: Vec<String> = p
        .notes
        .iter()
        .map(|(at, m)| format!("{} {m}", place(at)))
        .collect();
    assert_eq!(
        notes,
        [
            "data/webapp/docker-compose.yml:6:12 /services/web/user the variable APP_UID is not set: it is read as an empty string",
            "data/webapp/docker-compose.yml:6:23 /services/web/user the variable APP_GID is not set: it is read as an empty string",
            "data/webapp/docker-compose.yml:34:27 /services/db/environment/POSTGRES_PASSWORD the variable DB_PASSWORD is not set: it is read as an empty string",
        ]
    );
    let c = &service(&p, "web").containers[0];
    assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some(":"));
    assert_eq!(c.security.run_as_user, None);
}

#[test]
fn reset_and_override_tags_follow_the_specification() {
    // docker-compose v1 refuses both tags (an unknown YAML tag); the spec
    // (13-merge.md) and compose v2 honour them.
    let files = [
        fixture("privileged/docker-compose.yml"),
        fixture("privileged/docker-compose.ci.yml"),
    ];
    let p = run(&files, None, &[]).expect("loads");
    let dind = &service(&p, "dind").containers[0];
    let ports: Vec<String> = dind
        .ports
        .iter()
        .map(|p| {
            format!(
                "{:?} {:?} {}",
                p.host_ip.as_ref().map(|v| &v.value),
                p.container_port.as_ref().map(|v| v.value),
                place(&p.at)
            )
        })
        .collect();
    assert_eq!(
        ports,
        ["Some(\"127.0.0.1\") Some(2376) data/privileged/docker-compose.ci.yml:6:9 /services/dind/ports/0"]
    );
    let dind = service(&p, "dind");
    assert_eq!(
        dind.containers[0]
            .security
            .privileged
            .as_ref()
            .map(|v| v.value),
        Some(true)
    );
    assert_eq!(dind.pod.host_users.as_ref().map(|v| v.value), Some(true));
    assert_eq!(dind.pod.host_ipc.as_ref().map(|v| v.value), Some(true));
    let sysctls: Vec<&str> = dind
        .pod
        .security
        .sysctls
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(sysctls, ["net.ipv4.ip_forward", "net.core.somaxconn"]);
    let runner = &service(&p, "runner").containers[0];
    assert!(runner.security.drop.is_empty(), "cap_drop is reset");
    assert_eq!(runner.security.capabilities, None);
    assert_eq!(
        runner.user.as_ref().map(|u| u.value.as_str()),
        Some("1001:1001")
    );
    assert_eq!(
        runner.security.run_as_group.as_ref().map(|u| u.value),
        Some(1001)
    );
    assert_eq!(
        runner
            .resources
            .limits_cpu
            .as_ref()
            .map(|v| place(&v.at))
            .as_deref(),
        Some("data/privileged/docker-compose.ci.yml:10:11 /services/runner/cpus")
    );
    assert_eq!(
        runner
            .resources
            .requests_memory
            .as_ref()
            .map(|v| v.value.as_str()),
        Some("128m")
    );
}

#[test]
fn host_modes_socket_mounts_and_security_opt() {
    let p = run(&[fixture("monitoring/docker-compose.yml")], None, &[]).expect("loads");
    let agent = service(&p, "cadvisor");
    let socket = agent
        .pod
        .volumes
        .iter()
        .find_map(|v| match &v.source {
            VolumeSource::HostPath { path } if path.value == "/var/run/docker.sock" => Some(path),
            _ => None,
        })
        .expect("the socket mount");
    assert_eq!(
        place(&socket.at),
        "data/monitoring/docker-compose.yml:13:9 /services/cadvisor/volumes/4"
    );
    // A trailing slash is cleaned, as compose does.
    assert!(agent
        .pod
        .volumes
        .iter()
        .any(|v| v.name == "/var/lib/docker"));
    let exporter = service(&p, "node-exporter");
    assert_eq!(
        exporter.pod.host_network.as_ref().map(|v| v.value),
        Some(true)
    );
    assert_eq!(exporter.pod.host_pid.as_ref().map(|v| v.value), Some(true));
    let s = &exporter.containers[0].security;
    assert_eq!(
        s.seccomp.as_ref().map(|v| v.value.as_str()),
        Some("Unconfined")
    );
    assert_eq!(
        s.apparmor.as_ref().map(|v| v.value.as_str()),
        Some("Unconfined")
    );
    assert_eq!(
        s.seccomp.as_ref().map(|v| place(&v.at)).as_deref(),
        Some("data/monitoring/docker-compose.yml:28:9 /services/node-exporter/security_opt/1")
    );
    assert_eq!(
        exporter.containers[0]
            .user
            .as_ref()
            .map(|u| u.value.as_str()),
        Some("root")
    );
    let ro: Vec<_> = exporter.containers[0]
        .mounts
        .iter()
        .map(|m| (m.path.value.as_str(), m.read_only.as_ref().map(|r| r.value)))
        .collect();
    assert_eq!(ro, [("/host/proc", Some(true)), ("/textfile", None)]);
}

#[test]
fn port_syntaxes_and_unique_keys() {
    let p = inline(
        &[
            "services:\n  a:\n    image: x\n    ports:\n      - 80\n      - \"8000-8001:9000-9001/udp\"\n      - \"[::1]:53:53/udp\"\n      - \"7000-7005:22\"\n      - \"8080:80\"\n      - \":::8443:443\"\n      - \"::1:8444:443\"\n      - \"[::]::444\"\n      - \":8445:445\"\n      - {target: 446, published: \"9000-9002\", host_ip: \"0.0.0.0\"}\n    cap_add: [NET_ADMIN, NET_ADMIN]\n",
            "services:\n  a:\n    ports: [\"8080:80\"]\n    cap_add: [NET_ADMIN]\n",
        ],
        &[],
    )
    .expect("loads");
    let c = &service(&p, "a").containers[0];
    let ports: Vec<String> = c
        .ports
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}/{} line {}",
                p.host_ip.as_ref().map_or("-", |v| v.value.as_str()),
                match (&p.host_port, p.host_port_last) {
                    (None, _) => "-".into(),
                    (Some(h), None) => h.value.to_string(),
                    (Some(h), Some(last)) => format!("{}-{last}", h.value),
                },
                p.container_port
                    .as_ref()
                    .map_or("-".into(), |v| v.value.to_string()),
                p.protocol.as_ref().map_or("-", |v| v.value.as_str()),
                p.at.span.start.line,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            "-:-:80/- line 5",
            "-:8000:9000/udp line 6",
            "-:8001:9001/udp line 6",
            "::1:53:53/udp line 7",
            // Docker binds one free port of the range.
            "-:7000-7005:22/- line 8",
            // The same string in the override replaces the main file's.
            "-:8080:80/- line 3",
            // The last two colons part the host side from the target.
            ":::8443:443/- line 10",
            "::1:8444:443/- line 11",
            ":::-:444/- line 12",
            "-:8445:445/- line 13",
            "0.0.0.0:9000-9002:446/- line 14",
        ]
    );
    assert_eq!(c.security.add.len(), 1);
    assert_eq!(&*c.security.add[0].at.path, "f1.yml");
}

#[test]
fn scalars_are_cast_as_compose_go_casts_them() {
    let p = inline(
        &["services:\n  a:\n    image: x\n    privileged: yes\n    read_only: \"${RO:-false}\"\n"],
        &[],
    )
    .expect("loads");
    let s = &service(&p, "a").containers[0].security;
    assert_eq!(s.privileged.as_ref().map(|v| v.value), Some(true));
    assert_eq!(
        s.read_only_root_filesystem.as_ref().map(|v| v.value),
        Some(false)
    );
    let notes: Vec<String> = p
        .notes
        .iter()
        .map(|(at, m)| format!("{}: {m}", place(at)))
        .collect();
    assert_eq!(
        notes,
        ["f0.yml:4:17 /services/a/privileged: \"yes\" for a boolean is YAML 1.1: compose reads it as true"]
    );
}

#[test]
fn extends_is_followed_in_the_file_and_into_given_files_and_include_is_noted() {
    let p = inline(
        &[
            "include:\n  - other.yml\nservices:\n  a:\n    extends:\n      service: base\n    image: x\n    cap_add: [NET_ADMIN]\n  base:\n    image: y\n    privileged: true\n    cap_add: [SYS_ADMIN]\n  c:\n    extends: a\n  d:\n    extends:\n      file: elsewhere/common.yml\n      service: x\n    image: d\n",
            "services:\n  e:\n    extends:\n      file: ./f0.yml\n      service: c\n    user: \"1000\"\n",
        ],
        &[],
    )
    .expect("loads");
    let a = &service(&p, "a").containers[0];
    assert_eq!(a.image.as_ref().map(|i| i.value.as_str()), Some("x"));
    let privileged = a.security.privileged.as_ref().expect("from base");
    assert_eq!(
        (privileged.value, place(&privileged.at).as_str()),
        (true, "f0.yml:11:17 /services/base/privileged")
    );
    let caps: Vec<&str> = a.security.add.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(caps, ["SYS_ADMIN", "NET_ADMIN"]);
    assert_eq!(place(&service(&p, "a").at), "f0.yml:5:5 /services/a");
    // Through two services, and from the other file given.
    let e = &service(&p, "e").containers[0];
    assert_eq!(e.image.as_ref().map(|i| i.value.as_str()), Some("x"));
    assert_eq!(e.security.privileged.as_ref().map(|v| v.value), Some(true));
    assert_eq!(
        e.user.as_ref().map(|u| place(&u.at)).as_deref(),
        Some("f1.yml:6:11 /services/e/user")
    );
    let notes: Vec<String> = p
        .notes
        .iter()
        .map(|(at, m)| format!("{}: {m}", place(at)))
        .collect();
    assert_eq!(
        notes,
        [
            "f0.yml:2:3 /include: `include` is not followed: the included files are not read",
            "f0.yml:17:7 /services/d/extends: `extends` is not followed: elsewhere/common.yml was not given with f0.yml",
        ]
    );
    assert_eq!(
        error(
            &["services:\n  a:\n    extends: b\n  b:\n    extends: a\n"],
            &[]
        ),
        "f0.yml:3:14: service `a` extends itself (through 2 services)"
    );
    assert_eq!(
        error(&["services:\n  a:\n    extends: nope\n"], &[]),
        "f0.yml:3:14: service `a` extends `nope`, which is not defined"
    );
}

fn error(files: &[&str], env: &[(&str, &str)]) -> String {
    inline(files, env)
        .map(|_| ())
        .expect_err("refused")
        .to_string()
}

#[test]
fn bad_projects_are_one_line_errors_at_their_place() {
    assert_eq!(
        error(
            &["services:\n  web:\n    image: \"shop:${TAG:?set TAG in .env}\"\n"],
            &[]
        ),
        "f0.yml:3:18: required variable TAG is missing a value: set TAG in .env"
    );
    assert!(
        inline(
            &["services:\n  web:\n    image: x:${TAG?}\n"],
            &[("TAG", "")]
        )
        .is_ok(),
        "an empty TAG is set, which is all `?` asks"
    );
    assert_eq!(
        error(&["services:\n  web:\n    image: x:${TAG?}\n"], &[]),
        "f0.yml:3:14: required variable TAG is missing a value"
    );
    assert_eq!(
        error(&["services:\n  web:\n    image: \"${TAG/a/b}\"\n"], &[]),
        "f0.yml:3:13: invalid interpolation in \"${TAG/a/b}\""
    );
    assert_eq!(
        error(&["services:\n  web: nginx\n"], &[]),
        "f0.yml:2:8: service `web` must be a mapping"
    );
    assert_eq!(
        error(&["services:\n  - web\n"], &[]),
        "f0.yml:2:3: `services` must be a mapping of services by name"
    );
    assert_eq!(
        error(&["- a\n"], &[]),
        "f0.yml:1:1: a Compose file is a mapping (services, volumes, …)"
    );
    assert_eq!(
        error(
            &["services:\n  web:\n    image: x\n    ports:\n      - \"80:http\"\n"],
            &[]
        ),
        "f0.yml:5:9: target \"http\" is not a port number (0-65535)"
    );
    assert_eq!(
        error(
            &["services:\n  web:\n    ports:\n      - \"70000:80\"\n"],
            &[]
        ),
        "f0.yml:4:9: published \"70000\" is not a port number (0-65535)"
    );
    assert_eq!(
        error(
            &["services:\n  web:\n    ports:\n      - \"8000-8002:80-81\"\n"],
            &[]
        ),
        "f0.yml:4:9: \"8000-8002:80-81\": the published and target ranges differ in length"
    );
    for (spec, why) in [
        (
            "::8080:80",
            "\"::8080:80\": host IP \":\" is not an IP address",
        ),
        (
            "1.2.3:80:80",
            "\"1.2.3:80:80\": host IP \"1.2.3\" is not an IP address",
        ),
        (
            "[fe80::1%eth0]:80:80",
            "\"[fe80::1%eth0]:80:80\": host IP \"fe80::1%eth0\" is not an IP address",
        ),
        ("[::1]:80", "\"[::1]:80\" is not a port mapping"),
        (
            "0.0.0.0:80",
            "published \"0.0.0.0\" is not a port number (0-65535)",
        ),
    ] {
        assert_eq!(
            error(
                &[&format!(
                    "services:\n  web:\n    ports:\n      - \"{spec}\"\n"
                )],
                &[]
            ),
            format!("f0.yml:4:9: {why}"),
            "{spec}"
        );
    }
    assert_eq!(
        error(
            &["services:\n  web:\n    ports:\n      - published: 80\n"],
            &[]
        ),
        "f0.yml:4:9: a port in long syntax needs a `target`"
    );
    assert_eq!(
        error(&["services:\n  web:\n    image: a\n    image: b\n"], &[]),
        "f0.yml:4:5: duplicate key `image`"
    );
    assert_eq!(
        error(&["services:\n  web:\n    privileged: maybe\n"], &[]),
        "f0.yml:3:17: \"maybe\" is not a boolean"
    );
    assert_eq!(
        error(
            &[
                "services:\n  web:\n    volumes: [\"/a:/b\"]\n",
                "services:\n  web:\n    volumes: {a: b}\n"
            ],
            &[]
        ),
        "f1.yml:3:14: cannot override services.web.volumes: a mapping over a sequence"
    );
    assert_eq!(
        error(&["services:\n  web:\n    volumes: [\"a:b:c:d\"]\n"], &[]),
        "f0.yml:3:15: \"a:b:c:d\" is not a volume (source:target[:mode])"
    );
    let mut bomb = String::from("x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = i - 1;
        bomb.push_str(&format!(
            "x-a{i}: &a{i} [{}]\n",
            vec![format!("*a{prev}"); 10].join(", ")
        ));
    }
    let e = error(&[&bomb], &[]);
    assert!(
        e.starts_with("f0.yml:6:") && e.contains("more than 500000 nodes"),
        "{e}"
    );
    let mut ranges = String::from("services:\n  a:\n    ports:\n");
    for i in 0..4 {
        ranges.push_str(&format!("      - \"127.0.0.{i}::0-65535\"\n"));
    }
    assert_eq!(
        error(&[&ranges], &[]),
        "f0.yml:7:9: the project's port ranges expand to more than 200000 ports"
    );
    let e = inline(&[], &[]).map(|_| ()).expect_err("no file");
    assert_eq!(e.message, "no Compose file given");
    assert_eq!(
        error(&["# nothing\n"], &[]),
        "f0.yml:1:1: empty Compose file"
    );
}

#[test]
fn a_bad_dotenv_is_an_error_naming_its_line() {
    let files = [fixture("webapp/docker-compose.yml")];
    let dotenv = (Arc::from("data/webapp/.env"), b"A=1\nB C=2\n".to_vec());
    let e = run(&files, Some(&dotenv), &[])
        .map(|_| ())
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "data/webapp/.env:2:1: a key cannot contain a space"
    );
    let dotenv = (Arc::from("data/webapp/.env"), b"A=caf\xe9\n".to_vec());
    let e = run(&files, Some(&dotenv), &[])
        .map(|_| ())
        .expect_err("refused");
    assert_eq!(e.to_string(), "data/webapp/.env:1:6: not UTF-8 text");
}

#[test]
fn environment_order_is_the_process_over_dotenv() {
    let files = [(
        Arc::from("c.yml"),
        b"services:\n  a:\n    image: \"${IMG}\"\n".to_vec(),
    )];
    let dotenv = (Arc::from(".env"), b"IMG=from-dotenv\n".to_vec());
    let image = |env: &[(&str, &str)]| {
        let p = run(&files, Some(&dotenv), env).expect("loads");
        p.workloads[0].containers[0]
            .image
            .as_ref()
            .map(|i| i.value.clone())
    };
    assert_eq!(image(&[]).as_deref(), Some("from-dotenv"));
    assert_eq!(image(&[("IMG", "from-env")]).as_deref(), Some("from-env"));
    let _: BTreeMap<String, String> = BTreeMap::new();
}

#[test]
fn keyed_lists_string_lists_and_named_lists_merge_across_syntaxes() {
    let p = inline(
        &[
            "services:\n  a:\n    image: x\n    sysctls: [net.core.somaxconn=1024, kernel.shm_rmid_forced=1]\n    tmpfs: /run\n    depends_on: [db]\n    command: [a, b]\n  db:\n    image: y\n",
            "services:\n  a:\n    sysctls:\n      net.core.somaxconn: 4096\n      kernel.shm_rmid_forced: !reset null\n      net.ipv4.ip_forward: 1\n    tmpfs: [/tmp]\n    depends_on:\n      db:\n        condition: service_healthy\n    command: c\n",
        ],
        &[],
    )
    .expect("loads");
    let a = service(&p, "a");
    let sysctls: Vec<String> = a
        .pod
        .security
        .sysctls
        .iter()
        .map(|s| format!("{} {}", s.value, place(&s.at)))
        .collect();
    assert_eq!(
        sysctls,
        [
            "net.core.somaxconn f1.yml:4:7 /services/a/sysctls/net.core.somaxconn",
            "net.ipv4.ip_forward f1.yml:6:7 /services/a/sysctls/net.ipv4.ip_forward",
        ]
    );
    let tmpfs: Vec<String> = a.containers[0]
        .mounts
        .iter()
        .map(|m| format!("{} {}", m.path.value, m.at.path))
        .collect();
    assert_eq!(tmpfs, ["/run f0.yml", "/tmp f1.yml"]);
    assert!(a
        .pod
        .volumes
        .iter()
        .all(|v| v.source == VolumeSource::Other("tmpfs".into())));
}
