//! OpenVEX documents (v0.2.0 and the v0.0.1 shapes), bare or as the
//! predicate of an in-toto attestation, itself bare or in a DSSE envelope.

use serde_json::{Map, Value};

use super::subject::{self, classify, ImageSubject, Subject};
use super::{one_of, opt_str, opt_time, Format, Parsed, Product, Statement, Status};

type Obj = Map<String, Value>;

const STATUSES: &[&str] = &["not_affected", "affected", "fixed", "under_investigation"];

const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

fn is_context(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("https://openvex.dev/ns") || s.starts_with("http://openvex.dev/ns")
}

/// An `@context` of `https://openvex.dev/ns…` (a string, or a JSON-LD
/// list holding one).
pub(crate) fn is_openvex(obj: &Obj) -> bool {
    match obj.get("@context") {
        Some(Value::String(s)) => is_context(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(is_context),
        _ => false,
    }
}

/// Warnings, and the reasons products were left out.
#[derive(Default)]
pub(crate) struct Notes {
    pub(crate) warnings: Vec<String>,
    pub(crate) unmatched: Vec<String>,
}

impl Notes {
    pub(crate) fn unmatched(&mut self, why: String) {
        self.warnings.push(why.clone());
        self.unmatched.push(why);
    }
}

/// A product an encapsulating document names (an in-toto subject).
pub(crate) struct Inherited {
    ids: Vec<Subject>,
    display: String,
}

pub(crate) fn parse(doc: &Obj, inherited: &[Inherited]) -> Result<Parsed, String> {
    let id = opt_str(doc, "@id", "the document")?;
    let author = opt_str(doc, "author", "the document")?;
    let doc_time = opt_time(doc, "timestamp", "the document")?;
    let statements = match doc.get("statements") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(_) => return Err("\"statements\" is not an array".to_owned()),
    };
    if statements.is_empty() {
        return Err("an OpenVEX document with no statements: it names nothing".to_owned());
    }
    let mut notes = Notes::default();
    let mut out = Vec::with_capacity(statements.len());
    for (i, value) in statements.into_iter().enumerate() {
        let location = format!("statements[{i}]");
        let st = value
            .as_object()
            .ok_or_else(|| format!("{location} is not an object"))?;
        out.push(statement(
            st,
            location,
            doc_time.as_ref(),
            inherited,
            &mut notes,
        )?);
    }
    Ok(Parsed {
        format: Format::OpenVex,
        id,
        author,
        timestamp: doc_time.map(|(s, _)| s),
        statements: out,
        warnings: notes.warnings,
        unmatched: notes.unmatched,
    })
}

