//! Kubernetes manifests into workloads: kinds, lists, containers, every
//! field the runtime rules read, with exact lines, columns and pointers.

use std::sync::Arc;

use portcullis_manifests::model::{ContainerList, Loc, VolumeSource};
use portcullis_manifests::{detect, kubernetes, Platform};

fn load(text: &str) -> Vec<portcullis_manifests::Workload> {
    kubernetes::load(Arc::from("m.yaml"), text.as_bytes()).expect("loads")
}

/// `line:column-line:column pointer` of a location.
fn at(loc: &Loc) -> String {
    format!(
        "{}:{}-{}:{} {}",
        loc.span.start.line,
        loc.span.start.column,
        loc.span.end.line,
        loc.span.end.column,
        loc.pointer
    )
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: yes
      hostUsers: false
      automountServiceAccountToken: false
      serviceAccountName: web
      os:
        name: linux
      securityContext:
        runAsNonRoot: true
        fsGroup: 0
        supplementalGroups: [0, 1000]
        seccompProfile:
          type: RuntimeDefault
        sysctls:
          - name: net.ipv4.tcp_syncookies
            value: \"1\"
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: on
            allowPrivilegeEscalation: \"false\"
            runAsUser: 0
            procMount: Unmasked
            seLinuxOptions:
              type: spc_t
              user: system_u
            windowsOptions:
              hostProcess: true
            capabilities:
              add: [NET_ADMIN, SYS_TIME]
              drop:
                - ALL
          ports:
            - containerPort: 80
              hostPort: 8080
              hostIP: 0.0.0.0
              protocol: TCP
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
          livenessProbe:
            httpGet:
              host: 10.0.0.1
              port: 80
          lifecycle:
            preStop:
              tcpSocket:
                host: example.com
                port: 80
      ephemeralContainers:
        - name: debug
          image: busybox
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
        - name: data
          emptyDir: {}
";

#[test]
fn a_deployment_is_read_field_by_field() {
    let all = load(DEPLOYMENT);
    assert_eq!(all.len(), 1);
    let w = &all[0];
    assert_eq!(w.platform, Platform::Kubernetes);
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("Deployment", "web"));
    assert_eq!(w.namespace.as_deref(), Some("shop"));
    assert_eq!(at(&w.at), "2:1-2:17 ");
    assert_eq!(at(&w.pod.at), "11:5-11:9 /spec/template/spec");
    let net = w.pod.host_network.as_ref().expect("hostNetwork");
    assert!(net.value, "yes is true in YAML 1.1");
    assert_eq!(at(&net.at), "12:7-12:23 /spec/template/spec/hostNetwork");
    assert_eq!(w.pod.host_users.as_ref().map(|v| v.value), Some(false));
    assert_eq!(
        w.pod
            .automount_service_account_token
            .as_ref()
            .map(|v| v.value),
        Some(false)
    );
    assert_eq!(
        w.pod
            .service_account_name
            .as_ref()
            .map(|v| v.value.as_str()),
        Some("web")
    );
    let os = w.pod.os.as_ref().expect("os");
    assert_eq!(
        (os.value.as_str(), at(&os.at).as_str()),
        ("linux", "17:9-17:20 /spec/template/spec/os/name")
    );
    let (key, value) = &w.pod.annotations[0];
    assert_eq!(key, "container.apparmor.security.beta.kubernetes.io/app");
    assert_eq!(value.value, "unconfined");
    assert_eq!(
        at(&value.at),
        "10:9-10:71 /spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app"
    );
    let pod = &w.pod.security;
    assert_eq!(
        at(pod.at.as_ref().expect("pod sc")),
        "18:7-18:22 /spec/template/spec/securityContext"
    );
    assert_eq!(pod.run_as_non_root.as_ref().map(|v| v.value), Some(true));
    let fs = pod.fs_group.as_ref().expect("fsGroup");
    assert_eq!(
        (fs.value, at(&fs.at).as_str()),
        (0, "20:9-20:19 /spec/template/spec/securityContext/fsGroup")
    );
    let groups: Vec<(i64, String)> = pod
        .supplemental_groups
        .iter()
        .map(|g| (g.value, at(&g.at)))
        .collect();
    assert_eq!(
        groups,
        [
            (
                0,
                "21:30-21:31 /spec/template/spec/securityContext/supplementalGroups/0".to_owned()
            ),
            (
                1000,
                "21:33-21:37 /spec/template/spec/securityContext/supplementalGroups/1".to_owned()
            )
        ]
    );
    let seccomp = pod.seccomp.as_ref().expect("seccomp");
    assert_eq!(
        (seccomp.value.as_str(), at(&seccomp.at).as_str()),
        (
            "RuntimeDefault",
            "23:11-23:31 /spec/template/spec/securityContext/seccompProfile/type"
        )
    );
    let sysctl = &pod.sysctls[0];
    assert_eq!(
        (sysctl.value.as_str(), at(&sysctl.at).as_str()),
        (
            "net.ipv4.tcp_syncookies",
            "25:13-25:42 /spec/template/spec/securityContext/sysctls/0/name"
        )
    );

    let lists: Vec<(ContainerList, &str)> = w
        .containers
        .iter()
        .map(|c| (c.list, c.name.as_str()))
        .collect();
    assert_eq!(
        lists,
        [
            (ContainerList::InitContainers, "init"),
            (ContainerList::Containers, "app"),
            (ContainerList::EphemeralContainers, "debug")
        ]
    );
    assert_eq!(
        at(&w.containers[0].at),
        "28:11-28:21 /spec/template/spec/initContainers/0"
    );
    assert!(w.containers[0].security.at.is_none());
    let app = &w.containers[1];
    assert_eq!(at(&app.at), "31:11-31:20 /spec/template/spec/containers/0");
    let image = app.image.as_ref().expect("image");
    assert_eq!(
        (image.value.as_str(), at(&image.at).as_str()),
        (
            "nginx:1.27",
            "32:11-32:28 /spec/template/spec/containers/0/image"
        )
    );
    let sc = &app.security;
    let c = "/spec/template/spec/containers/0/securityContext";
    assert_eq!(at(sc.at.as_ref().expect("sc")), format!("33:11-33:26 {c}"));
    let privileged = sc.privileged.as_ref().expect("privileged");
    assert!(privileged.value, "on is true in YAML 1.1");
    assert_eq!(at(&privileged.at), format!("34:13-34:27 {c}/privileged"));
    assert!(
        sc.allow_privilege_escalation.is_none(),
        "a quoted \"false\" is a string, not a boolean"
    );
    assert_eq!(sc.run_as_user.as_ref().map(|v| v.value), Some(0));
    assert_eq!(
        sc.proc_mount.as_ref().map(|v| at(&v.at)),
        Some(format!("37:13-37:32 {c}/procMount"))
    );
    assert_eq!(
        at(sc.selinux.at.as_ref().expect("selinux")),
        format!("38:13-38:27 {c}/seLinuxOptions")
    );
    assert_eq!(
        sc.selinux.type_.as_ref().map(|v| v.value.as_str()),
        Some("spc_t")
    );
    assert_eq!(
        sc.selinux.user.as_ref().map(|v| at(&v.at)),
        Some(format!("40:15-40:29 {c}/seLinuxOptions/user"))
    );
    assert!(sc.selinux.role.is_none());
    assert_eq!(
        sc.host_process.as_ref().map(|v| (v.value, at(&v.at))),
        Some((true, format!("42:15-42:32 {c}/windowsOptions/hostProcess")))
    );
    assert_eq!(
        at(sc.capabilities.as_ref().expect("caps")),
        format!("43:13-43:25 {c}/capabilities")
    );
    let add: Vec<(String, String)> = sc
        .add
        .iter()
        .map(|a| (a.value.clone(), at(&a.at)))
        .collect();
    assert_eq!(
        add,
        [
            (
                "NET_ADMIN".to_owned(),
                format!("44:21-44:30 {c}/capabilities/add/0")
            ),
            (
                "SYS_TIME".to_owned(),
                format!("44:32-44:40 {c}/capabilities/add/1")
            )
        ]
    );
    assert_eq!(
        sc.drop.iter().map(|d| at(&d.at)).collect::<Vec<_>>(),
        [format!("46:19-46:22 {c}/capabilities/drop/0")]
    );
    let port = &app.ports[0];
    let p = "/spec/template/spec/containers/0/ports/0";
    assert_eq!(at(&port.at), format!("48:15-48:32 {p}"));
    assert_eq!(port.container_port.as_ref().map(|v| v.value), Some(80));
    assert_eq!(
        port.host_port.as_ref().map(|v| (v.value, at(&v.at))),
        Some((8080, format!("49:15-49:29 {p}/hostPort")))
    );
    assert_eq!(
        port.host_ip.as_ref().map(|v| v.value.as_str()),
        Some("0.0.0.0")
    );
    assert_eq!(
        port.protocol.as_ref().map(|v| v.value.as_str()),
        Some("TCP")
    );
    let r = &app.resources;
    assert_eq!(
        at(r.at.as_ref().expect("resources")),
        "52:11-52:20 /spec/template/spec/containers/0/resources"
    );
    assert_eq!(
        r.limits_memory.as_ref().map(|v| v.value.as_str()),
        Some("128Mi")
    );
    assert!(r.limits_cpu.is_none() && r.requests_memory.is_none());
    assert_eq!(
        r.requests_cpu.as_ref().map(|v| at(&v.at)),
        Some("56:15-56:24 /spec/template/spec/containers/0/resources/requests/cpu".to_owned())
    );
    let hosts: Vec<(String, String)> = app
        .probe_hosts
        .iter()
        .map(|h| (h.value.clone(), at(&h.at)))
        .collect();
    assert_eq!(
        hosts,
        [
            (
                "10.0.0.1".to_owned(),
                "59:15-59:29 /spec/template/spec/containers/0/livenessProbe/httpGet/host"
                    .to_owned()
            ),
            (
                "example.com".to_owned(),
                "64:17-64:34 /spec/template/spec/containers/0/lifecycle/preStop/tcpSocket/host"
                    .to_owned()
            )
        ]
    );
    assert_eq!(w.pod.volumes.len(), 2);
    let sock = &w.pod.volumes[0];
    assert_eq!(
        (sock.name.as_str(), at(&sock.at).as_str()),
        ("sock", "70:11-70:21 /spec/template/spec/volumes/0")
    );
    match &sock.source {
        VolumeSource::HostPath { path } => assert_eq!(
            (path.value.as_str(), at(&path.at).as_str()),
            (
                "/var/run/docker.sock",
                "72:13-72:39 /spec/template/spec/volumes/0/hostPath/path"
            )
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.pod.volumes[1].source,
        VolumeSource::Other("emptyDir".into())
    );
}

#[test]
fn every_kind_with_a_pod_template_lists_and_documents() {
    let text = "\
apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: busybox}]
---
# nothing here
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers: [{name: c}]
  - apiVersion: apps/v1
    kind: DeploymentList
    items:
      - kind: Deployment
        metadata: {name: d}
        spec: {template: {spec: {containers: [{name: c}]}}}
  - {kind: StatefulSet, metadata: {name: s}, spec: {template: {spec: {containers: [{name: c}]}}}}
  - {kind: DaemonSet, metadata: {name: ds}, spec: {template: {spec: {containers: [{name: c}]}}}}
  - {kind: ReplicaSet, metadata: {name: rs}, spec: {template: {spec: {containers: [{name: c}]}}}}
  - {kind: ReplicationController, metadata: {name: rc}, spec: {template: {spec: {containers: [{name: c}]}}}}
  - {kind: Job, metadata: {name: j}, spec: {template: {spec: {containers: [{name: c}]}}}}
  - {kind: ConfigMap, metadata: {name: cm}, data: {a: b}}
";
    let all = load(text);
    let seen: Vec<(usize, &str, &str, String)> = all
        .iter()
        .map(|w| {
            (
                w.at.document,
                w.kind.as_str(),
                w.name.as_str(),
                w.containers[0].at.pointer.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                1,
                "CronJob",
                "nightly",
                "/spec/jobTemplate/spec/template/spec/containers/0".to_owned()
            ),
            (3, "Pod", "p", "/items/0/spec/containers/0".to_owned()),
            (
                3,
                "Deployment",
                "d",
                "/items/1/items/0/spec/template/spec/containers/0".to_owned()
            ),
            (
                3,
                "StatefulSet",
                "s",
                "/items/2/spec/template/spec/containers/0".to_owned()
            ),
            (
                3,
                "DaemonSet",
                "ds",
                "/items/3/spec/template/spec/containers/0".to_owned()
            ),
            (
                3,
                "ReplicaSet",
                "rs",
                "/items/4/spec/template/spec/containers/0".to_owned()
            ),
            (
                3,
                "ReplicationController",
                "rc",
                "/items/5/spec/template/spec/containers/0".to_owned()
            ),
            (
                3,
                "Job",
                "j",
                "/items/6/spec/template/spec/containers/0".to_owned()
            ),
        ]
    );
    // The Pod of a List: its spec is at the item's spec.
    assert_eq!(all[1].pod.at.pointer.as_str(), "/items/0/spec");
    assert_eq!(all[1].pod.at.span.start.line, 24);
}

#[test]
fn bad_yaml_is_an_error_with_its_position() {
    let e =
        kubernetes::load(Arc::from("m.yaml"), b"kind: Pod\nkind: Pod\n").expect_err("duplicate");
    assert_eq!((e.line, e.column), (2, 1));
    assert!(e.message.contains("duplicate key `kind`"), "{}", e.message);
    let e = kubernetes::load(Arc::from("m.yaml"), b"kind: Pod\nspec: \xff\n").expect_err("utf-8");
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (2, 7, "not UTF-8 text")
    );
}

