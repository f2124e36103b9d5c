//! The license policies (SQ12101–SQ12103, SQ12401–SQ12408) on Subjects
//! whose inventory is what the real catalogers and the real layer merge
//! make of package data the package managers wrote
//! (`portcullis-packages/tests/data`: a Debian root by mmdebstrap with its
//! copyright files, pip's METADATA and PKG-INFO, npm's node_modules,
//! Composer's installed.json, a Go binary, a `cargo auditable` binary).
//!
//! Where real data has no license of the kind a rule is about, a real
//! evidence file is changed only in its license field before the cataloger
//! reads it (an npm `package.json`'s `"license"`); Go and Rust binaries
//! record no licenses at all, so a Go module's license is set on the
//! package the cataloger returned. Each case says so.

#![allow(clippy::unwrap_used)] // tests: a panic is a failure

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use portcullis_image::history::{Boundary, Signal};
use portcullis_packages::merge::LayerFile;
use portcullis_rules::registry::{check, Outcome};
use portcullis_rules::subject::{
    ImageFacts, Runtime, Setting, StageBase, StageInfo, Subject, SubjectKind,
};
use portcullis_rules::{LicenseLists, Located, Location};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../portcullis-packages/tests/data"
);

fn read(rel: &str) -> Vec<u8> {
    let bytes = std::fs::read(Path::new(DATA).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if rel.ends_with(".xz") {
        let mut out = Vec::new();
        liblzma::read::XzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        bytes
    }
}

/// What the catalogers find in `bytes` at `path` (relative, as the content
/// pass names files), fed as a layer streams them.
fn catalog(path: &str, bytes: &[u8]) -> LayerFile {
    let mut c = portcullis_packages::cataloger_for(path, bytes.len() as u64)
        .unwrap_or_else(|| panic!("no cataloger wants {path}"));
    for part in bytes.chunks(64 * 1024) {
        if !c.chunk(part) {
            break;
        }
    }
    LayerFile {
        path: path.to_owned(),
        found: c.finish(true),
    }
}

/// The image's layers: (path in the image, fixture file or bytes).
struct Layers(Vec<Vec<LayerFile>>);

impl Layers {
    fn new(n: usize) -> Layers {
        Layers((0..n).map(|_| Vec::new()).collect())
    }

    fn add(&mut self, layer: usize, path: &str, bytes: &[u8]) -> &mut LayerFile {
        self.0[layer].push(catalog(path, bytes));
        self.0[layer].last_mut().unwrap()
    }

    fn file(&mut self, layer: usize, path: &str, fixture: &str) -> &mut LayerFile {
        let bytes = read(fixture);
        self.add(layer, path, &bytes)
    }

    fn inventory(&self) -> portcullis_packages::Inventory {
        // The final filesystem: each path from the last layer holding it.
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, files) in self.0.iter().enumerate() {
            for f in files {
                last.insert(&f.path, i);
            }
        }
        let layers: Vec<&[LayerFile]> = self.0.iter().map(|l| &l[..]).collect();
        let live = |path: &str, layer: usize| last.get(path) == Some(&layer);
        let (inventory, notes) = portcullis_packages::merge::inventory(&layers, &live);
        assert!(notes.is_empty(), "{notes:?}");
        inventory
    }
}

const DEB_COPYRIGHTS: [&str; 6] = [
    "base-files",
    "bash",
    "libssl3",
    "libzstd1",
    "ncurses-base",
    "zlib1g",
];

/// Layer 0, the base (a Debian root by mmdebstrap): dpkg's status, its file
/// lists and the copyright files kept.
fn debian_base(layers: &mut Layers) {
    layers.file(0, "var/lib/dpkg/status", "deb/root/var/lib/dpkg/status.xz");
    for list in [
        "base-files.list",
        "libssl3:amd64.list",
        "zlib1g:amd64.list",
        "zlib1g:i386.list",
    ] {
        layers.file(
            0,
            &format!("var/lib/dpkg/info/{list}"),
            &format!("deb/root/var/lib/dpkg/info/{list}"),
        );
    }
    for name in DEB_COPYRIGHTS {
        layers.file(
            0,
            &format!("usr/share/doc/{name}/copyright"),
            &format!("deb/root/usr/share/doc/{name}/copyright"),
        );
    }
}

