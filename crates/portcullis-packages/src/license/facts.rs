//! What the license policies need to know of each license: its family, how
//! strong its copyleft is, and the restrictions it places on use. Each entry
//! has a one-line reason, checked against the license's own text (the SPDX
//! License List texts).
//!
//! Copyleft strength: `Weak` is file- or library-level (changes to the
//! covered files or library stay under it; larger works may use other
//! terms), `Strong` is work-level (derived works distributed must be under
//! it), `Network` is `Strong` that also triggers when users interact with
//! the software over a network.
//!
//! Restrictions (the SQ12404–SQ12408 facts): commercial use (non-commercial
//! licenses), distribution, production use, modification (no derivatives),
//! and patents (the license excludes patent rights, so a separate patent
//! permission is needed). Only explicit terms count: licenses silent on
//! patents (MIT, BSD) are not flagged.

use super::{Copyleft, Family};
use serde::Serialize;

/// The restrictions a license places beyond its conditions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Restrictions {
    pub commercial_use: bool,
    pub distribution: bool,
    pub production_use: bool,
    pub modification: bool,
    pub patents: bool,
}

impl Restrictions {
    pub fn any(&self) -> bool {
        self.count() > 0
    }

    pub fn count(&self) -> u8 {
        u8::from(self.commercial_use)
            + u8::from(self.distribution)
            + u8::from(self.production_use)
            + u8::from(self.modification)
            + u8::from(self.patents)
    }

    pub(crate) fn union(self, o: Restrictions) -> Restrictions {
        Restrictions {
            commercial_use: self.commercial_use || o.commercial_use,
            distribution: self.distribution || o.distribution,
            production_use: self.production_use || o.production_use,
            modification: self.modification || o.modification,
            patents: self.patents || o.patents,
        }
    }
}

/// One license's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LicenseFacts {
    /// The SPDX id (or `LicenseRef-public-domain`).
    pub id: &'static str,
    pub family: Family,
    pub copyleft: Copyleft,
    pub restrictions: Restrictions,
    /// Why, in one line.
    pub reason: &'static str,
}

const C: u8 = 1; // commercial use
const D: u8 = 2; // distribution
const P: u8 = 4; // production use
const M: u8 = 8; // modification
const T: u8 = 16; // patents excluded

const fn f(
    id: &'static str,
    family: Family,
    copyleft: Copyleft,
    bits: u8,
    reason: &'static str,
) -> LicenseFacts {
    LicenseFacts {
        id,
        family,
        copyleft,
        restrictions: Restrictions {
            commercial_use: bits & C != 0,
            distribution: bits & D != 0,
            production_use: bits & P != 0,
            modification: bits & M != 0,
            patents: bits & T != 0,
        },
        reason,
    }
}

use Copyleft::{Network, Strong, Weak};
use Family as F;
const NO: Copyleft = Copyleft::None;

const GPL: &str = "works based on it that are distributed must be under the GPL, with source";
const LGPL: &str =
    "changes to the library stay LGPL; works that only link to it may use other terms";
const AGPL: &str =
    "GPL terms, and users interacting over a network must be offered the source (section 13)";
