//! Per-rule Dockerfile fixtures (ruff style): `tests/fixtures/dockerfile/<CODE>/`
//! holds `bad-*.Dockerfile` files, each with a `bad-*.expected` listing every
//! finding of that rule as `LINE:COLUMN-END_LINE:END_COLUMN message`, and
//! `good-*.Dockerfile` files that must not trigger the rule.
//!
//! `PORTCULLIS_BLESS=1 cargo test -p portcullis-rules --test fixtures` rewrites
//! the `.expected` files from the current output; read every change before
//! committing it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use portcullis_rules::registry::{check, find, Outcome};
use portcullis_rules::{from_dockerfile, Location};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile")
}

/// The findings of `code` on `path`, one line each.
fn findings(code: &str, path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytes = fill_secrets(&bytes);
    let dockerfile = portcullis_dockerfile::parse_bytes(&bytes)
        .unwrap_or_else(|e| panic!("{}: parse error: {e}", path.display()));
    let mut subject = from_dockerfile("Dockerfile", dockerfile, &[])
        .unwrap_or_else(|e| panic!("{}: build error: {e}", path.display()));
    // A rule that needs the policy file's trusted image list (PC43101)
    // reads it from `trusted.txt` beside its fixtures, one pattern a line.
    if let Some(dir) = path.parent() {
        if let Ok(text) = std::fs::read_to_string(dir.join("trusted.txt")) {
            let mut list = portcullis_rules::reference::TrustedList::default();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                list.push(
                    portcullis_rules::reference::TrustedPattern::parse(line)
                        .unwrap_or_else(|e| panic!("trusted.txt: {e}")),
                );
            }
            subject.trusted_images = Some(list);
        }
    }
    let mut out = String::new();
    for (rule, outcome) in check(&subject, "Dockerfile") {
        if rule.code != code {
            continue;
        }
        let Outcome::Checked {
            findings: found, ..
        } = outcome
        else {
            panic!("{code} not applicable to a Dockerfile");
        };
        for f in found {
            let Location::Dockerfile {
                line,
                column,
                end_line,
                end_column,
                ..
            } = f.location
            else {
                panic!(
                    "{}: non-Dockerfile location {:?}",
                    path.display(),
                    f.location
                );
            };
            let _ = write!(out, "{line}:{column}-{end_line}:{end_column} {}", f.message);
            for r in &f.related {
                if let Location::Dockerfile { line, column, .. } = r {
                    let _ = write!(out, " [related {line}:{column}]");
                }
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let bless = std::env::var_os("PORTCULLIS_BLESS").is_some();
    let mut failures = Vec::new();
    for rule in portcullis_rules::RULES {
        if !rule.applies(portcullis_rules::SubjectKind::Dockerfile) {
            // Image-only policies (a key file of its own, version control
            // data) and the online ones: covered by the image tests.
            continue;
        }
        if rule.code == "SQ34252" {
            // Canaries are named in a policy file: the CLI tests cover it.
            continue;
        }
        let dir = fixtures_root().join(rule.code);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
            .collect();
        entries.sort();
        let (mut bad, mut good) = (0, 0);
        for path in entries {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let actual = findings(rule.code, &path);
            if name.starts_with("bad-") {
                bad += 1;
                let expected_path = path.with_extension("expected");
                if bless {
                    std::fs::write(&expected_path, &actual).expect("write expected");
                    continue;
                }
                let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
                if actual.is_empty() {
                    failures.push(format!("{}: expected findings, got none", path.display()));
                } else if expected != actual {
                    failures.push(format!(
                        "{}:\n--- expected\n{expected}+++ actual\n{actual}",
                        path.display()
                    ));
                }
            } else if name.starts_with("good-") {
                good += 1;
                if !actual.is_empty() {
                    failures.push(format!(
                        "{}: expected no {} findings, got:\n{actual}",
                        path.display(),
                        rule.code
                    ));
                }
            } else {
                failures.push(format!(
                    "{}: fixture names start with bad- or good-",
                    path.display()
                ));
            }
        }
        if bad < 3 || good < 3 {
            failures.push(format!(
                "{}: needs at least 3 bad and 3 good fixtures, has {bad} and {good}",
                rule.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn explain_covers_every_rule_code() {
    for rule in portcullis_rules::RULES {
        assert_eq!(
            find(&rule.code.to_lowercase()).map(|r| r.code),
            Some(rule.code)
        );
    }
}

/// Fixtures never hold a secret: their markers are filled now
/// (`support/markers.rs`). Files without one are used as they are (bytes
/// need not be UTF-8).
fn fill_secrets(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains("{{") {
        return bytes.to_vec();
    }
    markers::fill_secrets(&text).into_bytes()
}

#[path = "support/markers.rs"]
mod markers;

#[path = "support/keys.rs"]
mod keys;
