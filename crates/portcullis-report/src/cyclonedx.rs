//! CycloneDX 1.6 JSON: the package inventory as a bill of materials.
//!
//! - One BOM per report. With one target, `metadata.component` is the
//!   target (type `container` for images, `file` for a Dockerfile; name the
//!   target, version its digest) and `components` are its operating system
//!   (type `operating-system`) and its packages (type `library`). With
//!   several targets there is no `metadata.component`: each target is a
//!   top-level component with its OS and packages nested in its own
//!   `components`, so which package is in which image stays clear.
//! - `bom-ref`: a package's id (its purl, unique within its target); a
//!   target's name; the OS `os:ID-VERSION_ID`. When two would be equal in one
//!   BOM (the same package in two targets), the later one gets `#2`, `#3`…
//! - A package's licenses: `[{"expression": …}]` when its declared licenses
//!   form an SPDX expression, else `[{"license": {"name": …}}]` per license
//!   as declared (and nothing when none is declared). Its evidence files are
//!   `evidence.occurrences` (`additionalContext` names the layer of the file
//!   read); the layer that introduced it, its architecture, source package
//!   and Go version are `portcullis:…` properties.
//! - `dependencies`: each target depends on its OS and each of its packages
//!   (how packages depend on each other is not recorded: they have no entry,
//!   which CycloneDX reads as unknown).
//! - A target whose package pass did not run (`packages` absent: a
//!   Dockerfile, a report from before packages) has no components, and a
//!   composition with aggregate `unknown` says its contents are not known;
//!   it is not an empty image.
//! - Reproducible: `metadata.timestamp` is the images' creation time (see
//!   [`crate::sbom::report_time`]; absent when no target has one, e.g. a
//!   Dockerfile), and `serialNumber` is `urn:uuid:` + a UUID (version 8) made
//!   from the SHA-256 of the BOM as written without it. The same report
//!   gives the same BOM, byte for byte.

use portcullis_packages::{InstalledPackage, Os};
use portcullis_policy::{Report, TargetReport};
use serde::Serialize;

use crate::sbom::{content_uuid, report_time, UniqueIds};

const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";

/// The schema's limit on a `version` (in characters). A longer one (only a
/// hostile database writes one) is left out of `version` and kept whole in
/// a `portcullis:version` property, so the BOM stays valid and loses nothing.
const MAX_VERSION: usize = 1024;

/// `version`, or `None` with the whole text pushed as a property when it is
/// over the schema's limit.
fn version(v: &str, properties: &mut Vec<Property>) -> Option<String> {
    if v.chars().count() > MAX_VERSION {
        properties.push(property("portcullis:version", v));
        None
    } else {
        Some(v.to_owned())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    compositions: Vec<Composition>,
}

#[derive(Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<License>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<ComponentEvidence>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License {
    Expression { expression: String },
    Named { license: NamedLicense },
}

#[derive(Serialize)]
struct NamedLicense {
    name: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

fn property(name: &'static str, value: impl Into<String>) -> Property {
    Property {
        name,
        value: value.into(),
    }
}

#[derive(Serialize)]
struct ComponentEvidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence {
    location: String,
    additional_context: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

#[derive(Serialize)]
struct Composition {
    aggregate: &'static str,
    assemblies: Vec<String>,
}

/// The report's package inventory as a CycloneDX 1.6 JSON BOM (see the
/// module documentation for the choices), pretty-printed, newline-terminated.
pub fn render_cyclonedx(report: &Report) -> String {
    let mut ids = UniqueIds::default();
    let mut targets = Vec::with_capacity(report.targets.len());
    let mut dependencies = Vec::new();
    let mut compositions = Vec::new();
    for t in &report.targets {
        let (image, depends_on) = target_component(t, &mut ids);
        let reference = image.bom_ref.clone().unwrap_or_default();
        match depends_on {
            Some(depends_on) => dependencies.push(Dependency {
                reference,
                depends_on,
            }),
            None => compositions.push(Composition {
                aggregate: "unknown",
                assemblies: vec![reference],
            }),
        }
        targets.push(image);
    }
    let (component, components) = if targets.len() == 1 {
        let mut image = targets.pop().unwrap_or_default();
        let inside = std::mem::take(&mut image.components);
        (Some(image), inside)
    } else {
        (None, targets)
    };
    let mut bom = Bom {
        schema: SCHEMA,
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: None,
        version: 1,
        metadata: Metadata {
            timestamp: report_time(report),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    name: report.tool.name.clone(),
                    version: Some(report.tool.version.clone()),
                    ..Component::default()
                }],
            },
            component,
        },
        components,
        dependencies,
        compositions,
    };
    let unnumbered = crate::to_json(&bom);
    bom.serial_number = Some(format!("urn:uuid:{}", content_uuid(unnumbered.as_bytes())));
    crate::to_json(&bom)
}

