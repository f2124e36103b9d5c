//! SQ31104: A package has a critical vulnerability.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ31104",
    name: "critical",
    title: "A package has a critical vulnerability",
    category: Category::Vulnerabilities,
    severity: Severity::High,
    remediation: "Upgrade the package to the fixed version the finding names (rebuild on a current base image, or upgrade the package in the build); where there is no fix, remove the package or accept it with an `[[exception]]` naming the vulnerability, with a reason and an expiry.",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A package whose installed version is affected by a vulnerability with a CVSS base score of 9.0 or more (computed by portcullis from the advisory's v4.0 or v3.x vector; else the ecosystem's own rating), not in KEV and not SQ31102.",
        why: "A known vulnerability with a published fix is the cheapest risk to remove and the first thing an attacker tries; critical ones are usually remotely exploitable without authentication.",
        fix: "Upgrade the package to the fixed version the finding names: rebuild on a current base image (the distribution's fixes arrive as new image builds), or upgrade it in the build (`apt-get upgrade`, `apk upgrade`, a newer pin in the lock file). Where no fix is published, remove the package if the image does not need it; otherwise mitigate and record the decision: a VEX document (`--vex`) for a vulnerability that does not affect the image, or an `[[exception]]` with `vulnerabilities = [\"CVE-…\"]`, a reason and an expiry.",
        bad: "FROM debian:bookworm-20230725\n# openssl and glibc as of July 2023, with the fixes since missing\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        good: "FROM debian:bookworm\n# the current point release, and whatever was fixed since it\nRUN apt-get update && apt-get upgrade -y && apt-get install -y --no-install-recommends curl\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    super::check(subject, out, RULE.code, false);
}
