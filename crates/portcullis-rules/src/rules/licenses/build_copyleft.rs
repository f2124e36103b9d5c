//! SQ12101: a component of this build under a strong or network copyleft
//! license; and the note on packages whose license is not known.

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ12101",
    name: "build-copyleft",
    title: "A component of this build is under a copyleft license",
    category: Category::Licenses,
    severity: Severity::Medium,
    remediation: "Check that the image can meet the license's terms where it is distributed or offered over a network (the complete source of the work, under the same license), or replace the package with one under a permissive license; a package that offers a choice (`A OR B`) is already judged by its least restrictive alternative.",
    applies_to: &[SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "A package installed by this build's own layers (after the base image: the layer that introduced it was made by a history entry past the base boundary; every layer of an image with no base, such as `FROM scratch` or an LXD root filesystem) whose declared licenses include a strong copyleft license (GPL, GFDL, CC-BY-SA, Sleepycat…) or a network copyleft one (AGPL, SSPL, EUPL, OSL-3.0). Of `A OR B` only the least restrictive alternative counts, so `MIT OR GPL-2.0-or-later` is not reported; a GPL with a linking exception (Classpath, GCC runtime) is weak copyleft. Weak copyleft (LGPL, MPL, EPL) is not reported here: it binds only the covered files or library, which a package installed as itself satisfies; statically linked weak copyleft is SQ12103. The message names the licenses that triggered and the whole license they are part of. This rule also carries one note per image counting the packages whose license cannot be determined (none declared, or nothing portcullis recognises): they are not findings.",
        why: "Distributing an image distributes every package in it. Under a strong copyleft license, a work based on the package must be offered with its complete source under the same license; under a network copyleft license, so must a service users reach over a network. A team that did not choose that on purpose is exposed to a licensing obligation it cannot meet.",
        fix: "Confirm with whoever owns license compliance that the terms are met (a written source offer, the same license for derived works), or install a permissively licensed alternative. Record an accepted package as a policy-file exception, with its reason.",
        bad: "FROM python:3.12-slim\n# python-debian is GPL-2.0-or-later\nRUN pip install python-debian==0.1.49\n",
        good: "FROM python:3.12-slim\nRUN pip install requests==2.31.0\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let all = super::judged(subject);
    super::unknown_note(subject, out, &all);
    let caveat = super::boundary_caveat(subject);
    for j in all.iter().filter(|j| !super::from_base(subject, j.pkg)) {
        let Some((what, trigger)) = super::strong_copyleft(j) else {
            continue;
        };
        let message = format!(
            "{}, installed by this build, is under {what}{}{caveat}",
            super::package_name(j),
            super::context(j, &trigger),
        );
        super::report(subject, out, j, message);
    }
}
