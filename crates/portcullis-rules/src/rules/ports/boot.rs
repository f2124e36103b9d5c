//! What an LXD image (a system container) starts at boot, for the port
//! rules: systemd units enabled under `/etc/systemd/system/*.wants/`
//! (services whose `ExecStart` runs the daemon, sockets whose `Listen*`
//! covers the port), `inetd.conf` and `xinetd.d` entries, and SysV rc links.
//! Located at the unit or configuration file in the root filesystem.

use portcullis_image::{display_path, EntryKind, Filesystem};

use super::Service;
use crate::finding::{Findings, Located, Location};
use crate::subject::ImageFacts;
use crate::util::basename;

/// Where the unit files live; the loader keeps their contents.
const UNIT_DIRS: [&[u8]; 4] = [
    b"etc/systemd/system/",
    b"lib/systemd/system/",
    b"usr/lib/systemd/system/",
    b"run/systemd/system/",
];

/// The files whose contents the boot checks read (with `etc/passwd`, which
/// SQ40101 reads in OCI images): unit files, inetd and xinetd configuration.
pub fn wants(path: &[u8]) -> bool {
    let unit = path.ends_with(b".service") || path.ends_with(b".socket");
    (unit && UNIT_DIRS.iter().any(|d| path.starts_with(d)))
        || path == b"etc/inetd.conf"
        || path == b"etc/xinetd.conf"
        || path.starts_with(b"etc/xinetd.d/")
}

/// Follow symlinks inside the root filesystem (absolute targets are taken
/// from its root, `..` stops at it): the path of the entry `path` names.
fn resolve(fs: &Filesystem, path: &[u8]) -> Option<Vec<u8>> {
    let mut pending: Vec<Vec<u8>> = path
        .split(|&b| b == b'/')
        .rev()
        .map(<[u8]>::to_vec)
        .collect();
    let mut out: Vec<u8> = Vec::new();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        match &part[..] {
            b"" | b"." => continue,
            b".." => {
                let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(cut);
                continue;
            }
            _ => {}
        }
        let before = out.len();
        if !out.is_empty() {
            out.push(b'/');
        }
        out.extend_from_slice(&part);
        // A directory a tarball does not list is still a directory.
        let Some(entry) = fs.get(&out).map(|f| f.entry) else {
            continue;
        };
        if entry.kind == EntryKind::Symlink {
            hops += 1;
            if hops > 40 {
                return None;
            }
            let target = entry.link.unwrap_or_default();
            out.truncate(before);
            if target.starts_with(b"/") {
                out.clear();
            }
            pending.extend(target.split(|&b| b == b'/').rev().map(<[u8]>::to_vec));
        }
    }
    fs.get(&out).is_some().then_some(out)
}

fn at(image: &ImageFacts, path: &[u8]) -> Located {
    Located::new(Location::Layer {
        index: 0,
        digest: image.diff_ids.first().cloned().unwrap_or_default(),
        path: display_path(path),
        line: None,
        column: None,
    })
}

/// The end of every LXD fix: a system container is reached through LXD.
fn lxd_instead(service: &Service) -> String {
    format!(
        "reach the container with `lxc exec` (`incus exec`) instead of the {} server.",
        service.name
    )
}

fn ports_text(service: &Service) -> String {
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|(p, proto)| format!("{p}/{proto}"))
        .collect();
    ports.join(" and ")
}

/// `key=value` lines of a unit file's sections (comments dropped).
fn unit_values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with(';'))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .collect()
}

/// The port of a `ListenStream=`/`ListenDatagram=` value (`22`,
/// `0.0.0.0:22`, `[::]:22`); `None` for paths and other forms.
fn listen_port(value: &str) -> Option<u16> {
    let port = value.rsplit(':').next()?;
    port.parse().ok()
}

/// The program an `ExecStart=` runs (prefixes `-@:+!` dropped).
fn exec_program(value: &str) -> Option<&str> {
    let first = value.split_whitespace().next()?;
    Some(basename(
        first.trim_start_matches(['-', '@', ':', '+', '!']),
    ))
}

