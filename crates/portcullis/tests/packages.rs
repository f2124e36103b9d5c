//! The package pass (issue 14) on real images, scanned by the real binary:
//! the images `fixtures/packages/make.sh OUTDIR` builds with the package
//! managers themselves, and the truth each tool listed while they were built
//! (`OUTDIR/truth/<image>.json`, fixtures/packages/README.md).
//!
//! - the exact inventory of each image against its truth: every package
//!   once, with its layer, its evidence paths (and the layer of the file
//!   version the final filesystem shows), its arch and source package;
//!   nothing else but what the truth calls optional (`role`); nothing a later
//!   layer removed;
//! - the OS, purls and license expressions of a few packages, written out;
//! - `--format cyclonedx` / `--format spdx` of each image against the
//!   official schemas (read from /work/shared/schemas, or
//!   `PORTCULLIS_SCHEMAS`; nothing is fetched), and `convert` of a saved
//!   JSON report giving the same documents byte for byte;
//! - bad input: images made here from the real archives with a corrupt rpm
//!   database, a zip bomb jar, a jar nested 100 deep: the scan goes on, one
//!   note (`rule: "packages"`) at the file, the rest of the inventory intact.
//!
//! Fixtures: `PORTCULLIS_PACKAGE_FIXTURES=DIR` names a built OUTDIR; without
//! it the tests build one, once (`flock` on a lock file across nextest's
//! processes), into `target/package-fixtures`: make.sh runs as root and
//! needs the network. When the fixtures cannot be had the tests skip, unless
//! `PORTCULLIS_PACKAGE_TESTS=required` (scripts/test.sh): then they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod common;
use common::*;

// ---------------------------------------------------------------- fixtures

const IMAGES: [&str; 3] = ["pkgs-main", "pkgs-distroless", "pkgs-apk"];

fn complete(dir: &Path) -> Result<(), String> {
    let outputs: Vec<String> = IMAGES
        .iter()
        .flat_map(|i| [format!("{i}.docker.tar"), format!("truth/{i}.json")])
        .collect();
    has_outputs(dir, &outputs.iter().map(String::as_str).collect::<Vec<_>>())
}

const FIXTURES: FixtureSet = FixtureSet {
    script_dir: "packages",
    env: "PACKAGE",
    target: "package-fixtures",
    complete,
};

/// The fixtures directory; None (after saying why) when the tests skip.
fn fixtures_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FIXTURES.dir(&DIR)
}

