//! SQ34204: A binary embeds source file names and paths.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::rules::hardening::check_each;
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ34204",
    name: "source-paths",
    title: "A binary embeds source file names and paths",
    category: Category::SensitiveInformation,
    severity: Severity::Medium,
    remediation: "Strip debug information from the binary, and build with `-ffile-prefix-map=$PWD=.` (or `-fdebug-prefix-map`) so that whatever debug data remains does not name the build machine's directories.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "An ELF executable or shared object of the final filesystem whose DWARF compilation units name their source files and directories (`DW_AT_name`, `DW_AT_comp_dir`); the finding lists the first few.",
        why: "Source paths reveal the build machine's layout, user names and project structure, and tell an attacker which source to read for bugs.",
        fix: "Strip the debug information (`strip --strip-debug`), and build with `-ffile-prefix-map=/build/dir=.` so that paths are relative and reproducible.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

/// Source paths named in a finding; the rest are counted.
const SHOWN: usize = 3;

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        let paths = &b.facts.source_paths;
        if paths.is_empty() {
            return None;
        }
        let mut shown = paths
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if paths.len() > SHOWN {
            shown.push_str(&format!(" and {} more", paths.len() - SHOWN));
        }
        Some(format!("its debug information names source files: {shown}"))
    });
}
