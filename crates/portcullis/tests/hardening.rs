//! The binary hardening (SQ18101–SQ18115) and debug artefact (SQ34202–
//! SQ34204) policies end to end, by the real binary, on the image
//! `fixtures/binaries/make.sh` builds: a Debian 12 root from mmdebstrap as
//! the base (752 ELF files of Debian's packages), programs gcc, as/ld, go
//! and clang/lld-link built here with one mitigation on or off each, and a
//! layer that deletes one of them and replaces another. Its truth
//! (`OUTDIR/truth/hardening.json`) records checksec, scanelf and readelf
//! on every ELF file and, per file, the codes that must fire by
//! `fixtures/binaries/expected.md`'s reading of HARDENING.md.
//!
//! - exactly the expected (rule, file) pairs over all 777 ELF files and
//!   the `.pdb` files, none for the deleted or replaced programs;
//! - SQ18114 off by default and on with `enable`; `[hardening] scope =
//!   "build"` leaving the base image out;
//! - messages naming the kind of file, the owning package and base/build;
//!   the Go note; the verdict and exit status;
//! - the human, Markdown and HTML reports showing the first three findings
//!   of each rule and folding the rest (the base image's 479 partial-RELRO
//!   binaries are one line);
//! - a Dockerfile: the family is not applicable.
//!
//! Fixtures: `PORTCULLIS_BINARY_FIXTURES=DIR` names a built OUTDIR (without
//! it the tests build one into `target/binary-fixtures`, as root, with the
//! network); they skip when none can be had, unless
//! `PORTCULLIS_BINARY_TESTS=required` (scripts/test.sh).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::*;

#[path = "../../portcullis-report/tests/support/webdriver.rs"]
mod webdriver;

fn complete(dir: &Path) -> Result<(), String> {
    has_outputs(dir, &["hardening.docker.tar", "truth/hardening.json"])
}

const FIXTURES: FixtureSet = FixtureSet {
    script_dir: "binaries",
    env: "BINARY",
    target: "binary-fixtures",
    complete,
};

fn fixtures_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FIXTURES.dir(&DIR)
}

fn truth(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("truth/hardening.json")).expect("truth");
    serde_json::from_str(&text).expect("truth is JSON")
}

fn image_ref(dir: &Path) -> String {
    format!(
        "docker-archive:{}/hardening.docker.tar:localhost/hardening:1",
        dir.display()
    )
}

/// Scan with `args` in `cwd` (a policy file there is read); the output and
/// the JSON report's one target.
fn scan_in(cwd: &Path, dir: &Path, args: &[&str]) -> (std::process::Output, Value) {
    let t = image_ref(dir);
    let mut all = vec!["scan", t.as_str(), "--format", "json"];
    all.extend_from_slice(args);
    let o = portcullis(&all, cwd);
    assert!(matches!(code(&o), 0 | 1), "scan: {}", stderr(&o));
    let report = json(&o);
    (o, report["targets"][0].clone())
}

const FAMILY: [&str; 18] = BINARY_POLICIES;

