//! Declared licenses as SPDX expressions, and the facts license policies
//! (SQ12101–SQ12103, SQ12401–SQ12408) judge them by.
//!
//! - [`expression`]: a package's raw declared licenses (SPDX expressions,
//!   DEP-5 short names, Fedora legacy names, trove classifiers, npm, Maven
//!   and NuGet names and URLs) as one SPDX expression, or `None`. See
//!   `normalise.rs` for the tables and their sources.
//! - [`facts`]: one license's family, copyleft strength and restrictions.
//! - [`evaluate`] and [`assess`]: those facts for a whole expression.
//!
//! Several declared licenses of one package are joined with `AND`: each is
//! a statement the package's evidence makes about some of its files (a
//! Debian `Files:` paragraph, one classifier, an rpm tag part), and nothing
//! in the evidence says a recipient may pick one of them, so all apply.
//! Choice is only ever read from an explicit `OR`. Repeated licenses count
//! once; a family-only hint (the `BSD License` classifier) is dropped when
//! another entry names a license of that family (`BSD-3-Clause`).
//!
//! Unknown parts: the expression is `None` when any declared entry is not
//! understood (a free-text license, a Debian file's own short name such as
//! `permissive`, npm's `UNLICENSED`): an expression that left a declared
//! license out would understate what applies. [`assess`] still evaluates the
//! parts that are known, and lists the rest.

mod expr;
mod facts;
mod normalise;

use serde::Serialize;

pub use facts::{LicenseFacts, Restrictions};

use crate::model::Ecosystem;
use expr::{Exception, Node};
use normalise::Dialect;

/// How far a license's copyleft reaches (ordered weakest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Copyleft {
    None,
    /// File- or library-level: LGPL, MPL, EPL, CDDL, OFL; and a GPL with a
    /// linking exception (Classpath, GCC runtime, Linux syscall note…).
    Weak,
    /// The whole derived work: GPL, GFDL, CC-BY-SA, Sleepycat.
    Strong,
    /// Strong, and triggered by use over a network: AGPL, SSPL, EUPL, OSL-3.0.
    Network,
}

/// License families, for the policy file's family lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Family {
    Gpl,
    Lgpl,
    Agpl,
    Gfdl,
    Mpl,
    Epl,
    Cddl,
    Eupl,
    Osl,
    Cecill,
    Bsd,
    Mit,
    Isc,
    Apache,
    Zlib,
    Boost,
    Python,
    Artistic,
    Cc,
    PublicDomain,
    Zope,
    Ofl,
    OpenLdap,
    Busl,
    Sspl,
    Elastic,
    PolyForm,
    Other,
}

impl Family {
    pub const ALL: [Family; 28] = [
        Family::Gpl,
        Family::Lgpl,
        Family::Agpl,
        Family::Gfdl,
        Family::Mpl,
        Family::Epl,
        Family::Cddl,
        Family::Eupl,
        Family::Osl,
        Family::Cecill,
        Family::Bsd,
        Family::Mit,
        Family::Isc,
        Family::Apache,
        Family::Zlib,
        Family::Boost,
        Family::Python,
        Family::Artistic,
        Family::Cc,
        Family::PublicDomain,
        Family::Zope,
        Family::Ofl,
        Family::OpenLdap,
        Family::Busl,
        Family::Sspl,
        Family::Elastic,
        Family::PolyForm,
        Family::Other,
    ];

    /// The name policy files use.
    pub fn name(self) -> &'static str {
        match self {
            Family::Gpl => "GPL",
            Family::Lgpl => "LGPL",
            Family::Agpl => "AGPL",
            Family::Gfdl => "GFDL",
            Family::Mpl => "MPL",
            Family::Epl => "EPL",
            Family::Cddl => "CDDL",
            Family::Eupl => "EUPL",
            Family::Osl => "OSL",
            Family::Cecill => "CeCILL",
            Family::Bsd => "BSD",
            Family::Mit => "MIT",
            Family::Isc => "ISC",
            Family::Apache => "Apache",
            Family::Zlib => "Zlib",
            Family::Boost => "Boost",
            Family::Python => "Python",
            Family::Artistic => "Artistic",
            Family::Cc => "CC",
            Family::PublicDomain => "public-domain",
            Family::Zope => "Zope",
            Family::Ofl => "OFL",
            Family::OpenLdap => "OpenLDAP",
            Family::Busl => "BUSL",
            Family::Sspl => "SSPL",
            Family::Elastic => "Elastic",
            Family::PolyForm => "PolyForm",
            Family::Other => "other",
        }
    }

    /// A family by its policy-file name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Declared entries read per package, and their total size: past either,
/// the rest is unknown (bounded work on hostile evidence).
pub const MAX_ENTRIES: usize = 256;
pub const MAX_TOTAL_BYTES: usize = 64 * 1024;