fn truth(dir: &Path, image: &str) -> Value {
    let path = dir.join(format!("truth/{image}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t: Value = serde_json::from_str(&text).expect("truth JSON");
    assert_eq!(t["image"], image);
    t
}

fn target_of(dir: &Path, image: &str) -> String {
    format!(
        "docker-archive:{}/{image}.docker.tar:localhost/{image}:1",
        dir.display()
    )
}

// ---------------------------------------------------------------- scanning

/// `scan --no-config --format json TARGET` in an empty directory: the exit
/// status and the one target's report.
fn scan(target: &str) -> (i32, Value) {
    let cwd = tempfile::tempdir().expect("tempdir");
    let o = portcullis(
        &["scan", "--no-config", "--format", "json", target],
        cwd.path(),
    );
    (code(&o), one_target(&o, &json(&o), target))
}

fn one_target(o: &Output, report: &Value, target: &str) -> Value {
    assert!(
        matches!(code(o), 0 | 1),
        "{target}: exit {}: {}",
        code(o),
        stderr(o)
    );
    assert!(
        !stderr(o).contains("panicked"),
        "{target}: a panic: {}",
        stderr(o)
    );
    let targets = report["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1, "{target}: one target");
    assert_eq!(targets[0]["target"], target);
    targets[0].clone()
}

/// One scan of a fixture image writing the JSON report, the CycloneDX BOM
/// and the SPDX document (`report.json`, `bom.cdx.json`, `doc.spdx.json` in
/// the directory returned), shared by the tests of this file: nextest runs
/// each test in a process of its own, and a debug build takes about 15 s on
/// pkgs-main. Kept under CARGO_TARGET_TMPDIR, keyed by the binary and the
/// archive (size and time), made in a scratch directory and renamed into
/// place; one process scans (it holds `<dir>.lock`, made with O_EXCL and
/// removed when it is done, even by a panic), the others wait for it.
struct Scan {
    code: i32,
    dir: PathBuf,
    target: Value,
}

fn fixture_scan(dir: &Path, image: &str) -> Scan {
    let archive = dir.join(format!("{image}.docker.tar"));
    let target = target_of(dir, image);
    let stamp = |p: &Path| {
        let m = std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        format!("{}:{}:{:?}", p.display(), m.len(), m.modified().ok())
    };
    let key = format!(
        "{:x}",
        Sha256::digest(format!(
            "{}\n{}",
            stamp(Path::new(env!("CARGO_BIN_EXE_portcullis"))),
            stamp(&archive)
        ))
    );
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("package-scans");
    let done = cache.join(format!("{image}-{}", &key[..16]));
    std::fs::create_dir_all(&cache).expect("mkdir");
    let lock = cache.join(format!("{image}-{}.lock", &key[..16]));
    struct Unlock(PathBuf);
    impl Drop for Unlock {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let mut held = None;
    for _ in 0..600 {
        if done.join("code").is_file() {
            break;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
        {
            Ok(_) => {
                held = Some(Unlock(lock.clone()));
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(500)),
        }
    }
    if !done.join("code").is_file() {
        let scratch = tempfile::tempdir_in(&cache).expect("tempdir");
        let o = portcullis(
            &[
                "scan",
                "--no-config",
                "--format",
                "json=report.json",
                "--format",
                "cyclonedx=bom.cdx.json",
                "--format",
                "spdx=doc.spdx.json",
                "--quiet",
                &target,
            ],
            scratch.path(),
        );
        assert!(
            matches!(code(&o), 0 | 1),
            "{target}: exit {}: {}",
            code(&o),
            stderr(&o)
        );
        assert!(
            !stderr(&o).contains("panicked"),
            "{target}: a panic: {}",
            stderr(&o)
        );
        std::fs::write(scratch.path().join("code"), code(&o).to_string()).expect("write");
        let scratch = scratch.keep();
        if std::fs::rename(&scratch, &done).is_err() {
            let _ = std::fs::remove_dir_all(&scratch);
        }
    }
    drop(held);
    let code: i32 = std::fs::read_to_string(done.join("code"))
        .expect("code")
        .trim()
        .parse()
        .expect("code");
    let report = read_json(&done.join("report.json"));
    let targets = report["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1, "{target}: one target");
    assert_eq!(targets[0]["target"], target.as_str());
    Scan {
        code,
        dir: done,
        target: targets[0].clone(),
    }
}

fn packages(t: &Value) -> &Vec<Value> {
    t["packages"].as_array().expect("the target has packages")
}

fn package_notes(t: &Value) -> Vec<&Value> {
    t["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == "packages")
        .collect()
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or("")
}

/// (type, namespace, name, version, arch) as the truth spells it: the
/// namespace of OS packages left out (the distro: asserted in the purls),
/// npm scopes without `@`, Go's module path whole.
type Key = (String, String, String, String, String);

fn truth_key(p: &Value) -> Key {
    let t = s(p, "type");
    let ns = match t {
        "deb" | "rpm" | "apk" => "",
        // the truth writes npm scopes with their @ (README: without)
        "npm" => s(p, "namespace").trim_start_matches('@'),
        _ => s(p, "namespace"),
    };
    (
        t.to_owned(),
        ns.to_owned(),
        s(p, "name").to_owned(),
        s(p, "version").to_owned(),
        s(p, "arch").to_owned(),
    )
}

fn report_key(p: &Value) -> Key {
    let t = s(p, "type");
    let (ns, name) = match t {
        "deb" | "rpm" | "apk" => (String::new(), s(p, "name").to_owned()),
        "npm" => (
            s(p, "namespace").trim_start_matches('@').to_owned(),
            s(p, "name").to_owned(),
        ),
        "golang" if !s(p, "namespace").is_empty() => (
            String::new(),
            format!("{}/{}", s(p, "namespace"), s(p, "name")),
        ),
        _ => (s(p, "namespace").to_owned(), s(p, "name").to_owned()),
    };
    (
        t.to_owned(),
        ns,
        name,
        s(p, "version").to_owned(),
        s(p, "arch").to_owned(),
    )
}

fn show(k: &Key) -> String {
    let (t, ns, name, v, arch) = k;
    let ns = if ns.is_empty() {
        String::new()
    } else {
        format!("{ns}/")
    };
    let arch = if arch.is_empty() {
        String::new()
    } else {
        format!(" {arch}")
    };
    format!("{t} {ns}{name}@{v}{arch}")
}

// ---------------------------------------------------------------- docker archives

/// `tar -xOf ARCHIVE MEMBER`.
fn tar_member(archive: &Path, member: &str) -> Vec<u8> {
    let o = Command::new("tar")
        .arg("-xOf")
        .arg(archive)
        .arg(member)
        .output()
        .expect("run tar");
    assert!(
        o.status.success(),
        "tar -xOf {} {member}: {}",
        archive.display(),
        stderr(&o)
    );
    o.stdout
}

fn layer_names(archive: &Path) -> Vec<String> {
    let m: Value =
        serde_json::from_slice(&tar_member(archive, "manifest.json")).expect("manifest.json");
    m[0]["Layers"]
        .as_array()
        .expect("Layers")
        .iter()
        .map(|l| l.as_str().expect("layer").to_owned())
        .collect()
}

/// Every path (absolute) a layer tar of the archive holds, per layer.
fn layer_paths(archive: &Path) -> Vec<BTreeSet<String>> {
    layer_names(archive)
        .iter()
        .map(|layer| {
            let mut extract = Command::new("tar")
                .arg("-xOf")
                .arg(archive)
                .arg(layer)
                .stdout(Stdio::piped())
                .spawn()
                .expect("run tar");
            let list = Command::new("tar")
                .arg("-t")
                .stdin(extract.stdout.take().expect("pipe"))
                .output()
                .expect("run tar -t");
            assert!(extract.wait().expect("tar").success() && list.status.success());
            stdout(&list)
                .lines()
                .map(|l| format!("/{}", l.trim_start_matches("./").trim_end_matches('/')))
                .collect()
        })
        .collect()
}

/// The layer whose version of `path` the final filesystem shows (the last
/// one that holds it).
fn file_layer(paths: &[BTreeSet<String>], path: &str) -> u64 {
    paths
        .iter()
        .rposition(|l| l.contains(path))
        .unwrap_or_else(|| panic!("{path} is in no layer")) as u64
}

// ---------------------------------------------------------------- the inventory against the truth

fn check_inventory(image: &str) {
    let Some(dir) = fixtures_dir() else { return };
    let truth = truth(dir, image);
    let archive = dir.join(format!("{image}.docker.tar"));
    let t = fixture_scan(dir, image).target;
    let layers = layer_paths(&archive);
    assert_eq!(
        layers.len(),
        truth["layers"].as_array().expect("layers").len()
    );
    let reported = packages(&t);

    let mut problems = Vec::new();
    // No package twice: neither the same purl nor the same key.
    let mut by_key: BTreeMap<Key, Vec<&Value>> = BTreeMap::new();
    let mut purls = BTreeSet::new();
    for p in reported {
        by_key.entry(report_key(p)).or_default().push(p);
        if !purls.insert(s(p, "purl")) {
            problems.push(format!("purl twice: {}", s(p, "purl")));
        }
    }
    for (k, ps) in &by_key {
        if ps.len() > 1 {
            problems.push(format!("{} reported {} times", show(k), ps.len()));
        }
    }

    let mut expected_keys = BTreeSet::new();
    for tp in truth["packages"].as_array().expect("packages") {
        let k = truth_key(tp);
        expected_keys.insert(k.clone());
        let optional = tp.get("role").is_some();
        let Some(ps) = by_key.get(&k) else {
            if !optional {
                problems.push(format!("missed {} ({})", show(&k), s(tp, "path")));
            }
            continue;
        };
        let p = ps[0];
        let what = show(&k);
        if p["layer"] != tp["layer"] {
            problems.push(format!(
                "{what}: layer {} (truth {})",
                p["layer"], tp["layer"]
            ));
        }
        // The evidence: the truth's path first, at the layer whose version of
        // the file the final filesystem shows; then each `also` (the same
        // package seen a second time: a deb's Python dist, its jar).
        let mut want = vec![
            json!({"layer": file_layer(&layers, s(tp, "path")), "path": match tp["inner"].as_str() {
                // A jar nested in the evidence file: ARCHIVE!/INNER.
                Some(inner) => format!("{}!/{inner}", s(tp, "path")),
                None => s(tp, "path").to_owned(),
            }}),
        ];
        for a in tp["also"].as_array().into_iter().flatten() {
            want.push(json!({"layer": file_layer(&layers, s(a, "path")), "path": s(a, "path")}));
        }
        let got = p["evidence"].as_array().cloned().unwrap_or_default();
        if got.first() != want.first() || {
            let mut g: Vec<String> = got.iter().skip(1).map(Value::to_string).collect();
            let mut w: Vec<String> = want.iter().skip(1).map(Value::to_string).collect();
            g.sort();
            w.sort();
            g != w
        } {
            problems.push(format!(
                "{what}: evidence {} (expected {})",
                Value::Array(got),
                Value::Array(want)
            ));
        }
        // The source package: OS packages always (the binary's own name when
        // they are the same), its version only when it differs; rpm's from
        // the SOURCERPM; language packages none.
        let want_source = match k.0.as_str() {
            "deb" | "apk" => {
                let sv = tp["source_version"]
                    .as_str()
                    .filter(|v| *v != s(tp, "version"));
                json!({"name": tp["source"].as_str().unwrap_or(s(tp, "name")), "version": sv})
            }
            "rpm" => {
                let srpm = s(tp, "source_rpm")
                    .strip_suffix(".src.rpm")
                    .expect("source_rpm");
                let version = srpm
                    .strip_prefix(&format!("{}-", s(tp, "name")))
                    .expect("name-version");
                json!({"name": s(tp, "name"), "version": version})
            }
            _ => Value::Null,
        };
        if p["source"] != want_source {
            problems.push(format!(
                "{what}: source {} (expected {want_source})",
                p["source"]
            ));
        }
    }
    for (k, ps) in &by_key {
        if !expected_keys.contains(k) {
            let removed = truth["removed"]
                .as_array()
                .expect("removed")
                .iter()
                .any(|r| truth_key(r) == *k);
            let why = if removed {
                "removed by a later layer, reported"
            } else {
                "not in the truth"
            };
            problems.push(format!("{}: {why} ({})", show(k), ps[0]["evidence"]));
        }
    }
    assert!(problems.is_empty(), "{image}:\n{}", problems.join("\n"));
    // Every required package and no more: the counts say the same.
    let required = truth["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p.get("role").is_none())
        .count();
    let optional_reported = truth["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p.get("role").is_some() && by_key.contains_key(&truth_key(p)))
        .count();
    assert_eq!(reported.len(), required + optional_reported, "{image}");
    assert!(
        package_notes(&t).is_empty(),
        "{image}: {:?}",
        package_notes(&t)
    );
}

#[test]
fn main_image_inventory_is_the_truth() {
    check_inventory("pkgs-main");
}

#[test]
fn distroless_image_inventory_is_the_truth() {
    check_inventory("pkgs-distroless");
}

#[test]
fn apk_image_inventory_is_the_truth() {
    check_inventory("pkgs-apk");
}

// ---------------------------------------------------------------- OS, purls, licenses

fn find<'a>(t: &'a Value, ty: &str, name: &str, arch: Option<&str>) -> &'a Value {
    let found: Vec<&Value> = packages(t)
        .iter()
        .filter(|p| p["type"] == ty && p["name"] == name && arch.is_none_or(|a| p["arch"] == a))
        .collect();
    assert_eq!(found.len(), 1, "{ty} {name} {arch:?}: {found:?}");
    found[0]
}

fn truth_version(truth: &Value, name: &str, arch: &str) -> String {
    truth["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name && p["arch"] == arch)
        .and_then(|p| p["version"].as_str())
        .unwrap_or_else(|| panic!("{name} {arch} in the truth"))
        .to_owned()
}

/// A purl version: `+` percent-encoded; `:` (an epoch) and `~` stay, as
/// the purl spec allows and packageurl-python and syft write them
/// (Debian's versions hold no other character).
fn purl_version(v: &str) -> String {
    assert!(
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+~:-".contains(c)),
        "{v}"
    );
    v.replace('+', "%2B")
}

fn os_of(t: &Value) -> (String, String) {
    (
        s(&t["os"], "id").to_owned(),
        s(&t["os"], "version_id").to_owned(),
    )
}

#[test]
fn the_os_of_each_image() {
    let Some(dir) = fixtures_dir() else { return };
    let main = fixture_scan(dir, "pkgs-main").target;
    assert_eq!(
        main["os"],
        json!({"id": "debian", "version_id": "12", "version_codename": "bookworm", "id_like": [],
               "pretty_name": "Debian GNU/Linux 12 (bookworm)"})
    );
    let distroless = fixture_scan(dir, "pkgs-distroless").target;
    assert_eq!(os_of(&distroless), ("debian".into(), "12".into()));
    let apk = fixture_scan(dir, "pkgs-apk").target;
    assert_eq!(
        apk["os"],
        json!({"id": "alpine", "version_id": "3.19.1", "version_codename": null, "id_like": [],
               "pretty_name": "Alpine Linux v3.19"})
    );
}

#[test]
fn purls_of_every_kind() {
    let Some(dir) = fixtures_dir() else { return };
    let tm = truth(dir, "pkgs-main");
    let main = fixture_scan(dir, "pkgs-main").target;
    let purl = |t: &Value, ty: &str, name: &str, arch: Option<&str>| {
        s(find(t, ty, name, arch), "purl").to_owned()
    };
    // deb: the arch and the distro qualifier; the i386 half of a multi-arch pair
    let libc = truth_version(&tm, "libc6", "i386");
    assert_eq!(
        purl(&main, "deb", "libc6", Some("i386")),
        format!(
            "pkg:deb/debian/libc6@{}?arch=i386&distro=debian-12",
            purl_version(&libc)
        )
    );
    // an epoch in a Debian version stays in the version
    let zlib = truth_version(&tm, "zlib1g", "amd64");
    assert!(zlib.starts_with("1:"), "{zlib}");
    assert_eq!(
        purl(&main, "deb", "zlib1g", Some("amd64")),
        format!(
            "pkg:deb/debian/zlib1g@{}?arch=amd64&distro=debian-12",
            purl_version(&zlib)
        )
    );
    // rpm: the epoch as a qualifier, not in the version
    assert_eq!(
        purl(&main, "rpm", "fixture-tools", None),
        "pkg:rpm/debian/fixture-tools@3.1.4-7.fx1?arch=x86_64&distro=debian-12&epoch=2"
    );
    assert_eq!(
        purl(&main, "rpm", "fixture-data", None),
        "pkg:rpm/debian/fixture-data@1.0-1?arch=noarch&distro=debian-12"
    );
    // npm: the scope's @ encoded; the nested duplicate has its own version
    assert_eq!(
        purl(&main, "npm", "is", None),
        "pkg:npm/%40sindresorhus/is@0.14.0"
    );
    let ms: BTreeSet<&str> = packages(&main)
        .iter()
        .filter(|p| p["type"] == "npm" && p["name"] == "ms")
        .map(|p| s(p, "purl"))
        .collect();
    assert_eq!(ms, BTreeSet::from(["pkg:npm/ms@2.0.0", "pkg:npm/ms@2.1.3"]));
    // maven: groupId as the namespace, from a jar nested two deep
    assert_eq!(
        purl(&main, "maven", "deep-lib", None),
        "pkg:maven/com.example/deep-lib@0.3.1"
    );
    assert_eq!(
        purl(&main, "maven", "shaded-dep", None),
        "pkg:maven/org.example.shaded/shaded-dep@4.5.6"
    );
    // golang: the module path split into namespace and name, the v kept
    assert_eq!(
        purl(&main, "golang", "greet", None),
        "pkg:golang/example.com/greet@v1.2.3"
    );
    // pypi: the name normalised (PEP 503), the report keeps the tool's spelling
    let te = find(&main, "pypi", "typing_extensions", None);
    assert_eq!(s(te, "purl"), "pkg:pypi/typing-extensions@4.7.1");
    assert_eq!(
        purl(&main, "pypi", "Markdown", None),
        "pkg:pypi/markdown@3.4.4"
    );
    assert_eq!(purl(&main, "cargo", "itoa", None), "pkg:cargo/itoa@1.0.9");
    assert_eq!(
        purl(&main, "gem", "fixture-util", None),
        "pkg:gem/fixture-util@1.2.3"
    );
    assert_eq!(
        purl(&main, "composer", "greeter", None),
        "pkg:composer/acme/greeter@1.4.0"
    );
    assert_eq!(
        purl(&main, "nuget", "Newtonsoft.Json", None),
        "pkg:nuget/Newtonsoft.Json@13.0.1"
    );

    let apk = fixture_scan(dir, "pkgs-apk").target;
    assert_eq!(
        purl(&apk, "apk", "busybox", None),
        "pkg:apk/alpine/busybox@1.36.1-r19?arch=x86_64&distro=alpine-3.19.1"
    );
    let td = truth(dir, "pkgs-distroless");
    let distroless = fixture_scan(dir, "pkgs-distroless").target;
    assert_eq!(
        purl(&distroless, "deb", "libssl3", None),
        format!(
            "pkg:deb/debian/libssl3@{}?arch=amd64&distro=debian-12",
            purl_version(&truth_version(&td, "libssl3", "amd64"))
        )
    );
}

#[test]
fn declared_licenses_as_spdx_expressions() {
    let Some(dir) = fixtures_dir() else { return };
    let main = fixture_scan(dir, "pkgs-main").target;
    let lic = |ty: &str, name: &str, arch: Option<&str>| {
        let p = find(&main, ty, name, arch);
        (p["licenses"].clone(), p["license_expression"].clone())
    };
    // DEP-5 copyright files: Debian's short names made SPDX
    assert_eq!(
        lic("deb", "python3-six", None),
        (json!(["Expat"]), json!("MIT"))
    );
    assert_eq!(
        lic("deb", "libssl3", None),
        (
            json!(["Apache-2.0", "Artistic or GPL-1+"]),
            json!("Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)")
        )
    );
    assert_eq!(
        lic("deb", "libc6", Some("i386")),
        (
            json!(["LGPL-2.1", "GPL-2"]),
            json!("LGPL-2.1-only AND GPL-2.0-only")
        )
    );
    // pip: attrs 23.1.0's METADATA has `License-Expression: MIT` (and the
    // classifier beside it)
    assert_eq!(
        lic("pypi", "attrs", None),
        (
            json!(["MIT", "License :: OSI Approved :: MIT License"]),
            json!("MIT")
        )
    );
    // npm package.json `license`
    assert_eq!(lic("npm", "is", None), (json!(["MIT"]), json!("MIT")));
    assert_eq!(lic("npm", "inherits", None), (json!(["ISC"]), json!("ISC")));
    // rpm's License tag, gem's, composer's
    assert_eq!(
        lic("rpm", "fixture-tools", None),
        (json!(["GPL-2.0-or-later"]), json!("GPL-2.0-or-later"))
    );
    assert_eq!(
        lic("composer", "util", None),
        (json!(["BSD-3-Clause"]), json!("BSD-3-Clause"))
    );
    // a free-text license that no SPDX expression can be formed from: kept, no expression
    let md = find(&main, "pypi", "Markdown", None);
    assert_eq!(
        md["licenses"],
        json!(["License :: OSI Approved :: BSD License"])
    );
    assert!(md.get("license_expression").is_none(), "{md}");
}

// ---------------------------------------------------------------- SBOMs

#[path = "../../portcullis-report/tests/support/sbom_checks.rs"]
mod sbom_checks;
use sbom_checks::{cyclonedx_validator, schema_errors, spdx_spec_errors, spdx_validator};

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// One scan writing the JSON report, the BOM and the SPDX document; each
/// document valid and holding exactly the report's packages; `convert` of
/// the saved report giving the same two files.
fn check_sboms(image: &str) {
    let Some(dir) = fixtures_dir() else { return };
    let scan = fixture_scan(dir, image);
    let t = &scan.target;
    let purls: BTreeSet<&str> = packages(t).iter().map(|p| s(p, "purl")).collect();
    assert_eq!(purls.len(), packages(t).len());
    assert!(purls.len() >= 5, "{image}: {purls:?}");

    let bom = read_json(&scan.dir.join("bom.cdx.json"));
    let errors = schema_errors(cyclonedx_validator(), &bom);
    assert!(
        errors.is_empty(),
        "{image}: the BOM is not valid CycloneDX 1.6:\n{}",
        errors.join("\n")
    );
    assert_eq!(bom["specVersion"], "1.6");
    let comps = bom["components"].as_array().expect("components");
    let bom_purls: BTreeSet<&str> = comps.iter().filter_map(|c| c["purl"].as_str()).collect();
    assert_eq!(bom_purls, purls, "{image}: the BOM's components");
    assert_eq!(
        comps.len(),
        purls.len() + 1,
        "{image}: one component per package and one for the OS"
    );
    let os: Vec<&Value> = comps
        .iter()
        .filter(|c| c["type"] == "operating-system")
        .collect();
    assert_eq!(os.len(), 1);
    assert_eq!(
        (s(os[0], "name"), s(os[0], "version")),
        (s(&t["os"], "id"), s(&t["os"], "version_id"))
    );

    let doc = read_json(&scan.dir.join("doc.spdx.json"));
    let mut errors = schema_errors(spdx_validator(), &doc);
    errors.extend(spdx_spec_errors(&doc));
    assert!(
        errors.is_empty(),
        "{image}: the document is not valid SPDX 2.3:\n{}",
        errors.join("\n")
    );
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    let spdx_purls: Vec<&str> = doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .flat_map(|p| p["externalRefs"].as_array().into_iter().flatten())
        .filter(|r| r["referenceType"] == "purl")
        .map(|r| s(r, "referenceLocator"))
        .collect();
    assert_eq!(
        spdx_purls.len(),
        purls.len(),
        "{image}: one purl per package"
    );
    assert_eq!(spdx_purls.into_iter().collect::<BTreeSet<_>>(), purls);

    // convert: the same documents from the saved report, byte for byte
    for (format, file) in [("cyclonedx", "bom.cdx.json"), ("spdx", "doc.spdx.json")] {
        let o = portcullis(&["convert", "report.json", "--format", format], &scan.dir);
        // exit status as the report's verdict, as the scan's
        assert_eq!(
            code(&o),
            scan.code,
            "convert --format {format}: {}",
            stderr(&o)
        );
        let scanned = std::fs::read_to_string(scan.dir.join(file)).expect("scanned document");
        assert!(
            stdout(&o) == scanned,
            "{image}: convert --format {format} differs from the scan's document"
        );
    }
}

#[test]
fn main_image_sboms_are_valid_and_convert_gives_the_same() {
    check_sboms("pkgs-main");
}

#[test]
fn distroless_image_sboms_are_valid_and_convert_gives_the_same() {
    check_sboms("pkgs-distroless");
}

#[test]
fn apk_image_sboms_are_valid_and_convert_gives_the_same() {
    check_sboms("pkgs-apk");
}

// ---------------------------------------------------------------- bad input

/// A docker archive: `base`'s layers and config, and one more layer holding
/// `files` (path in the image → content), written into `dir`.
fn with_layer(base: &Path, files: &[(&str, Vec<u8>)], dir: &Path) -> PathBuf {
    let img = dir.join("img");
    std::fs::create_dir_all(&img).expect("mkdir");
    let o = Command::new("tar")
        .arg("-xf")
        .arg(base)
        .arg("-C")
        .arg(&img)
        .output()
        .expect("tar");
    assert!(o.status.success(), "tar -xf: {}", stderr(&o));
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(img.join("manifest.json")).expect("manifest"))
            .expect("manifest.json");
    let config_name = s(&manifest[0], "Config").to_owned();
    let mut config: Value =
        serde_json::from_slice(&std::fs::read(img.join(&config_name)).expect("config"))
            .expect("config JSON");

    let root = dir.join("layer");
    for (path, content) in files {
        let p = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, content).expect("write");
    }
    let layer_tmp = dir.join("layer.tar");
    let o = Command::new("tar")
        .args([
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mtime=@1700000000",
            "-C",
        ])
        .arg(&root)
        .arg("-cf")
        .arg(&layer_tmp)
        .arg(".")
        .output()
        .expect("tar");
    assert!(o.status.success(), "tar -cf: {}", stderr(&o));
    let digest = format!(
        "{:x}",
        Sha256::digest(std::fs::read(&layer_tmp).expect("layer"))
    );
    std::fs::rename(&layer_tmp, img.join(format!("{digest}.tar"))).expect("rename");

    config["rootfs"]["diff_ids"]
        .as_array_mut()
        .expect("diff_ids")
        .push(json!(format!("sha256:{digest}")));
    config["history"]
        .as_array_mut()
        .expect("history")
        .push(json!({"created": "2023-11-14T22:13:20Z", "created_by": "COPY bad /"}));
    let config_bytes = serde_json::to_vec(&config).expect("config");
    let config_digest = format!("{:x}", Sha256::digest(&config_bytes));
    std::fs::remove_file(img.join(&config_name)).expect("rm config");
    std::fs::write(img.join(format!("{config_digest}.json")), &config_bytes).expect("config");
    manifest[0]["Config"] = json!(format!("{config_digest}.json"));
    manifest[0]["Layers"]
        .as_array_mut()
        .expect("Layers")
        .push(json!(format!("{digest}.tar")));
    std::fs::write(
        img.join("manifest.json"),
        serde_json::to_vec(&manifest).expect("manifest"),
    )
    .expect("manifest");

    let mut members = vec!["manifest.json".to_owned(), format!("{config_digest}.json")];
    members.extend(
        manifest[0]["Layers"]
            .as_array()
            .expect("Layers")
            .iter()
            .map(|l| l.as_str().expect("layer").to_owned()),
    );
    let out = dir.join("bad.docker.tar");
    let o = Command::new("tar")
        .arg("-C")
        .arg(&img)
        .arg("-cf")
        .arg(&out)
        .args(&members)
        .output()
        .expect("tar");
    assert!(o.status.success(), "tar -cf: {}", stderr(&o));
    out
}

/// The apk fixture with one more layer of `files`: the scan succeeds as the
/// clean image's does, the apk inventory is the clean one, and the package
/// notes are returned (with the new layer's packages).
fn scan_bad(dir: &Path, files: &[(&str, Vec<u8>)]) -> (Vec<Value>, Vec<Value>) {
    let base = dir.join("pkgs-apk.docker.tar");
    let (clean_code, clean) = scan(&target_of(dir, "pkgs-apk"));
    let work = tempfile::tempdir().expect("tempdir");
    let archive = with_layer(&base, files, work.path());
    let target = format!("docker-archive:{}:localhost/pkgs-apk:1", archive.display());
    let (code, t) = scan(&target);
    assert_eq!(code, clean_code, "the exit status is the clean image's");
    let (apk, other): (Vec<Value>, Vec<Value>) = packages(&t)
        .iter()
        .cloned()
        .partition(|p| p["type"] == "apk");
    assert_eq!(
        &apk,
        packages(&clean),
        "the rest of the inventory is intact"
    );
    assert_eq!(os_of(&t), ("alpine".into(), "3.19.1".into()));
    (package_notes(&t).into_iter().cloned().collect(), other)
}

fn note_at(path: &str, message: &str) -> Value {
    json!({"rule": "packages", "path": path, "message": format!("{path}: {message}")})
}

/// The notes as (rule, path, message), the layer checked: the added one (2).
fn notes_brief(notes: &[Value]) -> Vec<Value> {
    notes
        .iter()
        .map(|n| {
            assert_eq!(n["location"]["kind"], "layer", "{n}");
            assert_eq!(n["location"]["index"], 2, "{n}");
            json!({"rule": n["rule"], "path": n["location"]["path"], "message": n["message"]})
        })
        .collect()
}

/// The real rpm database of pkgs-main (rpm 4.18's SQLite), from its layer.
fn real_rpmdb(dir: &Path) -> Vec<u8> {
    let archive = dir.join("pkgs-main.docker.tar");
    let layers = layer_names(&archive);
    let last = layers.last().expect("layers");
    let mut extract = Command::new("tar")
        .arg("-xOf")
        .arg(&archive)
        .arg(last)
        .stdout(Stdio::piped())
        .spawn()
        .expect("tar");
    let db = Command::new("tar")
        .args(["-xO", "--wildcards", "*var/lib/rpm/rpmdb.sqlite"])
        .stdin(extract.stdout.take().expect("pipe"))
        .output()
        .expect("tar");
    assert!(
        extract.wait().expect("tar").success() && db.status.success(),
        "{}",
        stderr(&db)
    );
    assert!(
        db.stdout.starts_with(b"SQLite format 3\0"),
        "the rpm database is SQLite"
    );
    db.stdout
}

#[test]
fn the_real_rpm_database_in_a_layer_of_its_own_is_read() {
    // The control for the corrupt ones below: the same file, whole, gives
    // both packages and no note.
    let Some(dir) = fixtures_dir() else { return };
    let db = real_rpmdb(dir);
    let (notes, other) = scan_bad(dir, &[("/var/lib/rpm/rpmdb.sqlite", db)]);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(purls_of(&other), RPMS);
}

/// The two packages of the fixture's rpm database, in the apk image (the
/// distro qualifier is the image's os-release).
const RPMS: [&str; 2] = [
    "pkg:rpm/alpine/fixture-data@1.0-1?arch=noarch&distro=alpine-3.19.1",
    "pkg:rpm/alpine/fixture-tools@3.1.4-7.fx1?arch=x86_64&distro=alpine-3.19.1&epoch=2",
];

fn purls_of(ps: &[Value]) -> Vec<&str> {
    let mut v: Vec<&str> = ps.iter().map(|p| s(p, "purl")).collect();
    v.sort();
    v
}

/// SQLite's page size (header offset 16) and its database size in pages
/// (offset 28).
fn sqlite_pages(db: &[u8]) -> (usize, usize) {
    let page = u16::from_be_bytes([db[16], db[17]]) as usize;
    let pages = u32::from_be_bytes([db[28], db[29], db[30], db[31]]) as usize;
    assert_eq!(page * pages, db.len(), "the real database is whole");
    (page, pages)
}

#[test]
fn a_truncated_rpm_database_is_a_note() {
    let Some(dir) = fixtures_dir() else { return };
    let mut db = real_rpmdb(dir);
    let (page, pages) = sqlite_pages(&db);
    let len = db.len() / 2;
    assert!(!len.is_multiple_of(page), "cut inside a page");
    db.truncate(len);
    let (notes, other) = scan_bad(dir, &[("/var/lib/rpm/rpmdb.sqlite", db)]);
    let path = "/var/lib/rpm/rpmdb.sqlite";
    let brief = notes_brief(&notes);
    let held = len / page;
    // what could not be read, and why: the cut, the header's count against
    // the file's, each b-tree page beyond the end (which ones depends on
    // where rpm put its tables), and that the Packages table is lost
    assert!(brief.len() >= 3, "{brief:?}");
    assert_eq!(
        brief[..2],
        [
            note_at(path, &format!("the file's {len} bytes are not a whole number of {page}-byte pages (truncated)")),
            note_at(path, &format!("the SQLite header says {pages} pages, the file holds {held}: truncated or lying, reading what is there")),
        ]
    );
    for n in &brief[2..brief.len() - 1] {
        let m = s(n, "message");
        let p: usize = m
            .strip_prefix(&format!("{path}: b-tree page "))
            .and_then(|r| r.strip_suffix(&format!(" is outside the file's {held} pages")))
            .unwrap_or_else(|| panic!("{m}"))
            .parse()
            .expect("page number");
        assert!(p > held && p <= pages, "{m}");
    }
    assert_eq!(
        brief[brief.len() - 1],
        note_at(path, "the SQLite database has no Packages table")
    );
    assert_eq!(other, Vec::<Value>::new());
}

#[test]
fn an_rpm_database_with_a_lying_page_count_is_a_note() {
    let Some(dir) = fixtures_dir() else { return };
    let mut db = real_rpmdb(dir);
    let (_, pages) = sqlite_pages(&db);
    // The header's database size in pages, far beyond the file.
    db[28..32].copy_from_slice(&0x7fff_fff0u32.to_be_bytes());
    let (notes, other) = scan_bad(dir, &[("/var/lib/rpm/rpmdb.sqlite", db)]);
    assert_eq!(
        notes_brief(&notes),
        [note_at(
            "/var/lib/rpm/rpmdb.sqlite",
            &format!("the SQLite header says {} pages, the file holds {pages}: truncated or lying, reading what is there", 0x7fff_fff0u32)
        )]
    );
    // what is there is read
    assert_eq!(purls_of(&other), RPMS);
}

/// python3 writes the zips (its zipfile streams a zip64 entry without
/// holding it); every fresh machine of this kind has CPython.
fn python(script: &str, args: &[&Path]) {
    let mut child = Command::new("python3")
        .arg("-")
        .args(args)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    let o = child.wait_with_output().expect("python3");
    assert!(o.status.success(), "python3: {}", stderr(&o));
}

#[test]
fn a_zip_bomb_jar_is_a_note() {
    let Some(dir) = fixtures_dir() else { return };
    let work = tempfile::tempdir().expect("tempdir");
    let jar = work.path().join("bomb.jar");
    // app.jar: its own pom.properties, then BOOT-INF/lib/bomb-1.0.jar
    // (deflated: about 0.6 MiB) which inflates to a zip with one stored entry
    // of 600 MiB of zeros: more than the 512 MiB inflate budget per file.
    python(
        r#"
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/maven/org.bomb/app/pom.properties", "groupId=org.bomb\nartifactId=app\nversion=1.0\n")
    with z.open("BOOT-INF/lib/bomb-1.0.jar", "w", force_zip64=True) as inner_file:
        with zipfile.ZipFile(inner_file, "w", zipfile.ZIP_STORED) as inner:
            inner.writestr("META-INF/maven/org.bomb/bomb/pom.properties", "groupId=org.bomb\nartifactId=bomb\nversion=1.0\n")
            with inner.open("zeros.bin", "w", force_zip64=True) as zeros:
                chunk = bytes(1 << 20)
                for _ in range(600):
                    zeros.write(chunk)
"#,
        &[&jar],
    );
    let bytes = std::fs::read(&jar).expect("jar");
    assert!(bytes.len() < 8 << 20, "the bomb is small: {}", bytes.len());
    let (notes, other) = scan_bad(dir, &[("/opt/app/bomb.jar", bytes)]);
    assert_eq!(
        notes_brief(&notes),
        [note_at(
            "/opt/app/bomb.jar",
            "inflating more than 512 MiB (a zip bomb?): the rest of the archive is not read"
        )]
    );
    // the outer jar's own pom.properties, read before the bomb, stays; the
    // bomb's, whose entry never ended, is not reported
    assert_eq!(purls_of(&other), ["pkg:maven/org.bomb/app@1.0"]);
}

#[test]
fn a_jar_nested_100_deep_is_a_note() {
    let Some(dir) = fixtures_dir() else { return };
    let work = tempfile::tempdir().expect("tempdir");
    let jar = work.path().join("deep.jar");
    // level-N.jar holds its pom.properties (artifactId level-N) and lib/level-(N+1).jar
    python(
        r#"
import io, sys, zipfile
data = None
for n in range(100, -1, -1):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/maven/org.deep/level-%d/pom.properties" % n,
                   "groupId=org.deep\nartifactId=level-%d\nversion=1.%d\n" % (n, n))
        if data is not None:
            z.writestr("lib/level-%d.jar" % (n + 1), data)
    data = buf.getvalue()
open(sys.argv[1], "wb").write(data)
"#,
        &[&jar],
    );
    let bytes = std::fs::read(&jar).expect("jar");
    let (notes, other) = scan_bad(dir, &[("/opt/app/deep.jar", bytes)]);
    assert_eq!(
        notes_brief(&notes),
        [note_at(
            "/opt/app/deep.jar",
            "archives nested more than 8 deep: not read"
        )]
    );
    // the file's own archive and the 8 nested below it
    let want: Vec<String> = (0..=8)
        .map(|n| format!("pkg:maven/org.deep/level-{n}@1.{n}"))
        .collect();
    assert_eq!(purls_of(&other), want);
}