const VENV: &str = "opt/venv/lib/python3.11/site-packages";
const DIST: &str = "usr/lib/python3/dist-packages";

/// Layer 1, this build's `pip install`: a venv, and Debian's Python
/// packages' egg-info (python-debian twice: in dist-packages and copied
/// into the venv).
fn python_layer(layers: &mut Layers, layer: usize) {
    for (dir, file) in [
        ("certifi-2024.2.2.dist-info", "METADATA"),
        ("requests-2.31.0.dist-info", "METADATA"),
        ("six-1.16.0.dist-info", "METADATA"),
        ("idna-3.7.dist-info", "METADATA"),
    ] {
        layers.file(
            layer,
            &format!("{VENV}/{dir}/{file}"),
            &format!("python/venv/lib/python3.11/site-packages/{dir}/{file}"),
        );
    }
    for (entry, file) in [
        ("chardet-5.1.0.dist-info", "/METADATA"),
        ("python_debian-0.1.49.egg-info", "/PKG-INFO"),
        ("pycairo-1.20.1.egg-info", ""),
    ] {
        layers.file(
            layer,
            &format!("{DIST}/{entry}{file}"),
            &format!("python/debian/usr/lib/python3/dist-packages/{entry}{file}"),
        );
    }
    layers.file(
        layer,
        &format!("{VENV}/python_debian-0.1.49.egg-info/PKG-INFO"),
        "python/debian/usr/lib/python3/dist-packages/python_debian-0.1.49.egg-info/PKG-INFO",
    );
}

/// Layer 2, this build's application: npm's node_modules, Composer's
/// vendor, a Go binary and a `cargo auditable` binary.
fn app_layer(layers: &mut Layers, layer: usize) {
    for module in [
        "debug",
        "debug/node_modules/ms",
        "ms",
        "indexof",
        "json-schema",
        "@babel/runtime",
    ] {
        layers.file(
            layer,
            &format!("app/node_modules/{module}/package.json"),
            &format!("npm/app/node_modules/{module}/package.json"),
        );
    }
    layers.file(
        layer,
        "app/vendor/composer/installed.json",
        "composer/v2/vendor/composer/installed.json",
    );
    layers.file(layer, "usr/local/bin/hello", "golang/hello.xz");
    layers.file(layer, "usr/local/bin/hello-auditable", "cargo/hello.xz");
}

const DIFF_IDS: [&str; 3] = ["sha256:l0", "sha256:l1", "sha256:l2"];

/// An image subject: layer i made by history entry `history[i]`, the base
/// ending at `boundary`.
fn image_subject(
    inventory: portcullis_packages::Inventory,
    history: Vec<Option<usize>>,
    boundary: Boundary,
    licenses: LicenseLists,
) -> Subject {
    Subject {
        kind: SubjectKind::Image,
        steps: Vec::new(),
        stages: vec![StageInfo {
            name: None,
            base: StageBase::Scratch,
        }],
        runtime: Runtime {
            user: Setting::NotSet,
            healthcheck: Setting::NotSet,
            cmd: Setting::NotSet,
            entrypoint: Setting::NotSet,
            exposed: Vec::new(),
            anchor: Located::new(Location::Config {
                pointer: "/config".into(),
            }),
        },
        source: None,
        image: Some(Arc::new(ImageFacts {
            diff_ids: DIFF_IDS[..history.len()]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            layer_history: history,
            fs: portcullis_image::Filesystem::default(),
            boundary,
            declared_base: None,
        })),
        secrets: Vec::new(),
        secrets_skipped: Vec::new(),
        packages: Some(inventory),
        package_notes: Vec::new(),
        licenses,
        license_assessments: Default::default(),
        image_uses: Vec::new(),
        trusted_images: None,
        vulnerabilities: Default::default(),
        binaries: None,
        workloads: None,
        kubernetes_version: portcullis_rules::subject::KUBERNETES_VERSION,
        images: None,
        signatures: Default::default(),
    }
}

