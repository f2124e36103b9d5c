//! Helpers shared by the integration tests: running the real binary and
//! reading what it printed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

#[path = "../../../portcullis-rules/tests/support/keys.rs"]
mod keys;
/// The secret markers of fixtures and doc examples, shared with
/// portcullis-rules' Dockerfile fixtures.
#[path = "../../../portcullis-rules/tests/support/markers.rs"]
pub mod markers;
pub mod registry;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the tests' scans look for an advisory database by default: nowhere.
pub const NO_DATABASE: &str = "/nonexistent/portcullis-tests/advisories.db";

pub fn portcullis(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        // Hermetic: never the advisory database of the machine's user
        // (`--db` names the tests' own).
        .env("PORTCULLIS_DB", NO_DATABASE)
        .output()
        .expect("run portcullis")
}

/// The scan time of [`portcullis_at_epoch`]: 2026-01-01T00:00:00Z.
pub const TEST_EPOCH: &str = "1767225600";

/// [`portcullis`] with `SOURCE_DATE_EPOCH` set, for tests that compare
/// whole reports of separate runs: the scan block's time is then fixed and
/// its duration 0.
pub fn portcullis_at_epoch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env("PORTCULLIS_DB", NO_DATABASE)
        .env("SOURCE_DATE_EPOCH", TEST_EPOCH)
        .output()
        .expect("run portcullis")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

