//! SQ18105: An unprotected binary calls unbounded string functions.

use super::*;
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ18105",
    name: "banned-string-functions",
    title: "An unprotected binary calls unbounded string functions",
    category: Category::BinaryHardening,
    severity: Severity::Medium,
    remediation: "Rebuild with `-fstack-protector-strong -D_FORTIFY_SOURCE=2 -O2`, and replace `strcpy`, `strcat`, `sprintf` and the like with bounded calls (`snprintf`, `strlcpy`, explicit lengths).",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A binary that SQ18104 reports (no stack protector, no fortified function) and that imports string functions with no bound on what they write: `strcpy`, `strcat`, `sprintf`, `vsprintf`, `stpcpy`, `wcscpy`, `wcscat` and the rest of the list in `portcullis-elf`'s `symbols::BANNED_STRING`.",
        why: "These are the functions behind most stack overflows; with neither a canary nor fortification, nothing notices when they overrun.",
        fix: "Replace them with bounded variants (`snprintf`, `strlcpy`/`strlcat` where available, or lengths checked before `memcpy`), and build with the hardening flags so that what remains is checked.",
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    check_each(subject, out, |_, b| {
        banned(b, symbols::BANNED_STRING, "string")
    });
}
