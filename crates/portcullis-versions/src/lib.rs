//! Version order per package ecosystem.
//!
//! The vulnerability matcher compares an installed package's version with
//! the `introduced`, `fixed`, `last_affected` and `limit` events of OSV
//! ranges, in the order of the package's own ecosystem. One module per
//! order, each saying which specification (and which implementation of it)
//! it follows and where it deliberately differs:
//!
//! | [`Scheme`] | module | reference |
//! | --- | --- | --- |
//! | `Dpkg` | [`dpkg`] | `dpkg --compare-versions` (dpkg 1.21) |
//! | `Rpm` | [`rpm`] | `rpm.vercmp` of rpm 4.18 (`rpmverCmp` over `rpmvercmp`) |
//! | `Apk` | [`apk`] | apk-tools `apk_version_compare` |
//! | `Pep440` | [`pep440`] | `packaging.version.Version` (26.x) |
//! | `Npm` | [`npm`] | node-semver 7 `semver.compare` (loose where strict fails) |
//! | `SemVer`, `Cargo` | [`semver`] | SemVer 2.0.0 precedence |
//! | `Go` | [`go`] | `golang.org/x/mod/semver.Compare` |
//! | `Maven` | [`maven`] | `ComparableVersion` of maven-artifact 3.x |
//! | `RubyGems` | [`rubygems`] | `Gem::Version#<=>` |
//! | `Composer` | [`composer`] | `composer/semver` normalisation, PHP `version_compare` |
//! | `NuGet` | [`nuget`] | `NuGet.Versioning.VersionComparer.Default` |
//!
//! [`compare`] parses both versions on every call; the parsers borrow the
//! input and, for dpkg, rpm, apk, PEP 440, npm, SemVer, Go and NuGet, do not
//! allocate. Numbers are compared as digit strings, so arbitrarily long
//! digit runs neither overflow nor lose precision (except where the
//! reference implementation itself saturates or rounds, which is emulated
//! and said in the module).

use std::cmp::Ordering;
use std::fmt;

pub mod apk;
pub mod composer;
pub mod dpkg;
pub mod go;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

/// A version order: one per ecosystem family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu packages.
    Dpkg,
    /// Red Hat, Rocky, AlmaLinux, SUSE, openSUSE, Mageia… packages.
    Rpm,
    /// Alpine, Wolfi and Chainguard packages.
    Apk,
    /// Python packages (PyPI).
    Pep440,
    /// npm packages: node-semver's order.
    Npm,
    /// Strict SemVer 2.0.0 (OSV `SEMVER` ranges).
    SemVer,
    /// Go modules.
    Go,
    /// Maven artifacts.
    Maven,
    /// Ruby gems.
    RubyGems,
    /// PHP packages (Packagist).
    Composer,
    /// .NET packages.
    NuGet,
    /// Rust crates (crates.io): SemVer 2.0.0.
    Cargo,
}

/// Every scheme, in declaration order.
pub const ALL_SCHEMES: [Scheme; 12] = [
    Scheme::Dpkg,
    Scheme::Rpm,
    Scheme::Apk,
    Scheme::Pep440,
    Scheme::Npm,
    Scheme::SemVer,
    Scheme::Go,
    Scheme::Maven,
    Scheme::RubyGems,
    Scheme::Composer,
    Scheme::NuGet,
    Scheme::Cargo,
];

