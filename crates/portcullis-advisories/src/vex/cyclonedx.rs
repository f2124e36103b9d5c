//! CycloneDX 1.4–1.6 BOMs with `vulnerabilities[].analysis` (VEX BOMs, and
//! BOMs with embedded VEX).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::openvex::Notes;
use super::subject::{classify, hash_digest, is_purl, parse_reference, ImageSubject, Subject};
use super::vers::{self, VersionSpec};
use super::{one_of, opt_str, opt_time, Format, Parsed, Product, Statement, Status};

type Obj = Map<String, Value>;

const STATES: &[&str] = &[
    "resolved",
    "resolved_with_pedigree",
    "exploitable",
    "in_triage",
    "false_positive",
    "not_affected",
];

const JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

const RESPONSES: &[&str] = &[
    "can_not_fix",
    "will_not_fix",
    "update",
    "rollback",
    "workaround_available",
];

#[derive(Clone, Copy)]
enum Entry<'a> {
    Component(&'a Obj),
    Service(&'a Obj),
}

struct Bom<'a> {
    /// `serialNumber` without `urn:uuid:`, lower case.
    serial: Option<String>,
    by_ref: HashMap<&'a str, Entry<'a>>,
}

/// What an `affects[].ref` resolves to.
enum Resolved {
    Subjects(Vec<Subject>),
    /// Why it cannot be matched.
    Unmatchable(String),
}

pub(crate) fn parse(bom: &Obj) -> Result<Parsed, String> {
    let serial_number = opt_str(bom, "serialNumber", "the BOM")?;
    let serial = serial_number.as_deref().map(|s| {
        s.strip_prefix("urn:uuid:")
            .unwrap_or(s)
            .to_ascii_lowercase()
    });
    let metadata = match bom.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => return Err("metadata is not an object".to_owned()),
    };
    let doc_time = match metadata {
        Some(m) => opt_time(m, "timestamp", "metadata")?,
        None => None,
    };
    let author = metadata.and_then(author_of);

    let mut index = Bom {
        serial,
        by_ref: HashMap::new(),
    };
    if let Some(c) = metadata.and_then(|m| m.get("component")) {
        collect(c, false, &mut index.by_ref);
    }
    for c in bom
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(c, false, &mut index.by_ref);
    }
    for s in bom
        .get("services")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(s, true, &mut index.by_ref);
    }

    let vulns = match bom.get("vulnerabilities") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err("\"vulnerabilities\" is not an array".to_owned()),
    };
    if vulns.is_empty() {
        return Err("a CycloneDX BOM with no vulnerabilities: it names nothing".to_owned());
    }
    let mut notes = Notes::default();
    let mut statements = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let location = format!("vulnerabilities[{i}]");
        let v = v
            .as_object()
            .ok_or_else(|| format!("{location} is not an object"))?;
        if let Some(s) = vulnerability(v, location, &index, doc_time.as_ref(), &mut notes)? {
            statements.push(s);
        }
    }
    if statements.is_empty() {
        return Err(
            "a CycloneDX BOM none of whose vulnerabilities has an analysis.state: \
             it is not a VEX document and names nothing"
                .to_owned(),
        );
    }
    Ok(Parsed {
        format: Format::CycloneDx,
        id: serial_number,
        author,
        timestamp: doc_time.map(|(s, _)| s),
        statements,
        warnings: notes.warnings,
        unmatched: notes.unmatched,
    })
}