/// History: 0 `ADD rootfs` (layer 0), 1 `CMD ["bash"]` — the base —, then
/// this build's 2 `RUN pip install` (layer 1) and 3 `COPY app` (layer 2).
fn standard(licenses: LicenseLists, tweak: impl FnOnce(&mut Layers)) -> Subject {
    let mut layers = Layers::new(3);
    debian_base(&mut layers);
    python_layer(&mut layers, 1);
    app_layer(&mut layers, 2);
    tweak(&mut layers);
    image_subject(
        layers.inventory(),
        vec![Some(0), Some(2), Some(3)],
        Boundary::Base {
            last: 1,
            how: Signal::BuildKitComments,
        },
        licenses,
    )
}

fn place(l: &Location) -> String {
    match l {
        Location::Layer {
            index,
            digest,
            path,
            line: None,
            column: None,
        } => {
            assert_eq!(digest, DIFF_IDS[*index], "{l:?}");
            format!("{index}:{path}")
        }
        other => panic!("not a layer location: {other:?}"),
    }
}

/// The findings of the license rules, `CODE place message [related …]`,
/// and their notes, `note CODE place message`.
fn license_results(subject: &Subject) -> Vec<String> {
    let mut out = Vec::new();
    for (rule, outcome) in check(subject, "img") {
        if !rule.code.starts_with("SQ12") {
            continue;
        }
        let Outcome::Checked { findings, notes } = outcome else {
            panic!("{} not applicable", rule.code);
        };
        for n in notes {
            out.push(format!(
                "note {} {} {}",
                n.rule,
                place(&n.location),
                n.message
            ));
        }
        for f in findings {
            let mut line = format!("{} {} {}", f.rule, place(&f.location), f.message);
            for r in &f.related {
                line.push_str(&format!(" [related {}]", place(r)));
            }
            out.push(line);
        }
    }
    out
}

fn only(results: &[String], code: &str) -> Vec<String> {
    results
        .iter()
        .filter(|l| l.starts_with(&format!("{code} ")))
        .cloned()
        .collect()
}

fn lists(families: &[&str], warn: &[&str], restricted: &[&str]) -> LicenseLists {
    let v = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
    LicenseLists {
        warn_families: v(families),
        warn: v(warn),
        restricted: v(restricted),
    }
}

/// The results one per line, for assertion messages.
fn show(results: &[String]) -> String {
    results.join("\n")
}

const NOTE: &str = "note SQ12101 0:/var/lib/dpkg/status 104 of 126 packages have no license portcullis could determine (none declared where it looked, or none it recognises; Go and Rust binaries record none): 94 deb, 1 npm, 5 golang, 3 cargo, 1 composer; deb package adduser 3.134, deb package apt 2.6.1, deb package base-passwd 3.6.1, deb package bsdutils 1:2.38.1-5+deb12u3, deb package coreutils 9.1-1 and 99 more; the license policies did not judge them";
const PYTHON_DEBIAN: &str = "SQ12101 1:/opt/venv/lib/python3.11/site-packages/python_debian-0.1.49.egg-info/PKG-INFO pypi package python-debian 0.1.49, installed by this build, is under strong copyleft (GPL-2.0-or-later) [related 1:/usr/lib/python3/dist-packages/python_debian-0.1.49.egg-info/PKG-INFO]";
const BETA: &str = "SQ12101 2:/app/vendor/composer/installed.json composer package acme/beta v2.0.0, installed by this build, is under strong copyleft (GPL-2.0-or-later), in its license `MIT AND GPL-2.0-or-later`";
const BASE_FILES: &str = "SQ12102 0:/var/lib/dpkg/status deb package base-files 12.4+deb12u15, from the base image, is under strong copyleft (GPL-1.0-only)";
const BASH: &str = "SQ12102 0:/var/lib/dpkg/status deb package bash 5.2.15-2+b13, from the base image, is under strong copyleft (GPL-3.0-or-later, GPL-2.0-or-later, GFDL-1.3-no-invariants-only, Latex2e), in its declared licenses `GPL-3+`, `GPL-3+ with Bison exception`, `GPL-2+`, `GFDL-NIV-1.3`, `Latex2e`, `BSD-4-clause-UC and MIT-like`, `permissive` (not all understood: `MIT-like`, `permissive`)";

