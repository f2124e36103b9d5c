//! Declared license names to SPDX: the tables and the rules.
//!
//! Sources of the facts in the tables (names only, the mapping is ours):
//!
//! - SPDX License List 3.29.0 (ids, exceptions, deprecated ids), through the
//!   `spdx` crate's static tables.
//! - Debian's machine-readable copyright format 1.0 (DEP-5), §7.1 "Short
//!   name" (the keyword table, "if the version number is omitted, the lowest
//!   version number is implied", `+` for "or any later version", `with
//!   KEYWORDS exception`), and `/usr/share/common-licenses/BSD` (the
//!   University of California's 3-clause text).
//! - Fedora's legacy (pre-SPDX) short names of its old Licensing wiki
//!   (`GPLv2+`, `ASL 2.0`, `BSD with advertising`, `GPL+ or Artistic`).
//! - PyPI's trove classifier list (`License :: …`).
//! - The long names Maven POMs, NuGet and npm packages commonly carry.
//!
//! Ambiguous names are hints, not licenses: `BSD` (2, 3 or 4 clauses?),
//! `Apache Software License` (1.0, 1.1 or 2.0?). A hint is dropped when the
//! same package also declares a license of that family (`BSD-3-Clause` and
//! the `BSD License` classifier); alone it leaves the expression unknown.
//! Unversioned GNU names are the exception: the GPL (§9 of 2.0, §14 of
//! 3.0), LGPL (§13 of 2.0, §14 of 2.1) and AGPL (§14 of 3.0) texts say a
//! program that names no version may be used under any version the FSF
//! published, so bare `GPL` is `GPL-1.0-or-later`, `LGPL`
//! `LGPL-2.0-or-later`, `AGPL` `AGPL-3.0-or-later`; in Debian copyright
//! files DEP-5's own rule applies instead (the lowest version: `GPL` is
//! `GPL-1.0-only`, `LGPL` `LGPL-2.0-only`, `Apache` `Apache-1.0`).
//!
//! Public domain is `LicenseRef-public-domain`: not a license but a known
//! status with no conditions, which policy can tell from an unknown license.
//! (SPDX documents must declare it among their extracted licensing infos.)

use super::expr::{self, Exception, Node};
use super::Family;
use crate::model::Ecosystem;
use spdx::identifiers::{EXCEPTIONS, LICENSES};

/// Which names a term may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SPDX ids only (case fixed, deprecated GNU ids mapped).
    Spdx,
    /// DEP-5 short names, then the common names.
    Deb,
    /// Fedora's legacy names, then the common names.
    Rpm,
    /// The common names (classifiers, long names, SPDX).
    Common,
}

impl Dialect {
    pub(crate) fn of(ecosystem: Ecosystem) -> Dialect {
        match ecosystem {
            Ecosystem::Deb => Dialect::Deb,
            Ecosystem::Rpm => Dialect::Rpm,
            _ => Dialect::Common,
        }
    }
}

pub(crate) const PUBLIC_DOMAIN: &str = "LicenseRef-public-domain";