pub(crate) fn check(image: &ImageFacts, out: &mut Findings, service: &Service) {
    let fs = &image.fs;
    systemd(image, fs, out, service);
    inetd(image, fs, out, service);
    xinetd(image, fs, out, service);
    sysv(image, fs, out, service);
}

fn systemd(image: &ImageFacts, fs: &Filesystem, out: &mut Findings, service: &Service) {
    let mut reported: Vec<Vec<u8>> = Vec::new();
    for file in fs.files() {
        let e = file.entry;
        let Some(rest) = e.path.strip_prefix(b"etc/systemd/system/") else {
            continue;
        };
        // etc/systemd/system/TARGET.wants/UNIT, a symlink to the unit file.
        let mut parts = rest.split(|&b| b == b'/');
        let (Some(dir), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if !dir.ends_with(b".wants") || e.kind != EntryKind::Symlink {
            continue;
        }
        let unit_name = String::from_utf8_lossy(unit).into_owned();
        let resolved = resolve(fs, e.path);
        let text = resolved
            .as_ref()
            .and_then(|p| fs.contents.get(p))
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let wants_dir = String::from_utf8_lossy(dir).into_owned();
        let (location, how) = match (&resolved, &text) {
            (Some(p), Some(text)) => {
                let how = if unit_name.ends_with(".socket") {
                    let listens: Vec<(u16, &str)> = unit_values(text, "ListenStream")
                        .into_iter()
                        .filter_map(|v| Some((listen_port(v)?, "tcp")))
                        .chain(
                            unit_values(text, "ListenDatagram")
                                .into_iter()
                                .filter_map(|v| Some((listen_port(v)?, "udp"))),
                        )
                        .collect();
                    listens
                        .iter()
                        .find(|l| service.ports.contains(l))
                        .map(|(port, proto)| {
                            format!("socket unit {unit_name} listens on {port}/{proto}")
                        })
                } else {
                    unit_values(text, "ExecStart")
                        .into_iter()
                        .filter_map(exec_program)
                        .find(|p| service.daemons.contains(p))
                        .map(|p| format!("service unit {unit_name} starts {p}"))
                };
                (p.clone(), how)
            }
            // The unit file is missing or unreadable: go by the unit's name.
            _ => {
                let stem = unit_name
                    .strip_suffix(".service")
                    .or_else(|| unit_name.strip_suffix(".socket"))
                    .unwrap_or(&unit_name);
                let stem = stem.split('@').next().unwrap_or(stem);
                let how = service
                    .init_names
                    .contains(&stem)
                    .then(|| format!("unit {unit_name} (its unit file is not in the image)"));
                (e.path.to_vec(), how)
            }
        };
        let Some(how) = how else { continue };
        if reported.contains(&location) {
            continue;
        }
        reported.push(location.clone());
        out.report_with_fix(
            format!(
                "{how}, enabled at boot ({wants_dir}): the {} server listens on {}",
                service.name,
                ports_text(service)
            ),
            at(image, &location),
            Vec::new(),
            format!(
                "Disable {unit_name} at boot: remove the link /etc/systemd/system/{wants_dir}/{unit_name} (`systemctl disable {unit_name}` when building the image), or remove the {} server; {}",
                service.name,
                lxd_instead(service)
            ),
        );
    }
}

/// Port and protocol of an inetd/xinetd service name (or number).
fn service_port(name: &str) -> Option<u16> {
    Some(match name {
        "ftp" => 21,
        "ssh" => 22,
        "telnet" => 23,
        "login" => 513,
        "shell" | "cmd" => 514,
        "ms-wbt-server" => 3389,
        other => other.parse().ok()?,
    })
}

fn proto_of(proto: &str) -> &'static str {
    if proto.starts_with("udp") {
        "udp"
    } else {
        "tcp"
    }
}

/// `(port, proto)` or daemon match of an inetd-style entry.
fn entry_matches(service: &Service, name: &str, proto: &str, programs: &[&str]) -> Option<String> {
    if let Some(port) = service_port(name) {
        if service.ports.contains(&(port, proto_of(proto))) {
            return Some(format!("{port}/{}", proto_of(proto)));
        }
    }
    programs
        .iter()
        .map(|p| basename(p))
        .find(|p| service.daemons.contains(p))
        .map(|p| format!("`{p}`"))
}