/// The build's strong copyleft packages are SQ12101, the base's SQ12102;
/// weak copyleft installed as itself (chardet's LGPL, certifi's MPL,
/// pycairo's `LGPL-2.1-only OR MPL-1.1`) is neither; an `OR` with a
/// permissive choice (libzstd1's `BSD-3-Clause OR GPL-2.0-only`, libssl3's
/// `Artistic-1.0 OR GPL-1.0-or-later`) is not copyleft; the packages of
/// unknown license are one note. Without lists, SQ124xx say nothing.
#[test]
fn copyleft_of_this_build_and_of_the_base() {
    let results = license_results(&standard(LicenseLists::default(), |_| {}));
    assert_eq!(
        results,
        [NOTE, PYTHON_DEBIAN, BETA, BASE_FILES, BASH],
        "{}",
        show(&results)
    );
}

#[test]
fn the_policy_files_lists() {
    let s = standard(
        lists(
            &["LGPL"],
            &["MPL-2.0", "GPL-2.0-only"],
            &["GPL-2.0-or-later"],
        ),
        |_| {},
    );
    let results = license_results(&s);
    let lists: Vec<&String> = results.iter().filter(|l| l.starts_with("SQ124")).collect();
    assert_eq!(
        lists,
        [
            "SQ12401 1:/usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA pypi package chardet 5.1.0 is under LGPL-2.0-or-later (the LGPL family), which the policy file warns about",
            "SQ12402 1:/opt/venv/lib/python3.11/site-packages/certifi-2024.2.2.dist-info/METADATA pypi package certifi 2024.2.2 is under MPL-2.0, which the policy file warns about",
            "SQ12403 0:/var/lib/dpkg/status deb package bash 5.2.15-2+b13 is under GPL-2.0-or-later, which the policy file does not accept, in its declared licenses `GPL-3+`, `GPL-3+ with Bison exception`, `GPL-2+`, `GFDL-NIV-1.3`, `Latex2e`, `BSD-4-clause-UC and MIT-like`, `permissive` (not all understood: `MIT-like`, `permissive`)",
            "SQ12403 1:/opt/venv/lib/python3.11/site-packages/python_debian-0.1.49.egg-info/PKG-INFO pypi package python-debian 0.1.49 is under GPL-2.0-or-later, which the policy file does not accept [related 1:/usr/lib/python3/dist-packages/python_debian-0.1.49.egg-info/PKG-INFO]",
            "SQ12403 2:/app/vendor/composer/installed.json composer package acme/beta v2.0.0 is under GPL-2.0-or-later, which the policy file does not accept, in its license `MIT AND GPL-2.0-or-later`",
        ],
        "{}",
        show(&results)
    );
    // pycairo's `(LGPL-2.1-only OR MPL-1.1) AND MPL-1.1` is used under
    // MPL-1.1, outside the warned family; libzstd1's `GPL-2.0-only` is an
    // alternative it need not take.
    assert!(!results
        .iter()
        .any(|l| l.contains("pycairo") || l.contains("libzstd1")));
}