#[test]
fn detect_tells_kubernetes_from_compose_by_content() {
    assert_eq!(
        detect(b"# a chart\n---\napiVersion: v1\nkind: Pod\n"),
        Some(Platform::Kubernetes)
    );
    assert_eq!(
        detect(b"apiVersion: v1\nkind: List\nitems: []\n"),
        Some(Platform::Kubernetes)
    );
    assert_eq!(
        detect(b"services:\n  web:\n    image: nginx\n"),
        Some(Platform::Compose)
    );
    assert_eq!(
        detect(b"version: '3.8'\nservices: {}\n"),
        Some(Platform::Compose)
    );
    // An override file holding only networks and volumes.
    assert_eq!(
        detect(b"volumes:\n  data: {}\nx-common: &c {}\n"),
        Some(Platform::Compose)
    );
    assert_eq!(detect(b"name: x\nversion: 1\n"), None);
    assert_eq!(detect(b"apiVersion: v1\nservices: {}\n"), None);
    assert_eq!(detect(b"key: value\n"), None);
    assert_eq!(detect(b"- a\n- b\n"), None);
    assert_eq!(detect(b"kind: [\n"), None);
    assert_eq!(detect(b""), None);
}

#[test]
fn an_alias_bomb_stops_at_the_node_budget_with_its_position() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    text.push_str("kind: Pod\nspec: {containers: [{name: c}]}\n");
    let e = kubernetes::load(Arc::from("bomb.yaml"), text.as_bytes()).expect_err("refused");
    assert!(
        e.message.contains("more than 500000 nodes"),
        "{}",
        e.message
    );
    assert!(e.line >= 6 && e.line <= 9, "{e}");
}