/// A table's answer.
#[derive(Clone, Copy)]
enum V {
    /// A canonical SPDX expression.
    E(&'static str),
    /// A family only, with the license it stands for if there is one.
    H(Family, Option<&'static str>),
}
use V::{E, H};

const A2: V = E("Apache-2.0");
const B2: V = E("BSD-2-Clause");
const B3: V = E("BSD-3-Clause");
const PD: V = E(PUBLIC_DOMAIN);
const GLASSFISH: V = E("CDDL-1.1 OR GPL-2.0-only WITH Classpath-exception-2.0");

/// DEP-5 keywords whose meaning there differs from the common reading:
/// "if the version number is omitted, the lowest version number is implied".
const DEB: &[(&str, V)] = &[
    ("gpl", E("GPL-1.0-only")),
    ("lgpl", E("LGPL-2.0-only")),
    ("apache", E("Apache-1.0")),
    ("artistic", E("Artistic-1.0")),
    ("mpl", E("MPL-1.1")),
    ("cddl", E("CDDL-1.0")),
    ("efl", E("EFL-1.0")),
    ("lppl", E("LPPL-1.0")),
    ("cc-by", E("CC-BY-1.0")),
    ("cc-by-sa", E("CC-BY-SA-1.0")),
    ("cc-by-nd", E("CC-BY-ND-1.0")),
    ("cc-by-nc", E("CC-BY-NC-1.0")),
    ("cc-by-nc-sa", E("CC-BY-NC-SA-1.0")),
    ("cc-by-nc-nd", E("CC-BY-NC-ND-1.0")),
    // /usr/share/common-licenses/BSD is the 3-clause text.
    ("bsd", B3),
    // A name used in Debian's LLVM packages for the LLVM project license.
    (
        "apache-2-llvm-exceptions",
        E("Apache-2.0 WITH LLVM-exception"),
    ),
];

/// Fedora's legacy names whose meaning differs from the common reading.
const RPM: &[(&str, V)] = &[
    // Only "GPL+ or Artistic" (Perl) was allowed; Fedora's SPDX migration
    // wrote it as GPL-1.0-or-later OR Artistic-1.0-Perl.
    ("artistic", E("Artistic-1.0-Perl")),
    ("cddl", E("CDDL-1.0")),
    ("epl", E("EPL-1.0")),
    ("ofl", E("OFL-1.1")),
    ("php", E("PHP-3.01")),
    ("netscape", E("NPL-1.1")),
];

/// Names every dialect but SPDX reads (keys lower case, one space).
const COMMON: &[(&str, V)] = &[
    ("public domain", PD),
    ("public-domain", PD),
    ("publicdomain", PD),
    ("pd", PD),
    ("expat", E("MIT")),
    ("expat (mit/x11)", E("MIT")),
    ("mit/x11", E("MIT")),
    ("mit license", E("MIT")),
    ("the mit license", E("MIT")),
    ("the mit license (mit)", E("MIT")),
    ("mit-0 license", E("MIT-0")),
    ("mit with advertising", E("MIT-advertising")),
    ("apache 2.0", A2),
    ("apache 2", A2),
    ("apache2", A2),
    ("apache v2", A2),
    ("apache-2.0 license", A2),
    ("apache license 2.0", A2),
    ("apache license v2.0", A2),
    ("apache license version 2.0", A2),
    ("apache license, version 2.0", A2),
    ("apache software license 2.0", A2),
    ("apache software license, version 2.0", A2),
    ("the apache license, version 2.0", A2),
    ("the apache software license, version 2.0", A2),
    ("apache public license 2.0", A2),
    ("asl 2.0", A2),
    ("asl 1.1", E("Apache-1.1")),
    ("asl 1.0", E("Apache-1.0")),
    ("apache", H(Family::Apache, None)),
    ("apache license", H(Family::Apache, None)),
    ("apache software license", H(Family::Apache, None)),
    ("bsd", H(Family::Bsd, None)),
    ("bsd license", H(Family::Bsd, None)),
    ("bsd-style", H(Family::Bsd, None)),
    ("new bsd license", B3),
    ("new bsd", B3),
    ("modified bsd license", B3),
    ("revised bsd license", B3),
    ("bsd 3-clause", B3),
    ("bsd 3-clause license", B3),
    ("bsd-3", B3),
    ("edl-1.0", B3),
    ("bsd3", B3),
    ("3-clause bsd license", B3),
    ("the bsd 3-clause license", B3),
    ("the 3-clause bsd license", B3),
    ("eclipse distribution license - v 1.0", B3),
    ("edl 1.0", B3),
    ("simplified bsd license", B2),
    ("bsd-2", B2),
    ("freebsd license", B2),
    ("bsd 2-clause", B2),
    ("bsd 2-clause license", B2),
    ("2-clause bsd license", B2),
    ("the bsd 2-clause license", B2),
    ("bsd with advertising", E("BSD-4-Clause")),
    ("gpl", H(Family::Gpl, Some("GPL-1.0-or-later"))),
    ("gnu gpl", H(Family::Gpl, Some("GPL-1.0-or-later"))),
    (
        "gnu general public license",
        H(Family::Gpl, Some("GPL-1.0-or-later")),
    ),
    ("gpl+", E("GPL-1.0-or-later")),
    ("lgpl", H(Family::Lgpl, Some("LGPL-2.0-or-later"))),
    ("gnu lgpl", H(Family::Lgpl, Some("LGPL-2.0-or-later"))),
    (
        "gnu lesser general public license",
        H(Family::Lgpl, Some("LGPL-2.0-or-later")),
    ),
    (
        "gnu library general public license",
        H(Family::Lgpl, Some("LGPL-2.0-or-later")),
    ),
    ("agpl", H(Family::Agpl, Some("AGPL-3.0-or-later"))),
    ("gnu general public license, version 2", E("GPL-2.0-only")),
    ("gnu general public license v2.0", E("GPL-2.0-only")),
    ("gnu general public license version 2", E("GPL-2.0-only")),
    ("gnu general public license, version 3", E("GPL-3.0-only")),
    ("gnu general public license v3.0", E("GPL-3.0-only")),
    ("gnu general public license version 3", E("GPL-3.0-only")),
    ("gnu lesser general public license v2.1", E("LGPL-2.1-only")),
    (
        "gnu lesser general public license, version 2.1",
        E("LGPL-2.1-only"),
    ),
    ("gnu lesser general public license v3.0", E("LGPL-3.0-only")),
    (
        "gnu lesser general public license, version 3",
        E("LGPL-3.0-only"),
    ),
    ("gnu affero general public license v3.0", E("AGPL-3.0-only")),
    ("lgpl 2.1", E("LGPL-2.1-only")),
    (
        "gnu general public license, version 2 with the gnu classpath exception",
        E("GPL-2.0-only WITH Classpath-exception-2.0"),
    ),
    (
        "gpl2 w/ cpe",
        E("GPL-2.0-only WITH Classpath-exception-2.0"),
    ),
    ("cddl + gplv2 with classpath exception", GLASSFISH),
    ("cddl+gpl license", GLASSFISH),
    ("cddl/gplv2+ce", GLASSFISH),
    ("gfdl", H(Family::Gfdl, None)),
    ("fdl", H(Family::Gfdl, None)),
    ("mpl", H(Family::Mpl, None)),
    ("mpl 1.1", E("MPL-1.1")),
    ("mpl 2.0", E("MPL-2.0")),
    ("mozilla public license 1.1", E("MPL-1.1")),
    ("mozilla public license 2.0", E("MPL-2.0")),
    ("mozilla public license, version 2.0", E("MPL-2.0")),
    ("eclipse public license 1.0", E("EPL-1.0")),
    ("eclipse public license - v 1.0", E("EPL-1.0")),
    ("eclipse public license v1.0", E("EPL-1.0")),
    ("eclipse public license 2.0", E("EPL-2.0")),
    ("eclipse public license - v 2.0", E("EPL-2.0")),
    ("eclipse public license v2.0", E("EPL-2.0")),
    ("epl 2.0", E("EPL-2.0")),
    ("cddl", H(Family::Cddl, None)),
    ("cddl 1.0", E("CDDL-1.0")),
    ("cddl 1.1", E("CDDL-1.1")),
    (
        "common development and distribution license (cddl) v1.0",
        E("CDDL-1.0"),
    ),
    (
        "common development and distribution license 1.1",
        E("CDDL-1.1"),
    ),
    ("cpl", E("CPL-1.0")),
    ("qpl", E("QPL-1.0")),
    ("isc license", E("ISC")),
    ("isc license (iscl)", E("ISC")),
    ("zlib license", E("Zlib")),
    ("zlib/libpng", E("Zlib")),
    ("zlib/libpng license", E("Zlib")),
    ("boost", E("BSL-1.0")),
    ("boost software license", E("BSL-1.0")),
    ("boost software license 1.0", E("BSL-1.0")),
    ("python", E("Python-2.0")),
    ("psf", E("PSF-2.0")),
    ("psfl", E("PSF-2.0")),
    ("psf license", E("PSF-2.0")),
    ("python software foundation license", E("PSF-2.0")),
    ("the unlicense", E("Unlicense")),
    ("cc0", E("CC0-1.0")),
    ("cc0 1.0 universal", E("CC0-1.0")),
    ("creative commons zero", E("CC0-1.0")),
    ("sil open font license 1.1", E("OFL-1.1")),
    ("openldap", E("OLDAP-2.8")),
    ("openldap-2.8", E("OLDAP-2.8")),
    ("artistic", H(Family::Artistic, None)),
    ("artistic 2.0", E("Artistic-2.0")),
    ("artistic license 2.0", E("Artistic-2.0")),
    ("artistic clarified", E("ClArtistic")),
    // DEP-5: "Perl license (use 'GPL-1+ or Artistic-1' instead)".
    ("perl", E("GPL-1.0-or-later OR Artistic-1.0")),
    ("ruby license", E("Ruby")),
    ("zope", H(Family::Zope, None)),
    ("zope-1.1", E("ZPL-1.1")),
    ("zope-2.0", E("ZPL-2.0")),
    ("zope-2.1", E("ZPL-2.1")),
    ("cc-by", H(Family::Cc, None)),
    ("cc-by-sa", H(Family::Cc, None)),
];

/// PyPI trove classifiers, after `License :: ` and `OSI Approved :: `.
/// Those naming a family without a version are hints.
const CLASSIFIERS: &[(&str, V)] = &[
    // Classifiers that name no license: dropped beside any that does.
    ("osi approved", H(Family::Other, None)),
    ("dfsg approved", H(Family::Other, None)),
    ("freely distributable", H(Family::Other, None)),
    ("apache software license", H(Family::Apache, None)),
    ("artistic license", H(Family::Artistic, None)),
    ("attribution assurance license", E("AAL")),
    ("bsd license", H(Family::Bsd, None)),
    ("boost software license 1.0 (bsl-1.0)", E("BSL-1.0")),
    (
        "cea cnrs inria logiciel libre license, version 2.1 (cecill-2.1)",
        E("CECILL-2.1"),
    ),
    (
        "cecill-b free software license agreement (cecill-b)",
        E("CECILL-B"),
    ),
    (
        "cecill-c free software license agreement (cecill-c)",
        E("CECILL-C"),
    ),
    (
        "common development and distribution license 1.0 (cddl-1.0)",
        E("CDDL-1.0"),
    ),
    ("common public license", E("CPL-1.0")),
    ("eclipse public license 1.0 (epl-1.0)", E("EPL-1.0")),
    ("eclipse public license 2.0 (epl-2.0)", E("EPL-2.0")),
    (
        "educational community license, version 2.0 (ecl-2.0)",
        E("ECL-2.0"),
    ),
    (
        "european union public licence 1.0 (eupl 1.0)",
        E("EUPL-1.0"),
    ),
    (
        "european union public licence 1.1 (eupl 1.1)",
        E("EUPL-1.1"),
    ),
    (
        "european union public licence 1.2 (eupl 1.2)",
        E("EUPL-1.2"),
    ),
    ("gnu affero general public license v3", E("AGPL-3.0-only")),
    (
        "gnu affero general public license v3 or later (agplv3+)",
        E("AGPL-3.0-or-later"),
    ),
    (
        "gnu free documentation license (fdl)",
        H(Family::Gfdl, None),
    ),
    (
        "gnu general public license (gpl)",
        H(Family::Gpl, Some("GPL-1.0-or-later")),
    ),
    ("gnu general public license v2 (gplv2)", E("GPL-2.0-only")),
    (
        "gnu general public license v2 or later (gplv2+)",
        E("GPL-2.0-or-later"),
    ),
    ("gnu general public license v3 (gplv3)", E("GPL-3.0-only")),
    (
        "gnu general public license v3 or later (gplv3+)",
        E("GPL-3.0-or-later"),
    ),
    // "Lesser v2" names no single text (2.0 was the Library GPL, 2.1 the
    // first Lesser one): the family, standing for any version.
    (
        "gnu lesser general public license v2 (lgplv2)",
        H(Family::Lgpl, Some("LGPL-2.0-or-later")),
    ),
    (
        "gnu lesser general public license v2 or later (lgplv2+)",
        E("LGPL-2.0-or-later"),
    ),
    (
        "gnu lesser general public license v3 (lgplv3)",
        E("LGPL-3.0-only"),
    ),
    (
        "gnu lesser general public license v3 or later (lgplv3+)",
        E("LGPL-3.0-or-later"),
    ),
    (
        "gnu library or lesser general public license (lgpl)",
        H(Family::Lgpl, Some("LGPL-2.0-or-later")),
    ),
    (
        "historical permission notice and disclaimer (hpnd)",
        E("HPND"),
    ),
    ("ibm public license", E("IPL-1.0")),
    ("isc license (iscl)", E("ISC")),
    ("intel open source license", E("Intel")),
    ("mit license", E("MIT")),
    ("mit no attribution license (mit-0)", E("MIT-0")),
    ("miros license (miros)", E("MirOS")),
    ("motosoto license", E("Motosoto")),
    ("mozilla public license 1.0 (mpl)", E("MPL-1.0")),
    ("mozilla public license 1.1 (mpl 1.1)", E("MPL-1.1")),
    ("mozilla public license 2.0 (mpl 2.0)", E("MPL-2.0")),
    (
        "mulan permissive software license v2 (mulanpsl-2.0)",
        E("MulanPSL-2.0"),
    ),
    ("nethack general public license", E("NGPL")),
    ("nokia open source license", E("Nokia")),
    ("open group test suite license", E("OGTSL")),
    ("open software license 3.0 (osl-3.0)", E("OSL-3.0")),
    ("postgresql license", E("PostgreSQL")),
    ("python license (cnri python license)", E("CNRI-Python")),
    ("python software foundation license", E("PSF-2.0")),
    ("qt public license (qpl)", E("QPL-1.0")),
    ("ricoh source code public license", E("RSCPL")),
    ("sil open font license 1.1 (ofl-1.1)", E("OFL-1.1")),
    ("sleepycat license", E("Sleepycat")),
    ("sun industry standards source license (sissl)", E("SISSL")),
    ("sun public license", E("SPL-1.0")),
    ("the unlicense (unlicense)", E("Unlicense")),
    ("universal permissive license (upl)", E("UPL-1.0")),
    ("university of illinois/ncsa open source license", E("NCSA")),
    ("vovida software license 1.0", E("VSL-1.0")),
    ("w3c license", E("W3C")),
    ("x.net license", E("Xnet")),
    ("zero-clause bsd (0bsd)", E("0BSD")),
    ("zope public license", H(Family::Zope, None)),
    ("zlib/libpng license", E("Zlib")),
    (
        "cc0 1.0 universal (cc0 1.0) public domain dedication",
        E("CC0-1.0"),
    ),
    ("public domain", PD),
    ("aladdin free public license (afpl)", E("Aladdin")),
];

/// Keywords of `with KEYWORDS exception` (DEP-5) and rpm's `with …`,
/// lower case, without the word "exception"; the id may depend on the
/// GPL version it modifies.
fn exception_keyword(key: &str, license: &str) -> Option<&'static str> {
    let gpl3 = license.starts_with("GPL-3") || license.starts_with("LGPL-3");
    Some(match key {
        "autoconf" => {
            if gpl3 {
                "Autoconf-exception-3.0"
            } else {
                "Autoconf-exception-2.0"
            }
        }
        "bison" => "Bison-exception-2.2",
        "font" => "Font-exception-2.0",
        "classpath" => "Classpath-exception-2.0",
        "gcc" | "gcc runtime library" => {
            if gpl3 {
                "GCC-exception-3.1"
            } else {
                "GCC-exception-2.0"
            }
        }
        "libtool" => "Libtool-exception",
        "linux-syscall-note" | "syscall" => "Linux-syscall-note",
        "llvm" => "LLVM-exception",
        "ocaml" => "OCaml-LGPL-linking-exception",
        "u-boot" => "u-boot-exception-2.0",
        "wxwindows" => "WxWindows-exception-3.1",
        // "OpenSSL": DEP-5's keyword for the GPL linking exception; the
        // SPDX list has only project-specific variants of it.
        _ => return None,
    })
}

/// Deprecated SPDX ids that are a license with an exception.
const DEPRECATED_WITH: &[(&str, &str, &str)] = &[
    (
        "GPL-2.0-with-classpath-exception",
        "GPL-2.0-only",
        "Classpath-exception-2.0",
    ),
    (
        "GPL-2.0-with-GCC-exception",
        "GPL-2.0-only",
        "GCC-exception-2.0",
    ),
    (
        "GPL-3.0-with-GCC-exception",
        "GPL-3.0-only",
        "GCC-exception-3.1",
    ),
    (
        "GPL-2.0-with-autoconf-exception",
        "GPL-2.0-only",
        "Autoconf-exception-2.0",
    ),
    (
        "GPL-3.0-with-autoconf-exception",
        "GPL-3.0-only",
        "Autoconf-exception-3.0",
    ),
    (
        "GPL-2.0-with-bison-exception",
        "GPL-2.0-only",
        "Bison-exception-2.2",
    ),
    (
        "GPL-2.0-with-font-exception",
        "GPL-2.0-only",
        "Font-exception-2.0",
    ),
    ("eCos-2.0", "GPL-2.0-or-later", "eCos-exception-2.0"),
    ("wxWindows", "LGPL-2.0-or-later", "WxWindows-exception-3.1"),
];

/// Other deprecated ids with a successor on the list.
const DEPRECATED_RENAMED: &[(&str, &str)] = &[
    ("StandardML-NJ", "SMLNJ"),
    ("bzip2-1.0.5", "bzip2-1.0.6"),
    ("Nunito", "OFL-1.1"),
    // Deprecated as the same text as BSD-2-Clause.
    ("BSD-2-Clause-FreeBSD", "BSD-2-Clause"),
    ("BSD-2-Clause-NetBSD", "BSD-2-Clause"),
];

/// The key tables are searched by: lower case, runs of white space as one.
fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

fn lookup(table: &[(&str, V)], k: &str) -> Option<V> {
    table.iter().find(|(name, _)| *name == k).map(|(_, v)| *v)
}

fn names(k: &str, d: Dialect) -> Option<V> {
    let own = match d {
        Dialect::Spdx => return None,
        Dialect::Deb => lookup(DEB, k),
        Dialect::Rpm => lookup(RPM, k),
        Dialect::Common => None,
    };
    own.or_else(|| lookup(COMMON, k))
}

fn node_of(v: V, raw: &str) -> Node {
    match v {
        // Table values are canonical SPDX (a test checks they parse so).
        E(expr) => {
            expr::parse(expr, Dialect::Spdx).unwrap_or_else(|_| Node::Unknown(raw.to_owned()))
        }
        H(family, fallback) => Node::Hint {
            family,
            fallback,
            raw: raw.to_owned(),
        },
    }
}

/// The canonical SPDX license id for `name`, case-insensitively.
pub(crate) fn spdx_license(name: &str) -> Option<&'static spdx::License> {
    LICENSES.iter().find(|l| l.name.eq_ignore_ascii_case(name))
}

