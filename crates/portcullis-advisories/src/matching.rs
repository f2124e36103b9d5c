//! An inventory against the advisory database (COMPOSITION.md,
//! "Vulnerabilities"):
//!
//! - OS packages are looked up by their **source** package name in the OSV
//!   ecosystem of the image's release (`Debian:12`, `Alpine:v3.20`,
//!   `Ubuntu:22.04:LTS`, …, chosen from the ecosystems the database holds);
//!   language packages by their ecosystem's name rules
//!   ([`crate::db::normalize_name`]).
//! - Each affected entry is evaluated as the OSV schema says: its events
//!   sorted in the ecosystem's own version order ([`portcullis_versions`]),
//!   `introduced` (`0`: from the start), `fixed`, `last_affected` and
//!   `limit`; an explicit `versions` list also counts. `GIT` ranges need
//!   commits, which an image does not have: only their `versions` list is
//!   used.
//! - The advisories that hit one package are merged into one vulnerability
//!   per (vulnerability, package): records that list each other as aliases
//!   (a GHSA and its CVE), or name a single upstream id (`DEBIAN-CVE-…` of
//!   `CVE-…`), are one; a record naming several upstream CVEs (a DSA fixing
//!   five) joins the vulnerabilities of those CVEs when they were found, and
//!   is its own when not.
//! - The fixed version is the highest that every merged advisory asks for;
//!   the severity is the CVSS base score we compute from the newest vector
//!   version among the merged records (v4.0, then v3.x, then v2), else from
//!   other records of the same CVE in the database (a GHSA scoring the CVE
//!   a Debian record only names), else the ecosystem's own rating (GHSA's
//!   `severity`, Ubuntu's priority, Debian's urgency); none: unknown.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use portcullis_packages::{Ecosystem, InstalledPackage, Inventory, Os};
use portcullis_versions::{compare, Scheme};

use crate::db::{Database, DbStr, Event, MatchEntry, RangeKind, RecordCore};
use crate::vex::{ImageIdentity, VexSet};
use crate::vulnerability::{Class, Epss, Fix, Kev, Severity, VexVerdict, Vulnerability};

/// What the policy file says about which vulnerabilities count.
#[derive(Clone, Copy, Debug, Default)]
pub struct MatchOptions {
    /// Leave out vulnerabilities without a fixed version.
    pub ignore_unfixed: bool,
}

/// What the matcher found for one inventory.
#[derive(Clone, Debug, Default)]
pub struct Matches {
    /// Sorted by package (inventory order), then id.
    pub vulnerabilities: Vec<Vulnerability>,
    /// The inventory index of each vulnerability's package.
    pub packages: Vec<usize>,
    /// What could not be matched, one line each.
    pub notes: Vec<String>,
    /// Unfixed ones left out by [`MatchOptions::ignore_unfixed`].
    pub unfixed_ignored: usize,
}

