//! The license policies (SQ12xxx, COMPOSITION.md "Licenses"): the declared
//! licenses of every package of the inventory, judged by the license facts
//! of `portcullis-packages` (copyleft strength, restrictions) and by the
//! policy file's `[licenses]` lists.
//!
//! How a package's licenses are read, for every rule alike:
//!
//! - The declared licenses are assessed as one expression
//!   ([`portcullis_packages::license::assess_with`]): several declared
//!   licenses all apply (`AND`); of `A OR B` the least restrictive
//!   alternative is the one judged, preferring one the policy file does not
//!   list, so `MIT OR GPL-2.0-or-later` is MIT and never copyleft.
//! - Parts no fact is known of (free text, a Debian file's own short name)
//!   are left out of the judgement and shown in the message; a package of
//!   which no license and no license family at all is known is not judged:
//!   SQ12101 carries one note per image counting them.
//! - Copyleft (SQ12101, SQ12102) means strong or network copyleft: weak
//!   (file- or library-level) copyleft binds only the covered files or
//!   library, which a package installed as itself (an LGPL shared library,
//!   an MPL Python module) already satisfies; it matters where the covered
//!   code is linked into another program, which is SQ12103's case (Go
//!   modules and Rust crates inside a binary).
//! - A component of this build is a package introduced by a layer that a
//!   history entry after the base boundary made; one whose layer a base
//!   history entry made is from the base image. With no base (`FROM
//!   scratch`, an LXD root filesystem) or no history for the layer, the
//!   package is taken to be this build's.
//!
//! One finding per rule and package, at its first evidence (the layer and
//! path of the database or binary that lists it), the other evidences
//! related.

pub mod base_copyleft;
pub mod build_copyleft;
pub mod commercial_use;
pub mod distribution;
pub mod modification;
pub mod patents;
pub mod production_use;
pub mod restricted;
pub mod static_weak_copyleft;
pub mod warn_family;
pub mod warn_license;

use portcullis_packages::license::{
    self, assess_with, facts, family_of, Copyleft, Evaluation, Family, Restrictions,
};
use portcullis_packages::{Ecosystem, InstalledPackage};

use crate::finding::Findings;
use crate::subject::packages::LicenseLists;
use crate::subject::Subject;

/// What the catalogers could read of one package's licenses, judged.
pub(crate) struct Judged<'a> {
    pub pkg: &'a InstalledPackage,
    /// Another package has the same type, name and version (a multi-arch
    /// library): messages name the architecture too.
    pub same_name: bool,
    /// The SPDX expression of all its declared licenses, when one forms.
    pub expression: Option<String>,
    pub eval: Evaluation,
}

impl Judged<'_> {
    /// No license and no license family is known: nothing to judge.
    pub fn unknown(&self) -> bool {
        self.known().next().is_none() && self.eval.families.is_empty()
    }

    /// The licenses that apply and have facts (`X WITH E` included).
    pub fn known(&self) -> impl Iterator<Item = &str> {
        self.eval
            .licenses
            .iter()
            .filter(|l| !self.eval.unknown.contains(l))
            .map(String::as_str)
    }
}

/// Every package of the subject, with its licenses judged.
pub(crate) fn judged(subject: &Subject) -> Vec<Judged<'_>> {
    let Some(inventory) = &subject.packages else {
        return Vec::new();
    };
    let lists = &subject.licenses;
    let avoid = |l: &str| {
        listed(&lists.restricted, l) || listed(&lists.warn, l) || family_warned(lists, l).is_some()
    };
    let same = super::package::same_names(inventory);
    // Assessed once per subject, not once per license policy.
    let assessed = subject.license_assessments.get_or_init(|| {
        inventory
            .packages
            .iter()
            .map(|pkg| assess_with(&pkg.licenses, pkg.ecosystem, &avoid))
            .collect()
    });
    inventory
        .packages
        .iter()
        .zip(assessed)
        .zip(same)
        .map(|((pkg, a), same_name)| {
            let a = a.clone();
            Judged {
                pkg,
                same_name,
                expression: a.expression,
                eval: a.evaluation,
            }
        })
        .collect()
}