/// `metadata.authors[0].name`, else the manufacturer's (1.6 `manufacturer`,
/// 1.5 `manufacture`), else the supplier's.
fn author_of(m: &Obj) -> Option<String> {
    let name = |v: Option<&Value>| {
        v.and_then(|x| x.get("name"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    name(m.get("authors").and_then(|a| a.get(0)))
        .or_else(|| name(m.get("manufacturer")))
        .or_else(|| name(m.get("manufacture")))
        .or_else(|| name(m.get("supplier")))
}

/// Index components (and services) by `bom-ref`, nested ones too. The
/// first of two with the same `bom-ref` wins (the schema makes them
/// unique). JSON nesting is bounded by the parser's recursion limit.
fn collect<'a>(v: &'a Value, service: bool, out: &mut HashMap<&'a str, Entry<'a>>) {
    let Some(o) = v.as_object() else {
        return;
    };
    if let Some(r) = o.get("bom-ref").and_then(Value::as_str) {
        out.entry(r).or_insert(if service {
            Entry::Service(o)
        } else {
            Entry::Component(o)
        });
    }
    let nested = if service { "services" } else { "components" };
    for c in o
        .get(nested)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(c, service, out);
    }
}

fn vulnerability(
    v: &Obj,
    location: String,
    bom: &Bom<'_>,
    doc_time: Option<&(String, super::time::Instant)>,
    notes: &mut Notes,
) -> Result<Option<Statement>, String> {
    let id = opt_str(v, "id", &location)?
        .ok_or_else(|| format!("{location}: names no vulnerability (no id)"))?;
    let label = format!("{location} ({id})");
    let mut aliases = Vec::new();
    for r in v
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(a) = r.get("id").and_then(Value::as_str).map(str::trim) {
            if !a.is_empty() && a != id && !aliases.iter().any(|x| x == a) {
                aliases.push(a.to_owned());
            }
        }
    }
    let analysis = match v.get("analysis") {
        None | Some(Value::Null) => None,
        Some(Value::Object(a)) => Some(a),
        Some(_) => return Err(format!("{label}: analysis is not an object")),
    };
    let what = format!("{label}: analysis");
    let stated = match analysis {
        Some(a) => opt_str(a, "state", &what)?,
        None => None,
    };
    let (Some(a), Some(stated)) = (analysis, stated) else {
        notes.warnings.push(format!(
            "{label}: no analysis.state, so not a VEX statement; skipped"
        ));
        return Ok(None);
    };
    let status = match stated.as_str() {
        "not_affected" | "false_positive" => Status::NotAffected,
        "resolved" | "resolved_with_pedigree" => Status::Fixed,
        "exploitable" => Status::Affected,
        "in_triage" => Status::UnderInvestigation,
        other => {
            return Err(format!(
                "{label}: analysis.state {other:?} is not a CycloneDX impact analysis state ({})",
                one_of(STATES)
            ))
        }
    };
    let justification = opt_str(a, "justification", &what)?;
    if let Some(j) = &justification {
        if !JUSTIFICATIONS.contains(&j.as_str()) {
            return Err(format!(
                "{label}: analysis.justification {j:?} is not a CycloneDX justification ({})",
                one_of(JUSTIFICATIONS)
            ));
        }
    }
    let detail = opt_str(a, "detail", &what)?;
    if stated == "not_affected" && justification.is_none() && detail.is_none() {
        return Err(format!(
            "{label}: analysis.state not_affected needs an analysis.justification or an analysis.detail"
        ));
    }
    let mut responses = Vec::new();
    match a.get("response") {
        None | Some(Value::Null) => {}
        Some(Value::Array(rs)) => {
            for r in rs {
                let r = r
                    .as_str()
                    .ok_or_else(|| format!("{label}: analysis.response holds a non-string"))?;
                if !RESPONSES.contains(&r) {
                    return Err(format!(
                        "{label}: analysis.response {r:?} is not a CycloneDX response ({})",
                        one_of(RESPONSES)
                    ));
                }
                responses.push(r.to_owned());
            }
        }
        Some(_) => return Err(format!("{label}: analysis.response is not an array")),
    }
    let advice: Vec<String> = [
        opt_str(v, "recommendation", &label)?,
        opt_str(v, "workaround", &label)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    // The vulnerability's own advice is what to do when affected; the
    // analysis' responses are the VEX answer in every state.
    let advice_applies = matches!(status, Status::Affected | Status::UnderInvestigation);
    let action_statement = if advice_applies && !advice.is_empty() {
        Some(advice.join("; "))
    } else if !responses.is_empty() {
        Some(format!("response: {}", responses.join(", ")))
    } else {
        None
    };
    let last_updated = opt_time(a, "lastUpdated", &what)?;
    let first_issued = opt_time(a, "firstIssued", &what)?;
    let (timestamp, time) = match last_updated.or(first_issued).or_else(|| doc_time.cloned()) {
        Some((s, t)) => (Some(s), Some(t)),
        None => (None, None),
    };

    let affects = match v.get("affects") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(x)) => x.as_slice(),
        Some(_) => return Err(format!("{label}: affects is not an array")),
    };
    if affects.is_empty() {
        return Err(format!("{label}: names no product (no affects)"));
    }
    let mut products = Vec::new();
    let mut targets = Vec::new();
    for (k, entry) in affects.iter().enumerate() {
        let what = format!("{label}: affects[{k}]");
        let entry = entry
            .as_object()
            .ok_or_else(|| format!("{what} is not an object"))?;
        let reference =
            opt_str(entry, "ref", &what)?.ok_or_else(|| format!("{what} has no ref"))?;
        let versions = versions(entry, &what, &stated, &mut notes.warnings)?;
        products.push(reference.clone());
        match resolve(&reference, bom).map_err(|e| format!("{what}: {e}"))? {
            Resolved::Subjects(mut ids) => {
                if !versions.is_empty() {
                    // The listed versions decide, not the purl's own.
                    for id in &mut ids {
                        if let Subject::Package(p) = id {
                            p.version = None;
                        }
                    }
                }
                targets.push(Product {
                    ids,
                    subcomponents: Vec::new(),
                    versions,
                });
            }
            Resolved::Unmatchable(why) => {
                notes.unmatched(format!("{what}: ref {reference:?} {why}; left out"));
            }
        }
    }

    Ok(Some(Statement {
        document: 0,
        location,
        statement_id: opt_str(v, "bom-ref", &label)?,
        vulnerability: id,
        aliases,
        status,
        stated_status: stated,
        justification,
        impact_statement: detail,
        action_statement,
        status_notes: None,
        responses,
        timestamp,
        products,
        time,
        targets,
    }))
}