/// The declared licenses as one SPDX expression, where one can be formed.
pub fn expression(raw: &[String], ecosystem: Ecosystem) -> Option<String> {
    combine(raw, ecosystem).render()
}

/// The facts of one SPDX license id (a trailing `+` is ignored; ids are
/// matched case-insensitively). `None` for ids the table does not know.
pub fn facts(id: &str) -> Option<&'static LicenseFacts> {
    let id = id.trim().trim_end_matches('+');
    facts::FACTS
        .iter()
        .find(|f| f.id == id)
        .or_else(|| facts::FACTS.iter().find(|f| f.id.eq_ignore_ascii_case(id)))
}

/// The family of an SPDX id: from the facts table, else from the id's
/// shape (`GPL-…`, `BSD-…`, `CC-…`).
pub fn family_of(id: &str) -> Option<Family> {
    if let Some(f) = facts(id) {
        return Some(f.family);
    }
    const PREFIXES: &[(&str, Family)] = &[
        ("AGPL-", Family::Agpl),
        ("LGPL-", Family::Lgpl),
        ("GPL-", Family::Gpl),
        ("GFDL-", Family::Gfdl),
        ("BSD-", Family::Bsd),
        ("MIT", Family::Mit),
        ("Apache-", Family::Apache),
        ("CC-", Family::Cc),
        ("MPL-", Family::Mpl),
        ("EPL-", Family::Epl),
        ("CDDL-", Family::Cddl),
        ("EUPL-", Family::Eupl),
        ("OSL-", Family::Osl),
        ("CECILL-", Family::Cecill),
        ("ZPL-", Family::Zope),
        ("OFL-", Family::Ofl),
        ("Artistic-", Family::Artistic),
        ("OLDAP-", Family::OpenLdap),
        ("PolyForm-", Family::PolyForm),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, f)| *f)
}

/// What a license expression amounts to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The strongest copyleft that applies.
    pub copyleft: Option<Copyleft>,
    pub restrictions: Restrictions,
    /// The families of the licenses that apply, sorted.
    pub families: Vec<Family>,
    /// The licenses that apply (with `WITH` exceptions), in order: for
    /// `A OR B` only the chosen one.
    pub licenses: Vec<String>,
    /// Parts with no facts: unknown terms, ids the table does not have.
    pub unknown: Vec<String>,
    /// The licenses of `licenses` the caller asked to avoid
    /// ([`evaluate_with`]): an `OR` picks an alternative without them
    /// where there is one.
    pub avoided: Vec<String>,
}

impl Evaluation {
    /// `A AND B`: everything of both applies.
    fn union(mut self, o: Evaluation) -> Evaluation {
        self.copyleft = self.copyleft.max(o.copyleft);
        self.restrictions = self.restrictions.union(o.restrictions);
        for f in o.families {
            if !self.families.contains(&f) {
                self.families.push(f);
            }
        }
        self.families.sort();
        for l in o.licenses {
            if !self.licenses.contains(&l) {
                self.licenses.push(l);
            }
        }
        for u in o.unknown {
            if !self.unknown.contains(&u) {
                self.unknown.push(u);
            }
        }
        for a in o.avoided {
            if !self.avoided.contains(&a) {
                self.avoided.push(a);
            }
        }
        self
    }

    /// How restrictive, for choosing among `OR` alternatives: an
    /// alternative with unknown parts last, then fewer licenses to avoid,
    /// then fewer restrictions, then weaker copyleft.
    fn cost(&self) -> (bool, usize, u8, Option<Copyleft>) {
        (
            !self.unknown.is_empty(),
            self.avoided.len(),
            self.restrictions.count(),
            self.copyleft,
        )
    }
}

/// The facts of an SPDX expression. `A OR B` is the least restrictive
/// alternative (the recipient may choose it; ties keep the first), `A AND
/// B` the union of both. `X WITH E` where `E` is a linking exception
/// ([`facts`]'s `LINKING_EXCEPTIONS`: Classpath, GCC runtime, Linux syscall
/// note, Autoconf, Bison…) caps X's copyleft at `Weak`. `None` when the
/// expression does not parse.
pub fn evaluate(expression: &str) -> Option<Evaluation> {
    evaluate_with(expression, &|_| false)
}

/// [`evaluate`], choosing among `OR` alternatives one without the
/// licenses `avoid` names first (a policy's `warn`/`restricted` lists; it
/// is given the id with its exception, `GPL-2.0-only WITH
/// Classpath-exception-2.0`, and may look at [`family_of`]).
pub fn evaluate_with(expression: &str, avoid: &dyn Fn(&str) -> bool) -> Option<Evaluation> {
    let node = expr::parse(expression, Dialect::Spdx).ok()?;
    Some(eval(&node, avoid))
}

/// A package's licenses: the expression, and the evaluation of what is
/// known of them (the unknown entries listed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub expression: Option<String>,
    pub evaluation: Evaluation,
}