/// An `OR` alternative the policy file lists is avoided: libssl3 (two
/// versions in the database) under `Apache-2.0 AND (Artistic-1.0 OR
/// GPL-1.0-or-later)` with Artistic-1.0 restricted is judged under GPL,
/// so not SQ12403 but copyleft; libzstd1 (two architectures) with the BSD
/// family warned takes its GPL alternative, and the messages tell its two
/// packages apart by architecture.
#[test]
fn an_or_choice_avoids_listed_licenses() {
    let results = license_results(&standard(lists(&[], &[], &["Artistic-1.0"]), |_| {}));
    assert_eq!(
        only(&results, "SQ12102"),
        [
            BASE_FILES,
            BASH,
            "SQ12102 0:/var/lib/dpkg/status deb package libssl3 3.0.20-1~deb12u2, from the base image, is under strong copyleft (GPL-1.0-or-later), in its license `Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)`",
        ],
        "{}",
        show(&results)
    );
    assert_eq!(only(&results, "SQ12403"), Vec::<String>::new());
    let results = license_results(&standard(lists(&["BSD"], &[], &[]), |_| {}));
    let zstd: Vec<&String> = results
        .iter()
        .filter(|l| l.starts_with("SQ12102") && l.contains("libzstd1"))
        .collect();
    assert_eq!(
        zstd,
        [
            "SQ12102 0:/var/lib/dpkg/status deb package libzstd1 1.5.4+dfsg2-5 (amd64), from the base image, is under strong copyleft (GPL-2.0-only), in its license `(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT`",
            "SQ12102 0:/var/lib/dpkg/status deb package libzstd1 1.5.4+dfsg2-5 (i386), from the base image, is under strong copyleft (GPL-2.0-only), in its license `(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT`",
        ],
        "{}",
        show(&results)
    );
    // A family known only from a classifier counts for the family list.
    assert!(results.iter().any(|l| l == "SQ12401 1:/opt/venv/lib/python3.11/site-packages/idna-3.7.dist-info/METADATA pypi package idna 3.7 is under a license of the BSD family, which the policy file warns about, in its declared licenses `License :: OSI Approved :: BSD License` (not all understood: `License :: OSI Approved :: BSD License`)"), "{}", show(&results));
}

/// npm's real `ms` package.json, renamed and relicensed.
fn relicensed_ms(name: &str, license: &str) -> Vec<u8> {
    let text = String::from_utf8(read("npm/app/node_modules/ms/package.json")).unwrap();
    assert!(text.contains("\"name\": \"ms\"") && text.contains("\"license\": \"MIT\""));
    text.replace("\"name\": \"ms\"", &format!("\"name\": \"{name}\""))
        .replace(
            "\"license\": \"MIT\"",
            &format!("\"license\": \"{license}\""),
        )
        .into_bytes()
}

const RELICENSED: [(&str, &str); 8] = [
    ("nc-data", "CC-BY-NC-4.0"),
    ("gs-fonts", "Aladdin"),
    ("busl-tool", "BUSL-1.1"),
    ("elastic-client", "Elastic-2.0"),
    ("nd-docs", "CC-BY-ND-3.0"),
    ("cc0-data", "CC0-1.0"),
    ("dual-data", "MIT OR CC-BY-NC-4.0"),
    ("gpl-or-busl", "GPL-3.0-only OR BUSL-1.1"),
];

fn with_relicensed(layers: &mut Layers) {
    for (name, license) in RELICENSED {
        layers.add(
            2,
            &format!("app/node_modules/{name}/package.json"),
            &relicensed_ms(name, license),
        );
    }
}

