use super::*;
use Ecosystem::{Apk, Deb, Maven, Npm, Nuget, Pypi, Rpm};

fn expr(eco: Ecosystem, raw: &[&str]) -> Option<String> {
    let raw: Vec<String> = raw.iter().map(|s| (*s).to_owned()).collect();
    expression(&raw, eco)
}

fn check(cases: &[(Ecosystem, &[&str], Option<&str>)]) {
    let mut failures = Vec::new();
    for (eco, raw, want) in cases {
        let got = expr(*eco, raw);
        if got.as_deref() != *want {
            failures.push(format!("{eco} {raw:?}: got {got:?}, want {want:?}"));
        }
        if let Some(out) = &got {
            check_output(out);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An expression we produce is valid SPDX to an independent parser (the
/// `spdx` crate's, strict mode), reads back as itself, and evaluates.
fn check_output(out: &str) {
    assert!(
        spdx::Expression::parse_mode(out, spdx::ParseMode::STRICT).is_ok(),
        "not strict SPDX: {out}"
    );
    for eco in [Npm, Deb, Rpm] {
        assert_eq!(expr(eco, &[out]).as_deref(), Some(out), "{eco}: {out}");
    }
    assert!(evaluate(out).is_some(), "{out}");
}

/// Random strings over the expression alphabet: never a panic, and every
/// expression formed passes `check_output`.
#[test]
fn random_input() {
    const WORDS: &[&str] = &[
        "MIT",
        "mit",
        "GPL-2+",
        "GPLv3+",
        "BSD",
        "Apache 2.0",
        "and",
        "or",
        "with",
        "AND",
        "OR",
        "WITH",
        "(",
        ")",
        ",",
        "/",
        "+",
        "Classpath-exception-2.0",
        "exception",
        "Font",
        "LicenseRef-x",
        "public-domain",
        "License ::",
        "OSI Approved ::",
        "MIT License",
        " ",
        "é",
        "\u{0}",
        "GPL",
        "LGPL-2.1",
        "Artistic",
        "Expat",
        "ISC",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut formed = 0;
    for _ in 0..1500 {
        let mut s = String::new();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = 1 + (x % 9) as usize;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
            if x & 0x100 != 0 {
                s.push(' ');
            }
        }
        for eco in [Deb, Rpm, Pypi, Npm] {
            if let Some(out) = expr(eco, &[&s]) {
                formed += 1;
                check_output(&out);
            }
        }
        let _ = evaluate(&s);
    }
    assert!(formed > 250, "{formed}");
}

/// The distinct `License:` synopses of the `Files:` paragraphs of real
/// machine-readable copyright files in `/usr/share/doc/PKG/copyright` on
/// Debian 12 (bookworm), in file order.
#[test]
fn debian_copyright_files() {
    check(&[
        // zlib1g
        (Deb, &["Zlib"], Some("Zlib")),
        // grep
        (Deb, &["GPL-3+"], Some("GPL-3.0-or-later")),
        // tar
        (
            Deb,
            &["GPL-3+", "GPL-3+ with Bison exception", "LGPL-3+", "GPL-2+"],
            Some("GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LGPL-3.0-or-later AND GPL-2.0-or-later"),
        ),
        // ca-certificates
        (Deb, &["GPL-2+", "MPL-2.0"], Some("GPL-2.0-or-later AND MPL-2.0")),
        // openssl
        (
            Deb,
            &["Apache-2.0", "Artistic or GPL-1+"],
            Some("Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)"),
        ),
        // libzstd1
        (
            Deb,
            &["BSD-3-clause or GPL-2", "zlib", "Expat"],
            Some("(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT"),
        ),
        // apt
        (
            Deb,
            &["GPL-2+", "GPL-2", "BSD-3-clause", "Expat"],
            Some("GPL-2.0-or-later AND GPL-2.0-only AND BSD-3-Clause AND MIT"),
        ),
        // libsystemd0
        (
            Deb,
            &["LGPL-2.1+", "CC0-1.0", "GPL-2 with Linux-syscall-note exception", "Expat", "public-domain", "GPL-2+"],
            Some("LGPL-2.1-or-later AND CC0-1.0 AND GPL-2.0-only WITH Linux-syscall-note AND MIT AND LicenseRef-public-domain AND GPL-2.0-or-later"),
        ),
        // libcap2
        (
            Deb,
            &["BSD-3-clause or GPL-2", "BSD-3-clause or GPL-2+"],
            Some("(BSD-3-Clause OR GPL-2.0-only) AND (BSD-3-Clause OR GPL-2.0-or-later)"),
        ),
        // libncursesw6
        (Deb, &["MIT/X11", "X11", "BSD-3-clause"], Some("MIT AND X11 AND BSD-3-Clause")),
        // libsqlite3-0
        (Deb, &["public-domain", "GPL-2+"], Some("LicenseRef-public-domain AND GPL-2.0-or-later")),
        // libicu72
        (Deb, &["MIT", "GPL-3"], Some("MIT AND GPL-3.0-only")),
        // mawk
        (Deb, &["GPL-2", "X11", "CC-BY-3.0"], Some("GPL-2.0-only AND X11 AND CC-BY-3.0")),
        // coreutils
        (
            Deb,
            &["GPL-3+", "GPL-3+ and BSD-4-clause-UC", "GPL-3+ and ISC", "FSFULLR", "GFDL-NIV-1.3"],
            Some("GPL-3.0-or-later AND BSD-4-Clause-UC AND ISC AND FSFULLR AND GFDL-1.3-no-invariants-only"),
        ),
        // libffi8: DEP-5's bare GPL is version 1
        (
            Deb,
            &["Expat", "X11", "GPL-2+", "GPL-3+", "MPL-1.1 or GPL-2+ or LGPL-2.1+", "public-domain", "GPL"],
            Some("MIT AND X11 AND GPL-2.0-or-later AND GPL-3.0-or-later AND (MPL-1.1 OR GPL-2.0-or-later OR LGPL-2.1-or-later) AND LicenseRef-public-domain AND GPL-1.0-only"),
        ),
        // git, without its local mingw-runtime and dlmalloc names
        (
            Deb,
            &["GPL-2", "BSD-3-clause", "Zlib", "LGPL-2.1+", "EDL-1.0", "GPL-2+", "Expat", "GPL-1+ or Artistic-1", "ISC", "Boost", "Apache-2.0"],
            Some("GPL-2.0-only AND BSD-3-Clause AND Zlib AND LGPL-2.1-or-later AND GPL-2.0-or-later AND MIT AND (GPL-1.0-or-later OR Artistic-1.0) AND ISC AND BSL-1.0 AND Apache-2.0"),
        ),
        // sed, without its local "pcre"
        (
            Deb,
            &["GPL-3+", "X11", "GFDL-NIV-1.3+", "GPL-3+ and ISC", "BSD-4-clause-UC", "BSL-1"],
            Some("GPL-3.0-or-later AND X11 AND GFDL-1.3-no-invariants-or-later AND ISC AND BSD-4-Clause-UC AND BSL-1.0"),
        ),
        // libunistring2, two of its paragraphs
        (Deb, &["GPL-3+ or GFDL-1.2+", "GPL-3+"], Some("(GPL-3.0-or-later OR GFDL-1.2-or-later) AND GPL-3.0-or-later")),
        // libldap-2.5-0, two of its paragraphs
        (Deb, &["OpenLDAP-2.8", "OpenLDAP-2.8 and Beerware"], Some("OLDAP-2.8 AND Beerware")),
        // libllvm15, two of its paragraphs
        (Deb, &["Apache-2", "APACHE-2-LLVM-EXCEPTIONS"], Some("Apache-2.0 AND Apache-2.0 WITH LLVM-exception")),
        // Files with a local short name the file itself defines: unknown.
        // libyaml-0-2
        (Deb, &["Expat", "permissive"], None),
        // dpkg
        (Deb, &["GPL-2+", "GPL-2", "BSD-2-clause", "public-domain-s-s-d"], None),
        // curl: no SPDX id for the exception
        (Deb, &["GPL-2+ with Autoconf-data exception"], None),
        // DEP-5's own OpenSSL keyword: no SPDX id either
        (Deb, &["GPL-2+ with OpenSSL exception"], None),
        // findutils
        (Deb, &["BSD-3-clause and/or GPL-3+"], None),
        // bzip2
        (Deb, &["BSD-variant", "GPL-2"], None),
        // DEP-5 §7.1's keywords and exceptions
        (Deb, &["GPL-2+ with Font exception"], Some("GPL-2.0-or-later WITH Font-exception-2.0")),
        (Deb, &["GPL-3+ with Autoconf exception"], Some("GPL-3.0-or-later WITH Autoconf-exception-3.0")),
        (Deb, &["GPL-2+ with Libtool exception"], Some("GPL-2.0-or-later WITH Libtool-exception")),
        (Deb, &["Perl"], Some("GPL-1.0-or-later OR Artistic-1.0")),
        (Deb, &["LGPL", "Apache", "MPL", "BSD"], Some("LGPL-2.0-only AND Apache-1.0 AND MPL-1.1 AND BSD-3-Clause")),
        (Deb, &["CC-BY-SA", "GPL-1"], Some("CC-BY-SA-1.0 AND GPL-1.0-only")),
        (Deb, &["EDL-1", "BSD-2-Clause-NetBSD"], Some("BSD-3-Clause AND BSD-2-Clause")),
        // DEP-5 §7.2's own example of the comma
        (
            Deb,
            &["GPL-2+ or Artistic-2.0, and BSD-3-clause"],
            Some("(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause"),
        ),
    ]);
}

/// rpm `License:` tags of Fedora/RHEL spec files: legacy Fedora names
/// (RHEL 8/9 era) and the SPDX expressions Fedora uses since 2022.
#[test]
fn rpm_license_tags() {
    check(&[
        // bash, coreutils
        (Rpm, &["GPLv3+"], Some("GPL-3.0-or-later")),
        // openssl 3 (RHEL 9)
        (Rpm, &["ASL 2.0"], Some("Apache-2.0")),
        // perl
        (Rpm, &["GPL+ or Artistic"], Some("GPL-1.0-or-later OR Artistic-1.0-Perl")),
        // zlib
        (Rpm, &["zlib and Boost"], Some("Zlib AND BSL-1.0")),
        // systemd
        (Rpm, &["LGPLv2+ and MIT and GPLv2+"], Some("LGPL-2.0-or-later AND MIT AND GPL-2.0-or-later")),
        // sqlite, tzdata
        (Rpm, &["Public Domain"], Some("LicenseRef-public-domain")),
        // xz
        (Rpm, &["GPLv2+ and Public Domain"], Some("GPL-2.0-or-later AND LicenseRef-public-domain")),
        // python3 (RHEL 8)
        (Rpm, &["Python"], Some("Python-2.0")),
        // openldap
        (Rpm, &["OpenLDAP"], Some("OLDAP-2.8")),
        // nss
        (Rpm, &["MPLv2.0"], Some("MPL-2.0")),
        // cyrus-sasl
        (Rpm, &["BSD with advertising"], Some("BSD-4-Clause")),
        // gnutls
        (Rpm, &["GPLv3+ and LGPLv2+"], Some("GPL-3.0-or-later AND LGPL-2.0-or-later")),
        // the legacy form of a tag with a choice: BSD alone is ambiguous
        (Rpm, &["MIT and (GPLv2+ or BSD)"], None),
        // p11-kit
        (Rpm, &["BSD"], None),
        // libcap
        (Rpm, &["BSD or GPLv2"], None),
        // libgcc
        (Rpm, &["GPLv3+ and GPLv3+ with exceptions and GPLv2+ with exceptions and LGPLv2+ and BSD"], None),
        // glibc
        (
            Rpm,
            &["LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD and Inner-Net and ISC and Public Domain and GFDL"],
            None,
        ),
        // dbus
        (Rpm, &["(GPLv2+ or AFL) and GPLv2+"], None),
        // Fedora since 2022 (SPDX), and more legacy names
        (Rpm, &["LGPL-2.1-or-later AND MIT"], Some("LGPL-2.1-or-later AND MIT")),
        (Rpm, &["GPL-2.0-or-later WITH Linux-syscall-note"], Some("GPL-2.0-or-later WITH Linux-syscall-note")),
        (Rpm, &["LGPLv2"], Some("LGPL-2.0-only")),
        (Rpm, &["LGPLv2.1"], Some("LGPL-2.1-only")),
        (Rpm, &["AGPLv3"], Some("AGPL-3.0-only")),
        (Rpm, &["CDDL"], Some("CDDL-1.0")),
    ]);
}

/// PyPI: a package's `License:` field and its license classifiers, as the
/// METADATA/PKG-INFO files in Debian 12's /usr/lib/python3/dist-packages
/// have them.
#[test]
fn pypi_metadata() {
    check(&[
        // PyYAML, pip, six
        (Pypi, &["MIT", "License :: OSI Approved :: MIT License"], Some("MIT")),
        // blinker
        (Pypi, &["MIT License", "License :: OSI Approved :: MIT License"], Some("MIT")),
        // chardet
        (
            Pypi,
            &["LGPL", "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)"],
            Some("LGPL-2.0-or-later"),
        ),
        // cryptography
        (
            Pypi,
            &["BSD-3-Clause OR Apache-2.0", "License :: OSI Approved :: Apache Software License", "License :: OSI Approved :: BSD License"],
            Some("BSD-3-Clause OR Apache-2.0"),
        ),
        // distro, pyOpenSSL
        (
            Pypi,
            &["Apache License, Version 2.0", "License :: OSI Approved :: Apache Software License"],
            Some("Apache-2.0"),
        ),
        // utf8_locale
        (
            Pypi,
            &["BSD-2", "License :: DFSG approved", "License :: Freely Distributable", "License :: OSI Approved :: BSD License"],
            Some("BSD-2-Clause"),
        ),
        // Pygments
        (Pypi, &["BSD-2-Clause", "License :: OSI Approved :: BSD License"], Some("BSD-2-Clause")),
        // dbus-python
        (Pypi, &["Expat (MIT/X11)", "License :: OSI Approved :: MIT License"], Some("MIT")),
        // lazr.uri, wadllib
        (
            Pypi,
            &["LGPL v3", "License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)"],
            Some("LGPL-3.0-only"),
        ),
        // oauthlib: BSD of which kind?
        (Pypi, &["BSD", "License :: OSI Approved", "License :: OSI Approved :: BSD License"], None),
        // perf
        (Pypi, &["GPLv2"], Some("GPL-2.0-only")),
        // python-apt: a GPL naming no version (GPL-2.0 §9)
        (Pypi, &["GNU GPL"], Some("GPL-1.0-or-later")),
        // python-debian
        (
            Pypi,
            &["GPL-2+", "License :: DFSG approved", "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)"],
            Some("GPL-2.0-or-later"),
        ),
        // argcomplete, yq: which Apache?
        (Pypi, &["Apache Software License", "License :: OSI Approved :: Apache Software License"], None),
        // pyparsing, setuptools (no License field)
        (Pypi, &["License :: OSI Approved :: MIT License"], Some("MIT")),
        // classifiers that name no license
        (Pypi, &["License :: OSI Approved"], None),
        (Pypi, &["License :: Other/Proprietary License"], None),
    ]);
}

/// Every trove classifier that names one license maps to it.
#[test]
fn trove_classifiers() {
    let cases: &[(&str, &str)] = &[
        ("License :: OSI Approved :: MIT License", "MIT"),
        (
            "License :: OSI Approved :: MIT No Attribution License (MIT-0)",
            "MIT-0",
        ),
        ("License :: OSI Approved :: ISC License (ISCL)", "ISC"),
        (
            "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
            "GPL-2.0-only",
        ),
        (
            "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
            "GPL-3.0-or-later",
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
            "LGPL-3.0-only",
        ),
        (
            "License :: OSI Approved :: GNU Affero General Public License v3",
            "AGPL-3.0-only",
        ),
        (
            "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
            "AGPL-3.0-or-later",
        ),
        (
            "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
            "MPL-2.0",
        ),
        (
            "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)",
            "EPL-2.0",
        ),
        (
            "License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)",
            "EUPL-1.2",
        ),
        (
            "License :: OSI Approved :: Python Software Foundation License",
            "PSF-2.0",
        ),
        (
            "License :: OSI Approved :: The Unlicense (Unlicense)",
            "Unlicense",
        ),
        (
            "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)",
            "BSL-1.0",
        ),
        ("License :: OSI Approved :: zlib/libpng License", "Zlib"),
        (
            "License :: OSI Approved :: University of Illinois/NCSA Open Source License",
            "NCSA",
        ),
        (
            "License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)",
            "HPND",
        ),
        (
            "License :: OSI Approved :: Universal Permissive License (UPL)",
            "UPL-1.0",
        ),
        ("License :: OSI Approved :: Zero-Clause BSD (0BSD)", "0BSD"),
        (
            "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
            "CC0-1.0",
        ),
        ("License :: Public Domain", "LicenseRef-public-domain"),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)",
            "LGPL-2.0-or-later",
        ),
        (
            "License :: OSI Approved :: GNU General Public License (GPL)",
            "GPL-1.0-or-later",
        ),
        ("license ::  osi approved :: mit license", "MIT"),
    ];
    for (classifier, want) in cases {
        assert_eq!(
            expr(Pypi, &[classifier]).as_deref(),
            Some(*want),
            "{classifier}"
        );
    }
    for vague in [
        "License :: OSI Approved :: BSD License",
        "License :: OSI Approved :: Apache Software License",
        "License :: OSI Approved :: Artistic License",
        "License :: OSI Approved :: Zope Public License",
        "License :: OSI Approved :: Academic Free License (AFL)",
        "License :: Freely Distributable",
        "License :: Free for non-commercial use",
        "License :: OSI Approved :: Made Up License",
    ] {
        assert_eq!(expr(Pypi, &[vague]), None, "{vague}");
    }
}

#[test]
fn npm_maven_nuget_apk_names() {
    check(&[
        (Npm, &["MIT"], Some("MIT")),
        (Npm, &["(MIT OR CC0-1.0)"], Some("MIT OR CC0-1.0")),
        (Npm, &["(MIT AND Zlib)"], Some("MIT AND Zlib")),
        (Npm, &["mit"], Some("MIT")),
        (Npm, &["apache-2.0"], Some("Apache-2.0")),
        (Npm, &["MIT/Apache-2.0"], Some("MIT OR Apache-2.0")),
        (Npm, &["Apache 2.0"], Some("Apache-2.0")),
        (
            Npm,
            &["BSD-3-Clause OR GPL-2.0"],
            Some("BSD-3-Clause OR GPL-2.0-only"),
        ),
        (Npm, &["GPL-2.0+"], Some("GPL-2.0-or-later")),
        (Npm, &["MIT", "GPL-2.0"], Some("MIT AND GPL-2.0-only")),
        (Npm, &["UNLICENSED"], None),
        (Npm, &["SEE LICENSE IN LICENSE.md"], None),
        (
            Npm,
            &["LicenseRef-Proprietary"],
            Some("LicenseRef-Proprietary"),
        ),
        (
            Maven,
            &["The Apache Software License, Version 2.0"],
            Some("Apache-2.0"),
        ),
        (Maven, &["Apache License, Version 2.0"], Some("Apache-2.0")),
        (Maven, &["Eclipse Public License - v 1.0"], Some("EPL-1.0")),
        (
            Maven,
            &[
                "Eclipse Public License - v 2.0",
                "GNU General Public License, version 2 with the GNU Classpath Exception",
            ],
            Some("EPL-2.0 AND GPL-2.0-only WITH Classpath-exception-2.0"),
        ),
        (
            Maven,
            &["CDDL + GPLv2 with classpath exception"],
            Some("CDDL-1.1 OR GPL-2.0-only WITH Classpath-exception-2.0"),
        ),
        (
            Maven,
            &["GNU Lesser General Public License"],
            Some("LGPL-2.0-or-later"),
        ),
        (
            Maven,
            &["Eclipse Distribution License - v 1.0"],
            Some("BSD-3-Clause"),
        ),
        (Maven, &["Bouncy Castle Licence"], None),
        (Nuget, &["MIT"], Some("MIT")),
        (Nuget, &["https://licenses.nuget.org/MIT"], Some("MIT")),
        (
            Nuget,
            &["https://licenses.nuget.org/(MIT%20OR%20Apache-2.0)"],
            Some("MIT OR Apache-2.0"),
        ),
        (
            Nuget,
            &["http://www.apache.org/licenses/LICENSE-2.0"],
            Some("Apache-2.0"),
        ),
        (Nuget, &["https://opensource.org/licenses/MIT"], Some("MIT")),
        (
            Nuget,
            &["https://github.com/dotnet/corefx/blob/master/LICENSE.TXT"],
            None,
        ),
        (
            Apk,
            &["GPL-2.0-or-later AND LGPL-2.1-or-later"],
            Some("GPL-2.0-or-later AND LGPL-2.1-or-later"),
        ),
        (Apk, &["GPL2+"], Some("GPL-2.0-or-later")),
        (Apk, &["custom"], None),
        (
            Apk,
            &["MIT BSD-3-Clause GPL2+"],
            Some("MIT AND BSD-3-Clause AND GPL-2.0-or-later"),
        ),
        (Apk, &["MIT BSD"], None),
        (Rpm, &["GPL v2"], Some("GPL-2.0-only")),
    ]);
}

#[test]
fn spdx_ids_are_validated_and_case_fixed() {
    check(&[
        (Npm, &["bsd-3-clause"], Some("BSD-3-Clause")),
        (Npm, &["0bsd"], Some("0BSD")),
        (
            Npm,
            &["mpl-2.0 or lgpl-2.1-or-later"],
            Some("MPL-2.0 OR LGPL-2.1-or-later"),
        ),
        (
            Npm,
            &["Apache-2.0 with llvm-exception"],
            Some("Apache-2.0 WITH LLVM-exception"),
        ),
        (
            Npm,
            &["GPL-2.0-with-classpath-exception"],
            Some("GPL-2.0-only WITH Classpath-exception-2.0"),
        ),
        (Npm, &["GPL-3.0"], Some("GPL-3.0-only")),
        (Npm, &["LGPL-2.1+"], Some("LGPL-2.1-or-later")),
        (Npm, &["MPL-1.1+"], Some("MPL-1.1+")),
        (Npm, &["StandardML-NJ"], Some("SMLNJ")),
        (Npm, &["MIT", "mit", "MIT"], Some("MIT")),
        (Npm, &["NOASSERTION", "ISC"], Some("ISC")),
        (Npm, &["NOASSERTION"], None),
        (Npm, &[], None),
        (Npm, &["", "  "], None),
        (
            Npm,
            &["MIT WITH Classpath-exception-2.0"],
            Some("MIT WITH Classpath-exception-2.0"),
        ),
        (Npm, &["MIT WITH Not-An-Exception"], None),
        (Npm, &["Not-A-License-1.0"], None),
        (Npm, &["LicenseRef-"], None),
        (Npm, &["LicenseRef-a b"], None),
        (Npm, &["MIT AND"], None),
        (Npm, &["(MIT OR ISC"], None),
        (Npm, &["MIT ISC"], Some("MIT AND ISC")),
    ]);
}

#[test]
fn hostile_input_is_bounded() {
    use std::time::Instant;
    let start = Instant::now();
    let one_mb = "MIT AND ".repeat(128 * 1024);
    assert_eq!(expr(Npm, &[&one_mb]), None);
    let deep = format!("{}MIT{}", "(".repeat(500_000), ")".repeat(500_000));
    assert_eq!(expr(Npm, &[&deep]), None);
    assert_eq!(evaluate(&deep), None);
    // Just under the entry bound, deep: the depth bound.
    let deep = format!("{}MIT{}", "(".repeat(2000), ")".repeat(2000));
    assert_eq!(expr(Npm, &[&deep]), None);
    // Many slashes in one term, many terms, many entries.
    let slashes = "GPL/".repeat(1000);
    assert_eq!(expr(Rpm, &[&slashes]), None);
    let words = "Made up name ".repeat(300);
    assert_eq!(expr(Rpm, &[&words]), None);
    let many: Vec<String> = (0..100_000).map(|i| format!("Local-{i}")).collect();
    assert_eq!(expression(&many, Deb), None);
    let many_mit: Vec<String> = vec!["MIT".to_owned(); 100_000];
    let a = assess(&many_mit, Npm);
    assert_eq!(a.expression, None);
    assert_eq!(a.evaluation.licenses, ["MIT"]);
    assert_eq!(
        a.evaluation.unknown,
        ["(99744 more declared licenses not read)"]
    );
    let bytes: Vec<String> = vec!["\u{0}\u{ffff}é(".to_owned(); 10];
    assert_eq!(expression(&bytes, Pypi), None);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

#[test]
fn facts_of_common_licenses() {
    let mit = facts("MIT").unwrap();
    assert_eq!(
        (mit.family, mit.copyleft, mit.restrictions.any()),
        (Family::Mit, Copyleft::None, false)
    );
    let gpl = facts("GPL-2.0-or-later").unwrap();
    assert_eq!((gpl.family, gpl.copyleft), (Family::Gpl, Copyleft::Strong));
    assert_eq!(facts("LGPL-2.1-only").unwrap().copyleft, Copyleft::Weak);
    assert_eq!(facts("MPL-2.0").unwrap().copyleft, Copyleft::Weak);
    assert_eq!(facts("AGPL-3.0-only").unwrap().copyleft, Copyleft::Network);
    assert_eq!(facts("SSPL-1.0").unwrap().copyleft, Copyleft::Network);
    assert_eq!(facts("mpl-1.1+").unwrap().id, "MPL-1.1");
    assert!(facts("CC0-1.0").unwrap().restrictions.patents);
    assert!(!facts("Apache-2.0").unwrap().restrictions.patents);
    let nc = facts("CC-BY-NC-SA-4.0").unwrap().restrictions;
    assert_eq!(
        nc,
        Restrictions {
            commercial_use: true,
            distribution: false,
            production_use: false,
            modification: false,
            patents: true
        }
    );
    assert!(facts("CC-BY-ND-3.0").unwrap().restrictions.modification);
    assert!(facts("BUSL-1.1").unwrap().restrictions.production_use);
    assert_eq!(facts("Not-A-License"), None);
    assert_eq!(
        facts("LicenseRef-public-domain").unwrap().family,
        Family::PublicDomain
    );
    assert_eq!(Family::from_name("gpl"), Some(Family::Gpl));
    assert_eq!(Family::from_name(" CeCILL "), Some(Family::Cecill));
    assert_eq!(Family::from_name("nope"), None);
    for f in Family::ALL {
        assert_eq!(Family::from_name(f.name()), Some(f));
    }
    assert_eq!(family_of("GPL-2.0-with-bison-exception"), Some(Family::Gpl));
    assert_eq!(family_of("BSD-4.3TAHOE"), Some(Family::Bsd));
    assert_eq!(family_of("Latex2e"), Some(Family::Other));
    assert_eq!(family_of("Glide"), None);
}

#[test]
fn evaluation_of_expressions() {
    let e = evaluate("MIT OR GPL-2.0-only").unwrap();
    assert_eq!(e.copyleft, Some(Copyleft::None));
    assert_eq!(e.licenses, ["MIT"]);
    assert_eq!(e.families, [Family::Mit]);

    let e = evaluate("MIT AND (LGPL-2.1-only OR GPL-3.0-only) AND CC-BY-NC-4.0").unwrap();
    assert_eq!(e.copyleft, Some(Copyleft::Weak));
    assert_eq!(e.licenses, ["MIT", "LGPL-2.1-only", "CC-BY-NC-4.0"]);
    assert_eq!(e.families, [Family::Lgpl, Family::Mit, Family::Cc]);
    assert!(e.restrictions.commercial_use && e.restrictions.patents);
    assert!(e.unknown.is_empty());

    // Fewer restrictions beat weaker copyleft: GPL over non-commercial.
    let e = evaluate("CC-BY-NC-3.0 OR GPL-3.0-or-later").unwrap();
    assert_eq!(e.licenses, ["GPL-3.0-or-later"]);
    // A known alternative beats an unknown one.
    let e = evaluate("LicenseRef-Mine OR AGPL-3.0-only").unwrap();
    assert_eq!(
        (e.copyleft, e.licenses.as_slice()),
        (Some(Copyleft::Network), &["AGPL-3.0-only".to_owned()][..])
    );
    assert!(e.unknown.is_empty());

    // Linking exceptions weaken copyleft; others do not.
    let e = evaluate("GPL-2.0-only WITH Classpath-exception-2.0").unwrap();
    assert_eq!(e.copyleft, Some(Copyleft::Weak));
    assert_eq!(e.licenses, ["GPL-2.0-only WITH Classpath-exception-2.0"]);
    assert_eq!(
        evaluate("GPL-3.0-or-later WITH GCC-exception-3.1")
            .unwrap()
            .copyleft,
        Some(Copyleft::Weak)
    );
    assert_eq!(
        evaluate("GPL-2.0-only WITH Linux-syscall-note")
            .unwrap()
            .copyleft,
        Some(Copyleft::Weak)
    );
    assert_eq!(
        evaluate("Apache-2.0 WITH LLVM-exception").unwrap().copyleft,
        Some(Copyleft::None)
    );
    assert_eq!(
        evaluate("GPL-2.0-or-later WITH openvpn-openssl-exception")
            .unwrap()
            .copyleft,
        Some(Copyleft::Strong)
    );

    // Unknown ids are listed, with their family where the id shows one.
    let e = evaluate("BSD-4.3TAHOE AND GPL-2.0-only").unwrap();
    assert_eq!(e.unknown, ["BSD-4.3TAHOE"]);
    assert_eq!(e.families, [Family::Gpl, Family::Bsd]);
    assert_eq!(e.copyleft, Some(Copyleft::Strong));

    // `evaluate` reads SPDX only.
    let e = evaluate("GPLv2+").unwrap();
    assert_eq!(
        (e.copyleft, e.unknown.as_slice()),
        (None, &["GPLv2+".to_owned()][..])
    );
    assert_eq!(evaluate("MIT AND"), None);
    assert_eq!(evaluate("MIT ISC").unwrap().unknown, ["MIT ISC"]);
}

#[test]
fn assessment_keeps_the_known_parts() {
    let raw: Vec<String> = ["GPL-2+", "permissive", "GPL-2+ with OpenSSL exception"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let a = assess(&raw, Deb);
    assert_eq!(a.expression, None);
    assert_eq!(a.evaluation.copyleft, Some(Copyleft::Strong));
    assert_eq!(a.evaluation.licenses, ["GPL-2.0-or-later"]);
    assert_eq!(
        a.evaluation.unknown,
        ["permissive", "GPL-2.0-or-later with OpenSSL exception"]
    );
    let raw = vec!["BSD and GPLv2+".to_owned()];
    let a = assess(&raw, Rpm);
    assert_eq!(a.expression, None);
    assert_eq!(a.evaluation.families, [Family::Gpl, Family::Bsd]);
    assert_eq!(a.evaluation.unknown, ["BSD"]);
    let raw = vec!["MIT".to_owned()];
    assert_eq!(
        assess(&raw, Npm),
        Assessment {
            expression: Some("MIT".to_owned()),
            evaluation: Evaluation {
                copyleft: Some(Copyleft::None),
                restrictions: Restrictions::default(),
                families: vec![Family::Mit],
                licenses: vec!["MIT".to_owned()],
                unknown: vec![],
                avoided: vec![],
            }
        }
    );
}

#[test]
fn evaluation_avoids_what_the_caller_lists() {
    let gpl = |id: &str| family_of(id) == Some(Family::Gpl);
    // Without a list, MIT is the least restrictive; with GPL avoided, too.
    let e = evaluate_with("GPL-2.0-only OR MIT", &gpl).unwrap();
    assert_eq!(
        (e.licenses.as_slice(), e.avoided.len()),
        (&["MIT".to_owned()][..], 0)
    );
    // A restriction is worse than copyleft, unless copyleft is avoided.
    let e = evaluate("GPL-3.0-only OR CC-BY-NC-4.0").unwrap();
    assert_eq!(e.licenses, ["GPL-3.0-only"]);
    let e = evaluate_with("GPL-3.0-only OR CC-BY-NC-4.0", &gpl).unwrap();
    assert_eq!(e.licenses, ["CC-BY-NC-4.0"]);
    // No way around it: reported as avoided.
    let e = evaluate_with("MIT AND GPL-2.0-only WITH Classpath-exception-2.0", &gpl).unwrap();
    assert_eq!(e.avoided, ["GPL-2.0-only WITH Classpath-exception-2.0"]);
    let raw = vec!["GPL-2+ or Artistic".to_owned()];
    let a = assess_with(&raw, Deb, &gpl);
    assert_eq!(
        a.expression.as_deref(),
        Some("GPL-2.0-or-later OR Artistic-1.0")
    );
    assert_eq!(a.evaluation.licenses, ["Artistic-1.0"]);
}
