//! SQ12401: a package under a license family the policy file marks `warn`.

use portcullis_packages::license::{family_of, Family};

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12401",
    name: "warned-license-family",
    title: "A package is under a license family the policy file warns about",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Have the package's license reviewed as the policy file's owner asks for this family, or replace the package; accepted packages go into the policy file as exceptions, with their reason.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package whose licenses (the least restrictive alternative of an `OR`, preferring one outside the policy file's lists) include one of a family listed in the policy file's `[licenses] warn-families` (`GPL`, `LGPL`, `AGPL`, `MPL`, `CC`, … as `portcullis config schema` documents them). A family known only from a hint (the `License :: OSI Approved :: BSD License` classifier) counts. Nothing is reported without the list.",
        why: "Organisations keep license families they want reviewed before use: a copyleft family for proprietary products, Creative Commons for code. The list makes that review part of the build.",
        fix: "Review the package against the organisation's license policy, or choose an alternative under another license.",
        bad: "# portcullis.toml: [licenses] warn-families = [\"LGPL\"]\nFROM python:3.12-slim\nRUN pip install chardet==5.1.0\n",
        good: "# portcullis.toml: [licenses] warn-families = [\"LGPL\"]\nFROM python:3.12-slim\nRUN pip install charset-normalizer==3.3.2\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let warned: Vec<Family> = subject
        .licenses
        .warn_families
        .iter()
        .filter_map(|f| Family::from_name(f))
        .collect();
    if warned.is_empty() {
        return;
    }
    for j in super::judged(subject) {
        let families: Vec<Family> = j
            .eval
            .families
            .iter()
            .copied()
            .filter(|f| warned.contains(f))
            .collect();
        if families.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        let mut trigger = Vec::new();
        for f in &families {
            let of = super::picked(&j, |l| family_of(super::id_of(l)) == Some(*f));
            if of.is_empty() {
                parts.push(format!("a license of the {f} family"));
            } else {
                parts.push(format!("{} (the {f} family)", super::and_list(&of)));
                trigger.extend(of);
            }
        }
        let message = format!(
            "{} is under {}, which the policy file warns about{}",
            super::package_name(&j),
            parts.join(" and "),
            super::context(&j, &trigger),
        );
        super::report(subject, out, &j, message);
    }
}
