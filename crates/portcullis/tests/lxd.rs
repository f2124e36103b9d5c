//! LXD images made by real tools (fixtures/lxd/make.sh: GNU tar, xz, zstd,
//! bzip2, tar2sqfs, mksquashfs, qemu-img, lz4, busybox-static), scanned by
//! the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{no_database_reason, ONLINE_POLICIES, ONLINE_REASON, VULNERABILITY_POLICIES};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lxd")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("run portcullis")
}

/// The busybox fixture's one binary (Debian's busybox-static, linked at a
/// fixed address); the tiny fixture has none.
const BUSYBOX: &str = "SQ18111@/bin/busybox: /bin/busybox: not position-independent (ET_EXEC): ASLR cannot move it (static executable)";

/// Every fixture image holds the same policy-relevant files (and the
/// busybox one [`BUSYBOX`] too).
const FINDINGS: [&str; 8] = [
    "SQ40102@/usr/bin/passwd: /usr/bin/passwd has the setuid bit (mode 4755, owner 0:0)",
    "SQ40102@/usr/bin/wall: /usr/bin/wall has the setgid bit (mode 2755, owner 0:0)",
    "SQ40104@/usr/lib/systemd/system/ssh.service: service unit ssh.service starts sshd, enabled at boot (multi-user.target.wants): the SSH server listens on 22/tcp",
    "SQ40105@/etc/inetd.conf: inetd.conf line 3 starts the Telnet server (23/tcp) at boot: `telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd`",
    "SQ40106@/etc/inetd.conf: inetd.conf line 4 starts the rlogin server (513/tcp) at boot: `login stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rlogind`",
    "SQ40107@/etc/xinetd.d/rsh: xinetd service shell is enabled and starts the rsh server (514/tcp) at boot",
    "SQ40108@/etc/rc2.d/S01xrdp: SysV init link /etc/rc2.d/S01xrdp starts the xrdp service at boot (runlevel 2): the RDP server listens on 3389/tcp and 3389/udp",
    "SQ40108@/usr/lib/systemd/system/xrdp.socket: socket unit xrdp.socket listens on 3389/tcp, enabled at boot (sockets.target.wants): the RDP server listens on 3389/tcp and 3389/udp",
];

/// The image config and Dockerfile policies, then the online secret ones,
/// then (no advisory database in the tests) the vulnerability ones.
const NOT_APPLICABLE: [&str; 55] = [
    "SQ40101", "SQ41101", "SQ41102", "SQ41103", "SQ41104", "SQ41105", "SQ41106", "SQ34253",
    "SQ34254", "SQ34255", "SQ34256", "SQ34401", "SQ34402", "SQ34403", "SQ34404", "SQ31101",
    "SQ31102", "SQ31103", "SQ31104", "SQ31105", "SQ31106", "SQ31107",
    // No manifest runs it.
    "PC42101", "PC42102", "PC42103", "PC42104", "PC42201", "PC42202", "PC42203", "PC42204",
    "PC42301", "PC42302", "PC42303", "PC42304", "PC42305", "PC42401", "PC42402", "PC42403",
    "PC42404", "PC42405", "PC42406", "PC42407", "PC42408", "PC42501", "PC42601", "PC42701",
    "PC42801", // An LXD image names no base image and has no build history.
    "PC43101", "PC43102", "PC43103", "PC43104", "PC43105",
    // Nor a manifest digest or signatures.
    "PC43201", "PC43202", "PC43203",
];

/// Nothing secret in the fixtures: every offline secret policy passes;
/// and no package database: so do the license policies.
/// busybox is the one binary: static, so the symbol and RELRO checks have
/// nothing to say, and only SQ18111 fails (it passes in the tiny fixture).
const PASS: [&str; 48] = [
    "SQ40103", "SQ34101", "SQ34102", "SQ34103", "SQ34104", "SQ34105", "SQ34106", "SQ34107",
    "SQ34108", "SQ34109", "SQ34110", "SQ34111", "SQ34201", "SQ34251", "SQ34252", "SQ34301",
    "SQ34302", "SQ34303", "SQ34304", "SQ34305", "SQ34306", "SQ12101", "SQ12102", "SQ12103",
    "SQ12401", "SQ12402", "SQ12403", "SQ12404", "SQ12405", "SQ12406", "SQ12407", "SQ12408",
    "SQ18101", "SQ18102", "SQ18103", "SQ18104", "SQ18105", "SQ18106", "SQ18107", "SQ18108",
    "SQ18109", "SQ18110", "SQ18112", "SQ18113", "SQ18115", "SQ34202", "SQ34203", "SQ34204",
];

fn scan_json(target: &str) -> Value {
    scan_json_with(target, &[])
}