/// `target (kind)` of each target of a JSON report, in report order.
pub fn targets_and_kinds(report: &Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            format!(
                "{} ({})",
                t["target"].as_str().unwrap_or(""),
                t["kind"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The `target` of each target of a JSON report, in report order.
pub fn target_names(report: &Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["target"].as_str().unwrap_or("").to_owned())
        .collect()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/images")
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn loc(l: &Value) -> String {
    match l["kind"].as_str() {
        Some("config") => l["pointer"].as_str().unwrap_or("").to_owned(),
        Some("history") => format!("h{}", l["index"]),
        Some("layer") => format!("L{}:{}", l["index"], l["path"].as_str().unwrap_or("")),
        Some("dockerfile") => format!("{}:{}", l["line"], l["column"]),
        other => format!("{other:?}"),
    }
}

/// Each finding of a target as `RULE@location [related…]` ([`loc`]), sorted.
pub fn linked(target: &Value) -> Vec<String> {
    let mut out: Vec<String> = target["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let related: Vec<String> = f["related"]
                .as_array()
                .expect("related")
                .iter()
                .map(loc)
                .collect();
            format!(
                "{}@{} [{}]",
                f["rule"].as_str().unwrap_or(""),
                loc(&f["location"]),
                related.join(",")
            )
        })
        .collect();
    out.sort();
    out
}

/// The supply-chain policies (SUPPLY-CHAIN.md), in the order reports list
/// them: after the binary ones.
/// The runtime policies (Kubernetes and Compose), in code order:
/// not applicable to Dockerfiles and images.
pub const RUNTIME_POLICIES: [&str; 25] = [
    "PC42101", "PC42102", "PC42103", "PC42104", "PC42201", "PC42202", "PC42203", "PC42204",
    "PC42301", "PC42302", "PC42303", "PC42304", "PC42305", "PC42401", "PC42402", "PC42403",
    "PC42404", "PC42405", "PC42406", "PC42407", "PC42408", "PC42501", "PC42601", "PC42701",
    "PC42801",
];

pub const SUPPLY_CHAIN_POLICIES: [&str; 8] = [
    "PC43101", "PC43102", "PC43103", "PC43104", "PC43105", "PC43201", "PC43202", "PC43203",
];

/// Why the signature policies (PC43201–PC43203) are not applicable to an
/// image when the policy file has no `[[signatures]]` entry for it.
pub const NO_SIGNATURES_ASKED: &str =
    "the policy file's `[[signatures]]` asks for no signature or provenance of this image";

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The sensitive-information policies (SECRETS.md), in the order reports
/// list them: after the 14 container policies.
pub const SECRET_POLICIES: [&str; 28] = [
    "SQ34101", "SQ34102", "SQ34103", "SQ34104", "SQ34105", "SQ34106", "SQ34107", "SQ34108",
    "SQ34109", "SQ34110", "SQ34111", "SQ34201", "SQ34251", "SQ34252", "SQ34253", "SQ34254",
    "SQ34255", "SQ34256", "SQ34301", "SQ34302", "SQ34303", "SQ34304", "SQ34305", "SQ34306",
    "SQ34401", "SQ34402", "SQ34403", "SQ34404",
];

/// The license policies (SQ12xxx): they read the package inventory, so
/// they apply to images and LXD images, not to Dockerfiles.
pub const LICENSE_POLICIES: [&str; 11] = [
    "SQ12101", "SQ12102", "SQ12103", "SQ12401", "SQ12402", "SQ12403", "SQ12404", "SQ12405",
    "SQ12406", "SQ12407", "SQ12408",
];

/// The vulnerability policies (SQ31xxx): image and LXD targets; without an
/// advisory database (the tests' default, [`NO_DATABASE`]) not applicable
/// with [`no_database_reason`].
pub const VULNERABILITY_POLICIES: [&str; 7] = [
    "SQ31101", "SQ31102", "SQ31103", "SQ31104", "SQ31105", "SQ31106", "SQ31107",
];

/// The binary policies (HARDENING.md): hardening (SQ18xxx) and debug
/// artefacts (SQ342xx), read from the image's ELF files and `.pdb`s: image
/// and LXD targets. SQ18114 is off by default ([`BINARY_POLICIES_ON`]).
pub const BINARY_POLICIES: [&str; 18] = [
    "SQ18101", "SQ18102", "SQ18103", "SQ18104", "SQ18105", "SQ18106", "SQ18107", "SQ18108",
    "SQ18109", "SQ18110", "SQ18111", "SQ18112", "SQ18113", "SQ18114", "SQ18115", "SQ34202",
    "SQ34203", "SQ34204",
];

/// [`BINARY_POLICIES`] as a scan with the default policy lists them.
pub const BINARY_POLICIES_ON: [&str; 17] = [
    "SQ18101", "SQ18102", "SQ18103", "SQ18104", "SQ18105", "SQ18106", "SQ18107", "SQ18108",
    "SQ18109", "SQ18110", "SQ18111", "SQ18112", "SQ18113", "SQ18115", "SQ34202", "SQ34203",
    "SQ34204",
];

/// Why the vulnerability policies are not applicable in a test's scan.
pub fn no_database_reason() -> String {
    format!("no advisory database at {NO_DATABASE}: run `portcullis db update` (or `portcullis db import FILE` on a machine without network)")
}

/// The secret policies that need a live check against a service: never
/// applicable, with [`ONLINE_REASON`].
pub const ONLINE_POLICIES: [&str; 8] = [
    "SQ34253", "SQ34254", "SQ34255", "SQ34256", "SQ34401", "SQ34402", "SQ34403", "SQ34404",
];

/// The secret policies that do not apply to a Dockerfile (a key file of its
/// own, version control data): not applicable there, without a reason.
pub const IMAGE_ONLY_POLICIES: [&str; 6] = [
    "SQ34101", "SQ34102", "SQ34104", "SQ34108", "SQ34110", "SQ34201",
];

/// JSON `policies[].reason` of the online policies.
pub const ONLINE_REASON: &str = "needs a live check of the found secret against the service that issued it; portcullis works offline and never sends a secret anywhere";

/// `(rule, status, reason)` of a JSON target's `policies[]`.
pub fn policy_statuses(target: &Value) -> Vec<(String, String, Option<String>)> {
    target["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| {
            (
                p["rule"].as_str().unwrap_or("").to_owned(),
                p["status"].as_str().unwrap_or("").to_owned(),
                p.get("reason")
                    .map(|r| r.as_str().expect("reason is text").to_owned()),
            )
        })
        .collect()
}

/// A set of fixtures a `fixtures/KIND/make.sh DIR` script builds, as the
/// secret and package tests use them.
pub struct FixtureSet {
    /// `fixtures/{script_dir}/make.sh`.
    pub script_dir: &'static str,
    /// `PORTCULLIS_{env}_FIXTURES` names a built directory;
    /// `PORTCULLIS_{env}_TESTS=required` makes a skip a failure.
    pub env: &'static str,
    /// Built into `target/{target}` when no directory is named.
    pub target: &'static str,
    /// Whether a directory holds every output the tests read.
    pub complete: fn(&Path) -> Result<(), String>,
}

/// Whether `dir` holds every one of `outputs` (relative paths), for a
/// [`FixtureSet::complete`]; which are missing, when not.
pub fn has_outputs(dir: &Path, outputs: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = outputs
        .iter()
        .copied()
        .filter(|o| !dir.join(o).exists())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: missing {}", dir.display(), missing.join(", ")))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl FixtureSet {
    /// The tests must not skip (`PORTCULLIS_{env}_TESTS=required`).
    pub fn required(&self) -> bool {
        std::env::var(format!("PORTCULLIS_{}_TESTS", self.env)).as_deref() == Ok("required")
    }

    /// The directory the environment names, else the one make.sh builds
    /// (as root) under `target/`; why not, when it cannot be had.
    pub fn build(&self) -> Result<PathBuf, String> {
        let script = format!("fixtures/{}/make.sh", self.script_dir);
        let var = format!("PORTCULLIS_{}_FIXTURES", self.env);
        if let Some(dir) = std::env::var_os(&var) {
            let dir = PathBuf::from(dir);
            // Named explicitly: not being there is a mistake, not a reason to skip.
            if let Err(e) = (self.complete)(&dir) {
                panic!("{var}: {e} (build it with {script} DIR)");
            }
            return Ok(dir);
        }
        let out = repo().join("target").join(self.target);
        if !is_root() {
            return Err(format!(
                "{script} runs as root; build them with `sudo bash {script} DIR` and set \
                 {var}=DIR, or run as root to build {}",
                out.display()
            ));
        }
        std::fs::create_dir_all(repo().join("target")).map_err(|e| e.to_string())?;
        let log = repo().join(format!("target/{}.log", self.target));
        let lock = repo().join(format!("target/{}.lock", self.target));
        // make.sh is idempotent (it exits at once when up to date); flock
        // keeps two test processes from building into one directory.
        let o = Command::new("flock")
            .arg(&lock)
            .arg("bash")
            .arg(repo().join(&script))
            .arg(&out)
            .output()
            .map_err(|e| format!("run flock bash {script}: {e}"))?;
        let mut text = o.stdout.clone();
        text.extend_from_slice(&o.stderr);
        let _ = std::fs::write(&log, &text);
        if !o.status.success() {
            let text = String::from_utf8_lossy(&text);
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(30)..].join("\n");
            return Err(format!(
                "{script} {} failed ({}); whole log in {}:\n{tail}",
                out.display(),
                o.status,
                log.display()
            ));
        }
        (self.complete)(&out)?;
        Ok(out)
    }

    /// The fixtures directory, built once per test process; `None` (after
    /// saying why) when the tests skip.
    pub fn dir(
        &self,
        cell: &'static std::sync::OnceLock<Result<PathBuf, String>>,
    ) -> Option<&'static Path> {
        match cell.get_or_init(|| self.build()) {
            Ok(dir) => Some(dir.as_path()),
            Err(why) => {
                assert!(
                    !self.required(),
                    "PORTCULLIS_{}_TESTS=required: {why}",
                    self.env
                );
                eprintln!("skipping: {why}");
                None
            }
        }
    }
}