fn inetd(image: &ImageFacts, fs: &Filesystem, out: &mut Findings, service: &Service) {
    let path = b"etc/inetd.conf";
    let Some(bytes) = fs.contents.get(&path[..]) else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // service socket-type protocol wait user server [args…]
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 {
            continue;
        }
        let name = fields[0].rsplit(':').next().unwrap_or(fields[0]);
        let Some(what) = entry_matches(service, name, fields[2], &fields[5..]) else {
            continue;
        };
        out.report_with_fix(
            format!(
                "inetd.conf line {} starts the {} server ({what}) at boot: `{}`",
                i + 1,
                service.name,
                fields[..fields.len().min(8)].join(" ")
            ),
            at(image, path),
            Vec::new(),
            format!(
                "Remove line {} of /etc/inetd.conf (or comment it out with `#`); {}",
                i + 1,
                lxd_instead(service)
            ),
        );
    }
}

fn xinetd(image: &ImageFacts, fs: &Filesystem, out: &mut Findings, service: &Service) {
    for (path, bytes) in fs.contents.range(b"etc/xinetd".to_vec()..) {
        if !(path.starts_with(b"etc/xinetd.d/") || path == b"etc/xinetd.conf") {
            if path.as_slice() > b"etc/xinetd.d/".as_slice() {
                break;
            }
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        // service NAME { key = value … }
        let mut current: Option<(String, Vec<(String, String)>)> = None;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some(name) = line.strip_prefix("service ") {
                current = Some((
                    name.trim().trim_end_matches('{').trim().to_owned(),
                    Vec::new(),
                ));
                continue;
            }
            if line.starts_with('}') {
                if let Some((name, keys)) = current.take() {
                    let get = |k: &str| {
                        keys.iter()
                            .rev()
                            .find(|(key, _)| key == k)
                            .map(|(_, v)| v.as_str())
                    };
                    if get("disable") == Some("yes") {
                        continue;
                    }
                    let port_name = get("port").unwrap_or(&name);
                    let proto = get("protocol").unwrap_or(match get("socket_type") {
                        Some("dgram") => "udp",
                        _ => "tcp",
                    });
                    let programs: Vec<&str> = get("server").into_iter().collect();
                    if let Some(what) = entry_matches(service, port_name, proto, &programs) {
                        out.report_with_fix(
                            format!(
                                "xinetd service {name} is enabled and starts the {} server ({what}) at boot",
                                service.name
                            ),
                            at(image, path),
                            Vec::new(),
                            format!(
                                "Set `disable = yes` in the service {name} of {}, or remove it; {}",
                                display_path(path),
                                lxd_instead(service)
                            ),
                        );
                    }
                }
                continue;
            }
            if let (Some((_, keys)), Some((k, v))) = (current.as_mut(), line.split_once('=')) {
                let k = k.trim().trim_end_matches(['+', '-']).trim();
                keys.push((k.to_owned(), v.trim().to_owned()));
            }
        }
    }
}