fn statement(
    st: &Obj,
    location: String,
    doc_time: Option<&(String, super::time::Instant)>,
    inherited: &[Inherited],
    notes: &mut Notes,
) -> Result<Statement, String> {
    // The vulnerability: an object (v0.2.0) or a string (v0.0.1).
    let (vulnerability, aliases) = match st.get("vulnerability") {
        Some(Value::String(s)) if !s.trim().is_empty() => (s.trim().to_owned(), Vec::new()),
        Some(Value::Object(v)) => {
            let name =
                opt_str(v, "name", &format!("{location}.vulnerability"))?.ok_or_else(|| {
                    format!("{location}: names no vulnerability (no vulnerability.name)")
                })?;
            let aliases = match v.get("aliases") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str().map(|s| s.trim().to_owned()).ok_or_else(|| {
                            format!("{location}: vulnerability.aliases holds a non-string")
                        })
                    })
                    .filter(|r| r.as_ref().map_or(true, |s| !s.is_empty()))
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(format!("{location}: vulnerability.aliases is not an array"))
                }
            };
            (name, aliases)
        }
        None | Some(Value::Null) | Some(Value::String(_)) => {
            return Err(format!("{location}: names no vulnerability"))
        }
        Some(_) => {
            return Err(format!(
                "{location}: vulnerability is neither an object nor a string"
            ))
        }
    };
    let label = format!("{location} ({vulnerability})");

    let stated = opt_str(st, "status", &label)?.ok_or_else(|| format!("{label}: has no status"))?;
    let status = match stated.as_str() {
        "not_affected" => Status::NotAffected,
        "affected" => Status::Affected,
        "fixed" => Status::Fixed,
        "under_investigation" => Status::UnderInvestigation,
        other => {
            return Err(format!(
                "{label}: status {other:?} is not an OpenVEX status ({})",
                one_of(STATUSES)
            ))
        }
    };
    let justification = opt_str(st, "justification", &label)?;
    if let Some(j) = &justification {
        if !JUSTIFICATIONS.contains(&j.as_str()) {
            return Err(format!(
                "{label}: justification {j:?} is not an OpenVEX justification ({})",
                one_of(JUSTIFICATIONS)
            ));
        }
    }
    let impact_statement = opt_str(st, "impact_statement", &label)?;
    let action_statement = opt_str(st, "action_statement", &label)?;
    let status_notes = opt_str(st, "status_notes", &label)?;
    if status == Status::NotAffected && justification.is_none() && impact_statement.is_none() {
        return Err(format!(
            "{label}: status not_affected needs a justification or an impact_statement"
        ));
    }
    if status == Status::Affected && action_statement.is_none() {
        notes.warnings.push(format!(
            "{label}: status affected without the action_statement OpenVEX requires"
        ));
    }
    let own_time = opt_time(st, "timestamp", &label)?;
    let (timestamp, time) = match own_time.or_else(|| doc_time.cloned()) {
        Some((s, t)) => (Some(s), Some(t)),
        None => (None, None),
    };

    // v0.0.1: subcomponents at the statement level, for each product.
    let shared_subcomponents = match st.get("subcomponents") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            let mut subs = Vec::new();
            for (k, v) in a.iter().enumerate() {
                let what = format!("{label}: subcomponents[{k}]");
                subs.push(subcomponent(v, &what, notes)?);
            }
            subs
        }
        Some(_) => return Err(format!("{label}: subcomponents is not an array")),
    };

    let mut targets = Vec::new();
    let mut products = Vec::new();
    let listed = match st.get("products") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(format!("{label}: products is not an array")),
    };
    for (k, v) in listed.iter().enumerate() {
        let what = format!("{label}: products[{k}]");
        let (ids, display) = component(v, &what, notes)?;
        let mut subcomponents = shared_subcomponents.clone();
        if let Some(subs) = v.as_object().and_then(|o| o.get("subcomponents")) {
            let subs = match subs {
                Value::Null => &[][..],
                Value::Array(a) => a.as_slice(),
                _ => return Err(format!("{what}.subcomponents is not an array")),
            };
            for (m, sv) in subs.iter().enumerate() {
                let sub_what = format!("{what}.subcomponents[{m}]");
                subcomponents.push(subcomponent(sv, &sub_what, notes)?);
            }
        }
        products.extend(display);
        if !ids.is_empty() {
            targets.push(Product {
                ids,
                subcomponents,
                versions: Vec::new(),
            });
        }
    }
    if listed.is_empty() {
        if inherited.is_empty() {
            return Err(format!("{label}: names no product"));
        }
        for subject in inherited {
            products.push(subject.display.clone());
            targets.push(Product {
                ids: subject.ids.clone(),
                subcomponents: shared_subcomponents.clone(),
                versions: Vec::new(),
            });
        }
    }

    Ok(Statement {
        document: 0,
        location,
        statement_id: opt_str(st, "@id", &label)?,
        vulnerability,
        aliases,
        status,
        stated_status: stated,
        justification,
        impact_statement,
        action_statement,
        status_notes,
        responses: Vec::new(),
        timestamp,
        products,
        time,
        targets,
    })
}

/// A subcomponent: only package purls can be matched (it is a package of
/// the product); one without is kept, matching nothing, with a warning.
fn subcomponent(v: &Value, what: &str, notes: &mut Notes) -> Result<Vec<Subject>, String> {
    let (ids, display) = component(v, what, notes)?;
    if !ids.iter().any(|s| matches!(s, Subject::Package(_))) && !ids.is_empty() {
        notes.warnings.push(format!(
            "{what} ({}) is not a package purl, so it matches no package",
            display.join(", ")
        ));
    }
    Ok(ids)
}