fn versions(
    entry: &Obj,
    what: &str,
    state: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<VersionSpec>, String> {
    let list = match entry.get("versions") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(format!("{what}: versions is not an array")),
    };
    let mut out = Vec::new();
    for (m, v) in list.iter().enumerate() {
        let here = format!("{what}.versions[{m}]");
        let v = v
            .as_object()
            .ok_or_else(|| format!("{here} is not an object"))?;
        let version = opt_str(v, "version", &here)?;
        let range = opt_str(v, "range", &here)?;
        let status = opt_str(v, "status", &here)?;
        match status.as_deref() {
            None | Some("unknown") => {}
            Some("affected")
                if matches!(
                    state,
                    "not_affected" | "false_positive" | "resolved" | "resolved_with_pedigree"
                ) =>
            {
                return Err(format!(
                    "{here}: status affected contradicts analysis.state {state}"
                ))
            }
            Some("unaffected") if state == "exploitable" => {
                return Err(format!(
                    "{here}: status unaffected contradicts analysis.state {state}"
                ))
            }
            Some("affected" | "unaffected") => {}
            Some(other) => {
                return Err(format!(
                    "{here}: status {other:?} is not a CycloneDX version status (affected, unaffected, unknown)"
                ))
            }
        }
        out.push(match (version, range) {
            (Some(v), None) => VersionSpec::Exact(v),
            (None, Some(r)) => {
                let parsed = vers::parse(&r).map_err(|e| format!("{here}: {e}"))?;
                if !parsed.scheme_is_ordered()
                    && parsed.scheme() != "generic"
                    && parsed.has_bounds()
                {
                    warnings.push(format!(
                        "{here}: range {r:?}: {} versions are ordered here only when both are \
                         dot-separated numbers; other versions are not taken as inside",
                        parsed.scheme()
                    ));
                }
                VersionSpec::Range(parsed)
            }
            (Some(_), Some(_)) => return Err(format!("{here} has both a version and a range")),
            (None, None) => return Err(format!("{here} has neither a version nor a range")),
        });
    }
    Ok(out)
}