fn sysv(image: &ImageFacts, fs: &Filesystem, out: &mut Findings, service: &Service) {
    for file in fs.files() {
        let e = file.entry;
        let Some(rest) = e.path.strip_prefix(b"etc/rc") else {
            continue;
        };
        // etc/rcN.d/SNNname
        let Some((level, name)) = std::str::from_utf8(rest)
            .ok()
            .and_then(|r| r.split_once(".d/"))
        else {
            continue;
        };
        if !matches!(level, "2" | "3" | "4" | "5" | "S") || name.contains('/') {
            continue;
        }
        let Some(init) = name
            .strip_prefix('S')
            .map(|n| n.trim_start_matches(|c: char| c.is_ascii_digit()))
        else {
            continue;
        };
        if service.init_names.contains(&init) {
            out.report_with_fix(
                format!(
                    "SysV init link {} starts the {} service at boot (runlevel {level}): the {} server listens on {}",
                    display_path(e.path),
                    init,
                    service.name,
                    ports_text(service)
                ),
                at(image, e.path),
                Vec::new(),
                format!(
                    "Remove the link {} (`update-rc.d {init} disable` when building the image), or remove the {} server; {}",
                    display_path(e.path),
                    service.name,
                    lxd_instead(service)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_file_values() {
        let text = "[Socket]\n# ListenStream=23\nListenStream=[::]:22\nListenStream = 0.0.0.0:2222\nListenStream=/run/x.sock\n[Service]\nExecStart=-/usr/sbin/sshd -D\n";
        let ports: Vec<Option<u16>> = unit_values(text, "ListenStream")
            .into_iter()
            .map(listen_port)
            .collect();
        assert_eq!(ports, [Some(22), Some(2222), None]);
        let programs: Vec<Option<&str>> = unit_values(text, "ExecStart")
            .into_iter()
            .map(exec_program)
            .collect();
        assert_eq!(programs, [Some("sshd")]);
    }

    fn facts(entries: &[(&str, Option<&str>, &[u8])]) -> ImageFacts {
        let mut b = tar::Builder::new(Vec::new());
        for (path, link, content) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_mode(0o644);
            h.set_size(0);
            match link {
                Some(target) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    b.append_link(&mut h, path, target).expect("link");
                }
                None => {
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_size(content.len() as u64);
                    b.append_data(&mut h, path, *content).expect("file");
                }
            }
        }
        let layer = b.into_inner().expect("tar");
        let table = portcullis_image::layer::read_layer(
            &layer[..],
            &portcullis_image::Budget::new(u64::MAX),
            &wants,
            true,
        )
        .expect("layer");
        ImageFacts {
            diff_ids: vec!["sha256:f".into()],
            layer_history: vec![None],
            fs: Filesystem::merge([table], &wants),
            boundary: portcullis_image::history::Boundary::NoBase,
            declared_base: None,
        }
    }

    #[test]
    fn unit_links_resolve_inside_the_rootfs_only() {
        const W: &str = "etc/systemd/system/multi-user.target.wants";
        let image = facts(&[
            ("lib", Some("/usr/lib"), b""),
            (
                "usr/lib/systemd/system/ssh.service",
                None,
                b"[Service]\nExecStart=/usr/sbin/sshd -D\n",
            ),
            // `..` beyond the root stays at the root, as the kernel does in a chroot.
            (
                &format!("{W}/a.service"),
                Some("../../../../../../../../lib/systemd/system/ssh.service"),
                b"",
            ),
            // A loop, and a unit file that is not there (gone by the name).
            (&format!("{W}/loop.service"), Some("loop.service"), b""),
            (
                &format!("{W}/sshd.service"),
                Some("/nonexistent/sshd.service"),
                b"",
            ),
            // Not under a .wants directory: not enabled.
            (
                "etc/systemd/system/dropbear.service",
                Some("/lib/systemd/system/ssh.service"),
                b"",
            ),
        ]);
        let mut out = Findings {
            rule: "SQ40104",
            items: Vec::new(),
            notes: Vec::new(),
            not_applicable: None,
        };
        check(&image, &mut out, &super::super::ssh::SERVICE);
        let got: Vec<(String, String)> = out
            .items
            .iter()
            .map(|f| {
                let Location::Layer { path, .. } = &f.location else {
                    panic!("{:?}", f.location)
                };
                (path.clone(), f.message.clone())
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "/usr/lib/systemd/system/ssh.service".to_owned(),
                    "service unit a.service starts sshd, enabled at boot (multi-user.target.wants): the SSH server listens on 22/tcp".to_owned()
                ),
                (
                    format!("/{W}/sshd.service"),
                    "unit sshd.service (its unit file is not in the image), enabled at boot (multi-user.target.wants): the SSH server listens on 22/tcp".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_unit_and_config_files_are_wanted() {
        for yes in [
            &b"usr/lib/systemd/system/ssh.service"[..],
            b"lib/systemd/system/xrdp.socket",
            b"etc/systemd/system/sshd.service",
            b"etc/inetd.conf",
            b"etc/xinetd.d/rsh",
        ] {
            assert!(wants(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b"usr/share/doc/ssh.service"[..],
            b"etc/systemd/system/multi-user.target",
            b"etc/inetd.conf.bak",
        ] {
            assert!(!wants(no), "{}", String::from_utf8_lossy(no));
        }
    }
}
