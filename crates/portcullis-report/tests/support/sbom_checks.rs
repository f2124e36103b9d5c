//! The official-schema checks of SBOMs, shared by the report crate's SBOM
//! tests and the CLI's package tests (`#[path]`-included by both): the
//! schemas read from disk (`PORTCULLIS_SCHEMAS`, else /work/shared/schemas),
//! nothing fetched, plus what SPDX requires beyond its schema.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

pub fn schemas_dir() -> PathBuf {
    // The official schemas, shared by the project's sessions; a copy may
    // be put next to the tests with PORTCULLIS_SCHEMAS.
    std::env::var_os("PORTCULLIS_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/schemas"))
}

pub fn schema_file(name: &str) -> Value {
    let path = schemas_dir().join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("schema {}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema JSON")
}

/// The CycloneDX 1.6 schema with the two it references (`spdx.schema.json`,
/// `jsf-0.82.schema.json`) registered under the URIs they resolve to.
pub fn cyclonedx_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let bom = schema_file("cyclonedx-1.6/bom-1.6.schema.json");
        let registry = jsonschema::Registry::new()
            .add(
                "http://cyclonedx.org/schema/spdx.schema.json",
                jsonschema::Resource::from_contents(schema_file("cyclonedx-1.6/spdx.schema.json")),
            )
            .expect("spdx.schema.json")
            .add(
                "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                jsonschema::Resource::from_contents(schema_file(
                    "cyclonedx-1.6/jsf-0.82.schema.json",
                )),
            )
            .expect("jsf-0.82.schema.json")
            .prepare()
            .expect("registry");
        jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(&bom)
            .expect("the CycloneDX schema compiles")
    })
}

pub fn spdx_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema_file("spdx-2.3.schema.json"))
            .expect("the SPDX schema compiles")
    })
}

pub fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// What the SPDX specification requires beyond its JSON schema: a
/// `documentNamespace` that is an absolute URI without `#`, SPDX ids of
/// `SPDXRef-` and letters, digits, `.`, `-`, unique, and relationships
/// between elements that exist.
pub fn spdx_spec_errors(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match doc["documentNamespace"].as_str() {
        Some(ns) if absolute_uri(ns) && !ns.contains('#') && !ns.contains(' ') => {}
        other => out.push(format!("documentNamespace {other:?}")),
    }
    let mut ids = HashSet::new();
    ids.insert("SPDXRef-DOCUMENT".to_owned());
    for p in doc["packages"].as_array().into_iter().flatten() {
        let id = p["SPDXID"].as_str().unwrap_or("");
        let body = id.strip_prefix("SPDXRef-").unwrap_or("");
        if body.is_empty()
            || !body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            out.push(format!("bad SPDXID {id:?}"));
        }
        if !ids.insert(id.to_owned()) {
            out.push(format!("duplicate SPDXID {id:?}"));
        }
    }
    // SPDX 2.3 §10: a LicenseRef- used anywhere is declared in the document.
    let declared: HashSet<&str> = doc["hasExtractedLicensingInfos"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["licenseId"].as_str())
        .collect();
    for p in doc["packages"].as_array().into_iter().flatten() {
        let expression = p["licenseDeclared"].as_str().unwrap_or("");
        for id in expression
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|t| t.starts_with("LicenseRef-"))
        {
            if !declared.contains(id) {
                out.push(format!("undeclared license {id:?}"));
            }
        }
    }
    for r in doc["relationships"].as_array().into_iter().flatten() {
        for end in ["spdxElementId", "relatedSpdxElement"] {
            let id = r[end].as_str().unwrap_or("");
            if !ids.contains(id) {
                out.push(format!("relationship to unknown element {id:?}"));
            }
        }
    }
    out
}

/// RFC 3986 `scheme ":" rest`: a letter, then letters, digits, `+`, `-`, `.`.
fn absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}