/// Licenses of the restricting kinds, each on an npm package of this
/// build (real package.json files relicensed); `MIT OR CC-BY-NC-4.0` may
/// be used under MIT and is not reported.
#[test]
fn restrictions_of_use() {
    let results = license_results(&standard(LicenseLists::default(), with_relicensed));
    let restricting: Vec<&String> = results
        .iter()
        .filter(|l| {
            l.starts_with("SQ12404")
                || l.starts_with("SQ12405")
                || l.starts_with("SQ12406")
                || l.starts_with("SQ12407")
                || l.starts_with("SQ12408")
        })
        .collect();
    assert_eq!(
        restricting,
        [
            "SQ12404 2:/app/node_modules/gs-fonts/package.json npm package gs-fonts 2.1.3 is under Aladdin, which restricts commercial use: commercial distribution for payment is prohibited (section 2)",
            "SQ12404 2:/app/node_modules/nc-data/package.json npm package nc-data 2.1.3 is under CC-BY-NC-4.0, which restricts commercial use: NonCommercial only, patent rights not licensed (section 2.b.2)",
            "SQ12405 2:/app/node_modules/gs-fonts/package.json npm package gs-fonts 2.1.3 is under Aladdin, which restricts distribution: commercial distribution for payment is prohibited (section 2)",
            "SQ12406 2:/app/node_modules/busl-tool/package.json npm package busl-tool 2.1.3 is under BUSL-1.1, which restricts production use: 'non-production use' only unless an Additional Use Grant allows it",
            "SQ12406 2:/app/node_modules/elastic-client/package.json npm package elastic-client 2.1.3 is under Elastic-2.0, which restricts production use: no hosted or managed service; license-key functionality must not be altered",
            "SQ12407 2:/app/node_modules/elastic-client/package.json npm package elastic-client 2.1.3 is under Elastic-2.0, which restricts modification: no hosted or managed service; license-key functionality must not be altered",
            "SQ12407 2:/app/node_modules/nd-docs/package.json npm package nd-docs 2.1.3 is under CC-BY-ND-3.0, which restricts modification: no derivatives: adaptations may not be shared; silent on patents",
            "SQ12408 2:/app/node_modules/cc0-data/package.json npm package cc0-data 2.1.3 is under CC0-1.0, which grants no patent rights: 'No trademark or patent rights held by Affirmer are waived… or licensed' (section 4.a)",
            "SQ12408 2:/app/node_modules/nc-data/package.json npm package nc-data 2.1.3 is under CC-BY-NC-4.0, which grants no patent rights: NonCommercial only, patent rights not licensed (section 2.b.2)",
        ],
        "{}",
        show(&results)
    );
    // `GPL-3.0-only OR BUSL-1.1`: the alternative without a restriction is
    // chosen, and it is copyleft.
    assert!(results.contains(&"SQ12101 2:/app/node_modules/gpl-or-busl/package.json npm package gpl-or-busl 2.1.3, installed by this build, is under strong copyleft (GPL-3.0-only), in its license `GPL-3.0-only OR BUSL-1.1`".to_owned()), "{}", show(&results));
    assert!(!results.iter().any(|l| l.contains("dual-data")));
}