/// The canonical SPDX exception id for `name`, case-insensitively.
pub(crate) fn spdx_exception(name: &str) -> Option<&'static str> {
    EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
        .map(|e| e.name)
}

/// A whole declared entry that is a name rather than an expression: a
/// trove classifier, a long name with commas, a license URL.
pub(crate) fn whole(entry: &str, d: Dialect) -> Option<Node> {
    if d == Dialect::Spdx {
        return None;
    }
    let k = key(entry);
    if let Some(rest) = k.strip_prefix("license :: ") {
        let rest = rest.strip_prefix("osi approved :: ").unwrap_or(rest);
        return Some(match lookup(CLASSIFIERS, rest) {
            Some(v) => node_of(v, entry),
            None => Node::Unknown(entry.to_owned()),
        });
    }
    if let Some(node) = url(&k) {
        return Some(node);
    }
    names(&k, d).map(|v| node_of(v, entry))
}

/// License URLs as NuGet (`licenseUrl`, licenses.nuget.org) and Maven POMs
/// give them.
fn url(k: &str) -> Option<Node> {
    let rest = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.trim_end_matches('/');
    if let Some(expr) = rest.strip_prefix("licenses.nuget.org/") {
        let expr = expr
            .replace("%20", " ")
            .replace("%28", "(")
            .replace("%29", ")");
        return expr::parse(&expr, Dialect::Spdx).ok();
    }
    if let Some(page) = rest.strip_prefix("opensource.org/licenses/") {
        let page = page.trim_end_matches(".php").trim_end_matches(".html");
        let page = page.strip_suffix("-license").unwrap_or(page);
        return spdx_license(page).map(|l| Node::leaf(l.name));
    }
    match rest {
        "apache.org/licenses/license-2.0"
        | "apache.org/licenses/license-2.0.txt"
        | "apache.org/licenses/license-2.0.html" => Some(Node::leaf("Apache-2.0")),
        _ => None,
    }
}