/// [`expression`] and the evaluation of the same declared licenses.
pub fn assess(raw: &[String], ecosystem: Ecosystem) -> Assessment {
    assess_with(raw, ecosystem, &|_| false)
}

/// [`assess`] with [`evaluate_with`]'s choice.
pub fn assess_with(
    raw: &[String],
    ecosystem: Ecosystem,
    avoid: &dyn Fn(&str) -> bool,
) -> Assessment {
    let node = combine(raw, ecosystem);
    Assessment {
        expression: node.render(),
        evaluation: eval(&node, avoid),
    }
}

fn eval(node: &Node, avoid: &dyn Fn(&str) -> bool) -> Evaluation {
    match node {
        Node::Leaf { id, exception } => {
            let mut e = Evaluation::default();
            let name = match exception {
                Some(Exception::Known(x)) => format!("{id} WITH {x}"),
                _ => id.clone(),
            };
            match facts(id) {
                Some(f) => {
                    let mut copyleft = f.copyleft;
                    if let Some(Exception::Known(x)) = exception {
                        if facts::LINKING_EXCEPTIONS.contains(x) {
                            copyleft = copyleft.min(Copyleft::Weak);
                        }
                    }
                    e.copyleft = Some(copyleft);
                    e.restrictions = f.restrictions;
                    e.families.push(f.family);
                }
                None => {
                    e.families.extend(family_of(id));
                    e.unknown.push(name.clone());
                }
            }
            if let Some(Exception::Unknown(x)) = exception {
                // Read without it: an exception only adds permissions.
                e.unknown.push(format!("{id} with {x}"));
            }
            if avoid(&name) {
                e.avoided.push(name.clone());
            }
            e.licenses.push(name);
            e
        }
        Node::And(children) => children
            .iter()
            .map(|c| eval(c, avoid))
            .reduce(Evaluation::union)
            .unwrap_or_default(),
        Node::Or(children) => {
            let mut best: Option<Evaluation> = None;
            for e in children.iter().map(|c| eval(c, avoid)) {
                if best.as_ref().is_none_or(|b| e.cost() < b.cost()) {
                    best = Some(e);
                }
            }
            best.unwrap_or_default()
        }
        Node::Hint { family, raw, .. } => Evaluation {
            families: vec![*family],
            unknown: vec![raw.clone()],
            ..Evaluation::default()
        },
        Node::Unknown(raw) => Evaluation {
            unknown: vec![raw.clone()],
            ..Evaluation::default()
        },
    }
}

/// The declared entries as one tree, joined with `AND`, hints settled.
fn combine(raw: &[String], ecosystem: Ecosystem) -> Node {
    let dialect = Dialect::of(ecosystem);
    let mut parts: Vec<Node> = Vec::new();
    let mut budget = MAX_TOTAL_BYTES;
    for (i, entry) in raw.iter().enumerate() {
        let entry = entry.trim();
        if entry.is_empty() || entry.eq_ignore_ascii_case("NOASSERTION") {
            continue;
        }
        if i >= MAX_ENTRIES || entry.len() > budget {
            parts.push(Node::Unknown(format!(
                "({} more declared licenses not read)",
                raw.len() - i
            )));
            break;
        }
        budget -= entry.len();
        let node = normalise::whole(entry, dialect)
            .or_else(|| expr::parse(entry, dialect).ok())
            .unwrap_or_else(|| Node::Unknown(entry.to_owned()));
        parts.push(node);
    }
    if parts.is_empty() {
        return Node::Unknown(String::new());
    }
    let joined = Node::join(true, parts);
    let top: Vec<Node> = match joined {
        Node::And(children) => children,
        other => vec![other],
    };
    // Families named by real licenses at the top level subsume hints there.
    let mut named: Vec<Family> = Vec::new();
    for n in &top {
        leaf_families(n, &mut named);
    }
    // A hint of no family (the `OSI Approved` classifier) beside any license.
    let subsumed = |n: &Node| match n {
        Node::Hint { family, .. } => {
            named.contains(family) || (*family == Family::Other && !named.is_empty())
        }
        _ => false,
    };
    let settled: Vec<Node> = top
        .into_iter()
        .filter(|n| !subsumed(n))
        .map(settle)
        .collect();
    Node::join(true, settled)
}

fn leaf_families(node: &Node, out: &mut Vec<Family>) {
    match node {
        Node::Leaf { id, .. } => out.push(family_of(id).unwrap_or(Family::Other)),
        Node::And(c) | Node::Or(c) => c.iter().for_each(|n| leaf_families(n, out)),
        Node::Hint { .. } | Node::Unknown(_) => {}
    }
}

/// Hints left: the license they stand for, where there is one.
fn settle(node: Node) -> Node {
    match node {
        Node::Hint {
            fallback: Some(f), ..
        } => Node::leaf(f),
        Node::And(c) => Node::join(true, c.into_iter().map(settle).collect()),
        Node::Or(c) => Node::join(false, c.into_iter().map(settle).collect()),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests;