/// The Go binary's modules and the Rust binary's crates, licensed (the
/// binaries record no licenses; the packages are the catalogers').
fn with_binary_licenses(layers: &mut Layers) {
    let set: &[(&str, &str)] = &[
        ("v2", "LGPL-3.0-only"),
        ("util-fork", "MPL-2.0 OR Apache-2.0"),
        ("local", "GPL-3.0-only"),
        ("hello", "MIT"),
        ("itoa", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("smallvec", "MIT OR Apache-2.0"),
    ];
    let mut seen = 0;
    for file in &mut layers.0[2] {
        for p in &mut file.found.packages {
            if let Some((_, l)) = set.iter().find(|(n, _)| *n == p.name) {
                p.licenses = vec![(*l).to_owned()];
                seen += 1;
            }
        }
    }
    assert_eq!(seen, set.len());
}

/// Weak copyleft compiled into a binary is SQ12103 (a GPL with the
/// Classpath exception is weak); strong copyleft there is SQ12101; a
/// permissive alternative is taken; Python's LGPL chardet is not linked.
#[test]
fn statically_linked_weak_copyleft() {
    let results = license_results(&standard(LicenseLists::default(), with_binary_licenses));
    assert_eq!(
        only(&results, "SQ12103"),
        [
            "SQ12103 2:/usr/local/bin/hello golang package example.org/greet/v2 v2.1.0, statically linked into /usr/local/bin/hello, is under weak copyleft (LGPL-3.0-only)",
            "SQ12103 2:/usr/local/bin/hello-auditable cargo package itoa 1.0.11, statically linked into /usr/local/bin/hello-auditable, is under weak copyleft (GPL-2.0-only WITH Classpath-exception-2.0)",
        ],
        "{}",
        show(&results)
    );
    assert_eq!(
        only(&results, "SQ12101"),
        [
            PYTHON_DEBIAN,
            "SQ12101 2:/usr/local/bin/hello golang package example.com/local (devel), installed by this build, is under strong copyleft (GPL-3.0-only)",
            BETA,
        ],
        "{}",
        show(&results)
    );
}

/// Where the base ends is a guess from the history's shape: the
/// base-or-build rules say so.
#[test]
fn a_guessed_boundary_is_said() {
    let mut layers = Layers::new(3);
    debian_base(&mut layers);
    python_layer(&mut layers, 1);
    app_layer(&mut layers, 2);
    let s = image_subject(
        layers.inventory(),
        vec![Some(0), Some(2), Some(3)],
        Boundary::Base {
            last: 1,
            how: Signal::LastCmd,
        },
        LicenseLists::default(),
    );
    let caveat = s.image.as_ref().unwrap().boundary_caveat().unwrap();
    assert!(
        caveat.starts_with(" (unsure where the base image ends"),
        "{caveat}"
    );
    let results = license_results(&s);
    assert_eq!(
        results,
        [
            NOTE.to_owned(),
            PYTHON_DEBIAN.replace(" [related", &format!("{caveat} [related")),
            format!("{BETA}{caveat}"),
            format!("{BASE_FILES}{caveat}"),
            format!("{BASH}{caveat}"),
        ]
    );
}

/// With no base (`FROM scratch`; an LXD root filesystem, one layer and no
/// history), every package is this build's.
#[test]
fn without_a_base_everything_is_this_builds() {
    let mut layers = Layers::new(1);
    debian_base(&mut layers);
    let scratch = image_subject(
        layers.inventory(),
        vec![Some(0)],
        Boundary::NoBase,
        LicenseLists::default(),
    );
    let base_files = "SQ12101 0:/var/lib/dpkg/status deb package base-files 12.4+deb12u15, installed by this build, is under strong copyleft (GPL-1.0-only)";
    let results = license_results(&scratch);
    assert_eq!(only(&results, "SQ12102"), Vec::<String>::new());
    assert_eq!(
        only(&results, "SQ12101").first().map(String::as_str),
        Some(base_files)
    );
    let mut lxd = image_subject(
        layers.inventory(),
        vec![None],
        Boundary::NoBase,
        LicenseLists::default(),
    );
    lxd.kind = SubjectKind::Lxd;
    assert_eq!(license_results(&lxd), results);
}

/// Many findings share one database file: the fingerprint holds the
/// package, so each is its own and none is numbered by order.
#[test]
fn fingerprints_name_the_package() {
    let s = standard(lists(&["BSD"], &[], &[]), |_| {});
    let mut prints = Vec::new();
    for (rule, outcome) in check(&s, "img") {
        if let Outcome::Checked { findings, .. } = outcome {
            if rule.code.starts_with("SQ12") {
                prints.extend(findings.into_iter().map(|f| f.fingerprint));
            }
        }
    }
    assert!(prints.len() > 5, "{prints:?}");
    assert!(
        prints.iter().all(|p| p.len() == 32 && !p.contains(':')),
        "{prints:?}"
    );
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len());
}

/// No inventory (the package pass did not run): nothing, not even the
/// note. A Dockerfile has no packages: the rules do not apply.
#[test]
fn without_packages_nothing_is_judged() {
    let mut s = standard(LicenseLists::default(), |_| {});
    s.packages = None;
    assert_eq!(license_results(&s), Vec::<String>::new());
    let df = portcullis_dockerfile::parse_bytes(b"FROM debian:bookworm\n").unwrap();
    let subject = portcullis_rules::from_dockerfile("Dockerfile", df, &[]).unwrap();
    for (rule, outcome) in check(&subject, "Dockerfile") {
        if rule.code.starts_with("SQ12") {
            assert!(
                matches!(outcome, Outcome::NotApplicable { .. }),
                "{}",
                rule.code
            );
        }
    }
}