const GFDL: &str = "modified versions of the document must be released under the GFDL";
const MPL: &str = "file-level: changed MPL files stay MPL; a larger work may use other terms";
const EPL: &str = "changed modules stay under the EPL/CPL; separate modules may use other terms";
const CDDL: &str = "file-level: changed covered files stay CDDL, like MPL 1.1";
const BSD: &str = "permissive: keep the notice (and the clauses the variant adds)";
const MIT: &str = "permissive: keep the copyright and permission notice";
const APACHE2: &str = "permissive with an explicit patent grant; keep notices, mark changes";
const CC_BY3: &str = "attribution; the 3.0 text and earlier say nothing of patents";
const CC_BY4: &str = "attribution; 'Patent and trademark rights are not licensed' (section 2.b.2)";
const CC_SA3: &str = "share-alike: adaptations must be under the same license; silent on patents";
const CC_SA4: &str = "share-alike adaptations; patent rights not licensed (section 2.b.2)";
const CC_NC3: &str = "'not primarily intended for commercial advantage' only; silent on patents";
const CC_NC4: &str = "NonCommercial only, patent rights not licensed (section 2.b.2)";
const CC_ND3: &str = "no derivatives: adaptations may not be shared; silent on patents";
const CC_ND4: &str = "adapted material may not be shared; patent rights not licensed (2.b.2)";
const CC_NCSA3: &str = "non-commercial and share-alike; silent on patents";
const CC_NCSA4: &str = "non-commercial, share-alike, patent rights not licensed (2.b.2)";
const CC_NCND3: &str = "non-commercial, no adaptations shared; silent on patents";
const CC_NCND4: &str = "non-commercial, no adaptations shared, patent rights not licensed (2.b.2)";
const PD: &str = "no conditions";

