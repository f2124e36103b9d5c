//! The plain data every cataloger returns.

use serde::{Deserialize, Serialize};

/// A package ecosystem. The names are the package-url types.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Deb,
    Apk,
    Rpm,
    Pypi,
    Npm,
    Golang,
    Cargo,
    Maven,
    Gem,
    Composer,
    Nuget,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 11] = [
        Ecosystem::Deb,
        Ecosystem::Apk,
        Ecosystem::Rpm,
        Ecosystem::Pypi,
        Ecosystem::Npm,
        Ecosystem::Golang,
        Ecosystem::Cargo,
        Ecosystem::Maven,
        Ecosystem::Gem,
        Ecosystem::Composer,
        Ecosystem::Nuget,
    ];

    /// The package-url type (also the JSON name).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Deb => "deb",
            Ecosystem::Apk => "apk",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Golang => "golang",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Maven => "maven",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Nuget => "nuget",
        }
    }

    /// Packages the operating system's package manager installed.
    pub fn is_os(self) -> bool {
        matches!(self, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.purl_type())
    }
}

/// One package as its evidence file describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Package {
    pub ecosystem: Option<Ecosystem>,
    /// The package-url namespace where the ecosystem has one: the npm scope
    /// (`@babel`), the Maven groupId, the Composer vendor, the Go module
    /// path's leading elements (`github.com/spf13`). `None` otherwise.
    pub namespace: Option<String>,
    pub name: String,
    /// The version exactly as the package manager records it (dpkg's
    /// `1:2.3-4`, rpm's `1:2.3-4.el9` with the epoch in front when set).
    pub version: String,
    /// The architecture for OS packages (`amd64`, `x86_64`, `noarch`).
    pub arch: Option<String>,
    /// Declared licenses, raw, as the evidence states them (an SPDX
    /// expression, a Debian short name, a classifier, free text).
    pub licenses: Vec<String>,
    /// OS packages: the source package it was built from.
    pub source: Option<SourcePackage>,
    /// Files the package manager says this package installed (dpkg's
    /// `.list`, rpm's file list, apk's `F:`/`R:`, a wheel's `RECORD`),
    /// normalised like content-pass paths: relative to the root, no
    /// leading `/`. Empty when the evidence lists none.
    pub files: Vec<String>,
    /// A package inside an archive inside the evidence file (a jar in a
    /// fat jar): its path there, nested ones joined with `!/`
    /// (`BOOT-INF/lib/a.jar!/lib/b.jar`, the `jar:` URL convention).
    pub inner: Option<String>,
    /// Go: the toolchain version (`go1.22.1`) that built the binary; a
    /// binary's main module is `main_module`.
    pub go_version: Option<String>,
    /// Go build info: this is the binary's main module (not a dependency).
    pub main_module: bool,
}

/// The source package of an OS package (dpkg `Source:`, rpm `SOURCERPM`,
/// apk `o:`), with its version when it differs from the binary's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourcePackage {
    pub name: String,
    pub version: Option<String>,
}

/// A fact about a package recorded in a file of its own, joined to the
/// package by ecosystem and name when the layers are merged (dpkg's
/// `info/NAME[:ARCH].list`, `/usr/share/doc/NAME/copyright`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attachment {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub arch: Option<String>,
    pub kind: AttachmentKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum AttachmentKind {
    /// The files the package installed (normalised paths).
    Files(Vec<String>),
    /// Licenses declared in a copyright file (SPDX ids where the file is
    /// machine-readable, raw short names otherwise).
    Licenses(Vec<String>),
}

/// The operating system, from `etc/os-release` (or `usr/lib/os-release`,
/// `etc/debian_version`, `etc/alpine-release`, `etc/redhat-release`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Os {
    /// `ID` (`debian`, `alpine`, `rhel`, `ubuntu`).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.1`, `9.4`); `None` for rolling releases.
    pub version_id: Option<String>,
    pub version_codename: Option<String>,
    pub id_like: Vec<String>,
    pub pretty_name: Option<String>,
}

/// What one evidence file held.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Found {
    pub packages: Vec<Package>,
    pub attachments: Vec<Attachment>,
    pub os: Option<Os>,
    /// What could not be read, one line each, without the file's path
    /// (the caller names the file): "truncated at byte 4096 of 8192",
    /// "page 7 points back to page 3 (a loop)".
    pub notes: Vec<String>,
}