/// The license id of `X WITH E` (and of `X+`).
pub(crate) fn id_of(license: &str) -> &str {
    license
        .split_once(" WITH ")
        .map_or(license, |(id, _)| id)
        .trim()
        .trim_end_matches('+')
}

/// Whether a policy list names `license`: an entry `X` names `X` with or
/// without an exception, `X WITH E` only itself.
pub(crate) fn listed(list: &[String], license: &str) -> bool {
    list.iter().any(|entry| {
        let entry = entry.trim();
        entry.eq_ignore_ascii_case(license)
            || (!entry.contains(" WITH ") && entry.eq_ignore_ascii_case(id_of(license)))
    })
}

/// The warned family `license` is of, if any.
pub(crate) fn family_warned(lists: &LicenseLists, license: &str) -> Option<Family> {
    let family = family_of(id_of(license))?;
    lists
        .warn_families
        .iter()
        .any(|f| Family::from_name(f) == Some(family))
        .then_some(family)
}

/// A license's own copyleft, its exception counted.
pub(crate) fn copyleft_of(license: &str) -> Option<Copyleft> {
    license::evaluate(license).and_then(|e| e.copyleft)
}

/// A license's restrictions (an exception adds permissions, never lifts
/// one of these).
pub(crate) fn restrictions_of(license: &str) -> Restrictions {
    facts(id_of(license))
        .map(|f| f.restrictions)
        .unwrap_or_default()
}

/// The one-line reason the facts table gives for `license`.
pub(crate) fn reason_of(license: &str) -> &'static str {
    facts(id_of(license)).map_or("", |f| f.reason)
}

/// How a package is named in messages (see [`super::package::label`]).
pub(crate) fn package_name(j: &Judged<'_>) -> String {
    super::package::label(j.pkg, j.same_name)
}

/// Most declared licenses a message quotes.
const MAX_QUOTED: usize = 8;
/// Most characters of one quoted license.
const MAX_QUOTED_CHARS: usize = 120;

fn quote(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match clean.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((at, _)) => format!("`{}…`", &clean[..at]),
        None => format!("`{clean}`"),
    }
}