/// The table, by SPDX id.
pub(crate) const FACTS: &[LicenseFacts] = &[
    // GNU
    f("GPL-1.0-only", F::Gpl, Strong, 0, GPL),
    f("GPL-1.0-or-later", F::Gpl, Strong, 0, GPL),
    f("GPL-2.0-only", F::Gpl, Strong, 0, GPL),
    f("GPL-2.0-or-later", F::Gpl, Strong, 0, GPL),
    f("GPL-3.0-only", F::Gpl, Strong, 0, GPL),
    f("GPL-3.0-or-later", F::Gpl, Strong, 0, GPL),
    f("LGPL-2.0-only", F::Lgpl, Weak, 0, LGPL),
    f("LGPL-2.0-or-later", F::Lgpl, Weak, 0, LGPL),
    f("LGPL-2.1-only", F::Lgpl, Weak, 0, LGPL),
    f("LGPL-2.1-or-later", F::Lgpl, Weak, 0, LGPL),
    f("LGPL-3.0-only", F::Lgpl, Weak, 0, LGPL),
    f("LGPL-3.0-or-later", F::Lgpl, Weak, 0, LGPL),
    f("LGPLLR", F::Lgpl, Weak, 0, "the LGPL for language resources"),
    f("AGPL-1.0-only", F::Agpl, Network, 0, AGPL),
    f("AGPL-1.0-or-later", F::Agpl, Network, 0, AGPL),
    f("AGPL-3.0-only", F::Agpl, Network, 0, AGPL),
    f("AGPL-3.0-or-later", F::Agpl, Network, 0, AGPL),
    f("GFDL-1.1-only", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.1-or-later", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.2-only", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.2-or-later", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.3-only", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.3-or-later", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.2-no-invariants-only", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.2-no-invariants-or-later", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.3-no-invariants-only", F::Gfdl, Strong, 0, GFDL),
    f("GFDL-1.3-no-invariants-or-later", F::Gfdl, Strong, 0, GFDL),
    // File- and module-level copyleft
    f("MPL-1.0", F::Mpl, Weak, 0, MPL),
    f("MPL-1.1", F::Mpl, Weak, 0, MPL),
    f("MPL-2.0", F::Mpl, Weak, 0, MPL),
    f("MPL-2.0-no-copyleft-exception", F::Mpl, Weak, 0, MPL),
    f("NPL-1.1", F::Mpl, Weak, 0, "Netscape's MPL 1.0 with Netscape's extra rights"),
    f("EPL-1.0", F::Epl, Weak, 0, EPL),
    f("EPL-2.0", F::Epl, Weak, 0, EPL),
    f("CPL-1.0", F::Epl, Weak, 0, EPL),
    f("IPL-1.0", F::Epl, Weak, 0, EPL),
    f("CDDL-1.0", F::Cddl, Weak, 0, CDDL),
    f("CDDL-1.1", F::Cddl, Weak, 0, CDDL),
    f("MS-RL", F::Other, Weak, 0, "file-level: distributed source of changed files stays MS-RL"),
    f("OFL-1.0", F::Ofl, Weak, 0, "modified fonts stay OFL; documents using them are free"),
    f("OFL-1.1", F::Ofl, Weak, 0, "modified fonts stay OFL; documents using them are free"),
    f("CECILL-C", F::Cecill, Weak, 0, "the LGPL-like CeCILL: changes to the component stay CeCILL-C"),
    // Work-level copyleft
    f("CECILL-2.0", F::Cecill, Strong, 0, "GPL-compatible work-level copyleft under French law"),
    f("CECILL-2.1", F::Cecill, Strong, 0, "GPL-compatible work-level copyleft under French law"),
    f("Sleepycat", F::Other, Strong, 0, "distributions must offer the source of software that uses DB"),
    f("ODbL-1.0", F::Other, Strong, 0, "share-alike for databases derived and publicly used"),
    f("EUPL-1.1", F::Eupl, Network, 0, "distribution includes 'providing access to its essential functionalities' (section 1)"),
    f("EUPL-1.2", F::Eupl, Network, 0, "distribution includes 'providing access to its essential functionalities' (section 1)"),
    f("OSL-3.0", F::Osl, Network, 0, "'External Deployment' over a network counts as distribution (section 5)"),
    f("RPL-1.5", F::Other, Network, 0, "changes must be published whenever the software is deployed, even internally to others"),
    f("SSPL-1.0", F::Sspl, Network, 0, "offering it as a service requires the whole service's source (section 13)"),
    f("Linux-man-pages-copyleft", F::Other, Strong, 0, "'the entire resulting derived work is distributed under the terms of a permission notice identical to this one'"),
    f("Latex2e", F::Other, Strong, 0, "'the entire resulting derived work is distributed under the terms of a permission notice identical to this one'"),
    f("Vim", F::Other, Weak, 0, "changes to a distributed modified Vim must be given to the maintainer on request (II.2)"),
    // Permissive
    f("0BSD", F::Bsd, NO, 0, "permissive, no conditions beyond the disclaimer"),
    f("BSD-1-Clause", F::Bsd, NO, 0, BSD),
    f("BSD-2-Clause", F::Bsd, NO, 0, BSD),
    f("BSD-2-Clause-Patent", F::Bsd, NO, 0, "BSD-2-Clause with an explicit patent grant"),
    f("BSD-3-Clause", F::Bsd, NO, 0, BSD),
    f("BSD-3-Clause-Clear", F::Bsd, NO, T, "'NO EXPRESS OR IMPLIED LICENSES TO ANY PARTY'S PATENT RIGHTS ARE GRANTED'"),
    f("BSD-3-Clause-LBNL", F::Bsd, NO, 0, BSD),
    f("BSD-4-Clause", F::Bsd, NO, 0, "permissive with the advertising clause"),
    f("BSD-4-Clause-UC", F::Bsd, NO, 0, "the University of California's text, with the advertising clause"),
    f("BSD-Source-Code", F::Bsd, NO, 0, BSD),
    f("MIT", F::Mit, NO, 0, MIT),
    f("MIT-0", F::Mit, NO, 0, "permissive, not even the notice required"),
    f("MIT-CMU", F::Mit, NO, 0, MIT),
    f("MIT-advertising", F::Mit, NO, 0, "MIT with an advertising clause"),
    f("MIT-Modern-Variant", F::Mit, NO, 0, MIT),
    f("MIT-open-group", F::Mit, NO, 0, MIT),
    f("X11-distribute-modifications-variant", F::Mit, NO, 0, MIT),
    f("SMLNJ", F::Mit, NO, 0, MIT),
    f("GD", F::Mit, NO, 0, MIT),
    f("Spencer-94", F::Other, NO, 0, "permissive: altered versions must be marked"),
    f("PHP-3.0", F::Other, NO, 0, "BSD-like, and derived products may not be called PHP"),
    f("PHP-3.01", F::Other, NO, 0, "BSD-like, and derived products may not be called PHP"),
    f("Zend-2.0", F::Other, NO, 0, "BSD-like, and derived products may not be called Zend"),
    f("Bitstream-Vera", F::Other, NO, 0, "fonts may be modified and sold with software; modified fonts must be renamed"),
    f("X11", F::Mit, NO, 0, "MIT plus a no-endorsement clause"),
    f("ISC", F::Isc, NO, 0, MIT),
    f("NTP", F::Mit, NO, 0, MIT),
    f("HPND", F::Mit, NO, 0, MIT),
    f("HPND-sell-variant", F::Mit, NO, 0, MIT),
    f("Apache-1.0", F::Apache, NO, 0, "permissive with advertising and naming clauses"),
    f("Apache-1.1", F::Apache, NO, 0, "permissive with acknowledgement and naming clauses"),
    f("Apache-2.0", F::Apache, NO, 0, APACHE2),
    f("ECL-2.0", F::Apache, NO, 0, "Apache-2.0 with a narrower patent grant for educational institutions"),
    f("Zlib", F::Zlib, NO, 0, "permissive: altered versions must be marked"),
    f("zlib-acknowledgement", F::Zlib, NO, 0, "permissive: altered versions must be marked"),
    f("Libpng", F::Zlib, NO, 0, "permissive: altered versions must be marked"),
    f("libpng-2.0", F::Zlib, NO, 0, MIT),
    f("BSL-1.0", F::Boost, NO, 0, "permissive; binaries need not carry the notice"),
    f("PSF-2.0", F::Python, NO, 0, "permissive: keep the notice, summarise changes"),
    f("Python-2.0", F::Python, NO, 0, "permissive: keep the notice, summarise changes"),
    f("CNRI-Python", F::Python, NO, 0, "permissive: keep the notice, summarise changes"),
    f("PostgreSQL", F::Mit, NO, 0, MIT),
    f("curl", F::Mit, NO, 0, MIT),
    f("OpenSSL", F::Other, NO, 0, "permissive with advertising clauses"),
    f("OpenSSL-standalone", F::Other, NO, 0, "permissive with advertising clauses"),
    f("NCSA", F::Mit, NO, 0, MIT),
    f("UPL-1.0", F::Other, NO, 0, "permissive with an explicit patent grant"),
    f("Unicode-DFS-2016", F::Other, NO, 0, "permissive: keep the notice"),
    f("Unicode-3.0", F::Other, NO, 0, "permissive: keep the notice"),
    f("ICU", F::Mit, NO, 0, MIT),
    f("IJG", F::Other, NO, 0, "permissive: documentation must credit the IJG"),
    f("libtiff", F::Mit, NO, 0, MIT),
    f("FSFAP", F::Other, NO, 0, "all-permissive: keep the notice"),
    f("FSFUL", F::Other, NO, 0, "unlimited permission"),
    f("FSFULLR", F::Other, NO, 0, "unlimited permission, keep the notice"),
    f("FTL", F::Other, NO, 0, "permissive with a credit clause"),
    f("Info-ZIP", F::Bsd, NO, 0, BSD),
    f("Beerware", F::Other, NO, 0, "keep the notice"),
    f("WTFPL", F::Other, NO, 0, PD),
    f("Unlicense", F::PublicDomain, NO, 0, "dedication to the public domain with a permissive fallback"),
    f("CC0-1.0", F::Cc, NO, T, "'No trademark or patent rights held by Affirmer are waived… or licensed' (section 4.a)"),
    f("CC-PDDC", F::PublicDomain, NO, 0, "public domain dedication"),
    f("blessing", F::PublicDomain, NO, 0, "SQLite's public domain blessing"),
    f(super::normalise::PUBLIC_DOMAIN, F::PublicDomain, NO, 0, "not under copyright: no conditions"),
    f("AFL-2.1", F::Other, NO, 0, "permissive with a patent grant and termination"),
    f("AFL-3.0", F::Other, NO, 0, "permissive with a patent grant and termination"),
    f("Artistic-1.0", F::Artistic, NO, 0, "modified versions must be marked or kept free; no copyleft on other works"),
    f("Artistic-1.0-Perl", F::Artistic, NO, 0, "modified versions must be marked or kept free; no copyleft on other works"),
    f("Artistic-2.0", F::Artistic, NO, 0, "modified versions must be marked or kept free; patent grant"),
    f("ClArtistic", F::Artistic, NO, 0, "the Artistic License with clarifications"),
    f("W3C", F::Other, NO, 0, MIT),
    f("ZPL-2.0", F::Zope, NO, 0, BSD),
    f("ZPL-2.1", F::Zope, NO, 0, BSD),
    f("BlueOak-1.0.0", F::Other, NO, 0, "permissive with a patent grant"),
    f("MulanPSL-2.0", F::Other, NO, 0, "permissive with a patent grant"),
    f("OLDAP-2.8", F::OpenLdap, NO, 0, BSD),
    f("bzip2-1.0.6", F::Bsd, NO, 0, BSD),
    f("TCL", F::Other, NO, 0, "permissive: keep the notice"),
    f("Ruby", F::Other, NO, 0, "distribute changes freely or rename; or the BSD-2-Clause alternative"),
    f("LPPL-1.3c", F::Other, NO, 0, "changed files must be renamed or marked; no copyleft"),
    f("SGI-B-2.0", F::Mit, NO, 0, MIT),
    f("MS-PL", F::Other, Weak, 0, "source-form distributions must stay MS-PL (3.D); the FSF calls its copyleft weak"),
    f("CECILL-B", F::Cecill, NO, 0, "'Modified Software may be distributed under a license agreement other than this Agreement' (5.3.2)"),
    f("EFL-2.0", F::Other, NO, 0, BSD),
    // Restricted
    f("BUSL-1.1", F::Busl, NO, P, "'non-production use' only unless an Additional Use Grant allows it"),
    f("Elastic-2.0", F::Elastic, NO, P | M, "no hosted or managed service; license-key functionality must not be altered"),
    f("PolyForm-Noncommercial-1.0.0", F::PolyForm, NO, C, "non-commercial purposes only"),
    f("PolyForm-Small-Business-1.0.0", F::PolyForm, NO, C, "commercial use only by small businesses"),
    f("Aladdin", F::Other, NO, C | D, "commercial distribution for payment is prohibited (section 2)"),
    // Creative Commons
    f("CC-BY-1.0", F::Cc, NO, 0, CC_BY3),
    f("CC-BY-2.0", F::Cc, NO, 0, CC_BY3),
    f("CC-BY-2.5", F::Cc, NO, 0, CC_BY3),
    f("CC-BY-3.0", F::Cc, NO, 0, CC_BY3),
    f("CC-BY-4.0", F::Cc, NO, T, CC_BY4),
    f("CC-BY-SA-1.0", F::Cc, Strong, 0, CC_SA3),
    f("CC-BY-SA-2.0", F::Cc, Strong, 0, CC_SA3),
    f("CC-BY-SA-2.5", F::Cc, Strong, 0, CC_SA3),
    f("CC-BY-SA-3.0", F::Cc, Strong, 0, CC_SA3),
    f("CC-BY-SA-4.0", F::Cc, Strong, T, CC_SA4),
    f("CC-BY-NC-1.0", F::Cc, NO, C, CC_NC3),
    f("CC-BY-NC-2.0", F::Cc, NO, C, CC_NC3),
    f("CC-BY-NC-2.5", F::Cc, NO, C, CC_NC3),
    f("CC-BY-NC-3.0", F::Cc, NO, C, CC_NC3),
    f("CC-BY-NC-4.0", F::Cc, NO, C | T, CC_NC4),
    f("CC-BY-ND-1.0", F::Cc, NO, M, CC_ND3),
    f("CC-BY-ND-2.0", F::Cc, NO, M, CC_ND3),
    f("CC-BY-ND-2.5", F::Cc, NO, M, CC_ND3),
    f("CC-BY-ND-3.0", F::Cc, NO, M, CC_ND3),
    f("CC-BY-ND-4.0", F::Cc, NO, M | T, CC_ND4),
    f("CC-BY-NC-SA-1.0", F::Cc, Strong, C, CC_NCSA3),
    f("CC-BY-NC-SA-2.0", F::Cc, Strong, C, CC_NCSA3),
    f("CC-BY-NC-SA-2.5", F::Cc, Strong, C, CC_NCSA3),
    f("CC-BY-NC-SA-3.0", F::Cc, Strong, C, CC_NCSA3),
    f("CC-BY-NC-SA-4.0", F::Cc, Strong, C | T, CC_NCSA4),
    f("CC-BY-NC-ND-1.0", F::Cc, NO, C | M, CC_NCND3),
    f("CC-BY-NC-ND-2.0", F::Cc, NO, C | M, CC_NCND3),
    f("CC-BY-NC-ND-2.5", F::Cc, NO, C | M, CC_NCND3),
    f("CC-BY-NC-ND-3.0", F::Cc, NO, C | M, CC_NCND3),
    f("CC-BY-NC-ND-4.0", F::Cc, NO, C | M | T, CC_NCND4),
];