/// Match every package of `inventory`.
pub fn match_inventory(
    db: &Database,
    inventory: &Inventory,
    vex: &VexSet,
    image: &ImageIdentity,
    options: MatchOptions,
) -> Matches {
    let ecosystems: Vec<&str> = db.ecosystems().collect();
    let os_ecosystems = inventory
        .os
        .as_ref()
        .map(|os| os_ecosystems(os, &ecosystems))
        .unwrap_or_default();
    let mut out = Matches::default();
    let mut uncompared = 0usize;
    // Each ecosystem's string id, searched for once (`None`: not in the
    // file, so no advisories).
    let mut ecosystem_ids: Vec<(String, Option<u32>)> = Vec::new();
    // Reused for every entry decoded.
    let mut entry = MatchEntry::default();
    let mut os_unmatched: BTreeSet<&'static str> = BTreeSet::new();
    for (index, pkg) in inventory.packages.iter().enumerate() {
        let queries = match queries(pkg, &os_ecosystems) {
            Some(q) => q,
            None => {
                if is_os(pkg.ecosystem) {
                    os_unmatched.insert(pkg.ecosystem.purl_type());
                }
                continue;
            }
        };
        let mut hits: Vec<Hit> = Vec::new();
        for query in &queries {
            let Some(scheme) = Scheme::for_osv_ecosystem(&query.ecosystem) else {
                continue;
            };
            let eco = match ecosystem_ids.iter().find(|(e, _)| *e == query.ecosystem) {
                Some(&(_, id)) => id,
                None => {
                    let id = db.string_id(&query.ecosystem);
                    ecosystem_ids.push((query.ecosystem.clone(), id));
                    id
                }
            };
            let Some(eco) = eco else {
                continue;
            };
            let name = crate::db::normalize_name(&query.ecosystem, &query.name);
            let mut installed = Installed {
                text: &query.version,
                id: None,
            };
            let mut entries = db.match_entries(eco, &name);
            while entries.next_into(&mut entry) {
                let affected = &mut entry;
                match evaluate(db, scheme, &mut installed, affected) {
                    Evaluation::Affected { fixed } => {
                        add_hit(
                            &mut hits,
                            Hit {
                                // A record the file does not name (only a
                                // file made to pass its checksum): no id.
                                advisory: db.record_key(affected.record).unwrap_or(DbStr {
                                    id: u32::MAX,
                                    text: "",
                                }),
                                record: affected.record,
                                fixed,
                                scheme,
                                query,
                                ecosystem_specific: affected
                                    .ecosystem_specific
                                    .map(|id| db.string(id)),
                                severity: affected
                                    .severity
                                    .iter()
                                    .map(|&(kind, score)| (db.string(kind), db.string(score)))
                                    .collect(),
                            },
                        );
                    }
                    Evaluation::NotAffected => {}
                    Evaluation::Uncomparable => uncompared += 1,
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        for mut v in merge(db, pkg, hits) {
            if options.ignore_unfixed && matches!(v.fix, Fix::NotFixed { .. }) {
                out.unfixed_ignored += 1;
                continue;
            }
            v.vex = decide_vex(vex, &v, image);
            out.vulnerabilities.push(v);
            out.packages.push(index);
        }
    }
    if uncompared > 0 {
        out.notes.push(format!(
            "{uncompared} advisory ranges could not be evaluated: a version in them, or the installed one, is not valid in its ecosystem's version order"
        ));
    }
    if let Some(os) = &inventory.os {
        if !os_unmatched.is_empty() {
            out.notes.push(format!(
                "no advisories for {} in the database: its {} packages were not matched (`portcullis db update` fetches the distributions portcullis knows)",
                os_name(os),
                os_unmatched.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    } else if !os_unmatched.is_empty() {
        out.notes.push(format!(
            "the image has no /etc/os-release: its {} packages were not matched (advisories are per distribution release)",
            os_unmatched.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    out
}

fn os_name(os: &Os) -> String {
    match &os.version_id {
        Some(v) => format!("{} {v}", os.id),
        None => os.id.clone(),
    }
}

fn is_os(e: Ecosystem) -> bool {
    matches!(e, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)
}

/// One lookup: the ecosystem, the name and the version the advisories use.
struct Query {
    ecosystem: String,
    name: String,
    version: String,
}

/// The OSV ecosystems of the image's release that the database holds.
fn os_ecosystems(os: &Os, known: &[&str]) -> Vec<String> {
    let version = os.version_id.as_deref().unwrap_or("");
    let major = version.split('.').next().unwrap_or("");
    let minor = version.split('.').nth(1).unwrap_or("");
    let ids = std::iter::once(os.id.as_str()).chain(os.id_like.iter().map(String::as_str));
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let wanted: Vec<String> = match id {
            "debian" => vec![format!("Debian:{major}")],
            "alpine" => vec![format!("Alpine:v{major}.{minor}")],
            "wolfi" => vec!["Wolfi".into()],
            "chainguard" => vec!["Chainguard".into()],
            "rocky" => vec![format!("Rocky Linux:{major}")],
            "almalinux" => vec![format!("AlmaLinux:{major}")],
            "mageia" => vec![format!("Mageia:{version}")],
            "opensuse-leap" => vec![format!("openSUSE:Leap {version}")],
            // Ubuntu's are `Ubuntu:22.04:LTS` and `Ubuntu:24.10`. The Pro
            // (ESM) streams are a subscription the image may not have: only
            // for a release with no standard stream left (past its standard
            // support, where Canonical tracks it under Pro alone).
            "ubuntu" => {
                let of = |prefix: &str| -> Vec<String> {
                    known
                        .iter()
                        .filter(|e| {
                            e.strip_prefix(prefix).is_some_and(|r| {
                                r == version || r.starts_with(&format!("{version}:"))
                            })
                        })
                        .map(|e| (*e).to_owned())
                        .collect()
                };
                let standard = of("Ubuntu:");
                if standard.is_empty() {
                    of("Ubuntu:Pro:")
                } else {
                    standard
                }
            }
            // Red Hat's are per product stream: `Red Hat:enterprise_linux:9::baseos`.
            "rhel" => known
                .iter()
                .filter(|e| {
                    e.strip_prefix("Red Hat:enterprise_linux:")
                        .is_some_and(|r| r.split(':').next() == Some(major))
                })
                .map(|e| (*e).to_owned())
                .collect(),
            "sles" | "sled" => known
                .iter()
                .filter(|e| e.starts_with("SUSE:") && e.contains(&format!(" {major} SP{minor}")))
                .map(|e| (*e).to_owned())
                .collect(),
            _ => Vec::new(),
        };
        for e in wanted {
            if known.contains(&e.as_str()) && !out.contains(&e) {
                out.push(e);
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// The OSV ecosystem of a language package.
fn language_ecosystem(e: Ecosystem) -> Option<&'static str> {
    Some(match e {
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Npm => "npm",
        Ecosystem::Golang => "Go",
        Ecosystem::Cargo => "crates.io",
        Ecosystem::Maven => "Maven",
        Ecosystem::Gem => "RubyGems",
        Ecosystem::Composer => "Packagist",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => return None,
    })
}

/// What to look a package up by; `None` when nothing can be (an OS
/// package of a release the database has no advisories for).
fn queries(pkg: &InstalledPackage, os_ecosystems: &[String]) -> Option<Vec<Query>> {
    if let Some(ecosystem) = language_ecosystem(pkg.ecosystem) {
        // A Go main module built from a checkout has no version.
        if pkg.version.is_empty() || pkg.version == "(devel)" {
            return Some(Vec::new());
        }
        // Go's toolchain versions are `go1.19.8`; its advisories write `1.19.8`.
        let version = match (pkg.ecosystem, pkg.name.as_str(), &pkg.namespace) {
            (Ecosystem::Golang, "stdlib", None) => pkg
                .version
                .strip_prefix("go")
                .unwrap_or(&pkg.version)
                .to_owned(),
            _ => pkg.version.clone(),
        };
        return Some(vec![Query {
            ecosystem: ecosystem.to_owned(),
            name: advisory_name(pkg),
            version,
        }]);
    }
    if os_ecosystems.is_empty() {
        return None;
    }
    let source = pkg.source.as_ref();
    let mut out = Vec::new();
    for ecosystem in os_ecosystems {
        match pkg.ecosystem {
            // Debian, Ubuntu and Alpine advisories name source packages,
            // at the source version (a binNMU `+b1` is not the source's).
            Ecosystem::Deb | Ecosystem::Apk => out.push(Query {
                ecosystem: ecosystem.clone(),
                name: source.map_or(&pkg.name, |s| &s.name).clone(),
                version: source
                    .and_then(|s| s.version.clone())
                    .unwrap_or_else(|| pkg.version.clone()),
            }),
            // Red Hat and its rebuilds name binary packages (and some the
            // source): both, the same version.
            _ => {
                out.push(Query {
                    ecosystem: ecosystem.clone(),
                    name: pkg.name.clone(),
                    version: pkg.version.clone(),
                });
                if let Some(s) = source.filter(|s| s.name != pkg.name) {
                    out.push(Query {
                        ecosystem: ecosystem.clone(),
                        name: s.name.clone(),
                        version: pkg.version.clone(),
                    });
                }
            }
        }
    }
    Some(out)
}

/// The package's name as advisories of its ecosystem write it.
fn advisory_name(pkg: &InstalledPackage) -> String {
    match (&pkg.namespace, pkg.ecosystem) {
        (Some(ns), Ecosystem::Maven) => format!("{ns}:{}", pkg.name),
        (Some(ns), Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Composer) => {
            format!("{ns}/{}", pkg.name)
        }
        _ => pkg.name.clone(),
    }
}

enum Evaluation {
    Affected {
        fixed: Option<String>,
    },
    NotAffected,
    /// A version of the range, or the installed one, is not valid in the
    /// scheme.
    Uncomparable,
}

/// The installed version of a query, and its id in the database's string
/// table (looked up once, when an entry first lists versions; `Some(None)`:
/// the table does not hold it, so no listed version is spelt so).
struct Installed<'q> {
    text: &'q str,
    id: Option<Option<u32>>,
}

/// Whether the installed version is in the affected entry, and the fix of
/// the range it is in.
fn evaluate(
    db: &Database,
    scheme: Scheme,
    installed: &mut Installed<'_>,
    affected: &mut MatchEntry<'_>,
) -> Evaluation {
    let version = installed.text;
    let mut uncomparable = false;
    // Distribution versions are listed as the package manager writes them;
    // language ones may be spelt otherwise (`1.0` is PEP 440's `1.0.0`).
    let spelt_alike = matches!(
        scheme,
        Scheme::Dpkg | Scheme::Rpm | Scheme::Apk | Scheme::SemVer | Scheme::Cargo
    );
    let listed = !affected.version_ids.is_empty() && {
        // Strings are unique in the table: the same spelling is the same id.
        let id = *installed.id.get_or_insert_with(|| db.string_id(version));
        affected.version_ids.iter().any(|&v| {
            Some(v) == id
                || (!spelt_alike && compare(scheme, db.string(v), version) == Ok(Ordering::Equal))
        })
    };
    if listed {
        // The ranges may still say which version fixed it.
        let fixed = affected.ranges.iter().find_map(|&(kind, start, end)| {
            match range(scheme, version, kind, &mut affected.events[start..end]) {
                Ok(Some(fixed)) => fixed,
                _ => None,
            }
        });
        return Evaluation::Affected { fixed };
    }
    for &(kind, start, end) in &affected.ranges {
        match range(scheme, version, kind, &mut affected.events[start..end]) {
            Ok(Some(fixed)) => return Evaluation::Affected { fixed },
            Ok(None) => {}
            Err(()) => uncomparable = true,
        }
    }
    if uncomparable {
        Evaluation::Uncomparable
    } else {
        Evaluation::NotAffected
    }
}

/// One range: `Ok(Some(fix))` when `version` is affected (`fix`: the next
/// `fixed` event above it, if the range has one), `Ok(None)` when not,
/// `Err` when a version cannot be compared.
fn range(
    scheme: Scheme,
    version: &str,
    kind: RangeKind,
    events: &mut [Event<'_>],
) -> Result<Option<Option<String>>, ()> {
    let scheme = match kind {
        RangeKind::Git => return Ok(None),
        // SEMVER ranges are SemVer 2.0; Go and npm write theirs so, with
        // their own leniencies (a `v`, `+incompatible`).
        RangeKind::Semver => match scheme {
            Scheme::Go | Scheme::Npm | Scheme::Cargo => scheme,
            _ => Scheme::SemVer,
        },
        RangeKind::Ecosystem => scheme,
    };
    let cmp = |a: &str, b: &str| compare(scheme, a, b).map_err(|_| ());
    // The events in version order, sorted where they were decoded (each
    // range is evaluated once); `introduced: 0` first.
    fn key<'e>(e: &Event<'e>) -> (Option<&'e str>, u8) {
        match *e {
            Event::Introduced("0") => (None, 0),
            Event::Introduced(v) => (Some(v), 0),
            Event::Fixed(v) => (Some(v), 1),
            Event::LastAffected(v) => (Some(v), 2),
            Event::Limit(v) => (Some(v), 3),
        }
    }
    // No separate validity checks: a version of the range or the installed
    // one that the scheme rejects fails the comparisons below.
    events.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        match (a.0, b.0) {
            (None, None) => a.1.cmp(&b.1),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => cmp(x, y).unwrap_or(Ordering::Equal).then(a.1.cmp(&b.1)),
        }
    });
    let mut affected = false;
    let mut limited = false;
    for e in events.iter() {
        let v = key(e).0;
        let at_or_above = |bound: &str| cmp(version, bound).map(|o| o != Ordering::Less);
        match e {
            Event::Introduced(_) => {
                if v.is_none() || at_or_above(v.unwrap_or_default())? {
                    affected = true;
                }
            }
            Event::Fixed(bound) => {
                if at_or_above(bound)? {
                    affected = false;
                }
            }
            Event::LastAffected(bound) => {
                if cmp(version, bound)? == Ordering::Greater {
                    affected = false;
                }
            }
            Event::Limit(bound) => {
                if at_or_above(bound)? {
                    limited = true;
                }
            }
        }
    }
    if !affected || limited {
        return Ok(None);
    }
    // The fix: the first `fixed` above the installed version.
    let fix = events.iter().find_map(|e| match e {
        Event::Fixed(bound) if cmp(version, bound) == Ok(Ordering::Less) => {
            Some((*bound).to_owned())
        }
        _ => None,
    });
    Ok(Some(fix))
}

/// An advisory that hit a package (borrowed from the database and the
/// package's queries).
struct Hit<'a> {
    advisory: DbStr<'a>,
    /// The record's place in the file.
    record: usize,
    fixed: Option<String>,
    scheme: Scheme,
    query: &'a Query,
    ecosystem_specific: Option<&'a str>,
    severity: Vec<(&'a str, &'a str)>,
}

/// The same advisory twice (a record naming the package in two entries, an
/// rpm found by binary and source name): one hit, the higher fix.
fn add_hit<'a>(hits: &mut Vec<Hit<'a>>, hit: Hit<'a>) {
    if let Some(old) = hits.iter_mut().find(|h| h.advisory == hit.advisory) {
        old.fixed = higher(hit.scheme, old.fixed.take(), hit.fixed);
        return;
    }
    hits.push(hit);
}

/// The higher of two fixes; a fix over none.
fn higher(scheme: Scheme, a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if compare(scheme, &a, &b) == Ok(Ordering::Less) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// The hits of one package, merged into vulnerabilities.
fn merge(db: &Database, pkg: &InstalledPackage, hits: Vec<Hit<'_>>) -> Vec<Vulnerability> {
    // Each hit's record as the file keeps it in memory: ids, aliases,
    // severities, and the text a finding shows (nothing decompressed).
    let cores: Vec<Option<RecordCore<'_>>> =
        hits.iter().map(|h| db.record_core(h.record)).collect();
    // The ids each hit joins on: its own, its aliases, a single upstream.
    let mut ids_of: Vec<BTreeSet<DbStr<'_>>> = Vec::with_capacity(hits.len());
    let mut several_upstream: Vec<&[DbStr<'_>]> = Vec::with_capacity(hits.len());
    for (hit, core) in hits.iter().zip(&cores) {
        let mut ids = BTreeSet::from([hit.advisory]);
        let mut upstream: &[DbStr<'_>] = &[];
        if let Some(core) = core {
            ids.extend(core.aliases.iter().copied());
            if core.upstream.len() == 1 {
                ids.extend(core.upstream.iter().copied());
            } else {
                upstream = &core.upstream;
            }
        }
        ids_of.push(ids);
        several_upstream.push(upstream);
    }
    // Union-find over hits that share an id.
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut by_id: BTreeMap<DbStr<'_>, usize> = BTreeMap::new();
    for (i, ids) in ids_of.iter().enumerate() {
        if !several_upstream[i].is_empty() {
            continue;
        }
        for &id in ids {
            match by_id.get(&id) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    by_id.insert(id, i);
                }
            }
        }
    }
    // A record naming several upstream ids joins the groups holding them.
    let mut joins: Vec<Vec<usize>> = vec![Vec::new(); hits.len()];
    for (i, upstream) in several_upstream.iter().enumerate() {
        if upstream.is_empty() {
            continue;
        }
        let targets: BTreeSet<usize> = upstream
            .iter()
            .filter_map(|u| by_id.get(u).copied())
            .map(|j| root(&mut parent, j))
            .collect();
        if targets.is_empty() {
            continue;
        }
        for t in targets {
            joins[t].push(i);
        }
        parent[i] = usize::MAX;
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..hits.len() {
        if parent[i] == usize::MAX {
            continue;
        }
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let merged = Merged {
        hits: &hits,
        cores: &cores,
        ids_of: &ids_of,
        several_upstream: &several_upstream,
    };
    let mut out: Vec<Vulnerability> = groups
        .into_iter()
        .map(|(r, mut members)| {
            let joined = &joins[r];
            members.extend(joined.iter().copied());
            group(db, pkg, &merged, &members, joined)
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// A package's hits and what [`merge`] found of each.
struct Merged<'m, 'a> {
    hits: &'m [Hit<'a>],
    cores: &'m [Option<RecordCore<'a>>],
    ids_of: &'m [BTreeSet<DbStr<'a>>],
    several_upstream: &'m [&'m [DbStr<'a>]],
}

fn group(
    db: &Database,
    pkg: &InstalledPackage,
    merged: &Merged<'_, '_>,
    members: &[usize],
    joined: &[usize],
) -> Vulnerability {
    let hits = merged.hits;
    let mut ids: BTreeSet<DbStr<'_>> = BTreeSet::new();
    for &m in members {
        if joined.contains(&m) {
            // A DSA joining: its own id, not all the CVEs it fixes.
            ids.insert(hits[m].advisory);
        } else {
            ids.extend(merged.ids_of[m].iter().copied());
            ids.extend(merged.several_upstream[m].iter().copied());
        }
    }
    let primary: DbStr<'_> = ids
        .iter()
        .find(|id| id.text.starts_with("CVE-"))
        .or_else(|| ids.iter().find(|id| id.text.starts_with("GHSA-")))
        .copied()
        .unwrap_or(hits[members[0]].advisory);
    let aliases: Vec<String> = ids
        .iter()
        .filter(|id| **id != primary)
        .map(|id| id.text.to_owned())
        .collect();
    let mut matched: Vec<&str> = members.iter().map(|&m| hits[m].advisory.text).collect();
    matched.sort_unstable();
    matched.dedup();
    let first = &hits[members[0]];
    let scheme = first.scheme;
    // Fixed when every merged advisory names a fix: the highest of them.
    let fixes: Vec<Option<String>> = members
        .iter()
        .filter(|m| !joined.contains(m))
        .map(|&m| hits[m].fixed.clone())
        .collect();
    let fix = if !fixes.is_empty() && fixes.iter().all(Option::is_some) {
        let version = fixes
            .into_iter()
            .fold(None, |acc, f| higher(scheme, acc, f))
            .unwrap_or_default();
        Fix::Fixed { version }
    } else {
        Fix::NotFixed {
            note: members
                .iter()
                .find_map(|&m| distribution_note(&hits[m], merged.cores[m].as_ref())),
        }
    };
    let member_cores: Vec<&RecordCore<'_>> = members
        .iter()
        .filter_map(|&m| merged.cores[m].as_ref())
        .collect();
    let severity = severity(db, primary, &ids, hits, members, &member_cores);
    let cves: Vec<&str> = ids
        .iter()
        .map(|id| id.text)
        .filter(|id| id.starts_with("CVE-"))
        .collect();
    let kev = cves.iter().find_map(|cve| {
        db.kev(cve).map(|k| Kev {
            cve: (*cve).to_owned(),
            date_added: k.date_added,
            due_date: Some(k.due_date).filter(|d| !d.is_empty()),
            ransomware: k.known_ransomware,
            required_action: Some(k.required_action).filter(|a| !a.is_empty()),
        })
    });
    let epss = cves
        .iter()
        .filter_map(|cve| db.epss(cve))
        .map(|(score, percentile)| Epss { score, percentile })
        .max_by(|a, b| a.score.total_cmp(&b.score));
    // The text of the first record that has a summary (most have one);
    // else the first sentence of the details. Each from the record's
    // display frame, read only now.
    let (mut summary, mut url, mut sentence) = (None, None, None);
    for a in &member_cores {
        let Some(shown) = db.record_display(a.index) else {
            continue;
        };
        if url.is_none() {
            url = shown.url;
        }
        if sentence.is_none() {
            sentence = shown.sentence;
        }
        summary = shown.summary.filter(|s| !s.trim().is_empty());
        if summary.is_some() {
            break;
        }
    }
    let summary = summary.or(sentence);
    Vulnerability {
        id: primary.text.to_owned(),
        aliases,
        advisories: matched.into_iter().map(str::to_owned).collect(),
        package: pkg.id.clone(),
        purl: pkg.purl.clone(),
        advisory_package: first.query.name.clone(),
        ecosystem: first.query.ecosystem.clone(),
        installed: first.query.version.clone(),
        fix,
        severity,
        kev,
        epss,
        summary,
        url,
        vex: None,
    }
}

/// The first sentence of a record's details, shown for a record without a
/// summary (computed when the database is written).
pub(crate) fn first_sentence(details: &str) -> Option<String> {
    let line = details.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(match line.find(". ") {
        Some(end) => line[..=end].trim().to_owned(),
        None => line.to_owned(),
    })
}

/// The reference a finding links to: the first `ADVISORY`, else the first
/// (computed when the database is written).
pub(crate) fn reference_url(references: &[(String, String)]) -> Option<&str> {
    references
        .iter()
        .find(|(kind, _)| kind == "ADVISORY")
        .or_else(|| references.first())
        .map(|(_, url)| url.as_str())
}

/// The keys of a distribution's JSON whose words are its status.
const STATUS_KEYS: [&str; 6] = [
    "status",
    "urgency",
    "nodsa",
    "no_dsa",
    "nodsa_reason",
    "reason",
];

/// What matching reads of a record's `database_specific` (its status words
/// and GHSA's `severity`), as compact JSON, kept in the record's in-memory
/// part when the database is written; `None` when it has none of them.
pub(crate) fn record_facts(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let object = value.as_object()?;
    let kept: serde_json::Map<String, serde_json::Value> = STATUS_KEYS
        .iter()
        .chain(&["severity"])
        .filter_map(|&k| {
            let v = object.get(k).filter(|v| v.is_string())?;
            Some((k.to_owned(), v.clone()))
        })
        .collect();
    (!kept.is_empty()).then(|| serde_json::Value::Object(kept).to_string())
}

/// What a distribution says of an unfixed vulnerability, from the
/// affected entry's `ecosystem_specific` (Debian's `urgency`, statuses).
fn distribution_note(hit: &Hit<'_>, core: Option<&RecordCore<'_>>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(json) = hit.ecosystem_specific {
        statuses(json, &mut parts);
    }
    // Else the record's own `database_specific` (its status words, kept
    // with the record).
    if parts.is_empty() {
        if let Some(json) = core.and_then(|c| c.facts) {
            statuses(json, &mut parts);
        }
    }
    if parts.is_empty() {
        return None;
    }
    let ecosystem = &hit.query.ecosystem;
    let distribution = ecosystem.split(':').next().unwrap_or(ecosystem);
    Some(format!("{distribution}: {}", parts.join(", ")))
}

/// The status words of a distribution's JSON (`urgency: unimportant`).
fn statuses(json: &str, parts: &mut Vec<String>) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return;
    };
    for key in STATUS_KEYS {
        if let Some(text) = value.get(key).and_then(|v| v.as_str()) {
            let text = text.trim();
            if !text.is_empty() && !parts.iter().any(|p| p.ends_with(text)) {
                parts.push(format!("{key}: {text}"));
            }
        }
    }
}

/// The severity: vectors of the merged records, newest CVSS version first;
/// else those of other records of the same CVE; else a rating.
fn severity(
    db: &Database,
    primary: DbStr<'_>,
    ids: &BTreeSet<DbStr<'_>>,
    hits: &[Hit<'_>],
    members: &[usize],
    cores: &[&RecordCore<'_>],
) -> Severity {
    // (kind, vector, advisory)
    let mut own: Vec<(&str, &str, &str)> = Vec::new();
    for &m in members {
        for &(kind, score) in &hits[m].severity {
            own.push((kind, score, hits[m].advisory.text));
        }
    }
    for a in cores {
        for &(kind, score) in &a.severity {
            own.push((kind, score, a.id.text));
        }
    }
    if let Some(s) = scored(&own) {
        return s;
    }
    // Other records of the same vulnerability (a GHSA or Ubuntu record
    // scoring the CVE a Debian or Alpine record only names).
    let mut others: Vec<(&str, &str, &str)> = Vec::new();
    let mut related: Vec<RecordCore<'_>> = Vec::new();
    let mut seen: BTreeSet<DbStr<'_>> = members.iter().map(|&m| hits[m].advisory).collect();
    // By the ids' string ids: no search of the string table.
    for id in std::iter::once(primary).chain(ids.iter().copied()) {
        for (record, related_id) in db.related_keyed(id) {
            if !seen.insert(related_id) {
                continue;
            }
            if let Some(a) = db.record_scores(record) {
                for &(kind, score) in &a.severity {
                    others.push((kind, score, a.id.text));
                }
                related.push(a);
            }
        }
        if related.len() > 64 {
            break;
        }
    }
    if let Some(s) = scored(&others) {
        return s;
    }
    // Ratings: an `Ubuntu` severity, GHSA's `database_specific.severity`
    // (kept with the record), Debian's urgency of the affected entry.
    let mut ratings: Vec<(String, &str)> = cores
        .iter()
        .copied()
        .chain(related.iter())
        .filter_map(rating)
        .collect();
    for &m in members {
        if let Some(label) = hits[m].ecosystem_specific.and_then(urgency) {
            ratings.push((label, hits[m].advisory.text));
        }
    }
    ratings
        .into_iter()
        .filter_map(|(label, from)| {
            let class = class_of_label(&label)?;
            Some(Severity {
                class,
                score: None,
                vector: None,
                source: Some(format!("{label} rating of {from}")),
            })
        })
        .max_by_key(|s| s.class)
        .unwrap_or(Severity {
            class: Class::Unknown,
            score: None,
            vector: None,
            source: None,
        })
}

/// The best-scored vector of `(kind, vector, advisory)`: CVSS v4.0 before
/// v3.x before v2; among equals the highest score.
fn scored(vectors: &[(&str, &str, &str)]) -> Option<Severity> {
    let mut best: Option<(u8, f64, &str, &str)> = None;
    for &(kind, vector, from) in vectors {
        let rank = match kind {
            "CVSS_V4" => 3,
            "CVSS_V3" => 2,
            "CVSS_V2" => 1,
            _ => continue,
        };
        let Ok((_, score)) = crate::cvss::base_score(vector) else {
            continue;
        };
        if best.is_none_or(|(r, s, _, _)| (rank, score) > (r, s)) {
            best = Some((rank, score, vector, from));
        }
    }
    best.map(|(_, score, vector, from)| Severity {
        class: Class::of_score(score),
        score: Some(score),
        vector: Some(vector.to_owned()),
        source: Some(from.to_owned()),
    })
}

/// A record's own rating (label, record): an `Ubuntu` severity entry, else
/// GHSA's `database_specific.severity`.
fn rating<'a>(a: &RecordCore<'a>) -> Option<(String, &'a str)> {
    if let Some(&(_, score)) = a.severity.iter().find(|(kind, _)| *kind == "Ubuntu") {
        return Some((score.to_owned(), a.id.text));
    }
    let value: serde_json::Value = serde_json::from_str(a.facts?).ok()?;
    let label = value.get("severity")?.as_str()?;
    Some((label.to_owned(), a.id.text))
}

/// Debian's urgency of an affected entry.
fn urgency(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(value.get("urgency")?.as_str()?.to_owned())
}

/// A rating's class: GHSA `CRITICAL/HIGH/MODERATE/LOW`, Ubuntu
/// `critical/high/medium/low/negligible`, Debian `high/medium/low/unimportant`.
fn class_of_label(label: &str) -> Option<Class> {
    Some(match label.trim().to_ascii_lowercase().as_str() {
        "critical" => Class::Critical,
        "high" | "important" => Class::High,
        "medium" | "moderate" => Class::Medium,
        "low" | "negligible" | "unimportant" => Class::Low,
        _ => return None,
    })
}

fn decide_vex(vex: &VexSet, v: &Vulnerability, image: &ImageIdentity) -> Option<VexVerdict> {
    let ids: Vec<&str> = std::iter::once(v.id.as_str())
        .chain(v.aliases.iter().map(String::as_str))
        .collect();
    let d = vex.decide(&ids, &v.purl, image)?;
    Some(VexVerdict {
        status: d.status.as_str().to_owned(),
        justification: d.justification.map(str::to_owned),
        impact: d.impact_statement.map(str::to_owned),
        action: d.action_statement.map(str::to_owned),
        document: d.document.display().to_string(),
    })
}