/// A target as a component with its OS and packages nested, and what it
/// depends on (`None` when its packages are not known).
fn target_component(t: &TargetReport, ids: &mut UniqueIds) -> (Component, Option<Vec<String>>) {
    let mut properties = vec![property("portcullis:kind", t.kind.clone())];
    let digest = t
        .digest
        .as_deref()
        .and_then(|d| version(d, &mut properties));
    properties.extend(
        t.references
            .iter()
            .map(|r| property("portcullis:reference", r.clone())),
    );
    if t.packages.is_none() {
        properties.push(property("portcullis:packages", "not inventoried"));
    }
    let mut image = Component {
        kind: if t.kind == "dockerfile" {
            "file"
        } else {
            "container"
        },
        bom_ref: Some(ids.claim(t.target.clone(), "#")),
        name: t.target.clone(),
        version: digest,
        properties,
        ..Component::default()
    };
    let Some(packages) = &t.packages else {
        return (image, None);
    };
    let mut depends_on = Vec::with_capacity(packages.len() + 1);
    if let Some(os) = &t.os {
        let c = os_component(os, ids);
        depends_on.push(c.bom_ref.clone().unwrap_or_default());
        image.components.push(c);
    }
    for p in packages {
        let c = package_component(p, ids);
        depends_on.push(c.bom_ref.clone().unwrap_or_default());
        image.components.push(c);
    }
    (image, Some(depends_on))
}

fn os_component(os: &Os, ids: &mut UniqueIds) -> Component {
    let mut wanted = format!("os:{}", os.id);
    if let Some(v) = &os.version_id {
        wanted.push('-');
        wanted.push_str(v);
    }
    let mut properties = Vec::new();
    let os_version = os
        .version_id
        .as_deref()
        .and_then(|v| version(v, &mut properties));
    if let Some(c) = &os.version_codename {
        properties.push(property("portcullis:os-codename", c.clone()));
    }
    if !os.id_like.is_empty() {
        properties.push(property("portcullis:os-id-like", os.id_like.join(" ")));
    }
    Component {
        kind: "operating-system",
        bom_ref: Some(ids.claim(wanted, "#")),
        name: os.id.clone(),
        version: os_version,
        description: os.pretty_name.clone(),
        properties,
        ..Component::default()
    }
}

fn package_component(p: &InstalledPackage, ids: &mut UniqueIds) -> Component {
    let licenses = match &p.license_expression {
        Some(e) => vec![License::Expression {
            expression: e.clone(),
        }],
        None => p
            .licenses
            .iter()
            .map(|l| License::Named {
                license: NamedLicense { name: l.clone() },
            })
            .collect(),
    };
    let mut properties = Vec::new();
    let package_version = version(&p.version, &mut properties);
    if let Some(layer) = p.layer {
        properties.push(property("portcullis:layer", layer.to_string()));
    }
    if let Some(arch) = &p.arch {
        properties.push(property("portcullis:arch", arch.clone()));
    }
    if let Some(source) = &p.source {
        properties.push(property("portcullis:source-package", source.name.clone()));
        if let Some(v) = &source.version {
            properties.push(property("portcullis:source-version", v.clone()));
        }
    }
    if let Some(go) = &p.go_version {
        properties.push(property("portcullis:go-version", go.clone()));
    }
    if p.license_expression.is_some() {
        // The expression is what the licenses say; as declared, they stay.
        properties.extend(
            p.licenses
                .iter()
                .map(|l| property("portcullis:declared-license", l.clone())),
        );
    }
    let evidence = (!p.evidence.is_empty()).then(|| ComponentEvidence {
        occurrences: p
            .evidence
            .iter()
            .map(|e| Occurrence {
                location: e.path.clone(),
                additional_context: format!("layer {}", e.layer),
            })
            .collect(),
    });
    Component {
        kind: "library",
        bom_ref: Some(ids.claim(p.id.clone(), "#")),
        group: p.namespace.clone(),
        name: p.name.clone(),
        version: package_version,
        licenses,
        purl: Some(p.purl.clone()).filter(|u| !u.is_empty()),
        properties,
        evidence,
        ..Component::default()
    }
}