/// Exceptions that let other code link to or use the output of the
/// covered code without taking its license: they weaken a work-level
/// copyleft to `Weak` (the covered code itself stays copyleft). Other
/// exceptions (OpenSSL linking, LLVM's on an already permissive license)
/// leave the facts as they are: an exception only ever adds permissions,
/// so ignoring one errs on the side of more copyleft.
pub(crate) const LINKING_EXCEPTIONS: &[&str] = &[
    "Autoconf-exception-2.0",
    "Autoconf-exception-3.0",
    "Autoconf-exception-generic",
    "Autoconf-exception-generic-3.0",
    "Bison-exception-1.24",
    "Bison-exception-2.2",
    "Classpath-exception-2.0",
    "eCos-exception-2.0",
    "Font-exception-2.0",
    "GCC-exception-2.0",
    "GCC-exception-2.0-note",
    "GCC-exception-3.1",
    "GNAT-exception",
    "GNU-compiler-exception",
    "LGPL-3.0-linking-exception",
    "Libtool-exception",
    "Linux-syscall-note",
    "OCaml-LGPL-linking-exception",
    "Qt-LGPL-exception-1.1",
    "u-boot-exception-2.0",
    "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn every_id_is_a_current_spdx_id_once() {
        assert!(FACTS.len() >= 150, "{}", FACTS.len());
        for (i, facts) in FACTS.iter().enumerate() {
            if facts.id != super::super::normalise::PUBLIC_DOMAIN {
                let l = spdx::license_id(facts.id).unwrap_or_else(|| panic!("{}", facts.id));
                assert_eq!(l.name, facts.id);
                assert!(!l.is_deprecated(), "{}", facts.id);
            }
            assert!(
                FACTS.iter().skip(i + 1).all(|o| o.id != facts.id),
                "{} twice",
                facts.id
            );
            assert!(!facts.reason.is_empty());
        }
        for e in LINKING_EXCEPTIONS {
            assert!(spdx::exception_id(e).is_some(), "{e}");
        }
    }

    /// Our copyleft column against the SPDX list's own copyleft flag where
    /// the list has one: every license it calls copyleft is one here, but
    /// CeCILL-B, whose text (5.3.2) lets modified software go under other
    /// terms.
    #[test]
    fn copyleft_agrees_with_the_spdx_list() {
        let disagree: Vec<&str> = FACTS
            .iter()
            .filter(|f| spdx::license_id(f.id).is_some_and(|l| l.is_copyleft()))
            .filter(|f| f.copyleft == Copyleft::None)
            .map(|f| f.id)
            .collect();
        assert_eq!(disagree, ["CECILL-B"]);
    }
}