impl Scheme {
    /// The scheme of an OSV ecosystem string, e.g. `Debian:12`,
    /// `Ubuntu:22.04:LTS`, `Alpine:v3.20`, `Red Hat:enterprise_linux:9::appstream`,
    /// `PyPI`, `crates.io`. The part before the first `:` decides (OSV
    /// ecosystem names are case-sensitive). `None` for an ecosystem this
    /// crate has no order for.
    pub fn for_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = match ecosystem.find(':') {
            Some(i) => &ecosystem[..i],
            None => ecosystem,
        };
        Some(match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" | "Photon OS" => Scheme::Rpm,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "PyPI" => Scheme::Pep440,
            "npm" => Scheme::Npm,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "Packagist" => Scheme::Composer,
            "NuGet" => Scheme::NuGet,
            "crates.io" => Scheme::Cargo,
            _ => return None,
        })
    }

    /// The scheme an OSV range of `range_type` (`ECOSYSTEM`, `SEMVER`,
    /// `GIT`) in `ecosystem` is compared in. `SEMVER` ranges are SemVer
    /// 2.0.0, read with the ecosystem's own parser where that is a SemVer
    /// dialect (Go's leading `v`, npm's loose forms, crates.io); `GIT`
    /// ranges (commits) have no order here.
    pub fn for_osv_range(range_type: &str, ecosystem: &str) -> Option<Scheme> {
        match range_type {
            "ECOSYSTEM" => Scheme::for_osv_ecosystem(ecosystem),
            "SEMVER" => Some(match Scheme::for_osv_ecosystem(ecosystem) {
                Some(s @ (Scheme::Go | Scheme::Npm | Scheme::Cargo)) => s,
                _ => Scheme::SemVer,
            }),
            _ => None,
        }
    }

    /// The scheme of a package-url type (`pkg:deb/…`, `pkg:pypi/…`), which
    /// is also the versioning-scheme name of a `vers:` range; `semver` is
    /// the vers scheme for plain SemVer.
    pub fn for_purl_type(purl_type: &str) -> Option<Scheme> {
        Some(match purl_type {
            "deb" => Scheme::Dpkg,
            "rpm" => Scheme::Rpm,
            "apk" | "alpine" => Scheme::Apk,
            "pypi" => Scheme::Pep440,
            "npm" => Scheme::Npm,
            "semver" => Scheme::SemVer,
            "golang" => Scheme::Go,
            "maven" => Scheme::Maven,
            "gem" => Scheme::RubyGems,
            "composer" => Scheme::Composer,
            "nuget" => Scheme::NuGet,
            "cargo" => Scheme::Cargo,
            _ => return None,
        })
    }

    /// A short display name.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Pep440 => "PEP 440",
            Scheme::Npm => "npm",
            Scheme::SemVer => "SemVer",
            Scheme::Go => "Go",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::Composer => "Composer",
            Scheme::NuGet => "NuGet",
            Scheme::Cargo => "Cargo",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that is not a version of a scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidVersion {
    version: String,
    scheme: Scheme,
    reason: &'static str,
}

impl InvalidVersion {
    fn new(scheme: Scheme, version: &str, reason: &'static str) -> InvalidVersion {
        InvalidVersion {
            version: version.to_owned(),
            scheme,
            reason,
        }
    }

    /// The rejected string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The scheme it was read in.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Why it is not a version, e.g. `epoch is not a number`.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for InvalidVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} version {:?}: {}",
            self.scheme, self.version, self.reason
        )
    }
}

impl std::error::Error for InvalidVersion {}

/// The order of two versions in `scheme`. `Err` when either is not a valid
/// version of the scheme (the first invalid one, and why).
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    let r = match scheme {
        Scheme::Dpkg => dpkg::compare(a, b),
        Scheme::Rpm => rpm::compare(a, b),
        Scheme::Apk => apk::compare(a, b),
        Scheme::Pep440 => pep440::compare(a, b),
        Scheme::Npm => npm::compare(a, b),
        Scheme::SemVer | Scheme::Cargo => semver::compare(a, b),
        Scheme::Go => go::compare(a, b),
        Scheme::Maven => maven::compare(a, b),
        Scheme::RubyGems => rubygems::compare(a, b),
        Scheme::Composer => composer::compare(a, b),
        Scheme::NuGet => nuget::compare(a, b),
    };
    r.map_err(|(side, reason)| {
        let version = match side {
            Side::A => a,
            Side::B => b,
        };
        InvalidVersion::new(scheme, version, reason)
    })
}

/// `Ok(())` when `version` is a valid version of `scheme`.
pub fn validate(scheme: Scheme, version: &str) -> Result<(), InvalidVersion> {
    compare(scheme, version, version).map(|_| ())
}

/// Which argument of a comparison was invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    A,
    B,
}

/// The result of a module's comparison: the invalid side and why.
pub(crate) type CmpResult = Result<Ordering, (Side, &'static str)>;

/// Parses both sides with `parse`, reporting the first failure.
pub(crate) fn parse_both<'a, T>(
    a: &'a str,
    b: &'a str,
    parse: impl Fn(&'a str) -> Result<T, &'static str>,
) -> Result<(T, T), (Side, &'static str)> {
    let pa = parse(a).map_err(|r| (Side::A, r))?;
    let pb = parse(b).map_err(|r| (Side::B, r))?;
    Ok((pa, pb))
}

/// Compares two runs of ASCII digits by their numeric value, of any length.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The digit run without its leading zeros (`""` for zero).
pub(crate) fn strip_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n..]
}

/// The length of the run of ASCII digits at the start of `s`.
pub(crate) fn digit_run(s: &[u8]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests;
