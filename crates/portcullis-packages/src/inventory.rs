//! An image's package inventory as reports carry it: every package once,
//! with its purl, licenses, the layer that introduced it and where it was
//! found. Built by the image side from the per-layer [`Found`]s
//! (`portcullis-rules`' subject), rendered by the report crate (JSON,
//! CycloneDX, SPDX, the human and HTML summaries).
//!
//! [`Found`]: crate::Found

use serde::{Deserialize, Serialize};

use crate::model::{Ecosystem, Os, SourcePackage};

/// One package of the image, found in one or more places.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InstalledPackage {
    /// Unique within the target: the purl, with `#2`, `#3`… appended when
    /// two packages would share one. CycloneDX `bom-ref`s and SPDX ids are
    /// made from it.
    pub id: String,
    #[serde(rename = "type")]
    pub ecosystem: Ecosystem,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    pub purl: String,
    /// Declared licenses as the evidence states them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// The declared licenses as one SPDX expression, where one can be
    /// formed; `None` when the license is unknown or free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// The layer (0-based) that introduced the package: the first whose
    /// evidence lists it at this version. `None` for a Dockerfile or when
    /// the image has one root filesystem (LXD: layer 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// Where it was found (the first is the primary evidence).
    pub evidence: Vec<Evidence>,
    /// Go binaries: the toolchain version that built them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_version: Option<String>,
}

/// A file that lists a package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// The layer (0-based) holding the version of the file that was read.
    pub layer: usize,
    /// The file, absolute (`/var/lib/dpkg/status`); for a package inside
    /// an archive, the archive's path then `!/` and the inner path
    /// (`/app/app.jar!/BOOT-INF/lib/x.jar`).
    pub path: String,
}

/// The operating system and the packages of one target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Inventory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    pub packages: Vec<InstalledPackage>,
}
