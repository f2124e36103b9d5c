//! SQ31103: A package has a vulnerability known to be used in ransomware campaigns.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31103",
    name: "kev-ransomware",
    title: "A package has a vulnerability known to be used in ransomware campaigns",
    category: Category::Vulnerabilities,
    severity: Severity::High,
    remediation: super::REMEDIATION,
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability listed in CISA's Known Exploited Vulnerabilities catalog with `knownRansomwareCampaignUse` set to `Known`. The first code a vulnerability is reported under: before SQ31101 and the severity classes.",
        why: "Ransomware crews exploit these in the wild, at scale, against exactly this kind of internet-facing software; CISA's BOD 22-01 gives US federal agencies weeks, not months, to patch them.",
        fix: super::FIX,
        bad: super::BAD,
        good: super::GOOD,
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