/// One product or subcomponent: a string (v0.0.1) or an object with
/// `@id`, `identifiers` (`purl`; `cpe22`/`cpe23` are not matched) and
/// `hashes`. The identifiers that can be matched, and the strings to show.
fn component(
    v: &Value,
    what: &str,
    notes: &mut Notes,
) -> Result<(Vec<Subject>, Vec<String>), String> {
    let mut ids = Vec::new();
    let mut display = Vec::new();
    let mut add = |s: &str, ids: &mut Vec<Subject>| -> Result<(), String> {
        ids.push(classify(s).map_err(|e| format!("{what}: {e}"))?);
        if !display.iter().any(|d| d == s) {
            display.push(s.to_owned());
        }
        Ok(())
    };
    match v {
        Value::String(s) if !s.trim().is_empty() => add(s.trim(), &mut ids)?,
        Value::Object(o) => {
            let id = opt_str(o, "@id", what)?;
            if let Some(id) = &id {
                add(id, &mut ids)?;
            }
            let mut cpes = Vec::new();
            let identifiers = match o.get("identifiers") {
                None | Some(Value::Null) => None,
                Some(Value::Object(i)) => Some(i),
                Some(_) => return Err(format!("{what}: identifiers is not an object")),
            };
            if let Some(i) = identifiers {
                if let Some(p) = opt_str(i, "purl", &format!("{what}.identifiers"))? {
                    add(&p, &mut ids)?;
                }
                for key in ["cpe23", "cpe22"] {
                    if let Some(c) = opt_str(i, key, &format!("{what}.identifiers"))? {
                        cpes.push(c);
                    }
                }
            }
            let hashes = match o.get("hashes") {
                None | Some(Value::Null) => None,
                Some(Value::Object(h)) => Some(h),
                Some(_) => return Err(format!("{what}: hashes is not an object")),
            };
            let mut hash_count = 0;
            for (alg, hex) in hashes.into_iter().flatten() {
                hash_count += 1;
                if let Some(d) = hex.as_str().and_then(|h| subject::hash_digest(alg, h)) {
                    ids.push(Subject::Image(ImageSubject::Digest(d)));
                }
            }
            if id.is_none() && identifiers.is_none_or(|i| i.is_empty()) && hash_count == 0 {
                return Err(format!("{what} has no @id, identifiers or hashes"));
            }
            if ids.is_empty() {
                if let Some(c) = cpes.first() {
                    display.push(c.clone());
                    notes.unmatched(format!(
                        "{what} is identified only by CPE ({c}), which is not matched; left out"
                    ));
                } else {
                    notes.unmatched(format!(
                        "{what} has no identifier that can be matched; left out"
                    ));
                }
            }
        }
        _ => return Err(format!("{what} is neither a string nor an object")),
    }
    Ok((ids, display))
}

/// An in-toto attestation with an OpenVEX predicate, or a DSSE envelope
/// holding one. `Ok(None)`: not one of those.
pub(crate) fn parse_attestation(obj: &Obj, depth: u8) -> Result<Option<Parsed>, String> {
    if let Some(payload_type) = obj.get("payloadType").and_then(Value::as_str) {
        if depth > 0 || payload_type != "application/vnd.in-toto+json" {
            return Ok(None);
        }
        let payload = obj
            .get("payload")
            .and_then(Value::as_str)
            .ok_or("a DSSE envelope without a payload")?;
        let bytes = base64(payload).ok_or("a DSSE envelope whose payload is not base64")?;
        let inner: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("a DSSE envelope whose payload is not JSON: {e}"))?;
        let Some(inner) = inner.as_object() else {
            return Err("a DSSE envelope whose payload is not an in-toto statement".into());
        };
        let Some(mut parsed) = parse_attestation(inner, depth + 1)? else {
            return Err("a DSSE envelope whose payload is not an OpenVEX attestation".into());
        };
        parsed.warnings.insert(
            0,
            "a DSSE envelope: its signatures are not verified".to_owned(),
        );
        return Ok(Some(parsed));
    }
    let is_statement = obj
        .get("_type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("https://in-toto.io/Statement"));
    let vex_predicate = obj
        .get("predicateType")
        .and_then(Value::as_str)
        .is_some_and(is_context);
    if !(is_statement && vex_predicate) {
        return Ok(None);
    }
    let predicate = obj
        .get("predicate")
        .and_then(Value::as_object)
        .ok_or("an OpenVEX attestation without a predicate object")?;
    let mut inherited = Vec::new();
    for (i, s) in obj
        .get("subject")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let what = format!("subject[{i}]");
        let Some(s) = s.as_object() else {
            return Err(format!("{what} is not an object"));
        };
        let mut ids = Vec::new();
        let name = opt_str(s, "name", &what)?;
        if let Some(n) = &name {
            ids.push(classify(n).map_err(|e| format!("{what}: {e}"))?);
        }
        for (alg, hex) in s
            .get("digest")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(d) = hex.as_str().and_then(|h| subject::hash_digest(alg, h)) {
                ids.push(Subject::Image(ImageSubject::Digest(d)));
            }
        }
        if !ids.is_empty() {
            inherited.push(Inherited {
                ids,
                display: name.unwrap_or_else(|| what.clone()),
            });
        }
    }
    parse(predicate, &inherited).map(Some)
}

/// Standard or URL-safe base64, padding optional.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim().bytes().filter(|b| !b.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("-_8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64("a*b"), None);
    }
}