/// Where the licenses that triggered (`trigger`, as listed) come from,
/// when that is more than they say: `, in its license `MIT AND
/// GPL-2.0-or-later``; for declared licenses that form no expression,
/// those as declared.
pub(crate) fn context(j: &Judged<'_>, trigger: &[&str]) -> String {
    match &j.expression {
        Some(e) if trigger.len() == 1 && e == trigger[0] => String::new(),
        Some(e) => format!(", in its license {}", quote(e)),
        None => {
            let declared: Vec<String> = j
                .pkg
                .licenses
                .iter()
                .filter(|l| !l.trim().is_empty())
                .take(MAX_QUOTED)
                .map(|l| quote(l))
                .collect();
            let more = j.pkg.licenses.len().saturating_sub(MAX_QUOTED);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                ", in its declared licenses {}{more} (not all understood: {})",
                declared.join(", "),
                j.eval
                    .unknown
                    .iter()
                    .filter(|u| !u.is_empty())
                    .take(MAX_QUOTED)
                    .map(|u| quote(u))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// Whether the package came with the base image: the layer that
/// introduced it was made by a history entry of the base.
pub(crate) fn from_base(subject: &Subject, pkg: &InstalledPackage) -> bool {
    let Some(image) = &subject.image else {
        return false;
    };
    pkg.layer
        .and_then(|l| image.layer_history.get(l).copied().flatten())
        .is_some_and(|h| image.boundary.is_base(h))
}

/// Report `message` for the package.
pub(crate) fn report(subject: &Subject, out: &mut Findings, j: &Judged<'_>, message: String) {
    let (at, related) = super::package::located(subject, j.pkg, "");
    out.report_related(message, at, related);
}

/// Each licence of `j` that `pick` keeps, in order.
pub(crate) fn picked<'a>(j: &'a Judged<'_>, pick: impl Fn(&str) -> bool) -> Vec<&'a str> {
    j.eval
        .licenses
        .iter()
        .map(String::as_str)
        .filter(|l| pick(l))
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The copyleft part of a message: `strong copyleft (GPL-3.0-or-later,
/// GPL-2.0-or-later)`, with the network copyleft licenses apart; `None`
/// when no strong or network copyleft license applies.
pub(crate) fn strong_copyleft<'a>(j: &'a Judged<'_>) -> Option<(String, Vec<&'a str>)> {
    let strong = picked(j, |l| copyleft_of(l) == Some(Copyleft::Strong));
    let network = picked(j, |l| copyleft_of(l) == Some(Copyleft::Network));
    let mut parts = Vec::new();
    if !network.is_empty() {
        parts.push(format!(
            "network copyleft ({}: using it over a network counts as distributing it)",
            network.join(", ")
        ));
    }
    if !strong.is_empty() {
        parts.push(format!("strong copyleft ({})", strong.join(", ")));
    }
    if parts.is_empty() {
        return None;
    }
    let mut all = network;
    all.extend(strong);
    Some((parts.join(" and "), all))
}

/// The caveat for findings that depend on where the base image ends, when
/// that is a guess.
pub(crate) fn boundary_caveat(subject: &Subject) -> String {
    subject
        .image
        .as_ref()
        .and_then(|i| i.boundary_caveat())
        .unwrap_or_default()
}

/// A rule of restrictions (SQ12404–SQ12408): report each package under a
/// license with the restriction `has`, saying what it is for one license
/// and for several (`what`), with the facts table's reason.
pub(crate) fn check_restriction(
    subject: &Subject,
    out: &mut Findings,
    has: fn(&Restrictions) -> bool,
    what: (&str, &str),
) {
    for j in judged(subject) {
        if !has(&j.eval.restrictions) {
            continue;
        }
        let trigger = picked(&j, |l| has(&restrictions_of(l)));
        if trigger.is_empty() {
            continue;
        }
        let reasons = match &trigger[..] {
            [one] => reason_of(one).to_owned(),
            several => several
                .iter()
                .map(|l| format!("{l}: {}", reason_of(l)))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let message = format!(
            "{} is under {}, which {}: {reasons}{}",
            package_name(&j),
            and_list(&trigger),
            if trigger.len() == 1 { what.0 } else { what.1 },
            context(&j, &trigger)
        );
        report(subject, out, &j, message);
    }
}

/// Most package names the unknown-license note lists.
const NOTE_NAMES: usize = 5;

/// The note of SQ12101: the packages whose license is not known.
pub(crate) fn unknown_note(subject: &Subject, out: &mut Findings, all: &[Judged<'_>]) {
    let unknown: Vec<&Judged<'_>> = all.iter().filter(|j| j.unknown()).collect();
    let Some(first) = unknown.first() else {
        return;
    };
    let mut per_type: Vec<(Ecosystem, usize)> = Vec::new();
    for j in &unknown {
        match per_type.iter_mut().find(|(e, _)| *e == j.pkg.ecosystem) {
            Some((_, n)) => *n += 1,
            None => per_type.push((j.pkg.ecosystem, 1)),
        }
    }
    let types: Vec<String> = per_type.iter().map(|(e, n)| format!("{n} {e}")).collect();
    let names: Vec<String> = unknown
        .iter()
        .take(NOTE_NAMES)
        .map(|j| package_name(j))
        .collect();
    let more = unknown.len().saturating_sub(NOTE_NAMES);
    let n = unknown.len();
    out.note(
        format!(
            "{n} of {} packages {} no license portcullis could determine (none declared where it looked, or none it recognises; Go and Rust binaries record none): {}; {}{}; the license policies did not judge {}",
            all.len(),
            if n == 1 { "has" } else { "have" },
            types.join(", "),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            if n == 1 { "it" } else { "them" },
        ),
        super::package::located(subject, first.pkg, "").0.location,
    );
}

/// Report each package under a license of `list` (a policy file's
/// `[licenses]` list, by SPDX id): "…, which the policy file {verb}".
pub(crate) fn check_listed(subject: &Subject, out: &mut Findings, list: &[String], verb: &str) {
    if list.is_empty() {
        return;
    }
    for j in judged(subject) {
        let trigger = picked(&j, |l| listed(list, l));
        if trigger.is_empty() {
            continue;
        }
        let message = format!(
            "{} is under {}, which the policy file {verb}{}",
            package_name(&j),
            and_list(&trigger),
            context(&j, &trigger),
        );
        report(subject, out, &j, message);
    }
}