/// One term of an expression.
pub(crate) fn term(t: &str, d: Dialect) -> Node {
    term_at(t, d, 0)
}

fn term_at(t: &str, d: Dialect, depth: u8) -> Node {
    let unknown = || Node::Unknown(t.to_owned());
    if depth > 3 {
        return unknown();
    }
    let k = key(t);
    if let Some(v) = names(&k, d) {
        return node_of(v, t);
    }
    if let Some(node) = spdx_id(t) {
        return node;
    }
    if let Some(rest) = t.strip_prefix("LicenseRef-") {
        return if !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            Node::leaf(t)
        } else {
            unknown()
        };
    }
    // `X+`: X or any later version.
    if let Some(base) = t
        .strip_suffix('+')
        .filter(|b| !b.contains(char::is_whitespace))
    {
        return match term_at(base, d, depth + 1) {
            Node::Leaf {
                id,
                exception: None,
            } => or_later(&id).map_or_else(unknown, |id| Node::leaf(&id)),
            Node::Hint {
                fallback: Some(f), ..
            } => or_later(f).map_or_else(unknown, |id| Node::leaf(&id)),
            _ => unknown(),
        };
    }
    if d == Dialect::Spdx {
        return unknown();
    }
    // DEP-5's GFDL-NIV-1.3: no invariant sections.
    if let Some(v) = k.strip_prefix("gfdl-niv-") {
        let v = if v.contains('.') {
            v.to_owned()
        } else {
            format!("{v}.0")
        };
        if let Some(l) = spdx_license(&format!("GFDL-{v}-no-invariants-only")) {
            return Node::leaf(l.name);
        }
        return unknown();
    }
    // DEP-5's `NAME-N` for SPDX's `NAME-N.0` (`GPL-2`, `Apache-2`).
    if let Some((name, v)) = t.rsplit_once('-') {
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            let dotted = format!("{name}-{v}.0");
            if let Some(node) = spdx_id(&dotted) {
                return node;
            }
            if let Some(v) = names(&key(&dotted), d) {
                return node_of(v, t);
            }
        }
    }
    // Fedora's `GPLv2`, `LGPLv2.1`, `MPLv1.1`, the bare `GPL2`, and
    // `LGPL v3` as setup.py files write it.
    let joined: String = t.split_whitespace().collect();
    if let Some(dashed) = versioned_family(&joined) {
        return term_at(&dashed, d, depth + 1);
    }
    // Old Alpine APKBUILDs' space-separated lists (`MIT BSD-3-Clause`):
    // every word a license, all of them apply.
    if t.contains(char::is_whitespace) {
        let words: Vec<Node> = t
            .split_whitespace()
            .map(|w| term_at(w, d, depth + 1))
            .collect();
        if words.iter().all(|w| matches!(w, Node::Leaf { .. })) {
            return Node::join(true, words);
        }
    }
    // npm's and crates' old `MIT/Apache-2.0`.
    if t.contains('/') {
        let parts: Vec<Node> = t
            .split('/')
            .map(|p| term_at(p.trim(), d, depth + 1))
            .collect();
        if parts
            .iter()
            .all(|p| matches!(p, Node::Leaf { .. } | Node::And(_) | Node::Or(_)))
        {
            return Node::join(false, parts);
        }
    }
    unknown()
}

