//! The Pod Security Standards rules against the admission library's own
//! fixtures (tests/data/pss, see its README): at each level and version,
//! every `fail` pod of a check gets that check's rule (and no rule of the
//! level that the check does not map to), every `pass` pod gets none of the
//! level's rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use portcullis_rules::registry::Outcome;
use portcullis_rules::subject::from_workloads;

use portcullis_rules::rules::runtime::{
    PSS_BASELINE as BASELINE, PSS_RESTRICTED as RESTRICTED_ONLY,
};

/// The rules that together implement a check of the library at `level`
/// (at restricted, some checks replace baseline ones, as the library's
/// `OverrideCheckIDs` say: restricted capabilities, seccomp, volumes, procMount).
fn rules_of(check: &str, restricted: bool) -> &'static [&'static str] {
    match (check, restricted) {
        ("privileged", _) => &["PC42101"],
        ("allowprivilegeescalation", _) => &["PC42102"],
        ("capabilities_baseline", false) => &["PC42103"],
        ("capabilities_baseline" | "capabilities_restricted", true) => &["PC42103", "PC42104"],
        ("runasnonroot", _) => &["PC42201"],
        ("runasuser", _) => &["PC42202"],
        ("hostnamespaces", _) => &["PC42301"],
        ("hostports", _) => &["PC42302"],
        ("hostpathvolumes", false) => &["PC42303"],
        ("hostpathvolumes" | "restrictedvolumes", true) => &["PC42303", "PC42407"],
        ("windowshostprocess", _) => &["PC42304"],
        ("hostprobesandhostlifecycle", _) => &["PC42305"],
        ("seccompprofile_baseline", false) => &["PC42401"],
        ("seccompprofile_baseline" | "seccompprofile_restricted", true) => &["PC42401", "PC42402"],
        ("apparmorprofile", _) => &["PC42403"],
        ("selinuxoptions", _) => &["PC42404"],
        ("procmount", false) => &["PC42405"],
        ("procmount" | "procmount_restricted", true) => &["PC42405", "PC42408"],
        ("sysctls", _) => &["PC42406"],
        (other, _) => panic!("no rule for check {other} (restricted: {restricted})"),
    }
}

/// Other rules a check's failing pods also get, because the library's
/// generator could not make them otherwise (the library fails them on
/// those checks too: its fixtures only promise to fail the level).
fn also(check: &str, restricted: bool) -> &'static [&'static str] {
    match (check, restricted) {
        // A hostProcess pod must set hostNetwork: true.
        ("windowshostprocess", _) => &["PC42301"],
        // A privileged container cannot set allowPrivilegeEscalation: false.
        ("privileged", true) => &["PC42102"],
        // allowprivilegeescalation3 has no securityContext, so drops nothing.
        ("allowprivilegeescalation", true) => &["PC42104"],
        _ => &[],
    }
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pss")
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    all.sort();
    all
}

/// The codes of the level's rules that `file` gets at `version`.
fn fired(file: &Path, version: (u32, u32), level: &[&str]) -> BTreeSet<&'static str> {
    let bytes = std::fs::read(file).expect("fixture");
    let path = file.display().to_string();
    let workloads = portcullis_manifests::kubernetes::load(Arc::from(path.as_str()), &bytes)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(workloads.len(), 1, "{path}: one pod");
    let mut subject = from_workloads(&path, workloads);
    subject.kubernetes_version = version;
    portcullis_rules::check(&subject, &path)
        .into_iter()
        .filter(|(rule, _)| level.contains(&rule.code))
        .filter_map(|(rule, outcome)| match outcome {
            Outcome::Checked { findings, .. } if !findings.is_empty() => Some(rule.code),
            _ => None,
        })
        .collect()
}

#[test]
fn the_rules_agree_with_the_admission_library_fixture_by_fixture() {
    // (level, check) -> (fail fixtures, pass fixtures) seen, over all versions.
    let mut counts: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for level_dir in sorted(&data()).into_iter().filter(|p| p.is_dir()) {
        let level_name = level_dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let restricted = level_name == "restricted";
        let level: Vec<&str> = if restricted {
            BASELINE.iter().chain(RESTRICTED_ONLY).copied().collect()
        } else {
            BASELINE.to_vec()
        };
        for version_dir in sorted(&level_dir) {
            let name = version_dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let (major, minor) = name.trim_start_matches('v').split_once('.').expect("v1.NN");
            let version = (major.parse().expect("major"), minor.parse().expect("minor"));
            for outcome in ["fail", "pass"] {
                let dir = version_dir.join(outcome);
                for file in sorted(&dir) {
                    let stem = file
                        .file_stem()
                        .expect("stem")
                        .to_string_lossy()
                        .into_owned();
                    let check = stem
                        .trim_end_matches(|c: char| c.is_ascii_digit())
                        .to_owned();
                    let got = fired(&file, version, &level);
                    let entry = counts
                        .entry((level_name.clone(), check.clone()))
                        .or_default();
                    let shown = format!("{level_name}/{name}/{outcome}/{stem}.yaml");
                    if outcome == "fail" {
                        entry.0 += 1;
                        let allowed = rules_of(&check, restricted);
                        let extra = also(&check, restricted);
                        let own = got.iter().any(|c| allowed.contains(c));
                        let others_known =
                            got.iter().all(|c| allowed.contains(c) || extra.contains(c));
                        if !own || !others_known {
                            wrong.push(format!(
                                "{shown}: got {got:?}, want some of {allowed:?} and no other (but {extra:?})"
                            ));
                        }
                    } else {
                        entry.1 += 1;
                        if !got.is_empty() {
                            wrong.push(format!("{shown}: got {got:?}, want none"));
                        }
                    }
                }
            }
        }
    }
    let table: Vec<String> = counts
        .iter()
        .map(|((level, check), (fail, pass))| format!("{level} {check}: {fail} fail, {pass} pass"))
        .collect();
    println!("{}", table.join("\n"));
    assert!(
        wrong.is_empty(),
        "{} of the fixtures disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let total: usize = counts.values().map(|(f, p)| f + p).sum();
    assert_eq!(total, 1045, "every committed fixture is judged");
    // Each check of the library is exercised by failing pods at both levels
    // (probe hosts from 1.34, restricted procMount from 1.35).
    for check in [
        "privileged",
        "capabilities_baseline",
        "hostnamespaces",
        "hostports",
        "hostpathvolumes",
        "windowshostprocess",
        "hostprobesandhostlifecycle",
        "seccompprofile_baseline",
        "apparmorprofile",
        "selinuxoptions",
        "procmount",
        "sysctls",
    ] {
        for level in ["baseline", "restricted"] {
            assert!(
                counts
                    .get(&(level.into(), check.into()))
                    .is_some_and(|c| c.0 > 0),
                "{level} {check}"
            );
        }
    }
    for check in [
        "allowprivilegeescalation",
        "capabilities_restricted",
        "runasnonroot",
        "runasuser",
        "seccompprofile_restricted",
        "restrictedvolumes",
        "procmount_restricted",
    ] {
        assert!(
            counts
                .get(&("restricted".into(), check.into()))
                .is_some_and(|c| c.0 > 0),
            "{check}"
        );
    }
}
