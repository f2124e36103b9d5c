use std::net::IpAddr;

use super::{here, workload_name, workloads};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};
use portcullis_manifests::model::Port;
use portcullis_manifests::Platform;

pub static RULE: Rule = Rule {
    code: "PC42701",
    name: "port-published-on-all-interfaces",
    title: "A Compose service publishes a port on every host interface",
    category: Category::Runtime,
    // As hostPort (PC42302), its Kubernetes counterpart: the port is open on
    // the host's network, and here past the host's firewall as well; not
    // higher, as many such ports are meant to be public.
    severity: Severity::Medium,
    remediation: "Bind the port to 127.0.0.1 (`\"127.0.0.1:8080:80\"`, or `host_ip: 127.0.0.1`) or to the one interface it must be reached on; do not count on a host firewall such as ufw to close it, as Docker's rules for published ports come before the firewall's.",
    applies_to: &[SubjectKind::Manifest],
    doc: Doc {
        what: "An entry of a Compose service's `ports` that binds every interface of the host: short syntax without a host IP (`\"8080:80\"`; a bare `\"80\"` publishes on a random host port; ranges alike), a host IP of `0.0.0.0` or `::` (`\"0.0.0.0:8080:80\"`, `\"[::]:8080:80\"`), long syntax without `host_ip` or with an unspecified one. A loopback or specific address is not reported, nor is `expose` (which publishes nothing), nor are the ports of a service with `network_mode: host` (Docker discards them; PC42301 reports the host network). Docker's default binding address is assumed (`0.0.0.0` unless the daemon's `ip` option says otherwise). Kubernetes is not judged here: `hostPort` is PC42302.",
        why: "A port published on every interface is reachable from every network the host is on, not only from the host. Docker writes its own packet filtering rules for published ports, which take the traffic before the rules of ufw (or a hand-written INPUT chain) see it (Docker documentation, \"Packet filtering and firewalls\", \"Docker and ufw\"): a database port published for local development is open to the network even where the firewall denies it.",
        fix: "Put the address in front: `\"127.0.0.1:5432:5432\"` (or `\"[::1]:5432:5432\"`), or `host_ip: 127.0.0.1` in long syntax; bind to a specific interface's address where the port must be reached from one network; publish on all interfaces only for a port that is meant to be public.",
        bad: "services:\n  db:\n    image: postgres:16.4\n    ports:\n      - \"5432:5432\"\n",
        good: "services:\n  db:\n    image: postgres:16.4\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
    },
    check,
};

/// Why an unset or written host IP means every interface; `None` when it
/// is an address of its own (loopback, one interface).
fn all_interfaces(port: &Port) -> Option<String> {
    let Some(ip) = &port.host_ip else {
        return Some("no host IP".into());
    };
    let text = ip.value.trim_start_matches('[').trim_end_matches(']');
    if text.is_empty() {
        return Some("empty host IP".into());
    }
    // `::ffff:0.0.0.0` is 0.0.0.0 written as IPv6.
    let address: IpAddr = text.parse().ok()?;
    address
        .to_canonical()
        .is_unspecified()
        .then(|| format!("host IP {}", ip.value))
}

fn span(first: u32, last: u32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

fn check(subject: &Subject, out: &mut Findings) {
    for w in workloads(subject) {
        if w.platform != Platform::Compose || w.pod.host_network.as_ref().is_some_and(|h| h.value) {
            continue;
        }
        for c in &w.containers {
            // A range is one entry expanded to a port each, all at the
            // entry: one finding per entry.
            for entry in c.ports.chunk_by(|a, b| a.at == b.at) {
                let first = &entry[0];
                let Some(why) = all_interfaces(first) else {
                    continue;
                };
                let targets: Vec<u32> = entry
                    .iter()
                    .filter_map(|p| p.container_port.as_ref().map(|t| t.value))
                    .collect();
                let (Some(&t_first), Some(&t_last)) = (targets.iter().min(), targets.iter().max())
                else {
                    continue;
                };
                let protocol = first
                    .protocol
                    .as_ref()
                    .map_or("tcp".to_owned(), |p| p.value.to_ascii_lowercase());
                let target = format!("{}/{protocol}", span(t_first, t_last));
                // Host port 0 is Docker's "pick one", as no host port is.
                let hosts: Vec<(u32, u32)> = entry
                    .iter()
                    .filter_map(|p| {
                        let h = p.host_port.as_ref().filter(|h| h.value != 0)?.value;
                        Some((h, p.host_port_last.unwrap_or(h)))
                    })
                    .collect();
                let mapping = match (
                    hosts.iter().map(|h| h.0).min(),
                    hosts.iter().map(|h| h.1).max(),
                ) {
                    (Some(h_first), Some(h_last)) => {
                        format!("{}->{target} on", span(h_first, h_last))
                    }
                    _ if t_first == t_last => format!("{target} on a random host port of"),
                    _ => format!("{target} on random host ports of"),
                };
                let at = first.host_ip.as_ref().map_or(&first.at, |ip| &ip.at);
                out.report(
                    format!(
                        "{} publishes {mapping} every host interface ({why})",
                        workload_name(w)
                    ),
                    here(at),
                );
            }
        }
    }
}