fn resolve(reference: &str, bom: &Bom<'_>) -> Result<Resolved, String> {
    if let Some(link) = reference.strip_prefix("urn:cdx:") {
        let (doc, fragment) = match link.split_once('#') {
            Some((d, f)) => (d, Some(f)),
            None => (link, None),
        };
        let serial = doc
            .split('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
            return Ok(Resolved::Unmatchable(
                "links to a whole BOM, not a component".to_owned(),
            ));
        };
        if bom.serial.as_deref() == Some(serial.as_str()) {
            // The bom-ref as written, else percent-decoded (BOM-Links may
            // encode it).
            let decoded = percent_decode(fragment);
            return match (local(fragment, bom)?, decoded) {
                (Resolved::Unmatchable(_), Some(d)) => local(&d, bom),
                (found, _) => Ok(found),
            };
        }
        if is_purl(fragment) {
            return classify(fragment).map(|s| Resolved::Subjects(vec![s]));
        }
        return Ok(Resolved::Unmatchable(format!(
            "points into another BOM (urn:cdx:{doc}), which is not loaded"
        )));
    }
    local(reference, bom)
}

fn local(bom_ref: &str, bom: &Bom<'_>) -> Result<Resolved, String> {
    match bom.by_ref.get(bom_ref) {
        Some(Entry::Component(c)) => component(c, bom_ref),
        Some(Entry::Service(s)) => {
            let name = s.get("name").and_then(Value::as_str).unwrap_or("(no name)");
            Ok(Resolved::Unmatchable(format!(
                "names service {name:?}, not a package or an image"
            )))
        }
        None if is_purl(bom_ref) => classify(bom_ref).map(|s| Resolved::Subjects(vec![s])),
        None => Ok(Resolved::Unmatchable(
            "names no component of this BOM".to_owned(),
        )),
    }
}

/// A component's identifiers: its purl; for a `container`, also its name
/// and version as an image reference and its SHA-2 hashes as digests.
fn component(c: &Obj, bom_ref: &str) -> Result<Resolved, String> {
    let what = format!("component {bom_ref:?}");
    let mut ids = Vec::new();
    if let Some(p) = opt_str(c, "purl", &what)? {
        ids.push(classify(&p).map_err(|e| format!("{what}: {e}"))?);
    }
    let name = opt_str(c, "name", &what)?;
    let version = opt_str(c, "version", &what)?;
    if c.get("type").and_then(Value::as_str) == Some("container") {
        if let Some(n) = &name {
            let written = match &version {
                Some(v) if super::subject::digest(v).is_some() => format!("{n}@{v}"),
                Some(v) => format!("{n}:{v}"),
                None => n.clone(),
            };
            ids.push(Subject::Image(match parse_reference(&written) {
                Some(r) => ImageSubject::Ref(r),
                None => ImageSubject::Opaque(n.clone()),
            }));
        }
        for h in c
            .get("hashes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let alg = h.get("alg").and_then(Value::as_str).unwrap_or_default();
            let content = h.get("content").and_then(Value::as_str).unwrap_or_default();
            if let Some(d) = hash_digest(alg, content) {
                ids.push(Subject::Image(ImageSubject::Digest(d)));
            }
        }
    }
    if ids.is_empty() {
        let name = name.as_deref().unwrap_or("(no name)");
        let version = version.map_or_else(String::new, |v| format!(" {v}"));
        return Ok(Resolved::Unmatchable(format!(
            "names component {name:?}{version}, which has no purl"
        )));
    }
    Ok(Resolved::Subjects(ids))
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |x: Option<&u8>| x.and_then(|&c| char::from(c).to_digit(16));
            let byte = hex(b.get(i + 1))? * 16 + hex(b.get(i + 2))?;
            out.push(u8::try_from(byte).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