fn scan_json_with(target: &str, options: &[&str]) -> Value {
    let mut args = vec!["scan", "--format", "json", target];
    args.extend(options);
    let o = run(&args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{target}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");
    let targets = r["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1);
    targets[0].clone()
}

fn check(target: &str, layout: &str, format: &str, compression: &str, description: &str) {
    let t = scan_json(target);
    assert_eq!(t["target"], target);
    assert_eq!(t["kind"], "lxd");
    let mut findings: Vec<String> = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let l = &f["location"];
            assert_eq!(l["kind"], "layer", "{target}");
            assert_eq!(l["index"], 0);
            assert_eq!(l["digest"], t["digest"], "{target}: the LXD fingerprint");
            format!(
                "{}@{}: {}",
                f["rule"].as_str().unwrap_or(""),
                l["path"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    findings.sort();
    let has_busybox = description.starts_with("busybox");
    let mut want: Vec<&str> = FINDINGS.to_vec();
    if has_busybox {
        want.insert(0, BUSYBOX);
    }
    assert_eq!(findings, want, "{target}");
    let status = |wanted: &str| -> Vec<String> {
        t["policies"]
            .as_array()
            .expect("policies")
            .iter()
            .filter(|p| p["status"] == wanted)
            .map(|p| p["rule"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(status("not-applicable"), NOT_APPLICABLE, "{target}");
    // The online ones and the vulnerability ones say why (the others: not
    // for an LXD image).
    let reasons: Vec<(String, String)> = t["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter_map(|p| {
            Some((
                p["rule"].as_str()?.to_owned(),
                p.get("reason")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    let mut want: Vec<(String, String)> = ONLINE_POLICIES
        .iter()
        .map(|rule| ((*rule).to_owned(), ONLINE_REASON.to_owned()))
        .collect();
    want.extend(
        VULNERABILITY_POLICIES
            .iter()
            .map(|rule| ((*rule).to_owned(), no_database_reason())),
    );
    assert_eq!(reasons, want, "{target}");
    let mut fail = vec![
        "SQ40102", "SQ40104", "SQ40105", "SQ40106", "SQ40107", "SQ40108",
    ];
    let mut pass = PASS.to_vec();
    if has_busybox {
        fail.push("SQ18111");
    } else {
        let at = pass.iter().position(|c| *c == "SQ18112").expect("SQ18112");
        pass.insert(at, "SQ18111");
    }
    assert_eq!(status("fail"), fail, "{target}");
    assert_eq!(
        status("pass"),
        pass,
        "{target}: vsftpd is installed, not enabled; the ftp entries are commented out or disabled"
    );
    let lxd = &t["lxd"];
    if format == "squashfs" {
        // Not computed by default: it would read the whole squashfs.
        assert!(t["digest"].is_null(), "{target}");
        assert!(lxd["fingerprint"].is_null(), "{target}");
        assert_eq!(lxd.get("fingerprint"), Some(&Value::Null), "{target}");
    } else {
        let digest = t["digest"].as_str().unwrap_or("");
        assert!(digest.starts_with("sha256:"), "{target}: {digest}");
        assert_eq!(lxd["fingerprint"], t["digest"], "{target}");
    }
    assert_eq!(lxd["layout"], layout, "{target}");
    assert_eq!(lxd["rootfs_format"], format, "{target}");
    assert_eq!(lxd["compression"], compression, "{target}");
    assert_eq!(lxd["architecture"], "x86_64");
    assert_eq!(lxd["creation_date"], "2023-11-14T22:13:20Z");
    assert_eq!(lxd["os"], "busybox");
    assert_eq!(lxd["release"], "1.35");
    assert_eq!(lxd["description"], description);
}

#[test]
fn unified_images_in_every_compression() {
    let busybox = "busybox fixture (unified and split)";
    check("busybox.tar.gz", "unified", "tar", "gzip", busybox);
    check("lxd:busybox.tar.gz", "unified", "tar", "gzip", busybox);
    for (file, compression) in [
        ("tiny.tar", "none"),
        ("tiny.tar.xz", "xz"),
        ("tiny.tar.zst", "zstd"),
        ("tiny.tar.bz2", "bzip2"),
    ] {
        check(file, "unified", "tar", compression, "tiny fixture");
    }
}

#[test]
fn split_images_with_squashfs_and_tarball_rootfs() {
    check(
        "lxd:busybox.meta.tar.xz,busybox.rootfs.squashfs",
        "split",
        "squashfs",
        "xz",
        "busybox fixture (unified and split)",
    );
    check(
        "lxd:tiny.meta.tar.xz,tiny.rootfs.squashfs",
        "split",
        "squashfs",
        "gzip",
        "tiny fixture",
    );
    check(
        "lxd:tiny.meta.tar.xz,tiny.rootfs.tar.gz",
        "split",
        "tar",
        "gzip",
        "tiny fixture",
    );
}

#[test]
fn the_human_report_shows_the_metadata_and_what_does_not_apply() {
    let o = run(&[
        "scan",
        "--color",
        "never",
        "lxd:tiny.meta.tar.xz,tiny.rootfs.squashfs",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().take(3).collect();
    assert_eq!(
        lines,
        [
            "lxd:tiny.meta.tar.xz,tiny.rootfs.squashfs FAIL",
            "  LXD image: busybox 1.35 x86_64, created 2023-11-14T22:13:20Z, split (squashfs rootfs, gzip) — tiny fixture",
            "  not applicable to a system container image: SQ40101, SQ41101, SQ41102, SQ41103, SQ41104, SQ41105, SQ41106, SQ34253, SQ34254, SQ34255, SQ34256, SQ34401, SQ34402, SQ34403, SQ34404, PC42101, PC42102, PC42103, PC42104, PC42201, PC42202, PC42203, PC42204, PC42301, PC42302, PC42303, PC42304, PC42305, PC42401, PC42402, PC42403, PC42404, PC42405, PC42406, PC42407, PC42408, PC42501, PC42601, PC42701, PC42801, PC43101, PC43102, PC43103, PC43104, PC43105, PC43201, PC43202, PC43203",
        ]
    );
    assert!(
        text.contains("\n         --> /etc/inetd.conf in the rootfs\n"),
        "{text}"
    );
}

#[test]
fn broken_images_fail_with_one_line_and_status_2() {
    for (target, error) in [
        (
            "lxd:broken-nometa.tar.gz",
            "broken-nometa.tar.gz: no metadata.yaml: not an LXD image (or the metadata tarball of a split image is missing)",
        ),
        (
            "broken-dotdot.tar.gz",
            "broken-dotdot.tar.gz: entry rootfs/../etc/shadow has a `..` path component: refusing a hostile image",
        ),
        (
            "lxd:tiny.meta.tar.xz,broken-corrupt.squashfs",
            "broken-corrupt.squashfs: not a valid squashfs: 1024 bytes, shorter than the 1531 its superblock counts (truncated?)",
        ),
        (
            "lxd:broken-lz4.tar.lz4",
            "broken-lz4.tar.lz4: lz4-compressed, which LXD images do not use here: gzip, xz, zstd, bzip2 or none are read",
        ),
        (
            "broken-lz4.tar.lz4",
            "broken-lz4.tar.lz4: a lz4-compressed file; portcullis reads image archives plain or gzip-compressed, so decompress it first (e.g. `docker save` without a compressor)",
        ),
        (
            "lxd:tiny.meta.tar.xz,broken-vm.qcow2",
            "broken-vm.qcow2: a qcow2 disk image: LXD virtual-machine images are not supported (portcullis scans container root filesystems)",
        ),
        (
            "lxd:busybox.tar.gz,busybox.rootfs.squashfs",
            "busybox.tar.gz: the metadata tarball holds a rootfs/ too: it is a unified image, scan it alone (lxd:busybox.tar.gz)",
        ),
        (
            "lxd:tiny.meta.tar.xz",
            "tiny.meta.tar.xz: no rootfs/ in the image (a split image's metadata tarball? give its rootfs too: lxd:tiny.meta.tar.xz,ROOTFS)",
        ),
        (
            "lxd:nothing-here.tar.gz",
            "nothing-here.tar.gz: cannot read: No such file or directory",
        ),
    ] {
        let o = run(&["scan", target]);
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!("error: {error}\n"),
            "{target}"
        );
        assert!(o.stdout.is_empty(), "{target}");
    }
}

/// fixtures/lxd/lxd-image-list.csv is what a real LXD daemon listed after
/// importing the busybox images (`lxc image list -c lfs`): its fingerprints
/// are the ones portcullis reports.
#[test]
fn fingerprints_agree_with_a_real_lxd_daemon() {
    let list = std::fs::read_to_string(fixtures().join("lxd-image-list.csv")).expect("csv");
    let fingerprint = |alias: &str| -> String {
        list.lines()
            .find_map(|l| l.strip_prefix(&format!("{alias},")))
            .and_then(|rest| rest.split(',').next())
            .expect(alias)
            .to_owned()
    };
    for (alias, target) in [
        ("fixture", "busybox.tar.gz"),
        ("split", "lxd:busybox.meta.tar.xz,busybox.rootfs.squashfs"),
    ] {
        let t = scan_json_with(target, &["--full-digests"]);
        let digest = t["digest"].as_str().expect("digest");
        let short = fingerprint(alias);
        assert_eq!(short.len(), 12);
        assert!(
            digest.starts_with(&format!("sha256:{short}")),
            "{target}: {digest} vs LXD's {short}"
        );
        assert_eq!(t["lxd"]["fingerprint"], digest);
        for f in t["findings"].as_array().expect("findings") {
            assert_eq!(f["location"]["digest"], digest, "{target}");
        }
    }
    // An exception naming the image by fingerprint (`sha256:…`, or LXD's
    // short form) turns hashing on by itself: without it the pattern could
    // never match.
    let split = fingerprint("split");
    for pattern in [format!("sha256:{split}*"), format!("*{split}*")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let policy = dir.path().join("portcullis.toml");
        std::fs::write(
            &policy,
            format!(
                "[[exception]]\nrules = [\"SQ40102\"]\nimages = [\"{pattern}\"]\nreason = \"busybox needs them\"\n"
            ),
        )
        .expect("write policy");
        let policy = policy.to_string_lossy();
        let t = scan_json_with(
            "lxd:busybox.meta.tar.xz,busybox.rootfs.squashfs",
            &["--config", &policy],
        );
        let digest = t["digest"].as_str().expect("digest computed");
        assert!(digest.starts_with(&format!("sha256:{split}")), "{digest}");
        let suppressed: Vec<&str> = t["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "SQ40102")
            .map(|f| f["suppressed"]["reason"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            suppressed,
            ["busybox needs them", "busybox needs them"],
            "{pattern}"
        );
    }
}

/// A port rule's fix fits where the finding is: the unit, the inetd line,
/// the xinetd service, the rc link, never an EXPOSE a system container
/// does not have.
#[test]
fn port_fixes_name_what_starts_the_server_at_boot() {
    let t = scan_json("busybox.tar.gz");
    let fixes: Vec<String> = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| ("SQ40103"..="SQ40108").contains(&r))
        })
        .map(|f| {
            format!(
                "{}@{}: {}",
                f["rule"].as_str().unwrap_or(""),
                f["location"]["path"].as_str().unwrap_or(""),
                f["remediation"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            "SQ40104@/usr/lib/systemd/system/ssh.service: Disable ssh.service at boot: remove the link /etc/systemd/system/multi-user.target.wants/ssh.service (`systemctl disable ssh.service` when building the image), or remove the SSH server; reach the container with `lxc exec` (`incus exec`) instead of the SSH server.",
            "SQ40105@/etc/inetd.conf: Remove line 3 of /etc/inetd.conf (or comment it out with `#`); reach the container with `lxc exec` (`incus exec`) instead of the Telnet server.",
            "SQ40106@/etc/inetd.conf: Remove line 4 of /etc/inetd.conf (or comment it out with `#`); reach the container with `lxc exec` (`incus exec`) instead of the rlogin server.",
            "SQ40107@/etc/xinetd.d/rsh: Set `disable = yes` in the service shell of /etc/xinetd.d/rsh, or remove it; reach the container with `lxc exec` (`incus exec`) instead of the rsh server.",
            "SQ40108@/usr/lib/systemd/system/xrdp.socket: Disable xrdp.socket at boot: remove the link /etc/systemd/system/sockets.target.wants/xrdp.socket (`systemctl disable xrdp.socket` when building the image), or remove the RDP server; reach the container with `lxc exec` (`incus exec`) instead of the RDP server.",
            "SQ40108@/etc/rc2.d/S01xrdp: Remove the link /etc/rc2.d/S01xrdp (`update-rc.d xrdp disable` when building the image), or remove the RDP server; reach the container with `lxc exec` (`incus exec`) instead of the RDP server.",
        ]
    );
    for f in fixes {
        assert!(!f.contains("EXPOSE"), "{f}");
    }
}

#[test]
fn scope_build_leaves_nothing_out_of_an_lxd_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("portcullis.toml");
    std::fs::write(
        &policy,
        "[rule.SQ18111]\nscope = \"build\"\n\n[rule.SQ40102]\nscope = \"build\"\n",
    )
    .expect("policy");
    let policy = policy.to_str().expect("utf-8 path");
    let t = scan_json_with("busybox.tar.gz", &["--config", policy]);
    let kept: Vec<String> = t["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "SQ18111" || f["rule"] == "SQ40102")
        .map(|f| {
            format!(
                "{}@{}",
                f["rule"].as_str().unwrap_or(""),
                f["location"]["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            "SQ40102@/usr/bin/passwd",
            "SQ40102@/usr/bin/wall",
            "SQ18111@/bin/busybox"
        ]
    );
    // At the rootfs, as the findings are.
    let rootfs = t["findings"][0]["location"]["digest"].clone();
    assert!(
        rootfs.as_str().is_some_and(|d| d.starts_with("sha256:")),
        "{rootfs}"
    );
    assert_eq!(
        t["notes"],
        serde_json::json!([{"rule": "base-boundary", "message": "scope = \"build\" (SQ40102, SQ18111) leaves nothing out: an LXD image is one root filesystem with no base image, so all of it is judged", "location": {"kind": "layer", "index": 0, "digest": rootfs, "path": "/"}}])
    );
}