/// `GPLv2` → `GPL-2`, `LGPLv2.1` → `LGPL-2.1`, `GPL3` → `GPL-3` for the
/// families whose legacy names were written so.
fn versioned_family(t: &str) -> Option<String> {
    ["LGPL", "AGPL", "GPL", "GFDL", "MPL", "EPL", "CDDL", "OFL"]
        .iter()
        .find_map(|family| {
            let head = t.get(..family.len())?;
            if !head.eq_ignore_ascii_case(family) {
                return None;
            }
            let rest = t.get(family.len()..)?;
            let version = rest
                .strip_prefix('v')
                .or_else(|| rest.strip_prefix('V'))
                .unwrap_or(rest);
            let first = version.bytes().next()?;
            (first.is_ascii_digit() && version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
                .then(|| format!("{family}-{version}"))
        })
}

/// An SPDX id, case fixed; deprecated ids mapped to their successors.
fn spdx_id(t: &str) -> Option<Node> {
    if t.ends_with('+') {
        return None; // the `+` rule maps GNU ids (`GPL-2.0+`) to `-or-later`
    }
    if let Some((_, license, exception)) = DEPRECATED_WITH
        .iter()
        .find(|(old, _, _)| old.eq_ignore_ascii_case(t))
    {
        return Some(Node::Leaf {
            id: (*license).to_owned(),
            exception: Some(Exception::Known(exception)),
        });
    }
    let l = spdx_license(t)?;
    let id = if l.flags & spdx::flags::IS_DEPRECATED != 0 {
        match spdx::gnu_license_id(l.name, false) {
            Some(gnu) if gnu.name != l.name => gnu.name,
            _ => DEPRECATED_RENAMED
                .iter()
                .find(|(old, _)| *old == l.name)
                .map_or(l.name, |(_, new)| new),
        }
    } else {
        l.name
    };
    Some(Node::leaf(id))
}

/// The "or any later version" form of an id.
fn or_later(id: &str) -> Option<String> {
    if let Some(base) = id.strip_suffix("-only") {
        return Some(format!("{base}-or-later"));
    }
    if id.ends_with("-or-later") || id.ends_with('+') {
        return Some(id.to_owned());
    }
    if id.starts_with("LicenseRef-") {
        return None;
    }
    Some(format!("{id}+"))
}

/// `LICENSE with EXCEPTION`.
pub(crate) fn with(license: &str, exception: &str, d: Dialect) -> Node {
    let whole = format!("{license} with {exception}");
    if let Some(v) = names(&key(&whole), d) {
        return node_of(v, &whole);
    }
    let Node::Leaf {
        id,
        exception: None,
    } = term(license, d)
    else {
        return Node::Unknown(whole);
    };
    let exc = spdx_exception(exception).or_else(|| {
        if d == Dialect::Spdx {
            return None;
        }
        let k = key(exception);
        let k = k
            .strip_suffix(" exception")
            .or_else(|| k.strip_suffix("-exception"))
            .unwrap_or(&k);
        spdx_exception(k)
            .or_else(|| spdx_exception(&format!("{k}-exception")))
            .or_else(|| exception_keyword(k, &id))
    });
    Node::Leaf {
        id,
        exception: Some(match exc {
            Some(e) => Exception::Known(e),
            None => Exception::Unknown(exception.to_owned()),
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    fn all_values() -> impl Iterator<Item = (&'static str, V)> {
        DEB.iter()
            .chain(RPM)
            .chain(COMMON)
            .chain(CLASSIFIERS)
            .copied()
    }

    /// Every table value is canonical SPDX: it parses as SPDX to a tree
    /// of known, non-deprecated ids and renders back to itself.
    #[test]
    fn table_values_are_canonical_spdx() {
        for (name, v) in all_values() {
            let exprs: Vec<&str> = match v {
                E(e) => vec![e],
                H(_, Some(f)) => vec![f],
                H(_, None) => vec![],
            };
            for e in exprs {
                let node = expr::parse(e, Dialect::Spdx).unwrap();
                assert_eq!(node.render().as_deref(), Some(e), "{name}");
                check_current(&node);
            }
        }
        for (_, l, e) in DEPRECATED_WITH {
            check_current(&Node::leaf(l));
            assert!(spdx::exception_id(e).is_some(), "{e}");
        }
        for (_, new) in DEPRECATED_RENAMED {
            check_current(&Node::leaf(new));
        }
        for key in [
            "autoconf",
            "bison",
            "font",
            "classpath",
            "gcc",
            "libtool",
            "syscall",
            "llvm",
            "ocaml",
            "u-boot",
            "wxwindows",
        ] {
            for l in ["GPL-2.0-only", "GPL-3.0-or-later"] {
                let e = exception_keyword(key, l).unwrap();
                assert!(spdx::exception_id(e).is_some(), "{e}");
            }
        }
    }

    fn check_current(node: &Node) {
        match node {
            Node::Leaf { id, exception } => {
                if id != PUBLIC_DOMAIN {
                    let l = spdx::license_id(id).unwrap_or_else(|| panic!("{id}"));
                    assert!(!l.is_deprecated(), "{id} is deprecated");
                    assert_eq!(l.name, id.trim_end_matches('+'));
                }
                if let Some(Exception::Known(e)) = exception {
                    assert!(spdx::exception_id(e).is_some(), "{e}");
                }
            }
            Node::And(c) | Node::Or(c) => c.iter().for_each(check_current),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn table_keys_are_keys() {
        for (name, _) in all_values() {
            assert_eq!(key(name), name);
        }
    }
}