/// `(rule, path)` of the family's findings.
fn found(target: &Value) -> BTreeSet<(String, String)> {
    target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| FAMILY.contains(&f["rule"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["location"]["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// `(rule, path)` the truth expects of the final image: every ELF file and
/// `.pdb` still there, from the layer `min_layer` on, with `codes`.
fn expected(truth: &Value, min_layer: u64, codes: &[&str]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for list in ["elf", "pdb"] {
        for f in truth[list].as_array().expect("truth lists") {
            if f["final"] != true || f["layer"].as_u64().unwrap_or(0) < min_layer {
                continue;
            }
            for code in f["expect"].as_array().expect("expect") {
                let code = code.as_str().expect("code");
                if codes.contains(&code) {
                    out.insert((
                        code.to_owned(),
                        format!("/{}", f["path"].as_str().unwrap_or("")),
                    ));
                }
            }
        }
    }
    out
}

fn message(target: &Value, rule: &str, path: &str) -> String {
    target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule && f["location"]["path"] == path)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {rule} at {path}"))
        .to_owned()
}

fn on_by_default() -> Vec<&'static str> {
    BINARY_POLICIES_ON.to_vec()
}

#[test]
fn every_binary_gets_exactly_the_findings_the_truth_expects() {
    let Some(dir) = fixtures_dir() else { return };
    let t = truth(dir);
    let cwd = tempfile::tempdir().expect("tempdir");
    let (o, target) = scan_in(cwd.path(), dir, &[]);
    let want = expected(&t, 0, &on_by_default());
    let got = found(&target);
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    // Not trivially: the base image's binaries and each program of the build.
    assert!(want.len() > 500, "{}", want.len());
    for (rule, path) in [
        ("SQ18102", "/opt/hardening/bin/wx-load"),
        ("SQ18103", "/opt/hardening/lib/libtextrel.so"),
        ("SQ18101", "/opt/hardening/lib/libnostack.so"),
        ("SQ18107", "/opt/hardening/bin/banned"),
        ("SQ18109", "/opt/hardening/bin/guard-global"),
        ("SQ18110", "/opt/hardening/bin/own-chk-fail"),
        ("SQ18111", "/opt/hardening/bin/static"),
        ("SQ18113", "/opt/hardening/bin/partial-relro"),
        ("SQ18115", "/opt/hardening/bin/rpath-empty"),
        ("SQ34202", "/opt/hardening/win/win.pdb"),
        ("SQ34204", "/opt/hardening/bin/debug"),
        // A hard link to execstack, whose first name layer 2 deleted.
        ("SQ18101", "/opt/hardening/bin/execstack-link"),
    ] {
        assert!(got.contains(&(rule.into(), path.into())), "{rule} {path}");
    }
    // The deleted and the replaced programs are not reported.
    assert!(!got.iter().any(|(_, p)| p == "/opt/hardening/bin/execstack"));
    assert!(!got.iter().any(|(_, p)| p == "/opt/hardening/bin/nopie"));
    // This build's high findings fail the default gate; the base image's
    // binaries warn (their fix is the base image maintainer's), unless the
    // policy sets the rule's action.
    assert_eq!(code(&o), 1);
    assert_eq!(target["verdict"], "fail");
    let actions = |target: &Value, from_base: bool| -> BTreeSet<String> {
        target["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| FAMILY.contains(&f["rule"].as_str().unwrap_or("")))
            .filter(|f| {
                f["location"]["index"]
                    .as_u64()
                    .is_some_and(|l| (l == 0) == from_base)
            })
            .map(|f| f["action"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(actions(&target, true), BTreeSet::from(["warn".to_owned()]));
    assert_eq!(
        actions(&target, false),
        BTreeSet::from(["fail".to_owned(), "warn".to_owned()])
    );
    std::fs::write(
        cwd.path().join("portcullis.toml"),
        "[rule.SQ18113]\naction = \"fail\"\n",
    )
    .expect("policy");
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    let base_partial: BTreeSet<String> = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "SQ18113" && f["location"]["index"] == 0)
        .map(|f| f["action"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(base_partial, BTreeSet::from(["fail".to_owned()]));
}

#[test]
fn messages_name_the_file_its_package_and_where_it_came_from() {
    let Some(dir) = fixtures_dir() else { return };
    let cwd = tempfile::tempdir().expect("tempdir");
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    assert_eq!(
        message(&target, "SQ18105", "/opt/hardening/bin/banned"),
        "/opt/hardening/bin/banned: no stack protector and no fortified functions, and it calls string functions without bounds checks: sprintf, strcpy (executable, this build (layer 1))"
    );
    assert_eq!(
        message(&target, "SQ18115", "/opt/hardening/bin/rpath-tmp"),
        "/opt/hardening/bin/rpath-tmp: DT_RUNPATH /tmp: `/tmp` is under /tmp, which anyone can write (executable, this build (layer 1))"
    );
    assert_eq!(
        message(&target, "SQ18109", "/opt/hardening/bin/guard-global"),
        "/opt/hardening/bin/guard-global: its stack canary is the global __stack_chk_guard, not the thread-local one (executable, this build (layer 1))"
    );
    assert_eq!(
        message(&target, "SQ34204", "/opt/hardening/bin/debug"),
        "/opt/hardening/bin/debug: its debug information names source files: /usr/src/hardening/prog.c (executable, this build (layer 1))"
    );
    assert_eq!(
        message(&target, "SQ18111", "/opt/hardening/bin/static"),
        "/opt/hardening/bin/static: not position-independent (ET_EXEC): ASLR cannot move it (static executable, this build (layer 1))"
    );
    // A base image binary names the Debian package that installed it.
    let truth = truth(dir);
    let base = truth["elf"]
        .as_array()
        .expect("elf")
        .iter()
        .find(|f| {
            f["layer"] == 0
                && f["final"] == true
                && f["package"].is_string()
                && f["expect"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|c| c == "SQ18113"))
        })
        .expect("a base binary with partial RELRO");
    let path = format!("/{}", base["path"].as_str().expect("path"));
    let pkg = base["package"].as_str().expect("package");
    let text = message(&target, "SQ18113", &path);
    assert!(
        text.contains(&format!("deb package {pkg} ")) && text.ends_with(", base image)"),
        "{text}"
    );
    // The finding is at the file in its layer, the history entry related.
    let f = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "SQ18102")
        .expect("SQ18102");
    assert_eq!(f["location"]["kind"], "layer");
    assert_eq!(f["location"]["index"], 1);
    assert_eq!(f["related"][0]["kind"], "history");
    assert_eq!(f["related"][0]["index"], 1);
    // Go binaries: left out of the canary checks, and said so once.
    let notes: Vec<&str> = target["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == "SQ18104")
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert_eq!(
        notes,
        ["1 Go binary (/opt/hardening/bin/go-hello) not checked for a stack protector or fortified functions: Go has neither by design (its compiler checks bounds at run time)"]
    );
}

#[test]
fn rpath_is_off_by_default_and_the_scope_can_leave_the_base_out() {
    let Some(dir) = fixtures_dir() else { return };
    let t = truth(dir);
    let cwd = tempfile::tempdir().expect("tempdir");
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    assert!(policy_statuses(&target)
        .iter()
        .all(|(rule, _, _)| rule != "SQ18114"));
    std::fs::write(
        cwd.path().join("portcullis.toml"),
        "enable = [\"SQ18114\"]\n\n[hardening]\nscope = \"build\"\n",
    )
    .expect("policy");
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    let got = found(&target);
    assert_eq!(got, expected(&t, 1, &FAMILY));
    let rpath: Vec<&str> = got
        .iter()
        .filter(|(r, _)| r == "SQ18114")
        .map(|(_, p)| p.as_str())
        .collect();
    assert_eq!(
        rpath,
        [
            "/opt/hardening/bin/rpath-empty",
            "/opt/hardening/bin/rpath-relative",
            "/opt/hardening/bin/rpath-tmp",
            "/opt/hardening/bin/runpath-origin"
        ]
    );
    // A bad scope is an error at its line.
    std::fs::write(
        cwd.path().join("portcullis.toml"),
        "[hardening]\nscope = \"mine\"\n",
    )
    .expect("policy");
    let o = portcullis(&["scan", &image_ref(dir)], cwd.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("portcullis.toml:2"), "{}", stderr(&o));
}

/// `(path, layer)` of each finding of `rule`, sorted.
fn at(target: &Value, rule: &str) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap_or("").to_owned(),
                f["location"]["index"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_rules_scope_build_leaves_the_base_image_out() {
    let Some(dir) = fixtures_dir() else { return };
    let t = truth(dir);
    let cwd = tempfile::tempdir().expect("tempdir");
    // Debian's own setuid and setgid programs, all in the base's layer 0.
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    let stock: Vec<(String, u64)> = [
        "/usr/bin/chage",
        "/usr/bin/chfn",
        "/usr/bin/chsh",
        "/usr/bin/expiry",
        "/usr/bin/gpasswd",
        "/usr/bin/mount",
        "/usr/bin/newgrp",
        "/usr/bin/passwd",
        "/usr/bin/su",
        "/usr/bin/umount",
        "/usr/sbin/unix_chkpwd",
    ]
    .iter()
    .map(|p| (p.to_string(), 0))
    .collect();
    assert_eq!(at(&target, "SQ40102"), stock);
    // scope = "build" on SQ40102: all left out, counted in a note; and a
    // rule's scope wins over [hardening] scope (SQ18113 judged on all).
    std::fs::write(
        cwd.path().join("portcullis.toml"),
        "[hardening]\nscope = \"build\"\n\n[rule.SQ18113]\nscope = \"all\"\n\n[rule.SQ40102]\nscope = \"build\"\n",
    )
    .expect("policy");
    let (_, target) = scan_in(cwd.path(), dir, &[]);
    assert_eq!(at(&target, "SQ40102"), Vec::<(String, u64)>::new());
    let notes: Vec<&Value> = target["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["rule"] == "SQ40102" || n["rule"] == "base-boundary")
        .collect();
    assert_eq!(
        notes,
        [
            &serde_json::json!({"rule": "SQ40102", "message": "scope = \"build\": 11 findings about the base image (history entry 0, up to the builder's FROM marker) left out", "location": {"kind": "config", "pointer": "/history"}})
        ]
    );
    assert!(policy_statuses(&target).contains(&("SQ40102".into(), "pass".into(), None)));
    let got = found(&target);
    let build: Vec<&str> = on_by_default()
        .into_iter()
        .filter(|c| *c != "SQ18113")
        .collect();
    let mut want = expected(&t, 1, &build);
    want.extend(expected(&t, 0, &["SQ18113"]));
    assert_eq!(got, want);
    assert!(got.iter().filter(|(r, _)| r == "SQ18113").count() > 400);
    // A bad scope is an error at its line and column.
    std::fs::write(
        cwd.path().join("portcullis.toml"),
        "fail-on = \"high\"\n\n[rule.SQ40102]\nscope = \"base\"\n",
    )
    .expect("policy");
    let o = portcullis(&["scan", &image_ref(dir)], cwd.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: portcullis.toml:4:9: unknown value `base`, expected `all` or `build`\n"
    );
}

#[test]
fn a_dockerfile_has_no_binaries_to_check() {
    let dir = dir_with(&[(
        "Dockerfile",
        "FROM debian:bookworm\nRUN gcc -z execstack -no-pie -o /usr/local/bin/app app.c\n",
    )]);
    let o = portcullis(&["scan", "Dockerfile", "--format", "json"], dir.path());
    // It fails on the container policies (root user), not on these.
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let target = json(&o)["targets"][0].clone();
    let statuses = policy_statuses(&target);
    for code in on_by_default() {
        let (_, status, _) = statuses
            .iter()
            .find(|(r, _, _)| r == code)
            .unwrap_or_else(|| panic!("{code} not listed"));
        assert_eq!(status, "not-applicable", "{code}");
    }
}

#[test]
fn the_reports_for_people_fold_each_rule_after_three_binaries() {
    let Some(dir) = fixtures_dir() else { return };
    let t = truth(dir);
    let partial = expected(&t, 0, &["SQ18113"]).len();
    assert!(partial > 400, "{partial}");
    let out = tempfile::tempdir().expect("tempdir");
    let human = out.path().join("report.txt");
    let markdown = out.path().join("report.md");
    let html = out.path().join("report.html");
    let o = portcullis(
        &[
            "scan",
            &image_ref(dir),
            "--format",
            &format!("human={}", human.display()),
            "--format",
            &format!("markdown={}", markdown.display()),
            "--format",
            &format!("html={}", html.display()),
        ],
        out.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = std::fs::read_to_string(&human).expect("human");
    let shown = text
        .lines()
        .filter(|l| {
            l.trim_start().starts_with("WARN SQ18113 ")
                || l.trim_start().starts_with("FAIL SQ18113 ")
        })
        .count();
    assert_eq!(shown, 3, "{text}");
    assert!(
        text.contains(&format!(
            "\n    … SQ18113 {} more, like these ({partial} in all; the JSON, SARIF and HTML reports list every one)\n",
            partial - 3
        )),
        "{text}"
    );
    // Every rule with more than three binaries is folded; none shows more.
    for rule in BINARY_POLICIES {
        let n = text
            .lines()
            .filter(|l| {
                let mut words = l.split_whitespace();
                matches!(words.next(), Some("FAIL" | "WARN")) && words.next() == Some(rule)
            })
            .count();
        assert!(n <= 3, "{rule}: {n}");
    }
    // The three shown are those that fail the gate first: this build's
    // partial-relro, not three of the base image's warnings.
    assert!(
        text.contains("    FAIL SQ18113 (medium) /opt/hardening/bin/partial-relro: partial RELRO"),
        "{text}"
    );
    let md = std::fs::read_to_string(&markdown).expect("markdown");
    assert_eq!(md.matches("[SQ18113](").count(), 3, "{md}");

    // The HTML report: on the first page of 500, three SQ18113 cards in
    // the list and the rest in one folded group that says how many.
    let Some((chromium, chromedriver)) = webdriver::browser_paths("the folded HTML report") else {
        return;
    };
    let browser = webdriver::Browser::start(&chromium, &chromedriver);
    browser.open(&webdriver::file_url(&html));
    browser.run(
        "var s = document.querySelector('#filters select[name=size]'); s.value = '500'; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        serde_json::json!([]),
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    let got = browser.run(
        "var g = document.querySelector('details.fold[data-rule=SQ18113]'); \
         var open = Array.from(document.querySelectorAll('.list > article.finding[data-rule=SQ18113]')).length; \
         return [open, g ? g.querySelectorAll('article.finding').length : -1, g ? g.querySelector('summary').textContent : ''];",
        serde_json::json!([]),
    );
    let folded = got[1].as_u64().expect("folded count") as usize;
    assert_eq!(got[0], 3, "{got}");
    let open_paths = browser.run(
        "return Array.from(document.querySelectorAll('.list > article.finding[data-rule=SQ18113]')).map(function (a) { return a.dataset.outcome + ' ' + a.querySelector('.msg').textContent.split(':')[0]; });",
        serde_json::json!([]),
    );
    assert_eq!(
        open_paths[0], "fail /opt/hardening/bin/partial-relro",
        "{open_paths}"
    );
    assert!(folded > 100, "{got}");
    assert_eq!(
        got[2],
        format!(
            "SQ18113: {folded} more, like these ({} on this page)",
            folded + 3
        ),
        "{got}"
    );
}

#[test]
fn a_baseline_of_the_failing_binaries_leaves_the_base_image_warning() {
    let Some(dir) = fixtures_dir() else { return };
    let cwd = tempfile::tempdir().expect("tempdir");
    // Writing a baseline accepts what is there: exit 0.
    let (o, target) = scan_in(cwd.path(), dir, &["--write-baseline", "all.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let failing: BTreeSet<String> = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["action"] == "fail")
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_owned))
        .collect();
    assert!(!failing.is_empty());
    // Only the failing findings go into the baseline.
    let mut baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(cwd.path().join("all.json")).expect("baseline"),
    )
    .expect("baseline JSON");
    let entries = baseline["findings"].as_array_mut().expect("entries");
    entries.retain(|e| {
        e["fingerprint"]
            .as_str()
            .is_some_and(|f| failing.contains(f))
    });
    assert_eq!(entries.len(), failing.len());
    std::fs::write(
        cwd.path().join("failing.json"),
        serde_json::to_string(&baseline).expect("JSON"),
    )
    .expect("write");
    let (o, target) = scan_in(cwd.path(), dir, &["--baseline", "failing.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(target["verdict"], "pass");
    let status = |rule: &str| {
        policy_statuses(&target)
            .into_iter()
            .find(|(r, _, _)| r == rule)
            .map(|(_, s, _)| s)
            .unwrap_or_default()
    };
    // SQ18113: this build's partial-relro is baselined, the base's warn on.
    assert_eq!(status("SQ18113"), "warn");
    // SQ18102: only this build's wx-load, baselined.
    assert_eq!(status("SQ18102"), "suppressed");
}
